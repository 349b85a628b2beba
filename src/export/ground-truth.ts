/**
 * What the SRL reward needs to score a response, as the exported datasets carry it: the expert's
 * action written as the policy should write it after `</think>` (the step row's `target`) and its
 * tool format. verl keeps it as `reward_model.ground_truth`, OpenRLHF as the label, TRL as two
 * columns; the server turns any of them back into the expert action here, so every framework's
 * reward is the reward `reward srl` computes from the step row itself.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { canonicalAction, parseAction, TOOL_FORMATS, type ToolFormat } from '../tools/parsers/index.js';
import type { ExpertAction } from '../trajectories/steps/schema.js';

export interface SrlGroundTruth {
  /** The expert's action as the policy should write it after `</think>`. */
  target: string;
  tool_format: ToolFormat;
}

export const srlGroundTruthSchema = z.looseObject({
  target: z.string({ error: 'expected the expert action as a string' }).min(1, 'the expert action is empty'),
  tool_format: z.enum(TOOL_FORMATS, { error: `expected one of ${TOOL_FORMATS.join(', ')}` }),
});

/**
 * The tool format of an action text as `traj steps --form chat` writes targets: a fenced command
 * (thought-action), `<function=…>` (XML function calling) or `<tool_call>` (JSON tool calls).
 * Undefined when the text starts like none of them.
 */
export function recognizeToolFormat(text: string): ToolFormat | undefined {
  const start = text.trimStart();
  if (start.startsWith('```')) return 'thought_action';
  if (start.startsWith('<function=')) return 'xml_function_calling';
  if (start.startsWith('<tool_call>')) return 'function_calling';
  return undefined;
}

/**
 * Reads a label: a JSON object `{"target", "tool_format"}`, or the expert's action text itself,
 * whose format is recognised from the text. `field` names the label in errors (`labels[3]`).
 */
export function parseSrlLabel(label: string, field: string): SrlGroundTruth {
  const trimmed = label.trimStart();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(label);
    } catch (error) {
      throw new InputError(`${field}: starts with "{" but is not valid JSON (${(error as Error).message})`, { cause: error });
    }
    return checkGroundTruth(value, field);
  }
  const format = recognizeToolFormat(label);
  if (format === undefined) {
    throw new InputError(
      `${field}: not an expert action as export writes it (a fenced command, <function=…> or <tool_call>) nor a JSON {"target", "tool_format"}`,
    );
  }
  return { target: label, tool_format: format };
}

/** Checks a ground truth that came from outside (a JSON body, a parquet row); the error names the field. */
export function checkGroundTruth(value: unknown, field: string): SrlGroundTruth {
  const parsed = srlGroundTruthSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${field}.${issue.path.join('.')}` : field;
    throw new InputError(`${where}: ${issue.path.length > 0 ? issue.message : 'expected an object {"target", "tool_format"}'}`);
  }
  return { target: parsed.data.target, tool_format: parsed.data.tool_format };
}

/** The expert action the reward compares against, parsed from the ground truth's text. */
export function expertOfGroundTruth(truth: SrlGroundTruth, field: string): ExpertAction {
  const parsed = parseAction(truth.tool_format, truth.target);
  if (!parsed.ok) throw new InputError(`${field}: the expert action does not parse as ${truth.tool_format} (${parsed.error.reason})`);
  return { toolFormat: truth.tool_format, action: parsed.action, text: truth.target };
}

/**
 * Whether scoring against the ground truth gives the same rewards as scoring against the step row:
 * true when the target text parses back to the row's parsed action (compared canonically, as the
 * reward compares). Export refuses a row where it does not.
 */
export function groundTruthMatchesRow(truth: SrlGroundTruth, expert: ExpertAction): boolean {
  const parsed = parseAction(truth.tool_format, truth.target);
  return parsed.ok && canonicalAction(parsed.action) === canonicalAction(expert.action);
}
