// Training and sampling throughput of one Llama-layout transformer step on the native backend,
// tfjs-wasm, tfjs cpu and PyTorch (Debian's python3-torch on OpenBLAS), in one run, plus
// OpenBLAS's 1024² matmul peak and the native backend's per-kernel breakdown.
//
//   npx tsx scripts/bench-native.ts [--model default|tiny] [--batch 4] [--length 256]
//     [--sample-batch 8] [--prompt 64] [--new-tokens 32] [--budget 8] [--threads 1,2]
//     [--backends native,wasm,cpu,torch]
//
// Figures are the best step of each (fewest seconds): on a shared machine that is the least
// disturbed one. Each library runs at every thread count given and its best count is used.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';

import { fusedOps, loadNativeBackend, nativeGemm, nativeKernelTimer, nativeRuntimeInfo, type KernelTime } from '../src/train/backends/native/index.js';
import { loadAddon } from '../src/train/backends/native/addon.js';
import { FusedAdam } from '../src/train/backends/native/adam.js';
import { referenceOps } from '../src/train/backends/native/reference-ops.js';
import { ProbeModel, TINY_MODEL, TRAINER_DEFAULT_MODEL, seededRandom, type ProbeModelConfig } from '../src/train/backends/native/probe-model.js';

interface Options {
  model: ProbeModelConfig;
  modelName: string;
  batch: number;
  length: number;
  sampleBatch: number;
  prompt: number;
  newTokens: number;
  budgetSeconds: number;
  threads: number[];
  backends: string[];
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string, fallback: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1]! : fallback;
  };
  const positive = (flag: string, fallback: number) => {
    const parsed = Number(value(flag, String(fallback)));
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag}: expected a positive integer, got ${value(flag, '')}`);
    return parsed;
  };
  const modelName = value('--model', 'default');
  if (modelName !== 'default' && modelName !== 'tiny') throw new Error(`--model: expected default or tiny, got ${modelName}`);
  const backends = value('--backends', 'native,wasm,cpu,torch').split(',');
  for (const backend of backends) if (!['native', 'wasm', 'cpu', 'torch'].includes(backend)) throw new Error(`--backends: unknown backend ${backend}`);
  return {
    model: modelName === 'tiny' ? TINY_MODEL : TRAINER_DEFAULT_MODEL,
    modelName,
    batch: positive('--batch', 4),
    length: positive('--length', 256),
    sampleBatch: positive('--sample-batch', 8),
    prompt: positive('--prompt', 64),
    newTokens: positive('--new-tokens', 32),
    budgetSeconds: positive('--budget', 8),
    threads: value('--threads', '1,2').split(',').map(Number),
    backends,
  };
}

/** FLOPs of training on one token of a length-T sequence: forward, then two matmuls per matmul backward (as the trainer counts). */
function trainingFlopsPerToken(config: ProbeModelConfig, length: number): number {
  const d = config.hiddenSize;
  const matmulParams = config.layers * (4 * d * d + 3 * d * config.intermediateSize) + config.vocabSize * d;
  const forward = 2 * matmulParams * length + config.layers * 4 * length * length * d;
  return (3 * forward) / length;
}

/** Best of repeated runs: tokens / fewest seconds, after warmup runs. */
function bestRate(run: () => void, tokens: number, budgetSeconds: number, minRuns: number, warmup: number): { rate: number; runs: number } {
  for (let i = 0; i < warmup; i++) run();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < minRuns || (performance.now() - started) / 1000 < budgetSeconds) {
    const t0 = performance.now();
    run();
    times.push((performance.now() - t0) / 1000);
    if (times.length >= 50) break;
  }
  return { rate: tokens / Math.min(...times), runs: times.length };
}

interface Measured {
  training: number;
  sampling: number;
  detail: string;
  trainingKernels?: KernelTime[];
  samplingKernels?: KernelTime[];
}

function randomIds(count: number, vocab: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  return Int32Array.from({ length: count }, () => Math.floor(random() * vocab));
}

async function measureTfjs(backend: string, options: Options): Promise<Measured> {
  await tf.setBackend(backend);
  await tf.ready();
  const ops = fusedOps() ?? referenceOps;
  const { model: config, batch, length } = options;
  const model = ProbeModel.create(config, 1);
  // Adam through FusedOps.adamStep: one native pass per variable on the native backend, the
  // composed update (what tf.train.adam computes) on the others.
  const optimizer = new FusedAdam(ops, { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 });
  const trainIds = randomIds(batch * (length + 1), config.vocabSize, 2);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => model.loss(tf.tensor2d(trainIds, [batch, length + 1], 'int32'), ops));
    optimizer.apply(model.variables, grads);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  // The slow backends get one timed step with no warmup: a cpu step of the default model takes a minute.
  const slow = backend === 'cpu';
  const training = bestRate(step, batch * length, slow ? 0 : options.budgetSeconds, slow ? 1 : 2, slow ? 0 : 1);
  const promptIds = randomIds(options.sampleBatch * options.prompt, config.vocabSize, 3);
  const generate = () => {
    const prompt = tf.tensor2d(promptIds, [options.sampleBatch, options.prompt], 'int32');
    model.generate(prompt, options.newTokens, ops);
    prompt.dispose();
  };
  const sampling = bestRate(generate, options.sampleBatch * options.newTokens, slow ? 0 : options.budgetSeconds / 2, slow ? 1 : 2, slow ? 0 : 1);
  const measured: Measured = { training: training.rate, sampling: sampling.rate, detail: `${training.runs} training steps, ${sampling.runs} sampling runs` };
  if (backend === 'native') {
    // Each breakdown comes from a second run, so one-time costs (a new thread's first OpenBLAS
    // buffer) stay out of it.
    for (let run = 0; run < 2; run++) {
      nativeKernelTimer.start();
      step();
      measured.trainingKernels = nativeKernelTimer.report();
    }
    for (let run = 0; run < 2; run++) {
      nativeKernelTimer.start();
      generate();
      measured.samplingKernels = nativeKernelTimer.report();
    }
    nativeKernelTimer.stop();
  }
  optimizer.dispose();
  model.dispose();
  return measured;
}

const torchScript = fileURLToPath(new URL('bench-native.py', import.meta.url));
const systemPython = '/usr/bin/python3';

function torchAvailable(): string | undefined {
  const probe = spawnSync(systemPython, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  return probe.stdout.trim();
}

function measureTorch(options: Options, threads: number): Measured & { matmulGflops: number } {
  const spec = {
    threads,
    model: options.model,
    train: { batch: options.batch, length: options.length, budgetSeconds: options.budgetSeconds },
    sample: { batch: options.sampleBatch, promptLength: options.prompt, newTokens: options.newTokens, budgetSeconds: options.budgetSeconds / 2 },
  };
  const result = spawnSync(systemPython, [torchScript, JSON.stringify(spec)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
  });
  if (result.status !== 0) throw new Error(`PyTorch benchmark failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const parsed = JSON.parse(result.stdout.trim().split('\n').pop()!) as { trainingTokensPerSecond: number; samplingTokensPerSecond: number; matmulGflops: number; trainingRuns: number; samplingRuns: number };
  return {
    training: parsed.trainingTokensPerSecond,
    sampling: parsed.samplingTokensPerSecond,
    matmulGflops: parsed.matmulGflops,
    detail: `${parsed.trainingRuns} training steps, ${parsed.samplingRuns} sampling runs`,
  };
}

function blasPeak(): number {
  const n = 1024;
  const random = seededRandom(4);
  const a = Float32Array.from({ length: n * n }, () => random() - 0.5);
  const b = Float32Array.from({ length: n * n }, () => random() - 0.5);
  const out = new Float32Array(n * n);
  return bestRate(() => nativeGemm(a, b, out, n, n, n), 2 * n ** 3, 1, 5, 2).rate / 1e9;
}

type Best = Measured & { trainingThreads?: number; samplingThreads?: number };

/** Keeps each library's best training and best sampling figure over the thread counts tried. */
function keepBest(results: Map<string, Best>, name: string, measured: Measured, threads: number): void {
  const best = results.get(name);
  const merged: Best = { ...(best ?? measured) };
  if (!best || measured.training >= best.training) {
    merged.training = measured.training;
    merged.trainingThreads = threads;
    merged.trainingKernels = measured.trainingKernels ?? best?.trainingKernels;
  }
  if (!best || measured.sampling >= best.sampling) {
    merged.sampling = measured.sampling;
    merged.samplingThreads = threads;
    merged.samplingKernels = measured.samplingKernels ?? best?.samplingKernels;
  }
  results.set(name, merged);
}

function printKernels(title: string, kernels: KernelTime[] | undefined): void {
  if (!kernels || kernels.length === 0) return;
  const total = kernels.reduce((sum, k) => sum + k.ms, 0);
  console.log(`\n${title} (native kernels, ${total.toFixed(0)} ms in kernels)`);
  console.log(`  ${'kernel'.padEnd(26)} ${'ms'.padStart(8)} ${'share'.padStart(6)} ${'calls'.padStart(6)}`);
  for (const kernel of kernels.slice(0, 14)) {
    console.log(`  ${kernel.kernel.padEnd(26)} ${kernel.ms.toFixed(1).padStart(8)} ${((100 * kernel.ms) / total).toFixed(1).padStart(5)}% ${String(kernel.calls).padStart(6)}`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const { model } = options;
  console.log(
    `model: ${options.modelName} (vocab ${model.vocabSize}, width ${model.hiddenSize}, ${model.layers} layers, ${model.heads} heads, MLP ${model.intermediateSize}); ` +
      `training batch ${options.batch}×${options.length} tokens; sampling ${options.sampleBatch} sequences, prompt ${options.prompt}, ${options.newTokens} new tokens with the KV cache`,
  );
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start`);

  const results = new Map<string, Best>();
  const native = await loadNativeBackend();
  let peak: { gflops: number; threads: number } | undefined;
  if (options.backends.includes('native')) {
    if (!native.ok) {
      console.log(`native: not measured: ${native.reason}`);
    } else {
      const addon = loadAddon();
      console.log(`native: ${nativeRuntimeInfo()?.blasConfig}`);
      for (const threads of options.threads) {
        if (addon.ok) addon.addon.setThreads(threads, threads);
        const gflops = blasPeak();
        if (!peak || gflops > peak.gflops) peak = { gflops, threads };
        const measured = await measureTfjs('native', options);
        console.log(`  native, ${threads} thread(s): training ${measured.training.toFixed(1)} tokens/s, sampling ${measured.sampling.toFixed(1)} tokens/s, OpenBLAS 1024² ${gflops.toFixed(1)} GFLOP/s (${measured.detail})`);
        keepBest(results, 'native', measured, threads);
      }
      const cores = cpus().length;
      if (addon.ok) addon.addon.setThreads(cores, cores);
    }
  }
  for (const backend of ['wasm', 'cpu']) {
    if (!options.backends.includes(backend)) continue;
    if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    const measured = await measureTfjs(backend, options);
    console.log(`  ${backend}: training ${measured.training.toFixed(1)} tokens/s, sampling ${measured.sampling.toFixed(1)} tokens/s (${measured.detail})`);
    keepBest(results, backend, measured, 0);
  }
  let torchMatmul: number | undefined;
  if (options.backends.includes('torch')) {
    const version = torchAvailable();
    if (!version) {
      console.log(`PyTorch: not measured: ${systemPython} cannot import torch. Install Debian's build with OpenBLAS: apt-get install python3-torch libopenblas0-pthread`);
    } else {
      for (const threads of options.threads) {
        const measured = measureTorch(options, threads);
        console.log(`  PyTorch ${version}, ${threads} thread(s): training ${measured.training.toFixed(1)} tokens/s, sampling ${measured.sampling.toFixed(1)} tokens/s, 1024² matmul ${measured.matmulGflops.toFixed(1)} GFLOP/s (${measured.detail})`);
        keepBest(results, 'PyTorch', measured, threads);
        torchMatmul = Math.max(torchMatmul ?? 0, measured.matmulGflops);
      }
    }
  }

  printKernels('training step breakdown', results.get('native')?.trainingKernels);
  printKernels('sampling run breakdown', results.get('native')?.samplingKernels);

  const torch = results.get('PyTorch');
  const flopsPerToken = trainingFlopsPerToken(model, options.length);
  console.log('');
  if (peak) console.log(`OpenBLAS 1024² matmul peak: ${peak.gflops.toFixed(1)} GFLOP/s (${peak.threads} thread(s))${torchMatmul ? `; PyTorch's: ${torchMatmul.toFixed(1)}` : ''}`);
  for (const [kind, key] of [
    ['training', 'training'],
    ['sampling', 'sampling'],
  ] as const) {
    for (const [name, measured] of results) {
      if (name === 'PyTorch') continue;
      const ratio = torch ? `${(measured[key] / torch[key]).toFixed(2)}× PyTorch` : 'no PyTorch figure';
      const threads = name === 'native' ? (key === 'training' ? measured.trainingThreads : measured.samplingThreads) : undefined;
      console.log(`${kind} tokens/s: ${name} ${measured[key].toFixed(1)} = ${ratio}${threads ? ` (${threads} thread(s))` : ''}`);
    }
    if (torch) console.log(`${kind} tokens/s: PyTorch ${torch[key].toFixed(1)} (${key === 'training' ? torch.trainingThreads : torch.samplingThreads} thread(s))`);
  }
  for (const [name, measured] of results) {
    const gflops = (measured.training * flopsPerToken) / 1e9;
    const share = peak ? `, ${((100 * gflops) / peak.gflops).toFixed(0)}% of the OpenBLAS peak` : '';
    console.log(`training GFLOP/s: ${name} ${gflops.toFixed(1)}${share}`);
  }
}

await main();
