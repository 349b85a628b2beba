/**
 * `swe-srl serve [--host H] [--port P] [--token T]`: SRL rewards and episodes over HTTP for the RL
 * frameworks (verl, OpenRLHF, TRL, SkyRL, rllm; adapters in integrations/python/). Loopback by
 * default; any other address needs a bearer token. SIGTERM or Ctrl-C removes every sandbox first.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { SAMPLE_INSTANCES_DIR } from '../eval/sample-instances.js';
import { SRL_REWARD_MODES } from '../reward/srl.js';
import { loadExpertActions } from '../reward/srl/score-file.js';
import { buildSampleRepositories } from '../sandbox/repos/sample-repos.js';
import { DockerEngines } from '../sandbox/docker/engines.js';
import { WarmPool } from '../sandbox/pool/index.js';
import { startServer, ToolEpisodeDriver } from '../serve/index.js';
import { effectiveConfig, withConfigFlags, type ConfigBinding } from './config-flags.js';
import { integerAtLeast, oneOf, positiveSeconds } from './option-values.js';
import { AGENT_BINDINGS, bindingsOf, seconds } from './run-bindings.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

interface ServeFlags {
  config?: string;
  [flag: string]: unknown;
}

const SERVE_BINDINGS: readonly ConfigBinding[] = [
  { flags: '--host <address>', description: 'address to listen on (loopback unless you give a token; default 127.0.0.1)', path: 'serve.host' },
  { flags: '--port <port>', description: 'port (0 picks a free one; default 8765)', path: 'serve.port', parse: integerAtLeast('--port', 0) },
  { flags: '--token <token>', description: 'bearer token every request must carry (default: SWE_SRL_TOKEN); required off loopback', path: 'serve.token' },
  { flags: '--steps <file>', description: 'steps JSONL (traj steps or export jsonl) for /reward/srl with step_ids', path: 'serve.steps' },
  { flags: '--mode <mode>', description: 'reward comparison: canonical or raw (default canonical)', path: 'serve.mode', parse: oneOf('--mode', SRL_REWARD_MODES) },
  { flags: '--instances <file>', description: 'SWE-bench-style instances to run episodes on (Docker)', path: 'serve.instances' },
  { flags: '--environments <dir>', description: 'environment specs of the instances (default: environments)', path: 'sandbox.environments' },
  { flags: '--repos <dir>', description: 'repositories as owner__name clones or bundles', path: 'sandbox.repos' },
  { flags: '--sample-instances', description: 'episodes on the built-in sample instances (repositories built locally)', path: 'serve.sampleInstances' },
  { flags: '--templates <name|file>', description: 'prompt templates of the episodes (default xml-function-calling)', path: 'agent.template' },
  { flags: '--pool-size <n>', description: 'warm sandboxes kept per instance image (default 2)', path: 'serve.poolSize', parse: integerAtLeast('--pool-size', 0) },
  { flags: '--prewarm', description: 'fill the warm pool for every instance at start', path: 'serve.prewarm' },
  { flags: '--max-episodes <n>', description: 'episodes at once; more get 429 (default 16)', path: 'serve.maxEpisodes', parse: integerAtLeast('--max-episodes', 1) },
  { flags: '--idle-timeout <seconds>', description: 'remove an episode after this long without a request (default 600)', path: 'serve.idleTimeoutMs', parse: positiveSeconds('--idle-timeout'), toConfig: seconds },
  { flags: '--step-timeout <seconds>', description: 'time limit of one step request (default 300)', path: 'serve.stepTimeoutMs', parse: positiveSeconds('--step-timeout'), toConfig: seconds },
  ...bindingsOf(AGENT_BINDINGS, ['--max-steps', '--action-timeout', '--max-format-errors', '--think']),
  { flags: '--run-id <id>', description: 'label of the sandboxes; a restart with the same id removes what a killed server left (default swe-srl-serve-PORT)', path: 'serve.runId' },
];

export function registerServeCommand(program: Command): Command {
  const command = program.command('serve').description('serve SRL rewards (/reward/srl, OpenRLHF /get_reward) and episodes (/episodes) over HTTP');
  return withConfigFlags(command, SERVE_BINDINGS)
    .action(async (flags: ServeFlags) => {
      const config = await effectiveConfig(SERVE_BINDINGS, flags);
      if (config === undefined) return;
      const settings = config.serve;
      const log = (line: string): void => console.error(`swe-srl serve: ${line}`);
      const token = settings.token ?? process.env.SWE_SRL_TOKEN;
      let driver: ToolEpisodeDriver | undefined;
      let pool: WarmPool | undefined;
      if (settings.instances !== undefined || settings.sampleInstances) {
        if (settings.instances !== undefined && settings.sampleInstances) throw new InputError('--instances and --sample-instances: give one');
        let instancesFile = settings.instances;
        let environmentsDir = config.sandbox.environments;
        let reposDir = config.sandbox.repos;
        if (settings.sampleInstances) {
          instancesFile = join(SAMPLE_INSTANCES_DIR, 'instances.jsonl');
          environmentsDir = join(SAMPLE_INSTANCES_DIR, 'environments');
          reposDir ??= join(projectRoot, '.swe-srl', 'repos');
          await buildSampleRepositories(SAMPLE_INSTANCES_DIR, reposDir);
        }
        if (reposDir === undefined) throw new InputError('--repos: needed with --instances (where the repositories are)');
        pool = new WarmPool({ size: settings.poolSize, onError: (error) => log(`warm pool: a sandbox failed to start: ${error instanceof Error ? error.message : String(error)}`) });
        const engines = config.sandbox.engines && config.sandbox.engines.length > 0 ? DockerEngines.fromEndpoints(config.sandbox.engines) : undefined;
        driver = new ToolEpisodeDriver({
          instancesFile: instancesFile!,
          environmentsDir,
          reposDir,
          pool,
          runId: settings.runId ?? `swe-srl-serve-${settings.port}`,
          ...(config.agent.template !== undefined ? { templates: config.agent.template } : {}),
          agent: {
            limits: config.agent.limits,
            tools: config.tools,
            ...(config.agent.thinkTags !== undefined ? { thinkTags: config.agent.thinkTags } : {}),
          },
          ...(engines ? { engines } : {}),
          onProgress: (line) => log(`  │ ${line}`),
        });
        log(`${await driver.load()} instances from ${instancesFile!}`);
      }
      const server = await startServer({
        host: settings.host,
        port: settings.port,
        ...(token !== undefined ? { token } : {}),
        mode: settings.mode,
        ...(settings.steps ? { steps: await loadExpertActions(settings.steps) } : {}),
        ...(driver ? { driver } : {}),
        episodes: { maxEpisodes: settings.maxEpisodes, idleTimeoutMs: settings.idleTimeoutMs, stepTimeoutMs: settings.stepTimeoutMs },
        log,
      });
      if (server.leftoversRemoved > 0) log(`removed ${server.leftoversRemoved} sandbox(es) an earlier server left`);
      log(`listening on ${server.url}${driver ? '' : ' (rewards only: no --instances)'}`);
      if (driver && pool && settings.prewarm) {
        for (const id of await driver.instanceIds()) await pool.prewarm(await driver.sandboxConfig(id));
        log(`warm pool: ${pool.stats().idle} sandboxes ready`);
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals): void => {
          log(`${signal}: removing ${server.registry?.live ?? 0} episode sandbox(es) and the warm pool`);
          void server.shutdown().finally(() => {
            process.exitCode = 0;
            resolve();
          });
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}

/** For the command table in main.ts. */
export const register = registerServeCommand;
