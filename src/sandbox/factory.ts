/**
 * One entry point from a config to a running sandbox. Configs are told apart by `type` and
 * validated on the way in, so a config read from a file fails with the field that is wrong.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { DockerSandbox } from './docker/docker-sandbox.js';
import { type DockerSandboxConfig, dockerSandboxConfigSchema } from './docker/docker-config.js';
import { DockerEngines } from './docker/engines.js';
import { type LiveSandboxes, liveSandboxes } from './live-sandboxes.js';
import { type LocalSandboxConfig, localSandboxConfigSchema } from './local/local-config.js';
import { LocalSandbox } from './local/local-sandbox.js';
import type { Sandbox } from './types.js';

export type { DockerSandboxConfig } from './docker/docker-config.js';
export type { LocalSandboxConfig } from './local/local-config.js';
export type SandboxConfig = DockerSandboxConfig | LocalSandboxConfig;

export const sandboxConfigSchema = z.discriminatedUnion('type', [dockerSandboxConfigSchema, localSandboxConfigSchema]);

export interface CreateSandboxOptions {
  /** Where open sandboxes are tracked for signal cleanup. Default: the process-wide registry. */
  registry?: LiveSandboxes;
  /** Names the config's origin in error messages (a file, a flag). */
  source?: string;
}

/** Checks a config that came from outside (a file, flags); the error names each wrong field. */
export function parseSandboxConfig(value: unknown, source = 'sandbox config'): SandboxConfig {
  const parsed = sandboxConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data as SandboxConfig;
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(config)';
    return `${field}: ${issue.message}`;
  });
  throw new InputError(`${source}: ${problems.join('; ')}`);
}

let environmentEngines: DockerEngines | undefined;

/**
 * The engines named by the environment, made once per process so that placement counts are
 * shared by every sandbox that does not bring its own DockerEngines.
 */
export function defaultDockerEngines(): DockerEngines {
  environmentEngines ??= DockerEngines.fromEnvironment();
  return environmentEngines;
}

export async function createSandbox(config: SandboxConfig, options: CreateSandboxOptions = {}): Promise<Sandbox> {
  const checked = parseSandboxConfig(config, options.source);
  const registry = options.registry ?? liveSandboxes;
  if (checked.type === 'docker') {
    return registry.trackCreation(DockerSandbox.create(checked, checked.engines ?? defaultDockerEngines()));
  }
  return registry.trackCreation(LocalSandbox.create(checked));
}
