/**
 * debootstrap should fetch from the same Debian mirror the host's apt already uses: on clusters
 * without internet that is a local mirror, and deb.debian.org would not answer.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian';

export interface AptSourcesLocation {
  /** `/etc/apt/sources.list` by default. */
  sourcesList?: string;
  /** `/etc/apt/sources.list.d` by default. */
  sourcesDir?: string;
}

// Security and update suites live in other archives (debian-security) or only add to the main one.
function isMainSuite(suite: string): boolean {
  return !/-(security|updates|backports|proposed-updates)$/.test(suite) && !suite.includes('/');
}

/** Mirrors named by deb822 `.sources` stanzas (`Types: deb`, `URIs:`, `Suites:`). */
export function mirrorsFromDeb822(text: string): string[] {
  const mirrors: string[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match?.[1] && match[2] !== undefined) fields.set(match[1].toLowerCase(), match[2].trim());
    }
    const types = (fields.get('types') ?? '').split(/\s+/);
    if (!types.includes('deb') || fields.get('enabled')?.toLowerCase() === 'no') continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    if (!suites.some(isMainSuite)) continue;
    mirrors.push(...(fields.get('uris') ?? '').split(/\s+/).filter(Boolean));
  }
  return mirrors;
}

/** Mirrors named by one-line `deb [options] URI suite components` entries. */
export function mirrorsFromOneLine(text: string): string[] {
  const mirrors: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (match?.[1] && match[2] && isMainSuite(match[2])) mirrors.push(match[1]);
  }
  return mirrors;
}

/** The first Debian mirror apt is configured with, or deb.debian.org when none is found. */
export async function findAptMirror(location: AptSourcesLocation = {}): Promise<string> {
  const sourcesDir = location.sourcesDir ?? '/etc/apt/sources.list.d';
  const candidates: string[] = [];
  const names = await readdir(sourcesDir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    if (!name.endsWith('.sources') && !name.endsWith('.list')) continue;
    const text = await readFile(join(sourcesDir, name), 'utf8').catch(() => '');
    candidates.push(...(name.endsWith('.sources') ? mirrorsFromDeb822(text) : mirrorsFromOneLine(text)));
  }
  candidates.push(...mirrorsFromOneLine(await readFile(location.sourcesList ?? '/etc/apt/sources.list', 'utf8').catch(() => '')));
  // Third-party repositories (nodesource, docker, cloud SDKs) also use `deb`; Debian's own path ends in /debian.
  return candidates.find((uri) => /\/debian\/?$/.test(uri)) ?? DEFAULT_DEBIAN_MIRROR;
}
