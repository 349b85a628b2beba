/**
 * The checkpoints of one training run, under `OUT/checkpoints/`:
 *
 *     step-000050/   a model folder (model.safetensors, config.json, tokenizer files)
 *                    + optimizer.safetensors (AdamW moments) + trainer-state.json
 *     latest.json    {"step": 50, "dir": "step-000050"}: the last complete checkpoint
 *
 * A checkpoint is written to a temporary folder and renamed into place, and `latest.json` is
 * replaced only after that, so a run killed at any moment leaves the previous checkpoint whole
 * and resumes from it. Older checkpoints are pruned (the newest `keep`, plus the best one).
 * The best model on validation is also kept as `OUT/best/`, the final one as `OUT/model/`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { writeFileAtomically } from '../../io/atomic-write.js';
import { parseJson } from '../../io/json-parse.js';
import type { Tensor } from '../backends/tf.js';
import type { ModelOps } from '../model/ops.js';
import type { Transformer } from '../model/transformer.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { loadTensors, saveTensors } from './file-handler.js';
import { loadModelDir, saveModelDir, type LoadedModel } from './model-dir.js';

export interface TrainerState {
  stage: string;
  /** Training steps completed. */
  step: number;
  optimizerSteps: number;
  /** Digest of the settings a resumed run must share, and the settings themselves for the message. */
  settings: Record<string, unknown>;
  best?: { metric: string; value: number; step: number };
  counters: Record<string, number>;
}

export const CHECKPOINTS_DIR = 'checkpoints';
const LATEST = 'latest.json';
const STATE = 'trainer-state.json';
const OPTIMIZER = 'optimizer.safetensors';

export function stepDirName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

export interface SavedCheckpoint {
  dir: string;
  step: number;
}

export async function saveCheckpoint(
  outDir: string,
  parts: { model: Transformer; tokenizer: Tokenizer; optimizerState: ReadonlyMap<string, Tensor>; state: TrainerState },
  keep: number,
): Promise<SavedCheckpoint> {
  const root = join(outDir, CHECKPOINTS_DIR);
  await mkdir(root, { recursive: true });
  const name = stepDirName(parts.state.step);
  const final = join(root, name);
  const temporary = join(root, `${name}.${process.pid}.partial`);
  await rm(temporary, { recursive: true, force: true });
  await saveModelDir(temporary, parts.model, parts.tokenizer);
  await saveTensors(join(temporary, OPTIMIZER), parts.optimizerState);
  await writeFile(join(temporary, STATE), `${JSON.stringify(parts.state, null, 2)}\n`);
  await rm(final, { recursive: true, force: true });
  await rename(temporary, final);
  await writeFileAtomically(join(root, LATEST), `${JSON.stringify({ step: parts.state.step, dir: name })}\n`);
  await prune(root, keep, parts.state);
  return { dir: final, step: parts.state.step };
}

async function prune(root: string, keep: number, state: TrainerState): Promise<void> {
  const names = (await readdir(root)).filter((name) => /^step-\d+$/.test(name)).sort();
  const protectedNames = new Set(names.slice(-keep));
  if (state.best) protectedNames.add(stepDirName(state.best.step));
  for (const name of names) if (!protectedNames.has(name)) await rm(join(root, name), { recursive: true, force: true });
  // Leftovers of a killed write.
  for (const name of await readdir(root)) if (name.endsWith('.partial')) await rm(join(root, name), { recursive: true, force: true });
}

export interface ResumePoint {
  dir: string;
  state: TrainerState;
  loaded: LoadedModel;
  optimizerState: Map<string, Tensor>;
}

/** The last complete checkpoint of the run in `outDir`, loaded; undefined when the run has none. */
export async function loadLatestCheckpoint(outDir: string, ops?: ModelOps): Promise<ResumePoint | undefined> {
  const root = join(outDir, CHECKPOINTS_DIR);
  const latestPath = join(root, LATEST);
  if (!existsSync(latestPath)) return undefined;
  const latest = parseJson(await readFile(latestPath, 'utf8'), latestPath) as { dir?: unknown };
  if (typeof latest.dir !== 'string' || !/^step-\d+$/.test(latest.dir)) throw new InputError(`${latestPath}: dir: expected "step-NNNNNN", got ${JSON.stringify(latest.dir)}`);
  const dir = join(root, latest.dir);
  if (!existsSync(dir)) throw new InputError(`${latestPath}: names ${latest.dir}, which is missing from ${root}`);
  const statePath = join(dir, STATE);
  let state: TrainerState;
  try {
    state = parseJson(await readFile(statePath, 'utf8'), statePath) as TrainerState;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${statePath}: cannot be read (${(error as Error).message})`);
  }
  if (typeof state.step !== 'number' || typeof state.stage !== 'string') throw new InputError(`${statePath}: not a trainer state (step and stage are needed)`);
  const loaded = await loadModelDir(dir, ops);
  const optimizerState = await loadTensors(join(dir, OPTIMIZER));
  return { dir, state, loaded, optimizerState };
}

/** Writes a model folder whole under `outDir/name` (best/, model/), replacing an earlier one. */
export async function saveNamedModel(outDir: string, name: string, model: Transformer, tokenizer: Tokenizer): Promise<string> {
  const final = join(outDir, name);
  const temporary = join(outDir, `${name}.${process.pid}.partial`);
  await rm(temporary, { recursive: true, force: true });
  await saveModelDir(temporary, model, tokenizer);
  await rm(final, { recursive: true, force: true });
  await rename(temporary, final);
  return final;
}

/** The first setting that differs, as `field: was X, now Y`; undefined when they agree. */
export function settingsDifference(before: Record<string, unknown>, now: Record<string, unknown>, prefix = ''): string | undefined {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  for (const key of [...keys].sort()) {
    const a = before[key];
    const b = now[key];
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a)) {
      const inner = settingsDifference(a as Record<string, unknown>, b as Record<string, unknown>, path);
      if (inner) return inner;
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      return `${path}: was ${JSON.stringify(a) ?? 'unset'}, now ${JSON.stringify(b) ?? 'unset'}`;
    }
  }
  return undefined;
}
