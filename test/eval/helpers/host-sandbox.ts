/**
 * A Sandbox over a directory on the host, one bash process per command: enough to test the
 * evaluator's own logic (patch fallbacks, test selection, grading) in milliseconds, without an
 * engine. It isolates nothing, so it only ever runs commands these tests wrote. The real backends
 * are exercised by the Docker tests.
 *
 * Not test/helpers/temp-dir-sandbox.ts, on purpose: that one keeps one bash session (as the tools
 * and the loop need) with a bare environment, over a repository it makes; this one wraps a fixture
 * repository the caller made (at the instance's base commit) and inherits the host's environment,
 * so the test runners the evaluator calls are found wherever the host installed them.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { RunOptions, RunResult, Sandbox } from '../../../src/sandbox/types.js';

export class HostDirectorySandbox implements Sandbox {
  readonly backend = 'local' as const;
  readonly id: string;
  closed = false;
  readonly commands: string[] = [];

  constructor(readonly workdir: string) {
    this.id = `host:${workdir}`;
  }

  run(command: string, options: RunOptions = {}): Promise<RunResult> {
    this.commands.push(command);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NODE_TEST')));
      const child = spawn('bash', ['-c', `${command} 2>&1`], { cwd: this.workdir, detached: true, env });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, options.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({
          output: Buffer.concat(chunks).toString('utf8'),
          exitCode: timedOut ? null : code,
          timedOut,
          truncated: false,
          sessionRestarted: false,
          durationMs: Date.now() - started,
        });
      });
    });
  }

  private resolve(path: string): string {
    return isAbsolute(path) ? path : join(this.workdir, path);
  }

  readFile(path: string): Promise<Buffer> {
    return readFile(this.resolve(path));
  }

  async writeFile(path: string, data: Buffer | string): Promise<void> {
    const full = this.resolve(path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, data);
  }

  async diff(): Promise<string> {
    return (await this.run('git add -A -N . && git diff HEAD')).output;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
