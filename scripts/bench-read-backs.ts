/**
 * The harness's memory when a sandbox inflates what it reads back: a sparse 1 GiB runner report
 * (readFile, with the evaluator's runner-report limits), and a 450 MB file in /testbed (diff()),
 * each read with the caps and, for comparison, with the caps lifted to 2 GiB (main's behaviour:
 * no cap). Every scenario runs in a fresh child process, so its peak RSS (getrusage's ru_maxrss)
 * is the scenario's own; the table gives the peak, its growth over the child's RSS just before the
 * read, and the outcome.
 *
 *   npx tsx scripts/bench-read-backs.ts
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { RUNNER_REPORT_LIMITS } from '../src/eval/read-back-limits.js';
import { ensureBaseImage } from '../src/sandbox/images/index.js';
import { DockerEngines, DockerSandbox, LocalSandbox, findBubblewrap } from '../src/sandbox/index.js';
import type { Sandbox } from '../src/sandbox/types.js';

const MIB = 1024 * 1024;
const UNCAPPED = 2 * 1024 * MIB;
const SCENARIOS = ['docker-report-capped', 'docker-report-uncapped', 'docker-diff-capped', 'docker-diff-uncapped', 'local-report-capped', 'local-diff-capped'] as const;
type Scenario = (typeof SCENARIOS)[number];

const SETUP = 'set -e; cd /testbed; git init -q; echo base > README.md; git add -A; git -c user.name=b -c user.email=b@example.com commit -qm base';

async function benchImage(docker: Docker): Promise<string> {
  const base = (await ensureBaseImage(docker)).tag;
  const tag = `swe-srl-bench/read-backs:${createHash('sha256').update(base).update(SETUP).digest('hex').slice(0, 12)}`;
  if (await docker.getImage(tag).inspect().then(() => true, () => false)) return tag;
  const container = await docker.createContainer({ Image: base, Cmd: ['bash', '-c', SETUP], WorkingDir: '/testbed' });
  try {
    await container.start();
    await container.wait();
    const [repository, version] = tag.split(':');
    await container.commit({ repo: repository, tag: version });
  } finally {
    await container.remove({ force: true });
  }
  return tag;
}

async function localRepository(): Promise<string> {
  const dir = await mkdtemp(`${tmpdir()}/swe-srl-bench-read-backs-`);
  execFileSync('bash', ['-c', SETUP.replace('cd /testbed', `cd ${dir}`)]);
  return dir;
}

const rssBytes = (): number => process.resourceUsage().maxRSS * 1024;

/** One scenario, in this (child) process: prints one JSON line. */
async function runScenario(scenario: Scenario): Promise<void> {
  const [backend, what, caps] = scenario.split('-') as ['docker' | 'local', 'report' | 'diff', 'capped' | 'uncapped'];
  let sandbox: Sandbox;
  let localRepo: string | undefined;
  if (backend === 'docker') {
    const docker = new Docker();
    sandbox = await DockerSandbox.create({ type: 'docker', image: await benchImage(docker), runId: `bench-read-backs-${randomBytes(3).toString('hex')}` }, DockerEngines.fromEnvironment());
  } else {
    localRepo = await localRepository();
    sandbox = await LocalSandbox.create({ type: 'local', repoPath: localRepo, onWarning: () => undefined });
  }
  try {
    const prepare = what === 'report' ? 'truncate -s 1G /tmp/junit.xml' : "head -c 450000000 /dev/zero | tr '\\0' 'a' > /testbed/huge.txt";
    await sandbox.run(prepare, { timeoutMs: 300_000 });
    const before = rssBytes();
    const started = Date.now();
    let outcome: string;
    try {
      if (what === 'report') {
        const bytes = await sandbox.readFile('/tmp/junit.xml', caps === 'capped' ? RUNNER_REPORT_LIMITS : { maxBytes: UNCAPPED, timeoutMs: 600_000 });
        outcome = `read ${bytes.length} bytes`;
      } else {
        const patch = await sandbox.diff(caps === 'capped' ? {} : { maxBytes: UNCAPPED, timeoutMs: 600_000 });
        outcome = `read a ${patch.length}-character patch`;
      }
    } catch (error) {
      outcome = `${(error as Error).name}: ${(error as Error).message}`;
    }
    console.log(JSON.stringify({ scenario, beforeMiB: before / MIB, peakMiB: rssBytes() / MIB, seconds: (Date.now() - started) / 1000, outcome }));
  } finally {
    await sandbox.close();
    if (localRepo !== undefined) await rm(localRepo, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const scenario = process.argv[2] as Scenario | undefined;
  if (scenario !== undefined) return runScenario(scenario);
  const self = fileURLToPath(import.meta.url);
  console.log('| scenario | RSS before MiB | peak RSS MiB | growth MiB | read s | outcome |');
  console.log('|---|---|---|---|---|---|');
  for (const name of SCENARIOS) {
    if (name.startsWith('local') && findBubblewrap() === undefined) continue;
    const line = execFileSync(process.execPath, ['--import', 'tsx', self, name], { encoding: 'utf8', maxBuffer: 16 * MIB }).trim().split('\n').at(-1)!;
    const row = JSON.parse(line) as { scenario: string; beforeMiB: number; peakMiB: number; seconds: number; outcome: string };
    console.log(
      `| ${row.scenario} | ${row.beforeMiB.toFixed(0)} | ${row.peakMiB.toFixed(0)} | ${(row.peakMiB - row.beforeMiB).toFixed(0)} | ${row.seconds.toFixed(1)} | ${row.outcome.slice(0, 90)} |`,
    );
  }
}

await main();
