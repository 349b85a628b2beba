/**
 * Parsers for command-line option values, shared by the commands so that a flag is checked, and
 * its mistake worded, the same way everywhere: `--flag: "value" is not …`, an InputError (exit 2).
 */
import type { BackendChoice } from '../sandbox/backend-choice.js';
import { InputError } from '../errors.js';
import { parseMemorySize } from '../sandbox/images/environment-spec.js';

// Number('') is 0: a blank value is a slip, not a zero.
function toNumber(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}

export function oneOf<T extends string>(flag: string, allowed: readonly T[]) {
  return (value: string): T => {
    const found = allowed.find((option) => option === value);
    if (!found) throw new InputError(`${flag}: "${value}" is not one of ${allowed.join(', ')}`);
    return found;
  };
}

export function positiveNumber(flag: string) {
  return (value: string): number => {
    const number = toNumber(value);
    if (!Number.isFinite(number) || number <= 0) throw new InputError(`${flag}: "${value}" is not a positive number`);
    return number;
  };
}

export function positiveSeconds(flag: string) {
  return (value: string): number => {
    const seconds = toNumber(value);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new InputError(`${flag}: "${value}" is not a positive number of seconds`);
    return seconds;
  };
}

export function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const number = toNumber(value);
    if (!Number.isFinite(number) || number < 0) throw new InputError(`${flag}: "${value}" is not a number >= 0`);
    return number;
  };
}

export function integerAtLeast(flag: string, min: number) {
  return (value: string): number => {
    const number = toNumber(value);
    if (!Number.isInteger(number) || number < min) throw new InputError(`${flag}: "${value}" is not an integer >= ${min}`);
    return number;
  };
}

/** A memory size: `512m`, `4g`, `2GiB` or bytes. */
export function memorySize(flag: string) {
  return (value: string): number => {
    const bytes = parseMemorySize(value);
    if (bytes === undefined || bytes < 6 * 1024 ** 2) throw new InputError(`${flag}: "${value}" is not a size of at least 6m (such as 512m, 4g or 2GiB)`);
    return bytes;
  };
}

/** `--backend`: where sandboxes run; `auto` is Docker when an engine answers, else local. */
export function sandboxBackend(value: string): BackendChoice {
  if (value !== 'docker' && value !== 'local' && value !== 'auto') throw new InputError(`--backend: "${value}" is not auto, docker or local`);
  return value;
}
