/**
 * What the tools add to an agent step, measured in one run on a Docker sandbox (the base image,
 * built if needed): a raw `sandbox.run('true')` against the same command through the bash tool
 * (blocklist, `bash -n` syntax check) plus the footer state, and the windowed tools (`open`, a
 * linted `edit`). Prints p50/p95 and the ratio to the raw round trip.
 *
 *     npx tsx scripts/bench-agent-tools.ts [iterations]
 */
import Docker from 'dockerode';
import { createSandbox } from '../src/sandbox/index.js';
import { ensureBaseImage } from '../src/sandbox/images/base-image.js';
import { ToolSession } from '../src/tools/tool-session.js';

const iterations = Number(process.argv[2] ?? 100);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(label: string, body: () => Promise<unknown>): Promise<{ label: string; p50: number; p95: number }> {
  for (let warm = 0; warm < 5; warm += 1) await body();
  const samples: number[] = [];
  for (let index = 0; index < iterations; index += 1) {
    const started = performance.now();
    await body();
    samples.push(performance.now() - started);
  }
  return { label, p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

const image = await ensureBaseImage(new Docker(), {});
const sandbox = await createSandbox({ type: 'docker', image: image.tag });
try {
  await sandbox.run('git init -q . && git -c user.email=b@b -c user.name=b commit -q --allow-empty -m base', { timeoutMs: 30_000 });
  const lines = Array.from({ length: 1000 }, (_, index) => `value_${index} = ${index}`).join('\n') + '\n';
  await sandbox.writeFile('/testbed/big.py', lines);
  const session = new ToolSession(sandbox, { bundles: ['bash', 'windowed', 'search', 'edit_range', 'submit'] });
  await session.execute({ tool: 'bash', args: { command: 'open big.py' } });
  let toggle = false;
  const results = [
    await time('sandbox.run("true") (raw session round trip)', () => sandbox.run('true')),
    await time('bash tool: true (blocklist + bash -n + run)', () => session.execute({ tool: 'bash', args: { command: 'true' } })),
    await time('bash tool: true + footer state (pwd)', async () => {
      await session.execute({ tool: 'bash', args: { command: 'true' } });
      await session.state();
    }),
    await time('open big.py 500 (1000-line file)', () => session.execute({ tool: 'bash', args: { command: 'open big.py 500' } })),
    await time('edit 500:500 with the Python lint gate', () => {
      toggle = !toggle;
      return session.execute({ tool: 'bash', args: { command: `edit 500:500\nvalue_499 = ${toggle ? 1 : 2}\nend_of_edit` } });
    }),
    await time('find_file big.py', () => session.execute({ tool: 'bash', args: { command: 'find_file big.py' } })),
  ];
  const raw = results[0]!.p50;
  console.log(`${iterations} iterations each, Docker sandbox on ${image.tag}`);
  console.log(`${'action'.padEnd(48)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'× raw p50'.padStart(10)}`);
  for (const result of results) {
    console.log(`${result.label.padEnd(48)} ${result.p50.toFixed(2).padStart(8)} ${result.p95.toFixed(2).padStart(8)} ${(result.p50 / raw).toFixed(1).padStart(10)}`);
  }
} finally {
  await sandbox.close();
}
