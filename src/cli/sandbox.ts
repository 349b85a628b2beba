/**
 * `swe-srl sandbox prune|exec`: remove leftover sandbox containers, and run one command in a
 * fresh sandbox for a manual check. A Ctrl-C (or SIGTERM) removes the sandbox it started.
 */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import {
  closeSandboxesOnSignal,
  createSandbox,
  DockerEngines,
  pruneSandboxes,
  type SandboxConfig,
} from '../sandbox/index.js';
import { positiveSeconds } from './option-values.js';

interface ExecOptions {
  image?: string;
  local?: string;
  commit?: string;
  unsafe?: boolean;
  engine?: string[];
  network?: boolean;
  timeout: number;
  instance?: string;
  run?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function enginesFrom(endpoints: string[] | undefined): DockerEngines | undefined {
  return endpoints === undefined ? undefined : DockerEngines.fromEndpoints(endpoints);
}

export function sandboxConfigFromFlags(options: ExecOptions): SandboxConfig {
  if ((options.image === undefined) === (options.local === undefined)) {
    throw new InputError('give exactly one of --image IMAGE (docker) and --local REPO (local)');
  }
  if (options.local !== undefined) {
    return { type: 'local', repoPath: options.local, commit: options.commit, allowUnsafe: options.unsafe ?? false };
  }
  const engines = enginesFrom(options.engine);
  return {
    type: 'docker',
    image: options.image!,
    network: options.network ?? false,
    ...(options.instance === undefined ? {} : { instanceId: options.instance }),
    ...(options.run === undefined ? {} : { runId: options.run }),
    ...(engines === undefined ? {} : { engines }),
  };
}

export function registerSandboxCommand(program: Command): void {
  const sandbox = program.command('sandbox').description('manage sandboxes: remove leftovers, run a command in a fresh one');

  sandbox
    .command('prune')
    .description('force-remove sandbox containers left behind, found by their swe-srl.run label')
    .option('--run <id>', 'only the sandboxes of this run')
    .option('--engine <endpoint>', 'an engine endpoint as DOCKER_HOST takes it (repeatable; default: the environment\'s)', collect)
    .action(async (options: { run?: string; engine?: string[] }) => {
      const engines = enginesFrom(options.engine);
      const removed = await pruneSandboxes({
        ...(engines === undefined ? {} : { engines }),
        ...(options.run === undefined ? {} : { runId: options.run }),
      });
      console.log(`removed ${removed} sandbox container(s)${options.run === undefined ? '' : ` of run ${options.run}`}`);
    });

  sandbox
    .command('exec')
    .description('start a sandbox, run one command in its session, print the output, remove the sandbox')
    .option('--image <image>', 'docker: the image to start (its /testbed holds the repository)')
    .option('--local <repo>', 'local: a git repository on this machine (run under bubblewrap)')
    .option('--commit <commit>', 'local: the commit to check out (default HEAD)')
    .option('--unsafe', 'local: run without bubblewrap isolation when it is missing')
    .option('--engine <endpoint>', 'docker: an engine endpoint (repeatable; the least-loaded one is used)', collect)
    .option('--network', 'docker: allow network access (off by default)')
    .option('--instance <id>', 'docker: the swe-srl.instance label')
    .option('--run <id>', 'docker: the swe-srl.run label')
    .option('--timeout <seconds>', 'interrupt the command after this long', positiveSeconds('--timeout'), 120)
    .argument('<command...>', 'the command (put it after --)')
    .action(async (words: string[], options: ExecOptions) => {
      const config = sandboxConfigFromFlags(options);
      const stopHandling = closeSandboxesOnSignal();
      try {
        const box = await createSandbox(config, { source: 'flags' });
        try {
          const result = await box.run(words.join(' '), { timeoutMs: options.timeout * 1000 });
          process.stdout.write(result.output);
          if (result.timedOut) console.error(`swe-srl: the command timed out after ${options.timeout} s`);
          if (result.sessionRestarted) console.error('swe-srl: the shell had to be restarted');
          // 124 for a timeout, as coreutils' timeout(1) reports it.
          process.exitCode = result.timedOut ? 124 : (result.exitCode ?? 1);
        } finally {
          await box.close();
        }
      } finally {
        stopHandling();
      }
    });
}

/** For the command table in main.ts. */
export const register = registerSandboxCommand;
