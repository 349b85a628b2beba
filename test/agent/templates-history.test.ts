import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILTIN_TEMPLATES, loadAgentTemplates, renderTemplate } from '../../src/prompts/templates.js';
import { elideOldObservations } from '../../src/agent/history.js';
import { InputError } from '../../src/errors.js';
import { withTempDir } from '../helpers/temp-dir.js';

test('placeholders in both SWE-agent styles are filled; unknown braces stay', () => {
  const rendered = renderTemplate('{observation}\n(Open file: {{ open_file }})\n{"json": 1} {unknown}', { observation: 'out', open_file: '/a.py' });
  assert.equal(rendered, 'out\n(Open file: /a.py)\n{"json": 1} {unknown}');
});

test('every built-in template loads and names its format', async () => {
  for (const name of BUILTIN_TEMPLATES) {
    const templates = await loadAgentTemplates(name);
    assert.equal(templates.name, name);
    assert.ok(templates.instance_template.includes('{problem_statement}'), `${name} shows the problem statement`);
  }
});

test('a template file with a missing field is rejected with the file and the field', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'mine.yaml');
    await writeFile(path, 'name: mine\nformat: thought_action\nsystem_template: hi\n');
    await assert.rejects(loadAgentTemplates(path), (error: unknown) => error instanceof InputError && error.message.startsWith(`${path}: instance_template:`));
    await writeFile(path, 'name: [unclosed\n');
    await assert.rejects(loadAgentTemplates(path), /mine\.yaml:\d+: not valid YAML: Flow sequence/);
    await assert.rejects(loadAgentTemplates(join(dir, 'absent.yaml')), /no such template file \(built-in templates: thought-action/);
  });
});

test('only the last N observations are shown in full', () => {
  const messages = [
    { role: 'system' as const, content: 's' },
    { role: 'user' as const, content: 'the issue' },
    { role: 'assistant' as const, content: 'a1' },
    { role: 'user' as const, content: 'o1\nline' },
    { role: 'assistant' as const, content: 'a2' },
    { role: 'user' as const, content: 'o2' },
  ];
  const shown = elideOldObservations(messages, 1);
  assert.equal(shown[1]!.content, 'the issue', 'the instance prompt is never elided');
  assert.equal(shown[3]!.content, 'Old environment output: (2 lines omitted)');
  assert.equal(shown[5]!.content, 'o2');
});
