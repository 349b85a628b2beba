/** How an episode ended, named as SWE-agent names them. */
export const EXIT_STATUSES = [
  /** The agent ran `submit`. */
  'submitted',
  /** Too many consecutive outputs that were not one well-formed action. */
  'exit_format',
  /** The conversation outgrew the context budget (or the endpoint said so). */
  'exit_context',
  /** The episode ran past its total time limit. */
  'exit_timeout',
  /** The step limit was reached. */
  'exit_step_limit',
  /** Something outside the agent broke: the policy endpoint, the sandbox. */
  'exit_error',
] as const;

export type ExitStatus = (typeof EXIT_STATUSES)[number];
