/**
 * The choices an evaluation run offers, as plain lists: the run configuration's schema and the
 * command line check values against them without loading the Docker provider.
 */

/** build: images from the environment specs, offline; swebench: SWE-bench's prebuilt images from a registry. */
export const IMAGE_SOURCES = ['build', 'swebench'] as const;
export type ImageSource = (typeof IMAGE_SOURCES)[number];

/** How a patch that does not apply, or tests past their time limit, count: SWE-bench's `error`, or `unresolved`. */
export const MODEL_FAILURE_MODES = ['error', 'unresolved'] as const;
export type ModelFailureMode = (typeof MODEL_FAILURE_MODES)[number];
