/**
 * `npm start`'s set-up (scripts/start.sh) on the machines a new user has: root or not, a Docker
 * engine or none, bubblewrap or none. This machine has all of them, so the system commands the
 * script asks (`id`, `sudo`, `docker`, `dpkg-query`, `apt-get`, `bwrap`) are stand-ins on a PATH
 * of their own that record what they are asked; the script itself, its decisions and its messages
 * are the real ones. SWE_SRL_START_DRY_RUN=1 makes it print the chosen backend instead of running
 * the pipeline (the pipeline's own tests run that).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { projectRoot } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

interface Machine {
  root: boolean;
  /** `docker info` answers. */
  docker: boolean;
  /** Installed Debian packages (dpkg-query); apt-get adds to them. */
  packages: string[];
}

/** Real tools the script (and setup-docker.sh) use besides the stand-ins. */
const REAL_TOOLS = ['bash', 'sh', 'env', 'grep', 'tr', 'dirname', 'timeout', 'cat', 'sleep', 'mkdir', 'tail', 'printf', 'python3', 'git', 'patch'];

async function fakeMachine(dir: string, machine: Machine): Promise<{ bin: string; log: string }> {
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  const state = join(dir, 'packages');
  await mkdir(bin, { recursive: true });
  await writeFile(log, '');
  await writeFile(state, machine.packages.map((name) => `${name}\n`).join(''));
  // The system's own tools (a version manager's shim in front of python3 would need its own PATH).
  for (const tool of REAL_TOOLS) {
    const path = ['/usr/bin', '/bin'].map((folder) => join(folder, tool)).find((candidate) => existsSync(candidate));
    if (path) await symlink(path, join(bin, tool));
  }
  const script = async (name: string, body: string) => {
    await writeFile(join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${log}\n${body}\n`);
    await chmod(join(bin, name), 0o755);
  };
  await script('id', machine.root ? 'echo 0' : 'echo 1000');
  await script('sudo', 'exit 1');
  await script('docker', machine.docker ? 'exit 0' : 'exit 1');
  await script('dpkg-query', `grep -qx "\${@: -1}" ${state} && echo 'install ok installed' || exit 1`);
  // Installing bubblewrap puts a bwrap on the PATH, as the real package would.
  await script('apt-get', `[ "$1" = install ] || exit 0; for p in "$@"; do echo "$p" >> ${state}; [ "$p" = bubblewrap ] && printf '#!/bin/bash\\nexit 0\\n' > ${bin}/bwrap && chmod +x ${bin}/bwrap; done; exit 0`);
  if (machine.packages.includes('bubblewrap')) await script('bwrap', 'exit 0');
  return { bin, log };
}

async function start(machine: Machine): Promise<{ code: number | undefined; stdout: string; stderr: string; calls: string[] }> {
  return withTempDir(async (dir) => {
    const { bin, log } = await fakeMachine(dir, machine);
    const result = await execa('bash', ['scripts/start.sh'], {
      cwd: projectRoot,
      env: { PATH: bin, SWE_SRL_START_DRY_RUN: '1', SWE_SRL_DOCKERD_WAIT: '1', SWE_SRL_DOCKERD_LOG: join(dir, 'dockerd.log'), HOME: dir },
      extendEnv: false,
      reject: false,
    });
    const calls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr, calls };
  }, 'start');
}

const HOST_TOOLS = ['git', 'python3', 'python3-pytest', 'patch'];

test('with an engine that answers, as root, it installs debootstrap and the keyring and uses Docker', async () => {
  const run = await start({ root: true, docker: true, packages: HOST_TOOLS });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'backend=docker');
  assert.match(run.stderr, /^swe-srl start: installing debootstrap debian-archive-keyring \(apt-get\)$/m);
  assert.ok(run.calls.includes('apt-get install -y -q --no-install-recommends debootstrap debian-archive-keyring'));
});

test('with everything in place it installs nothing and says nothing but the backend', async () => {
  const run = await start({ root: false, docker: true, packages: [...HOST_TOOLS, 'debootstrap', 'debian-archive-keyring'] });
  assert.equal(run.stdout.trim(), 'backend=docker');
  assert.equal(run.stderr, '');
  assert.ok(!run.calls.some((call) => call.startsWith('apt-get')));
});

test('as root, when no Docker engine can be started, it falls back to the local backend and installs bubblewrap', async () => {
  const run = await start({ root: true, docker: false, packages: HOST_TOOLS });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'backend=local');
  assert.match(run.stderr, /installing and starting one \(scripts\/setup-docker\.sh\)/);
  assert.match(run.stderr, /no Docker engine could be started here; falling back to the local backend/);
  assert.match(run.stderr, /^swe-srl start: installing bubblewrap \(apt-get\)$/m);
  assert.match(run.stderr, /^swe-srl start: using the local bubblewrap backend \(no Docker engine could be started here\)$/m);
});

test('without root or Docker but with bubblewrap, it uses the local backend and says why', async () => {
  const run = await start({ root: false, docker: false, packages: [...HOST_TOOLS, 'bubblewrap'] });
  assert.equal(run.stdout.trim(), 'backend=local');
  assert.equal(run.stderr.trim(), 'swe-srl start: using the local bubblewrap backend (no Docker engine answers (starting one needs root))');
});

test('with neither Docker nor bubblewrap and no root, it stops with one line saying what to do', async () => {
  const run = await start({ root: false, docker: false, packages: HOST_TOOLS });
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.equal(lines[0], 'swe-srl start: no Docker engine answers (starting one needs root) and bubblewrap is not installed: run npm start once as root (or with password-less sudo), or install docker.io or bubblewrap');
});
