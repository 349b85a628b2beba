/**
 * The tools' documentation as data: signature, description and parameters, the way SWE-agent's
 * command docs and OpenAI function calling describe them. Prompts list them, policies that use
 * function calling send them, and the session uses the parameter order to map named arguments onto
 * a classic command's argv.
 */
import type { ToolSpec } from './types.js';
import type { ToolBundle } from './config.js';

type Properties = ToolSpec['parameters']['properties'];

function spec(
  name: string,
  signature: string,
  description: string,
  properties: Properties,
  required: string[],
  endMarker?: string,
): ToolSpec {
  const result: ToolSpec = { name, signature, description, parameters: { type: 'object', properties, required } };
  if (endMarker !== undefined) result.endMarker = endMarker;
  return result;
}

const BASH = spec('bash', '<command>', 'runs the given command directly in bash', {
  command: { type: 'string', description: 'a command to run directly in the current shell' },
}, ['command']);

const WINDOWED = [
  spec('open', 'open "<path>" [<line_number>]', 'opens the file at the given path in the editor. If line_number is provided, the window will be move to include that line', {
    path: { type: 'string', description: 'the path to the file to open' },
    line_number: { type: 'integer', description: 'the line number to move the window to (if not provided, the window will start at the top of the file)' },
  }, ['path']),
  spec('goto', 'goto <line_number>', 'moves the window to show <line_number>', {
    line_number: { type: 'integer', description: 'the line number to move the window to' },
  }, ['line_number']),
  spec('scroll_up', 'scroll_up', 'moves the window up {WINDOW} lines', {}, []),
  spec('scroll_down', 'scroll_down', 'moves the window down {WINDOW} lines', {}, []),
  spec('create', 'create <filename>', 'creates and opens a new file with the given name', {
    filename: { type: 'string', description: 'the name of the file to create' },
  }, ['filename']),
];

const SEARCH = [
  spec('find_file', 'find_file <file_name> [<dir>]', 'finds all files with the given name or pattern in dir. If dir is not provided, searches in the current directory', {
    file_name: { type: 'string', description: 'the name of the file or shell pattern to search for' },
    dir: { type: 'string', description: 'the directory to search in (if not provided, searches in the current directory)' },
  }, ['file_name']),
  spec('search_dir', 'search_dir <search_term> [<dir>]', 'searches for search_term in all files in dir. If dir is not provided, searches in the current directory', {
    search_term: { type: 'string', description: 'the term to search for' },
    dir: { type: 'string', description: 'the directory to search in (if not provided, searches in the current directory)' },
  }, ['search_term']),
  spec('search_file', 'search_file <search_term> [<file>]', 'searches for search_term in file. If file is not provided, searches in the current open file', {
    search_term: { type: 'string', description: 'the term to search for' },
    file: { type: 'string', description: 'the file to search in (if not provided, searches in the current open file)' },
  }, ['search_term']),
];

const EDIT_RANGE = spec(
  'edit',
  'edit <start_line>:<end_line>\n<replacement_text>\nend_of_edit',
  'replaces lines <start_line> through <end_line> (inclusive) with the given text in the open file. The replacement text is terminated by a line with only end_of_edit on it. All of the <replacement text> will be entered, so make sure your indentation is formatted properly. Python files will be checked for syntax errors after the edit. If the system detects a syntax error, the edit will not be executed. Simply try to edit the file again, but make sure to read the error message and modify the edit command you issue accordingly. Issuing the same command a second time will just lead to the same error message again.',
  {
    start_line: { type: 'integer', description: 'the line number to start the edit at' },
    end_line: { type: 'integer', description: 'the line number to end the edit at (inclusive)' },
    replacement_text: { type: 'string', description: 'the text to replace the current selection with' },
  },
  ['start_line', 'end_line', 'replacement_text'],
  'end_of_edit',
);

const EDIT_REPLACE = [
  spec('edit', 'edit <search> <replace> [<replace-all>]', 'Replace first occurrence of <search> with <replace> in the currently displayed lines. If replace-all is True , replace all occurrences of <search> with <replace>.', {
    search: { type: 'string', description: 'the text to search for' },
    replace: { type: 'string', description: 'the text to replace the search with' },
    'replace-all': { type: 'boolean', description: 'replace all occurrences rather than the first occurrence within the displayed lines' },
  }, ['search', 'replace']),
  spec('insert', 'insert <text> [<line>]', 'Insert <text> at the end of the currently opened file or after <line> if specified.', {
    text: { type: 'string', description: 'the text to insert' },
    line: { type: 'integer', description: 'the line number to insert the text as new lines after' },
  }, ['text']),
];

const STR_REPLACE_EDITOR = spec(
  'str_replace_editor',
  'str_replace_editor <command> <path> [<file_text>] [<view_range>] [<old_str>] [<new_str>] [<insert_line>]',
  'Custom editing tool for viewing, creating and editing files\n* State is persistent across command calls and discussions with the user\n* If `path` is a file, `view` displays the result of applying `cat -n`. If `path` is a directory, `view` lists non-hidden files and directories up to 2 levels deep\n* The `create` command cannot be used if the specified `path` already exists as a file\n* If a `command` generates a long output, it will be truncated and marked with `<response clipped>`\n* The `undo_edit` command will revert the last edit made to the file at `path`\n\nNotes for using the `str_replace` command:\n* The `old_str` parameter should match EXACTLY one or more consecutive lines from the original file. Be mindful of whitespaces!\n* If the `old_str` parameter is not unique in the file, the replacement will not be performed. Make sure to include enough context in `old_str` to make it unique\n* The `new_str` parameter should contain the edited lines that should replace the `old_str`',
  {
    command: { type: 'string', description: 'The commands to run. Allowed options are: `view`, `create`, `str_replace`, `insert`, `undo_edit`.', enum: ['view', 'create', 'str_replace', 'insert', 'undo_edit'] },
    path: { type: 'string', description: 'Absolute path to file or directory, e.g. `/testbed/file.py` or `/testbed`.' },
    file_text: { type: 'string', description: 'Required parameter of `create` command, with the content of the file to be created.' },
    old_str: { type: 'string', description: 'Required parameter of `str_replace` command containing the string in `path` to replace.' },
    new_str: { type: 'string', description: 'Optional parameter of `str_replace` command containing the new string (if not given, no string will be added). Required parameter of `insert` command containing the string to insert.' },
    insert_line: { type: 'integer', description: 'Required parameter of `insert` command. The `new_str` will be inserted AFTER the line `insert_line` of `path`.' },
    view_range: { type: 'array', items: { type: 'integer' }, description: 'Optional parameter of `view` command when `path` points to a file. If none is given, the full file is shown. If provided, the file will be shown in the indicated line number range, e.g. [11, 12] will show lines 11 and 12. Indexing at 1 to start. Setting `[start_line, -1]` shows all lines from `start_line` to the end of the file.' },
  },
  ['command', 'path'],
);

const SUBMIT = spec('submit', 'submit', 'submits the current changes (the diff of the repository against its base commit) and ends the episode', {}, []);

/** The specs of the enabled bundles, in a stable order; `{WINDOW}` is filled in. */
export function toolSpecsFor(bundles: readonly ToolBundle[], window: number): ToolSpec[] {
  const enabled = new Set(bundles);
  const specs: ToolSpec[] = [];
  if (enabled.has('bash')) specs.push(BASH);
  if (enabled.has('windowed')) specs.push(...WINDOWED);
  if (enabled.has('search')) specs.push(...SEARCH);
  if (enabled.has('edit_range')) specs.push(EDIT_RANGE);
  if (enabled.has('edit_replace')) specs.push(...EDIT_REPLACE.filter((item) => item.name !== 'edit' || !enabled.has('edit_range')));
  if (enabled.has('str_replace_editor')) specs.push(STR_REPLACE_EDITOR);
  if (enabled.has('submit')) specs.push(SUBMIT);
  return specs.map((item) => ({ ...item, description: item.description.replaceAll('{WINDOW}', String(window)) }));
}

/** SWE-agent's `command_docs` rendering, for system prompts of the thought-action format. */
export function renderCommandDocs(specs: readonly ToolSpec[]): string {
  return specs
    .map((item) => {
      const lines = [`${item.name}:`, `  docstring: ${item.description}`, `  signature: ${item.signature}`];
      const names = Object.keys(item.parameters.properties);
      if (names.length > 0) {
        lines.push('  arguments:');
        for (const name of names) {
          const property = item.parameters.properties[name]!;
          const required = item.parameters.required.includes(name) ? 'required' : 'optional';
          lines.push(`    - ${name} (${property.type}) [${required}]: ${property.description}`);
        }
      }
      return lines.join('\n');
    })
    .join('\n\n');
}
