/**
 * SWE-agent's classic command lines, the text of a `.traj` step's `action`, of a thought-action
 * block and of a bash tool call: the windowed editor (`open`, `goto`, `scroll_up`, `scroll_down`,
 * `create`, `edit N:M` … `end_of_edit`), the edit-replace bundle (`edit 'search' 'replace' [True]`,
 * `insert`), the search tools, `str_replace_editor` as SWE-agent renders its calls, `submit`;
 * anything else is plain bash. The line is read by the one command-line reader the tools use too
 * (classic/command-line.ts); this file types the argv it yields with the tool catalogue.
 * `renderCommandLine` writes the canonical form back: the single rendering the SRL reward compares,
 * whatever format an action came in.
 */
import { COMMAND_NAMES, declaration, usageOf } from '../catalog.js';
import { routeClassicCommand, type RoutedCommand } from '../classic/command-line.js';
import { shlexQuote } from '../../util/shell-quote.js';
import { buildKnownAction, functionCallOf, isKnownAction } from './catalog.js';
import { formatError, type ActionResult, type KnownTool, type ParsedAction } from './types.js';

const EDITOR_FLAGS = new Set(['file_text', 'view_range', 'old_str', 'new_str', 'insert_line']);

function known(tool: KnownTool, args: Record<string, unknown>): ActionResult {
  return buildKnownAction(declaration(tool), args, true);
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

function usage(tool: KnownTool, hint = ''): ActionResult {
  return formatError('unparseable', `expected \`${usageOf(declaration(tool))}\`${hint}`);
}

/** Words that read as a path with spaces the agent forgot to quote. */
function quoteHint(words: string[]): string {
  return words.length > 1 && !/^\s*[+-]?\d+\s*$/.test(words[1]!) ? `; quote a path that has spaces: open "${words.join(' ')}"` : '';
}

function parseWords(name: string, words: string[]): ActionResult {
  const n = words.length;
  switch (name) {
    case 'edit': {
      if (n !== 2 && n !== 3) return usage('edit_replace');
      const args: Record<string, unknown> = { search: words[0], replace: words[1] };
      if (n === 3) {
        // SWE-agent's tool takes any third word as "replace all" (argparse type=bool); the word is kept
        // as true or false so the tool receives it again, and the reward can tell the two apart.
        const flag = words[2]!.replace(/^--/, '').toLowerCase();
        if (flag === 'replace-all' || flag === 'replace_all' || flag === 'true') args.replace_all = true;
        else if (flag === 'false') args.replace_all = false;
        else return usage('edit_replace');
      }
      return known('edit_replace', args);
    }
    case 'insert': {
      const lineAt = words.indexOf('--line');
      if (lineAt >= 0) {
        const rest = words.filter((_, i) => i !== lineAt && i !== lineAt + 1);
        if (rest.length !== 1 || words[lineAt + 1] === undefined) return usage('insert');
        return known('insert', { text: rest[0], line: words[lineAt + 1] });
      }
      if (n !== 1 && n !== 2) return usage('insert');
      return known('insert', n === 2 ? { text: words[0], line: words[1] } : { text: words[0] });
    }
    case 'open':
      if (n !== 1 && n !== 2) return usage('open', quoteHint(words));
      if (n === 2 && !/^\s*[+-]?\d+\s*$/.test(words[1]!)) return usage('open', quoteHint(words));
      return known('open', n === 2 ? { path: words[0], line: words[1] } : { path: words[0] });
    case 'goto':
      if (n !== 1) return usage('goto');
      return known('goto', { line: words[0] });
    case 'scroll_up':
    case 'scroll_down':
    case 'submit':
      if (n !== 0) return usage(name);
      return known(name, {});
    case 'create':
      if (n !== 1) return usage('create');
      return known('create', { path: words[0] });
    case 'find_file':
      if (n !== 1 && n !== 2) return usage('find_file');
      return known('find_file', n === 2 ? { file_name: words[0], dir: words[1] } : { file_name: words[0] });
    case 'search_dir':
      if (n !== 1 && n !== 2) return usage('search_dir');
      return known('search_dir', n === 2 ? { search_term: words[0], dir: words[1] } : { search_term: words[0] });
    case 'search_file':
      if (n !== 1 && n !== 2) return usage('search_file');
      return known('search_file', n === 2 ? { search_term: words[0], file: words[1] } : { search_term: words[0] });
    case 'str_replace_editor':
      return parseEditorCommand(words);
    default:
      return formatError('unparseable', `unknown command ${name}`);
  }
}

/** The typed action of a routed tool command (the argv and body the shell would pass). */
export function actionOfRouted(routed: Extract<RoutedCommand, { kind: 'tool' }>): ActionResult {
  const { tool, argv, body } = routed;
  if (body !== undefined) {
    const marker = tool === 'edit' ? 'end_of_edit' : 'end_of_insert';
    const head = tool === 'edit' ? `edit ${argv.join(' ')}` : `insert ${argv[1]}`;
    if (routed.unterminated) {
      return formatError('unparseable', body.length === 0 ? `${head}… needs its text on the next lines and a closing ${marker} line` : `${tool} has no closing ${marker} line`);
    }
    if (routed.trailing !== undefined) return formatError('multiple_actions', `text after ${marker}: one command per action`);
    if (tool === 'insert') return known('insert', { line: argv[1], text: argv[0] });
    const [start, end] = argv.length === 1 ? argv[0]!.split(':') : argv;
    return known('edit', { start, end, replacement: body.join('\n') });
  }
  return parseWords(tool, argv);
}

/** Reads one SWE-agent command line (as found in a `.traj` action, a fenced block or a bash call). */
export function parseCommandLine(input: string): ActionResult {
  const text = input.trim();
  if (text === '') return formatError('no_action', 'the action is empty');
  const routed = routeClassicCommand(text, COMMAND_NAMES);
  if (routed === undefined) return { ok: true, action: { tool: 'bash', args: { command: text } } };
  if (routed.kind === 'invalid') {
    // `find_file x | head` and the like are shell programs that happen to start with a tool name.
    return routed.shellSyntax ? { ok: true, action: { tool: 'bash', args: { command: text } } } : formatError('unparseable', `${routed.tool}: ${routed.reason}`);
  }
  return actionOfRouted(routed);
}

/**
 * A bash call whose command is a classic command line means that tool, as the tools' shell runs it
 * (`bash(command="open a.py")` opens the file), so it becomes that action: what is recorded and
 * scored is what runs.
 */
export function commandLineAction(result: ActionResult): ActionResult {
  if (!result.ok || result.action.tool !== 'bash') return result;
  const command = (result.action.args as { command: string }).command;
  if (routeClassicCommand(command, COMMAND_NAMES) === undefined) return result;
  const parsed = parseCommandLine(command);
  return parsed.ok ? parsed : formatError(parsed.error.code, `bash: ${parsed.error.reason}`);
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
    case 'edit_replace': {
      const flag = action.args.replace_all === undefined ? '' : action.args.replace_all ? ' True' : ' False';
      return `edit ${shlexQuote(action.args.search)} ${shlexQuote(action.args.replace)}${flag}`;
    }
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
