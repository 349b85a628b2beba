/**
 * The episode endpoints: start one on a task instance, step it, close it for the patch and the RLVR
 * verdict, delete it; `GET` says where it stands (a client whose step answer was lost reads it there).
 */
import type { FastifyInstance } from 'fastify';
import { episodeStartBodySchema, episodeStepBodySchema, parseBody, type EpisodeStepBody } from './bodies.js';
import type { EpisodeAction } from './episode-driver.js';
import type { EpisodeRegistry } from './episode-registry.js';
import type { ServeMetrics } from './metrics.js';
import type { ServeOptions } from './serve-options.js';

/** The step body as one model turn: tool calls in OpenAI's shape or flat, arguments as JSON text. */
export function actionOfStepBody(body: EpisodeStepBody): EpisodeAction {
  return {
    text: body.text ?? '',
    toolCalls: (body.tool_calls ?? []).map((call, index) => {
      const fn = 'function' in call ? (call.function as { name: string; arguments?: unknown }) : (call as { name: string; arguments?: unknown });
      const args = fn.arguments ?? {};
      return { id: call.id ?? `call_${index}`, name: fn.name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
    }),
  };
}

interface IdParams {
  id: string;
}

export function registerEpisodeRoutes(app: FastifyInstance, registry: EpisodeRegistry, options: ServeOptions, metrics: ServeMetrics, log: (line: string) => void): void {
  const stepBody = episodeStepBodySchema(options);

  app.post('/episodes', async (request, reply) => {
    const body = parseBody(episodeStartBodySchema, request.body);
    const started = await registry.start(body.instance_id, body.sample);
    reply.code(201);
    return {
      episode_id: started.id,
      messages: started.messages,
      ...(started.tools ? { tools: started.tools } : {}),
      ...(started.warm !== undefined ? { sandbox: started.warm ? 'warm' : 'cold' } : {}),
    };
  });

  app.post<{ Params: IdParams }>('/episodes/:id/step', async (request, reply) => {
    const action = actionOfStepBody(parseBody(stepBody, request.body));
    // A client that goes away mid-step does not stop the step: the sandbox stays consistent, and the
    // result waits in GET /episodes/:id for a client that reconnects.
    reply.raw.once('close', () => {
      if (!reply.sent) {
        metrics.clientDisconnects.inc();
        log(`episode ${request.params.id}: the client went away during a step; the step finishes and its result is kept`);
      }
    });
    const result = await registry.step(request.params.id, action);
    return { observation: result.observation, done: result.done, reward: result.reward, exit_status: result.exitStatus, messages: result.messages, steps: result.steps };
  });

  app.post<{ Params: IdParams }>('/episodes/:id/close', async (request) => {
    const result = await registry.close(request.params.id);
    return { patch: result.patch, exit_status: result.exitStatus, verdict: result.verdict };
  });

  app.get<{ Params: IdParams }>('/episodes/:id', async (request) => registry.info(request.params.id));

  app.delete<{ Params: IdParams }>('/episodes/:id', async (request) => {
    await registry.remove(request.params.id);
    return { removed: true };
  });
}
