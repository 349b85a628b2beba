/**
 * How much the evaluator reads back from a sandbox, or takes in from a prediction, at most. The
 * code under test can write to the files it reads back (it learns their paths from the
 * environment), and a sparse 1 GiB file costs it nothing; a prediction is a model's output.
 */

/** The runner's own report and the runner guard's: far above a real one (a JUnit file of ten thousand tests is a few MB). */
export const RUNNER_REPORT_LIMITS = { maxBytes: 32 * 1024 * 1024, timeoutMs: 60_000 } as const;

/** A model patch larger than this is unresolved without being applied (SWE-bench's patches are kilobytes). */
export const MODEL_PATCH_MAX_BYTES = 32 * 1024 * 1024;
