/**
 * A small pipeline end to end in Docker, as `npm start` runs the default one: tasks → teacher →
 * steps → reward-check → evaluate → report. The scripted teacher solves every task through the
 * agent's Episode in real sandboxes, the evaluation resolves every kept trajectory, the teacher's
 * own actions score 1.0, and the report shows it all. A second teacher cut off after three steps
 * resolves nothing and keeps nothing: only resolving trajectories are kept. Then `swe-srl teacher`
 * runs on the same task set with two samples per task.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePipeline, runPipeline, type EvaluationSummary, type RewardCheckSummary, type StepsSummary, type TeacherSummary } from '../../src/pipeline/index.js';
import { readAllTrajectories } from '../../src/trajectories/read.js';
import { readTrajectoryStore } from '../../src/trajectories/store.js';
import type { Trajectory } from '../../src/trajectories/schema.js';
import { runCli } from '../helpers/cli.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { containersOfRun } from '../eval/helpers/docker-fixture.js';

async function storeOf(path: string): Promise<Trajectory[]> {
  const trajectories: Trajectory[] = [];
  for await (const { trajectory } of readTrajectoryStore(path)) trajectories.push(trajectory);
  return trajectories;
}

async function jsonLines(path: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('in Docker, a small pipeline makes tasks, the scripted teacher resolves them, and the steps, reward check, evaluation and report follow', { skip: await skipUnlessDocker(), timeout: 1_200_000 }, async () => {
  await baseImageForTests();
  await withTempDir(async (dir) => {
    const text = [
      `runDir: ${join(dir, 'run')}`,
      'sandbox: {backend: docker, maxWorkers: 2}',
      'stages:',
      '  - stage: tasks',
      '    seed: 7',
      '    count: 1',
      '    tiers: [easy, hard]',
      '  - stage: teacher',
      '  - stage: teacher',
      '    name: cut-short',
      '    maxSteps: 3',
      '    samples: 2',
      '  - stage: steps',
      '    inputs: {trajectories: teacher}',
      '  - stage: reward-check',
      '  - stage: evaluate',
      '    inputs: {predictions: teacher}',
      '  - stage: report',
      '',
    ].join('\n');
    const { stages } = await runPipeline(parsePipeline(text, join(dir, 'p.yaml')));
    const named = (name: string) => stages.find((stage) => stage.name === name)!;

    const teacher = named('teacher').summary as unknown as TeacherSummary;
    assert.deepEqual([teacher.instances, teacher.episodes, teacher.resolved, teacher.kept, teacher.errors], [2, 2, 2, 2, 0], 'the scripted teacher resolves both tasks');
    assert.deepEqual(Object.keys(teacher.by_tier), ['easy', 'hard']);
    assert.deepEqual(teacher.exit_statuses, { submitted: 2 });
    const files = named('teacher').outputs.trajectories!.files;
    const kept = await storeOf(files.store!);
    assert.equal(kept.length, 2);
    for (const trajectory of kept) {
      assert.equal(trajectory.exit_status, 'submitted');
      assert.equal((trajectory.metadata!.evaluation as { status: string }).status, 'resolved');
      assert.deepEqual((trajectory.metadata!.evaluation as { FAIL_TO_PASS: { failure: string[] } }).FAIL_TO_PASS.failure, []);
      const tools = trajectory.steps.map((step) => step.parsed_action.tool);
      assert.equal(tools.at(-1), 'submit');
      assert.ok(trajectory.steps.some((step) => (step.parsed_action.args as { command?: string }).command === 'str_replace'), 'the fix is made with str_replace');
      // Real observations: the sandbox ran the reproduction and the edit.
      assert.ok(trajectory.steps.some((step) => /has been edited/.test(step.observation)));
    }
    // SWE-smith's chat form: system, instance, then assistant <think> + one XML call / user OBSERVATION turns.
    const chats = await jsonLines(files.chatXml!);
    assert.equal(chats.length, 2);
    for (const chat of chats) {
      const messages = chat.messages as Array<{ role: string; content: string }>;
      assert.deepEqual(messages.slice(0, 2).map((message) => message.role), ['system', 'user']);
      for (const [index, message] of messages.slice(2).entries()) {
        assert.equal(message.role, index % 2 === 0 ? 'assistant' : 'user');
        if (message.role === 'assistant') assert.match(message.content, /^<think>\n[\s\S]+\n<\/think>\n\n<function=[a-z_]+>/);
        else assert.match(message.content, /^OBSERVATION:\n/);
      }
    }
    // SWE-agent .traj files that read back as the same trajectories.
    const trajFiles = (await readdir(files.trajDir!)).sort();
    assert.equal(trajFiles.length, 2);
    const readBack = await readAllTrajectories(join(files.trajDir!, trajFiles[0]!));
    assert.deepEqual(readBack[0]!.steps.map((step) => step.action), kept.find((trajectory) => `${trajectory.instance_id}.traj` === trajFiles[0])!.steps.map((step) => step.action));

    const cut = named('cut-short').summary as unknown as TeacherSummary;
    assert.deepEqual([cut.episodes, cut.resolved, cut.kept], [4, 0, 0], 'trajectories that do not resolve are not kept');
    assert.deepEqual(cut.exit_statuses, { exit_step_limit: 4 });
    assert.equal((await storeOf(named('cut-short').outputs.trajectories!.files.store!)).length, 0);

    const steps = named('steps').summary as unknown as StepsSummary;
    assert.equal(steps.steps, kept.reduce((sum, trajectory) => sum + trajectory.steps.length, 0), 'one step instance per teacher action');
    const check = named('reward-check').summary as unknown as RewardCheckSummary;
    assert.equal(check.teacher.all_one, true, "the teacher's own actions all score 1.0");
    assert.equal(check.teacher.count, steps.steps);
    assert.ok(check.perturbed.mean < 1 && check.perturbed.std > 0, 'the perturbed policy scores spread below 1');

    const evaluation = named('evaluate').summary as unknown as EvaluationSummary;
    assert.deepEqual([evaluation.total, evaluation.resolved, evaluation.error], [2, 2, 0]);
    assert.equal(evaluation.model, 'swe-srl/scripted-teacher');

    const html = await readFile(named('report').outputs.report!.files.html!, 'utf8');
    assert.match(html, /teacher resolve rate/);
    assert.match(html, /data-srl-reward="1\.00"/, 'the trajectory viewer shows the per-step SRL reward');
    for (const trajectory of kept) assert.ok(html.includes(trajectory.instance_id), `the report has ${trajectory.instance_id}`);
    for (const name of ['teacher', 'cut-short', 'evaluate']) assert.deepEqual(containersOfRun(`pipeline-${name}`), [], `${name} left no container`);

    // The command line, on the same tasks: two samples each, each kept when it resolves.
    const out = join(dir, 'cli-teacher');
    const cli = await runCli(['teacher', '--tasks', named('tasks').dir, '-o', out, '--samples', '2', '--max-workers', '2', '--backend', 'docker', '-q'], { env: { ...process.env } as Record<string, string>, timeoutMs: 900_000 });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stderr, /4\/4 episodes resolved \(100%; easy 2\/2, hard 2\/2\); 4 trajectories kept/);
    const sampled = await storeOf(join(out, 'trajectories.jsonl'));
    assert.deepEqual(sampled.map((trajectory) => trajectory.metadata!.episode_id).sort(), kept.flatMap((trajectory) => [`${trajectory.instance_id}#0`, `${trajectory.instance_id}#1`]).sort());
    const [first, second] = sampled.filter((trajectory) => trajectory.instance_id === kept[1]!.instance_id);
    assert.notDeepEqual(first!.steps.map((step) => step.thought), second!.steps.map((step) => step.thought), 'two samples of one task are worded differently');
    assert.equal((await jsonLines(join(out, 'predictions.jsonl'))).length, 2, "sample 0's prediction per task");
  }, 'small-pipeline');
});
