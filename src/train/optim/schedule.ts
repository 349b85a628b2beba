/**
 * The learning rate over a run: linear warm-up from 0 over `warmupSteps`, then a cosine decay to
 * `minRatio` × the peak at the last step (SFT in the SRL paper uses a cosine schedule).
 */
export interface CosineSchedule {
  peak: number;
  warmupSteps: number;
  totalSteps: number;
  minRatio: number;
}

/** The rate for update number `step` (1-based). */
export function learningRateAt(schedule: CosineSchedule, step: number): number {
  const { peak, warmupSteps, totalSteps, minRatio } = schedule;
  if (warmupSteps > 0 && step <= warmupSteps) return (peak * step) / warmupSteps;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - warmupSteps) / decaySteps));
  return peak * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** The schedule of a trainer config section (`sft`, `srl`, `rlvr`): its peak rate, warm-up and floor over its configured steps. */
export function scheduleOf(section: { learningRate: number; warmupSteps: number; steps: number; minLearningRateRatio: number }): CosineSchedule {
  return { peak: section.learningRate, warmupSteps: section.warmupSteps, totalSteps: section.steps, minRatio: section.minLearningRateRatio };
}
