import { InputError, SweSrlError, UnavailableError } from '../errors.js';

/**
 * The error for a file that cannot be read, naming it and saying why in words. `expected` says
 * what the path should have been, for the directory case ("a JSONL file"). Our own errors (a bad
 * line met while reading, say) pass through unchanged.
 */
export function fileReadError(path: string, error: unknown, expected = 'a file'): SweSrlError {
  if (error instanceof SweSrlError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new InputError(`${path}: no such file`, { cause: error });
  if (code === 'EISDIR') return new InputError(`${path}: is a directory, not ${expected}`, { cause: error });
  if (code === 'EACCES') return new UnavailableError(`${path}: permission denied`, { cause: error });
  return new InputError(`${path}: cannot read (${code ?? (error instanceof Error ? error.message : String(error))})`, { cause: error });
}
