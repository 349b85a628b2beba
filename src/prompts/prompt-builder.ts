/**
 * The one prompt builder. Rollouts (the agent loop's Episode) and SRL step prompts (`traj steps
 * --form chat`, and any exporter or trainer that calls `stepPrompt`) render their messages here,
 * from the same templates (templates.ts) and the same tool docs (the tool catalogue), so a policy
 * trained on SRL steps is deployed on the prompts it was trained on.
 *
 * A prompt is an opening (system and instance messages, with a note when a history window leaves
 * earlier rounds out) followed by rounds: the assistant turn as the policy wrote it, then the
 * observation rendered by the template (a user message, or a tool message answering a native
 * tool call).
 */
import type { ChatMessage, ChatToolCall } from '../policy/types.js';
import { parseToolboxConfig, type ToolboxConfig, type ToolboxConfigInput } from '../tools/config.js';
import { renderCommandDocs, toolSpecsFor } from '../tools/tool-specs.js';
import type { ToolSpec, ToolState } from '../tools/types.js';
import { truncateObservation } from '../trajectories/steps/truncate.js';
import { renderTemplate, type AgentTemplates } from './templates.js';

export interface PromptInstance {
  instanceId: string;
  problemStatement: string;
  /** `owner/name`, for templates that mention it. */
  repo?: string;
}

export interface PromptSetting {
  templates: AgentTemplates;
  /** The tools whose docs (and, for native function calling, schemas) the prompts carry; the template's own underneath. */
  tools?: ToolboxConfigInput | ToolboxConfig;
  instance: PromptInstance;
  /** Where the repository is, as commands see it (`/testbed` in sandboxes). */
  repoRoot: string;
}

/** One action and its answer, as the policy saw them. */
export interface PromptRound {
  /** The assistant turn as the policy wrote it: text, and native tool calls. */
  response: { text: string; toolCalls: readonly ChatToolCall[] };
  /** The tool's raw observation. */
  observation: string;
  /** The footer state after the action. */
  state: ToolState;
}

export interface PromptWindow {
  /** How many of the most recent rounds to show: a count, or 'all' (the default). */
  history?: number | 'all';
  /** Longest observation kept whole, in characters; longer ones keep head and tail around a marker. Default: no limit. */
  observationBudget?: number;
}

export class PromptBuilder {
  readonly templates: AgentTemplates;
  readonly toolbox: ToolboxConfig;
  /** The docs of the offered tools, in catalogue order. */
  readonly specs: ToolSpec[];

  constructor(readonly setting: PromptSetting) {
    this.templates = setting.templates;
    this.toolbox = parseToolboxConfig({ ...setting.templates.tools, ...setting.tools });
    this.specs = toolSpecsFor(this.toolbox.bundles, this.toolbox.window);
  }

  /** The tools to offer a policy for native function calling (undefined for the text formats). */
  get nativeTools(): ToolSpec[] | undefined {
    return this.templates.format === 'function_calling' ? this.specs : undefined;
  }

  /** The template variables in a state: SWE-agent's names (`{problem_statement}`, `{open_file}`, `{WINDOW}`, …). */
  variables(state: ToolState): Record<string, string | number> {
    const { instance, repoRoot } = this.setting;
    return {
      problem_statement: instance.problemStatement,
      instance_id: instance.instanceId,
      repo: instance.repo ?? '',
      repo_root: repoRoot,
      open_file: state.openFile,
      working_dir: state.workingDir,
      WINDOW: this.toolbox.window,
      command_docs: renderCommandDocs(this.specs),
    };
  }

  /** The system and instance messages; `omitted` earlier rounds left out by a window add a note. */
  opening(initialState: ToolState, omitted = 0): ChatMessage[] {
    const variables = this.variables(initialState);
    let instance = renderTemplate(this.templates.instance_template, variables);
    if (omitted > 0) {
      const rounds = omitted === 1 ? 'action and its observation are' : 'actions and their observations are';
      instance = `${instance}\n\n${renderTemplate(this.templates.omitted_history_template, { ...variables, omitted, omitted_rounds: rounds })}`;
    }
    return [
      { role: 'system', content: renderTemplate(this.templates.system_template, variables) },
      { role: 'user', content: instance },
    ];
  }

  /** An observation as the template shows it after an action (the footer, or the no-output sentence). */
  observationText(observation: string, state: ToolState, observationBudget?: number): string {
    const shown = observationBudget === undefined ? observation : truncateObservation(observation, observationBudget);
    return shown.trim() === ''
      ? renderTemplate(this.templates.next_step_no_output_template, this.variables(state))
      : renderTemplate(this.templates.next_step_template, { ...this.variables(state), observation: shown });
  }

  /**
   * One round's messages: the assistant turn, then the observation, as a tool message answering
   * the turn's native tool call, or as a user message. `index` (0-based) names a call without id.
   */
  roundMessages(round: PromptRound, index: number, observationBudget?: number): ChatMessage[] {
    const text = this.observationText(round.observation, round.state, observationBudget);
    const call = round.response.toolCalls[0];
    if (call !== undefined) {
      const id = call.id === '' ? `call_${index + 1}` : call.id;
      return [
        { role: 'assistant', content: round.response.text, toolCalls: [{ id, name: call.name, arguments: call.arguments }] },
        { role: 'tool', content: text, toolCallId: id },
      ];
    }
    return [
      { role: 'assistant', content: round.response.text },
      { role: 'user', content: text },
    ];
  }

  /** The turns that show a malformed response and the format-error message, valid for the chat API. */
  formatErrorMessages(response: { text: string; toolCalls: readonly ChatToolCall[] }, reason: string): ChatMessage[] {
    const errorText = renderTemplate(this.templates.format_error_template, { reason });
    if (response.toolCalls.length > 0) {
      return [
        { role: 'assistant', content: response.text, toolCalls: [...response.toolCalls] },
        ...response.toolCalls.map((call): ChatMessage => ({ role: 'tool', content: errorText, toolCallId: call.id })),
      ];
    }
    return [
      { role: 'assistant', content: response.text },
      { role: 'user', content: errorText },
    ];
  }

  /** Which rounds a window shows: the index of the first one, counting from 0. */
  static firstShown(rounds: number, history: PromptWindow['history'] = 'all'): number {
    return history === 'all' ? 0 : Math.max(0, rounds - history);
  }

  /** A whole prompt: the opening and the rounds the window shows. */
  prompt(initialState: ToolState, rounds: readonly PromptRound[], window: PromptWindow = {}): ChatMessage[] {
    const start = PromptBuilder.firstShown(rounds.length, window.history);
    const messages = this.opening(initialState, start);
    rounds.slice(start).forEach((round, offset) => messages.push(...this.roundMessages(round, start + offset, window.observationBudget)));
    return messages;
  }
}
