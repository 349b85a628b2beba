/**
 * The one reader of SWE-agent command lines. In SWE-agent the classic tools are commands of the
 * agent's shell: the model writes `open main.py 20` or `edit 15:15 … end_of_edit` as its action.
 * We run those tools on the host, so a command line whose first word names one is split into the
 * argv the shell would have passed, plus the multi-line body for `edit N:M` and `insert N`.
 *
 * Both the action parser (parsers/swe-agent-commands.ts, which turns the argv into typed
 * arguments for the loop, the recorder and the SRL reward) and the tool session's bash tool read
 * command lines through this function, so what a command line means cannot differ between them.
 */
import { splitShellWords } from './shell-words.js';

export type RoutedCommand =
  | {
      kind: 'tool';
      tool: string;
      argv: string[];
      body?: string[];
      /** The body's end marker (`end_of_edit`) is missing. */
      unterminated?: true;
      /** Text after the end marker: a second command. */
      trailing?: string;
    }
  /**
   * The action names a tool but cannot be run as one (it needs a real shell, or no shell could
   * read it); `observation` explains why, `shellSyntax` tells the two apart.
   */
  | { kind: 'invalid'; tool: string; observation: string; reason: string; shellSyntax: boolean };

const RANGE_EDIT_HEAD = /^edit\s+\d+\s*(:\s*\d+|\s\d+)\s*$/;
const LINE_INSERT_HEAD = /^insert\s+\d+\s*$/;

/** Lines of a multi-line body up to (not including) the end marker, and what follows the marker. */
function bodyUntil(lines: string[], marker: string): { body: string[]; unterminated?: true; trailing?: string } {
  const end = lines.findIndex((line) => line.trimEnd() === marker);
  if (end === -1) return { body: lines, unterminated: true };
  const trailing = lines.slice(end + 1).join('\n');
  return trailing.trim() === '' ? { body: lines.slice(0, end) } : { body: lines.slice(0, end), trailing };
}

/**
 * Routes a command line to a classic tool, or returns undefined when its first word is not one of
 * `tools` (then it is an ordinary shell command).
 */
export function routeClassicCommand(command: string, tools: ReadonlySet<string>): RoutedCommand | undefined {
  const text = command.replace(/^\s+/, '').replace(/\s+$/, '');
  const firstLineEnd = text.indexOf('\n');
  const firstLine = firstLineEnd === -1 ? text : text.slice(0, firstLineEnd);
  const tool = /^\S+/.exec(firstLine)?.[0];
  if (tool === undefined || !tools.has(tool)) return undefined;
  const rest = firstLineEnd === -1 ? [] : text.slice(firstLineEnd + 1).split('\n');

  if (tool === 'edit' && RANGE_EDIT_HEAD.test(firstLine)) {
    const range = firstLine.slice(4).trim().replace(/\s*:\s*/, ':');
    return { kind: 'tool', tool, argv: range.split(/\s+/), ...bodyUntil(rest, 'end_of_edit') };
  }
  if (tool === 'insert' && LINE_INSERT_HEAD.test(firstLine) && rest.length > 0) {
    const line = firstLine.slice(6).trim();
    const { body, ...marks } = bodyUntil(rest, 'end_of_insert');
    return { kind: 'tool', tool, argv: [body.join('\n'), line], ...marks };
  }
  const split = splitShellWords(text);
  if (!split.ok) {
    return {
      kind: 'invalid',
      tool,
      reason: split.reason,
      shellSyntax: split.shellSyntax,
      observation: `\`${tool}\` is a tool of this environment, not a program, so it cannot be combined with ${split.reason}. Run it on its own, with its arguments quoted where they contain spaces, e.g. ${tool} "some path".`,
    };
  }
  return { kind: 'tool', tool, argv: split.words.slice(1) };
}
