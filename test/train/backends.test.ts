import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, UnavailableError } from '../../src/errors.js';
import { BACKEND_ENV_VAR, BACKEND_LADDER, resolveBackendSetting, selectBackend } from '../../src/train/backends/ladder.js';
import { loadNativeBackend } from '../../src/train/backends/native/index.js';
import { tf } from '../../src/train/backends/tf.js';

describe('backend ladder', () => {
  it('takes the explicit setting over the environment variable, and the variable over auto', () => {
    assert.equal(resolveBackendSetting('cpu', { [BACKEND_ENV_VAR]: 'wasm' }), 'cpu');
    assert.equal(resolveBackendSetting(undefined, { [BACKEND_ENV_VAR]: 'wasm' }), 'wasm');
    assert.equal(resolveBackendSetting(undefined, {}), 'auto');
  });

  it('names where a bad backend setting came from', () => {
    assert.throws(() => resolveBackendSetting(undefined, { [BACKEND_ENV_VAR]: 'gpu' }), (error: unknown) => error instanceof InputError && /SWE_SRL_TRAIN_BACKEND: "gpu" is not one of auto, tfjs-node-gpu/.test(error.message));
    assert.throws(() => resolveBackendSetting('tpu', {}), /backend: "tpu"/);
  });

  it('reports every rung in order, with why the better ones were not taken', async () => {
    const selection = await selectBackend('auto');
    assert.deepEqual(selection.attempts.map((attempt) => attempt.backend), [...BACKEND_LADDER]);
    const chosen = selection.attempts.filter((attempt) => attempt.outcome === 'chosen');
    assert.equal(chosen.length, 1);
    assert.equal(chosen[0]!.backend, selection.backend);
    assert.equal(tf.getBackend(), selection.tfBackend);
    const index = BACKEND_LADDER.indexOf(selection.backend);
    for (const attempt of selection.attempts.slice(0, index)) {
      assert.equal(attempt.outcome, 'failed');
      assert.ok(attempt.reason.length > 10, `${attempt.backend} gives a reason`);
    }
    for (const attempt of selection.attempts.slice(index + 1)) assert.equal(attempt.outcome, 'not-tried');
    // Where libtensorflow cannot be downloaded (this project's machines), the native rung is taken
    // exactly when its addon loads; when it does not, its reason says it was not built.
    if (!selection.attempts.some((a) => a.backend.startsWith('tfjs-node') && a.outcome === 'chosen')) {
      const nativeAttempt = selection.attempts.find((a) => a.backend === 'native')!;
      if ((await loadNativeBackend()).ok) assert.equal(nativeAttempt.outcome, 'chosen');
      else assert.match(nativeAttempt.reason, /not built/);
    }
  });

  it('uses a forced backend, and refuses one that cannot load instead of falling back', async () => {
    const cpu = await selectBackend('cpu');
    assert.equal(cpu.backend, 'cpu');
    assert.equal(cpu.forced, true);
    assert.equal(tf.getBackend(), 'cpu');
    const native = await loadNativeBackend();
    if (!native.ok) await assert.rejects(selectBackend('native'), (error: unknown) => error instanceof UnavailableError && /backend native was asked for but cannot be used: not built/.test(error.message));
    assert.equal(tf.getBackend(), 'cpu');
  });
});
