/**
 * What the server needs from an episode, whatever runs it: start one on a task instance, step it
 * with a model's output, close it for the patch and the RLVR verdict, remove it (its sandbox) at
 * any time. The server owns routing, limits, reaping and cleanup; a driver owns sandboxes, tools
 * and grading. A failure of the machinery (the Docker engine gone, a container removed) is an
 * `UnavailableError` from the driver: the episode then ends as an infrastructure error, which a
 * trainer must not count as unresolved.
 */

export interface EpisodeStartRequest {
  instanceId: string;
  /** Which sample of the instance this is (G samples for one GRPO group); labels only. */
  sample?: number;
}

/** A chat message as OpenAI's API writes it; tool-calling formats add tool_calls and tool results. */
export interface EpisodeMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

/** One model turn: its text, and for function calling its tool calls (arguments as JSON text). */
export interface EpisodeAction {
  text: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
}

export interface EpisodeStepResult {
  /** What the model is shown next (the tool output, or a format-error message). */
  observation: string;
  done: boolean;
  /** A per-step reward, when the driver gives one. */
  reward: number | null;
  /** How the episode ended, once `done` (SWE-agent's exit statuses: submitted, exit_format, …). */
  exitStatus: string | null;
  /** The messages to append to the conversation for this turn (the assistant turn is the caller's). */
  messages: EpisodeMessage[];
}

export type VerdictStatus = 'resolved' | 'unresolved' | 'empty_patch' | 'error';

/** The evaluation stage's judgement of the episode's patch. */
export interface EpisodeVerdict {
  status: VerdictStatus;
  resolved: boolean | null;
  /** The RLVR reward: 1 when resolved, else 0 (or the FAIL_TO_PASS share with partial credit); null for `error`. */
  reward: number | null;
  tests_status?: unknown;
  /** Why: an infrastructure error's message, or a notable reason for unresolved. */
  detail?: string;
}

export interface EpisodeCloseResult {
  patch: string | null;
  exitStatus: string | null;
  verdict: EpisodeVerdict;
}

export interface DrivenEpisode {
  step(action: EpisodeAction, signal: AbortSignal): Promise<EpisodeStepResult>;
  /** Ends the episode: the patch and its verdict. The sandbox may be removed afterwards or kept until `remove`. */
  close(signal: AbortSignal): Promise<EpisodeCloseResult>;
  /** Removes the sandbox; idempotent, safe during a step (which then fails). */
  remove(): Promise<void>;
}

export interface StartedEpisode {
  episode: DrivenEpisode;
  /** The conversation the model starts from (system prompt, the task). */
  messages: EpisodeMessage[];
  /** Tool schemas, for function calling (OpenAI `tools`). */
  tools?: unknown[];
  /** Whether the sandbox came from a warm pool (for metrics and the benchmark). */
  warm?: boolean;
}

export interface EpisodeDriver {
  start(request: EpisodeStartRequest, signal: AbortSignal): Promise<StartedEpisode>;
  /** Removes the sandboxes an earlier process of this server left behind (found by label); returns how many. */
  removeLeftovers?(): Promise<number>;
  /** Releases what the driver holds (a warm pool's sandboxes). */
  close?(): Promise<void>;
}
