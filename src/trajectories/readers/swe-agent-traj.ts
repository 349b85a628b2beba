/**
 * SWE-agent's `.traj`: `trajectory[]` (action, observation, thought, response, state per step),
 * `history[]` (the chat), `info` (exit_status, submission, model_stats) and `replay_config` (the
 * run's configuration, a JSON string in SWE-agent 1.x, holding the problem statement). Files with a
 * history only (function_calling_simple.traj) are rebuilt from it.
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import {
  parseCommandLine,
  parseXmlFunctionCall,
  type ActionResult,
  type ToolFormat,
} from '../../tools/parsers/index.js';
import type { Step, StepState, Trajectory } from '../schema.js';
import { describeRecord, fileStem, finishTrajectory, parseRecord, resolveEnding, type RecordLocation } from './common.js';
import { problemStatementFromPrompt } from './prompt-text.js';
import { historyActions, instancePromptOf, stepsFromHistory, sweAgentMessageSchema } from './swe-agent-history.js';

const trajStepSchema = z.looseObject({
  action: z.string(),
  observation: z.string(),
  thought: z.string().nullable().optional(),
  response: z.string().nullable().optional(),
  state: z.union([z.string(), z.record(z.string(), z.unknown())]).nullable().optional(),
});

const trajFileSchema = z
  .looseObject({
    environment: z.string().nullable().optional(),
    trajectory: z.array(trajStepSchema).optional(),
    history: z.array(sweAgentMessageSchema).optional(),
    info: z
      .looseObject({
        exit_status: z.string().nullable().optional(),
        submission: z.string().nullable().optional(),
        model_stats: z.unknown().optional(),
        metadata: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    replay_config: z.union([z.string(), z.record(z.string(), z.unknown())]).nullable().optional(),
  })
  .refine((file) => file.trajectory !== undefined || file.history !== undefined, {
    message: 'a .traj needs a trajectory or a history',
  });

type UnknownRecord = Record<string, unknown>;

function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as UnknownRecord)[key];
  }
  return current;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function replayConfigOf(raw: string | UnknownRecord | null | undefined, where: RecordLocation): UnknownRecord | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw !== 'string') return raw;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as UnknownRecord) : undefined;
  } catch (error) {
    throw new InputError(`${describeRecord(where)}: replay_config: a string that is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

function stateOf(raw: string | UnknownRecord | null | undefined, where: RecordLocation, index: number): StepState | undefined {
  if (raw === null || raw === undefined) return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch (error) {
      throw new InputError(`${describeRecord(where)}: trajectory[${index}].state: a string that is not valid JSON`, { cause: error });
    }
  }
  const state: StepState = {};
  const openFile = pick(value, 'open_file');
  const workingDir = pick(value, 'working_dir');
  if (typeof openFile === 'string') state.open_file = openFile;
  if (typeof workingDir === 'string') state.working_dir = workingDir;
  return Object.keys(state).length > 0 ? state : undefined;
}

const PARSE_FUNCTION_FORMATS: Readonly<Record<string, ToolFormat>> = {
  function_calling: 'function_calling',
  xml_function_calling: 'xml_function_calling',
  thought_action: 'thought_action',
  xml_thought_action: 'thought_action',
};

/** A recorded action string: SWE-agent's command line, or (for XML-calling runs we wrote) the call itself. */
function parseRecordedAction(text: string, format: ToolFormat): ActionResult {
  if (format === 'xml_function_calling' && text.includes('<function=')) {
    const parsed = parseXmlFunctionCall(text);
    return parsed.ok ? { ok: true, action: parsed.action } : parsed;
  }
  return parseCommandLine(text);
}

export function readSweAgentTraj(value: unknown, where: RecordLocation): Trajectory {
  const file = parseRecord(trajFileSchema, value, where, 'SWE-agent .traj');
  const replayConfig = replayConfigOf(file.replay_config, where);
  const history = file.history ?? [];
  const actions = historyActions(history, where);

  const recordedFormat = asString(pick(replayConfig, 'agent', 'tools', 'parse_function', 'type'));
  const toolFormat: ToolFormat =
    (recordedFormat !== undefined ? PARSE_FUNCTION_FORMATS[recordedFormat] : undefined) ??
    (actions.some((found) => (found.message.tool_calls?.length ?? 0) > 0) ? 'function_calling' : 'thought_action');

  let steps: Step[];
  if (file.trajectory && file.trajectory.length > 0) {
    // When the history lines up with trajectory[], its tool calls are the exact record of a
    // function-calling run, and its footers give the state after each action (SWE-agent 0.x
    // trajectory[].state is the state before the action, 1.x the state after).
    // The history may stop before the last action (1.x leaves out the submit turn), so pair the
    // longest prefix whose recorded action strings agree.
    const recordedSteps = file.trajectory;
    let pairedCount = 0;
    while (
      pairedCount < Math.min(actions.length, recordedSteps.length) &&
      (actions[pairedCount]!.message.action == null || actions[pairedCount]!.message.action === recordedSteps[pairedCount]!.action)
    ) {
      pairedCount += 1;
    }
    const paired = actions.slice(0, pairedCount);
    const footerStates = pairedCount > 0 ? stepsFromHistory(history, where).slice(0, pairedCount).map((step) => step.state) : [];
    steps = recordedSteps.map((step, index) => {
      const fromCall = paired[index]?.message.tool_calls?.length ? paired[index]!.action : undefined;
      let parsedAction = fromCall;
      if (!parsedAction) {
        const parsed = parseRecordedAction(step.action, toolFormat);
        if (!parsed.ok) throw new InputError(`${describeRecord(where)}: trajectory[${index}].action: ${parsed.error.reason}`);
        parsedAction = parsed.action;
      }
      const state = footerStates[index] ?? stateOf(step.state, where, index);
      return {
        thought: step.thought ?? '',
        action: step.action,
        parsed_action: parsedAction,
        observation: step.observation,
        ...(state ? { state } : {}),
      };
    });
  } else {
    steps = stepsFromHistory(history, where);
  }

  const instancePrompt = instancePromptOf(history);
  const problemStatement =
    asString(pick(replayConfig, 'problem_statement', 'text')) ?? (instancePrompt === undefined ? '' : problemStatementFromPrompt(instancePrompt));
  const instanceId = asString(pick(replayConfig, 'problem_statement', 'id')) ?? fileStem(where.file);
  const info = file.info;
  const ending = resolveEnding(steps, { exit_status: info?.exit_status, final_patch: info?.submission });

  let metadata: UnknownRecord | undefined;
  if (info?.metadata) {
    metadata = Object.keys(info.metadata).length > 0 ? info.metadata : undefined;
  } else {
    metadata = {};
    if (file.environment) metadata.environment = file.environment;
    if (info?.model_stats !== undefined) metadata.model_stats = info.model_stats;
    if (ending.inferred.length > 0) metadata.inferred = ending.inferred;
    if (Object.keys(metadata).length === 0) metadata = undefined;
  }
  const modelName = asString(pick(replayConfig, 'agent', 'model', 'name'));

  return finishTrajectory(
    {
      instance_id: instanceId,
      problem_statement: problemStatement,
      steps,
      final_patch: ending.final_patch,
      exit_status: ending.exit_status,
      source_format: 'swe-agent-traj',
      tool_format: toolFormat,
      ...(modelName ? { model_name: modelName } : {}),
      ...(metadata ? { metadata } : {}),
    },
    where,
  );
}
