/**
 * The engine answers builds, imports and pulls with a stream of JSON objects, one per line. This
 * turns it into readable progress lines and a single outcome: resolve when the stream ends cleanly,
 * reject with the engine's own error message when one of the objects carries an `error`.
 */
import { ImageBuildError } from './image-errors.js';

/** Receives one human-readable line at a time (no trailing newline). */
export type ProgressSink = (line: string) => void;

const ANSI_ESCAPE = /\u001b\[[0-9;]*[A-Za-z]/g;

/** How many of the latest lines an error message quotes. */
const TAIL_LINES = 30;

interface EngineMessage {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

export interface FollowResult {
  /** The image id the engine reported last (`aux.ID` for builds, the bare status for imports). */
  imageId?: string;
  lines: string[];
}

export function followEngineStream(
  stream: NodeJS.ReadableStream,
  imageName: string,
  onProgress: ProgressSink = () => {},
): Promise<FollowResult> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    let pending = '';
    let partialStreamLine = '';
    let imageId: string | undefined;
    let failure: ImageBuildError | undefined;
    let settled = false;

    const emit = (raw: string): void => {
      // The engine colours stderr of RUN steps; escape codes would garble logs and error messages.
      const line = raw.replace(ANSI_ESCAPE, '');
      if (line.trim().length === 0) return;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      onProgress(line);
    };

    const handle = (message: EngineMessage): void => {
      if (message.error !== undefined || message.errorDetail?.message !== undefined) {
        failure ??= new ImageBuildError(imageName, message.errorDetail?.message ?? message.error ?? 'unknown error', [...tail]);
        return;
      }
      if (message.aux?.ID !== undefined) imageId = message.aux.ID;
      if (message.stream !== undefined) {
        // Build output arrives in arbitrary chunks; only whole lines are worth showing.
        const text = partialStreamLine + message.stream;
        const parts = text.split('\n');
        partialStreamLine = parts.pop() ?? '';
        for (const part of parts) if (part.trim().length > 0) emit(part.trimEnd());
        return;
      }
      if (message.status !== undefined) {
        if (/^sha256:[0-9a-f]{64}$/.test(message.status)) imageId = message.status;
        // Download progress bars repeat many times a second; the status changes are what matter.
        if (message.progress === undefined) emit(message.id ? `${message.id}: ${message.status}` : message.status);
      }
    };

    const consume = (text: string): void => {
      pending += text;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line.length === 0) continue;
        try {
          handle(JSON.parse(line) as EngineMessage);
        } catch {
          emit(line);
        }
      }
    };

    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      if (pending.trim().length > 0) consume('\n');
      if (partialStreamLine.trim().length > 0) emit(partialStreamLine.trimEnd());
      if (error !== undefined) {
        const reason = error instanceof Error ? error.message : String(error);
        reject(new ImageBuildError(imageName, `the engine's stream broke: ${reason}`, [...tail], { cause: error }));
      } else if (failure !== undefined) {
        reject(failure);
      } else {
        resolve({ imageId, lines: [...tail] });
      }
    };

    stream.on('data', (chunk: Buffer | string) => consume(chunk.toString()));
    stream.on('error', (error: unknown) => finish(error));
    stream.on('end', () => finish());
    stream.on('close', () => finish());
  });
}
