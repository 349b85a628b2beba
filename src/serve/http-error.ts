/**
 * An error that becomes an HTTP answer: a status, one line saying what is wrong and, for a bad
 * body, the field (`responses[3]`). Every 4xx and 5xx the server sends has this shape:
 * `{"error": "…", "field": "…"}`, plus any `extra` fields (an infrastructure error says `done`).
 */
import { SweSrlError } from '../errors.js';

export interface HttpErrorOptions {
  field?: string;
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
  cause?: unknown;
}

export class HttpError extends SweSrlError {
  readonly field: string | undefined;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(
    readonly status: number,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.field = options.field;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }

  body(): ErrorBody {
    return { error: this.message, ...(this.field !== undefined ? { field: this.field } : {}), ...this.extra };
  }
}

export interface ErrorBody {
  error: string;
  field?: string;
  [extra: string]: unknown;
}
