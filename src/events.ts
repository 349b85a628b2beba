/**
 * Progress as events. Library code that runs for a while (a rollout, an evaluation, image builds,
 * policy retries) reports what happens by calling an `EventSink`; it never writes to a terminal.
 * The CLI renders the events (src/cli/render-events.ts); a server or a trainer may forward, log or
 * ignore them.
 *
 * Batch runs (eval, rollout) share one shape: a `plan`, then per unit (an instance, an episode)
 * `start`, `step`s, and `finish` with the unit's result or `error` (an infrastructure failure: the
 * unit is retried on resume), then `end`. `warning` and `log` lines may come at any time.
 */

export type BatchEvent<Result> =
  | { kind: 'plan'; runId: string; total: number; alreadyFinished: number; toRun: number; leftoversRemoved: number }
  | { kind: 'start'; id: string; running: number }
  | { kind: 'step'; id: string; step: number; tool: string }
  | { kind: 'finish'; id: string; result: Result; finished: number; total: number }
  | { kind: 'error'; id: string; message: string; finished: number; total: number }
  | { kind: 'warning'; message: string }
  /** A line of progress from below the run (an image build, a retried request). */
  | { kind: 'log'; message: string }
  | { kind: 'end'; finished: number; failed: number; total: number };

export type EventSink<Event> = (event: Event) => void;

/** A sink that drops everything (the default of library calls). */
export function ignoreEvents(): void {}
