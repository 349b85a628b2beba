/**
 * What the SRL reward needs to score a response, as the exported datasets carry it: the step row's
 * `target` (what the policy should write after `</think>`) and how to compare with it. A SWE step
 * is an action with its tool format; a math step is text, marked `domain: "math"`. verl keeps it
 * as `reward_model.ground_truth`, OpenRLHF as the label, TRL as columns; the server turns any of
 * them back into the reward's target here, so every framework's reward is the reward `reward srl`
 * computes from the step row itself.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { MATH_DOMAIN } from '../math/steps/step-row-schema.js';
import type { SrlTarget } from '../reward/srl.js';
import { canonicalAction, parseAction, TOOL_FORMATS, type ToolFormat } from '../tools/parsers/index.js';
import type { ExpertAction } from '../trajectories/steps/schema.js';

export interface SweGroundTruth {
  /** The expert's action as the policy should write it after `</think>`. */
  target: string;
  tool_format: ToolFormat;
}

export interface MathGroundTruth {
  /** The expert's solution step (or the rest of it, after a given title) as the policy should write it after `</think>`. */
  target: string;
  domain: typeof MATH_DOMAIN;
}

export type SrlGroundTruth = SweGroundTruth | MathGroundTruth;

export function isMathGroundTruth(truth: SrlGroundTruth): truth is MathGroundTruth {
  return (truth as Partial<MathGroundTruth>).domain === MATH_DOMAIN;
}

export const srlGroundTruthSchema = z.looseObject({
  target: z.string({ error: 'expected the expert action as a string' }).min(1, 'the expert action is empty'),
  tool_format: z.enum(TOOL_FORMATS, { error: `expected one of ${TOOL_FORMATS.join(', ')}` }),
});

export const mathGroundTruthSchema = z.looseObject({
  target: z.string({ error: 'expected the expert step as a string' }).min(1, 'the expert step is empty'),
  domain: z.literal(MATH_DOMAIN),
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
    // A math step is plain text, so it cannot be told from a mistake: math labels are always JSON.
    throw new InputError(
      `${field}: not an expert action as export writes it (a fenced command, <function=…> or <tool_call>) nor a JSON {"target", "tool_format"} or {"target", "domain": "math"}`,
    );
  }
  return { target: label, tool_format: format };
}

/** The label `export` writes for a ground truth: a SWE action as its own text, a math step as JSON (its text says nothing of its kind). */
export function labelOfGroundTruth(truth: SrlGroundTruth): string {
  return isMathGroundTruth(truth) ? JSON.stringify({ target: truth.target, domain: truth.domain }) : truth.target;
}

/** Checks a ground truth that came from outside (a JSON body, a parquet row); the error names the field. */
export function checkGroundTruth(value: unknown, field: string): SrlGroundTruth {
  const isMath = typeof value === 'object' && value !== null && 'domain' in value;
  const parsed = (isMath ? mathGroundTruthSchema : srlGroundTruthSchema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${field}.${issue.path.join('.')}` : field;
    const expected = issue.path[0] === 'domain' ? `expected "${MATH_DOMAIN}" (or no domain and a tool_format, for a SWE action)` : issue.message;
    throw new InputError(`${where}: ${issue.path.length > 0 ? expected : 'expected an object {"target", "tool_format"} or {"target", "domain": "math"}'}`);
  }
  const data = parsed.data as Record<string, unknown>;
  return isMath ? { target: data.target as string, domain: MATH_DOMAIN } : { target: data.target as string, tool_format: data.tool_format as ToolFormat };
}

/** The expert action the reward compares against, parsed from the ground truth's text. */
export function expertOfGroundTruth(truth: SweGroundTruth, field: string): ExpertAction {
  const parsed = parseAction(truth.tool_format, truth.target);
  if (!parsed.ok) throw new InputError(`${field}: the expert action does not parse as ${truth.tool_format} (${parsed.error.reason})`);
  return { toolFormat: truth.tool_format, action: parsed.action, text: truth.target };
}

/** What the SRL reward compares against, for either kind of ground truth. */
export function targetOfGroundTruth(truth: SrlGroundTruth, field: string): SrlTarget {
  return isMathGroundTruth(truth) ? { kind: 'text', text: truth.target } : expertOfGroundTruth(truth, field);
}

/**
 * Whether scoring against the ground truth gives the same rewards as scoring against the step row:
 * true when the target text parses back to the row's parsed action (compared canonically, as the
 * reward compares). Export refuses a row where it does not.
 */
export function groundTruthMatchesRow(truth: SweGroundTruth, expert: ExpertAction): boolean {
  const parsed = parseAction(truth.tool_format, truth.target);
  return parsed.ok && canonicalAction(parsed.action) === canonicalAction(expert.action);
}
