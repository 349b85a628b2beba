/**
 * The one TensorFlow.js instance the trainer uses. `@tensorflow/tfjs` is imported (not tfjs-core
 * alone) because its Node build registers every op's gradient on the core it shares with the
 * backends; tfjs-core's own ESM build cannot be imported by Node without a bundler.
 */
import * as tf from '@tensorflow/tfjs';

// Production mode silences tfjs's console banner suggesting tfjs-node whenever the cpu backend
// first runs: the backend ladder already says which backend runs and why.
tf.enableProdMode();

export { tf };
export type Tensor = tf.Tensor;
