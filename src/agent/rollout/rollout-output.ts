/**
 * A rollout's output directory:
 *
 *     DIR/run.json                    {"run_id": …}: the run id its sandboxes carry, kept for resumes
 *     DIR/preds.jsonl                 one SWE-bench prediction per finished episode (the commit record)
 *     DIR/episodes.jsonl              one episode record per finished episode (episode-record.ts)
 *     DIR/trajectories/<id>.traj      each episode as a SWE-agent .traj
 *     DIR/runs.jsonl                  each attempt's exit status, steps, tokens and time (errors too)
 *
 * An episode's id is its instance id, or `<instance>#<g>` for sample g when a rollout asks for
 * several samples per instance; its prediction then also carries `episode_id` and `sample`.
 * A prediction is appended only after the episode's `.traj` and record are in place, so
 * `preds.jsonl` is the record of what is finished: resuming skips its episodes, and drops the
 * record of an episode whose prediction a kill kept from being written. A line cut short by a kill
 * is dropped on resume.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, describeLocation } from '../../errors.js';
import { writeFileAtomically } from '../../io/atomic-write.js';
import { predictionSchema, type Prediction } from '../../eval/predictions.js';
import type { Trajectory } from '../../trajectories/schema.js';
import type { ChatMessage } from '../../policy/types.js';
import { checkRunId, newRunId } from '../../batch/resume.js';
import { writeTrajFile } from '../record-traj.js';
import type { EpisodeRecord } from './episode-record.js';

export interface RolloutPaths {
  dir: string;
  predictions: string;
  episodes: string;
  runs: string;
  trajectories: string;
  runFile: string;
}

export function rolloutPaths(dir: string): RolloutPaths {
  return {
    dir,
    predictions: join(dir, 'preds.jsonl'),
    episodes: join(dir, 'episodes.jsonl'),
    runs: join(dir, 'runs.jsonl'),
    trajectories: join(dir, 'trajectories'),
    runFile: join(dir, 'run.json'),
  };
}

export function trajPath(paths: RolloutPaths, episodeId: string): string {
  return join(paths.trajectories, `${episodeId}.traj`);
}

/** The id a prediction line is committed under: its episode id, or its instance id. */
function committedId(prediction: Prediction): string {
  const episodeId = (prediction as { episode_id?: unknown }).episode_id;
  return typeof episodeId === 'string' && episodeId !== '' ? episodeId : prediction.instance_id;
}

/** The lines of a file a kill may have cut short: a last line without its newline is cut off the file. */
async function completeLines(path: string, warn: (message: string) => void): Promise<string> {
  const text = await readFile(path, 'utf8');
  const complete = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  if (complete !== text) {
    warn(`${path}: dropping an incomplete last line (the previous run was interrupted while writing it)`);
    await writeFile(path, complete);
  }
  return complete;
}

/** The predictions already written, by episode id; any bad line other than a cut-off last one is an error. */
export async function readFinishedPredictions(paths: RolloutPaths, warn: (message: string) => void = () => {}): Promise<Map<string, Prediction>> {
  const finished = new Map<string, Prediction>();
  if (!existsSync(paths.predictions)) return finished;
  const complete = await completeLines(paths.predictions, warn);
  complete.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputError(`${describeLocation(paths.predictions, index + 1)}: not valid JSON; fix or remove the line to resume`);
    }
    const parsed = predictionSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(`${describeLocation(paths.predictions, index + 1, issue.path.join('.') || undefined)}: ${issue.message}`);
    }
    finished.set(committedId(parsed.data), parsed.data);
  });
  return finished;
}

/**
 * Makes the folders, closes a summary line cut short by a kill, and drops the episode records of
 * episodes that are not committed (a kill between the record and the prediction).
 */
export async function prepareRolloutDir(paths: RolloutPaths, finishedIds: ReadonlySet<string> = new Set(), warn: (message: string) => void = () => {}): Promise<void> {
  await mkdir(paths.trajectories, { recursive: true });
  if (existsSync(paths.runs)) {
    const runs = await readFile(paths.runs, 'utf8');
    if (runs !== '' && !runs.endsWith('\n')) await appendFile(paths.runs, '\n');
  }
  if (existsSync(paths.episodes)) {
    const lines = (await completeLines(paths.episodes, warn)).split('\n').filter((line) => line.trim() !== '');
    const kept = lines.filter((line) => {
      try {
        return finishedIds.has((JSON.parse(line) as { episode_id?: string }).episode_id ?? '');
      } catch {
        return false;
      }
    });
    if (kept.length !== lines.length) await writeFileAtomically(paths.episodes, kept.map((line) => `${line}\n`).join(''));
  }
}

/**
 * The run id of the rollout in this folder: the one asked for, else the one an earlier run stored,
 * else a new one; stored in `run.json` either way. `earlier` is a stored id that differs from the
 * one asked for (its leftovers are removed too).
 */
export async function resolveRolloutRunId(paths: RolloutPaths, asked?: string): Promise<{ runId: string; earlier?: string }> {
  let stored: string | undefined;
  if (existsSync(paths.runFile)) {
    try {
      const value = JSON.parse(await readFile(paths.runFile, 'utf8')) as { run_id?: unknown };
      if (typeof value.run_id === 'string' && value.run_id !== '') stored = value.run_id;
    } catch {
      throw new InputError(`${paths.runFile}: not valid JSON; remove it (its run's leftover containers can be removed with swe-srl sandbox prune)`);
    }
  }
  const runId = checkRunId(asked ?? stored ?? newRunId('rollout'));
  await mkdir(paths.dir, { recursive: true });
  if (runId !== stored) await writeFileAtomically(paths.runFile, `${JSON.stringify({ run_id: runId }, null, 2)}\n`);
  return stored !== undefined && stored !== runId ? { runId, earlier: stored } : { runId };
}

/** Records one finished episode: its `.traj` and its record first, then its prediction (the commit point). */
export async function recordFinishedRun(
  paths: RolloutPaths,
  trajectory: Trajectory,
  prediction: Prediction,
  messages?: readonly ChatMessage[],
  record?: EpisodeRecord,
  episodeId = trajectory.instance_id,
): Promise<void> {
  await writeTrajFile(trajPath(paths, episodeId), trajectory, messages);
  if (record) await appendFile(paths.episodes, `${JSON.stringify(record)}\n`);
  await appendFile(paths.predictions, `${JSON.stringify(prediction)}\n`);
}

export async function recordRunSummary(paths: RolloutPaths, summary: Record<string, unknown>): Promise<void> {
  await appendFile(paths.runs, `${JSON.stringify(summary)}\n`);
}
