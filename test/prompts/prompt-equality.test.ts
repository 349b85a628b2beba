/**
 * SRL step prompts are the prompts a policy sees at rollout. Each shared trajectory (one per action
 * format) is replayed through the agent loop, without its thoughts (SRL contexts show the expert's
 * actions only), on a rebuilt copy of its repository; the run the loop recorded is then cut into
 * chat steps with `traj steps --form chat`, and step k's messages must equal, message by message,
 * the prompt the policy was shown before its action k: with the whole history, and with the
 * H-round window (the loop given the same `history`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAgent } from '../../src/agent/agent-loop.js';
import { writeTrajFile } from '../../src/agent/record-traj.js';
import { recordedToolbox } from '../../src/agent/replay/recorded-toolbox.js';
import { rootRewriter } from '../../src/agent/replay/normalize.js';
import { ReplayPolicy } from '../../src/policy/replay-policy.js';
import { toWireMessage } from '../../src/policy/openai/chat-wire.js';
import type { ChatMessage, Policy } from '../../src/policy/types.js';
import { loadAgentTemplates, THINK_TEMPLATE_FOR_FORMAT } from '../../src/prompts/templates.js';
import { readAllTrajectories, recordedRootOf } from '../../src/trajectories/index.js';
import { registerTrajCommand } from '../../src/cli/traj.js';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';
import { rebuildRepository } from '../helpers/traj-repos.js';
import { TempDirSandbox } from '../helpers/temp-dir-sandbox.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { runInProcess } from '../helpers/cli.js';
import { readJsonlFile } from '../helpers/jsonl-files.js';

const CASES = [
  { file: 'pydicom__pydicom-1458.traj', format: 'thought_action' },
  { file: '6e44b9__sweagenttestrepo-1c2844.traj', format: 'function_calling' },
  { file: 'xml_function_calling_demo.jsonl', format: 'xml_function_calling' },
] as const;

for (const { file, format } of CASES) {
  for (const history of ['all', 2] as const) {
    test(`${file}: the loop's prompts equal traj steps --form chat --history ${history}, message by message`, { skip: skipUnlessShared('sweagent', file), timeout: 120_000 }, async (t) => {
      const path = sharedDataPath('sweagent', file)!;
      const [trajectory] = await readAllTrajectories(path);
      assert.ok(trajectory && trajectory.final_patch !== null);
      assert.equal(trajectory.tool_format, format);
      const raw = path.endsWith('.traj') ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : undefined;
      const repository = rebuildRepository(trajectory.steps, trajectory.final_patch);
      const sandbox = await TempDirSandbox.create({ files: repository.files, modes: repository.modes });
      try {
        const templates = await loadAgentTemplates(THINK_TEMPLATE_FOR_FORMAT[format]);
        const replay = new ReplayPolicy(trajectory.steps, {
          format,
          rewrite: rootRewriter(recordedRootOf(trajectory), sandbox.workdir),
          withoutThoughts: true,
        });
        const prompts: ChatMessage[][] = [];
        const policy: Policy = { name: 'replay', complete: (request) => (prompts.push(request.messages), replay.complete(request)) };
        const result = await runAgent({
          instance: { instanceId: trajectory.instance_id, problemStatement: trajectory.problem_statement },
          sandbox,
          policy,
          // The replayed actions carry no <think>: the check is switched off, the prompts are the SRL template's.
          templates: { ...templates, tools: recordedToolbox(raw, trajectory) },
          config: { history, thinkTags: false, limits: { maxSteps: trajectory.steps.length, maxConsecutiveFormatErrors: 1, contextBudgetTokens: 10_000_000 } },
        });
        assert.equal(result.exitStatus, 'submitted', result.error);
        assert.equal(prompts.length, trajectory.steps.length);

        await withTempDir(async (dir) => {
          const recorded = join(dir, 'run.traj');
          await writeTrajFile(recorded, result.trajectory, result.messages);
          const rows = join(dir, 'steps.jsonl');
          await runInProcess(t, [registerTrajCommand], ['traj', 'steps', recorded, '-o', rows, '--form', 'chat', '--history', String(history), '--observation-budget', '10000000']);
          const steps = await readJsonlFile(rows);
          assert.equal(steps.length, prompts.length);
          steps.forEach((row, k) => {
            const seen = prompts[k]!.map(toWireMessage);
            assert.equal((row.messages as unknown[]).length, seen.length, `step ${k}: message count`);
            seen.forEach((message, index) => assert.deepEqual((row.messages as unknown[])[index], message, `step ${k}, message ${index}`));
            if (format === 'function_calling') assert.ok(Array.isArray(row.tools) && row.tools.length > 0, 'the row offers the tools natively');
          });
          if (history === 2) {
            assert.ok(steps.length >= 4, 'the window leaves a round out');
            assert.match(String((steps[3]!.messages as Array<{ content: string }>)[1]!.content), /\(1 earlier action and its observation are not shown/);
          }
        });
      } finally {
        await sandbox.close();
      }
    });
  }
}
