/**
 * The tool catalogue: every tool we know, declared once. A declaration names the tool as the
 * parsers call it (`edit_replace`), as function calls and command lines call it (`edit`), the
 * bundle that offers it (SWE-agent's bundle names), its command-line signature and docstring as
 * SWE-agent's command docs write them, and its arguments in their canonical order with the key the
 * parsers store (`line`) and the key function calls use (`line_number`).
 *
 * Everything else is derived from here: the prompts' command docs and the JSON schemas sent for
 * native function calling (tool-specs.ts), argument checking and canonical rendering
 * (parsers/catalog.ts), the argv a classic tool receives and the tool session's dispatch table.
 */
import type { ToolBundle } from './config.js';
import type { EditorCommand, KnownTool } from './parsers/types.js';

export type ArgType = 'string' | 'integer' | 'boolean' | 'line_range';

export interface ToolArgument {
  /** The key in parsed `args`. */
  key: string;
  /** The key in function calls (SWE-agent's tool schema); equal to `key` unless SWE-agent names it otherwise. */
  functionKey: string;
  type: ArgType;
  required: boolean;
  enum?: readonly string[];
  /** For prompts and JSON schemas. */
  description: string;
}

export interface ToolDeclaration {
  tool: KnownTool;
  /** The function name in JSON / XML calls and the command's name on a command line. */
  functionName: string;
  /** The bundle that offers the tool (see tools/config.ts). */
  bundle: ToolBundle;
  /** SWE-agent's command-line signature, for prompts; `usage` drops its quotes. */
  signature: string;
  /** SWE-agent's docstring; `{WINDOW}` is the window size. */
  description: string;
  /** In canonical order: renderings and argv follow it. */
  args: readonly ToolArgument[];
  /** For multi-line classic commands: the line that ends the body (`end_of_edit`). */
  endMarker?: string;
}

const EDITOR_COMMANDS: readonly EditorCommand[] = ['view', 'create', 'str_replace', 'insert', 'undo_edit'];

function arg(key: string, type: ArgType, required: boolean, description: string, functionKey = key): ToolArgument {
  return { key, functionKey, type, required, description };
}

const IN_DIR = 'the directory to search in (if not provided, searches in the current directory)';

export const TOOL_CATALOGUE: readonly ToolDeclaration[] = [
  {
    tool: 'bash',
    functionName: 'bash',
    bundle: 'bash',
    signature: '<command>',
    description: 'runs the given command directly in bash',
    args: [arg('command', 'string', true, 'a command to run directly in the current shell')],
  },
  {
    tool: 'open',
    functionName: 'open',
    bundle: 'windowed',
    signature: 'open "<path>" [<line_number>]',
    description: 'opens the file at the given path in the editor. If line_number is provided, the window will be move to include that line',
    args: [
      arg('path', 'string', true, 'the path to the file to open'),
      arg('line', 'integer', false, 'the line number to move the window to (if not provided, the window will start at the top of the file)', 'line_number'),
    ],
  },
  {
    tool: 'goto',
    functionName: 'goto',
    bundle: 'windowed',
    signature: 'goto <line_number>',
    description: 'moves the window to show <line_number>',
    args: [arg('line', 'integer', true, 'the line number to move the window to', 'line_number')],
  },
  { tool: 'scroll_up', functionName: 'scroll_up', bundle: 'windowed', signature: 'scroll_up', description: 'moves the window up {WINDOW} lines', args: [] },
  { tool: 'scroll_down', functionName: 'scroll_down', bundle: 'windowed', signature: 'scroll_down', description: 'moves the window down {WINDOW} lines', args: [] },
  {
    tool: 'create',
    functionName: 'create',
    bundle: 'windowed',
    signature: 'create <filename>',
    description: 'creates and opens a new file with the given name',
    args: [arg('path', 'string', true, 'the name of the file to create', 'filename')],
  },
  {
    tool: 'find_file',
    functionName: 'find_file',
    bundle: 'search',
    signature: 'find_file <file_name> [<dir>]',
    description: 'finds all files with the given name or pattern in dir. If dir is not provided, searches in the current directory',
    args: [arg('file_name', 'string', true, 'the name of the file or shell pattern to search for'), arg('dir', 'string', false, IN_DIR)],
  },
  {
    tool: 'search_dir',
    functionName: 'search_dir',
    bundle: 'search',
    signature: 'search_dir <search_term> [<dir>]',
    description: 'searches for search_term in all files in dir. If dir is not provided, searches in the current directory',
    args: [arg('search_term', 'string', true, 'the term to search for'), arg('dir', 'string', false, IN_DIR)],
  },
  {
    tool: 'search_file',
    functionName: 'search_file',
    bundle: 'search',
    signature: 'search_file <search_term> [<file>]',
    description: 'searches for search_term in file. If file is not provided, searches in the current open file',
    args: [
      arg('search_term', 'string', true, 'the term to search for'),
      arg('file', 'string', false, 'the file to search in (if not provided, searches in the current open file)'),
    ],
  },
  {
    tool: 'edit',
    functionName: 'edit',
    bundle: 'edit_range',
    signature: 'edit <start_line>:<end_line>\n<replacement_text>\nend_of_edit',
    description:
      'replaces lines <start_line> through <end_line> (inclusive) with the given text in the open file. The replacement text is terminated by a line with only end_of_edit on it. All of the <replacement text> will be entered, so make sure your indentation is formatted properly. Python files will be checked for syntax errors after the edit. If the system detects a syntax error, the edit will not be executed. Simply try to edit the file again, but make sure to read the error message and modify the edit command you issue accordingly. Issuing the same command a second time will just lead to the same error message again.',
    args: [
      arg('start', 'integer', true, 'the line number to start the edit at', 'start_line'),
      arg('end', 'integer', true, 'the line number to end the edit at (inclusive)', 'end_line'),
      arg('replacement', 'string', true, 'the text to replace the current selection with', 'replacement_text'),
    ],
    endMarker: 'end_of_edit',
  },
  {
    tool: 'edit_replace',
    functionName: 'edit',
    bundle: 'edit_replace',
    signature: 'edit <search> <replace> [<replace-all>]',
    description:
      'Replace first occurrence of <search> with <replace> in the currently displayed lines. If replace-all is True , replace all occurrences of <search> with <replace>.',
    args: [
      arg('search', 'string', true, 'the text to search for'),
      arg('replace', 'string', true, 'the text to replace the search with'),
      arg('replace_all', 'boolean', false, 'replace all occurrences rather than the first occurrence within the displayed lines', 'replace-all'),
    ],
  },
  {
    tool: 'insert',
    functionName: 'insert',
    bundle: 'edit_replace',
    signature: 'insert <text> [<line>]',
    description: 'Insert <text> at the end of the currently opened file or after <line> if specified.',
    args: [arg('text', 'string', true, 'the text to insert'), arg('line', 'integer', false, 'the line number to insert the text as new lines after')],
  },
  {
    tool: 'str_replace_editor',
    functionName: 'str_replace_editor',
    bundle: 'str_replace_editor',
    signature: 'str_replace_editor <command> <path> [<file_text>] [<view_range>] [<old_str>] [<new_str>] [<insert_line>]',
    description:
      'Custom editing tool for viewing, creating and editing files\n* State is persistent across command calls and discussions with the user\n* If `path` is a file, `view` displays the result of applying `cat -n`. If `path` is a directory, `view` lists non-hidden files and directories up to 2 levels deep\n* The `create` command cannot be used if the specified `path` already exists as a file\n* If a `command` generates a long output, it will be truncated and marked with `<response clipped>`\n* The `undo_edit` command will revert the last edit made to the file at `path`\n\nNotes for using the `str_replace` command:\n* The `old_str` parameter should match EXACTLY one or more consecutive lines from the original file. Be mindful of whitespaces!\n* If the `old_str` parameter is not unique in the file, the replacement will not be performed. Make sure to include enough context in `old_str` to make it unique\n* The `new_str` parameter should contain the edited lines that should replace the `old_str`',
    args: [
      { ...arg('command', 'string', true, 'The commands to run. Allowed options are: `view`, `create`, `str_replace`, `insert`, `undo_edit`.'), enum: EDITOR_COMMANDS },
      arg('path', 'string', true, 'Absolute path to file or directory, e.g. `/testbed/file.py` or `/testbed`.'),
      arg('file_text', 'string', false, 'Required parameter of `create` command, with the content of the file to be created.'),
      arg(
        'view_range',
        'line_range',
        false,
        'Optional parameter of `view` command when `path` points to a file. If none is given, the full file is shown. If provided, the file will be shown in the indicated line number range, e.g. [11, 12] will show lines 11 and 12. Indexing at 1 to start. Setting `[start_line, -1]` shows all lines from `start_line` to the end of the file.',
      ),
      arg('old_str', 'string', false, 'Required parameter of `str_replace` command containing the string in `path` to replace.'),
      arg(
        'new_str',
        'string',
        false,
        'Optional parameter of `str_replace` command containing the new string (if not given, no string will be added). Required parameter of `insert` command containing the string to insert.',
      ),
      arg('insert_line', 'integer', false, 'Required parameter of `insert` command. The `new_str` will be inserted AFTER the line `insert_line` of `path`.'),
    ],
  },
  {
    tool: 'submit',
    functionName: 'submit',
    bundle: 'submit',
    signature: 'submit',
    description: 'submits the current changes (the diff of the repository against its base commit) and ends the episode',
    args: [],
  },
];

const byTool = new Map<string, ToolDeclaration>(TOOL_CATALOGUE.map((declaration) => [declaration.tool, declaration]));

/** The declaration of a tool we know, or undefined. */
export function declarationOf(tool: string): ToolDeclaration | undefined {
  return byTool.get(tool);
}

/** The declaration of a known tool (a bug to ask for another). */
export function declaration(tool: KnownTool): ToolDeclaration {
  const found = byTool.get(tool);
  if (!found) throw new Error(`no declaration for the tool ${tool}`);
  return found;
}

/** The names a command line may start with to call a tool (every tool but bash). */
export const COMMAND_NAMES: ReadonlySet<string> = new Set(TOOL_CATALOGUE.filter((d) => d.tool !== 'bash').map((d) => d.functionName));

/** The signature as a usage line: SWE-agent's quotes around arguments dropped. */
export function usageOf(declaration: ToolDeclaration): string {
  return declaration.signature.replaceAll('"', '');
}

/**
 * The declarations of the enabled bundles, in catalogue order. Both edit bundles call their tool
 * `edit`; with both enabled, the windowed range edit is the one documented under that name.
 */
export function declarationsFor(bundles: readonly ToolBundle[]): ToolDeclaration[] {
  const enabled = new Set(bundles);
  return TOOL_CATALOGUE.filter(
    (declaration) => enabled.has(declaration.bundle) && !(declaration.tool === 'edit_replace' && enabled.has('edit_range')),
  );
}

/** The tools a toolbox of these bundles can run, by parsed name (both edits when either edit bundle is on). */
export function toolsOf(bundles: readonly ToolBundle[]): Set<KnownTool> {
  const enabled = new Set(bundles);
  return new Set(TOOL_CATALOGUE.filter((declaration) => enabled.has(declaration.bundle)).map((declaration) => declaration.tool));
}

/**
 * The argv a classic tool receives for named arguments, as the shell would pass them: the
 * arguments in catalogue order, each under its parsed or function-call key, up to the first one
 * absent; booleans written as SWE-agent writes them on a command line (`True`, `False`).
 */
export function argvFromArgs(declaration: ToolDeclaration, args: Record<string, unknown>): string[] {
  const argv: string[] = [];
  for (const argument of declaration.args) {
    const value = args[argument.key] ?? args[argument.functionKey];
    if (value === undefined || value === null) break;
    argv.push(typeof value === 'boolean' ? (value ? 'True' : 'False') : typeof value === 'string' ? value : String(value));
  }
  return argv;
}
