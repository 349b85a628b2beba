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

/** The toolbox a `.traj` was recorded with, from its raw JSON (`replay_config`) and its actions. */
export function recordedToolbox(rawTraj: unknown, trajectory: Trajectory): ToolboxConfigInput {
  // Runs recorded by our own loop say which tools they had.
  const own = record(trajectory.metadata?.tools);
  if (own && Array.isArray(own.bundles) && (own.flavor === 'swe-agent-0' || own.flavor === 'swe-agent-1')) {
    return own as ToolboxConfigInput;
  }
  const tools = record(record(record(record(rawTraj)?.replay_config)?.agent)?.tools);
  const usesEditor = trajectory.steps.some((step) => step.parsed_action.tool === 'str_replace_editor');
  const bundlePaths = Array.isArray(tools?.bundles)
    ? tools.bundles.map((bundle) => record(bundle)?.path).filter((path): path is string => typeof path === 'string')
    : undefined;
  if (bundlePaths === undefined || bundlePaths.length === 0) {
    // No bundle list: judge by the actions. Search/replace edits and function calling only exist
    // in SWE-agent 1.x; otherwise it is 0.x's shell-function editor with windowed `edit N:M`.
    const tools = new Set(trajectory.steps.map((step) => step.parsed_action.tool));
    const replaceEdits = tools.has('edit_replace') || tools.has('insert');
    const bundles: ToolBundle[] = ['bash', 'windowed', 'search'];
    if (tools.has('edit') || !replaceEdits) bundles.push('edit_range');
    if (replaceEdits) bundles.push('edit_replace');
    if (usesEditor) bundles.push('str_replace_editor');
    bundles.push('submit');
    const flavor = replaceEdits || trajectory.tool_format === 'function_calling' ? 'swe-agent-1' : 'swe-agent-0';
    return { flavor, bundles };
  }
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
