/**
 * The `local` policy: a model trained here, behind the same Policy interface as an
 * OpenAI-compatible endpoint, so rollouts, evaluation and the agent loop drive it unchanged. The
 * conversation is rendered with the model's chat template (tools listed in the system turn, tool
 * calls as <tool_call> blocks, which the function-calling parser reads back from the text), fitted
 * into the context the way training fitted it (oldest rounds out first, with a note), and
 * answered with `n` samples at the request's temperature and top-p, with the sampled tokens'
 * log-probabilities, finish reasons (`stop` at the end-of-turn token or a stop string, `length`)
 * and token usage.
 */
import { PolicyHttpError } from '../../policy/policy-errors.js';
import type { Policy, PolicyRequest, PolicyResponse, PolicySample, TokenLogprob } from '../../policy/types.js';
import { InputError } from '../../errors.js';
import { resolveBackendSetting, selectBackend, type BackendSelection, type BackendSetting } from '../backends/ladder.js';
import { loadModelDir, type LoadedModel } from '../checkpoint/model-dir.js';
import { fitPrompt } from '../data/prompt-fit.js';
import { generate, type GeneratedSample } from '../model/generate.js';
import { deriveSeed, Rng } from '../model/rng.js';
import { ChatTemplate } from '../tokenizer/chat-template.js';

export interface LocalPolicyOptions {
  /** A model folder (a run's `model/` or `best/`, a checkpoint), or a model already loaded. */
  model: string | LoadedModel;
  /** `model_name_or_path` in predictions; default `local:<folder>`. */
  name?: string;
  /** Backend to load a model folder on; default: SWE_SRL_TRAIN_BACKEND, else the best present. Ignored for a loaded model. */
  backend?: BackendSetting;
  /** Tokens to generate when a request gives no maxTokens; default a quarter of the context. */
  defaultMaxTokens?: number;
  /** Seeds requests that give none (each request draws a new stream). Default 0. */
  seed?: number;
  /** Default true; false recomputes the whole sequence for every token (slow; for comparisons). */
  useKvCache?: boolean;
}

/** A completion with what a trainer needs besides the text: the prompt's and each sample's token ids. */
export interface LocalCompletion {
  response: PolicyResponse;
  /** The prompt as the model saw it (rendered and fitted). */
  promptIds: number[];
  /** Per sample, as generated: the tokens (the end-of-turn token included when sampled) and their log-probabilities. */
  samples: GeneratedSample[];
}

export class LocalPolicy implements Policy {
  readonly name: string;
  private readonly template: ChatTemplate;
  private requests = 0;

  constructor(
    readonly loaded: LoadedModel,
    private readonly options: Omit<LocalPolicyOptions, 'model'> = {},
    readonly backend?: BackendSelection,
  ) {
    this.name = options.name ?? `local:${loaded.dir}`;
    this.template = new ChatTemplate(loaded.tokenizer);
  }

  async complete(request: PolicyRequest): Promise<PolicyResponse> {
    return (await this.completeWithTokens(request)).response;
  }

  /** `complete`, also giving the token ids behind the text (an RLVR trainer learns from them). */
  async completeWithTokens(request: PolicyRequest): Promise<LocalCompletion> {
    const started = performance.now();
    request.signal?.throwIfAborted();
    const { model, tokenizer, config } = this.loaded;
    const n = request.n ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new InputError(`n: expected a positive integer, got ${n}`);
    const wanted = request.maxTokens ?? this.options.defaultMaxTokens ?? Math.max(1, Math.floor(config.contextLength / 4));
    const maxTokens = Math.min(wanted, config.contextLength - 1);
    let prompt: number[];
    try {
      prompt = fitPrompt(this.template, request.messages, config.contextLength - maxTokens, request.tools).ids;
    } catch (error) {
      // An endpoint answers an over-long prompt with HTTP 400; the agent loop ends the episode with exit_context on it.
      if (error instanceof InputError) throw new PolicyHttpError(`local policy: prompt is too long for the model's context length of ${config.contextLength} tokens (${error.message})`, 400, `maximum context length is ${config.contextLength} tokens`);
      throw error;
    }
    const stops = (request.stop ?? []).filter((stop) => stop !== '');
    const seed = request.seed ?? deriveSeed(this.options.seed ?? 0, this.requests);
    this.requests += 1;
    const generated = generate(model, prompt, {
      n,
      maxNewTokens: maxTokens,
      temperature: request.temperature ?? 1,
      topP: request.topP ?? 1,
      stopTokenIds: this.template.stopTokenIds,
      rng: new Rng(seed),
      useKvCache: this.options.useKvCache ?? true,
      ...(stops.length > 0 ? { shouldStop: (_sample: number, tokens: readonly number[]) => stops.some((stop) => tokenizer.decode(tokens, { skipSpecial: true }).includes(stop)) } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const stopIds = new Set(this.template.stopTokenIds);
    const samples = generated.map((sample): PolicySample => {
      const endsWithStopToken = sample.finishReason === 'stop' && stopIds.has(sample.tokens[sample.tokens.length - 1]!);
      const tokens = endsWithStopToken ? sample.tokens.slice(0, -1) : sample.tokens;
      let text = tokenizer.decode(tokens, { skipSpecial: true });
      // As OpenAI's API does, the stop string itself is not part of the text.
      for (const stop of stops) {
        const at = text.indexOf(stop);
        if (at >= 0) text = text.slice(0, at);
      }
      const result: PolicySample = { text, toolCalls: [], finishReason: sample.finishReason };
      if (request.logprobs) {
        result.logprobs = tokens.map((token, i): TokenLogprob => {
          const bytes = Array.from(tokenizer.tokenBytes(token));
          return { token: tokenizer.decode([token]), logprob: sample.logprobs[i]!, bytes };
        });
      }
      return result;
    });
    const completionTokens = generated.reduce((sum, sample) => sum + sample.tokens.length, 0);
    const response: PolicyResponse = {
      samples,
      usage: { promptTokens: prompt.length, completionTokens, totalTokens: prompt.length + completionTokens },
      model: this.name,
      requests: 1,
      latencyMs: performance.now() - started,
    };
    return { response, promptIds: prompt, samples: generated };
  }

  dispose(): void {
    this.loaded.model.dispose();
  }
}

/** A local policy from a model folder (choosing the backend first) or from a loaded model. */
export async function createLocalPolicy(options: LocalPolicyOptions): Promise<LocalPolicy> {
  const { model, ...rest } = options;
  if (typeof model !== 'string') return new LocalPolicy(model, rest);
  const backend = await selectBackend(resolveBackendSetting(options.backend));
  const loaded = await loadModelDir(model);
  return new LocalPolicy(loaded, rest, backend);
}

