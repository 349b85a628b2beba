/**
 * Writes a trajectory as a SWE-agent `.traj`: `trajectory[]`, a `history` SWE-agent's own tools can
 * read (tool calls for function-calling runs, the shell footer after observations), `info` and a
 * `replay_config` JSON string holding the problem statement and the action format. Reading the
 * result back gives the same normalized trajectory.
 */
import { fenceCommand, renderXmlFunctionCall, toOpenAiToolCall } from '../../tools/parsers/index.js';
import { withFooter } from '../readers/prompt-text.js';
import type { Step, Trajectory } from '../schema.js';

export interface SweAgentTrajFile {
  environment: string;
  trajectory: Array<{ action: string; observation: string; response: string; thought: string; state?: Record<string, string> }>;
  history: Array<Record<string, unknown>>;
  info: { exit_status: string | null; submission: string | null; model_stats?: Record<string, unknown>; metadata: Record<string, unknown> };
  replay_config: string;
}

/** SWE-agent's default instance prompt wording, which the reader's ISSUE/INSTRUCTIONS pattern finds again. */
function sweAgentInstancePrompt(problemStatement: string): string {
  return [
    "We're currently solving the following issue within our repository. Here's the issue text:",
    'ISSUE:',
    problemStatement,
    '',
    'INSTRUCTIONS:',
    'Solve this issue on your own, one command at a time, and submit your changes when you are done.',
  ].join('\n');
}

/** The model response of a step: the thought, then the action in the run's own syntax. */
function responseOf(step: Step, trajectory: Trajectory): string {
  switch (trajectory.tool_format) {
    case 'thought_action':
      return `${step.thought}\n\n${fenceCommand(step.action.replace(/\n$/, ''))}`;
    case 'xml_function_calling':
      return `${step.thought}\n\n${step.action.includes('<function=') ? step.action : renderXmlFunctionCall(step.parsed_action)}`;
    case 'function_calling':
      return step.thought;
  }
}

/**
 * SWE-agent keeps `model_stats` (api_calls, tokens_sent, tokens_received, instance_cost) directly
 * under `info`, where its tools look for it; ours travels in `metadata` for the round trip, so it is
 * written in both places.
 */
function sweAgentModelStats(metadata: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const stats = metadata?.model_stats;
  if (stats === null || typeof stats !== 'object' || Array.isArray(stats)) return undefined;
  const record = stats as Record<string, unknown>;
  return { instance_cost: 0, ...(typeof record.model_calls === 'number' ? { api_calls: record.model_calls } : {}), ...record };
}

export interface SweAgentTrajOptions {
  /**
   * The conversation exactly as the model saw it (a recorded run's messages, in SWE-agent's
   * history shape). Without it, `history` is rebuilt from the steps with a default instance prompt.
   */
  history?: Array<Record<string, unknown>>;
}

export function toSweAgentTraj(trajectory: Trajectory, options: SweAgentTrajOptions = {}): SweAgentTrajFile {
  const history = options.history ?? rebuiltHistory(trajectory);
  const replayConfig = {
    problem_statement: { id: trajectory.instance_id, text: trajectory.problem_statement, type: 'text' },
    agent: {
      ...(trajectory.model_name ? { model: { name: trajectory.model_name } } : {}),
      tools: { parse_function: { type: trajectory.tool_format } },
    },
  };
  const environment = trajectory.metadata?.environment;
  const modelStats = sweAgentModelStats(trajectory.metadata);
  return {
    environment: typeof environment === 'string' ? environment : 'swe-srl',
    trajectory: trajectory.steps.map((step) => ({
      action: step.action,
      observation: step.observation,
      response: responseOf(step, trajectory),
      thought: step.thought,
      ...(step.state ? { state: { ...step.state } as Record<string, string> } : {}),
    })),
    history,
    info: {
      exit_status: trajectory.exit_status,
      submission: trajectory.final_patch,
      ...(modelStats ? { model_stats: modelStats } : {}),
      metadata: trajectory.metadata ?? {},
    },
    replay_config: JSON.stringify(replayConfig),
  };
}

export function serializeSweAgentTraj(trajectory: Trajectory, options: SweAgentTrajOptions = {}): string {
  return `${JSON.stringify(toSweAgentTraj(trajectory, options), null, 2)}\n`;
}

/** A `history` SWE-agent's tools can read, rebuilt from the steps (for trajectories converted from elsewhere). */
function rebuiltHistory(trajectory: Trajectory): Array<Record<string, unknown>> {
  const functionCalling = trajectory.tool_format === 'function_calling';
  const history: Array<Record<string, unknown>> = [
    { role: 'user', content: sweAgentInstancePrompt(trajectory.problem_statement), agent: 'main', message_type: 'observation' },
  ];
  trajectory.steps.forEach((step, index) => {
    const callId = `call_${index + 1}`;
    history.push({
      role: 'assistant',
      content: responseOf(step, trajectory),
      thought: step.thought,
      action: step.action,
      agent: 'main',
      ...(functionCalling ? { tool_calls: [toOpenAiToolCall(step.parsed_action, callId)] } : {}),
      message_type: 'action',
    });
    history.push({
      role: functionCalling ? 'tool' : 'user',
      content: withFooter(step.observation, step.state),
      agent: 'main',
      message_type: 'observation',
      ...(functionCalling ? { tool_call_ids: [callId] } : {}),
    });
  });
  return history;
}
