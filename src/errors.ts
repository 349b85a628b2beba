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

/**
 * Why a sandbox can no longer be used: closed by its owner or by a signal's cleanup; its container
 * removed or its engine lost; or stopped by a limit it passed (see SandboxLimitError).
 */
export type SandboxGoneReason = 'closed' | 'container-gone' | 'engine-lost';

/**
 * The sandbox went away under the work using it. Whatever that work was doing (a test run, an
 * episode) was cut off by the infrastructure, not decided by the code in the sandbox: callers record
 * it as an infrastructure error and retry it, never as a verdict.
 */
export class SandboxGoneError extends UnavailableError {
  constructor(
    readonly sandboxId: string,
    readonly reason: SandboxGoneReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`sandbox ${sandboxId}: ${message}`, options);
  }
}

/**
 * The sandbox was stopped because what ran in it passed one of its limits (the disk limit). Unlike
 * SandboxGoneError this is the doing of the code in the sandbox: a verdict may count it as a failure.
 */
export class SandboxLimitError extends SweSrlError {
  constructor(
    readonly sandboxId: string,
    readonly limit: 'disk',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`sandbox ${sandboxId}: ${message}`, options);
  }
}

/** What a read-back from a sandbox was reading when it passed a limit. */
export type ReadBackTarget = 'file' | 'diff';

/**
 * A file or stream read back from a sandbox passed its size cap or its time limit. It is a named
 * outcome, not a crash: the harness stopped reading, so its memory stays flat whatever the sandbox
 * holds. For files it is also a SandboxFileError, so tools show it like any unreadable path.
 */
export class ReadBackLimitError extends SandboxFileError {
  constructor(
    readonly target: ReadBackTarget,
    path: string,
    readonly exceeded: 'size' | 'time',
    /** The cap in bytes (size) or milliseconds (time). */
    readonly limit: number,
  ) {
    super(path, exceeded === 'size' ? `larger than the read-back limit of ${limit} bytes` : `not read back within ${limit} ms`);
  }
}

/** True for errors that mean the sandbox itself went away: infrastructure, to be retried. */
export function isSandboxGone(error: unknown): error is SandboxGoneError {
  return error instanceof SandboxGoneError;
}
