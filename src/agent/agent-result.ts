import type { Trajectory } from '../trajectories/schema.js';
import type { ChatMessage, TokenUsage } from '../policy/types.js';
import type { ExitStatus } from './exit-status.js';
import type { TurnRecord } from './episode.js';
import type { ToolSpec } from '../tools/types.js';

export interface AgentStats {
  /** Actions executed. */
  steps: number;
  modelCalls: number;
  formatErrors: number;
  usage: TokenUsage;
  durationMs: number;
}

export interface AgentResult {
  instanceId: string;
  exitStatus: ExitStatus;
  /**
   * The patch the run produced: the submission, or (as SWE-agent does) the repository's diff at
   * exit when the agent did not submit; null when even that could not be taken.
   */
  patch: string | null;
  /** The run as a normalized trajectory (write it with the trajectories writers). */
  trajectory: Trajectory;
  /** The conversation as the policy last saw it, format-error turns included. */
  messages: ChatMessage[];
  /** Every model call: its prompt, completion, log-probabilities, finish reason, usage and sampling. */
  turns: TurnRecord[];
  /** The tools offered for native function calling (absent for the text formats). */
  tools?: ToolSpec[];
  stats: AgentStats;
  /** What went wrong, for `exit_error` (and the detail behind other exits). */
  error?: string;
  /**
   * Set when the result says nothing about the agent: the episode was cut off (a signal, a driver
   * that stopped it), its sandbox or engine failed, or the endpoint did. Rollouts do not record
   * such a result; a resume runs the episode again.
   */
  infrastructureError?: string;
}
