/**
 * A rollout's output directory:
 *
 *     DIR/preds.jsonl                 one {instance_id, model_name_or_path, model_patch} per finished instance
 *     DIR/trajectories/<id>.traj      each run as a SWE-agent .traj
 *     DIR/runs.jsonl                  each run's exit status, steps, tokens and time (errors too)
 *
 * A prediction is appended only after its `.traj` is in place, so `preds.jsonl` is the record of
 * what is finished: resuming skips its instances. A line cut short by a kill is dropped on resume.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, describeLocation } from '../../errors.js';
import { predictionSchema, type Prediction } from '../../eval/predictions.js';
import type { Trajectory } from '../../trajectories/schema.js';
import type { ChatMessage } from '../../policy/types.js';
import { writeTrajFile } from '../record-traj.js';

export interface RolloutPaths {
  dir: string;
  predictions: string;
  runs: string;
  trajectories: string;
}

export function rolloutPaths(dir: string): RolloutPaths {
  return { dir, predictions: join(dir, 'preds.jsonl'), runs: join(dir, 'runs.jsonl'), trajectories: join(dir, 'trajectories') };
}

export function trajPath(paths: RolloutPaths, instanceId: string): string {
  return join(paths.trajectories, `${instanceId}.traj`);
}

/**
 * The predictions already written. A last line without its newline (the process was killed while
 * writing it) is cut off the file, so the instance is run again; any other bad line is an error.
 */
export async function readFinishedPredictions(paths: RolloutPaths, warn: (message: string) => void = () => {}): Promise<Map<string, Prediction>> {
  const finished = new Map<string, Prediction>();
  if (!existsSync(paths.predictions)) return finished;
  const text = await readFile(paths.predictions, 'utf8');
  const complete = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  if (complete !== text) {
    warn(`${paths.predictions}: dropping an incomplete last line (the previous run was interrupted while writing it)`);
    await writeFile(paths.predictions, complete);
  }
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
    finished.set(parsed.data.instance_id, parsed.data);
  });
  return finished;
}

export async function prepareRolloutDir(paths: RolloutPaths): Promise<void> {
  await mkdir(paths.trajectories, { recursive: true });
  // A summary cut short by a kill is closed, so the next one starts on a line of its own.
  if (existsSync(paths.runs)) {
    const runs = await readFile(paths.runs, 'utf8');
    if (runs !== '' && !runs.endsWith('\n')) await appendFile(paths.runs, '\n');
  }
}

/** Records one finished run: its `.traj` first, then its prediction (the commit point). */
export async function recordFinishedRun(paths: RolloutPaths, trajectory: Trajectory, prediction: Prediction, messages?: readonly ChatMessage[]): Promise<void> {
  await writeTrajFile(trajPath(paths, trajectory.instance_id), trajectory, messages);
  await appendFile(paths.predictions, `${JSON.stringify(prediction)}\n`);
}

export async function recordRunSummary(paths: RolloutPaths, summary: Record<string, unknown>): Promise<void> {
  await appendFile(paths.runs, `${JSON.stringify(summary)}\n`);
}
