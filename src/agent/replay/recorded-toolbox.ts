/**
 * Which tools a recorded SWE-agent run had. The run names its layout: 1.x records its bundles in
 * `replay_config` (`tools/windowed`, `tools/defaults`, `tools/edit_replace`, …), 0.x its command
 * files (`config/commands/defaults.sh`, …); failing that, the command docs it was shown list the
 * commands. Each layout entry is looked up in SWE-agent's bundle table (tools/swe-agent-bundles.ts).
 * When the layout is missing or names a bundle we do not know, the tools come from the actions the
 * run took, and the inference says so in a warning. Replaying with the same tools is what makes
 * observations and the final patch come out the same.
 */
import { extname } from 'node:path';
import { parseJson } from '../../io/json-parse.js';
import { readUtf8File } from '../../io/utf8.js';
import { declarationOf, TOOL_CATALOGUE, toolsOf } from '../../tools/catalog.js';
import type { KnownTool } from '../../tools/parsers/types.js';
import { TOOL_BUNDLES, type ToolboxConfigInput, type ToolBundle } from '../../tools/config.js';
import type { ClassicFlavor } from '../../tools/classic/windowed-editor.js';
import { sweAgentBundleOf } from '../../tools/swe-agent-bundles.js';
import type { Trajectory } from '../../trajectories/schema.js';
import { toolboxOfTrajectory } from '../../trajectories/toolbox.js';

/** Where the toolbox came from: our own metadata, the recorded layout, the command docs, or the actions. */
export type ToolboxSource = 'metadata' | 'bundles' | 'command_files' | 'command_docs' | 'actions';

export interface InferredToolbox {
  tools: ToolboxConfigInput;
  source: ToolboxSource;
  /** The recorded layout as named (bundle paths or command files); empty when there was none. */
  layout: string[];
  /** Why the toolbox may not be the recorded one: unknown bundles, commands we do not implement, a missing layout. */
  warnings: string[];
}

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

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

/** A `.traj` file's raw JSON, for `inferToolbox`; other formats carry no `replay_config`, so undefined. */
export async function readRawTraj(path: string): Promise<unknown> {
  return extname(path).toLowerCase() === '.traj' ? parseJson(await readUtf8File(path), path) : undefined;
}

/** The recorded layout: 1.x bundle paths, else 0.x command files, with where they were found. */
function recordedLayout(agent: Record<string, unknown> | undefined): { source: 'bundles' | 'command_files'; paths: string[] } | undefined {
  const tools = record(agent?.tools);
  const bundles = Array.isArray(tools?.bundles) ? tools.bundles.map((bundle) => record(bundle)?.path).filter((path): path is string => typeof path === 'string') : [];
  if (bundles.length > 0) return { source: 'bundles', paths: bundles };
  const files = strings(record(agent?.config)?.command_files) ?? strings(agent?.command_files) ?? [];
  if (files.length > 0) return { source: 'command_files', paths: files };
  return undefined;
}

/** Command names listed in SWE-agent's `command_docs` text (each starts a line as `name:`). */
function commandsInDocs(docs: unknown): string[] {
  if (typeof docs !== 'string') return [];
  return [...docs.matchAll(/^([A-Za-z_][\w-]*):\s*$/gm)].map((match) => match[1]!);
}

/** The bundles offering these command names (catalogue names, as called). */
function bundlesOfCommands(commands: Iterable<string>): Set<ToolBundle> {
  const bundles = new Set<ToolBundle>();
  for (const command of commands) for (const declaration of TOOL_CATALOGUE) if (declaration.functionName === command) bundles.add(declaration.bundle);
  return bundles;
}

/** The tool names the trajectory's actions call (parsed names, and the command names of bash lines). */
function calledCommands(trajectory: Trajectory): Set<string> {
  const called = new Set<string>();
  for (const step of trajectory.steps) {
    const tool = step.parsed_action.tool;
    const args = step.parsed_action.args as Record<string, unknown>;
    const command = typeof args.command === 'string' ? args.command : undefined;
    if (tool !== 'bash') called.add(TOOL_CATALOGUE.find((declaration) => declaration.tool === tool)?.functionName ?? tool);
    else if (command !== undefined) {
      const first = /^\s*([A-Za-z_][\w-]*)/.exec(command)?.[1];
      if (first !== undefined) called.add(first);
    }
  }
  return called;
}

/** Either edit bundle answers `edit` (the tool session tells the two edits apart by their arguments). */
function isEditCoveredBy(tool: string, bundles: Set<ToolBundle>): boolean {
  return (tool === 'edit' || tool === 'edit_replace') && (bundles.has('edit_range') || bundles.has('edit_replace'));
}

function ordered(bundles: Set<ToolBundle>): ToolBundle[] {
  return TOOL_BUNDLES.filter((bundle) => bundles.has(bundle));
}

/** The toolbox a `.traj` was recorded with, where it came from, and what may differ from the recording. */
export function inferToolbox(rawTraj: unknown, trajectory: Trajectory): InferredToolbox {
  // Runs recorded by our own loop say which tools they had.
  if (record(trajectory.metadata?.tools)) return { tools: toolboxOfTrajectory(trajectory), source: 'metadata', layout: [], warnings: [] };
  const agent = record(record(record(rawTraj)?.replay_config)?.agent);
  const fromActions = toolboxOfTrajectory(trajectory);
  const actionBundles = new Set(fromActions.bundles ?? []);
  const called = calledCommands(trajectory);
  const layout = recordedLayout(agent);
  const warnings: string[] = [];

  if (layout === undefined) {
    const documented = commandsInDocs(agent?.command_docs);
    const known = bundlesOfCommands(documented);
    if (known.size > 0) {
      const bundles = new Set<ToolBundle>(['bash', ...known, ...actionBundles]);
      const flavor = fromActions.flavor ?? 'swe-agent-1';
      return { tools: { ...fromActions, flavor, bundles: ordered(bundles) }, source: 'command_docs', layout: [], warnings };
    }
    warnings.push(`the trajectory names no tool bundles; its tools are inferred from the actions it took (${ordered(actionBundles).join(', ')}, ${fromActions.flavor} tools)`);
    return { tools: fromActions, source: 'actions', layout: [], warnings };
  }

  const bundles = new Set<ToolBundle>(['bash']);
  const flavors = new Set<ClassicFlavor>();
  const unknown: string[] = [];
  const unsupported = new Set<string>();
  let review = false;
  let revision: 'defaults' | undefined;
  for (const path of layout.paths) {
    const entry = sweAgentBundleOf(path);
    if (entry === undefined) {
      unknown.push(path);
      continue;
    }
    entry.provides.forEach((bundle) => bundles.add(bundle));
    if (entry.flavor) flavors.add(entry.flavor);
    if (entry.reviewOnSubmit) review = true;
    if (entry.windowedRevision) revision = entry.windowedRevision;
    for (const command of entry.unsupported ?? []) if (called.has(command)) unsupported.add(command);
  }
  if (unknown.length > 0) {
    // What the unknown bundles offered can only be read off the actions that used them.
    const before = new Set(bundles);
    actionBundles.forEach((bundle) => bundles.add(bundle));
    const added = ordered(bundles).filter((bundle) => !before.has(bundle));
    warnings.push(
      `unknown SWE-agent tool bundle${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: falling back to the actions the trajectory took${added.length > 0 ? ` (adds ${added.join(', ')})` : ''}`,
    );
  }
  // A tool the run called that no recorded bundle offers (the editor in a run that named only
  // windowed tools, say) is still offered, so the replay runs what the recording ran.
  for (const tool of new Set(trajectory.steps.map((step) => step.parsed_action.tool))) {
    const bundle = declarationOf(tool)?.bundle;
    if (bundle === undefined || toolsOf([...bundles]).has(tool as KnownTool) || isEditCoveredBy(tool, bundles)) continue;
    bundles.add(bundle);
    if (unknown.length === 0) warnings.push(`the trajectory calls ${tool}, which its bundles (${layout.paths.join(', ')}) do not offer; offering it anyway`);
  }
  if (unsupported.size > 0) warnings.push(`the trajectory calls ${[...unsupported].join(', ')}, whose SWE-agent bundle swe-srl does not implement: those steps will not replay as recorded`);
  bundles.add('submit');

  const flavor: ClassicFlavor = flavors.has('swe-agent-0') ? 'swe-agent-0' : flavors.has('swe-agent-1') ? 'swe-agent-1' : (fromActions.flavor ?? 'swe-agent-1');
  const config: ToolboxConfigInput = { flavor, bundles: ordered(bundles) };
  const tools = record(agent?.tools);
  const variables = record(tools?.env_variables);
  if (typeof variables?.WINDOW === 'number') config.window = variables.WINDOW;
  if (typeof variables?.OVERLAP === 'number') config.overlap = variables.OVERLAP;
  if (revision !== undefined && config.flavor === 'swe-agent-1') config.windowedRevision = revision;
  if (review) {
    const messages = strings(record(tools?.registry_variables)?.SUBMIT_REVIEW_MESSAGES) ?? [];
    if (messages.length > 0) config.submitReviewMessages = messages;
  }
  return { tools: config, source: layout.source, layout: layout.paths, warnings };
}

/** The toolbox a `.traj` was recorded with (see `inferToolbox`, which also says how sure it is). */
export function recordedToolbox(rawTraj: unknown, trajectory: Trajectory): ToolboxConfigInput {
  return inferToolbox(rawTraj, trajectory).tools;
}
