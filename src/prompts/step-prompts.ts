/**
 * SRL step prompts: step k of an expert trajectory as the prompt a policy sees before its action k,
 * rendered by the one prompt builder from the same templates and tool docs as rollouts. The context
 * is the problem statement and the H most recent (action, observation) rounds (arXiv 2510.25992;
 * H = 2 by default); the expert's earlier turns show their actions only, never their thoughts, and
 * the target is action k written as the policy should write it after `</think>`.
 *
 * `stepPrompt(trajectory, k, options)` is the entry point for exporters (verl parquet, TRL and
 * OpenRLHF rows) and trainers; `traj steps --form chat` writes one row per step with it.
 */
import type { ChatMessage } from '../policy/types.js';
import { toWireMessage, type WireMessage } from '../policy/openai/chat-wire.js';
import { openAiTools } from '../tools/tool-specs.js';
import type { ToolState } from '../tools/types.js';
import { renderJsonToolCall, writeResponse, type ParsedAction, type ToolFormat } from '../tools/parsers/index.js';
import type { Step, Trajectory } from '../trajectories/schema.js';
import { recordedRootOf, toolboxOfTrajectory } from '../trajectories/toolbox.js';
import { PromptBuilder, type PromptRound, type PromptWindow } from './prompt-builder.js';
import { loadAgentTemplatesSync, THINK_TEMPLATE_FOR_FORMAT, type AgentTemplates } from './templates.js';

export interface StepPromptOptions extends PromptWindow {
  /** Default: the format's built-in template in the SRL response format (`thought-action-think`, …). */
  templates?: AgentTemplates;
}

export interface StepPrompt {
  /** The prompt, in the chat format of OpenAI-compatible APIs (native `tool_calls` for function calling). */
  messages: WireMessage[];
  /** The same prompt in our own message type. */
  chat: ChatMessage[];
  /** Function calling: the tools, as the `tools` of a chat request. */
  tools?: ReturnType<typeof openAiTools>;
  /** The expert's action k as the policy should write it after `</think>` (a `<tool_call>` for function calling). */
  target: string;
  /** The same as the assistant message a policy answers with (native tool calls for function calling). */
  targetMessage: WireMessage;
  targetParsed: ParsedAction;
  toolFormat: ToolFormat;
  /** How many earlier rounds the window left out. */
  omitted: number;
  template: string;
}

/** Where a trajectory's prompts come from: its templates, tools, repository root and first state. */
export function trajectoryPromptBuilder(trajectory: Trajectory, templates?: AgentTemplates): { builder: PromptBuilder; initialState: ToolState } {
  const chosen = templates ?? loadAgentTemplatesSync(THINK_TEMPLATE_FOR_FORMAT[trajectory.tool_format]);
  const repoRoot = recordedRootOf(trajectory) ?? '/testbed';
  const metadata = trajectory.metadata ?? {};
  const builder = new PromptBuilder({
    templates: chosen,
    tools: toolboxOfTrajectory(trajectory),
    instance: { instanceId: trajectory.instance_id, problemStatement: trajectory.problem_statement, ...(typeof metadata.repo === 'string' ? { repo: metadata.repo } : {}) },
    repoRoot,
  });
  const initial = metadata.initial_state as { open_file?: unknown; working_dir?: unknown } | undefined;
  const initialState = {
    openFile: typeof initial?.open_file === 'string' ? initial.open_file : 'n/a',
    workingDir: typeof initial?.working_dir === 'string' ? initial.working_dir : repoRoot,
  };
  return { builder, initialState };
}

/** The expert's step as the policy would have written it, without the thought. */
function expertResponse(step: Step, format: ToolFormat, index: number) {
  return writeResponse(format, { action: step.parsed_action, actionText: step.action, callId: `call_${index + 1}` });
}

function roundOf(step: Step, format: ToolFormat, index: number, repoRoot: string): PromptRound {
  return {
    response: expertResponse(step, format, index),
    observation: step.observation,
    state: { openFile: step.state?.open_file ?? 'n/a', workingDir: step.state?.working_dir ?? repoRoot },
  };
}

/** Step k's prompt and target. */
export function stepPrompt(trajectory: Trajectory, k: number, options: StepPromptOptions = {}, prepared = trajectoryPromptBuilder(trajectory, options.templates)): StepPrompt {
  const step = trajectory.steps[k];
  if (step === undefined) throw new RangeError(`step ${k}: the trajectory of ${trajectory.instance_id} has ${trajectory.steps.length} steps`);
  const { builder, initialState } = prepared;
  const format = trajectory.tool_format;
  const rounds = trajectory.steps.slice(0, k).map((previous, index) => roundOf(previous, format, index, builder.setting.repoRoot));
  const chat = builder.prompt(initialState, rounds, options);
  const written = expertResponse(step, format, k);
  const targetMessage = toWireMessage(
    written.toolCalls.length > 0 ? { role: 'assistant', content: written.text, toolCalls: written.toolCalls } : { role: 'assistant', content: written.text },
  );
  const tools = builder.nativeTools;
  return {
    messages: chat.map(toWireMessage),
    chat,
    ...(tools ? { tools: openAiTools(tools) } : {}),
    target: format === 'function_calling' ? renderJsonToolCall(step.parsed_action) : written.text,
    targetMessage,
    targetParsed: step.parsed_action,
    toolFormat: format,
    omitted: PromptBuilder.firstShown(k, options.history),
    template: builder.templates.name,
  };
}

/** Every step's prompt, the builder made once. */
export function stepPrompts(trajectory: Trajectory, options: StepPromptOptions = {}): StepPrompt[] {
  const prepared = trajectoryPromptBuilder(trajectory, options.templates);
  return trajectory.steps.map((_, k) => stepPrompt(trajectory, k, options, prepared));
}
