/**
 * Running `makeTasks` without an engine, for tests of its own logic (resume, determinism, bad
 * input, a full disk): the probe runs on the host's python3 and validation evaluates in clones on
 * the host (the evaluator's host test doubles). The Docker tests run the real thing.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostCloneProvider } from '../../eval/helpers/host-provider.js';
import { HostDirectorySandbox } from '../../eval/helpers/host-sandbox.js';
import type { MakeTasksOptions } from '../../../src/tasks/index.js';
import { FAMILY_REPO } from '../../../src/tasks/index.js';

export function hostSandboxes(): Pick<MakeTasksOptions, 'provider' | 'openProbeSandbox'> {
  return {
    provider: (_runId, reposDir) => new HostCloneProvider({ [FAMILY_REPO]: join(reposDir, 'swe-srl__tasks') }),
    openProbeSandbox: async () => new HostDirectorySandbox(await mkdtemp(join(tmpdir(), 'swe-srl-probe-host-'))),
  };
}

/** Options that fail the test if makeTasks ever reaches for a sandbox (bad input must stop before). */
export function forbiddenSandboxes(): Pick<MakeTasksOptions, 'provider' | 'openProbeSandbox'> {
  return {
    provider: () => {
      throw new Error('makeTasks opened an evaluation sandbox');
    },
    openProbeSandbox: () => {
      throw new Error('makeTasks opened a probe sandbox');
    },
  };
}
