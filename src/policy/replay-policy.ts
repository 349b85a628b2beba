/**
 * A policy that plays a recorded trajectory's actions back, one per call, written in the
 * trajectory's own action format so the agent loop parses them exactly as it parses a model's.
 * It drives `swe-srl traj replay` and is the loop's test double (SWE-agent's replay model).
 */
import {
  fenceCommand,
  renderAction,
  toOpenAiToolCall,
  type ParsedAction,
  type ToolFormat,
} from '../tools/parsers/index.js';
import { splitShellWords } from '../tools/classic/shell-words.js';
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
    const action = rewriteStrings(step.parsed_action, rewrite);
    const thought = step.thought.trim();
    const withThought = (text: string) => (thought === '' ? text : `${thought}\n\n${text}`);
    switch (this.options.format) {
      case 'thought_action':
        // The recorded command line itself, so the shell-level quoting it used is replayed too.
        return { text: withThought(fenceCommand(rewrite(step.action).replace(/\n+$/, ''))), toolCalls: [], finishReason: 'stop' };
      case 'function_calling': {
        const call = toOpenAiToolCall(action, `call_${this.next}`);
        return { text: thought, toolCalls: [{ id: call.id, name: call.function.name, arguments: withRecordedReplaceAll(call.function.arguments, step) }], finishReason: 'tool_calls' };
      }
      case 'xml_function_calling':
        return { text: withThought(renderAction('xml_function_calling', action)), toolCalls: [], finishReason: 'stop' };
    }
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

/**
 * The parsers drop a `replace-all: false` from an edit, but SWE-agent passed it to the tool (which
 * then replaced all); the recorded command line (`edit 'a' 'b' False`) still shows it, so it is put
 * back into the replayed call.
 */
function withRecordedReplaceAll(argumentsJson: string, step: ReplayStep): string {
  if (step.parsed_action.tool !== 'edit_replace') return argumentsJson;
  const words = splitShellWords(step.action.trim());
  if (!words.ok || words.words.length !== 4) return argumentsJson;
  const flag = words.words[3]!;
  const args = JSON.parse(argumentsJson) as Record<string, unknown>;
  args['replace-all'] = flag === 'True' ? true : flag === 'False' ? false : flag;
  return JSON.stringify(args);
}
