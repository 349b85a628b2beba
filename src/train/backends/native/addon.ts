// Loads the compiled kernels (native/build/Release/swe_srl_native.node) and describes their
// functions. Every function works in place on the Float32Arrays it is given: inputs are read
// and outputs written through their backing stores, with nothing copied.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface NativeAddon {
  gemm(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    batch: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    aIndex: Int32Array | null,
    bIndex: Int32Array | null,
  ): void;
  binary(op: number, a: Float32Array, aShape: Int32Array, b: Float32Array, bShape: Int32Array, out: Float32Array, outShape: Int32Array): void;
  unary(op: number, x: Float32Array, out: Float32Array): void;
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, reduced: number, inner: number): void;
  transpose(x: Float32Array, shape: Int32Array, perm: Int32Array, out: Float32Array): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  layerNorm(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    rows: number,
    cols: number,
    epsilon: number,
  ): void;
  layerNormGrad(
    dy: Float32Array,
    x: Float32Array,
    gamma: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
    rows: number,
    cols: number,
  ): void;
  activation(kind: number, x: Float32Array, y: Float32Array): void;
  activationGrad(kind: number, x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  attention(
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    out: Float32Array,
    probs: Float32Array,
    heads: number,
    tq: number,
    tk: number,
    d: number,
    dv: number,
    scale: number,
    causal: boolean,
  ): void;
  attentionGrad(
    dout: Float32Array,
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    probs: Float32Array,
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
    heads: number,
    tq: number,
    tk: number,
    d: number,
    dvSize: number,
    scale: number,
  ): void;
  rmsNorm(x: Float32Array, weight: Float32Array, y: Float32Array, rrms: Float32Array, rows: number, cols: number, epsilon: number): void;
  rmsNormGrad(dy: Float32Array, x: Float32Array, weight: Float32Array, rrms: Float32Array, dx: Float32Array, dweight: Float32Array, rows: number, cols: number): void;
  logSoftmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  logSoftmaxGrad(dy: Float32Array, y: Float32Array, dx: Float32Array, rows: number, cols: number): void;
  gatherRows(table: Float32Array, ids: Int32Array, out: Float32Array, vocab: number, width: number): void;
  scatterAddRows(dy: Float32Array, ids: Int32Array, dtable: Float32Array, vocab: number, width: number): void;
  rope(x: Float32Array, out: Float32Array, rows: number, length: number, dim: number, offset: number, theta: number, inverse: boolean): void;
  adamStep(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    paramOut: Float32Array,
    mOut: Float32Array,
    vOut: Float32Array,
    lr: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    weightDecay: number,
    correction1: number,
    correction2: number,
  ): void;
  /** c = alpha·op(a)·op(b) + beta·c on row-major views (offset, leading dimension) into larger arrays. */
  gemmView(
    a: Float32Array,
    aOffset: number,
    lda: number,
    b: Float32Array,
    bOffset: number,
    ldb: number,
    c: Float32Array,
    cOffset: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    alpha: number,
    beta: number,
  ): void;
  selfAttention(
    qkv: Float32Array,
    q: Float32Array,
    keys: Float32Array,
    values: Float32Array,
    probs: Float32Array,
    out: Float32Array,
    batch: number,
    heads: number,
    length: number,
    depth: number,
    capacity: number,
    offset: number,
    theta: number,
    scale: number,
  ): void;
  selfAttentionGrad(
    dout: Float32Array,
    q: Float32Array,
    keys: Float32Array,
    values: Float32Array,
    probs: Float32Array,
    dqkv: Float32Array,
    batch: number,
    heads: number,
    length: number,
    depth: number,
    theta: number,
    scale: number,
  ): void;
  swiglu(x: Float32Array, y: Float32Array, rows: number, features: number): void;
  swigluGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, features: number): void;
  tokenLogprobs(logits: Float32Array, ids: Int32Array, out: Float32Array, logSums: Float32Array, vocab: number): void;
  tokenLogprobsGrad(dy: Float32Array, logits: Float32Array, ids: Int32Array, logSums: Float32Array, dlogits: Float32Array, vocab: number): void;
  info(): { blasThreads: number; poolThreads: number; blasConfig: string; blasCore: string };
  setThreads(blasThreads: number, poolThreads: number): void;
  /** Operation names in the order of their codes. */
  binaryOps: string[];
  unaryOps: string[];
  reduceOps: string[];
  activations: string[];
}

export type AddonLoad = { ok: true; addon: NativeAddon; path: string } | { ok: false; reason: string };

const buildDir = new URL('../../../../native/build/', import.meta.url);
export const addonPath = fileURLToPath(new URL('Release/swe_srl_native.node', buildDir));
const statusPath = fileURLToPath(new URL('status.json', buildDir));

/** Why the last install-time build did not produce the addon, as its status file says. */
function buildFailureReason(): string {
  try {
    const status = JSON.parse(readFileSync(statusPath, 'utf8')) as { ok?: boolean; reason?: string };
    if (status.ok === false && status.reason) return status.reason;
  } catch {
    // No status file: the install step never ran (npm ci --ignore-scripts, or a copied tree).
  }
  return 'the build step has not run (npm run build:native builds it)';
}

let cached: AddonLoad | undefined;

export function loadAddon(): AddonLoad {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  try {
    const addon = require(addonPath) as NativeAddon;
    cached = { ok: true, addon, path: addonPath };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    cached =
      code === 'MODULE_NOT_FOUND'
        ? { ok: false, reason: `native kernels not built: ${buildFailureReason()}` }
        : { ok: false, reason: `native kernels failed to load (${addonPath}): ${(error as Error).message}` };
  }
  return cached;
}

/** Maps an operation name to the code the addon uses for it, from the addon's own list. */
export function opCodes(names: readonly string[]): Map<string, number> {
  return new Map(names.map((name, code) => [name, code]));
}
