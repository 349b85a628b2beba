/**
 * The flags that say where an instance's sandbox comes from (`--instances`, `--repos`,
 * `--environments`, `--backend`, `--allow-unsafe`), shared by every command that starts episodes
 * on task instances (`rollout`, `traj replay`), with the one place that turns them into sandboxes.
 */
import type { Command } from 'commander';
import { InstanceSandboxes } from '../agent/instance-sandbox.js';
import { resolveBackend, type BackendChoice } from '../sandbox/backend-choice.js';
import { sandboxBackend } from './option-values.js';

export interface InstanceSandboxFlags {
  instances: string;
  repos: string;
  environments?: string;
  backend: BackendChoice;
  allowUnsafe?: boolean;
  /** No image-build progress lines. */
  quiet?: boolean;
}

export function withInstanceSandboxFlags(command: Command): Command {
  return command
    .requiredOption('--instances <file>', 'SWE-bench-style instances (JSON or JSONL)')
    .requiredOption('--repos <dir>', 'repositories as owner__name clones or bundles')
    .option('--environments <dir>', 'environment specs, for the docker backend', 'environments')
    .option('--backend <backend>', 'auto (Docker when an engine answers, else local), docker or local', sandboxBackend, 'auto' as BackendChoice)
    .option('--allow-unsafe', 'local backend without bubblewrap isolation');
}

/** Resolves `--backend auto` (saying so when it falls back to local) and makes the sandbox source. */
export async function instanceSandboxesFrom(flags: InstanceSandboxFlags, log: (line: string) => void): Promise<InstanceSandboxes> {
  const { backend, fallbackReason } = await resolveBackend(flags.backend);
  if (fallbackReason !== undefined) log(`${fallbackReason}: sandboxes use the local backend (bubblewrap)`);
  return new InstanceSandboxes({
    backend,
    reposDir: flags.repos,
    ...(flags.environments !== undefined ? { environmentsDir: flags.environments } : {}),
    ...(flags.allowUnsafe ? { allowUnsafe: true } : {}),
    ...(flags.quiet ? {} : { onProgress: (line: string) => log(`  │ ${line}`) }),
  });
}
