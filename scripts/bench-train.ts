/**
 * The trainer's throughput on every TensorFlow.js backend present, against PyTorch, with the same
 * model (one model folder, written once and loaded by every side) and the same batch shape, in one
 * run:
 *
 *   npx tsx scripts/bench-train.ts [--preset small|tiny] [--batch 4] [--seq 256] [--steps 2] [--new-tokens 32] [--backends wasm,cpu]
 *
 * For each backend: training tokens/s (forward, backward, clipping, AdamW), sampling tokens/s
 * with and without the KV cache, the FLOP/s those reach (from the model's matmul count), and the
 * peak resident memory of a process that runs only that backend. PyTorch (Debian's python3-torch
 * with libopenblas0-pthread) runs the same steps, and its 1024² matmul gives OpenBLAS's peak for
 * reference. Ratios are printed as `training tokens/s: <backend> <value> = <ratio>× PyTorch`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    steps: { type: 'string', default: '2' },
    'new-tokens': { type: 'string', default: '32' },
    backends: { type: 'string' },
    child: { type: 'string' },
    model: { type: 'string' },
  },
});
const batch = Number(values.batch);
const seq = Number(values.seq);
const steps = Number(values.steps);
const newTokens = Number(values['new-tokens']);

interface Figures {
  available: boolean;
  reason?: string;
  train_tokens_per_s?: number;
  sample_tokens_per_s_cache?: number;
  sample_tokens_per_s_no_cache?: number;
  peak_rss_mb?: number;
}

/** One backend, in a process of its own so its peak memory is its own. */
async function child(backend: BackendName, modelDir: string): Promise<Figures> {
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
  const { model } = await loadModelDir(modelDir);
  const rng = new Rng(0);
  const ids = Int32Array.from({ length: batch * seq }, () => rng.int(model.config.vocabSize));
  const optimizer = new AdamW(model.params, DEFAULT_ADAMW);
  const trainStep = (): void => {
    const { grads } = model.gradients(() => tf.tidy(() => tf.neg(tf.mean(nextTokenLogprobs(model, tf.tensor2d(ids, [batch, seq], 'int32')))) as TF.Scalar));
    clipByGlobalNorm(grads, 1);
    optimizer.apply(grads, 1e-4);
    for (const grad of Object.values(grads)) grad.dispose();
  };
  trainStep();
  let started = performance.now();
  for (let i = 0; i < steps; i += 1) trainStep();
  const trainSeconds = (performance.now() - started) / 1000 / steps;

  const prompt = Array.from(ids.subarray(0, seq - newTokens));
  const sampleSeconds = (useKvCache: boolean): number => {
    const options = { n: batch, maxNewTokens: newTokens, temperature: 1, topP: 1, stopTokenIds: [], useKvCache };
    // A short warm-up compiles the kernels without paying a whole uncached run twice.
    generate(model, prompt, { ...options, maxNewTokens: 2, rng: new Rng(1) });
    started = performance.now();
    generate(model, prompt, { ...options, rng: new Rng(2) });
    return (performance.now() - started) / 1000;
  };
  const cached = sampleSeconds(true);
  const uncached = sampleSeconds(false);
  return {
    available: true,
    train_tokens_per_s: (batch * seq) / trainSeconds,
    sample_tokens_per_s_cache: (batch * newTokens) / cached,
    sample_tokens_per_s_no_cache: (batch * newTokens) / uncached,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  };
}

if (values.child) {
  process.stdout.write(`${JSON.stringify(await child(values.child as BackendName, values.model!))}\n`);
  process.exit(0);
}

// The parent: write the model once, run each backend and PyTorch on it, print the comparison.
const preset = values.preset as ModelPreset;
if (!(preset in MODEL_PRESETS)) throw new Error(`--preset: ${preset} is not one of ${Object.keys(MODEL_PRESETS).join(', ')}`);
const { selectBackend } = await import('../src/train/backends/ladder.js');
await selectBackend('cpu');
const { tf } = await import('../src/train/backends/tf.js');
const { Transformer } = await import('../src/train/model/transformer.js');
const { Tokenizer } = await import('../src/train/tokenizer/tokenizer.js');
const { saveModelDir } = await import('../src/train/checkpoint/model-dir.js');
const vocabSize = preset === 'tiny' ? 512 : 4096;
const corpus = execFileSync('git', ['ls-files', 'src'], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.ts')).slice(0, 80).map((f) => execFileSync('cat', [f], { encoding: 'utf8' }));
const tokenizer = Tokenizer.train(corpus, vocabSize);
const config: ModelConfig = { ...MODEL_PRESETS[preset], vocabSize: tokenizer.size };
if (seq > config.contextLength) throw new Error(`--seq ${seq} is longer than the ${preset} model's context of ${config.contextLength}`);
const work = mkdtempSync(join(tmpdir(), 'swe-srl-bench-train-'));
const modelDir = join(work, 'model');
const model = Transformer.create(config, 0);
await saveModelDir(modelDir, model, tokenizer);
const checkIds = Array.from({ length: 16 }, (_, i) => (i * 37) % config.vocabSize);
const checkLogits = tf.tidy(() => Array.from(model.forward(tf.tensor2d([checkIds], undefined, 'int32')).logits.dataSync()));
writeFileSync(join(work, 'check.json'), JSON.stringify({ ids: checkIds, logits: checkLogits }));

const trainFlopsPerToken = (3 * forwardFlops(config, seq)) / seq;
// Sampling: a token costs one position of the forward pass with the cache, the whole sequence without.
const meanContext = seq - newTokens / 2;
const sampleFlopsCache = (forwardFlops(config, meanContext) - forwardFlops(config, meanContext - 1));
const sampleFlopsNoCache = forwardFlops(config, meanContext);

console.log(`model: ${preset} preset, ${(parameterCount(config) / 1e6).toFixed(2)}M parameters (${config.layers} layers, width ${config.hiddenSize}, ${config.heads} heads, vocabulary ${config.vocabSize})`);
console.log(`batch: ${batch} × ${seq} tokens for training (${steps} timed steps after one warm-up); sampling ${batch} × ${newTokens} new tokens after a ${seq - newTokens}-token prompt`);
console.log(`training costs ${(trainFlopsPerToken / 1e6).toFixed(1)} MFLOP per token (3 × forward matmuls, attention included)\n`);

const wanted = (values.backends?.split(',') ?? [...BACKEND_LADDER]) as BackendName[];
const results = new Map<string, Figures>();
for (const backend of wanted) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'bench-train.ts'), '--child', backend, '--model', modelDir, '--batch', String(batch), '--seq', String(seq), '--steps', String(steps), '--new-tokens', String(newTokens)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  let figures: Figures;
  try {
    figures = JSON.parse(line) as Figures;
  } catch {
    figures = { available: false, reason: run.signal ? `the run was stopped by ${run.signal}` : `the run failed: ${(run.stderr.trim().split('\n').pop() ?? '').slice(0, 200)}` };
  }
  results.set(backend, figures);
  console.log(figures.available ? `${backend}: measured` : `${backend}: not available (${figures.reason})`);
}

let torch: (Figures & { torch?: string; threads?: number; blas?: string[]; openblas?: boolean; check_max_logit_difference?: number; matmul_1024_gflops?: number }) | undefined;
if (!existsSync(PYTHON)) {
  console.log(`\nPyTorch: ${PYTHON} is missing (apt-get install python3-torch libopenblas0-pthread)`);
} else {
  const run = spawnSync(PYTHON, [join(here, 'bench-train.py'), modelDir, String(batch), String(seq), String(steps), String(newTokens), join(work, 'check.json')], { encoding: 'utf8', maxBuffer: 1 << 24 });
  try {
    torch = JSON.parse(run.stdout.trim().split('\n').pop() ?? '');
  } catch {
    console.log(`\nPyTorch: the reference failed: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  if (torch && !torch.available) {
    console.log(`\nPyTorch: ${torch.reason}`);
    torch = undefined;
  }
}
if (torch) {
  results.set('pytorch', torch);
  console.log(`\nPyTorch ${torch.torch}, ${torch.threads} threads, BLAS: ${torch.blas?.join(', ') || 'none mapped'}${torch.openblas ? '' : '  (NOT OpenBLAS: apt-get install libopenblas0-pthread; the reference BLAS is ~30× slower)'}`);
  console.log(`same model check: the largest logit difference between PyTorch and tfjs (cpu) is ${torch.check_max_logit_difference!.toExponential(2)}`);
  console.log(`OpenBLAS 1024² matmul peak (through torch): ${torch.matmul_1024_gflops!.toFixed(1)} GFLOP/s`);
}

const format = (value: number | undefined, digits = 0): string => (value === undefined ? 'n/a' : value.toFixed(digits));
console.log('\n| backend | training tok/s | training GFLOP/s | sampling tok/s (KV cache) | sampling tok/s (no cache) | cache speed-up | peak RSS MB |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, figures] of results) {
  if (!figures.available) continue;
  const trainGflops = (figures.train_tokens_per_s! * trainFlopsPerToken) / 1e9;
  console.log(`| ${name} | ${format(figures.train_tokens_per_s)} | ${format(trainGflops, 2)} | ${format(figures.sample_tokens_per_s_cache, 1)} | ${format(figures.sample_tokens_per_s_no_cache, 1)} | ${format(figures.sample_tokens_per_s_cache! / figures.sample_tokens_per_s_no_cache!, 1)}× | ${format(figures.peak_rss_mb)} |`);
}
console.log(`\n(sampling GFLOP/s: ${[...results].filter(([, f]) => f.available).map(([n, f]) => `${n} ${format((f.sample_tokens_per_s_cache! * sampleFlopsCache) / 1e9, 2)} with cache, ${format((f.sample_tokens_per_s_no_cache! * sampleFlopsNoCache) / 1e9, 2)} without`).join('; ')})\n`);
if (torch) {
  for (const [name, figures] of results) {
    if (!figures.available || name === 'pytorch') continue;
    console.log(`training tokens/s: ${name} ${format(figures.train_tokens_per_s)} = ${(figures.train_tokens_per_s! / torch.train_tokens_per_s!).toFixed(3)}× PyTorch`);
    console.log(`sampling tokens/s: ${name} ${format(figures.sample_tokens_per_s_cache, 1)} = ${(figures.sample_tokens_per_s_cache! / torch.sample_tokens_per_s_cache!).toFixed(3)}× PyTorch (KV cache)`);
    console.log(`matmul peak share: ${name} training reaches ${((100 * figures.train_tokens_per_s! * trainFlopsPerToken) / 1e9 / torch.matmul_1024_gflops!).toFixed(1)}% of OpenBLAS's 1024² matmul`);
  }
}
rmSync(work, { recursive: true, force: true });
