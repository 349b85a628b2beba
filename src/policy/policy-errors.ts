/**
 * What can go wrong asking a policy, as a tree by cause (as openai-node does): the endpoint could
 * not be reached, it refused the request, it kept rate-limiting us, or it answered with something
 * that is not a chat completion. The loop tells a context overflow apart to end with `exit_context`.
 */
import { SweSrlError, TimeoutError } from '../errors.js';

export class PolicyError extends SweSrlError {}

/** The endpoint did not answer (refused connection, reset, DNS). Retried before it is raised. */
export class PolicyConnectionError extends PolicyError {}

/** The endpoint answered with an HTTP error. `status` and the start of the body are kept. */
export class PolicyHttpError extends PolicyError {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether the endpoint says the prompt is longer than the model's context window. */
  get isContextOverflow(): boolean {
    return this.status === 400 && /context length|context window|maximum context|too many tokens|prompt is too long|exceeds the (max|model)/i.test(this.body);
  }
}

/** The endpoint answered 200 with a body that is not a chat completion. */
export class PolicyResponseError extends PolicyError {}

/** A request ran past its time limit (also a TimeoutError, like every timeout of ours). */
export class PolicyTimeoutError extends TimeoutError {}

/** A replay policy was asked for more actions than its trajectory holds. */
export class PolicyExhaustedError extends PolicyError {}
