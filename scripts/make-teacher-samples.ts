/**
 * Regenerates the shipped samples of the built-in task family (never edit them by hand):
 *
 *   trajectories/teacher/           one scripted-teacher trajectory per tier, each resolving its
 *                                   task: trajectories.jsonl (the store), chat-xml.jsonl
 *                                   (SWE-smith's chat form), traj/*.traj (SWE-agent), README.md
 *   environments/swe-srl-tasks.yaml the family's environment spec (also scripts/make-task-artefacts.ts)
 *
 * It runs a small pipeline (tasks seed 1, one per tier → the scripted teacher) in a run folder of
 * its own, on Docker when an engine answers, else the local backend; a rerun resumes it.
 *
 *   npx tsx scripts/make-teacher-samples.ts [--run-dir runs/teacher-samples]
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePipeline, runPipeline } from '../src/pipeline/index.js';
import { FAMILY_SPEC_FILE, FAMILY_SPEC_YAML } from '../src/tasks/family-spec.js';
import { readTrajectoryStore } from '../src/trajectories/store.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const runDirFlag = process.argv.indexOf('--run-dir');
const runDir = resolve(runDirFlag >= 0 ? process.argv[runDirFlag + 1]! : join(root, 'runs', 'teacher-samples'));
const SEED = 1;

const pipeline = [
  `runDir: ${runDir}`,
  'sandbox: {backend: auto, maxWorkers: 2}',
  'stages:',
  '  - stage: tasks',
  `    seed: ${SEED}`,
  '    count: 1',
  '    tiers: [easy, medium, hard]',
  '  - stage: teacher',
  '',
].join('\n');

const { stages } = await runPipeline(parsePipeline(pipeline, join(runDir, 'samples.yaml')), {
  onEvent: (event) => {
    if (event.kind === 'stage-done') console.error(`${event.stage}: ${event.headline ?? 'done'}`);
  },
});
const teacher = stages.find((stage) => stage.type === 'teacher')!;
const files = teacher.outputs.trajectories!.files;

const out = join(root, 'trajectories', 'teacher');
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await cp(files.store!, join(out, 'trajectories.jsonl'));
await cp(files.chatXml!, join(out, 'chat-xml.jsonl'));
await cp(files.trajDir!, join(out, 'traj'), { recursive: true });

const rows: string[] = [];
for await (const { trajectory } of readTrajectoryStore(files.store!)) {
  const task = trajectory.metadata?.task as { tier: string; bug_kind: string; template: string };
  rows.push(`| \`${trajectory.instance_id}\` | ${task.tier} | ${task.bug_kind} | ${task.template} | ${trajectory.steps.length} | ${trajectory.steps.map((step) => step.parsed_action.tool === 'str_replace_editor' ? `${(step.parsed_action.args as { command: string }).command}` : step.parsed_action.tool).join(' → ')} |`);
}
await writeFile(
  join(out, 'README.md'),
  [
    '# trajectories/teacher/',
    '',
    'Written by `npx tsx scripts/make-teacher-samples.ts`; do not edit by hand. The scripted teacher',
    `(src/teacher) solved one task per tier of the built-in family (seed ${SEED}) through the agent's`,
    '`Episode` in a sandbox; each trajectory is here because the evaluation resolved its patch.',
    '',
    '- `trajectories.jsonl`: the normalized store (`swe-srl traj steps` and the steps stage read it);',
    '  `metadata.task` is the tier and bug kind, `metadata.evaluation` the FAIL_TO_PASS / PASS_TO_PASS verdicts;',
    "- `chat-xml.jsonl`: SWE-smith's chat form (`<think>` + one `<function=…>` call per assistant turn);",
    "- `traj/*.traj`: SWE-agent's trajectory files.",
    '',
    '| instance | tier | bug kind | template | steps | actions |',
    '|---|---|---|---|---:|---|',
    ...rows,
    '',
  ].join('\n'),
);
await writeFile(join(root, 'environments', FAMILY_SPEC_FILE), FAMILY_SPEC_YAML);
console.error(`wrote ${out} (${rows.length} trajectories) and environments/${FAMILY_SPEC_FILE}`);
// The shipped store must read back whole: a broken sample would mislead whoever copies it.
let shipped = 0;
for await (const _stored of readTrajectoryStore(join(out, 'trajectories.jsonl'))) shipped += 1;
if (shipped !== rows.length) throw new Error(`trajectories/teacher/trajectories.jsonl reads back ${shipped} trajectories, not ${rows.length}`);
