/**
 * `swe-srl config print [--config FILE] [COMMAND [FLAGS…]]`: the effective run configuration, as
 * YAML: the defaults, then the file, then, when a command line follows, that command's flags
 * (`swe-srl config print --config run.yaml rollout --max-steps 10`). Nothing runs.
 */
import type { Command } from 'commander';
import { loadRunConfigFile, resolveRunConfig, type RunConfig } from '../config/run-config.js';
import { configAsYaml, printConfigInsteadOfRunning } from './config-flags.js';

/** Fills in the values a command takes from the environment when the configuration leaves them out. */
function withEnvironmentDefaults(config: RunConfig, env: NodeJS.ProcessEnv = process.env): RunConfig {
  if (config.policy?.type !== 'openai') return config;
  const policy = config.policy as Record<string, unknown>;
  return {
    ...config,
    policy: {
      ...config.policy,
      baseUrl: (policy.baseUrl as string | undefined) ?? env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
      ...(policy.model === undefined && env.OPENAI_MODEL ? { model: env.OPENAI_MODEL } : {}),
      ...(policy.apiKey === undefined && env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
    },
  };
}

export function registerConfigCommand(program: Command): void {
  const config = program.command('config');
  config
    .command('print')
    .description("print the effective run configuration: defaults, the --config file, then a command's flags")
    .option('--config <file>', 'a run configuration (YAML)')
    .argument('[command...]', 'a command line whose flags override the file (e.g. rollout --max-steps 10)')
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (commandLine: string[], flags: { config?: string }) => {
      const print = (effective: RunConfig) => process.stdout.write(configAsYaml(withEnvironmentDefaults(effective)));
      if (commandLine.length === 0) {
        const file = flags.config !== undefined ? await loadRunConfigFile(flags.config) : undefined;
        print(resolveRunConfig(file, {}, flags.config ?? 'defaults'));
        return;
      }
      // The command parses its own flags, then prints instead of running.
      printConfigInsteadOfRunning(print);
      const { main } = await import('./main.js');
      await main([...commandLine, ...(flags.config !== undefined ? ['--config', flags.config] : [])]);
    });
}

/** For the command table in main.ts. */
export const register = registerConfigCommand;
