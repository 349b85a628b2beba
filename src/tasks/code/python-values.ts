/**
 * Values that go into generated Python (test arguments, sample data) and their source text. Python
 * tells 3 from 3.0, JavaScript does not, so floats are wrapped: a plain number is an int.
 */
export class PyFloat {
  constructor(readonly value: number) {
    if (!Number.isFinite(value)) throw new Error(`PyFloat: ${value} is not finite`);
  }
}

export type PyValue = number | PyFloat | string | boolean | null | PyValue[] | { [key: string]: PyValue };

export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}

/** Python's repr of a float for the moderate values tasks use (shortest round-trip, like JS). */
export function floatLiteral(value: number): string {
  if (Number.isInteger(value)) return `${value}.0`;
  const text = String(value);
  if (/e/i.test(text)) throw new Error(`floatLiteral: ${value} needs an exponent; keep task values moderate`);
  return text;
}

/** Source text of a value; strings use double quotes as black writes them. */
export function pyLiteral(value: PyValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value instanceof PyFloat) return floatLiteral(value.value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`pyLiteral: ${value} is not an int; wrap floats in pyFloat`);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([key, item]) => `${JSON.stringify(key)}: ${pyLiteral(item)}`)
    .join(', ')}}`;
}

/** True for a list whose items are dicts: test code binds those to a name before the call. */
export function isRecordList(value: PyValue): value is Array<{ [key: string]: PyValue }> {
  return Array.isArray(value) && value.length > 0 && value.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item) && !(item instanceof PyFloat));
}

/** A list of records one per line, indented for a function body. */
export function multilineLiteral(value: PyValue, indent: string): string {
  if (!isRecordList(value)) return pyLiteral(value);
  return `[\n${value.map((item) => `${indent}    ${pyLiteral(item)},`).join('\n')}\n${indent}]`;
}
