/**
 * A bad pipeline file is refused before any work, with the file, the line and the field: an
 * unknown stage, a missing field, an input no earlier stage makes, and the rest of the wiring.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { parsePipeline } from '../../src/pipeline/index.js';
import { registerTestStages } from './helpers/test-stages.js';

registerTestStages();

function refusal(text: string): string {
  try {
    parsePipeline(text, 'p.yaml');
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('the pipeline file was accepted');
}

test('an unknown stage type is named with its line and the known types', () => {
  const message = refusal(['runDir: out', 'stages:', '  - stage: test-items', '    items: 2', '  - stage: tarin', ''].join('\n'));
  assert.match(message, /^p\.yaml:5: stages\[1\]\.stage: unknown stage "tarin" \(known: .*test-items.*\)$/);
  assert.match(message, /steps, reward-check, sft, srl, rlvr, evaluate, report/);
});

test('a missing required setting is named at its stage, and a misspelt one where it is written', () => {
  const missing = refusal(['runDir: out', 'stages:', '  - stage: test-items', '    label: a', ''].join('\n'));
  assert.match(missing, /^p\.yaml:3: stages\[0\]\.items: Invalid input: expected number, received undefined$/);

  const nested = refusal(['runDir: out', 'stages:', '  - stage: files', '    tasks:', '      repos: r', '      environments: e', ''].join('\n'));
  assert.match(nested, /^p\.yaml:4: stages\[0\]\.tasks\.instances: /);

  const misspelt = refusal(['runDir: out', 'stages:', '  - stage: test-items', '    items: 2', '    itmes: 3', ''].join('\n'));
  assert.match(misspelt, /^p\.yaml:5: stages\[0\]\.itmes: not a known field$/);
});

test('a missing runDir or stage type is named', () => {
  assert.match(refusal(['stages:', '  - stage: test-items', '    items: 1', ''].join('\n')), /^p\.yaml:1: runDir: missing: the folder the run writes to/);
  assert.match(refusal(['runDir: out', 'stages:', '  - items: 1', ''].join('\n')), /^p\.yaml:3: stages\[0\]\.stage: missing: the stage type$/);
});

test('an input that no earlier stage makes is refused, naming the kind and the stages that make it', () => {
  const message = refusal(['runDir: out', 'stages:', '  - stage: steps', '  - stage: report', ''].join('\n'));
  assert.match(message, /^p\.yaml:3: stages\[0\]\.stage: input "trajectories" needs trajectories, and no earlier stage makes trajectories \(add one before it: .*files.*\)$/);
});

test('an input named after a later or missing stage, or of the wrong kind, is refused where it is written', () => {
  const later = refusal(['runDir: out', 'stages:', '  - stage: test-consume', '    inputs: {made: maker}', '  - stage: test-items', '    name: maker', '    items: 1', ''].join('\n'));
  assert.match(later, /^p\.yaml:4: stages\[0\]\.inputs\.made: no earlier stage is named "maker" \(this is the first stage\)$/);

  const wrongKind = refusal(['runDir: out', 'stages:', '  - stage: test-items', '    items: 1', '  - stage: test-consume', '  - stage: steps', '    inputs: {trajectories: test-consume.counted}', ''].join('\n'));
  assert.match(wrongKind, /^p\.yaml:7: stages\[2\]\.inputs\.trajectories: test-consume\.counted is steps, but input "trajectories" needs trajectories$/);

  const unknownSlot = refusal(['runDir: out', 'stages:', '  - stage: test-items', '    items: 1', '  - stage: test-consume', '    inputs: {stuff: test-items}', ''].join('\n'));
  assert.match(unknownSlot, /^p\.yaml:6: stages\[1\]\.inputs\.stuff: stage "test-consume" has no input "stuff" \(its inputs: made\)$/);
});

test('every problem of a file is listed at once, in file order', () => {
  const message = refusal(['runDir: out', 'stages:', '  - stage: nope', '  - stage: test-items', '  - stage: test-items', '    items: 1', ''].join('\n'));
  const lines = message.split('\n');
  assert.equal(lines[0], 'p.yaml has 3 problems:');
  assert.match(lines[1]!, /^ {2}p\.yaml:3: stages\[0\]\.stage: unknown stage "nope"/);
  assert.match(lines[2]!, /^ {2}p\.yaml:4: stages\[1\]\.items: /);
  assert.match(lines[3]!, /^ {2}p\.yaml:5: stages\[2\]\.stage: stages\[1\] is already named "test-items"; give this one another name/);
});

test('an optional input is wired only when named, and a stage may say what its settings need', () => {
  const message = refusal(['runDir: out', 'stages:', '  - stage: files', '    tasks: {instances: i.jsonl, repos: r, environments: e}', '    predictions: p.jsonl', '  - stage: evaluate', ''].join('\n'));
  assert.match(message, /^p\.yaml:6: stages\[1\]\.stage: name the predictions to evaluate \(inputs: \{predictions: STAGE\}\), or set gold: true$/);
  const plan = parsePipeline(['runDir: out', 'stages:', '  - stage: files', '    tasks: {instances: i.jsonl, repos: r, environments: e}', '    predictions: p.jsonl', '  - stage: evaluate', '    inputs: {predictions: files}', ''].join('\n'), '/x/p.yaml');
  assert.deepEqual(plan.stages[1]!.inputs, {
    tasks: { stage: 'files', output: 'tasks', kind: 'tasks', explicit: false },
    predictions: { stage: 'files', output: 'predictions', kind: 'predictions', explicit: true },
  });
  assert.equal(plan.runDir, '/x/out');
});

test('YAML that does not parse names its line', () => {
  assert.match(refusal(['runDir: out', 'stages:', '  - stage: [unclosed', ''].join('\n')), /^p\.yaml:\d+: not valid YAML: /);
});

test('settings shared through a YAML merge key reach every stage that merges them, and a stage may override one', () => {
  const plan = parsePipeline(
    ['runDir: out', 'defaults: &shared {items: 3, label: common}', 'stages:', '  - {stage: test-items, name: a, <<: *shared}', '  - {stage: test-items, name: b, <<: *shared, label: own}', ''].join('\n'),
    '/x/p.yaml',
  );
  assert.deepEqual(plan.stages.map((stage) => stage.settings), [{ items: 3, label: 'common' }, { items: 3, label: 'own' }]);
});
