/**
 * A `tf.io` handler for safetensors files on disk: without tfjs-node, tf.io has no file:// handler.
 * `save` takes the artifacts `tf.io.encodeWeights` makes (weight specs plus one buffer) and writes
 * a safetensors file through a temporary file and a rename; `load` reads one back as artifacts.
 * `registerSafetensorsRouter` lets `tf.io` route `file://….safetensors` URLs here.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import { fileReadError } from '../../io/read-error.js';
import { tf } from '../backends/tf.js';
import { decodeSafetensors, encodeSafetensors, type NamedArray } from './safetensors.js';

function joinWeightData(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

export class SafetensorsFileHandler implements tf.io.IOHandler {
  constructor(
    readonly path: string,
    private readonly metadata: Record<string, string> = {},
  ) {}

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    const specs = artifacts.weightSpecs ?? [];
    const buffer = joinWeightData(artifacts.weightData);
    const arrays: NamedArray[] = [];
    let offset = 0;
    for (const spec of specs) {
      if (spec.dtype !== 'float32') throw new Error(`${this.path}: weight "${spec.name}" is ${spec.dtype}; only float32 weights are written`);
      const size = spec.shape.reduce((a, b) => a * b, 1);
      arrays.push({ name: spec.name, shape: spec.shape, data: new Float32Array(buffer.slice(offset, offset + size * 4)) });
      offset += size * 4;
    }
    const bytes = encodeSafetensors(arrays, this.metadata);
    const temporary = `${this.path}.${process.pid}.partial`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightSpecsBytes: JSON.stringify(specs).length, weightDataBytes: buffer.byteLength } };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (error) {
      throw fileReadError(this.path, error, 'a safetensors file');
    }
    const { tensors } = decodeSafetensors(bytes, this.path);
    const weightSpecs: tf.io.WeightsManifestEntry[] = [];
    const total = [...tensors.values()].reduce((sum, t) => sum + t.data.length, 0);
    const all = new Float32Array(total);
    let offset = 0;
    for (const tensor of tensors.values()) {
      weightSpecs.push({ name: tensor.name, shape: tensor.shape, dtype: 'float32' });
      all.set(tensor.data, offset);
      offset += tensor.data.length;
    }
    return { weightSpecs, weightData: all.buffer };
  }
}

/** Writes named tensors to a safetensors file through tf.io. */
export async function saveTensors(path: string, tensors: ReadonlyMap<string, tf.Tensor>, metadata: Record<string, string> = {}): Promise<void> {
  const named = [...tensors].map(([name, tensor]) => ({ name, tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  await new SafetensorsFileHandler(path, metadata).save({ weightSpecs: specs, weightData: data });
}

/** Reads a safetensors file as named tensors through tf.io (the caller disposes them). */
export async function loadTensors(path: string): Promise<Map<string, tf.Tensor>> {
  const artifacts = await new SafetensorsFileHandler(path).load();
  if (!artifacts.weightSpecs || artifacts.weightData === undefined) throw new InputError(`${path}: no weights`);
  return new Map(Object.entries(tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs)));
}

let routerRegistered = false;

/** Routes tf.io's `file://….safetensors` URLs (save and load) to SafetensorsFileHandler. */
export function registerSafetensorsRouter(): void {
  if (routerRegistered) return;
  routerRegistered = true;
  // A router answers null for URLs it does not take (tfjs types it as always returning a handler).
  const route = ((url: string | string[]): tf.io.IOHandler | null => {
    const single = Array.isArray(url) ? url[0] : url;
    if (typeof single !== 'string' || !single.startsWith('file://') || !single.endsWith('.safetensors')) return null;
    return new SafetensorsFileHandler(decodeURIComponent(single.slice('file://'.length)));
  }) as unknown as Parameters<typeof tf.io.registerSaveRouter>[0];
  tf.io.registerSaveRouter(route);
  tf.io.registerLoadRouter(route);
}
