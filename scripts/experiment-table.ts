/**
 * The table of experiments/srl-vs-baselines.yaml from its run folder, as Markdown: per arm the
 * held-out resolve rate and held-out SRL step reward (mean ± population std over the seeds that
 * finished, and the number of runs); with `--math`, of experiments/math-srl-vs-baselines.yaml: the
 * held-out greedy accuracy, Avg@k at temperature 1.0 and the greedy answers' format rate; the tokens each arm counted against its budget, its training
 * steps and its wall time (the base model's cost is shared and shown on its own line). It reads the
 * stage records (stage.json) and the trainers' metrics as they are, so it can be run while the
 * experiment is still going: arms not finished yet are counted as missing.
 *
 * With `--comparison SWE_RUN MATH_RUN`, one table of both settings' headline figures per arm beside
 * the paper's (arXiv 2510.25992).
 *
 *     npx tsx scripts/experiment-table.ts runs/srl-vs-baselines
 *     npx tsx scripts/experiment-table.ts --math runs/math-srl-vs-baselines
 *     npx tsx scripts/experiment-table.ts --comparison runs/srl-vs-baselines runs/math-srl-vs-baselines
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

const args = process.argv.slice(2);
const comparison = args.includes('--comparison');
const math = args.includes('--math');
const positional = args.filter((arg) => !arg.startsWith('--'));
const runDir = positional[0] ?? (math ? 'runs/math-srl-vs-baselines' : 'runs/srl-vs-baselines');
/** Each arm, with the paper's figures for it (SWE: oracle file edit resolve %; math: average accuracy %). */
const ARMS: Array<{ arm: string; stages: (seed: number) => string[]; paper: { swe?: number; math?: number } }> = [
  { arm: 'base (SFT on easy)', stages: () => ['base'], paper: { swe: 5.8, math: 24.6 } },
  { arm: 'SFT', stages: (s) => [`sft-s${s}`], paper: { swe: 8.4, math: 16.6 } },
  { arm: 'RLVR', stages: (s) => [`rlvr-s${s}`], paper: { math: 24.5 } },
  { arm: 'SRL', stages: (s) => [`srl-s${s}`], paper: { swe: 14.8, math: 27.6 } },
  { arm: 'SRL → RLVR', stages: (s) => [`srl-half-s${s}`, `srl-rlvr-s${s}`], paper: { math: 28.3 } },
  { arm: 'SFT → RLVR', stages: (s) => [`sft-half-s${s}`, `sft-rlvr-s${s}`], paper: { math: 17.4 } },
];
const SEEDS = [1, 2, 3];

function record(name: string, dir = runDir): StageRecord | undefined {
  const path = join(dir, name, 'stage.json');
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

/** Mean ± population std; math figures in percent, as the paper gives them. */
function stats(values: number[], percent = math): string {
  if (values.length === 0) return 'n/a';
  const scaled = percent ? values.map((v) => 100 * v) : values;
  const mean = scaled.reduce((a, b) => a + b, 0) / scaled.length;
  const std = Math.sqrt(scaled.reduce((a, b) => a + (b - mean) ** 2, 0) / scaled.length);
  const digits = percent ? 1 : 3;
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
}

/** An arm's finished runs in `dir`: per seed whose stages are all done, their names and records. */
function finishedRuns(dir: string, stages: (seed: number) => string[], seeds: number[]): Array<{ names: string[]; records: StageRecord[] }> {
  const runs: Array<{ names: string[]; records: StageRecord[] }> = [];
  for (const seed of seeds) {
    const names = stages(seed);
    const records = names.map((name) => record(name, dir));
    if (records.every((r): r is StageRecord => r?.status === 'done')) runs.push({ names, records });
  }
  return runs;
}

/** The values of one held-out figure (the last stage's summary field) over finished runs. */
function figureIn(runs: Array<{ records: StageRecord[] }>, field: string): number[] {
  return runs.map(({ records }) => records.at(-1)!.summary[field]).filter((value): value is number => typeof value === 'number');
}

function figureOf(dir: string, stages: (seed: number) => string[], seeds: number[], field: string): number[] {
  return figureIn(finishedRuns(dir, stages, seeds), field);
}

if (comparison) {
  const [sweDir, mathDir] = positional;
  if (!sweDir || !mathDir) throw new Error('--comparison takes two run folders: the SWE experiment\'s and the math experiment\'s');
  const paper = (value: number | undefined): string => (value === undefined ? '—' : value.toFixed(1));
  const lines = [
    '| arm | SWE: held-out resolve % | SWE: held-out SRL step reward | math: held-out greedy accuracy % | math: held-out Avg@4 % | paper SWE resolve % | paper math accuracy % |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { arm, stages, paper: figures } of ARMS) {
    const seeds = arm.startsWith('base') ? [0] : SEEDS;
    lines.push(
      `| ${arm} | ${stats(figureOf(sweDir, stages, seeds, 'heldout_resolve_rate'), true)} | ${stats(figureOf(sweDir, stages, seeds, 'heldout_step_reward'), false)} | ${stats(figureOf(mathDir, stages, seeds, 'heldout_math_greedy_accuracy'), true)} | ${stats(figureOf(mathDir, stages, seeds, 'heldout_math_avg_at_k'), true)} | ${paper(figures.swe)} | ${paper(figures.math)} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\nMean ± population std over seeds 1, 2, 3 (the base: one run). The paper's figures are Qwen2.5-7B-Instruct's: SWE on oracle file edit (it reports base, SFT and SRL), math averaged over AMC23, AIME24, AIME25 and Minerva.\n`);
  process.exit(0);
}

/** The held-out figures of the arm's last stage, by column. */
const FIGURES: Array<{ title: string; field: string }> = math
  ? [
      { title: 'held-out greedy accuracy %', field: 'heldout_math_greedy_accuracy' },
      { title: 'held-out Avg@4 % (T = 1.0)', field: 'heldout_math_avg_at_k' },
      { title: 'greedy format rate %', field: 'heldout_math_greedy_format_ok' },
    ]
  : [
      { title: 'held-out resolve rate', field: 'heldout_resolve_rate' },
      { title: 'held-out SRL step reward', field: 'heldout_step_reward' },
      { title: 'held-out well-formed share', field: 'heldout_format_ok' },
    ];
const rows: string[] = [
  `| arm | runs | ${FIGURES.map((f) => f.title).join(' | ')} | tokens (learned / sampled) | steps | wall time (min) | runs stopped early |`,
  `|---|---|${FIGURES.map(() => '---|').join('')}---|---|---|---|`,
];
for (const { arm, stages } of ARMS) {
  const seeds = arm.startsWith('base') ? [0] : SEEDS;
  const finished = finishedRuns(runDir, stages, seeds);
  const figures = FIGURES.map(({ field }) => figureIn(finished, field));
  const runs = finished.length;
  let tokens = 0;
  let steps = 0;
  let minutes = 0;
  let stalls = 0;
  for (const { names, records } of finished) {
    if (records.some((r) => r.summary.stalled)) stalls += 1;
    for (const [i, r] of records.entries()) {
      // A stage that stalled sampled tokens in steps it never finished: RLVR's summary counts them.
      tokens += r.type === 'sft' ? lastMetric(names[i]!, 'learned_tokens_total') : typeof r.summary.sampled_tokens === 'number' ? r.summary.sampled_tokens : lastMetric(names[i]!, 'sampled_tokens_total');
      steps += typeof r.summary.steps === 'number' ? r.summary.steps : 0;
      minutes += r.attempts.reduce((sum, a) => sum + (a.durationMs ?? 0), 0) / 60_000;
    }
  }
  const per = runs > 0 ? runs : 1;
  rows.push(`| ${arm} | ${runs} | ${figures.map((values) => stats(values)).join(' | ')} | ${Math.round(tokens / per)} | ${(steps / per).toFixed(1)} | ${(minutes / per).toFixed(1)} | ${stalls} of ${runs} |`);
}
const wellFormed = math
  ? '"greedy format rate": held-out greedy answers that are `<think>` + a solution (the rest score −1 as RLVR rewards)'
  : '"well-formed share": held-out step answers that are `<think>` + one action (the rest score −1)';
process.stdout.write(`${rows.join('\n')}\n\nPer run: tokens, steps and wall time are means over the runs of an arm (chained arms add both stages); ${wellFormed}; "runs stopped early": runs with a stage that ended because dynamic sampling dropped every group.\n`);
