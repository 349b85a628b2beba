/**
 * Lifecycle hooks: progress bars, logs and recorders hang off the loop here instead of living in
 * it (SWE-agent's `on_step_start`, `on_action_executed`, `on_run_done`). Every hook is optional
 * and may be async; the loop awaits it, so a recorder can write before the next step.
 */
import type { ParsedAction } from '../tools/parsers/index.js';
import type { ToolOutcome, ToolState } from '../tools/types.js';
import type { ChatMessage, PolicyResponse } from '../policy/types.js';
import type { AgentResult } from './agent-result.js';

type Awaitable = void | Promise<void>;

export interface AgentHooks {
  onRunStart?(event: { instanceId: string; messages: readonly ChatMessage[] }): Awaitable;
  onStepStart?(event: { step: number; messages: readonly ChatMessage[] }): Awaitable;
  onModelResponse?(event: { step: number; response: PolicyResponse; output: string }): Awaitable;
  /** A response that was not one well-formed action; `consecutive` counts toward the limit. */
  onFormatError?(event: { step: number; output: string; reason: string; consecutive: number }): Awaitable;
  onActionExecuted?(event: {
    step: number;
    thought: string;
    actionText: string;
    action: ParsedAction;
    outcome: ToolOutcome;
    state: ToolState;
    durationMs: number;
  }): Awaitable;
  onRunDone?(result: AgentResult): Awaitable;
}

/** Calls several hook sets in order, as one. */
export function combineHooks(...sets: Array<AgentHooks | undefined>): AgentHooks {
  const present = sets.filter((set): set is AgentHooks => set !== undefined);
  const call = async <K extends keyof AgentHooks>(name: K, event: Parameters<NonNullable<AgentHooks[K]>>[0]) => {
    for (const set of present) {
      const hook = set[name] as ((value: typeof event) => Awaitable) | undefined;
      if (hook) await hook.call(set, event);
    }
  };
  return {
    onRunStart: (event) => call('onRunStart', event),
    onStepStart: (event) => call('onStepStart', event),
    onModelResponse: (event) => call('onModelResponse', event),
    onFormatError: (event) => call('onFormatError', event),
    onActionExecuted: (event) => call('onActionExecuted', event),
    onRunDone: (result) => call('onRunDone', result),
  };
}
