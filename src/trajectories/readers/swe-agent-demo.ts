/**
 * SWE-agent's demonstration YAML (`trajectories/demonstrations/*.yaml`): a `history` whose
 * assistant turns are tool calls (`str_replace_editor`, `bash`, `submit`), plus the
 * `replay_config` of the run it was made from.
 */
import { z } from 'zod';
import { fileStem, finishTrajectory, parseRecord, resolveEnding, type RecordLocation } from './common.js';
import { problemStatementFromPrompt } from './prompt-text.js';
import { historyActions, instancePromptOf, stepsFromHistory, sweAgentMessageSchema } from './swe-agent-history.js';
import type { Trajectory } from '../schema.js';

const demoSchema = z.looseObject({
  history: z.array(sweAgentMessageSchema),
  replay_config: z.unknown().optional(),
});

export function readSweAgentDemo(value: unknown, where: RecordLocation): Trajectory {
  const demo = parseRecord(demoSchema, value, where, 'SWE-agent demonstration');
  const steps = stepsFromHistory(demo.history, where);
  const usesToolCalls = historyActions(demo.history, where).some((found) => (found.message.tool_calls?.length ?? 0) > 0);
  const prompt = instancePromptOf(demo.history);
  const ending = resolveEnding(steps);
  return finishTrajectory(
    {
      instance_id: fileStem(where.file),
      problem_statement: prompt === undefined ? '' : problemStatementFromPrompt(prompt),
      steps,
      final_patch: ending.final_patch,
      exit_status: ending.exit_status,
      source_format: 'swe-agent-demo',
      tool_format: usesToolCalls ? 'function_calling' : 'thought_action',
      ...(ending.inferred.length > 0 ? { metadata: { inferred: ending.inferred } } : {}),
    },
    where,
  );
}
