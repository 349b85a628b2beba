/**
 * The environment and reward server (`swe-srl serve`), on fastify: SRL rewards in batches (ours and
 * OpenRLHF's protocol), episodes for multi-turn agent RL, `/healthz` and `/metrics`. Every body is
 * validated, bodies are capped, off loopback a bearer token is required, and shutting down removes
 * every sandbox the server holds.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { checkBearer } from './auth.js';
import { EpisodeRegistry } from './episode-registry.js';
import { registerEpisodeRoutes } from './episode-routes.js';
import { HttpError } from './http-error.js';
import { ServeMetrics } from './metrics.js';
import { registerRewardRoutes } from './reward-routes.js';
import { resolveServeOptions, type ServeOptions, type ServeOptionsInput } from './serve-options.js';

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly metrics: ServeMetrics;
  readonly registry: EpisodeRegistry | undefined;
  /** How many sandboxes of an earlier process were removed at start. */
  readonly leftoversRemoved: number;
  /** Stops taking requests, cancels those running, removes every sandbox, closes the driver. Idempotent. */
  shutdown(): Promise<void>;
}

/** Fastify's own failures (bad JSON, a body too big) in our error shape, with the status they deserve. */
function frameworkError(error: FastifyError, bodyLimitBytes: number): HttpError {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, `body: not valid JSON (${error.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'/, '').trim() || 'parse error'})`, { field: 'body', cause: error });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, 'body: empty, but the content-type says JSON; send {}', { field: 'body', cause: error });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, `body: larger than the limit of ${bodyLimitBytes} bytes`, { field: 'body', cause: error });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'content-type: send application/json', { field: 'content-type', cause: error });
    default:
      if (error.validation || (error.statusCode !== undefined && error.statusCode < 500)) return new HttpError(error.statusCode ?? 400, error.message, { cause: error });
      return new HttpError(500, `internal error: ${error.message}`, { cause: error });
  }
}

export function buildServer(options: ServeOptions): { app: FastifyInstance; metrics: ServeMetrics; registry: EpisodeRegistry | undefined; ready: () => void } {
  const log = options.log ?? (() => undefined);
  const metrics = new ServeMetrics();
  const registry = options.driver ? new EpisodeRegistry(options.driver, options.episodes, metrics, log) : undefined;
  let ready = false;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimitBytes,
    // A client sending its body slower than this is cut off (slow-loris); answers may take longer.
    requestTimeout: 120_000,
    keepAliveTimeout: 75_000,
    forceCloseConnections: true,
    return503OnClosing: true,
  });

  app.addHook('onRequest', async (request) => {
    if (request.url === '/healthz') return;
    if (options.token !== undefined) checkBearer(request.headers.authorization, options.token);
    if (!ready && request.url.startsWith('/episodes')) throw new HttpError(503, 'the server is still removing what an earlier process left; retry shortly', { headers: { 'retry-after': '1' } });
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const http = error instanceof HttpError ? error : frameworkError(error, options.bodyLimitBytes);
    metrics.errors.inc({ status: String(http.status) });
    if (http.status >= 500) log(`${request.method} ${request.url.split('?')[0]}: ${http.status} ${http.message}`);
    void reply.code(http.status).headers(http.headers).send(http.body());
  });
  app.setNotFoundHandler((request, reply) => {
    metrics.errors.inc({ status: '404' });
    void reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  app.get('/healthz', async () => ({ ok: true, episodes_live: registry?.live ?? 0, ready }));
  app.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', metrics.contentType);
    return metrics.text();
  });
  registerRewardRoutes(app, options, metrics);
  if (registry) registerEpisodeRoutes(app, registry, options, metrics, log);
  else {
    app.all('/episodes', async () => {
      throw new HttpError(501, 'this server runs no episodes: start it with instances to serve them');
    });
    app.all('/episodes/*', async () => {
      throw new HttpError(501, 'this server runs no episodes: start it with instances to serve them');
    });
  }
  return { app, metrics, registry, ready: () => (ready = true) };
}

/**
 * Binds the port first (a port in use means another server is alive: nothing of its is touched),
 * then removes the sandboxes an earlier process of this server left, then serves episodes.
 */
export async function startServer(input: ServeOptionsInput): Promise<RunningServer> {
  const options = resolveServeOptions(input);
  const { app, metrics, registry, ready } = buildServer(options);
  const address = await app.listen({ host: options.host, port: options.port });
  let leftoversRemoved = 0;
  try {
    leftoversRemoved = (await options.driver?.removeLeftovers?.()) ?? 0;
  } catch (error) {
    await app.close();
    throw error;
  }
  registry?.startReaper();
  ready();
  let closing: Promise<void> | undefined;
  return {
    url: address,
    app,
    metrics,
    registry,
    leftoversRemoved,
    shutdown: () =>
      (closing ??= (async () => {
        const closed = app.close();
        try {
          await registry?.shutdown();
          await options.driver?.close?.();
        } finally {
          await closed;
        }
      })()),
  };
}
