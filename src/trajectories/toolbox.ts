/**
 * What a trajectory says about the environment it ran in: where its repository lived and which
 * tools it had. Replays offer the same tools, and SRL step prompts document them, so both are read
 * here, once.
 */
import { declarationOf } from '../tools/catalog.js';
import { TOOL_BUNDLES, type ToolBundle, type ToolboxConfigInput } from '../tools/config.js';
import type { Trajectory } from './schema.js';

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The recorded repository root: what our loop recorded, else the working directory the run started
 * in, or, for editor-only runs that recorded none, the directory their first `str_replace_editor
 * view` listed.
 */
export function recordedRootOf(trajectory: Trajectory): string | undefined {
  const own = trajectory.metadata?.repo_root;
  if (typeof own === 'string' && own !== '') return own;
  for (const step of trajectory.steps) {
    const directory = step.state?.working_dir;
    if (directory !== undefined && directory !== '') return directory;
  }
  for (const step of trajectory.steps) {
    const listed = /^Here's the files and directories up to 2 levels deep in (\/\S*), excluding hidden items:/m.exec(step.observation);
    if (listed) return listed[1]!.replace(/\/+$/, '');
  }
  return undefined;
}

/**
 * The toolbox a trajectory ran with: the one our loop recorded in its metadata, else the whole
 * bundle its actions come from (not just the tools it used, which would hint at the answer in a
 * prompt), plus the bundles of any other tool it called. Search/replace edits and function calling
 * only exist in SWE-agent 1.x; otherwise it is 0.x's shell-function editor with windowed `edit N:M`.
 */
export function toolboxOfTrajectory(trajectory: Trajectory): ToolboxConfigInput {
  const own = record(trajectory.metadata?.tools);
  if (own && Array.isArray(own.bundles) && (own.flavor === 'swe-agent-0' || own.flavor === 'swe-agent-1')) {
    return own as ToolboxConfigInput;
  }
  const used = new Set(trajectory.steps.map((step) => step.parsed_action.tool));
  const replaceEdits = used.has('edit_replace') || used.has('insert');
  const bundles = new Set<ToolBundle>(['bash', 'submit']);
  if (used.has('str_replace_editor')) bundles.add('str_replace_editor');
  else (['windowed', 'search', replaceEdits ? 'edit_replace' : 'edit_range'] as const).forEach((bundle) => bundles.add(bundle));
  for (const tool of used) {
    const bundle = declarationOf(tool)?.bundle;
    if (bundle !== undefined) bundles.add(bundle);
  }
  const flavor = replaceEdits || trajectory.tool_format === 'function_calling' ? 'swe-agent-1' : 'swe-agent-0';
  return { flavor, bundles: TOOL_BUNDLES.filter((bundle) => bundles.has(bundle)) };
}
