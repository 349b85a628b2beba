/**
 * The flags that say where an instance's sandbox comes from (`--instances`, `--repos`,
 * `--environments`, `--backend`, `--engine`, `--allow-unsafe`), shared by every command that starts
 * episodes on task instances (`rollout`, `traj replay`), as overrides of the run configuration's
 * `sandbox` section, and the one place that turns that section into sandboxes.
 */
import { InstanceSandboxes } from '../agent/instance-sandbox.js';
import { resolveBackend } from '../sandbox/backend-choice.js';
import { DockerEngines } from '../sandbox/docker/engines.js';
import { FieldError } from '../errors.js';
import type { RunConfig } from '../config/run-config.js';
import type { ConfigBinding } from './config-flags.js';
import { integerAtLeast, sandboxBackend } from './option-values.js';

function collect(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}

/** Sandboxes started ahead of a batch run's workers (eval, rollout). */
export const POOL_SIZE_BINDING: ConfigBinding = {
  flags: '--pool-size <n>',
  description: 'docker: sandboxes started ahead of the workers from the run\'s plan, images built first (default 0: each started when needed)',
  path: 'sandbox.poolSize',
  parse: integerAtLeast('--pool-size', 0),
};

/** The sandbox flags; `--instances` sets the instances file of `section` (rollout, eval). */
export function instanceSandboxBindings(section: 'rollout' | 'eval'): ConfigBinding[] {
  return [
    { flags: '--instances <file>', description: 'SWE-bench-style instances (JSON or JSONL)', path: `${section}.instances` },
    { flags: '--repos <dir>', description: 'repositories as owner__name clones or bundles', path: 'sandbox.repos' },
    { flags: '--environments <dir>', description: 'environment specs, for the docker backend (default: environments)', path: 'sandbox.environments' },
    { flags: '--backend <backend>', description: 'auto (Docker when an engine answers, else local), docker or local (default: auto)', path: 'sandbox.backend', parse: sandboxBackend },
    { flags: '--engine <endpoint>', description: 'docker: an engine endpoint as DOCKER_HOST takes it (repeatable; default SWE_SRL_DOCKER_HOSTS, DOCKER_HOST, the socket)', path: 'sandbox.engines', parse: collect },
    { flags: '--allow-unsafe', description: 'local backend without bubblewrap isolation', path: 'sandbox.allowUnsafe' },
  ];
}

export interface InstanceSandboxFlags {
  instances?: string;
  repos?: string;
  environments?: string;
  backend?: 'auto' | 'docker' | 'local';
  engine?: string[];
  allowUnsafe?: boolean;
  /** No image-build progress lines. */
  quiet?: boolean;
  config?: string;
}

/** Resolves `backend: auto` (saying so when it falls back to local) and makes the sandbox source. */
export async function instanceSandboxesFor(sandbox: RunConfig['sandbox'], log: (line: string) => void, quiet = false): Promise<InstanceSandboxes> {
  if (sandbox.repos === undefined) throw new FieldError('sandbox.repos', 'is required: the folder of owner__name clones or bundles of the repositories');
  const engines = sandbox.engines && sandbox.engines.length > 0 ? DockerEngines.fromEndpoints(sandbox.engines) : undefined;
  const { backend, fallbackReason } = await resolveBackend(sandbox.backend, ...(engines ? [engines] : []));
  if (fallbackReason !== undefined) log(`${fallbackReason}: sandboxes use the local backend (bubblewrap)`);
  return new InstanceSandboxes({
    backend,
    reposDir: sandbox.repos,
    environmentsDir: sandbox.environments,
    ...(sandbox.allowUnsafe ? { allowUnsafe: true } : {}),
    ...(sandbox.network ? { network: true } : {}),
    ...(sandbox.outputLimitBytes !== undefined ? { outputLimitBytes: sandbox.outputLimitBytes } : {}),
    ...(engines ? { engines } : {}),
    poolSize: sandbox.poolSize,
    limits: {
      ...(sandbox.memoryBytes !== undefined ? { memoryBytes: sandbox.memoryBytes } : {}),
      ...(sandbox.cpus !== undefined ? { cpus: sandbox.cpus } : {}),
      ...(sandbox.pidsLimit !== undefined ? { pidsLimit: sandbox.pidsLimit } : {}),
    },
    ...(quiet ? {} : { onProgress: (line: string) => log(`  │ ${line}`) }),
  });
}
