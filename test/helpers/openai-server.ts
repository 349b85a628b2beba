/**
 * A small OpenAI-compatible chat-completions server of ours, on the loopback interface only, for
 * the policy and rollout tests. A responder function decides each answer (a completion, an HTTP
 * error, a dropped connection, a delay), and every request body is kept for assertions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  index: number;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export interface FakeReply {
  status?: number;
  json?: unknown;
  /** Raw body instead of JSON. */
  text?: string;
  headers?: Record<string, string>;
  /** Close the socket without answering (a connection error for the client). */
  drop?: boolean;
  delayMs?: number;
}

export type Responder = (request: ReceivedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeChatServer {
  /** The base URL to configure, ending in `/v1`. */
  baseUrl: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startOpenAiServer(responder: Responder): Promise<FakeChatServer> {
  const requests: ReceivedRequest[] = [];
  // Delays still pending when the server closes must not keep the test process alive.
  const delays = new Set<NodeJS.Timeout>();
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      void (async () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          outgoing.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'invalid JSON body' } }));
          return;
        }
        const request: ReceivedRequest = { index: requests.length, path: incoming.url ?? '', headers: incoming.headers, body };
        requests.push(request);
        if (incoming.url !== '/v1/chat/completions') {
          outgoing.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${incoming.url}` } }));
          return;
        }
        const reply = await responder(request);
        if (reply.delayMs) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              delays.delete(timer);
              resolve();
            }, reply.delayMs);
            delays.add(timer);
          });
        }
        if (reply.drop) {
          incoming.socket.destroy();
          return;
        }
        const payload = reply.text ?? JSON.stringify(reply.json ?? {});
        outgoing.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers }).end(payload);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of delays) clearTimeout(timer);
        delays.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface FakeChoice {
  content?: string | null;
  toolCalls?: Array<{ name: string; arguments: string }>;
  finishReason?: string;
  logprobs?: Array<{ token: string; logprob: number }>;
}

/** A chat completion body with the given choices and token usage. */
export function completionBody(choices: Array<string | FakeChoice>, usage = { prompt_tokens: 10, completion_tokens: 5 }): Record<string, unknown> {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    model: 'test-model',
    choices: choices.map((choice, index) => {
      const spec: FakeChoice = typeof choice === 'string' ? { content: choice } : choice;
      return {
        index,
        message: {
          role: 'assistant',
          content: spec.content ?? null,
          ...(spec.toolCalls
            ? { tool_calls: spec.toolCalls.map((call, position) => ({ id: `call_${index}_${position}`, type: 'function', function: call })) }
            : {}),
        },
        finish_reason: spec.finishReason ?? (spec.toolCalls ? 'tool_calls' : 'stop'),
        logprobs: spec.logprobs ? { content: spec.logprobs.map((entry) => ({ ...entry, bytes: null, top_logprobs: [] })) } : null,
      };
    }),
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}
