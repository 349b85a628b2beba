/**
 * A policy that plays a recorded trajectory's actions back, one per call, written in the
 * trajectory's own action format (the action language's `writeResponse`) so the agent loop parses
 * them exactly as it parses a model's. It drives `swe-srl traj replay` and is the loop's test
 * double (SWE-agent's replay model).
 */
import { writeResponse, type ParsedAction, type ToolFormat } from '../tools/parsers/index.js';
import type { Policy, PolicyRequest, PolicyResponse, PolicySample } from './types.js';
import { emptyUsage } from './types.js';
import { PolicyExhaustedError } from './policy-errors.js';

export interface ReplayStep {
  thought: string;
  /** The recorded action text (SWE-agent's command line for thought-action runs). */
  action: string;
  parsed_action: ParsedAction;
}

export interface ReplayPolicyOptions {
  format: ToolFormat;
  /** Applied to every recorded string before it is played, e.g. the recorded repo root → `/testbed`. */
  rewrite?: (text: string) => string;
  /** `model_name_or_path` of what it produces. Default `replay`. */
  name?: string;
  /** Play the actions without their recorded thoughts (as SRL step prompts show the expert's turns). */
  withoutThoughts?: boolean;
}

export class ReplayPolicy implements Policy {
  readonly name: string;
  private next = 0;

  constructor(
    private readonly steps: readonly ReplayStep[],
    private readonly options: ReplayPolicyOptions,
  ) {
    this.name = options.name ?? 'replay';
  }

  /** How many recorded actions have been played. */
  get played(): number {
    return this.next;
  }

  async complete(request: PolicyRequest): Promise<PolicyResponse> {
    const step = this.steps[this.next];
    if (step === undefined) {
      throw new PolicyExhaustedError(`the replayed trajectory has only ${this.steps.length} actions and all were played`);
    }
    this.next += 1;
    const sample = this.render(step);
    const n = Math.max(1, request.n ?? 1);
    return { samples: Array.from({ length: n }, () => sample), usage: emptyUsage(), model: this.name, requests: 0, latencyMs: 0 };
  }

  private render(step: ReplayStep): PolicySample {
    const rewrite = this.options.rewrite ?? ((text: string) => text);
    const written = writeResponse(this.options.format, {
      action: rewriteStrings(step.parsed_action, rewrite),
      actionText: rewrite(step.action),
      thought: this.options.withoutThoughts ? '' : step.thought,
      callId: `call_${this.next}`,
    });
    return { ...written, finishReason: written.toolCalls.length > 0 ? 'tool_calls' : 'stop' };
  }
}

function rewriteStrings(action: ParsedAction, rewrite: (text: string) => string): ParsedAction {
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') return rewrite(value);
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, visit(inner)]));
    }
    return value;
  };
  return { tool: action.tool, args: visit(action.args) as Record<string, unknown> } as ParsedAction;
}
