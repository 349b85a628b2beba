/**
 * Training examples from the project's data files:
 *
 * - SRL step rows (`traj steps --form chat`): the prompt is the row's messages, the expert's
 *   answer is `<think>{thought}</think>` then the target action, where the thought is the row's
 *   `thought` field when it has one (step rows carry the action only, so the monologue is empty);
 *   math step rows (`math steps`, `domain: "math"`) the same way, with the solution step as target;
 * - trajectories (any format `traj convert` reads), cut into steps in memory with the same
 *   decomposition, where the monologue is the expert's own thought;
 * - whole trajectories, one example each: every assistant turn is learned, observations are not.
 *
 * Each example keeps what the SRL reward needs (the expert action, or the math step's text), so
 * SFT and SRL share them.
 */
import { InputError, describeLocation } from '../../errors.js';
import { readJsonLines } from '../../io/json-lines.js';
import { fromWireMessage, type WireMessage } from '../../policy/openai/chat-wire.js';
import type { ChatMessage } from '../../policy/types.js';
import { isMathRow, mathStepRowSchema } from '../../math/steps/step-row-schema.js';
import type { SrlTarget } from '../../reward/srl.js';
import { readTrajectories } from '../../trajectories/read.js';
import { chatStepPrompts, StepIdAllocator, type ChatStepPrompt } from '../../trajectories/steps/decompose.js';
import { chatStepRowSchema, expertOfRow, type ExpertAction } from '../../trajectories/steps/schema.js';
import { formatIssues } from '../../trajectories/schema.js';
import { assistantText } from '../tokenizer/chat-template.js';

export interface StepExample {
  id: string;
  /** The prompt: system, the issue, the latest rounds. */
  messages: ChatMessage[];
  /** What the expert would answer: the monologue in <think> tags, then the action (or the math step). */
  response: string;
  /** What the SRL reward compares a response with: a SWE expert action, or a math step's text. */
  expert: SrlTarget;
  /** A math row's reference answer (what the math RLVR reward checks a whole solution against). */
  answer?: string;
}

export interface ConversationExample {
  id: string;
  /** The whole conversation; assistant turns are learned. */
  messages: ChatMessage[];
}

/** Step rows keep OpenAI's wire form (`tool_calls`, `tool_call_id`); the chat template reads ours. */
function fromWire(messages: readonly WireMessage[]): ChatMessage[] {
  return messages.map(fromWireMessage);
}

export function expertResponse(thought: string, action: string): string {
  const monologue = thought.trim();
  return `<think>\n${monologue}${monologue === '' ? '' : '\n'}</think>\n${action}`;
}

function stepExampleOf(prompt: ChatStepPrompt | (ChatStepPrompt & { thought?: string }), thought: string): StepExample {
  return { id: prompt.step_id, messages: fromWire(prompt.messages), response: expertResponse(thought, prompt.target), expert: expertOfRow(prompt) };
}

/** One line's example: a math row's solution step, or a SWE chat row's action. */
function exampleOfRow(value: unknown, where: string): StepExample {
  if (isMathRow(value)) {
    const parsed = mathStepRowSchema.safeParse(value);
    if (!parsed.success) throw new InputError(`${where}: not a math step row: ${formatIssues(parsed.error)}`);
    const row = parsed.data;
    return { id: row.step_id, messages: row.messages, response: expertResponse('', row.target), expert: { kind: 'text', text: row.target }, answer: row.answer };
  }
  if (typeof value !== 'object' || value === null || !('messages' in value)) {
    throw new InputError(`${where}: a raw step row; the trainer needs chat-form rows (with messages), as \`traj steps --form chat\` writes them`);
  }
  const parsed = chatStepRowSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${where}: not a chat step row: ${formatIssues(parsed.error)}`);
  const row = parsed.data;
  const thought = typeof (row as { thought?: unknown }).thought === 'string' ? ((row as { thought?: string }).thought ?? '') : '';
  return { id: row.step_id, messages: fromWire(row.messages as WireMessage[]), response: expertResponse(thought, row.target), expert: expertOfRow(row) };
}

/** Chat-form step rows, SWE or math (`math steps`); a raw row (no messages) is refused, since it carries no prompt. */
export async function readStepRows(path: string): Promise<StepExample[]> {
  const examples: StepExample[] = [];
  const seen = new Map<string, number>();
  for await (const { line, value } of readJsonLines(path)) {
    const example = exampleOfRow(value, describeLocation(path, line));
    const earlier = seen.get(example.id);
    if (earlier !== undefined) throw new InputError(`${describeLocation(path, line, 'step_id')}: ${JSON.stringify(example.id)} already used on line ${earlier}`);
    seen.set(example.id, line);
    examples.push(example);
  }
  if (examples.length === 0) throw new InputError(`${path}: no step rows`);
  return examples;
}

export interface TrajectoryReadOptions {
  history: number | 'all';
  observationBudget: number;
}

/** Step examples cut from trajectories, each answer carrying the expert's own thought. */
export async function readTrajectorySteps(path: string, options: TrajectoryReadOptions): Promise<StepExample[]> {
  const ids = new StepIdAllocator();
  const examples: StepExample[] = [];
  for await (const { trajectory } of readTrajectories(path)) {
    const prompts = chatStepPrompts(trajectory, options, ids.prefixFor(trajectory.instance_id));
    prompts.forEach((prompt, k) => examples.push(stepExampleOf(prompt, trajectory.steps[k]!.thought)));
  }
  if (examples.length === 0) throw new InputError(`${path}: no trajectories`);
  return examples;
}

/** Whole trajectories as conversations, every assistant turn with its thought. */
export async function readTrajectoryConversations(path: string, options: Pick<TrajectoryReadOptions, 'observationBudget'>): Promise<ConversationExample[]> {
  const ids = new StepIdAllocator();
  const examples: ConversationExample[] = [];
  for await (const { trajectory } of readTrajectories(path)) {
    const prompts = chatStepPrompts(trajectory, { history: 'all', observationBudget: options.observationBudget }, ids.prefixFor(trajectory.instance_id));
    const last = prompts[prompts.length - 1]!;
    // With the whole history shown, the j-th assistant turn of the last prompt is step j's action.
    let step = 0;
    const messages = fromWire(last.messages).map((message): ChatMessage => {
      if (message.role !== 'assistant') return message;
      // The action as the chat template writes it (a native tool call becomes its <tool_call> block), after the thought.
      const content = expertResponse(trajectory.steps[step]!.thought, assistantText(message));
      step += 1;
      return { role: 'assistant', content };
    });
    messages.push({ role: 'assistant', content: expertResponse(trajectory.steps[trajectory.steps.length - 1]!.thought, last.target) });
    examples.push({ id: last.step_id.replace(/#\d+$/, ''), messages });
  }
  if (examples.length === 0) throw new InputError(`${path}: no trajectories`);
  return examples;
}
