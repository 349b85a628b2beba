/**
 * A policy behind any OpenAI-compatible chat endpoint, spoken with node's own fetch (no SDK).
 * Rate limits (429), server errors (5xx), timeouts and dropped connections are retried with
 * exponential backoff and jitter, honouring `Retry-After`; other HTTP errors are raised at once.
 * When a server returns fewer samples than asked (several ignore `n`), the rest are requested again.
 */
import type { Policy, PolicyRequest, PolicyResponse, PolicySample, TokenUsage } from '../types.js';
import { addUsage, emptyUsage } from '../types.js';
import { PolicyConnectionError, PolicyError, PolicyHttpError, PolicyResponseError, PolicyTimeoutError } from '../policy-errors.js';
import type { OpenAiPolicyConfig } from './openai-config.js';
import { chatRequestBody, parseChatCompletion } from './chat-wire.js';

const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

/** Called before each retry: for progress lines and logs. */
export type RetryListener = (event: { attempt: number; delayMs: number; reason: string }) => void;

export class OpenAiPolicy implements Policy {
  readonly name: string;
  private readonly url: string;

  constructor(
    private readonly config: OpenAiPolicyConfig,
    private readonly onRetry: RetryListener = () => {},
  ) {
    this.name = config.model;
    this.url = `${config.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  }

  async complete(request: PolicyRequest): Promise<PolicyResponse> {
    const started = Date.now();
    const wanted = Math.max(1, request.n ?? 1);
    const samples: PolicySample[] = [];
    let usage: TokenUsage = emptyUsage();
    let model = this.config.model;
    let requests = 0;
    // Servers that ignore `n` answer with one choice; ask again for the rest, a bounded number of times.
    for (let round = 0; samples.length < wanted && round < wanted; round += 1) {
      const result = await this.send(request, wanted - samples.length);
      requests += result.requests;
      usage = addUsage(usage, result.usage);
      model = result.model ?? model;
      samples.push(...result.samples.slice(0, wanted - samples.length));
      if (result.samples.length === 0) throw new PolicyResponseError(`${this.url}: the completion has no choices`);
    }
    return { samples, usage, model, requests, latencyMs: Date.now() - started };
  }

  private async send(request: PolicyRequest, n: number) {
    const body = JSON.stringify(chatRequestBody(this.config.model, request, n, this.config.extraBody));
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    let lastError: PolicyError | undefined;
    for (let attempt = 0; attempt <= this.config.maxRetries; attempt += 1) {
      if (request.signal?.aborted) throw new PolicyError(`${this.url}: cancelled`, { cause: request.signal.reason });
      const timeout = AbortSignal.timeout(this.config.requestTimeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      let retryAfterMs: number | undefined;
      try {
        const response = await fetch(this.url, { method: 'POST', headers, body, signal });
        const text = await response.text();
        if (response.ok) {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            throw new PolicyResponseError(`${this.url}: the response is not JSON: ${text.slice(0, 200)}`);
          }
          return { ...parseChatCompletion(json, this.url), requests: attempt + 1 };
        }
        const error = new PolicyHttpError(`${this.url}: HTTP ${response.status}: ${text.slice(0, 500)}`, response.status, text.slice(0, 2_000));
        if (!RETRYABLE_STATUS.has(response.status)) throw error;
        lastError = error;
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      } catch (error) {
        // Our own errors (a refused request, a malformed body) are final; only transport trouble is retried.
        if (error instanceof PolicyError) throw error;
        if (request.signal?.aborted) {
          throw new PolicyError(`${this.url}: cancelled`, { cause: error });
        } else if (timeout.aborted) {
          lastError = new PolicyError(`${this.url}: no answer within ${this.config.requestTimeoutMs} ms`, { cause: error });
        } else {
          const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
          lastError = new PolicyConnectionError(`${this.url}: cannot connect (${cause})`, { cause: error });
        }
      }
      if (attempt === this.config.maxRetries) break;
      const backoff = Math.min(this.config.maxBackoffMs, this.config.initialBackoffMs * 2 ** attempt);
      const delayMs = retryAfterMs !== undefined ? Math.min(retryAfterMs, this.config.maxBackoffMs) : backoff * (0.5 + Math.random() / 2);
      this.onRetry({ attempt: attempt + 1, delayMs, reason: lastError?.message ?? 'unknown' });
      await sleep(delayMs, request.signal);
    }
    if (lastError && lastError.message.includes('no answer within')) {
      throw new PolicyTimeoutError(`${lastError.message}, ${this.config.maxRetries} retries exhausted`, { cause: lastError });
    }
    throw lastError ?? new PolicyError(`${this.url}: request failed`);
  }
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new PolicyError('cancelled', { cause: signal.reason }));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new PolicyError('cancelled', { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
