/**
 * The safetensors format, written and read by us: an 8-byte little-endian header length N, N
 * bytes of JSON (`{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}`, offsets
 * relative to the end of the header, padded with spaces to a multiple of 8), then the raw
 * little-endian tensor bytes. We write F32; we read F32, F16 and BF16 (as Hugging Face models
 * ship them). Every way a file can be wrong is an error naming the file and the tensor.
 */
import { InputError } from '../../errors.js';

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeSafetensors(tensors: readonly NamedArray[], metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', ...metadata } };
  let offset = 0;
  const seen = new Set<string>();
  for (const tensor of tensors) {
    if (seen.has(tensor.name)) throw new Error(`safetensors: tensor "${tensor.name}" given twice`);
    seen.add(tensor.name);
    const size = tensor.shape.reduce((a, b) => a * b, 1);
    if (size !== tensor.data.length) throw new Error(`safetensors: tensor "${tensor.name}" has ${tensor.data.length} values for shape [${tensor.shape.join(', ')}]`);
    header[tensor.name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + size * 4] };
    offset += size * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let at = 8 + headerBytes.length;
  for (const tensor of tensors) {
    const bytes = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    if (littleEndian) bytes.copy(out, at);
    else for (let i = 0; i < tensor.data.length; i += 1) out.writeFloatLE(tensor.data[i]!, at + 4 * i);
    at += tensor.data.byteLength;
  }
  return out;
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export interface DecodedSafetensors {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
}

export function decodeSafetensors(buffer: Buffer, file: string): DecodedSafetensors {
  if (buffer.length < 8) throw new InputError(`${file}: not a safetensors file: ${buffer.length} bytes, fewer than the 8-byte header length`);
  const headerLength = buffer.readBigUInt64LE(0);
  if (headerLength > BigInt(buffer.length - 8)) {
    throw new InputError(`${file}: not a safetensors file or truncated: the header length ${headerLength} is beyond the file's ${buffer.length} bytes`);
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(buffer.subarray(8, dataStart).toString('utf8'));
  } catch (error) {
    throw new InputError(`${file}: the safetensors header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new InputError(`${file}: the safetensors header is not a JSON object`);
  const dataLength = buffer.length - dataStart;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  const spans: Array<[number, number, string]> = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const where = `${file}: tensor "${name}"`;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) throw new InputError(`${where}: dtype ${JSON.stringify(dtype)} is not one of ${Object.keys(DTYPE_BYTES).join(', ')}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new InputError(`${where}: shape ${JSON.stringify(shape)} is not a list of sizes`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[1] < offsets[0]) {
      throw new InputError(`${where}: data_offsets ${JSON.stringify(offsets)} is not [begin, end]`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) throw new InputError(`${where}: data_offsets [${begin}, ${end}] run past the data section (${dataLength} bytes): the file is truncated`);
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    const width = DTYPE_BYTES[dtype]!;
    if (end - begin !== size * width) throw new InputError(`${where}: ${end - begin} bytes do not hold shape [${shape.join(', ')}] of ${dtype} (${size * width} bytes)`);
    spans.push([begin, end, name]);
    const data = new Float32Array(size);
    const at = dataStart + begin;
    if (dtype === 'F32') {
      if (littleEndian && at % 4 === 0 && buffer.byteOffset % 4 === 0) data.set(new Float32Array(buffer.buffer, buffer.byteOffset + at, size));
      else for (let i = 0; i < size; i += 1) data[i] = buffer.readFloatLE(at + 4 * i);
    } else if (dtype === 'F16') {
      for (let i = 0; i < size; i += 1) data[i] = halfToFloat(buffer.readUInt16LE(at + 2 * i));
    } else {
      const word = new Uint32Array(1);
      const asFloat = new Float32Array(word.buffer);
      for (let i = 0; i < size; i += 1) {
        word[0] = buffer.readUInt16LE(at + 2 * i) << 16;
        data[i] = asFloat[0]!;
      }
    }
    tensors.set(name, { name, shape: shape as number[], data });
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i += 1) {
    if (spans[i]![0] < spans[i - 1]![1]) throw new InputError(`${file}: tensors "${spans[i - 1]![2]}" and "${spans[i]![2]}" overlap in the data section`);
  }
  return { tensors, metadata };
}
