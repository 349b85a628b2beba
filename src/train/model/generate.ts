/**
 * Sampling: n continuations of one prompt, decoded in lockstep as one batch. With the KV cache the
 * prompt is run once and each new token costs one position; without it every step recomputes the
 * whole sequence (kept for the benchmark and as a check on the cache). Temperature and top-p
 * (nucleus) filtering happen in JavaScript on each step's logits with a seeded generator, so a
 * seed gives the same samples on every backend up to float rounding.
 */
import { tf } from '../backends/tf.js';
import { disposeCache, type KvCache, type Transformer } from './transformer.js';
import { Rng } from './rng.js';

export interface GenerateOptions {
  n: number;
  maxNewTokens: number;
  /** 0 means greedy. */
  temperature: number;
  topP: number;
  /** Token ids that end a sample (kept as its last token, finish reason `stop`). */
  stopTokenIds: readonly number[];
  rng: Rng;
  useKvCache?: boolean;
  /** Called after each step with the tokens so far; returning true for a sample ends it (`stop`), e.g. on a stop string. */
  shouldStop?: (sample: number, tokens: readonly number[]) => boolean;
  signal?: AbortSignal;
}

export interface GeneratedSample {
  tokens: number[];
  /** log p(token) under the model itself (temperature 1, no top-p), per token. */
  logprobs: number[];
  finishReason: 'stop' | 'length';
}

function logSoftmaxRow(logits: Float32Array, offset: number, vocab: number, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < vocab; i += 1) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < vocab; i += 1) sum += Math.exp(logits[offset + i]! - max);
  const logSum = max + Math.log(sum);
  for (let i = 0; i < vocab; i += 1) out[i] = logits[offset + i]! - logSum;
}

/** Draws one token from model log-probabilities under temperature and top-p. */
export function sampleToken(logp: Float64Array, temperature: number, topP: number, rng: Rng): number {
  const vocab = logp.length;
  if (temperature <= 0) {
    let best = 0;
    for (let i = 1; i < vocab; i += 1) if (logp[i]! > logp[best]!) best = i;
    return best;
  }
  const probs = new Float64Array(vocab);
  let max = -Infinity;
  for (let i = 0; i < vocab; i += 1) max = Math.max(max, logp[i]! / temperature);
  let sum = 0;
  for (let i = 0; i < vocab; i += 1) {
    probs[i] = Math.exp(logp[i]! / temperature - max);
    sum += probs[i]!;
  }
  let candidates: number[];
  if (topP < 1) {
    const order = Array.from({ length: vocab }, (_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
    candidates = [];
    let mass = 0;
    for (const index of order) {
      candidates.push(index);
      mass += probs[index]! / sum;
      if (mass >= topP) break;
    }
  } else {
    candidates = Array.from({ length: vocab }, (_, i) => i);
  }
  let total = 0;
  for (const index of candidates) total += probs[index]!;
  let draw = rng.next() * total;
  for (const index of candidates) {
    draw -= probs[index]!;
    if (draw <= 0) return index;
  }
  return candidates[candidates.length - 1]!;
}

export function generate(model: Transformer, prompt: readonly number[], options: GenerateOptions): GeneratedSample[] {
  const { n, rng } = options;
  const vocab = model.config.vocabSize;
  const room = model.config.contextLength - prompt.length;
  const maxNew = Math.max(0, Math.min(options.maxNewTokens, room));
  const samples: GeneratedSample[] = Array.from({ length: n }, () => ({ tokens: [], logprobs: [], finishReason: 'length' as const }));
  const done = new Array<boolean>(n).fill(false);
  if (maxNew === 0 || n === 0) return samples;
  const stopIds = new Set(options.stopTokenIds);
  const useCache = options.useKvCache ?? true;
  const row = new Float64Array(vocab);

  let cache: KvCache | undefined;
  // Logits of the next token for every sample: [n, V] on the JS side.
  let nextLogits: Float32Array;
  if (useCache) {
    const prefill = tf.tidy(() => {
      // Room for every position the samples can reach, so a backend that writes its cache in
      // place never has to grow it.
      const { logits, cache: promptCache } = model.forward(tf.tensor2d([Array.from(prompt)], [1, prompt.length], 'int32'), undefined, {
        cacheCapacity: prompt.length + maxNew,
        lastPositionOnly: true,
      });
      const last = logits.reshape([1, vocab]);
      // One prompt, n samples: the cache is shared by tiling it along the batch.
      const tiled = promptCache.layers.map(({ k, v }) => ({ k: n === 1 ? k : tf.tile(k, [n, 1, 1, 1]), v: n === 1 ? v : tf.tile(v, [n, 1, 1, 1]) }));
      return { last: tf.tile(last, [n, 1]), layers: tiled };
    });
    cache = { layers: prefill.layers, length: prompt.length };
    nextLogits = prefill.last.dataSync() as Float32Array;
    prefill.last.dispose();
  } else {
    nextLogits = tf.tidy(() => {
      const { logits } = model.forward(tf.tensor2d([Array.from(prompt)], [1, prompt.length], 'int32'), undefined, { lastPositionOnly: true });
      return tf.tile(logits.reshape([1, vocab]), [n, 1]);
    }).dataSync() as Float32Array;
  }

  try {
    for (let step = 0; step < maxNew; step += 1) {
      options.signal?.throwIfAborted();
      const chosen = new Array<number>(n);
      for (let s = 0; s < n; s += 1) {
        logSoftmaxRow(nextLogits, s * vocab, vocab, row);
        // Finished samples keep decoding a filler token in the batch; it is never recorded.
        const token = done[s] ? (options.stopTokenIds[0] ?? 0) : sampleToken(row, options.temperature, options.topP, rng);
        chosen[s] = token;
        if (done[s]) continue;
        const sample = samples[s]!;
        sample.tokens.push(token);
        sample.logprobs.push(row[token]!);
        if (stopIds.has(token) || options.shouldStop?.(s, sample.tokens)) {
          sample.finishReason = 'stop';
          done[s] = true;
        }
      }
      if (done.every(Boolean) || step === maxNew - 1) break;
      if (useCache) {
        const previous = cache!;
        const stepOut = tf.tidy(() => {
          const { logits, cache: grown } = model.forward(tf.tensor2d(chosen, [n, 1], 'int32'), previous);
          return { logits: logits.reshape([n, vocab]), layers: grown.layers };
        });
        disposeCache(previous);
        cache = { layers: stepOut.layers, length: previous.length + 1 };
        nextLogits = stepOut.logits.dataSync() as Float32Array;
        stepOut.logits.dispose();
      } else {
        const length = prompt.length + step + 1;
        const ids = new Int32Array(n * length);
        for (let s = 0; s < n; s += 1) {
          ids.set(prompt, s * length);
          // A finished sample's row is padded with its filler tokens; its logits are ignored.
          const tokens = samples[s]!.tokens;
          for (let t = 0; t < step + 1; t += 1) ids[s * length + prompt.length + t] = tokens[t] ?? options.stopTokenIds[0] ?? 0;
        }
        nextLogits = tf.tidy(() => {
          const { logits } = model.forward(tf.tensor2d(ids, [n, length], 'int32'), undefined, { lastPositionOnly: true });
          return logits.reshape([n, vocab]);
        }).dataSync() as Float32Array;
      }
    }
  } finally {
    disposeCache(cache);
  }
  return samples;
}
