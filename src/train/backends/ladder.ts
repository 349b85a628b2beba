/**
 * The backend ladder: the best TensorFlow.js backend present, in this order,
 *
 *   1. tfjs-node-gpu  (`@tensorflow/tfjs-node-gpu`: libtensorflow with CUDA, an optional dependency)
 *   2. tfjs-node      (`@tensorflow/tfjs-node`: libtensorflow on the CPU)
 *   3. native         (our own kernels on OpenBLAS, src/train/backends/native; built by npm ci
 *                     where a compiler and OpenBLAS are present, so the default wherever it builds)
 *   4. wasm           (`@tensorflow/tfjs-backend-wasm`: SIMD, but no threads in Node)
 *   5. cpu            (tfjs's pure-JavaScript kernels, always there)
 *
 * Each rung says why it was not taken, so a slow run can be explained. A setting (`backend` in the
 * training config, else `SWE_SRL_TRAIN_BACKEND`) forces one; a forced backend that cannot load is
 * an error, never a silent fallback.
 */
import { UnavailableError, InputError } from '../../errors.js';
import { BACKEND_ENV_VAR, BACKEND_LADDER, BACKEND_SETTINGS, type BackendAttempt, type BackendName, type BackendSelection, type BackendSetting } from './backend-names.js';
import { loadNativeBackend, nativeRuntimeInfo } from './native/index.js';
import { tf } from './tf.js';

export { BACKEND_LADDER, BACKEND_SETTINGS, BACKEND_ENV_VAR, describeSelection, selectionSummary, type BackendName, type BackendSetting, type BackendAttempt, type BackendSelection } from './backend-names.js';

type Load = { ok: true; tfBackend: string; note: string } | { ok: false; reason: string };

function moduleMissing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0]!.slice(0, 200);
}

async function activate(name: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** tfjs-node(-gpu) registers the `tensorflow` backend on import; the gpu build only differs by its library. */
async function loadTensorflowBinding(specifier: string, wantGpu: boolean): Promise<Load> {
  try {
    await import(specifier);
  } catch (error) {
    if (moduleMissing(error)) {
      return { ok: false, reason: `${specifier} is not installed (its install downloads libtensorflow${wantGpu ? ' for CUDA' : ''}; where that fails npm skips it)` };
    }
    return { ok: false, reason: `${specifier} is installed but did not load: ${firstLine(error)}` };
  }
  if (!(await activate('tensorflow'))) return { ok: false, reason: `${specifier} loaded but its tensorflow backend did not initialise` };
  return { ok: true, tfBackend: 'tensorflow', note: `${specifier} (libtensorflow)` };
}

async function loadRung(backend: BackendName): Promise<Load> {
  switch (backend) {
    case 'tfjs-node-gpu':
      return loadTensorflowBinding('@tensorflow/tfjs-node-gpu', true);
    case 'tfjs-node':
      return loadTensorflowBinding('@tensorflow/tfjs-node', false);
    case 'native': {
      const native = await loadNativeBackend();
      if (!native.ok) return { ok: false, reason: native.reason };
      if (!(await activate(native.name))) return { ok: false, reason: `the native backend "${native.name}" loaded but did not initialise` };
      const info = nativeRuntimeInfo();
      return { ok: true, tfBackend: native.name, note: `native kernels on OpenBLAS${info ? ` (${info.blasCore}, ${info.blasThreads} BLAS threads)` : ''}` };
    }
    case 'wasm': {
      try {
        await import('@tensorflow/tfjs-backend-wasm');
      } catch (error) {
        return { ok: false, reason: `@tensorflow/tfjs-backend-wasm did not load: ${firstLine(error)}` };
      }
      if (!(await activate('wasm'))) return { ok: false, reason: 'the wasm backend did not initialise (its .wasm files could not be read?)' };
      return { ok: true, tfBackend: 'wasm', note: 'WebAssembly with SIMD, single-threaded in Node' };
    }
    case 'cpu':
      if (!(await activate('cpu'))) return { ok: false, reason: 'the cpu backend did not initialise' };
      return { ok: true, tfBackend: 'cpu', note: 'pure-JavaScript kernels' };
  }
}

/** The setting in force: the explicit one, else the environment variable, else `auto`; a bad value names where it came from. */
export function resolveBackendSetting(explicit?: string, env: NodeJS.ProcessEnv = process.env): BackendSetting {
  const fromEnv = env[BACKEND_ENV_VAR];
  const [value, source] = explicit !== undefined ? [explicit, 'backend'] : fromEnv !== undefined && fromEnv !== '' ? [fromEnv, BACKEND_ENV_VAR] : ['auto', 'default'];
  const found = BACKEND_SETTINGS.find((setting) => setting === value);
  if (!found) throw new InputError(`${source}: "${value}" is not one of ${BACKEND_SETTINGS.join(', ')}`);
  return found;
}

/** Loads the best backend present (or the forced one) and makes it TensorFlow.js's current backend. */
export async function selectBackend(setting: BackendSetting = resolveBackendSetting()): Promise<BackendSelection> {
  const attempts: BackendAttempt[] = [];
  if (setting !== 'auto') {
    const load = await loadRung(setting);
    if (!load.ok) throw new UnavailableError(`backend ${setting} was asked for but cannot be used: ${load.reason}`);
    for (const backend of BACKEND_LADDER) {
      attempts.push(backend === setting ? { backend, outcome: 'chosen', reason: `forced; ${load.note}` } : { backend, outcome: 'not-tried', reason: `${setting} was forced` });
    }
    return { backend: setting, tfBackend: load.tfBackend, forced: true, attempts };
  }
  let chosen: { backend: BackendName; tfBackend: string } | undefined;
  for (const backend of BACKEND_LADDER) {
    if (chosen) {
      attempts.push({ backend, outcome: 'not-tried', reason: `${chosen.backend} ranks higher and loaded` });
      continue;
    }
    const load = await loadRung(backend);
    if (load.ok) {
      chosen = { backend, tfBackend: load.tfBackend };
      attempts.push({ backend, outcome: 'chosen', reason: load.note });
    } else {
      attempts.push({ backend, outcome: 'failed', reason: load.reason });
    }
  }
  if (!chosen) throw new UnavailableError(`no TensorFlow.js backend could be loaded: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`);
  return { ...chosen, forced: false, attempts };
}
