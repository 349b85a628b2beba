/** What stops a training run on purpose, each naming the step and what was kept. */
import { SweSrlError } from '../errors.js';

/** The loss (or gradient) became NaN or infinite; the update was not applied. */
export class TrainingDivergedError extends SweSrlError {
  constructor(
    message: string,
    readonly step: number,
    readonly lastGoodCheckpoint: string | undefined,
  ) {
    super(message);
  }
}

/** Dynamic sampling dropped every group for too long: the run would spin without learning. */
export class TrainingStalledError extends SweSrlError {}

/** A stage was given no examples to learn from. */
export class NoTrainingDataError extends SweSrlError {}

/** The backend ran out of memory during a step. */
export class TrainingOutOfMemoryError extends SweSrlError {}

/** Whether an error thrown by a backend is a failed allocation. */
export function isOutOfMemory(error: unknown): boolean {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return /out of memory|allocation failed|Array buffer allocation|Invalid typed array length|Cannot enlarge memory|RangeError: Invalid array length/i.test(message);
}
