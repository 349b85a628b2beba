/**
 * Settings of the OpenAI-compatible policy. Every option has a flag and, where it makes sense, an
 * environment default, as openai-node documents them: `OPENAI_BASE_URL`, `OPENAI_API_KEY`,
 * `OPENAI_MODEL`. The same client serves vLLM, SGLang, Ollama, llama.cpp's server and hosted APIs.
 */
import { z } from 'zod';
import { FieldError } from '../../errors.js';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

export const openAiPolicyConfigSchema = z
  .object({
    /** e.g. `http://localhost:8000/v1`; `/chat/completions` is appended. Default: OPENAI_BASE_URL, else OpenAI's. */
    baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
    /** The model name the endpoint serves. Default: OPENAI_MODEL. */
    model: z.string().min(1, 'must not be empty'),
    /** Sent as a bearer token. Default: OPENAI_API_KEY; local servers usually need none. */
    apiKey: z.string().optional(),
    /** Time limit of one HTTP request, retries not included. */
    requestTimeoutMs: z.number().int().positive().max(2 ** 31 - 1, 'must be at most 2147483647 ms (about 24 days): longer timers fire at once').default(600_000),
    /** Retries after a 429, a 5xx, a timeout or a connection error, with exponential backoff. */
    maxRetries: z.number().int().min(0).default(6),
    initialBackoffMs: z.number().int().min(0).default(1_000),
    maxBackoffMs: z.number().int().min(0).default(30_000),
    /** Extra fields for the request body (e.g. vLLM's `top_k`, `chat_template_kwargs`). */
    extraBody: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type OpenAiPolicyConfig = z.output<typeof openAiPolicyConfigSchema>;

export interface OpenAiPolicyFlags {
  baseUrl?: string | undefined;
  model?: string | undefined;
  apiKey?: string | undefined;
  requestTimeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  initialBackoffMs?: number | undefined;
  maxBackoffMs?: number | undefined;
  extraBody?: Record<string, unknown> | undefined;
}

/** Settings first, then the environment, then defaults; the error names the setting (`policy.…`) and the variable. */
export function resolveOpenAiConfig(flags: OpenAiPolicyFlags, env: NodeJS.ProcessEnv = process.env): OpenAiPolicyConfig {
  const model = flags.model ?? env.OPENAI_MODEL;
  if (model === undefined || model === '') {
    throw new FieldError('policy.model', 'the openai policy needs a model: set it, or OPENAI_MODEL');
  }
  const candidate: Record<string, unknown> = {
    baseUrl: flags.baseUrl ?? env.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL,
    model,
  };
  const apiKey = flags.apiKey ?? env.OPENAI_API_KEY;
  if (apiKey !== undefined && apiKey !== '') candidate.apiKey = apiKey;
  for (const key of ['requestTimeoutMs', 'maxRetries', 'initialBackoffMs', 'maxBackoffMs', 'extraBody'] as const) {
    if (flags[key] !== undefined) candidate[key] = flags[key];
  }
  const parsed = openAiPolicyConfigSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  const hint = field === 'baseUrl' ? ' (it comes from OPENAI_BASE_URL when unset)' : '';
  throw new FieldError(field === '' ? 'policy' : `policy.${field}`, `${issue.message}${hint}`);
}
