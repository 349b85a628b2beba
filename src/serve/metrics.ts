/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one process, as in the
 * tests, do not share counts): episodes live, start and step latency, rewards served, errors.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export class ServeMetrics {
  readonly registry = new Registry();
  readonly episodesLive = new Gauge({ name: 'swe_srl_episodes_live', help: 'Episodes holding a sandbox now', registers: [this.registry] });
  readonly episodesStarted = new Counter({ name: 'swe_srl_episodes_started_total', help: 'Episodes started', registers: [this.registry] });
  readonly episodesEnded = new Counter({
    name: 'swe_srl_episodes_ended_total',
    help: 'Episodes whose sandbox was removed, by why',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly episodeStartSeconds = new Histogram({
    name: 'swe_srl_episode_start_seconds',
    help: 'Time to start an episode (sandbox included), by where the sandbox came from (warm pool or cold start)',
    labelNames: ['sandbox'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly stepSeconds = new Histogram({ name: 'swe_srl_step_seconds', help: 'Time of one episode step', buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly rewardsServed = new Counter({
    name: 'swe_srl_rewards_served_total',
    help: 'SRL rewards computed, by endpoint',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });
  readonly rewardBatchSeconds = new Histogram({
    name: 'swe_srl_reward_batch_seconds',
    help: 'Time to score one reward batch',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly errors = new Counter({ name: 'swe_srl_errors_total', help: 'Answers with a 4xx or 5xx status, by status', labelNames: ['status'] as const, registers: [this.registry] });
  readonly clientDisconnects = new Counter({ name: 'swe_srl_client_disconnects_total', help: 'Requests whose client went away before the answer', registers: [this.registry] });

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
