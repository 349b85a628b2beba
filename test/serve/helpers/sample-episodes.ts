/**
 * Full episodes on the built-in sample instances, in Docker: the repositories built locally, the
 * driver on a warm pool, and the model's turns as the SRL format writes them (a `<think>` block,
 * then one XML function call).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_INSTANCES_DIR } from '../../../src/eval/sample-instances.js';
import { buildSampleRepositories } from '../../../src/sandbox/repos/sample-repos.js';
import { WarmPool } from '../../../src/sandbox/pool/index.js';
import { ToolEpisodeDriver, type ToolEpisodeDriverOptions } from '../../../src/serve/drivers/tool-episode-driver.js';

export const SAMPLE_INSTANCE = 'swe-srl__sample-textkit-1';

export function samplePatch(instanceId: string, file = 'instances.jsonl', field = 'patch'): string {
  for (const line of readFileSync(join(SAMPLE_INSTANCES_DIR, file), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as Record<string, string>;
    if (record.instance_id === instanceId) return record[field]!;
  }
  throw new Error(`no ${instanceId} in ${file}`);
}

/** A model turn that runs `command` in bash. */
export function bashTurn(command: string): string {
  return `<think>\nI will run a command.\n</think>\n<function=bash>\n<parameter=command>${command}</parameter>\n</function>`;
}

/** A model turn that applies `patch` with git. */
export function applyPatchTurn(patch: string): string {
  return bashTurn(`git apply <<'SWE_SRL_PATCH'\n${patch}SWE_SRL_PATCH`);
}

export const SUBMIT_TURN = '<think>\nDone.\n</think>\n<function=submit>\n</function>';

export async function sampleDriver(
  reposDir: string,
  runId: string,
  poolSize = 1,
  agent?: ToolEpisodeDriverOptions['agent'],
): Promise<{ driver: ToolEpisodeDriver; pool: WarmPool }> {
  await buildSampleRepositories(SAMPLE_INSTANCES_DIR, reposDir);
  const pool = new WarmPool({ size: poolSize });
  const driver = new ToolEpisodeDriver({
    instancesFile: join(SAMPLE_INSTANCES_DIR, 'instances.jsonl'),
    environmentsDir: join(SAMPLE_INSTANCES_DIR, 'environments'),
    reposDir,
    pool,
    runId,
    ...(agent ? { agent } : {}),
  });
  await driver.load();
  return { driver, pool };
}
