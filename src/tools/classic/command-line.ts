/**
 * In SWE-agent the classic tools are commands of the agent's shell: the model writes
 * `open main.py 20` or `edit 15:15 … end_of_edit` as its bash action. We run those tools on the
 * host, so a bash action whose first word names one is routed here and split into the argv the
 * shell would have passed, plus the multi-line body for `edit N:M` and `insert N`.
 */
import { splitShellWords } from './shell-words.js';

export type RoutedCommand =
  | { kind: 'tool'; tool: string; argv: string[]; body?: string[] }
  /** The action names a tool but cannot be run as one; `observation` explains why. */
  | { kind: 'invalid'; tool: string; observation: string };

/** Lines of a multi-line body up to (not including) the end marker; all lines when it is missing. */
function bodyUntil(lines: string[], marker: string): string[] {
  const end = lines.findIndex((line) => line.trimEnd() === marker);
  return end === -1 ? lines : lines.slice(0, end);
}

/**
 * Routes a bash action to a classic tool, or returns undefined when its first word is not one of
 * `tools` (then it is an ordinary shell command).
 */
export function routeClassicCommand(command: string, tools: ReadonlySet<string>): RoutedCommand | undefined {
  const text = command.replace(/^\s+/, '').replace(/\s+$/, '');
  const firstLineEnd = text.indexOf('\n');
  const firstLine = firstLineEnd === -1 ? text : text.slice(0, firstLineEnd);
  const tool = /^\S+/.exec(firstLine)?.[0];
  if (tool === undefined || !tools.has(tool)) return undefined;
  const rest = firstLineEnd === -1 ? [] : text.slice(firstLineEnd + 1).split('\n');

  if (tool === 'edit' && /^edit\s+\d+\s*(:\s*\d+|\s\d+)\s*$/.test(firstLine)) {
    const range = firstLine.slice(4).trim().replace(/\s*:\s*/, ':');
    return { kind: 'tool', tool, argv: range.split(/\s+/), body: bodyUntil(rest, 'end_of_edit') };
  }
  if (tool === 'insert' && /^insert\s+\d+\s*$/.test(firstLine) && rest.length > 0) {
    const line = firstLine.slice(6).trim();
    return { kind: 'tool', tool, argv: [bodyUntil(rest, 'end_of_insert').join('\n'), line] };
  }
  const split = splitShellWords(text);
  if (!split.ok) {
    return {
      kind: 'invalid',
      tool,
      observation: `\`${tool}\` is a tool of this environment, not a program, so it cannot be combined with ${split.reason}. Run it on its own, with its arguments quoted where they contain spaces, e.g. ${tool} "some path".`,
    };
  }
  return { kind: 'tool', tool, argv: split.words.slice(1) };
}
