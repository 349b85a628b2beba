/**
 * Runs a real test runner on the host and captures what it printed, stdout and stderr interleaved
 * as a sandbox's session sees them, as raw bytes (so non-UTF-8 output reaches the parsers intact).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CapturedRun {
  output: Buffer;
  text: string;
  exitCode: number | null;
}

export function runShell(command: string, cwd: string, env: Record<string, string> = {}): CapturedRun {
  // Inside a node:test file NODE_TEST_CONTEXT is set; a nested `node --test` would take itself for
  // a child of ours and run nothing.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_TEST_CONTEXT'));
  const result = spawnSync('bash', ['-c', `${command} 2>&1`], {
    cwd,
    env: { ...inherited, ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = result.stdout ?? Buffer.alloc(0);
  return { output, text: output.toString('utf8'), exitCode: result.status };
}

/** A temporary directory holding `files` (path → content); removed by the returned cleanup. */
export function writeTree(files: Record<string, string | Buffer>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'swe-srl-parser-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Whether `python3 -m pytest` works on this host; the reason when it does not. */
export function hostPytestUnavailable(): false | string {
  const probe = spawnSync('python3', ['-m', 'pytest', '--version'], { encoding: 'utf8' });
  if (probe.status === 0) return false;
  return 'python3 -m pytest is not installed on this host (Debian: apt-get install python3-pytest)';
}
