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

/** One line per rung, for logs and `swe-srl train backend`. */
export function describeSelection(selection: BackendSelection): string[] {
  return selection.attempts.map((attempt) => {
    const mark = attempt.outcome === 'chosen' ? '→' : attempt.outcome === 'failed' ? '✗' : '·';
    return `${mark} ${attempt.backend.padEnd(13)} ${attempt.outcome === 'chosen' ? 'chosen: ' : ''}${attempt.reason}`;
  });
}

