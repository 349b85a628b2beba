/**
 * The trainer's throughput on every TensorFlow.js backend present, the native CPU backend
 * included, against PyTorch, with the same model (one model folder, written once and loaded by
 * every side) and the same batch shapes, in one run:
 *
 *   npx tsx scripts/bench-train.ts [--preset small|tiny] [--batch 4] [--seq 256] [--steps 3]
 *     [--samples 8] [--prompt 224] [--new-tokens 32] [--sample-runs 2] [--rounds 3]
 *     [--threads 1,2] [--backends native,wasm,cpu,pytorch] [--no-cache-sampling] [--profile]
 *
 * Training is the trainer's own step (forward, backward, gradient clipping, AdamW) on
 * batch × seq tokens; sampling is the trainer's `generate`: `samples` continuations of one
 * `prompt`-token prompt at temperature 1 through the KV cache (the prompt's pass included), as
 * SRL samples a group. PyTorch (Debian's python3-torch on OpenBLAS) runs the same steps.
 *
 * The machine may be shared, so the native backend and PyTorch are measured in `rounds`
 * alternating rounds, at every thread count given: each figure is the median over rounds (with
 * the lowest and highest), each ratio the median of the rounds' ratios. The slow backends (wasm,
 * cpu) run once. `--profile` adds the native backend's per-kernel time breakdown (and tfjs's
 * per-kernel profile for the other backends), with the time spent outside kernels.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import { BACKEND_LADDER, type BackendName } from '../src/train/backends/backend-names.js';
import { MODEL_PRESETS, forwardFlops, parameterCount, type ModelConfig, type ModelPreset } from '../src/train/model/config.js';

const PYTHON = '/usr/bin/python3';
const here = fileURLToPath(new URL('.', import.meta.url));

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'small' },
    batch: { type: 'string', default: '4' },
    seq: { type: 'string', default: '256' },
    steps: { type: 'string', default: '3' },
    samples: { type: 'string', default: '8' },
    prompt: { type: 'string', default: '224' },
    'new-tokens': { type: 'string', default: '32' },
    'sample-runs': { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1,2' },
    backends: { type: 'string' },
    'no-cache-sampling': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    child: { type: 'string' },
    model: { type: 'string' },
  },
});

function positive(flag: string): number {
  const value = Number(values[flag as keyof typeof values]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag}: expected a positive integer, got ${String(values[flag as keyof typeof values])}`);
  return value;
}

const shape = {
  batch: positive('batch'),
  seq: positive('seq'),
  steps: positive('steps'),
  samples: positive('samples'),
  prompt: positive('prompt'),
  newTokens: positive('new-tokens'),
  sampleRuns: positive('sample-runs'),
};
type Shape = typeof shape;

interface KernelShare {
  kernel: string;
  ms: number;
  calls: number;
}

interface Figures {
  available: boolean;
  reason?: string;
  train_seconds?: number[];
  sample_seconds?: number[];
  prefill_seconds?: number[];
  no_cache_seconds?: number[];
  peak_rss_mb?: number;
  matmul_1024_gflops?: number;
  profile?: { training: KernelShare[]; trainingMs: number; sampling: KernelShare[]; samplingMs: number };
}

// ---------------------------------------------------------------- one backend, in its own process

async function child(backend: BackendName, modelDir: string, options: Shape & { noCache: boolean; profile: boolean }): Promise<Figures> {
  const { selectBackend } = await import('../src/train/backends/ladder.js');
  try {
    await selectBackend(backend);
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
  const { tf } = await import('../src/train/backends/tf.js');
  const { loadModelDir } = await import('../src/train/checkpoint/model-dir.js');
  const { nextTokenLogprobs } = await import('../src/train/model/logprobs.js');
  const { generate } = await import('../src/train/model/generate.js');
  const { Rng } = await import('../src/train/model/rng.js');
  const { AdamW, DEFAULT_ADAMW } = await import('../src/train/optim/adamw.js');
  const { clipByGlobalNorm } = await import('../src/train/optim/clip.js');
  const native = await import('../src/train/backends/native/index.js');
  const { model } = await loadModelDir(modelDir);
  const rng = new Rng(0);
  const ids = Int32Array.from({ length: options.batch * options.seq }, () => rng.int(model.config.vocabSize));
  const optimizer = new AdamW(model.params, DEFAULT_ADAMW);
  // The trainer's step (TrainingSession.update without its bookkeeping): loss, gradients, clipping, AdamW.
  const trainStep = (): void => {
    const { grads } = model.gradients(() => tf.tidy(() => tf.neg(tf.mean(nextTokenLogprobs(model, tf.tensor2d(ids, [options.batch, options.seq], 'int32')))) as TF.Scalar));
    clipByGlobalNorm(grads, 1);
    optimizer.apply(grads, 1e-4);
    for (const grad of Object.values(grads)) grad.dispose();
  };
  const timed = (run: () => void, count: number): number[] =>
    Array.from({ length: count }, () => {
      const started = performance.now();
      run();
      return (performance.now() - started) / 1000;
    });
  // The slow backends take minutes per step on the default model: one timed step, one sampling run.
  const slow = backend === 'cpu' || backend === 'wasm';
  trainStep();
  const trainSeconds = timed(trainStep, slow ? 1 : options.steps);

  const prompt = Array.from(ids.subarray(0, options.prompt));
  const sampling = (maxNewTokens: number, useKvCache = true) => () =>
    void generate(model, prompt, { n: options.samples, maxNewTokens, temperature: 1, topP: 1, stopTokenIds: [], useKvCache, rng: new Rng(maxNewTokens) });
  sampling(2)();
  const runs = slow ? 1 : options.sampleRuns;
  const figures: Figures = {
    available: true,
    train_seconds: trainSeconds,
    sample_seconds: timed(sampling(options.newTokens), runs),
    prefill_seconds: timed(sampling(1), runs),
    // Without the cache every new token reruns the whole sequence: an hour on wasm at the default shape, so the slow backends skip it.
    no_cache_seconds: options.noCache && !slow ? timed(sampling(options.newTokens, false), 1) : [],
  };
  if (options.profile) figures.profile = backend === 'native' ? nativeProfile(native.nativeKernelTimer, trainStep, sampling(options.newTokens)) : await tfjsProfile(tf, trainStep, sampling(options.newTokens));
  if (backend === 'native') {
    // OpenBLAS's peak as this process's addon reaches it, at its thread count.
    const n = 1024;
    const a = Float32Array.from({ length: n * n }, () => rng.next() - 0.5);
    const b = Float32Array.from({ length: n * n }, () => rng.next() - 0.5);
    const out = new Float32Array(n * n);
    native.nativeGemm(a, b, out, n, n, n);
    figures.matmul_1024_gflops = (2 * n ** 3) / Math.min(...timed(() => native.nativeGemm(a, b, out, n, n, n), 10)) / 1e9;
  }
  figures.peak_rss_mb = process.resourceUsage().maxRSS / 1024;
  return figures;
}

function nativeProfile(timer: { start(): void; report(): KernelShare[]; stop(): void }, trainStep: () => void, sample: () => void): Figures['profile'] {
  const measure = (run: () => void): { kernels: KernelShare[]; ms: number } => {
    timer.start();
    const started = performance.now();
    run();
    const ms = performance.now() - started;
    const kernels = timer.report();
    timer.stop();
    return { kernels, ms };
  };
  const training = measure(trainStep);
  const sampling = measure(sample);
  return { training: training.kernels, trainingMs: training.ms, sampling: sampling.kernels, samplingMs: sampling.ms };
}

/** tf.profile's per-kernel times, summed by kernel name (for the backends without our timer). */
async function tfjsProfile(tf: typeof TF, trainStep: () => void, sample: () => void): Promise<Figures['profile']> {
  const measure = async (run: () => void): Promise<{ kernels: KernelShare[]; ms: number }> => {
    const started = performance.now();
    const info = await tf.profile(run);
    const ms = performance.now() - started;
    const totals = new Map<string, KernelShare>();
    for (const kernel of info.kernels) {
      const entry = totals.get(kernel.name) ?? { kernel: kernel.name, ms: 0, calls: 0 };
      entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
      entry.calls += 1;
      totals.set(kernel.name, entry);
    }
    return { kernels: [...totals.values()].sort((a, b) => b.ms - a.ms), ms };
  };
  const training = await measure(trainStep);
  const sampling = await measure(sample);
  return { training: training.kernels, trainingMs: training.ms, sampling: sampling.kernels, samplingMs: sampling.ms };
}

if (values.child) {
  const figures = await child(values.child as BackendName, values.model!, { ...shape, noCache: values['no-cache-sampling']!, profile: values.profile! });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------- the parent: model, rounds, report

const preset = values.preset as ModelPreset;
if (!(preset in MODEL_PRESETS)) throw new Error(`--preset: ${preset} is not one of ${Object.keys(MODEL_PRESETS).join(', ')}`);
const threadCounts = values.threads!.split(',').map(Number);
if (threadCounts.some((t) => !Number.isInteger(t) || t < 1)) throw new Error(`--threads: expected positive integers, got ${values.threads}`);
const rounds = positive('rounds');
const known = [...BACKEND_LADDER, 'pytorch'];
// tfjs's pure-JavaScript cpu backend takes over 20 minutes for one step of the small model, so it
// runs on the small preset only when asked for.
const wanted = values.backends?.split(',') ?? known.filter((name) => name !== 'cpu' || preset !== 'small');
for (const name of wanted) if (!known.includes(name)) throw new Error(`--backends: ${name} is not one of ${known.join(', ')}`);
if (!wanted.includes('cpu') && values.backends === undefined) console.log('cpu: skipped on the small preset (over 20 minutes a step); --backends native,wasm,cpu,pytorch runs it');

const { selectBackend } = await import('../src/train/backends/ladder.js');
await selectBackend('cpu');
const { tf } = await import('../src/train/backends/tf.js');
const { Transformer } = await import('../src/train/model/transformer.js');
const { Tokenizer } = await import('../src/train/tokenizer/tokenizer.js');
const { saveModelDir } = await import('../src/train/checkpoint/model-dir.js');
const vocabSize = preset === 'tiny' ? 512 : 4096;
const corpus = execFileSync('git', ['ls-files', 'src'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f.endsWith('.ts'))
  .slice(0, 80)
  .map((f) => execFileSync('cat', [f], { encoding: 'utf8' }));
const tokenizer = Tokenizer.train(corpus, vocabSize);
const config: ModelConfig = { ...MODEL_PRESETS[preset], vocabSize: tokenizer.size };
if (shape.seq > config.contextLength) throw new Error(`--seq ${shape.seq} is longer than the ${preset} model's context of ${config.contextLength}`);
if (shape.prompt + shape.newTokens > config.contextLength) throw new Error(`--prompt + --new-tokens is longer than the ${preset} model's context of ${config.contextLength}`);
if (shape.prompt > shape.batch * shape.seq) throw new Error('--prompt is longer than the training ids it is cut from (--batch × --seq)');
const work = mkdtempSync(join(tmpdir(), 'swe-srl-bench-train-'));
const modelDir = join(work, 'model');
const model = Transformer.create(config, 0);
await saveModelDir(modelDir, model, tokenizer);
const checkIds = Array.from({ length: 16 }, (_, i) => (i * 37) % config.vocabSize);
const checkLogits = tf.tidy(() => Array.from(model.forward(tf.tensor2d([checkIds], undefined, 'int32')).logits.dataSync()));
writeFileSync(join(work, 'check.json'), JSON.stringify({ ids: checkIds, logits: checkLogits }));

// FLOPs as the model config counts them (every matmul, the attention's masked half included).
const trainFlopsPerToken = (3 * forwardFlops(config, shape.seq - 1)) / (shape.seq - 1);

console.log(`model: ${preset} preset, ${(parameterCount(config) / 1e6).toFixed(2)}M parameters (${config.layers} layers, width ${config.hiddenSize}, ${config.heads} heads, vocabulary ${config.vocabSize})`);
console.log(`training: ${shape.batch} × ${shape.seq} tokens per step, ${shape.steps} timed steps after a warm-up (${(trainFlopsPerToken / 1e6).toFixed(1)} MFLOP per token)`);
console.log(`sampling: ${shape.samples} samples × ${shape.newTokens} new tokens after one ${shape.prompt}-token prompt, temperature 1, KV cache (the prompt's pass included), ${shape.sampleRuns} runs`);
console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start; ${rounds} rounds at ${threadCounts.join(' and ')} thread(s)\n`);

function runChild(backend: string, threads: number, profile: boolean): Figures {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), SWE_SRL_NATIVE_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const args = ['--import', 'tsx', join(here, 'bench-train.ts'), '--child', backend, '--model', modelDir];
  for (const [flag, value] of Object.entries({ batch: shape.batch, seq: shape.seq, steps: shape.steps, samples: shape.samples, prompt: shape.prompt, 'new-tokens': shape.newTokens, 'sample-runs': shape.sampleRuns })) args.push(`--${flag}`, String(value));
  if (values['no-cache-sampling']) args.push('--no-cache-sampling');
  if (profile) args.push('--profile');
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, env });
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as Figures;
  } catch {
    return { available: false, reason: run.signal ? `the run was stopped by ${run.signal}` : `the run failed: ${(run.stderr.trim().split('\n').pop() ?? '').slice(0, 300)}` };
  }
}

interface TorchFigures extends Figures {
  version?: string;
  threads?: number;
  blas?: string[];
  openblas?: boolean;
  check_max_logit_difference?: number;
}

function runTorch(threads: number): TorchFigures {
  if (!existsSync(PYTHON)) return { available: false, reason: `${PYTHON} is missing (apt-get install python3-torch libopenblas0-pthread)` };
  const spec = {
    model_dir: modelDir,
    check: join(work, 'check.json'),
    threads,
    batch: shape.batch,
    seq: shape.seq,
    steps: shape.steps,
    samples: shape.samples,
    prompt: shape.prompt,
    new_tokens: shape.newTokens,
    sample_runs: shape.sampleRuns,
    no_cache: values['no-cache-sampling'],
  };
  const run = spawnSync(PYTHON, [join(here, 'bench-train.py'), JSON.stringify(spec)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
  });
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as TorchFigures;
  } catch {
    return { available: false, reason: `the reference failed: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  }
}

// Per library and thread count, the figures of every round.
const measured = new Map<string, Figures[]>();
const keyOf = (name: string, threads: number) => `${name}@${threads}`;
const record = (name: string, threads: number, figures: Figures) => {
  const list = measured.get(keyOf(name, threads)) ?? [];
  list.push(figures);
  measured.set(keyOf(name, threads), list);
};
const unavailable = new Map<string, string>();
let torchInfo: TorchFigures | undefined;

const paired = ['native', 'pytorch'].filter((name) => wanted.includes(name));
for (let round = 1; round <= rounds; round++) {
  for (const threads of threadCounts) {
    for (const name of paired) {
      if (unavailable.has(name)) continue;
      const figures = name === 'pytorch' ? runTorch(threads) : runChild(name, threads, values.profile! && round === rounds);
      if (!figures.available) {
        unavailable.set(name, figures.reason ?? 'not available');
        continue;
      }
      if (name === 'pytorch') torchInfo ??= figures as TorchFigures;
      record(name, threads, figures);
      const train = median(figures.train_seconds!);
      const sample = median(figures.sample_seconds!);
      console.log(`round ${round}, ${threads} thread(s): ${name.padEnd(7)} training ${format((shape.batch * shape.seq) / train)} tok/s, sampling ${format((shape.samples * shape.newTokens) / sample, 1)} tok/s (load ${loadavg()[0]!.toFixed(1)})`);
    }
  }
}
// The other backends, once each (tfjs-node and tfjs-node-gpu only where their libtensorflow installed).
for (const name of wanted.filter((n) => !paired.includes(n))) {
  const figures = runChild(name, Math.max(...threadCounts), values.profile!);
  if (!figures.available) unavailable.set(name, figures.reason ?? 'not available');
  else {
    record(name, 1, figures);
    console.log(`${name}: measured once (load ${loadavg()[0]!.toFixed(1)})`);
  }
}
for (const [name, reason] of unavailable) console.log(`${name}: not available (${reason})`);

// ---------------------------------------------------------------- statistics and the report

function median(list: readonly number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function format(value: number | undefined, digits = 0): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

/** Each round's rate (the round's median step), then their median and range. */
function rates(list: readonly Figures[], key: 'train_seconds' | 'sample_seconds' | 'prefill_seconds' | 'no_cache_seconds', tokens: number): { perRound: number[]; median: number; low: number; high: number } | undefined {
  const perRound = list.filter((f) => (f[key]?.length ?? 0) > 0).map((f) => tokens / median(f[key]!));
  if (perRound.length === 0) return undefined;
  return { perRound, median: median(perRound), low: Math.min(...perRound), high: Math.max(...perRound) };
}

const trainTokens = shape.batch * shape.seq;
const sampleTokens = shape.samples * shape.newTokens;
const spread = (r: ReturnType<typeof rates>, digits = 0) => (r ? `${format(r.median, digits)} (${format(r.low, digits)}–${format(r.high, digits)})` : 'n/a');

if (torchInfo) {
  console.log(`\nPyTorch ${torchInfo.version}, BLAS: ${torchInfo.blas?.join(', ') || 'none mapped'}${torchInfo.openblas ? '' : '  (NOT OpenBLAS: apt-get install libopenblas0-pthread; the reference BLAS is ~30× slower)'}`);
  console.log(`same model check: the largest logit difference between PyTorch and tfjs (cpu) is ${torchInfo.check_max_logit_difference!.toExponential(2)}`);
}

console.log('\nmedian over rounds (lowest–highest):');
console.log('| backend | threads | training tok/s | training GFLOP/s | sampling tok/s, KV cache | prompt pass s | no cache tok/s | OpenBLAS 1024² GFLOP/s | peak RSS MB |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [key, list] of measured) {
  const [name, threads] = key.split('@') as [string, string];
  const train = rates(list, 'train_seconds', trainTokens);
  const sample = rates(list, 'sample_seconds', sampleTokens);
  const prefill = list.map((f) => median(f.prefill_seconds ?? [])).filter(Number.isFinite);
  const noCache = rates(list, 'no_cache_seconds', sampleTokens);
  const peak = list.map((f) => f.matmul_1024_gflops).filter((v): v is number => v !== undefined);
  console.log(
    `| ${name} | ${name === 'native' || name === 'pytorch' ? threads : 1} | ${spread(train)} | ${format(train ? (train.median * trainFlopsPerToken) / 1e9 : undefined, 2)} | ${spread(sample, 1)} | ${format(prefill.length ? median(prefill) : undefined, 3)} | ${spread(noCache, 1)} | ${format(peak.length ? median(peak) : undefined, 1)} | ${format(Math.max(...list.map((f) => f.peak_rss_mb ?? 0)))} |`,
  );
}

/** The thread count whose median is best, for a library. */
function bestThreads(name: string, key: 'train_seconds' | 'sample_seconds', tokens: number): number | undefined {
  let best: { threads: number; rate: number } | undefined;
  for (const threads of threadCounts) {
    const r = rates(measured.get(keyOf(name, threads)) ?? [], key, tokens);
    if (r && (!best || r.median > best.rate)) best = { threads, rate: r.median };
  }
  return best?.threads;
}

const torchPeak = Math.max(0, ...[...measured].filter(([key]) => key.startsWith('pytorch@')).flatMap(([, list]) => list.map((f) => f.matmul_1024_gflops ?? 0)));
const nativePeak = Math.max(0, ...[...measured].filter(([key]) => key.startsWith('native@')).flatMap(([, list]) => list.map((f) => f.matmul_1024_gflops ?? 0)));
const peak = Math.max(torchPeak, nativePeak);
console.log('');
if (peak > 0) console.log(`OpenBLAS 1024² matmul peak: ${peak.toFixed(1)} GFLOP/s (the best of the run${nativePeak ? `; native addon ${nativePeak.toFixed(1)}` : ''}${torchPeak ? `, through torch ${torchPeak.toFixed(1)}` : ''})`);

for (const [kind, key, tokens] of [
  ['training', 'train_seconds', trainTokens],
  ['sampling', 'sample_seconds', sampleTokens],
] as const) {
  const torchThreads = bestThreads('pytorch', key, tokens);
  const torchList = torchThreads === undefined ? [] : measured.get(keyOf('pytorch', torchThreads))!;
  const torch = rates(torchList, key, tokens);
  for (const name of [...BACKEND_LADDER]) {
    const threads = name === 'native' ? bestThreads(name, key, tokens) : 1;
    const list = threads === undefined ? undefined : measured.get(keyOf(name, threads));
    if (!list) continue;
    const mine = rates(list, key, tokens)!;
    const suffix = kind === 'sampling' ? ' (KV cache)' : '';
    if (!torch) {
      console.log(`${kind} tokens/s: ${name} ${format(mine.median, 1)} (no PyTorch figure)${suffix}`);
      continue;
    }
    // Rounds pair the two libraries in time, so the ratio is taken round by round where both ran.
    const paired = mine.perRound.length === torch.perRound.length && name === 'native';
    const ratios = paired ? mine.perRound.map((rate, i) => rate / torch.perRound[i]!) : [mine.median / torch.median];
    const range = ratios.length > 1 ? ` (rounds ${format(Math.min(...ratios), 2)}–${format(Math.max(...ratios), 2)})` : '';
    console.log(`${kind} tokens/s: ${name} ${format(mine.median, 1)} = ${median(ratios).toFixed(2)}× PyTorch${suffix}${range}; ${name === 'native' ? `${threads} thread(s), ` : ''}PyTorch ${format(torch.median, 1)} at ${torchThreads} thread(s)`);
  }
}
for (const name of BACKEND_LADDER) {
  const threads = name === 'native' ? bestThreads(name, 'train_seconds', trainTokens) : 1;
  const r = threads === undefined ? undefined : rates(measured.get(keyOf(name, threads)) ?? [], 'train_seconds', trainTokens);
  if (!r || peak === 0) continue;
  const gflops = (r.median * trainFlopsPerToken) / 1e9;
  console.log(`matmul peak share: ${name} training reaches ${gflops.toFixed(1)} GFLOP/s = ${((100 * gflops) / peak).toFixed(1)}% of OpenBLAS's 1024² matmul peak`);
}
const torchTrainThreads = bestThreads('pytorch', 'train_seconds', trainTokens);
if (torchTrainThreads !== undefined && peak > 0) {
  const gflops = (rates(measured.get(keyOf('pytorch', torchTrainThreads))!, 'train_seconds', trainTokens)!.median * trainFlopsPerToken) / 1e9;
  console.log(`matmul peak share: pytorch training reaches ${gflops.toFixed(1)} GFLOP/s = ${((100 * gflops) / peak).toFixed(1)}%`);
}

if (values.profile) {
  for (const [key, list] of measured) {
    const profile = list.find((f) => f.profile)?.profile;
    if (!profile) continue;
    for (const [what, kernels, ms] of [
      ['training step', profile.training, profile.trainingMs],
      ['sampling run', profile.sampling, profile.samplingMs],
    ] as const) {
      const inKernels = kernels.reduce((sum, k) => sum + k.ms, 0);
      console.log(`\n${key.split('@')[0]} ${what}: ${ms.toFixed(0)} ms, ${inKernels.toFixed(0)} ms in ${kernels.reduce((sum, k) => sum + k.calls, 0)} kernel calls, ${(ms - inKernels).toFixed(0)} ms outside kernels (tfjs's engine, JavaScript)`);
      console.log(`  ${'kernel'.padEnd(28)} ${'ms'.padStart(8)} ${'share'.padStart(6)} ${'calls'.padStart(6)}`);
      for (const kernel of kernels.slice(0, 16)) {
        console.log(`  ${kernel.kernel.padEnd(28)} ${kernel.ms.toFixed(1).padStart(8)} ${((100 * kernel.ms) / ms).toFixed(1).padStart(5)}% ${String(kernel.calls).padStart(6)}`);
      }
    }
  }
}
rmSync(work, { recursive: true, force: true });
