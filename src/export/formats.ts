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
 */
import type { SrlGroundTruth } from './ground-truth.js';
import type { ExportableStepRow } from './step-rows.js';

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

export interface VerlRow {
  data_source: string;
  prompt: Array<{ role: string; content: string }>;
  ability: string;
  reward_model: { style: 'rule'; ground_truth: SrlGroundTruth };
  extra_info: { split: string; index: number; instance_id: string; step_index: number };
}

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

/** verl's parquet prompt column holds `{role, content}` only. */
function verlPromptMessages(messages: readonly RowMessage[]): Array<{ role: string; content: string }> {
  return messages.map((message) => ({ role: message.role, content: message.content ?? '' }));
}

/**
 * The SFT completion: the expert's action in the response format the reward asks for. The step row
 * keeps no expert thought (the paper's target is the action alone), so the monologue is empty; such
 * a completion scores 1 against its own step.
 */
export function sftCompletionText(target: string): string {
  return `<think>\n</think>\n${target}`;
}

export function verlRow(row: ExportableStepRow, truth: SrlGroundTruth, context: ExportContext): VerlRow {
  return {
    data_source: context.dataSource,
    prompt: verlPromptMessages(row.messages),
    ability: context.ability,
    reward_model: { style: 'rule', ground_truth: { target: truth.target, tool_format: truth.tool_format } },
    extra_info: { split: context.split, index: context.index, instance_id: row.instance_id, step_index: row.step_index },
  };
}

export function exportRow(format: Exclude<ExportFormat, 'verl'>, row: ExportableStepRow, truth: SrlGroundTruth, context: ExportContext): Record<string, unknown> {
  const ids = { step_id: row.step_id, instance_id: row.instance_id, step_index: row.step_index };
  switch (format) {
    case 'trl':
      return { prompt: promptMessages(row.messages), ...ids, target: truth.target, tool_format: truth.tool_format };
    case 'trl-sft':
      return {
        prompt: promptMessages(row.messages),
        completion: [{ role: 'assistant', content: sftCompletionText(truth.target) }],
        ...ids,
        target: truth.target,
        tool_format: truth.tool_format,
      };
    case 'openrlhf':
      return { prompt: promptMessages(row.messages), label: truth.target, ...ids };
    case 'jsonl':
      return {
        index: context.index,
        split: context.split,
        ...ids,
        messages: promptMessages(row.messages),
        target: truth.target,
        target_parsed: row.target_parsed,
        tool_format: truth.tool_format,
      };
  }
}
