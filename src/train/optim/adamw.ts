/**
 * AdamW (Loshchilov & Hutter): Adam's moment estimates with weight decay applied to the weights
 * directly. Written here rather than taken from tf.train so its state is plain named tensors that
 * a checkpoint saves as safetensors and a resumed run loads back. Decay applies to matrices only,
 * not to norm weights. On the native backend each parameter's update is one fused kernel
 * (the same formula); elsewhere it is composed of core ops.
 */
import { fusedAdamStep } from '../backends/model-ops.js';
import { tf, type Tensor } from '../backends/tf.js';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWOptions = { beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.01 };

export class AdamW {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  /** Updates applied so far (Adam's t). */
  steps = 0;

  constructor(
    private readonly params: ReadonlyMap<string, tf.Variable>,
    readonly options: AdamWOptions = DEFAULT_ADAMW,
  ) {
    for (const [name, param] of params) {
      this.m.set(name, tf.variable(tf.zerosLike(param), false));
      this.v.set(name, tf.variable(tf.zerosLike(param), false));
    }
  }

  apply(grads: Readonly<Record<string, Tensor>>, learningRate: number): void {
    this.steps += 1;
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    const correction1 = 1 - beta1 ** this.steps;
    const correction2 = 1 - beta2 ** this.steps;
    const fused = fusedAdamStep();
    tf.tidy(() => {
      for (const [name, param] of this.params) {
        const grad = grads[name];
        if (!grad) continue;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        const decay = param.rank >= 2 ? weightDecay : 0;
        if (fused) {
          const [nextParam, nextM, nextV] = fused(param, grad, m, v, { lr: learningRate, beta1, beta2, epsilon, weightDecay: decay, step: this.steps });
          param.assign(nextParam);
          m.assign(nextM);
          v.assign(nextV);
          continue;
        }
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2)));
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), epsilon));
        param.assign(tf.sub(param, tf.mul(decay > 0 ? tf.add(update, tf.mul(param, decay)) : update, learningRate)));
      }
    });
  }

  /** The moments as named tensors (`m.<param>`, `v.<param>`), for a checkpoint. */
  namedState(): Map<string, Tensor> {
    const state = new Map<string, Tensor>();
    for (const [name, m] of this.m) state.set(`m.${name}`, m);
    for (const [name, v] of this.v) state.set(`v.${name}`, v);
    return state;
  }

  /** Restores the moments saved by `namedState`; `source` names the file in errors. */
  load(state: ReadonlyMap<string, Tensor>, steps: number, source: string): void {
    for (const [prefix, moments] of [['m', this.m], ['v', this.v]] as const) {
      for (const [name, variable] of moments) {
        const saved = state.get(`${prefix}.${name}`);
        if (!saved) throw new Error(`${source}: missing optimizer tensor "${prefix}.${name}"`);
        if (saved.shape.join(',') !== variable.shape.join(',')) throw new Error(`${source}: optimizer tensor "${prefix}.${name}" has shape [${saved.shape.join(', ')}], the model needs [${variable.shape.join(', ')}]`);
        variable.assign(saved);
      }
    }
    this.steps = steps;
  }

  dispose(): void {
    for (const variable of [...this.m.values(), ...this.v.values()]) variable.dispose();
  }
}
