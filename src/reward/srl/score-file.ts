/**
 * `reward srl`: scores a file of responses against a steps file.
 *
 * Steps file: the JSONL `swe-srl traj steps` writes (raw or chat rows; each has `step_id`,
 * `tool_format`, `target_parsed`), or math step rows (`domain: "math"`, a text `target`). Responses file: JSONL, one response per line,
 *
 *     {"step_id": "pydicom__pydicom-1458#4", "response": "<think>…</think>\n```\nopen a.py\n```"}
 *
 * Any other fields (a sample index, a group id) are copied to the output line, which adds
 * `reward` (−1 for a format violation, else the similarity in [0, 1]), `format_ok` and, for a −1,
 * `reason`. Several responses may name the same step (a GRPO group).
 */
import { z } from 'zod';
import { InputError, describeLocation } from '../../errors.js';
import { readJsonLines } from '../../io/json-lines.js';
import { formatIssues } from '../../trajectories/schema.js';
import { isMathRow, mathStepRowSchema } from '../../math/steps/step-row-schema.js';
import { chatStepRowSchema, expertOfRow, rawStepRowSchema } from '../../trajectories/steps/schema.js';
import { isTextTarget, srlStepReward, type ExpertAction, type SrlRewardMode, type SrlTarget } from '../srl.js';

const responseLineSchema = z.looseObject({
  step_id: z.string({ error: 'expected the step_id of a row of the steps file' }).min(1),
  response: z.string({ error: 'expected the model response as a string' }),
});

export interface SrlRewardLine {
  step_id: string;
  reward: number;
  format_ok: boolean;
  reason?: string;
  [extra: string]: unknown;
}

/** What a step row's responses are scored against: a math row's text step, or a SWE row's expert action. */
function targetOfRow(value: unknown, where: string): { id: string; target: SrlTarget } {
  if (isMathRow(value)) {
    const parsed = mathStepRowSchema.safeParse(value);
    if (!parsed.success) throw new InputError(`${where}: not a math step row: ${formatIssues(parsed.error)}`);
    return { id: parsed.data.step_id, target: { kind: 'text', text: parsed.data.target } };
  }
  const isChat = typeof value === 'object' && value !== null && 'messages' in value;
  const parsed = (isChat ? chatStepRowSchema : rawStepRowSchema).safeParse(value);
  if (!parsed.success) throw new InputError(`${where}: not a ${isChat ? 'chat' : 'raw'} step row: ${formatIssues(parsed.error)}`);
  return { id: parsed.data.step_id, target: expertOfRow(parsed.data) };
}

async function loadTargets(stepsPath: string, allowText: boolean): Promise<Map<string, SrlTarget>> {
  const experts = new Map<string, SrlTarget>();
  const firstLine = new Map<string, number>();
  for await (const { line, value } of readJsonLines(stepsPath)) {
    const { id, target } = targetOfRow(value, describeLocation(stepsPath, line));
    if (!allowText && isTextTarget(target)) {
      throw new InputError(`${describeLocation(stepsPath, line, 'domain')}: a math step row; this reader takes SWE step rows (traj steps), whose targets are actions`);
    }
    const earlier = firstLine.get(id);
    if (earlier !== undefined) throw new InputError(`${describeLocation(stepsPath, line, 'step_id')}: ${JSON.stringify(id)} already used on line ${earlier}`);
    firstLine.set(id, line);
    experts.set(id, target);
  }
  if (experts.size === 0) throw new InputError(`${stepsPath}: no step rows`);
  return experts;
}

/** The target of every step, by step id: SWE expert actions and math text steps alike. */
export function loadStepTargets(stepsPath: string): Promise<Map<string, SrlTarget>> {
  return loadTargets(stepsPath, true);
}

/** The expert action of every SWE step, by step id; a math row is an error naming its line. */
export async function loadExpertActions(stepsPath: string): Promise<Map<string, ExpertAction>> {
  return (await loadTargets(stepsPath, false)) as Map<string, ExpertAction>;
}

/** One reward line per response line, in order. */
export async function* scoreResponses(responsesPath: string, experts: ReadonlyMap<string, SrlTarget>, mode: SrlRewardMode): AsyncGenerator<SrlRewardLine> {
  for await (const { line, value } of readJsonLines(responsesPath)) {
    const parsed = responseLineSchema.safeParse(value);
    if (!parsed.success) throw new InputError(`${describeLocation(responsesPath, line)}: ${formatIssues(parsed.error)}`);
    const { response, ...rest } = parsed.data;
    const expert = experts.get(parsed.data.step_id);
    if (!expert) throw new InputError(`${describeLocation(responsesPath, line, 'step_id')}: ${JSON.stringify(parsed.data.step_id)} is not in the steps file`);
    const result = srlStepReward(response, expert, { mode });
    yield result.formatOk
      ? { ...rest, step_id: parsed.data.step_id, reward: result.reward, format_ok: true }
      : { ...rest, step_id: parsed.data.step_id, reward: -1, format_ok: false, reason: result.reason };
  }
}

export interface SrlScoreSummary {
  responses: number;
  formatViolations: number;
  /** Mean reward over all responses (−1s included); NaN when there are none. */
  meanReward: number;
}

/** Passes reward lines through while keeping a running summary. */
export async function* summarize(lines: AsyncIterable<SrlRewardLine>, summary: SrlScoreSummary): AsyncGenerator<SrlRewardLine> {
  let total = 0;
  for await (const line of lines) {
    summary.responses += 1;
    if (!line.format_ok) summary.formatViolations += 1;
    total += line.reward;
    summary.meanReward = total / summary.responses;
    yield line;
  }
}
