/**
 * SRL rewards in batches, for `/reward/srl` and OpenRLHF's `/get_reward`. The targets come from the
 * request (ground truths or labels, as `export` writes them: SWE actions or math steps) or from a
 * steps file loaded at start; the scoring is `srlStepReward` itself, so a reward served is the
 * reward computed in-process.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { InputError } from '../errors.js';
import { checkGroundTruth, parseSrlLabel, targetOfGroundTruth } from '../export/ground-truth.js';
import { srlStepReward, type SrlRewardMode, type SrlTarget } from '../reward/srl.js';
import { HttpError } from './http-error.js';

export interface ScoredBatch {
  /** −1 for a format violation, else the similarity in [0, 1]. */
  rewards: number[];
  /** The rewards mapped into [0, 1]: −1 becomes 0. */
  scores: number[];
  format_ok: boolean[];
  /** Why a response scored −1; null for the others. */
  reasons: Array<string | null>;
}

/** How many responses are scored between two looks at the clock and the event loop. */
const CHUNK = 32;

/** An InputError about a request value becomes a 400 naming its field. */
function asBadRequest<T>(field: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof InputError) {
      // The message starts with the most precise field it knows (`targets[0].tool_format: …`).
      const named = error.message.startsWith(field) ? error.message.slice(0, error.message.indexOf(': ')) : field;
      throw new HttpError(400, error.message, { field: named, cause: error });
    }
    throw error;
  }
}

/** The target of each `targets` item: an object {"target", "tool_format"} or {"target", "domain": "math"}, or a label string. */
export function expertsOfTargets(targets: ReadonlyArray<unknown>): SrlTarget[] {
  return targets.map((item, index) => {
    const field = `targets[${index}]`;
    return asBadRequest(field, () => targetOfGroundTruth(typeof item === 'string' ? parseSrlLabel(item, field) : checkGroundTruth(item, field), field));
  });
}

/** The target of each OpenRLHF label (an action text, or a ground truth as JSON). */
export function expertsOfLabels(labels: readonly string[]): SrlTarget[] {
  return labels.map((label, index) => {
    const field = `labels[${index}]`;
    return asBadRequest(field, () => targetOfGroundTruth(parseSrlLabel(label, field), field));
  });
}

export function expertsOfStepIds(stepIds: readonly string[], steps: ReadonlyMap<string, SrlTarget> | undefined): SrlTarget[] {
  if (steps === undefined) throw new HttpError(400, 'step_ids: this server was started without a steps file; send targets instead', { field: 'step_ids' });
  return stepIds.map((id, index) => {
    const expert = steps.get(id);
    if (!expert) throw new HttpError(400, `step_ids[${index}]: ${JSON.stringify(id)} is not in the steps file`, { field: `step_ids[${index}]` });
    return expert;
  });
}

/**
 * Scores the responses against their experts; yields to other requests every few responses and
 * gives up with a 503 once `deadline` (epoch ms) has passed, so one huge batch cannot hold the
 * server past its time limit.
 */
export async function scoreBatch(responses: readonly string[], experts: readonly SrlTarget[], mode: SrlRewardMode, deadline: number): Promise<ScoredBatch> {
  const batch: ScoredBatch = { rewards: [], scores: [], format_ok: [], reasons: [] };
  for (let index = 0; index < responses.length; index += 1) {
    if (index > 0 && index % CHUNK === 0) {
      await yieldToEventLoop();
      if (Date.now() > deadline) throw new HttpError(503, `the batch took longer than the request time limit (scored ${index} of ${responses.length}); send smaller batches`, { headers: { 'retry-after': '1' } });
    }
    const result = srlStepReward(responses[index]!, experts[index]!, { mode });
    batch.rewards.push(result.reward);
    batch.scores.push(Math.max(0, result.reward));
    batch.format_ok.push(result.formatOk);
    batch.reasons.push(result.formatOk ? null : result.reason);
  }
  return batch;
}

// End-of-sequence markers a decoded sequence keeps when special tokens are not skipped.
const TRAILING_SPECIAL_TOKENS = /(?:<\|(?:im_end|endoftext|eot_id|end|eos)\|>|<\/s>|<eos>|<\|end▁of▁sentence\|>)\s*$/;

/**
 * The response inside an OpenRLHF query: what follows the prompt. OpenRLHF decodes prompt and
 * response together, so the query normally starts with the prompt; when it does not (a tokenizer
 * that decodes a boundary differently), the text after the prompt's first occurrence is taken.
 * Trailing end-of-sequence markers are dropped: they are not part of the action.
 */
export function responseOfQuery(query: string, prompt: string, index: number): string {
  let response: string;
  if (query.startsWith(prompt)) response = query.slice(prompt.length);
  else {
    const at = prompt === '' ? -1 : query.indexOf(prompt);
    if (at < 0) throw new HttpError(400, `query[${index}]: does not contain prompts[${index}], so the response cannot be told from the prompt`, { field: `query[${index}]` });
    response = query.slice(at + prompt.length);
  }
  for (let previous = ''; previous !== response; ) {
    previous = response;
    response = response.replace(TRAILING_SPECIAL_TOKENS, '');
  }
  return response;
}
