/**
 * A small test double of the `Sandbox` interface: a git repository in a temporary directory and a
 * real persistent bash session on the host. Its `workdir` is that directory (not `/testbed`), so
 * tests of the tools must use `sandbox.workdir`, as the tools themselves do. It is for unit tests
 * of the tools and the loop; the real backends are exercised by the Docker and local tests. The
 * evaluator's tests use test/eval/helpers/host-sandbox.ts instead (see there for why).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RunOptions, RunResult, Sandbox } from '../../src/sandbox/types.js';

export interface TempDirSandboxOptions {
  /** Files of the base commit, path → content (a trailing `:755` style mode is not supported; use `modes`). */
  files?: Record<string, string | Buffer>;
  modes?: Record<string, number>;
  defaultTimeoutMs?: number;
}

class PersistentBash {
  private child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private waiter: (() => void) | undefined;

  constructor(private readonly cwd: string) {
    this.child = this.start();
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn('bash', ['--noprofile', '--norc'], { cwd: this.cwd, detached: true, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.cwd, LC_ALL: 'C.UTF-8' } });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    const collect = (chunk: string) => {
      this.buffer += chunk;
      this.waiter?.();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    return child;
  }

  async run(command: string, timeoutMs: number): Promise<{ output: string; exitCode: number | null; timedOut: boolean; restarted: boolean }> {
    const marker = `__END_${randomBytes(8).toString('hex')}__`;
    this.buffer = '';
    // The command reads from /dev/null so a bare `cat` cannot swallow the session's input.
    this.child.stdin.write(`{\n${command}\n} < /dev/null 2>&1\nprintf '\\n${marker}%d\\n' "$?"\n`);
    const deadline = Date.now() + timeoutMs;
    while (!this.buffer.includes(marker)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const output = this.buffer;
        this.kill();
        this.buffer = '';
        this.child = this.start();
        return { output, exitCode: null, timedOut: true, restarted: true };
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 50));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    const at = this.buffer.indexOf(marker);
    const exitCode = Number.parseInt(this.buffer.slice(at + marker.length), 10);
    let output = this.buffer.slice(0, at);
    if (output.endsWith('\n')) output = output.slice(0, -1);
    return { output, exitCode, timedOut: false, restarted: false };
  }

  kill(): void {
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export class TempDirSandbox implements Sandbox {
  readonly backend = 'local' as const;
  private readonly shell: PersistentBash;
  private closed = false;

  private constructor(
    readonly id: string,
    readonly workdir: string,
    readonly baseCommit: string,
    private readonly defaultTimeoutMs: number,
  ) {
    this.shell = new PersistentBash(workdir);
  }

  static async create(options: TempDirSandboxOptions = {}): Promise<TempDirSandbox> {
    const root = await mkdtemp(join(tmpdir(), 'swe-srl-test-'));
    const workdir = join(root, 'repo');
    await mkdir(workdir);
    for (const [path, content] of Object.entries(options.files ?? {})) {
      await mkdir(dirname(join(workdir, path)), { recursive: true });
      await writeFile(join(workdir, path), content);
      const mode = options.modes?.[path];
      if (mode !== undefined) await chmod(join(workdir, path), mode);
    }
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { cwd: workdir, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', 'base');
    const base = git('rev-parse', 'HEAD').trim();
    return new TempDirSandbox(`tmp-${randomBytes(4).toString('hex')}`, workdir, base, options.defaultTimeoutMs ?? 10_000);
  }

  async run(command: string, options: RunOptions = {}): Promise<RunResult> {
    const started = Date.now();
    const result = await this.shell.run(command, options.timeoutMs ?? this.defaultTimeoutMs);
    return {
      output: result.output,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      truncated: false,
      sessionRestarted: result.restarted,
      durationMs: Date.now() - started,
    };
  }

  private resolve(path: string): string {
    return isAbsolute(path) ? path : join(this.workdir, path);
  }

  async readFile(path: string): Promise<Buffer> {
    return readFile(this.resolve(path));
  }

  async writeFile(path: string, data: Buffer | string, options?: { mode?: number }): Promise<void> {
    await writeFile(this.resolve(path), data);
    if (options?.mode !== undefined) await chmod(this.resolve(path), options.mode);
  }

  async diff(): Promise<string> {
    const env = { ...process.env, GIT_INDEX_FILE: join(this.workdir, '..', 'diff-index') };
    execFileSync('git', ['read-tree', this.baseCommit], { cwd: this.workdir, env });
    execFileSync('git', ['add', '-A'], { cwd: this.workdir, env });
    return execFileSync('git', ['diff', '--cached', this.baseCommit], { cwd: this.workdir, env, encoding: 'utf8' });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.shell.kill();
    await rm(join(this.workdir, '..'), { recursive: true, force: true });
  }
}
