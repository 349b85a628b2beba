/**
 * One root for every error swe-srl raises on purpose, so callers can tell our failures
 * (bad input, a missing engine, a timeout) from bugs. The original error, when there is
 * one, is kept in `cause`.
 */
export class SweSrlError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that does not match what we expect: names the file, line or field that is wrong. */
export class InputError extends SweSrlError {}

/**
 * Bad input in one named field: of a library call's options (`runId`), or of a run configuration
 * (`policy.model`). Library code names the field, never a command-line flag; the CLI shows the flag
 * that sets the field when the command has one.
 */
export class FieldError extends InputError {
  constructor(
    readonly field: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${reason}`, options);
  }
}

/** Something needed from the outside world is not there (no Docker engine, no image, no repository). */
export class UnavailableError extends SweSrlError {}

/** An operation ran past its time limit. */
export class TimeoutError extends SweSrlError {}

/** Points at a place in a file, for messages like `preds.jsonl:12: FAIL_TO_PASS: expected a list`. */
export function describeLocation(file: string, line?: number, field?: string): string {
  let where = file;
  if (line !== undefined) where += `:${line}`;
  if (field !== undefined) where += `: ${field}`;
  return where;
}

/** A sandbox path that can't be read or written as asked (missing, a directory, not writable). */
export class SandboxFileError extends InputError {
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${reason}`, options);
  }
}
