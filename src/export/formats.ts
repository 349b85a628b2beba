/**
 * One step row in each framework's own dataset format.
 *
 * - verl (RLHFDataset, parquet): `data_source`, `prompt` as chat messages, `ability`,
 *   `reward_model: {style: "rule", ground_truth}`, `extra_info: {split, index, instance_id, step_index}`;
 *   verl hands `ground_truth` and `extra_info` to `compute_score`.
 * - TRL (conversational): `prompt` as messages, for GRPO; with `completion` (the assistant turn) for
 *   SFT. Other columns reach TRL reward functions as keyword arguments, so `target` and
 *   `tool_format` ride along.
 * - OpenRLHF (`--input_key prompt --label_key label --apply_chat_template`): `prompt` as messages and
 *   `label`, the expert action text, which OpenRLHF sends to the reward server with each query.
 * - plain JSONL: the row with its ids, messages, target and parsed target (a steps file the server
 *   and `reward srl` read back).
 *
 * Math step rows (`domain: "math"`) go the same way: the ground truth is `{target, domain: "math"}`
 * (the step text, compared as text), OpenRLHF's label is that object as JSON (a step's text alone
 * does not say it is one), TRL gets `target`, `domain` and `answer` columns, verl's `extra_info`
 * adds the problem's `answer` (for an answer reward on whole solutions), and the plain JSONL row is
 * the math row itself, which `reward srl`, the server and `export` read back.
 */
import { labelOfGroundTruth, type MathGroundTruth, type SweGroundTruth } from './ground-truth.js';
import type { SourcedStepRow } from './step-rows.js';

export const EXPORT_FORMATS = ['verl', 'trl', 'trl-sft', 'openrlhf', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportContext {
  /** verl `data_source` (verl picks the reward function by it). */
  dataSource: string;
  /** verl `ability`. */
  ability: string;
  /** `extra_info.split`. */
  split: string;
  /** The row's position in the export, from 0. */
  index: number;
}

export const DEFAULT_DATA_SOURCE = 'swe-srl';
export const DEFAULT_ABILITY = 'swe';
export const DEFAULT_SPLIT = 'train';
/** The math domain's defaults: verl's own math datasets use `ability: "math"`. */
export const DEFAULT_MATH_DATA_SOURCE = 'swe-srl-math';
export const DEFAULT_MATH_ABILITY = 'math';

/**
 * A tool call in verl's prompt, in the shape chat templates read (`message.tool_calls[i].function`).
 * `arguments` is the JSON text, as OpenAI sends it: parquet has no type for a mapping whose keys
 * vary per call (a struct would be the union of every tool's parameters, each call carrying nulls
 * for the ones it did not pass, which a template renders as `"path": null`).
 */
export interface VerlToolCall {
  type: 'function';
  function: { name: string; arguments: string };
}

/** A prompt message: role, content, and the native tool calls of a function-calling turn (null for every other message). */
export interface VerlMessage {
  role: string;
  content: string;
  tool_calls: VerlToolCall[] | null;
}

interface VerlCommon {
  data_source: string;
  prompt: VerlMessage[];
  ability: string;
}

export type VerlRow =
  | (VerlCommon & {
      reward_model: { style: 'rule'; ground_truth: SweGroundTruth };
      extra_info: { split: string; index: number; instance_id: string; step_index: number };
    })
  | (VerlCommon & {
      reward_model: { style: 'rule'; ground_truth: MathGroundTruth };
      extra_info: { split: string; index: number; instance_id: string; step_index: number; answer: string };
    });

type PromptMessage = { role: string; content: string; tool_calls?: unknown[]; tool_call_id?: string };
/** A step row's message as the row holds it (OpenAI's chat format). */
type RowMessage = { role: string; content: string | null; tool_calls?: unknown[] | undefined; tool_call_id?: unknown };

/**
 * The prompt's messages for the JSONL formats: native tool calls (function-calling rows) are kept
 * as OpenAI writes them; an assistant turn that only calls a tool has empty text.
 */
function promptMessages(messages: readonly RowMessage[]): PromptMessage[] {
  return messages.map((message) => {
    const out: PromptMessage = { role: message.role, content: message.content ?? '' };
    if (message.tool_calls && message.tool_calls.length > 0) out.tool_calls = message.tool_calls;
    if (typeof message.tool_call_id === 'string') out.tool_call_id = message.tool_call_id;
    return out;
  });
}

/** verl's prompt messages: a function-calling turn keeps its calls (its text may be empty). */
function verlPromptMessages(messages: readonly RowMessage[]): VerlMessage[] {
  return messages.map((message) => {
    const calls = (message.tool_calls ?? []).map(verlToolCall);
    return { role: message.role, content: message.content ?? '', tool_calls: calls.length > 0 ? calls : null };
  });
}

/** An OpenAI tool call (or its bare `{name, arguments}`) as verl's prompt holds it. */
function verlToolCall(call: unknown): VerlToolCall {
  const record = (call ?? {}) as { function?: { name?: unknown; arguments?: unknown }; name?: unknown; arguments?: unknown };
  const fn = record.function ?? record;
  const args = fn.arguments ?? {};
  return { type: 'function', function: { name: String(fn.name ?? ''), arguments: typeof args === 'string' ? args : JSON.stringify(args) } };
}

/**
 * The SFT completion: the expert's action in the response format the reward asks for. The step row
 * keeps no expert thought (the paper's target is the action alone), so the monologue is empty; such
 * a completion scores 1 against its own step.
 */
export function sftCompletionText(target: string): string {
  return `<think>\n</think>\n${target}`;
}

export function verlRow(sourced: SourcedStepRow, context: ExportContext): VerlRow {
  const { row } = sourced;
  const common: VerlCommon = { data_source: context.dataSource, prompt: verlPromptMessages(row.messages), ability: context.ability };
  const extra = { split: context.split, index: context.index, instance_id: row.instance_id, step_index: row.step_index };
  if (sourced.domain === 'math') {
    const truth = sourced.groundTruth;
    return { ...common, reward_model: { style: 'rule', ground_truth: { target: truth.target, domain: truth.domain } }, extra_info: { ...extra, answer: sourced.row.answer } };
  }
  const truth = sourced.groundTruth;
  return { ...common, reward_model: { style: 'rule', ground_truth: { target: truth.target, tool_format: truth.tool_format } }, extra_info: extra };
}

export function exportRow(format: Exclude<ExportFormat, 'verl'>, sourced: SourcedStepRow, context: ExportContext): Record<string, unknown> {
  const { row, groundTruth: truth } = sourced;
  const ids = { step_id: row.step_id, instance_id: row.instance_id, step_index: row.step_index };
  // The columns a reward function needs besides the target: the tool format, or the math domain and the problem's answer.
  const scoring = sourced.domain === 'math' ? { domain: sourced.groundTruth.domain, answer: sourced.row.answer } : { tool_format: sourced.groundTruth.tool_format };
  switch (format) {
    case 'trl':
      return { prompt: promptMessages(row.messages), ...ids, target: truth.target, ...scoring };
    case 'trl-sft':
      return {
        prompt: promptMessages(row.messages),
        completion: [{ role: 'assistant', content: sftCompletionText(truth.target) }],
        ...ids,
        target: truth.target,
        ...scoring,
      };
    case 'openrlhf':
      return { prompt: promptMessages(row.messages), label: labelOfGroundTruth(truth), ...ids };
    case 'jsonl':
      if (sourced.domain === 'math') return { index: context.index, split: context.split, ...sourced.row };
      return {
        index: context.index,
        split: context.split,
        ...ids,
        messages: promptMessages(row.messages),
        target: truth.target,
        target_parsed: sourced.row.target_parsed,
        tool_format: sourced.groundTruth.tool_format,
      };
  }
}
