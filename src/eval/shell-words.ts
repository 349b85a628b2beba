/** Quotes a word for bash so that it is passed through unchanged, whatever it holds. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A random name part that code in the sandbox cannot predict before the harness uses it. */
export function unguessableSuffix(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, '');
}
