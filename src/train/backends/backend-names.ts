/**
 * The backend ladder's names and its report, apart from the ladder itself so that naming a backend (a config
 * schema, a command-line flag) does not load TensorFlow.js.
 */
export const BACKEND_LADDER = ['tfjs-node-gpu', 'tfjs-node', 'native', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_LADDER)[number];
export type BackendSetting = BackendName | 'auto';
export const BACKEND_SETTINGS: readonly BackendSetting[] = ['auto', ...BACKEND_LADDER];
export const BACKEND_ENV_VAR = 'SWE_SRL_TRAIN_BACKEND';

export interface BackendAttempt {
  backend: BackendName;
  /** Loaded and chosen, failed (with the reason), or not tried because a better one was chosen. */
  outcome: 'chosen' | 'failed' | 'not-tried';
  reason: string;
}

export interface BackendSelection {
  backend: BackendName;
  /** The name TensorFlow.js knows the backend by (`tensorflow`, `wasm`, `cpu`, …). */
  tfBackend: string;
  forced: boolean;
  attempts: BackendAttempt[];
}

/**
 * What runs, in one sentence: the chosen backend, and when that is below the native CPU backend
 * (which the trainer uses wherever its kernels built), that it fell back, from what and why.
 */
export function selectionSummary(selection: BackendSelection): string {
  const chosen = selection.attempts.find((attempt) => attempt.outcome === 'chosen');
  const how = chosen ? `: ${chosen.reason}` : '';
  if (selection.forced) return `training runs on ${selection.backend}${how}`;
  const native = selection.attempts.find((attempt) => attempt.backend === 'native');
  if (native?.outcome === 'failed') return `fell back to ${selection.backend}: the native CPU backend is not available (${native.reason})`;
  return `training runs on ${selection.backend}${how}`;
}

/** The summary, then one line per rung, for logs and `swe-srl train backend`. */
export function describeSelection(selection: BackendSelection): string[] {
  const rungs = selection.attempts.map((attempt) => {
    const mark = attempt.outcome === 'chosen' ? '→' : attempt.outcome === 'failed' ? '✗' : '·';
    return `${mark} ${attempt.backend.padEnd(13)} ${attempt.outcome === 'chosen' ? 'chosen: ' : ''}${attempt.reason}`;
  });
  return [selectionSummary(selection), ...rungs];
}
