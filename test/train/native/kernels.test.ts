// Every native kernel against tfjs's cpu kernels (or, for the fused ones, the same op composed
// from core ops on the cpu backend), forward and gradient, over seeded random shapes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { fusedOps, nativeKernelNames, nativeLoad, nativeRequired, NATIVE_BACKEND } from './compare.js';
import { compareWithCpu, Random, skipReason, type Input } from './compare.js';
import { loadAddon } from '../../../src/train/backends/native/addon.js';

const random = new Random(20240601);

describe('native backend', { skip: skipReason }, () => {
  it('loads where the addon was built (CI builds it)', () => {
    assert.ok(nativeLoad.ok, nativeRequired && !nativeLoad.ok ? nativeLoad.reason : 'loaded');
  });

  describe('BatchMatMul', () => {
    it('matches cpu for 2-D products with every transpose combination', async () => {
      for (let trial = 0; trial < 8; trial++) {
        const [m, n, k] = [random.int(1, 40), random.int(1, 40), random.int(1, 40)];
        const transposeA = trial % 2 === 1;
        const transposeB = Math.floor(trial / 2) % 2 === 1;
        await compareWithCpu(`matMul ${m}x${k}·${k}x${n} tA=${transposeA} tB=${transposeB}`, (_, a, b) => tf.matMul(a!, b!, transposeA, transposeB), [
          random.floats(transposeA ? [k, m] : [m, k]),
          random.floats(transposeB ? [n, k] : [k, n]),
        ]);
      }
    });

    it('matches cpu for batched products, with transposes and one or two batch dimensions', async () => {
      for (let trial = 0; trial < 6; trial++) {
        const batch = trial < 3 ? [random.int(1, 4)] : [random.int(1, 3), random.int(1, 3)];
        const [m, n, k] = [random.int(1, 17), random.int(1, 17), random.int(1, 17)];
        const transposeA = random.int(0, 1) === 1;
        const transposeB = random.int(0, 1) === 1;
        await compareWithCpu(`batched matMul [${batch}] tA=${transposeA} tB=${transposeB}`, (_, a, b) => tf.matMul(a!, b!, transposeA, transposeB), [
          random.floats([...batch, ...(transposeA ? [k, m] : [m, k])]),
          random.floats([...batch, ...(transposeB ? [n, k] : [k, n])]),
        ]);
      }
    });

    it('broadcasts batch dimensions as NumPy does (forward; tfjs has no gradient for broadcast matMul)', async () => {
      // Against a reference that tiles first: tfjs's cpu kernel indexes broadcast batches modulo
      // their count, which is wrong for [2,3]·[2,1].
      await compareWithCpu(
        'matMul [2,3,4,5]·[2,1,5,6]',
        (_, a, b) => tf.matMul(a!, b!),
        [random.floats([2, 3, 4, 5]), random.floats([2, 1, 5, 6])],
        { gradients: false, reference: (_, a, b) => tf.matMul(a!, tf.tile(b!, [1, 3, 1, 1])) },
      );
      await compareWithCpu(
        'matMul [3,4,5]·[5,6] (a shared right matrix), transposed b',
        (_, a, b) => tf.matMul(a!, b!, false, true),
        [random.floats([3, 4, 5]), random.floats([6, 5])],
        { gradients: false },
      );
      await compareWithCpu(
        'matMul [1,4,5]ᵀ·[3,4,2]',
        (_, a, b) => tf.matMul(a!, b!, true, false),
        [random.floats([1, 4, 5]), random.floats([3, 4, 2])],
        { gradients: false },
      );
    });

    it('fuses bias and relu as tf.fused.matMul does', async () => {
      await compareWithCpu(
        'fused matMul + bias + relu',
        (_, a, b, bias) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeB: true, bias: bias!, activation: 'relu' }),
        [random.awayFromZero([7, 9]), random.awayFromZero([5, 9]), random.awayFromZero([5])],
      );
      await compareWithCpu(
        'fused matMul + bias',
        (_, a, b, bias) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: bias! }),
        [random.floats([3, 4]), random.floats([4, 6]), random.floats([6])],
      );
    });
  });

  describe('element-wise', () => {
    const shapePairs: [number[], number[]][] = [
      [[13], [13]],
      [[2, 3, 4], [4]],
      [[2, 3, 4], [3, 1]],
      [[2, 1, 4], [3, 1]],
      [[5, 6], []],
      [[1], [4, 5]],
      [[3, 1, 5, 1], [1, 4, 1, 2]],
    ];
    const binary: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, (shape: number[]) => Input, (shape: number[]) => Input][] = [
      ['add', tf.add, (s) => random.floats(s), (s) => random.floats(s)],
      ['sub', tf.sub, (s) => random.floats(s), (s) => random.floats(s)],
      ['mul', tf.mul, (s) => random.floats(s), (s) => random.floats(s)],
      ['div', tf.div, (s) => random.floats(s), (s) => random.awayFromZero(s)],
      ['maximum', tf.maximum, (s) => random.floats(s), (s) => random.floats(s)],
      ['minimum', tf.minimum, (s) => random.floats(s), (s) => random.floats(s)],
      ['squaredDifference', tf.squaredDifference, (s) => random.floats(s), (s) => random.floats(s)],
      ['pow', tf.pow, (s) => random.floats(s, 0.5, 2), (s) => random.floats(s, -2, 2)],
    ];
    for (const [name, op, left, right] of binary) {
      it(`${name} matches cpu, broadcasting, with gradients`, async () => {
        for (const [aShape, bShape] of shapePairs) {
          // tfjs's gradients of these three do not reduce over broadcast dimensions (on any backend).
          const gradients = !['squaredDifference', 'maximum', 'minimum'].includes(name) || aShape.join() === bShape.join();
          await compareWithCpu(`${name} [${aShape}] and [${bShape}]`, (_, a, b) => op(a!, b!), [left(aShape), right(bShape)], { gradients });
        }
      });
    }

    const unary: [string, (x: tf.Tensor) => tf.Tensor, (shape: number[]) => Input][] = [
      ['neg', tf.neg, (s) => random.floats(s)],
      ['exp', tf.exp, (s) => random.floats(s, -10, 10)],
      ['log', tf.log, (s) => random.floats(s, 0.1, 10)],
      ['sqrt', tf.sqrt, (s) => random.floats(s, 0.1, 10)],
      ['rsqrt', tf.rsqrt, (s) => random.floats(s, 0.1, 10)],
      ['square', tf.square, (s) => random.floats(s)],
      ['tanh', tf.tanh, (s) => random.floats(s, -6, 6)],
      ['sigmoid', tf.sigmoid, (s) => random.floats(s, -12, 12)],
      ['relu', tf.relu, (s) => random.awayFromZero(s)],
      ['abs', tf.abs, (s) => random.awayFromZero(s)],
      ['reciprocal', tf.reciprocal, (s) => random.awayFromZero(s)],
      ['erf', tf.erf, (s) => random.floats(s, -3, 3)],
      ['log1p', tf.log1p, (s) => random.floats(s, -0.9, 5)],
    ];
    for (const [name, op, make] of unary) {
      it(`${name} matches cpu, with its gradient`, async () => {
        await compareWithCpu(name, (_, x) => op(x!), [make([random.int(1, 5), random.int(1, 300)])]);
      });
    }

    it('addN sums its inputs as cpu does', async () => {
      const shape = [4, 7];
      await compareWithCpu('addN', (_, a, b, c) => tf.addN([a!, b!, c!]), [random.floats(shape), random.floats(shape), random.floats(shape)]);
    });

    it('leaves int32 arithmetic to the cpu kernels', async () => {
      await tf.setBackend(NATIVE_BACKEND);
      const sum = tf.add(tf.tensor([1, 2, 3], [3], 'int32'), tf.tensor([10], [1], 'int32'));
      assert.equal(sum.dtype, 'int32');
      assert.deepEqual(Array.from(await sum.data()), [11, 12, 13]);
      sum.dispose();
    });
  });

  describe('reductions', () => {
    const reductions: [string, (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor, boolean][] = [
      ['sum', (x, axes, keep) => tf.sum(x, axes, keep), true],
      ['mean', (x, axes, keep) => tf.mean(x, axes, keep), true],
      ['max', (x, axes, keep) => tf.max(x, axes, keep), true],
      ['min', (x, axes, keep) => tf.min(x, axes, keep), true],
      ['prod', (x, axes, keep) => tf.prod(x, axes, keep), false],
    ];
    const axesCases: [number[], number[]][] = [
      [[6, 7], [1]],
      [[6, 7], [0]],
      [[3, 4, 5], [0, 1]],
      [[3, 4, 5], [0, 2]],
      [[2, 3, 4, 5], [1, 3]],
      [[2, 3, 4, 5], [1, 2]],
      [[50, 300], [0]],
      [[4, 6], [0, 1]],
    ];
    for (const [name, op, withGradient] of reductions) {
      it(`${name} matches cpu over contiguous and scattered axes, kept or not`, async () => {
        for (const [shape, axes] of axesCases) {
          for (const keep of [false, true]) {
            const input = name === 'prod' ? random.floats(shape, 0.9, 1.1) : random.floats(shape);
            await compareWithCpu(`${name} [${shape}] over [${axes}] keepDims=${keep}`, (_, x) => op(x!, axes, keep), [input], { gradients: withGradient });
          }
        }
      });
    }
  });

  describe('layout and softmax', () => {
    it('transpose matches cpu for random permutations of rank 2 to 5', async () => {
      for (let rank = 2; rank <= 5; rank++) {
        for (let trial = 0; trial < 3; trial++) {
          const shape = Array.from({ length: rank }, () => random.int(1, 5));
          const perm = [...shape.keys()].sort(() => random.uniform() - 0.5);
          await compareWithCpu(`transpose [${shape}] by [${perm}]`, (_, x) => tf.transpose(x!, perm), [random.floats(shape)]);
        }
      }
    });

    it('tile matches cpu, forward and gradient, for random shapes and repetitions', async () => {
      for (let rank = 1; rank <= 4; rank++) {
        for (let trial = 0; trial < 3; trial++) {
          const shape = Array.from({ length: rank }, () => random.int(1, 4));
          const reps = Array.from({ length: rank }, () => random.int(1, 3));
          await compareWithCpu(`tile [${shape}] by [${reps}]`, (_, x) => tf.tile(x!, reps), [random.floats(shape)]);
        }
      }
      // The sampler's case: a KV cache [1, H, T, D] repeated across a group.
      await compareWithCpu('tile [1,2,5,3] by [4,1,1,1]', (_, x) => tf.tile(x!, [4, 1, 1, 1]), [random.floats([1, 2, 5, 3])]);
      await compareWithCpu('tile [2,3] by [1,1]', (_, x) => tf.tile(x!, [1, 1]), [random.floats([2, 3])]);
    });

    it('softmax and logSoftmax over the last axis match cpu', async () => {
      for (const shape of [[5], [3, 17], [2, 3, 300]]) {
        await compareWithCpu(`softmax [${shape}]`, (_, x) => tf.softmax(x!), [random.floats(shape, -8, 8)]);
        await compareWithCpu(`tf.logSoftmax [${shape}]`, (_, x) => tf.logSoftmax(x!), [random.floats(shape, -8, 8)]);
      }
    });
  });

  describe('fused ops against the same op composed of core ops', () => {
    it('rmsNorm and layerNorm, with gradients for x and the weights', async () => {
      for (const shape of [[4, 16], [2, 3, 64], [1, 256]]) {
        const width = shape[shape.length - 1]!;
        await compareWithCpu(`rmsNorm [${shape}]`, (ops, x, w) => ops.rmsNorm(x!, w!, 1e-5), [random.floats(shape), random.floats([width])]);
        await compareWithCpu(`layerNorm [${shape}]`, (ops, x, g, b) => ops.layerNorm(x!, g!, b!, 1e-5), [random.floats(shape), random.floats([width]), random.floats([width])]);
      }
    });

    it('GELU (tanh and erf forms) and SiLU', async () => {
      const input = () => random.floats([3, 257], -6, 6);
      await compareWithCpu('gelu tanh', (ops, x) => ops.gelu(x!), [input()]);
      await compareWithCpu('gelu erf', (ops, x) => ops.gelu(x!, 'none'), [input()]);
      await compareWithCpu('silu', (ops, x) => ops.silu(x!), [input()]);
    });

    it('logSoftmax', async () => {
      await compareWithCpu('fused logSoftmax', (ops, x) => ops.logSoftmax(x!), [random.floats([2, 5, 97], -10, 10)]);
    });

    it('causal attention in training shape, in a KV-cache step, and unmasked', async () => {
      const [batch, heads, depth] = [2, 3, 8];
      for (const [tq, tk] of [
        [7, 7],
        [1, 9],
        [3, 10],
      ] as const) {
        await compareWithCpu(`causal attention tq=${tq} tk=${tk}`, (ops, q, k, v) => ops.causalAttention(q!, k!, v!), [
          random.floats([batch, heads, tq, depth]),
          random.floats([batch, heads, tk, depth]),
          random.floats([batch, heads, tk, depth]),
        ]);
      }
      await compareWithCpu('attention without a mask, scale 0.3', (ops, q, k, v) => ops.attention(q!, k!, v!, { causal: false, scale: 0.3 }), [
        random.floats([2, 5, 4]),
        random.floats([2, 6, 4]),
        random.floats([2, 6, 3]),
      ]);
    });

    it('embedding rows and their gradient, repeated ids included', async () => {
      await compareWithCpu('embed', (ops, table, ids) => ops.embed(table!, ids!), [random.floats([11, 6]), random.ids([3, 8], 11)]);
    });

    it('one Adam(W) step: parameter and both moments', async () => {
      const shape = [37, 5];
      const options = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.1, step: 3 };
      await compareWithCpu(
        'adamStep',
        (ops, p, g, m, v) => tf.concat(ops.adamStep(p!, g!, m!, v!, options).map((t) => t.reshape([-1]))),
        [random.floats(shape), random.floats(shape), random.floats(shape, -0.1, 0.1), random.floats(shape, 0, 0.1)],
        { gradients: false },
      );
    });

    it('packed projections (linears), with gradients for the input and every weight', async () => {
      await compareWithCpu('linears, three weights', (ops, x, a, b, c) => ops.linears(x!, [a!, b!, c!]), [random.floats([2, 5, 12]), random.floats([12, 12]), random.floats([7, 12]), random.floats([3, 12])]);
      await compareWithCpu('linear', (ops, x, w) => ops.linear(x!, w!), [random.floats([9, 6]), random.floats([4, 6])]);
    });

    it('self-attention from packed projections: a training pass with its gradient, causal blocks longer than one block', async () => {
      for (const [batch, length, heads, depth] of [
        [2, 7, 3, 4],
        [1, 150, 2, 8],
      ] as const) {
        await compareWithCpu(
          `selfAttention B=${batch} T=${length} H=${heads} D=${depth}`,
          (ops, qkv) => ops.selfAttention(qkv!, { heads, offset: 0, theta: 10000 }).out,
          [random.floats([batch, length, 3 * heads * depth])],
          { tolerance: { absolute: 1e-4, relative: 1e-3 } },
        );
      }
    });

    it('self-attention over a KV cache: written in place when it has room, grown when it has not, as the composed ops give', async () => {
      const [batch, heads, depth, offset] = [2, 3, 4, 6];
      for (const [length, capacity] of [
        [1, 9], // a decoding step, in place
        [3, 9], // several positions, in place
        [2, 6], // no room: the cache grows
      ] as const) {
        // Positions past `offset` in the given cache are room, not data: the result must not depend on them.
        await compareWithCpu(
          `selfAttention with a cache, T=${length}, room for ${capacity}`,
          (ops, qkv, k, v) => {
            const { out, kv } = ops.selfAttention(qkv!, { heads, offset, theta: 500, past: { k: k!, v: v! } });
            const filled = (t: tf.Tensor) => tf.slice(t, [0, 0, 0, 0], [-1, -1, offset + length, -1]).reshape([-1]);
            return tf.concat([out.reshape([-1]), filled(kv.k), filled(kv.v)]);
          },
          [random.floats([batch, length, 3 * heads * depth]), random.floats([batch, heads, capacity, depth]), random.floats([batch, heads, capacity, depth])],
          { gradients: false, reference: (ops, qkv, k, v) => {
            const past = { k: tf.slice(k!, [0, 0, 0, 0], [-1, -1, offset, -1]), v: tf.slice(v!, [0, 0, 0, 0], [-1, -1, offset, -1]) };
            const { out, kv } = ops.selfAttention(qkv!, { heads, offset, theta: 500, past });
            return tf.concat([out.reshape([-1]), kv.k.reshape([-1]), kv.v.reshape([-1])]);
          } },
        );
      }
    });

    it('SwiGLU of packed gate and up projections, and the log-probability of given tokens, with gradients', async () => {
      await compareWithCpu('swiglu', (ops, x) => ops.swiglu(x!), [random.floats([3, 4, 18], -6, 6)]);
      await compareWithCpu('tokenLogprobs', (ops, logits, ids) => ops.tokenLogprobs(logits!, ids!), [random.floats([2, 5, 301], -10, 10), random.ids([2, 5], 301)]);
    });

    it('rotary positions at an offset, with the gradient', async () => {
      await compareWithCpu('rope offset 0', (ops, x) => ops.rope(x!, 0, 10000), [random.floats([2, 3, 5, 8])]);
      await compareWithCpu('rope offset 37', (ops, x) => ops.rope(x!, 37, 500), [random.floats([1, 2, 3, 16])]);
    });
  });

  describe('the addon', () => {
    it('refuses arrays whose length does not fit the shapes instead of touching memory past them', () => {
      const loaded = loadAddon();
      assert.ok(loaded.ok);
      const addon = loaded.addon;
      assert.throws(() => addon.gemm(new Float32Array(4), new Float32Array(4), new Float32Array(3), 1, 2, 2, 2, false, false, null, null), {
        name: 'TypeError',
        message: /gemm: argument 2 has 3 elements, expected 4/,
      });
      assert.throws(() => addon.gatherRows(new Float32Array(6), Int32Array.from([0, 3]), new Float32Array(6), 2, 3), /id 3 at position 1 is outside the table's 2 rows/);
      assert.throws(() => addon.unary(99, new Float32Array(1), new Float32Array(1)), /unknown operation code 99/);
    });

    it('lists the kernels it replaces, and fusedOps is only offered on the native backend', async () => {
      for (const kernel of ['BatchMatMul', 'Add', 'Sum', 'Softmax', 'Transpose', 'SweNativeAttention']) assert.ok(nativeKernelNames.includes(kernel), kernel);
      await tf.setBackend('cpu');
      assert.equal(fusedOps(), undefined);
      await tf.setBackend(NATIVE_BACKEND);
      assert.ok(fusedOps());
    });
  });
});
