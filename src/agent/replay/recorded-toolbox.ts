/**
 * Which tools a recorded SWE-agent run had. SWE-agent 1.x records its bundles in `replay_config`
 * (`tools/windowed`, `tools/windowed_edit_replace`, …); 0.x runs have no bundle list and used the
 * shell-function editor (`defaults.sh`, `edit_linting.sh`). Replaying with the same tools is what
 * makes observations and the final patch come out the same.
 */
import { extname } from 'node:path';
import { parseJson } from '../../io/json-parse.js';
import { readUtf8File } from '../../io/utf8.js';
import type { ToolboxConfigInput, ToolBundle } from '../../tools/config.js';
import type { Trajectory } from '../../trajectories/schema.js';
import { toolboxOfTrajectory } from '../../trajectories/toolbox.js';

const BUNDLE_PATHS: ReadonlyArray<[RegExp, ToolBundle[]]> = [
  [/(^|\/)windowed$/, ['windowed']],
  [/(^|\/)search$/, ['search']],
  [/(^|\/)windowed_edit_replace$/, ['edit_replace']],
  [/(^|\/)windowed_edit_linting$/, ['edit_range']],
  [/(^|\/)windowed_edit_rewrite$/, ['edit_range']],
  [/(^|\/)edit_anthropic$/, ['str_replace_editor']],
  [/(^|\/)submit$/, ['submit']],
  [/(^|\/)review_on_submit(_m)?$/, ['submit']],
];

function record(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'string') {
    try {
      return record(JSON.parse(value) as unknown);
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A `.traj` file's raw JSON, for `recordedToolbox`; other formats carry no `replay_config`, so undefined. */
export async function readRawTraj(path: string): Promise<unknown> {
  return extname(path).toLowerCase() === '.traj' ? parseJson(await readUtf8File(path), path) : undefined;
}

/**
 * The toolbox a `.traj` was recorded with: SWE-agent 1.x's `replay_config` bundles when the raw
 * file has them, else what the trajectory itself says (trajectories/toolbox.ts).
 */
export function recordedToolbox(rawTraj: unknown, trajectory: Trajectory): ToolboxConfigInput {
  const tools = record(record(record(record(rawTraj)?.replay_config)?.agent)?.tools);
  const bundlePaths = Array.isArray(tools?.bundles)
    ? tools.bundles.map((bundle) => record(bundle)?.path).filter((path): path is string => typeof path === 'string')
    : undefined;
  // Runs recorded by our own loop say which tools they had; so does their metadata.
  if (bundlePaths === undefined || bundlePaths.length === 0 || record(trajectory.metadata?.tools)) return toolboxOfTrajectory(trajectory);
  const usesEditor = trajectory.steps.some((step) => step.parsed_action.tool === 'str_replace_editor');
  const bundles = new Set<ToolBundle>(['bash']);
  for (const path of bundlePaths) {
    for (const [pattern, names] of BUNDLE_PATHS) if (pattern.test(path.replace(/\/+$/, ''))) names.forEach((name) => bundles.add(name));
  }
  if (usesEditor) bundles.add('str_replace_editor');
  bundles.add('submit');
  const config: ToolboxConfigInput = { flavor: 'swe-agent-1', bundles: [...bundles] };
  const variables = record(tools?.env_variables);
  if (typeof variables?.WINDOW === 'number') config.window = variables.WINDOW;
  if (typeof variables?.OVERLAP === 'number') config.overlap = variables.OVERLAP;
  return config;
}
