/** A random name part that code in the sandbox cannot predict before the harness uses it. */
export function unguessableSuffix(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, '');
}
