/** Gradient clipping by global norm: all gradients scaled by one factor so their joint L2 norm is at most `maxNorm`. */
import { tf, type Tensor } from '../backends/tf.js';

export function globalNorm(grads: Readonly<Record<string, Tensor>>): number {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((grad) => tf.sum(tf.square(grad)));
    return Math.sqrt(squares.length === 0 ? 0 : tf.addN(squares).dataSync()[0]!);
  });
}

/** Scales the gradients in place of the originals (which are disposed) when their norm exceeds maxNorm; returns the norm before clipping. */
export function clipByGlobalNorm(grads: Record<string, Tensor>, maxNorm: number): number {
  const norm = globalNorm(grads);
  if (Number.isFinite(norm) && maxNorm > 0 && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (const [name, grad] of Object.entries(grads)) {
      grads[name] = tf.mul(grad, scale);
      grad.dispose();
    }
  }
  return norm;
}
