/**
 * `str_replace_editor` as a command line (`str_replace_editor view /testbed/a.py --view_range 1 20`),
 * the form thought-action models write. Parsed like SWE-agent's argparse: two positionals and
 * `--file_text`, `--view_range A B`, `--old_str`, `--new_str`, `--insert_line`.
 */
import type { StrReplaceEditorArgs } from './str-replace-editor.js';

export function parseEditorArgv(argv: string[]): StrReplaceEditorArgs | string {
  const args: StrReplaceEditorArgs = {};
  const positionals: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index]!;
    if (!word.startsWith('--')) {
      positionals.push(word);
      continue;
    }
    const equals = word.indexOf('=');
    const flag = equals === -1 ? word.slice(2) : word.slice(2, equals);
    const inline = equals === -1 ? undefined : word.slice(equals + 1);
    const take = (): string | undefined => inline ?? argv[++index];
    switch (flag) {
      case 'file_text':
      case 'old_str':
      case 'new_str': {
        const value = take();
        if (value === undefined) return `str_replace_editor: error: argument --${flag}: expected one argument`;
        args[flag] = value;
        break;
      }
      case 'insert_line': {
        const value = take();
        if (value === undefined || !/^-?\d+$/.test(value)) return `str_replace_editor: error: argument --insert_line: invalid int value: '${value ?? ''}'`;
        args.insert_line = Number.parseInt(value, 10);
        break;
      }
      case 'view_range': {
        const first = argv[index + 1];
        const second = argv[index + 2];
        if (first === undefined || second === undefined || !/^-?\d+$/.test(first) || !/^-?\d+$/.test(second)) {
          return 'str_replace_editor: error: argument --view_range: expected 2 integer arguments';
        }
        args.view_range = [Number.parseInt(first, 10), Number.parseInt(second, 10)];
        index += 2;
        break;
      }
      default:
        return `str_replace_editor: error: unrecognized arguments: ${word}`;
    }
  }
  if (positionals.length !== 2) {
    return 'usage: str_replace_editor [-h] [--file_text FILE_TEXT] [--view_range VIEW_RANGE VIEW_RANGE] [--old_str OLD_STR] [--new_str NEW_STR] [--insert_line INSERT_LINE] command path\nstr_replace_editor: error: expected a command and a path';
  }
  args.command = positionals[0]!;
  args.path = positionals[1]!;
  return args;
}
