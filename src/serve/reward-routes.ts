/** `POST /reward/srl` and OpenRLHF's `POST /get_reward`. */
import type { FastifyInstance } from 'fastify';
import { openRlhfBodySchema, parseBody, srlRewardBodySchema } from './bodies.js';
import type { ServeMetrics } from './metrics.js';
import { expertsOfLabels, expertsOfStepIds, expertsOfTargets, responseOfQuery, scoreBatch } from './reward-service.js';
import type { ServeOptions } from './serve-options.js';

export function registerRewardRoutes(app: FastifyInstance, options: ServeOptions, metrics: ServeMetrics): void {
  const srlBody = srlRewardBodySchema(options);
  const openRlhfBody = openRlhfBodySchema(options);

  app.post('/reward/srl', async (request) => {
    const started = Date.now();
    const body = parseBody(srlBody, request.body);
    const experts = body.targets ? expertsOfTargets(body.targets) : expertsOfStepIds(body.step_ids!, options.steps);
    const scored = await scoreBatch(body.responses, experts, body.mode ?? options.mode, started + options.rewardTimeoutMs);
    metrics.rewardsServed.inc({ endpoint: 'reward_srl' }, scored.rewards.length);
    metrics.rewardBatchSeconds.observe((Date.now() - started) / 1000);
    return scored;
  });

  // OpenRLHF's remote reward protocol (`--remote_rm_url http://HOST:PORT/get_reward`).
  app.post('/get_reward', async (request) => {
    const started = Date.now();
    const body = parseBody(openRlhfBody, request.body);
    const responses = body.query.map((query, index) => responseOfQuery(query, body.prompts[index]!, index));
    const scored = await scoreBatch(responses, expertsOfLabels(body.labels), options.mode, started + options.rewardTimeoutMs);
    metrics.rewardsServed.inc({ endpoint: 'get_reward' }, scored.rewards.length);
    metrics.rewardBatchSeconds.observe((Date.now() - started) / 1000);
    return {
      rewards: scored.rewards,
      scores: scored.scores,
      extra_logs: { srl_format_ok: scored.format_ok.map((ok) => (ok ? 1 : 0)), srl_reward: scored.rewards },
    };
  });
}
