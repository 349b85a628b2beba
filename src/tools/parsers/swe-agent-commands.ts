/**
 * SWE-agent's classic command lines, the text of a `.traj` step's `action` and of a thought-action
 * block: the windowed editor (`open`, `goto`, `scroll_up`, `scroll_down`, `create`,
 * `edit N:M` … `end_of_edit`), the edit-replace bundle (`edit 'search' 'replace' [True]`,
 * `insert`), the search tools, `str_replace_editor` as SWE-agent renders its calls, `submit`;
 * anything else is plain bash. `renderCommandLine` writes the canonical form back: the single
 * rendering the SRL reward compares, whatever format an action came in.
 */
import { buildKnownAction, functionCallOf, isKnownAction, toolSpec } from './catalog.js';
import { shlexQuote } from '../../util/shell-quote.js';
import { splitShellWords } from './shell-words.js';
import { formatError, type ActionResult, type KnownTool, type ParsedAction } from './types.js';

const SPECIAL_COMMANDS = new Set([
  'edit',
  'insert',
  'open',
  'goto',
  'scroll_up',
  'scroll_down',
  'create',
  'find_file',
  'search_dir',
  'search_file',
  'submit',
  'str_replace_editor',
]);

const WINDOWED_EDIT_HEAD = /^edit[ \t]+(\d+)[ \t]*:[ \t]*(\d+)[ \t]*$/;
const LINE_INSERT_HEAD = /^insert[ \t]+(\d+)[ \t]*$/;
const EDITOR_FLAGS = new Set(['file_text', 'view_range', 'old_str', 'new_str', 'insert_line']);

function known(tool: KnownTool, args: Record<string, unknown>): ActionResult {
  return buildKnownAction(toolSpec(tool), args, true);
}

/** A command whose argument spans lines up to a terminator line (`end_of_edit`, `end_of_insert`). */
function parseMultiLine(
  text: string,
  terminator: string,
  build: (head: RegExpExecArray, body: string) => ActionResult,
  headPattern: RegExp,
): ActionResult | undefined {
  const firstBreak = text.indexOf('\n');
  const head = headPattern.exec(firstBreak < 0 ? text : text.slice(0, firstBreak));
  if (!head) return undefined;
  const name = text.slice(0, text.search(/[ \t]/));
  if (firstBreak < 0) return formatError('unparseable', `${name} ${head[1]}… needs its text on the next lines and a closing ${terminator} line`);
  const rest = text.slice(firstBreak + 1);
  const end = new RegExp(`^${terminator}[ \\t\\r]*$`, 'm').exec(rest);
  if (!end) return formatError('unparseable', `${name} has no closing ${terminator} line`);
  const after = rest.slice(end.index + end[0].length);
  if (after.trim() !== '') return formatError('multiple_actions', `text after ${terminator}: one command per action`);
  let body = rest.slice(0, end.index);
  if (body.endsWith('\n')) body = body.slice(0, -1);
  return build(head, body);
}

/** `--view_range` as SWE-agent renders a list, unquoted: `[1, 10]` splits into two words. */
function takeFlagValue(words: string[], index: number, flag: string): { value: string; next: number } | undefined {
  const first = words[index];
  if (first === undefined) return undefined;
  if (flag === 'view_range' && first.startsWith('[') && !first.endsWith(']')) {
    let value = first;
    let next = index + 1;
    while (next < words.length && !value.endsWith(']')) value += ` ${words[next++]}`;
    return { value, next };
  }
  return { value: first, next: index + 1 };
}

function parseEditorCommand(words: string[]): ActionResult {
  const [command, path, ...rest] = words;
  if (command === undefined || path === undefined) return formatError('unparseable', 'str_replace_editor needs a command and a path');
  const args: Record<string, unknown> = { command, path };
  for (let i = 0; i < rest.length; ) {
    const flag = rest[i]!.replace(/^--/, '');
    if (!rest[i]!.startsWith('--') || !EDITOR_FLAGS.has(flag)) return formatError('unparseable', `str_replace_editor: unexpected ${JSON.stringify(rest[i])}`);
    const taken = takeFlagValue(rest, i + 1, flag);
    if (!taken) return formatError('unparseable', `str_replace_editor: --${flag} needs a value`);
    args[flag] = taken.value;
    i = taken.next;
  }
  return known('str_replace_editor', args);
}

function usage(signature: string): ActionResult {
  return formatError('unparseable', `expected \`${signature}\``);
}

function parseWords(name: string, words: string[]): ActionResult {
  const n = words.length;
  switch (name) {
    case 'edit': {
      if (n !== 2 && n !== 3) return usage(toolSpec('edit_replace').signature);
      const args: Record<string, unknown> = { search: words[0], replace: words[1] };
      if (n === 3) {
        const flag = words[2]!.replace(/^--/, '').toLowerCase();
        if (flag === 'replace-all' || flag === 'replace_all' || flag === 'true') args.replace_all = true;
        else if (flag !== 'false') return usage(toolSpec('edit_replace').signature);
      }
      return known('edit_replace', args);
    }
    case 'insert': {
      const lineAt = words.indexOf('--line');
      if (lineAt >= 0) {
        const rest = words.filter((_, i) => i !== lineAt && i !== lineAt + 1);
        if (rest.length !== 1 || words[lineAt + 1] === undefined) return usage(toolSpec('insert').signature);
        return known('insert', { text: rest[0], line: words[lineAt + 1] });
      }
      if (n !== 1) return usage(toolSpec('insert').signature);
      return known('insert', { text: words[0] });
    }
    case 'open':
      if (n !== 1 && n !== 2) return usage(toolSpec('open').signature);
      return known('open', n === 2 ? { path: words[0], line: words[1] } : { path: words[0] });
    case 'goto':
      if (n !== 1) return usage(toolSpec('goto').signature);
      return known('goto', { line: words[0] });
    case 'scroll_up':
    case 'scroll_down':
    case 'submit':
      if (n !== 0) return usage(name);
      return known(name, {});
    case 'create':
      if (n !== 1) return usage(toolSpec('create').signature);
      return known('create', { path: words[0] });
    case 'find_file':
      if (n !== 1 && n !== 2) return usage(toolSpec('find_file').signature);
      return known('find_file', n === 2 ? { file_name: words[0], dir: words[1] } : { file_name: words[0] });
    case 'search_dir':
      if (n !== 1 && n !== 2) return usage(toolSpec('search_dir').signature);
      return known('search_dir', n === 2 ? { search_term: words[0], dir: words[1] } : { search_term: words[0] });
    case 'search_file':
      if (n !== 1 && n !== 2) return usage(toolSpec('search_file').signature);
      return known('search_file', n === 2 ? { search_term: words[0], file: words[1] } : { search_term: words[0] });
    case 'str_replace_editor':
      return parseEditorCommand(words);
    default:
      return formatError('unparseable', `unknown command ${name}`);
  }
}

/** Reads one SWE-agent command line (as found in a `.traj` action or a fenced block). */
export function parseCommandLine(input: string): ActionResult {
  const text = input.trim();
  if (text === '') return formatError('no_action', 'the action is empty');
  const name = /^\S+/.exec(text)![0];
  if (!SPECIAL_COMMANDS.has(name)) return { ok: true, action: { tool: 'bash', args: { command: text } } };

  const windowed = parseMultiLine(text, 'end_of_edit', (head, body) => known('edit', { start: head[1], end: head[2], replacement: body }), WINDOWED_EDIT_HEAD);
  if (windowed) return windowed;
  // `insert 5` alone inserts the text "5"; only a following line makes it the older `insert N` … `end_of_insert`.
  const lineInsert = text.includes('\n') && parseMultiLine(text, 'end_of_insert', (head, body) => known('insert', { line: head[1], text: body }), LINE_INSERT_HEAD);
  if (lineInsert) return lineInsert;

  const split = splitShellWords(text.slice(name.length));
  if (!split.ok) return formatError('unparseable', `${name}: ${split.reason}`);
  // `find_file x | head` and the like are shell programs that happen to start with a tool name.
  if (split.usesShellSyntax) return { ok: true, action: { tool: 'bash', args: { command: text } } };
  return parseWords(name, split.words);
}

function optional(value: unknown): string {
  return value === undefined ? '' : ` ${typeof value === 'string' ? shlexQuote(value) : String(value)}`;
}

/**
 * The canonical command line of an action: arguments in a fixed order, quoted only where the
 * shell needs it. `parseCommandLine(renderCommandLine(a))` gives `a` back for every known tool.
 */
export function renderCommandLine(action: ParsedAction): string {
  if (!isKnownAction(action)) {
    const call = functionCallOf(action);
    const parts = Object.entries(call.arguments).map(
      ([key, value]) => ` --${key} ${shlexQuote(typeof value === 'string' ? value : JSON.stringify(value))}`,
    );
    return `${call.name}${parts.join('')}`;
  }
  switch (action.tool) {
    case 'bash':
      return action.args.command;
    case 'edit':
      return action.args.replacement === ''
        ? `edit ${action.args.start}:${action.args.end}\nend_of_edit`
        : `edit ${action.args.start}:${action.args.end}\n${action.args.replacement}\nend_of_edit`;
    case 'edit_replace':
      return `edit ${shlexQuote(action.args.search)} ${shlexQuote(action.args.replace)}${action.args.replace_all ? ' True' : ''}`;
    case 'insert':
      return `insert ${shlexQuote(action.args.text)}${action.args.line === undefined ? '' : ` --line ${action.args.line}`}`;
    case 'open':
      return `open ${shlexQuote(action.args.path)}${optional(action.args.line)}`;
    case 'goto':
      return `goto ${action.args.line}`;
    case 'create':
      return `create ${shlexQuote(action.args.path)}`;
    case 'find_file':
      return `find_file ${shlexQuote(action.args.file_name)}${optional(action.args.dir)}`;
    case 'search_dir':
      return `search_dir ${shlexQuote(action.args.search_term)}${optional(action.args.dir)}`;
    case 'search_file':
      return `search_file ${shlexQuote(action.args.search_term)}${optional(action.args.file)}`;
    case 'str_replace_editor': {
      const { command, path, view_range, ...rest } = action.args;
      let line = `str_replace_editor ${command} ${shlexQuote(path)}`;
      for (const key of ['file_text', 'view_range', 'old_str', 'new_str', 'insert_line'] as const) {
        const value = key === 'view_range' ? view_range : rest[key];
        if (value === undefined) continue;
        const text = key === 'view_range' ? shlexQuote(`[${view_range![0]}, ${view_range![1]}]`) : typeof value === 'string' ? shlexQuote(value) : String(value);
        line += ` --${key} ${text}`;
      }
      return line;
    }
    case 'scroll_up':
    case 'scroll_down':
    case 'submit':
      return action.tool;
  }
}
