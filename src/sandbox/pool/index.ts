/** Warm sandboxes, ready before they are asked for. */
export { WarmPool, type WarmPoolOptions, type AcquiredSandbox, type WarmPoolStats } from './warm-pool.js';
export { SandboxPlan, type PlannedSandbox } from './sandbox-plan.js';
