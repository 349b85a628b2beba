import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EvaluationProgress } from '../../src/eval/progress.js';
import type { InstanceResult } from '../../src/eval/evaluate-instance.js';

function result(instanceId: string, status: InstanceResult['status'], detail?: string): InstanceResult {
  return { instanceId, model: 'm', status, ...(detail ? { detail } : {}), durationMs: 1500, testDurationMs: 1000 };
}

test('without a terminal, each finished instance is one plain line and the end a totals line', () => {
  const written: string[] = [];
  const progress = new EvaluationProgress({ write: (text: string) => written.push(text), isTTY: false }, 2);
  progress.started('a');
  progress.finished(result('a', 'resolved'));
  progress.finished(result('b', 'unresolved', 'patch did not apply'));
  progress.end();
  assert.deepEqual(written.slice(0, 2), ['[1/2] a: resolved in 1.5 s\n', '[2/2] b: unresolved (patch did not apply) in 1.5 s\n']);
  assert.match(written[2]!, /^Evaluation done: 2\/2 {2}✓ 1 {2}✖ 1 {2}∅ 0 {2}! 0/);
  assert.ok(written.every((text) => !text.includes('\r')), 'no carriage returns in a log');
});

test('on a terminal, one line is redrawn in place with a bar that fills up', () => {
  const written: string[] = [];
  const progress = new EvaluationProgress({ write: (text: string) => written.push(text), isTTY: true, columns: 200 }, 2);
  progress.started('a');
  progress.finished(result('a', 'error'));
  progress.finished(result('b', 'empty_patch'));
  progress.end();
  const redraws = written.filter((text) => text.startsWith('\r\u001b[2K'));
  assert.equal(redraws.length, 3);
  assert.match(redraws[1]!, /Evaluation █{12}░{12} 1\/2 .*! 1/);
  assert.match(redraws[2]!, /Evaluation █{24} 2\/2 .*∅ 1/);
  assert.equal(written.at(-2), '\n');
});
