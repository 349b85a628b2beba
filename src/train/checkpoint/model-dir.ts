/**
 * A model folder, laid out as Hugging Face's: `model.safetensors` (weights), `config.json` (the
 * Llama config), `tokenizer.json` and `tokenizer_config.json` (with the chat template). It is what
 * every checkpoint holds, what a training stage hands the next one, and what the `local` policy
 * loads. A folder that is incomplete or inconsistent is refused, naming the file and the field.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { parseJson } from '../../io/json-parse.js';
import { fileReadError } from '../../io/read-error.js';
import { fromHfConfig, toHfConfig, type ModelConfig } from '../model/config.js';
import type { ModelOps } from '../model/ops.js';
import { Transformer } from '../model/transformer.js';
import { CHATML_JINJA } from '../tokenizer/chat-template.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';
import { loadTensors, saveTensors } from './file-handler.js';

export const MODEL_FILES = { weights: 'model.safetensors', config: 'config.json', tokenizer: 'tokenizer.json', tokenizerConfig: 'tokenizer_config.json' } as const;

export interface LoadedModel {
  model: Transformer;
  tokenizer: Tokenizer;
  config: ModelConfig;
  dir: string;
}

async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileReadError(path, error, what);
  }
  return parseJson(text, path);
}

export async function saveModelDir(dir: string, model: Transformer, tokenizer: Tokenizer): Promise<void> {
  await mkdir(dir, { recursive: true });
  const special = { bos: tokenizer.specialId('<|endoftext|>'), eos: tokenizer.specialId('<|im_end|>'), pad: tokenizer.specialId('<|endoftext|>') };
  await saveTensors(join(dir, MODEL_FILES.weights), model.namedTensors());
  await writeFile(join(dir, MODEL_FILES.config), `${JSON.stringify(toHfConfig(model.config, special), null, 2)}\n`);
  await writeFile(join(dir, MODEL_FILES.tokenizer), JSON.stringify(tokenizer.toJSON()));
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: null,
    eos_token: '<|im_end|>',
    pad_token: '<|endoftext|>',
    unk_token: null,
    model_max_length: model.config.contextLength,
    add_bos_token: false,
    add_eos_token: false,
    chat_template: CHATML_JINJA,
  };
  await writeFile(join(dir, MODEL_FILES.tokenizerConfig), `${JSON.stringify(tokenizerConfig, null, 2)}\n`);
}

/** Reads the tokenizer and config of a model folder, checking they agree. */
export async function readModelMeta(dir: string): Promise<{ config: ModelConfig; tokenizer: Tokenizer }> {
  const configPath = join(dir, MODEL_FILES.config);
  if (!existsSync(configPath)) throw new InputError(`${dir}: not a model folder: ${MODEL_FILES.config} is missing`);
  const config = fromHfConfig(await readJsonFile(configPath, 'a model config.json'), configPath);
  const tokenizerPath = join(dir, MODEL_FILES.tokenizer);
  const tokenizer = Tokenizer.fromJSON(await readJsonFile(tokenizerPath, 'a tokenizer.json'), tokenizerPath);
  if (tokenizer.size !== config.vocabSize) {
    throw new InputError(`${tokenizerPath}: the tokenizer has ${tokenizer.size} tokens but ${configPath} says vocab_size ${config.vocabSize}`);
  }
  return { config, tokenizer };
}

/** A model folder's model and tokenizer; the model runs with `ops` when given, else the active backend's. */
export async function loadModelDir(dir: string, ops?: ModelOps): Promise<LoadedModel> {
  const { config, tokenizer } = await readModelMeta(dir);
  const weightsPath = join(dir, MODEL_FILES.weights);
  const tensors = await loadTensors(weightsPath);
  try {
    const model = Transformer.fromTensors(config, tensors, weightsPath, ops);
    return { model, tokenizer, config, dir };
  } finally {
    for (const tensor of tensors.values()) tensor.dispose();
  }
}

