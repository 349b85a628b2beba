/**
 * Image tags are content hashes of everything that goes into a build, so an unchanged input never
 * rebuilds and a changed one always does. Keys are sorted before hashing so that the order in which
 * a spec file lists its fields does not change the tag.
 */
import { createHash } from 'node:crypto';

/** Length of the hex digest used in tags: 48 bits, plenty to tell a few thousand images apart. */
export const TAG_HASH_LENGTH = 12;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A short, stable hex digest of any JSON-like value. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, TAG_HASH_LENGTH);
}

/**
 * Turns an arbitrary identifier (an instance id such as `django__django-11099`, a version such as
 * `3.0`) into something Docker accepts in a repository name: lowercase alphanumerics separated by
 * single `.`, `_` or `-`.
 */
export function sanitizeForImageName(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    // Docker allows `.`, `_`, `__` or a run of `-` between alphanumerics, nothing else.
    .replace(/[._-]{2,}/g, (run) => (run === '__' || /^-+$/.test(run) ? run : run.charAt(0)))
    .replace(/^[._-]+|[._-]+$/g, '');
  // Cutting at 100 may leave a separator at the end again.
  const short = cleaned.slice(0, 100).replace(/[._-]+$/, '');
  return short.length > 0 ? short : 'x';
}
