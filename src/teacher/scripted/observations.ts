/**
 * What the scripted teacher reads back from an observation before it writes its next monologue:
 * the files a search found, the last line a command printed, how a test run ended. The teacher
 * reacts to what the sandbox really said, so its reasoning matches its observations.
 */

/** The raw observation in a rendered next-step message (`OBSERVATION:\n…`). */
export function observationText(message: string): string {
  return message.replace(/^OBSERVATION:\n?/, '');
}

/** Files (relative to the repository root) that `grep -rn` lines name, in order of first mention. */
export function filesInGrepOutput(observation: string, root: string): string[] {
  const files: string[] = [];
  for (const line of observation.split('\n')) {
    const match = /^([^:\s][^:]*):\d+:/.exec(line);
    if (!match) continue;
    const path = match[1]!.startsWith(`${root}/`) ? match[1]!.slice(root.length + 1) : match[1]!;
    if (!files.includes(path)) files.push(path);
  }
  return files;
}

/** The line numbers at which `grep -rn` found `definition` (e.g. `def name(`) in `file`. */
export function definitionLines(observation: string, root: string, file: string, definition: string): number[] {
  const lines: number[] = [];
  for (const line of observation.split('\n')) {
    const match = /^([^:]+):(\d+):(.*)$/.exec(line);
    if (!match) continue;
    const path = match[1]!.startsWith(`${root}/`) ? match[1]!.slice(root.length + 1) : match[1]!;
    if (path === file && match[3]!.trimStart().startsWith(definition)) lines.push(Number(match[2]));
  }
  return lines;
}

/** The last non-empty line a command printed (a traceback's error line, a printed value). */
export function lastLine(observation: string): string {
  const lines = observation.split('\n').map((line) => line.trimEnd()).filter((line) => line.trim() !== '');
  return lines.at(-1) ?? '';
}

export interface TestRunOutcome {
  /** Whether the run reported no failure and no error. */
  passed: boolean;
  /** The runner's own summary line (`OK`, `FAILED (failures=2)`, `3 passed in 0.1s`). */
  summary: string;
  /** Tests the output names as failed or errored (pytest `FAILED x`, unittest `FAIL: x`). */
  failing: number;
}

/** How a pytest or unittest run ended, from its output. */
export function testRunOutcome(observation: string): TestRunOutcome {
  const lines = observation.split('\n').map((line) => line.trim());
  const failing = lines.filter((line) => /^(FAILED|ERROR)\s+\S/.test(line) || /^(FAIL|ERROR): /.test(line)).length;
  const pytestSummary = [...lines].reverse().find((line) => /^=*\s*\d+ (passed|failed|error)/.test(line) || /\b\d+ (passed|failed)\b.* in [\d.]+s/.test(line));
  const unittestSummary = [...lines].reverse().find((line) => /^(OK\b|FAILED \()/.test(line));
  const summary = (pytestSummary ?? unittestSummary ?? lastLine(observation)).replace(/^=+\s*|\s*=+$/g, '');
  const passed = failing === 0 && !/\b(failed|error|errors)\b|FAILED/.test(summary) && (/\bpassed\b/.test(summary) || /^OK\b/.test(summary));
  return { passed, summary, failing };
}
