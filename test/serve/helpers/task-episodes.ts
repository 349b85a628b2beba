/**
 * Episodes on the built-in task family (src/tasks, `swe-srl tasks make`): one easy task made with
 * the host test doubles (the probe and the validation on the host's python3, as the task tests do
 * off Docker), then served from Docker like any instance: its own image, built from the generated
 * repository, a warm pool, the agent loop's Episode, the RLVR grade.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTasks } from '../../../src/tasks/index.js';
import { WarmPool } from '../../../src/sandbox/pool/index.js';
import { ToolEpisodeDriver } from '../../../src/serve/drivers/tool-episode-driver.js';
import { hostSandboxes } from '../../tasks/helpers/host-tasks.js';
import { preferSystemPython } from '../../tasks/helpers/system-python.js';

export interface BuiltInTask {
  instanceId: string;
  /** The task's gold patch (what the teacher would write). */
  patch: string;
  problemStatement: string;
  driver: ToolEpisodeDriver;
}

export async function builtInTaskDriver(dir: string, runId: string, templates?: string): Promise<BuiltInTask> {
  preferSystemPython();
  const { layout } = await makeTasks({ count: 1, seed: 7, tier: 'easy', outDir: join(dir, 'tasks'), ...hostSandboxes() });
  const [line] = (await readFile(layout.instances, 'utf8')).split('\n');
  const instance = JSON.parse(line!) as { instance_id: string; patch: string; problem_statement: string };
  const driver = new ToolEpisodeDriver({
    instancesFile: layout.instances,
    environmentsDir: layout.environmentsDir,
    reposDir: layout.reposDir,
    pool: new WarmPool({ size: 1 }),
    runId,
    ...(templates !== undefined ? { templates } : {}),
  });
  await driver.load();
  return { instanceId: instance.instance_id, patch: instance.patch, problemStatement: instance.problem_statement, driver };
}
