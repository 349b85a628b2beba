/**
 * The table of experiments/srl-vs-baselines.yaml from its run folder, as Markdown: per arm the
 * held-out resolve rate and held-out SRL step reward (mean ± population std over the seeds that
 * finished, and the number of runs), the tokens each arm counted against its budget, its training
 * steps and its wall time (the base model's cost is shared and shown on its own line). It reads the
 * stage records (stage.json) and the trainers' metrics as they are, so it can be run while the
 * experiment is still going: arms not finished yet are counted as missing.
 *
 *     npx tsx scripts/experiment-table.ts runs/srl-vs-baselines
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface StageRecord {
  name: string;
  type: string;
  status: string;
  summary: Record<string, unknown>;
  attempts: Array<{ durationMs?: number }>;
}

const runDir = process.argv[2] ?? 'runs/srl-vs-baselines';
const ARMS: Array<{ arm: string; stages: (seed: number) => string[] }> = [
  { arm: 'base (SFT on easy)', stages: () => ['base'] },
  { arm: 'SFT', stages: (s) => [`sft-s${s}`] },
  { arm: 'RLVR', stages: (s) => [`rlvr-s${s}`] },
  { arm: 'SRL', stages: (s) => [`srl-s${s}`] },
  { arm: 'SRL → RLVR', stages: (s) => [`srl-half-s${s}`, `srl-rlvr-s${s}`] },
  { arm: 'SFT → RLVR', stages: (s) => [`sft-half-s${s}`, `sft-rlvr-s${s}`] },
];
const SEEDS = [1, 2, 3];

function record(name: string): StageRecord | undefined {
  const path = join(runDir, name, 'stage.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as StageRecord) : undefined;
}

/** The last value of a counter in a stage's metrics (the tokens it counted against its budget). */
function lastMetric(name: string, field: string): number {
  const path = join(runDir, name, 'metrics.jsonl');
  if (!existsSync(path)) return 0;
  let value = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as Record<string, unknown>;
    if (typeof m[field] === 'number') value = m[field] as number;
  }
  return value;
}

function stats(values: number[]): string {
  if (values.length === 0) return 'n/a';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return `${mean.toFixed(3)} ± ${std.toFixed(3)}`;
}

const rows: string[] = [
  '| arm | runs | held-out resolve rate | held-out SRL step reward | held-out well-formed share | tokens (learned / sampled) | steps | wall time (min) | runs stopped early |',
  '|---|---|---|---|---|---|---|---|---|',
];
for (const { arm, stages } of ARMS) {
  const seeds = arm.startsWith('base') ? [0] : SEEDS;
  const resolve: number[] = [];
  const stepReward: number[] = [];
  const formatOk: number[] = [];
  let tokens = 0;
  let steps = 0;
  let minutes = 0;
  let runs = 0;
  let stalls = 0;
  for (const seed of seeds) {
    const names = stages(seed);
    const records = names.map(record);
    if (records.some((r) => r?.status !== 'done')) continue;
    runs += 1;
    const last = records.at(-1)!;
    if (typeof last.summary.heldout_resolve_rate === 'number') resolve.push(last.summary.heldout_resolve_rate);
    if (typeof last.summary.heldout_step_reward === 'number') stepReward.push(last.summary.heldout_step_reward);
    if (typeof last.summary.heldout_format_ok === 'number') formatOk.push(last.summary.heldout_format_ok);
    if (records.some((r) => r!.summary.stalled)) stalls += 1;
    for (const [i, r] of records.entries()) {
      // A stage that stalled sampled tokens in steps it never finished: RLVR's summary counts them.
      tokens += r!.type === 'sft' ? lastMetric(names[i]!, 'learned_tokens_total') : typeof r!.summary.sampled_tokens === 'number' ? r!.summary.sampled_tokens : lastMetric(names[i]!, 'sampled_tokens_total');
      steps += typeof r!.summary.steps === 'number' ? r!.summary.steps : 0;
      minutes += r!.attempts.reduce((sum, a) => sum + (a.durationMs ?? 0), 0) / 60_000;
    }
  }
  const per = runs > 0 ? runs : 1;
  rows.push(`| ${arm} | ${runs} | ${stats(resolve)} | ${stats(stepReward)} | ${stats(formatOk)} | ${Math.round(tokens / per)} | ${(steps / per).toFixed(1)} | ${(minutes / per).toFixed(1)} | ${stalls} of ${runs} |`);
}
process.stdout.write(`${rows.join('\n')}\n\nPer run: tokens, steps and wall time are means over the runs of an arm (chained arms add both stages); "well-formed share": held-out step answers that are \`<think>\` + one action (the rest score −1); "runs stopped early": runs with a stage that ended because dynamic sampling dropped every group.\n`);
