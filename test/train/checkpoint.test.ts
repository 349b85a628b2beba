import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { selectBackend } from '../../src/train/backends/ladder.js';
import { tf } from '../../src/train/backends/tf.js';
import { registerSafetensorsRouter } from '../../src/train/checkpoint/file-handler.js';
import { loadModelDir, saveModelDir } from '../../src/train/checkpoint/model-dir.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/train/checkpoint/safetensors.js';
import { Transformer } from '../../src/train/model/transformer.js';
import { Tokenizer } from '../../src/train/tokenizer/tokenizer.js';
import { withTempDir } from '../helpers/temp-dir.js';

const tokenizer = Tokenizer.train(['hello world, hello tests', 'def f(x): return x'], 280);
const config = { vocabSize: tokenizer.size, hiddenSize: 16, layers: 1, heads: 2, intermediateSize: 24, contextLength: 32, ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, initStd: 0.02 };

describe('safetensors', () => {
  it('round-trips tensors, with an 8-byte aligned header and the data little-endian after it', () => {
    const bytes = encodeSafetensors([
      { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) },
      { name: 'b', shape: [1], data: Float32Array.from([0.25]) },
    ]);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    assert.equal((8 + headerLength) % 8, 0);
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString()) as Record<string, { dtype: string; data_offsets: number[] }>;
    assert.deepEqual(header.a, { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    assert.equal(bytes.readFloatLE(8 + headerLength + 20), -6.5);
    const decoded = decodeSafetensors(bytes, 'x.safetensors');
    assert.deepEqual(Array.from(decoded.tensors.get('a')!.data), [1, 2, 3, 4, 5, -6.5]);
    assert.equal(decoded.metadata.format, 'pt');
  });

  it('reads F16 and BF16 tensors as Hugging Face models ship them', () => {
    const header = JSON.stringify({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] } });
    const data = Buffer.alloc(6);
    data.writeUInt16LE(0x3c00, 0); // 1.0
    data.writeUInt16LE(0xc000, 2); // -2.0
    data.writeUInt16LE(0x4049, 4); // ≈ 3.140625
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    const decoded = decodeSafetensors(Buffer.concat([length, Buffer.from(header), data]), 'hf.safetensors');
    assert.deepEqual(Array.from(decoded.tensors.get('h')!.data), [1, -2]);
    assert.equal(decoded.tensors.get('b')!.data[0], 3.140625);
  });

  it('says what is wrong with a truncated or corrupt file, naming it and the tensor', () => {
    const good = encodeSafetensors([{ name: 'w', shape: [4], data: new Float32Array(4) }]);
    assert.throws(() => decodeSafetensors(good.subarray(0, good.length - 4), 'm.safetensors'), (e: unknown) => e instanceof InputError && /^m.safetensors: tensor "w": data_offsets \[0, 16\] run past the data section \(12 bytes\): the file is truncated/.test(e.message));
    assert.throws(() => decodeSafetensors(Buffer.from('not a safetensors file at all'), 'm.safetensors'), /header length \d+ is beyond the file's 29 bytes/);
    assert.throws(() => decodeSafetensors(Buffer.alloc(3), 'm.safetensors'), /fewer than the 8-byte header length/);
    const headerLength = Number(good.readBigUInt64LE(0));
    const header = good.subarray(8, 8 + headerLength).toString().replace('"F32"', '"I64"');
    const bad = Buffer.concat([good.subarray(0, 8), Buffer.from(header), good.subarray(8 + headerLength)]);
    assert.throws(() => decodeSafetensors(bad, 'm.safetensors'), /tensor "w": dtype "I64" is not one of F32, F16, BF16/);
  });

  it('is readable by an independent reader (Python, from the format description)', { skip: existsSync('/usr/bin/python3') ? false : 'no python3' }, async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'w.safetensors');
      await writeFile(path, encodeSafetensors([{ name: 'x', shape: [3], data: Float32Array.from([1.5, -2, 3]) }, { name: 'y', shape: [1, 1], data: Float32Array.from([7]) }]));
      const script = 'import json,struct,sys\nb=open(sys.argv[1],"rb").read()\nn=struct.unpack("<Q",b[:8])[0]\nh=json.loads(b[8:8+n])\nd=b[8+n:]\nfor k in sorted(h):\n  if k=="__metadata__": continue\n  s,e=h[k]["data_offsets"]\n  print(k,h[k]["shape"],list(struct.unpack("<%df"%((e-s)//4),d[s:e])))';
      const out = execFileSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
      assert.equal(out, 'x [3] [1.5, -2.0, 3.0]\ny [1, 1] [7.0]\n');
    }, 'safetensors');
  });
});

describe('model folders', () => {
  it('save and load a model that computes the same logits, in Hugging Face layout', async () => {
    await selectBackend('cpu');
    await withTempDir(async (dir) => {
      const model = Transformer.create(config, 4);
      await saveModelDir(dir, model, tokenizer);
      const hf = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(hf.model_type, 'llama');
      assert.equal(hf.vocab_size, tokenizer.size);
      assert.equal(hf.eos_token_id, tokenizer.specialId('<|im_end|>'));
      const tokenizerConfig = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8')) as { chat_template: string };
      assert.match(tokenizerConfig.chat_template, /<\|im_start\|>/);
      const loaded = await loadModelDir(dir);
      const input = tf.tensor2d([[1, 2, 3, 4]], undefined, 'int32');
      const a = tf.tidy(() => model.forward(input).logits.dataSync());
      const b = tf.tidy(() => loaded.model.forward(input).logits.dataSync());
      assert.deepEqual(Array.from(a), Array.from(b));
      assert.deepEqual(loaded.tokenizer.encode('hello world'), tokenizer.encode('hello world'));
      model.dispose();
      loaded.model.dispose();
    }, 'model-dir');
  });

  it('refuses a folder whose weights, config or tokenizer do not match, naming the file and field', async () => {
    await selectBackend('cpu');
    await withTempDir(async (dir) => {
      const model = Transformer.create(config, 4);
      await saveModelDir(dir, model, tokenizer);
      model.dispose();
      const configPath = join(dir, 'config.json');
      const hf = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;

      await writeFile(configPath, JSON.stringify({ ...hf, hidden_size: 32, num_attention_heads: 2 }));
      await assert.rejects(loadModelDir(dir), (e: unknown) => e instanceof InputError && e.message.startsWith(`${join(dir, 'model.safetensors')}: tensor "model.embed_tokens.weight" has shape [${tokenizer.size}, 16] but the model config needs [${tokenizer.size}, 32]`));
      await writeFile(configPath, JSON.stringify({ ...hf, vocab_size: 999 }));
      await assert.rejects(loadModelDir(dir), /tokenizer.json: the tokenizer has \d+ tokens but .*config.json says vocab_size 999/);
      await writeFile(configPath, JSON.stringify({ ...hf, num_hidden_layers: 2 }));
      await assert.rejects(loadModelDir(dir), /missing tensor "model.layers.1.input_layernorm.weight"/);
      await writeFile(configPath, JSON.stringify({ ...hf, model_type: 'gpt2' }));
      await assert.rejects(loadModelDir(dir), /config.json: model_type: expected "llama"/);
      await writeFile(configPath, '{"model_type": "llama",');
      await assert.rejects(loadModelDir(dir), (e: unknown) => e instanceof InputError && e.message.includes('config.json'));
      await writeFile(configPath, JSON.stringify(hf));
      const weights = join(dir, 'model.safetensors');
      const bytes = await readFile(weights);
      await writeFile(weights, bytes.subarray(0, bytes.length - 100));
      await assert.rejects(loadModelDir(dir), /model.safetensors: tensor ".*": data_offsets .* the file is truncated/);
    }, 'model-dir-bad');
  });

  it("routes tf.io's file://….safetensors URLs to our handler", async () => {
    await selectBackend('cpu');
    registerSafetensorsRouter();
    await withTempDir(async (dir) => {
      const url = `file://${join(dir, 'w.safetensors')}`;
      const [handler] = tf.io.getSaveHandlers(url);
      assert.ok(handler, 'a save handler for the URL');
      const { data, specs } = await tf.io.encodeWeights([{ name: 'w', tensor: tf.tensor([1, 2, 3]) }]);
      await handler.save!({ weightSpecs: specs, weightData: data });
      const [loader] = tf.io.getLoadHandlers(url);
      const artifacts = await loader!.load!();
      const weights = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
      assert.deepEqual(Array.from(weights.w!.dataSync()), [1, 2, 3]);
    }, 'router');
  });
});
