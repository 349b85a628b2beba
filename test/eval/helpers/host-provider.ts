/**
 * An InstanceSandboxProvider over host directories: each sandbox is a fresh clone of the instance's
 * repository at base_commit, removed on close. Fast enough to test the run logic (resume, summary,
 * reports) without an engine; the Docker tests cover the real thing.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import type { Instance } from '../../../src/eval/instances.js';
import type { InstanceSandboxProvider } from '../../../src/eval/sandbox-provider.js';
import { UnavailableError } from '../../../src/errors.js';
import { HostDirectorySandbox } from './host-sandbox.js';
import { removeTree } from '../../helpers/temp-dir.js';

export class HostCloneProvider implements InstanceSandboxProvider {
  opened = 0;
  readonly sandboxes: HostDirectorySandbox[] = [];

  constructor(private readonly repositories: Record<string, string>) {}

  async open(instance: Instance): Promise<HostDirectorySandbox> {
    const source = this.repositories[instance.repo];
    if (!source) throw new UnavailableError(`no repository for ${instance.repo}`);
    const dir = await mkdtemp(join(tmpdir(), 'swe-srl-host-sandbox-'));
    await simpleGit().clone(source, dir);
    await simpleGit(dir).checkout(instance.base_commit);
    this.opened++;
    const sandbox = new HostDirectorySandbox(dir);
    const close = sandbox.close.bind(sandbox);
    sandbox.close = async () => {
      await close();
      await removeTree(dir);
    };
    this.sandboxes.push(sandbox);
    return sandbox;
  }
}
