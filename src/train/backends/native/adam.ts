// Adam(W) over a set of variables through FusedOps.adamStep: one native pass per variable on the
// native backend (tfjs's own adam runs about a dozen kernels per variable), the composed form
// elsewhere. The trainer's AdamW can call adamStep the same way.
import * as tf from '@tensorflow/tfjs';

import type { AdamStepOptions, FusedOps } from './fused-ops.js';

export class FusedAdam {
  private readonly moments = new Map<tf.Variable, { m: tf.Tensor; v: tf.Tensor }>();
  private step = 0;

  constructor(
    private readonly ops: FusedOps,
    private readonly options: Omit<AdamStepOptions, 'step'> = { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 },
  ) {}

  /** Applies one update from gradients named as tf.variableGrads names them. */
  apply(variables: readonly tf.Variable[], grads: tf.NamedTensorMap): void {
    this.step++;
    for (const variable of variables) {
      const grad = grads[variable.name];
      if (!grad) continue;
      let state = this.moments.get(variable);
      if (!state) {
        state = { m: tf.keep(tf.zerosLike(variable)), v: tf.keep(tf.zerosLike(variable)) };
        this.moments.set(variable, state);
      }
      const [param, m, v] = this.ops.adamStep(variable, grad, state.m, state.v, { ...this.options, step: this.step });
      variable.assign(param);
      param.dispose();
      tf.dispose([state.m, state.v]);
      this.moments.set(variable, { m: tf.keep(m), v: tf.keep(v) });
    }
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}
