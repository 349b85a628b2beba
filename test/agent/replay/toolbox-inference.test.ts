/**
 * Toolbox inference for replays, on every bundle layout SWE-agent's own configuration files name
 * (test/fixtures/swe-agent/bundle-layouts.json, collected from SWE-agent's config/*.yaml as facts):
 * each layout maps to the toolbox a replay needs without an "unknown bundle" warning, commands we
 * do not implement are warned about when a run calls them, review-on-submit layouts carry their
 * review messages, and a layout we do not know (or none) falls back to the actions, with a warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inferToolbox } from '../../../src/agent/replay/recorded-toolbox.js';
import { parseToolboxConfig } from '../../../src/tools/config.js';
import type { Trajectory } from '../../../src/trajectories/schema.js';
import type { ParsedAction } from '../../../src/tools/parsers/index.js';

interface Layout {
  source: string;
  parse_function: string;
  bundles?: string[];
  command_files?: string[];
  expected: { bundles: string[]; flavor: string; unsupported?: string[]; review_on_submit?: boolean };
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/swe-agent/bundle-layouts.json', import.meta.url), 'utf8')) as {
  layouts: Layout[];
  command_file_layouts: Layout[];
};

function trajectoryCalling(actions: ParsedAction[], format: Trajectory['tool_format'] = 'function_calling'): Trajectory {
  return {
    instance_id: 'x',
    problem_statement: '',
    steps: actions.map((parsed) => ({ thought: '', action: '', parsed_action: parsed, observation: '' })),
    final_patch: null,
    exit_status: 'submitted',
    source_format: 'swe-agent-traj',
    tool_format: format,
  };
}

const REVIEW = ['Please review:\n<diff>\n{{diff}}\n</diff>'];

function rawTraj(layout: Layout): unknown {
  const agent = layout.bundles
    ? { tools: { bundles: layout.bundles.map((path) => ({ path, hidden_tools: [] })), env_variables: { WINDOW: 100, OVERLAP: 2 }, registry_variables: { SUBMIT_REVIEW_MESSAGES: REVIEW } } }
    : { config: { command_files: layout.command_files } };
  // 1.x stores replay_config as a JSON string.
  return { trajectory: [], replay_config: JSON.stringify({ agent }) };
}

const ALL = [...fixture.layouts, ...fixture.command_file_layouts];

test('the fixture covers every bundle SWE-agent ships in its configs, from tools/defaults to tools/diff_state', () => {
  const named = new Set(fixture.layouts.flatMap((layout) => layout.bundles ?? []));
  for (const bundle of ['tools/defaults', 'tools/windowed', 'tools/edit_linting', 'tools/edit_replace', 'tools/windowed_edit_replace', 'tools/search', 'tools/registry', 'tools/review_on_submit_m', 'tools/edit_anthropic', 'tools/diff_state', 'tools/submit']) {
    assert.ok(named.has(bundle), `${bundle} is named by some layout`);
  }
  assert.ok(ALL.length >= 30);
});

for (const layout of ALL) {
  test(`toolbox inference reads ${layout.source} (${(layout.bundles ?? layout.command_files ?? []).join(', ')})`, () => {
    const called: ParsedAction[] = [{ tool: 'bash', args: { command: 'ls' } }, ...(layout.expected.unsupported ?? []).map((command) => ({ tool: 'bash', args: { command: `${command} x` } }) as ParsedAction)];
    const inferred = inferToolbox(rawTraj(layout), trajectoryCalling(called));
    assert.equal(inferred.source, layout.bundles ? 'bundles' : 'command_files');
    assert.deepEqual(inferred.layout, layout.bundles ?? layout.command_files);
    assert.deepEqual(inferred.tools.bundles, layout.expected.bundles);
    assert.equal(inferred.tools.flavor, layout.expected.flavor);
    assert.ok(!inferred.warnings.some((warning) => warning.includes('unknown')), inferred.warnings.join('\n'));
    const unsupported = layout.expected.unsupported ?? [];
    if (unsupported.length === 0) assert.deepEqual(inferred.warnings, []);
    else for (const command of unsupported) assert.match(inferred.warnings.join('\n'), new RegExp(`\\b${command}\\b.*does not implement`));
    assert.deepEqual(inferred.tools.submitReviewMessages, layout.expected.review_on_submit ? REVIEW : undefined);
    // What comes out is a valid toolbox for a tool session.
    assert.doesNotThrow(() => parseToolboxConfig(inferred.tools));
  });
}

test('a layout naming a bundle we do not know falls back to the actions it took, and says so', () => {
  const raw = { replay_config: { agent: { tools: { bundles: [{ path: 'tools/registry' }, { path: 'tools/my_editor' }, { path: 'tools/submit' }] } } } };
  const trajectory = trajectoryCalling([
    { tool: 'str_replace_editor', args: { command: 'view', path: '/testbed/a.py' } } as ParsedAction,
    { tool: 'submit', args: {} },
  ]);
  const inferred = inferToolbox(raw, trajectory);
  assert.deepEqual(inferred.tools.bundles, ['bash', 'str_replace_editor', 'submit']);
  assert.equal(inferred.warnings.length, 1);
  assert.match(inferred.warnings[0]!, /unknown SWE-agent tool bundle tools\/my_editor: falling back to the actions .*adds str_replace_editor/);
});

test('a trajectory naming no layout gets its tools from its actions, with a warning; command docs, when recorded, name the tools instead', () => {
  const trajectory = trajectoryCalling([{ tool: 'open', args: { path: 'a.py' } } as ParsedAction], 'thought_action');
  const bare = inferToolbox({ trajectory: [] }, trajectory);
  assert.equal(bare.source, 'actions');
  assert.deepEqual(bare.tools.bundles, ['bash', 'windowed', 'search', 'edit_range', 'submit']);
  assert.match(bare.warnings.join('\n'), /names no tool bundles; its tools are inferred from the actions/);
  const docs = 'bash:\n  docstring: runs\n\nopen:\n  docstring: opens\n\nedit:\n  docstring: Replace first occurrence\n\ninsert:\n  docstring: Insert\n\nsubmit:\n  docstring: s\n';
  const documented = inferToolbox({ replay_config: { agent: { command_docs: docs } } }, trajectory);
  assert.equal(documented.source, 'command_docs');
  assert.deepEqual(documented.warnings, []);
  assert.ok(documented.tools.bundles?.includes('edit_replace'), 'insert is documented, so the search/replace edits are offered');
});

test('a recorded layout that lacks a tool the run called still offers it, with a warning', () => {
  const raw = { replay_config: { agent: { tools: { bundles: [{ path: 'tools/windowed' }, { path: 'tools/submit' }] } } } };
  const inferred = inferToolbox(raw, trajectoryCalling([{ tool: 'find_file', args: { file_name: 'a.py' } } as ParsedAction]));
  assert.deepEqual(inferred.tools.bundles, ['bash', 'windowed', 'search', 'submit']);
  assert.match(inferred.warnings.join('\n'), /calls find_file, which its bundles .* do not offer/);
});
