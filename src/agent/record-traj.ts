/**
 * Recording: every run is a normalized trajectory (AgentResult.trajectory); these write it as a
 * SWE-agent `.traj` with the trajectories writer, with the conversation exactly as the model saw it
 * as `history` (system and instance prompts, format-error turns included), as SWE-agent records it,
 * so a trainer can rebuild each prompt and completion. Files are written whole and renamed into
 * place, so an interrupted run never leaves a half-written `.traj` behind.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomically } from '../io/atomic-write.js';
import type { ChatMessage } from '../policy/types.js';
import { serializeSweAgentTraj } from '../trajectories/writers/swe-agent-traj.js';
import type { Trajectory } from '../trajectories/schema.js';
import type { AgentHooks } from './hooks.js';

/** One chat message in the shape of a SWE-agent history entry (OpenAI-style tool calls). */
export function toSweAgentHistoryEntry(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content, agent: 'main', message_type: 'system_prompt' };
    case 'user':
      return { role: 'user', content: message.content, agent: 'main', message_type: 'observation' };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        agent: 'main',
        message_type: 'action',
        ...(message.toolCalls && message.toolCalls.length > 0
          ? { tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }
          : {}),
      };
    case 'tool':
      return { role: 'tool', content: message.content, agent: 'main', message_type: 'observation', tool_call_ids: [message.toolCallId] };
  }
}

export async function writeTrajFile(path: string, trajectory: Trajectory, messages?: readonly ChatMessage[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const options = messages && messages.length > 0 ? { history: messages.map(toSweAgentHistoryEntry) } : {};
  await writeFileAtomically(path, serializeSweAgentTraj(trajectory, options));
}

/** A hook set that writes the run's `.traj` (with the model's real conversation) to `path` when it ends. */
export function recordTrajHook(path: string): AgentHooks {
  return { onRunDone: (result) => writeTrajFile(path, result.trajectory, result.messages) };
}
