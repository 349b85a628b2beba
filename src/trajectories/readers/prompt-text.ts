/**
 * The text conventions of SWE-agent style prompts, shared by readers and writers: the shell
 * footer after each observation, the "no output" sentence, and where the problem statement sits in
 * an instance prompt.
 */
import type { StepState } from '../schema.js';

/** SWE-agent's `next_step_no_output_template` sentence: an empty observation. */
export const NO_OUTPUT_MESSAGE = 'Your command ran successfully and did not produce any output.';

const FOOTER = /(?:^|\r?\n)\(Open file: ([^\n]*?)\)\r?\n\(Current directory: ([^\n]*?)\)\r?\nbash-\$[ \t]*$/;

/** Splits `…\n(Open file: X)\n(Current directory: Y)\nbash-$` into the observation and the state. */
export function splitFooter(text: string): { observation: string; state?: StepState } {
  const footer = FOOTER.exec(text);
  if (!footer) return { observation: text };
  let observation = text.slice(0, footer.index);
  if (observation === NO_OUTPUT_MESSAGE) observation = '';
  return { observation, state: { open_file: footer[1]!, working_dir: footer[2]! } };
}

/** The observation as SWE-agent's next-step template shows it, footer included when the state is known. */
export function withFooter(observation: string, state: StepState | undefined): string {
  if (!state) return observation;
  const body = observation === '' ? NO_OUTPUT_MESSAGE : observation;
  return `${body}\n(Open file: ${state.open_file ?? ''})\n(Current directory: ${state.working_dir ?? ''})\nbash-$`;
}

const STATEMENT_PATTERNS: readonly RegExp[] = [
  // SWE-agent's default instance template.
  /ISSUE:\r?\n([\s\S]*?)\r?\n\r?\nINSTRUCTIONS:/,
  // SWE-agent's str_replace templates and SWE-smith.
  /<pr_description>\r?\n([\s\S]*?)\r?\n<\/pr_description>/,
  // OpenHands' SWE-bench prompt.
  /<issue_description>\r?\n([\s\S]*?)\r?\n<\/issue_description>/,
];

/** The problem statement inside an instance prompt, or the whole prompt when no known wrapper is found. */
export function problemStatementFromPrompt(prompt: string): string {
  for (const pattern of STATEMENT_PATTERNS) {
    const match = pattern.exec(prompt);
    if (match) return match[1]!;
  }
  return prompt.trim();
}

/** The instance prompt our writers produce (SWE-smith's wording, which `problemStatementFromPrompt` reads back). */
export function instancePrompt(problemStatement: string): string {
  return [
    'Consider the following PR description:',
    '',
    '<pr_description>',
    problemStatement,
    '</pr_description>',
    '',
    'Can you help me implement the necessary changes to the repository so that the requirements specified in the <pr_description> are met?',
  ].join('\n');
}
