import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../src/train/backends/ladder.js';
import { tf } from '../../src/train/backends/tf.js';
import { grpoLoss, type GrpoLossSettings } from '../../src/train/srl/grpo-loss.js';

const settings: GrpoLossSettings = { clipLow: 0.2, clipHigh: 0.2, klCoef: 0, aggregation: 'token-mean' };

/** The loss and d loss / d logp for logp (as a variable), on [B, T] inputs. */
function lossAndGrad(logp: number[][], old: number[][], advantages: number[], mask: number[][], extra: Partial<GrpoLossSettings> = {}, ref?: number[][]): { loss: number; grad: number[][]; clipped: number } {
  const x = tf.tensor2d(logp);
  let clipped = 0;
  const f = (l: tf.Tensor): tf.Scalar => {
    const parts = grpoLoss(
      { logp: l, oldLogp: tf.tensor2d(old), advantages: tf.tensor1d(advantages), mask: tf.tensor2d(mask), normalizer: mask.flat().reduce((a, b) => a + b, 0), ...(ref ? { refLogp: tf.tensor2d(ref) } : {}) },
      { ...settings, ...extra },
    );
    clipped = parts.clippedTokens.dataSync()[0]!;
    return parts.loss;
  };
  const { value, grad } = tf.valueAndGrad(f)(x);
  return { loss: value.dataSync()[0]!, grad: grad.arraySync() as number[][], clipped };
}

describe('GRPO loss', () => {
  before(async () => {
    await selectBackend('cpu');
  });

  it('is minus the token-mean advantage on-policy, and pushes up tokens of positive advantage', () => {
    const logp = [[-1, -2, -3], [-1, -1, -1]];
    const { loss, grad } = lossAndGrad(logp, logp, [1, -1], [[1, 1, 0], [1, 1, 1]]);
    // (-(1 + 1) + (1 + 1 + 1)) / 5 tokens
    assert.ok(Math.abs(loss - 1 / 5) < 1e-6);
    assert.ok(grad[0]![0]! < 0 && grad[1]![0]! > 0, 'descending the loss raises positive-advantage tokens and lowers negative ones');
  });

  it('masks tokens out completely (observation tokens in RLVR)', () => {
    const logp = [[-1, -2, -3]];
    const { grad } = lossAndGrad(logp, logp, [2], [[1, 0, 1]]);
    assert.equal(Math.abs(grad[0]![1]!), 0);
  });

  it('clips the ratio: past 1 + clipHigh a positive advantage gives no more gradient', () => {
    const old = [[-2, -2]];
    const logp = [[-2 + Math.log(1.5), -2 + Math.log(1.1)]];
    const { grad, clipped } = lossAndGrad(logp, old, [1], [[1, 1]]);
    assert.equal(grad[0]![0], 0, 'ratio 1.5 > 1.2 is clipped');
    assert.ok(grad[0]![1]! < 0, 'ratio 1.1 is inside the range');
    assert.equal(clipped, 1);
  });

  it('adds a KL penalty that is zero at the reference and grows away from it', () => {
    const logp = [[-1, -1]];
    const same = lossAndGrad(logp, logp, [0], [[1, 1]], { klCoef: 0.5 }, logp);
    assert.ok(Math.abs(same.loss) < 1e-7);
    const away = lossAndGrad(logp, logp, [0], [[1, 1]], { klCoef: 0.5 }, [[-2, -2]]);
    assert.ok(away.loss > 0);
  });

  it('sequence-mean gives every response the same weight whatever its length', () => {
    const logp = [[-1, -1, -1, -1], [-1, 0, 0, 0]];
    const { loss } = lossAndGrad(logp, logp, [1, -1], [[1, 1, 1, 1], [1, 0, 0, 0]], { aggregation: 'sequence-mean' });
    // Normaliser is the token count (5) here; per-sequence means are -1 and +1.
    assert.ok(Math.abs(loss - 0) < 1e-6);
  });
});
