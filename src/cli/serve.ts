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
import { SRL_REWARD_MODES, type SrlRewardMode } from '../reward/srl.js';
import { loadExpertActions } from '../reward/srl/score-file.js';
import { buildSampleRepositories } from '../sandbox/repos/sample-repos.js';
import { WarmPool } from '../sandbox/pool/index.js';
import { DEFAULT_HOST, DEFAULT_PORT, SERVE_DEFAULTS, startServer, ToolEpisodeDriver } from '../serve/index.js';
import { integerAtLeast, oneOf, positiveSeconds } from './option-values.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

interface ServeFlags {
  host: string;
  port: number;
  token?: string;
  steps?: string;
  mode: SrlRewardMode;
  instances?: string;
  environments: string;
  repos?: string;
  sampleInstances?: boolean;
  templates: string;
  poolSize: number;
  prewarm?: boolean;
  maxEpisodes: number;
  idleTimeout: number;
  stepTimeout: number;
  maxSteps: number;
  runId?: string;
}

export function registerServeCommand(program: Command): Command {
  return program
    .command('serve')
    .description('serve SRL rewards (/reward/srl, OpenRLHF /get_reward) and episodes (/episodes) over HTTP')
    .option('--host <address>', 'address to listen on (loopback unless you give a token)', DEFAULT_HOST)
    .option('--port <port>', 'port (0 picks a free one)', integerAtLeast('--port', 0), DEFAULT_PORT)
    .option('--token <token>', 'bearer token every request must carry (default: SWE_SRL_TOKEN); required off loopback')
    .option('--steps <file>', 'steps JSONL (traj steps or export jsonl) for /reward/srl with step_ids')
    .option('--mode <mode>', 'reward comparison: canonical or raw', oneOf('--mode', SRL_REWARD_MODES), 'canonical')
    .option('--instances <file>', 'SWE-bench-style instances to run episodes on (Docker)')
    .option('--environments <dir>', 'environment specs of the instances', 'environments')
    .option('--repos <dir>', 'repositories as owner__name clones or bundles')
    .option('--sample-instances', "episodes on the built-in sample instances (repositories built locally)")
    .option('--templates <name|file>', 'prompt templates of the episodes', 'xml-function-calling')
    .option('--pool-size <n>', 'warm sandboxes kept per instance image', integerAtLeast('--pool-size', 0), 2)
    .option('--prewarm', 'fill the warm pool for every instance at start')
    .option('--max-episodes <n>', 'episodes at once; more get 429', integerAtLeast('--max-episodes', 1), SERVE_DEFAULTS.episodes.maxEpisodes)
    .option('--idle-timeout <seconds>', 'remove an episode after this long without a request', positiveSeconds('--idle-timeout'), SERVE_DEFAULTS.episodes.idleTimeoutMs / 1000)
    .option('--step-timeout <seconds>', 'time limit of one step request', positiveSeconds('--step-timeout'), SERVE_DEFAULTS.episodes.stepTimeoutMs / 1000)
    .option('--max-steps <n>', 'actions per episode before exit_step_limit', integerAtLeast('--max-steps', 1), 50)
    .option('--run-id <id>', 'label of the sandboxes; a restart with the same id removes what a killed server left (default swe-srl-serve-PORT)')
    .action(async (flags: ServeFlags) => {
      const log = (line: string): void => console.error(`swe-srl serve: ${line}`);
      const token = flags.token ?? process.env.SWE_SRL_TOKEN;
      let driver: ToolEpisodeDriver | undefined;
      let pool: WarmPool | undefined;
      if (flags.instances !== undefined || flags.sampleInstances) {
        if (flags.instances !== undefined && flags.sampleInstances) throw new InputError('--instances and --sample-instances: give one');
        let instancesFile = flags.instances;
        let environmentsDir = flags.environments;
        let reposDir = flags.repos;
        if (flags.sampleInstances) {
          instancesFile = join(SAMPLE_INSTANCES_DIR, 'instances.jsonl');
          environmentsDir = join(SAMPLE_INSTANCES_DIR, 'environments');
          reposDir ??= join(projectRoot, '.swe-srl', 'repos');
          await buildSampleRepositories(SAMPLE_INSTANCES_DIR, reposDir);
        }
        if (reposDir === undefined) throw new InputError('--repos: needed with --instances (where the repositories are)');
        pool = new WarmPool({ size: flags.poolSize, onError: (error) => log(`warm pool: a sandbox failed to start: ${error instanceof Error ? error.message : String(error)}`) });
        driver = new ToolEpisodeDriver({
          instancesFile: instancesFile!,
          environmentsDir,
          reposDir,
          pool,
          runId: flags.runId ?? `swe-srl-serve-${flags.port}`,
          templates: flags.templates,
          maxSteps: flags.maxSteps,
          onProgress: (line) => log(`  │ ${line}`),
        });
        log(`${await driver.load()} instances from ${instancesFile!}`);
      }
      const server = await startServer({
        host: flags.host,
        port: flags.port,
        ...(token !== undefined ? { token } : {}),
        mode: flags.mode,
        ...(flags.steps ? { steps: await loadExpertActions(flags.steps) } : {}),
        ...(driver ? { driver } : {}),
        episodes: { maxEpisodes: flags.maxEpisodes, idleTimeoutMs: Math.round(flags.idleTimeout * 1000), stepTimeoutMs: Math.round(flags.stepTimeout * 1000) },
        log,
      });
      if (server.leftoversRemoved > 0) log(`removed ${server.leftoversRemoved} sandbox(es) an earlier server left`);
      log(`listening on ${server.url}${driver ? '' : ' (rewards only: no --instances)'}`);
      if (driver && pool && flags.prewarm) {
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
