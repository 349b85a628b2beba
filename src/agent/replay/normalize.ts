/**
 * What "the same" means when a replay is compared with its recording: terminals record CRLF,
 * SWE-agent appends a footer after observations, the repository lived elsewhere (`/pydicom__pydicom`
 * instead of `/testbed`), and git's `index` lines carry abbreviated blob ids that differ by length.
 */
import { splitFooter } from '../../trajectories/readers/prompt-text.js';

/** Rewrites the recorded repository root to the sandbox's, as a plain string replacement. */
export function rootRewriter(recordedRoot: string | undefined, workdir: string): (text: string) => string {
  if (recordedRoot === undefined || recordedRoot === '' || recordedRoot === '/' || recordedRoot === workdir) return (text) => text;
  const root = recordedRoot.replace(/\/+$/, '');
  return (text) => text.split(root).join(workdir);
}

/** An observation without CRLF, footer, trailing spaces or surrounding blank lines. */
export function normalizeObservation(text: string): string {
  const unix = text.replaceAll('\r\n', '\n').replaceAll('\r', '\n');
  return splitFooter(unix.trimEnd())
    .observation.split('\n')
    .filter((line) => !/^index [0-9a-f]+\.\.[0-9a-f]+( \d+)?$/.test(line))
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

/**
 * A patch without CRLF, `index` lines and surrounding blank lines. A blank context line (a lone
 * space) also matches an empty line: recordings saved through YAML or JSON tools often lost that
 * space, and in a diff a lone space can mean nothing else.
 */
export function normalizePatch(patch: string | null | undefined): string {
  return (patch ?? '')
    .replaceAll('\r\n', '\n')
    .split('\n')
    .filter((line) => !/^index [0-9a-f]+\.\.[0-9a-f]+( \d+)?$/.test(line))
    .map((line) => (line === ' ' ? '' : line))
    .join('\n')
    .trim();
}
