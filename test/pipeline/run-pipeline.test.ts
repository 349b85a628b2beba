/**
 * The runner's contract: a finished stage is skipped on a rerun, an unfinished one resumes keeping
 * what it finished, a folder made with other settings is refused until it is redone, an output
 * folder that cannot be written and a full disk fail with a message, and a rerun after space is
 * freed goes on from where the disk filled.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { DiskFullError, parsePipeline, runPipeline, StageConflictError, StageFailedError, type PipelineEvent } from '../../src/pipeline/index.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { calls, registerTestStages, resetCalls } from './helpers/test-stages.js';

registerTestStages();

function pipelineText(runDir: string, items = 3): string {
  return ['description: a test pipeline', `runDir: ${runDir}`, 'stages:', '  - stage: test-items', `    items: ${items}`, '  - stage: test-consume', ''].join('\n');
}

async function run(text: string, options: Parameters<typeof runPipeline>[1] = {}): Promise<{ events: PipelineEvent[]; result: Awaited<ReturnType<typeof runPipeline>> }> {
  const events: PipelineEvent[] = [];
  const result = await runPipeline(parsePipeline(text, '/tmp/p.yaml'), { ...options, onEvent: (event) => events.push(event) });
  return { events, result };
}

test('a rerun skips finished stages and says so', async () => {
  await withTempDir(async (dir) => {
    resetCalls();
    const first = await run(pipelineText(join(dir, 'run')));
    assert.deepEqual(calls.items, ['item-0.txt', 'item-1.txt', 'item-2.txt']);
    assert.equal(calls.consume, 1);
    assert.deepEqual(first.result.stages.map((stage) => stage.status), ['done', 'done']);
    assert.equal(await readFile(join(dir, 'run', 'test-consume', 'count.txt'), 'utf8'), '3');

    resetCalls();
    const second = await run(pipelineText(join(dir, 'run')));
    assert.deepEqual(calls.items, []);
    assert.equal(calls.consume, 0);
    const plan = second.events.find((event) => event.kind === 'plan');
    assert.ok(plan?.kind === 'plan');
    assert.deepEqual(plan.stages.map((stage) => stage.state), ['done', 'done']);
    assert.equal(second.events.filter((event) => event.kind === 'stage-skip').length, 2);
  }, 'pipeline-skip');
});

test('a stage that failed part way resumes on the next run, keeping what it finished', async () => {
  await withTempDir(async (dir) => {
    resetCalls();
    calls.failAfter = 2;
    await assert.rejects(run(pipelineText(join(dir, 'run'), 5)), (error: unknown) => error instanceof StageFailedError && /^stage "test-items": stopped on purpose after 2 new items$/.test(error.message));
    assert.deepEqual(calls.items, ['item-0.txt', 'item-1.txt']);
    const record = JSON.parse(await readFile(join(dir, 'run', 'test-items', 'stage.json'), 'utf8')) as { status: string; attempts: Array<{ error?: string }> };
    assert.equal(record.status, 'failed');
    assert.equal(record.attempts[0]!.error, 'stopped on purpose after 2 new items');
    assert.equal(calls.consume, 0, 'a later stage does not run after a failure');

    resetCalls();
    const { events } = await run(pipelineText(join(dir, 'run'), 5));
    assert.deepEqual(calls.items, ['item-2.txt', 'item-3.txt', 'item-4.txt'], 'only the unfinished items are made');
    const start = events.find((event) => event.kind === 'stage-start' && event.stage === 'test-items');
    assert.ok(start?.kind === 'stage-start' && start.resuming);
    assert.equal(await readFile(join(dir, 'run', 'test-consume', 'count.txt'), 'utf8'), '5');
    const final = JSON.parse(await readFile(join(dir, 'run', 'test-items', 'stage.json'), 'utf8')) as { status: string; attempts: unknown[] };
    assert.equal(final.status, 'done');
    assert.equal(final.attempts.length, 2);
    // Metrics written before the failure are kept; the resumed attempt appends.
    const metrics = (await readFile(join(dir, 'run', 'test-items', 'metrics.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(metrics.length, 5);
  }, 'pipeline-resume');
});

test('a folder made with other settings is refused before any work, and redoing it remakes it and what uses it', async () => {
  await withTempDir(async (dir) => {
    resetCalls();
    await run(pipelineText(join(dir, 'run'), 2));
    resetCalls();
    await assert.rejects(
      run(pipelineText(join(dir, 'run'), 3)),
      (error: unknown) => error instanceof StageConflictError && error.stages.join(',') === 'test-items,test-consume' && /test-items: .* was made with other settings or inputs/.test(error.message),
    );
    assert.deepEqual(calls.items, []);

    const { events } = await run(pipelineText(join(dir, 'run'), 3), { redo: ['test-items'] });
    const plan = events.find((event) => event.kind === 'plan');
    assert.ok(plan?.kind === 'plan');
    assert.deepEqual(plan.stages.map((stage) => stage.state), ['redo', 'redo']);
    assert.deepEqual(calls.items, ['item-0.txt', 'item-1.txt', 'item-2.txt']);
    assert.equal(calls.consume, 1);

    await assert.rejects(run(pipelineText(join(dir, 'run'), 3), { redo: ['nope'] }), /^InputError: redo: no stage named "nope"/);
  }, 'pipeline-redo');
});

test('a stage folder holding files the pipeline did not make is refused', async () => {
  await withTempDir(async (dir) => {
    resetCalls();
    await mkdir(join(dir, 'run', 'test-items'), { recursive: true });
    await writeFile(join(dir, 'run', 'test-items', 'notes.txt'), 'mine');
    await assert.rejects(run(pipelineText(join(dir, 'run'))), (error: unknown) => error instanceof StageConflictError && /holds files but no stage record/.test(error.message));
    assert.equal(await readFile(join(dir, 'run', 'test-items', 'notes.txt'), 'utf8'), 'mine');
  }, 'pipeline-foreign');
});

test('an output folder that cannot be written is refused before any work, naming runDir', async () => {
  await withTempDir(async (dir) => {
    resetCalls();
    await writeFile(join(dir, 'a-file'), '');
    const runDir = join(dir, 'a-file', 'run');
    await assert.rejects(run(pipelineText(runDir)), (error: unknown) => error instanceof InputError && error.message === `/tmp/p.yaml: runDir: cannot write to ${runDir} (ENOTDIR)`);
    assert.deepEqual(calls.items, []);
  }, 'pipeline-unwritable');
});

const isRoot = process.getuid?.() === 0;

test('a disk that fills mid-stage fails it with a message; after space is freed a rerun resumes', { skip: isRoot ? false : 'needs root to mount a small tmpfs' }, async () => {
  await withTempDir(async (dir) => {
    const mountPoint = join(dir, 'small');
    await mkdir(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint]);
    try {
      resetCalls();
      calls.itemBytes = 48 * 1024;
      const text = pipelineText(join(mountPoint, 'run'), 12);
      await assert.rejects(
        run(text),
        (error: unknown) => error instanceof DiskFullError && /^stage "test-items": no space left on the device holding .*small\/run .*run the same pipeline again: what the stage finished is kept and it resumes$/.test(error.message),
      );
      const madeBefore = calls.items.length;
      assert.ok(madeBefore > 0 && madeBefore < 12, `some items were made before the disk filled (${madeBefore})`);
      assert.deepEqual((await readdir(join(mountPoint, 'run', 'test-items', 'items'))).filter((name) => name.endsWith('.partial')), [], 'no partial file is left');

      execFileSync('mount', ['-o', 'remount,size=4m', mountPoint]);
      resetCalls();
      calls.itemBytes = 48 * 1024;
      await run(text);
      assert.equal(calls.items.length, 12 - madeBefore, 'the rerun makes only what is missing');
      assert.equal((await readdir(join(mountPoint, 'run', 'test-items', 'items'))).length, 12);
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  }, 'pipeline-disk');
});

test('a dry run checks the run directory and prints the plan but runs nothing', async () => {
  await withTempDir(async (dir) => {
    resetCalls();
    const { events } = await run(pipelineText(join(dir, 'run')), { dryRun: true });
    assert.deepEqual(calls.items, []);
    const plan = events.find((event) => event.kind === 'plan');
    assert.ok(plan?.kind === 'plan');
    assert.deepEqual(
      plan.stages.map((stage) => [stage.name, stage.state, stage.inputs, stage.outputs]),
      [
        ['test-items', 'new', {}, ['made']],
        ['test-consume', 'new', { made: 'test-items.made' }, ['counted']],
      ],
    );
  }, 'pipeline-dry');
});
