/**
 * SWE-agent 1.x's windowed tools (`tools/windowed`, `windowed_edit_linting`,
 * `windowed_edit_replace`): the window keeps its first line across commands (and across files, as
 * the registry does), `open` echoes the path as given, and edits are gated by the Python linter.
 * Messages follow the versions recorded in the trajectories we replay.
 *
 * The 1.0 pre-releases shipped the same Python tools as `tools/defaults` + `tools/edit_replace`
 * (revision `defaults`), which differ in a few facts: `create` writes one empty line (`printf "\n"`)
 * and says `Error: File … already exists.` before opening it, a search/replace counts its start line
 * with Python's `splitlines` (one more when the match starts inside a line), its success message is
 * the shorter one, and a lint report has no blank line after the errors.
 */
import type { ToolOutcome } from '../types.js';
import type { ToolContext } from '../tool-context.js';
import { refuseEditOutsideRepo } from '../tool-context.js';
import { pythonPathString, readText, runHelper, statPath, writeText } from '../sandbox-files.js';
import { applyGatedEdit } from './lint-gate.js';
import { shellQuote } from '../../util/shell-quote.js';
import { countOccurrences, findAll } from '../text-lines.js';
import {
  clampFirstLineV1,
  firstLineForV1,
  lineCountV1,
  lineRangeV1,
  renderWindowV1,
  replaceLinesV1,
  windowTextV1,
} from './window-v1.js';
import { formatLintErrors, newLintErrors, type LintError } from './python-lint.js';
import { pythonStringRepr } from '../python-repr.js';
import type { WindowedEditor } from './windowed-editor.js';

const EDIT_UPDATED =
  'File updated. Please review the changes and make sure they are correct\n(correct indentation, no duplicate lines, etc). Edit the file again if necessary.';

/** `tight`: tools/defaults' template, with no blank line between the errors and what follows. */
function lintErrorReport(header: string, errors: string, applied: string, original: string, tight = false): string {
  const dashes = '------------------------------------------------';
  return [
    header,
    '',
    'ERRORS:',
    ...(tight ? [errors] : [errors, '']),
    'This is how your edit would have looked if applied',
    dashes,
    applied,
    dashes,
    '',
    'This is the original code before your edit',
    dashes,
    original,
    dashes,
    '',
    'Your changes have NOT been applied. Please fix your edit command and try again.',
    'DO NOT re-run the same failed edit command. Running it again will lead to the same error.',
  ].join('\n');
}

const LINT_HEADER =
  'Your proposed edit has introduced new syntax error(s). Please read this error message carefully and then retry editing the file.';

/** Python's `int(str)` for the forms an agent writes: optional sign and surrounding spaces. */
function parsePythonInt(text: string): number | undefined {
  return /^\s*[+-]?\d+\s*$/.test(text) ? Number.parseInt(text.trim(), 10) : undefined;
}

/** Which release of the Python windowed tools to imitate (see the file comment). */
export type WindowedRevision = 'defaults' | 'windowed';

export class WindowedEditorV1 implements WindowedEditor {
  private currentFile: string | undefined;
  private firstLine = 0;

  constructor(
    private readonly context: ToolContext,
    private readonly revision: WindowedRevision = 'windowed',
  ) {}

  openFile(): string | undefined {
    return this.currentFile;
  }

  noteAction(): void {}

  async open(argv: string[]): Promise<ToolOutcome> {
    const [path, lineArgument] = argv;
    if (path === undefined) {
      const current = await this.readCurrent('Usage: open "<file>"');
      if ('error' in current) return current.error;
      return { observation: this.render(current.path, current.text) };
    }
    const display = pythonPathString(path);
    const info = await statPath(this.context.sandbox, path, this.context.helperTimeoutMs);
    if (info.kind === 'directory') {
      return fail(`Error: ${display} is a directory. You can only open files. Use cd or ls to navigate directories.`);
    }
    if (info.kind !== 'file') return fail(`Error: File ${display} not found${spacesHint(argv)}`);
    const read = await readText(this.context.sandbox, info.absolute);
    if (!read.ok) return fail(`Error: ${read.reason}`);
    this.currentFile = info.absolute;
    const lineCount = lineCountV1(read.text);
    this.firstLine = clampFirstLineV1(this.firstLine, this.context.window, lineCount);
    let warnings = '';
    let line = 1;
    if (lineArgument !== undefined) {
      const parsed = parsePythonInt(lineArgument);
      if (parsed === undefined) {
        return fail(`Usage: open "<file>" [<line_number>]\nError: <line_number> must be a number${spacesHint(argv)}`);
      }
      line = parsed;
      if (line > lineCount) {
        warnings = `Warning: <line_number> (${line}) is greater than the number of lines in the file (${lineCount})\nWarning: Setting <line_number> to ${lineCount}\n`;
        line = lineCount;
      } else if (line < 1) {
        warnings = `Warning: <line_number> (${line}) is less than 1\nWarning: Setting <line_number> to 1\n`;
        line = 1;
      }
    }
    this.firstLine = firstLineForV1(line - 1, this.context.window, lineCount);
    return { observation: warnings + this.render(display, read.text) };
  }

  async goto(argv: string[]): Promise<ToolOutcome> {
    if (argv.length > 1) return fail('goto allows only one line number at a time.');
    if (argv.length === 0) return fail('Usage: goto <line>');
    const requested = parsePythonInt(argv[0]!);
    if (requested === undefined) return fail('Usage: goto <line>\nError: <line> must be a number');
    const current = await this.readCurrent();
    if ('error' in current) return current.error;
    const lineCount = lineCountV1(current.text);
    if (requested > lineCount) return fail(`Error: <line> must be less than or equal to ${lineCount}`);
    this.firstLine = firstLineForV1(requested - 1, this.context.window, lineCount);
    return { observation: this.render(current.path, current.text) };
  }

  async scroll(direction: 'up' | 'down'): Promise<ToolOutcome> {
    const current = await this.readCurrent();
    if ('error' in current) return current.error;
    const { window, overlap } = this.context;
    const delta = direction === 'down' ? window - overlap : -window + overlap;
    this.firstLine = clampFirstLineV1(this.firstLine + delta, window, lineCountV1(current.text));
    return { observation: this.render(current.path, current.text) };
  }

  async create(argv: string[]): Promise<ToolOutcome> {
    const [name] = argv;
    if (name === undefined) return fail('Usage: create <filename>');
    const display = pythonPathString(name);
    const info = await statPath(this.context.sandbox, name, this.context.helperTimeoutMs);
    const refusal = refuseEditOutsideRepo(this.context, info.absolute);
    if (refusal) return fail(refusal);
    if (info.kind !== 'missing') {
      if (this.revision === 'windowed') return fail(`Warning: File '${display}' already exists.`);
      // tools/defaults' create reports the file, then opens it anyway (and exits 1).
      const opened = await this.open([name]);
      return fail(`Error: File '${display}' already exists.\n${opened.observation}`);
    }
    const made = await runHelper(
      this.context.sandbox,
      `mkdir -p -- "$(dirname -- ${shellQuote(info.absolute)})"`,
      this.context.helperTimeoutMs,
    );
    if (made.status !== 0) return fail(`Error: could not create the directory for ${display}: ${made.output.trim()}`);
    const initial = this.revision === 'defaults' ? '\n' : '';
    await writeText(this.context.sandbox, info.absolute, initial);
    this.currentFile = info.absolute;
    this.firstLine = 0;
    return { observation: this.render(display, initial) };
  }

  /** windowed_edit_linting: `edit N:M` replaces 1-based lines N..M with the replacement. */
  async editRange(argv: string[], replacement: string[]): Promise<ToolOutcome> {
    const usage = 'Usage: edit <start_line>:<end_line>\n<replacement_text>\nend_of_edit';
    const current = await this.readCurrent('No file opened. Use the `open` command first.');
    if ('error' in current) return current.error;
    const match = argv.length === 1 ? /^\s*([+-]?\d+)\s*:\s*([+-]?\d+)\s*$/.exec(argv[0]!) : null;
    if (!match) return fail(usage);
    const start = Number.parseInt(match[1]!, 10) - 1;
    const end = Number.parseInt(match[2]!, 10) - 1;
    if (start < 0 || end < start - 1) return fail(`${usage}\nError: the line range must satisfy 1 <= start_line <= end_line + 1.`);
    const refusal = refuseEditOutsideRepo(this.context, current.path);
    if (refusal) return fail(refusal);
    const replacementText = replacement.join('\n');
    const edited = replaceLinesV1(current.text, start, end, replacementText);
    const introduced = await this.applyWithLint(current.path, current.text, edited, (after, before) =>
      newLintErrors(after, before, { first: start + 1, last: end + 1 }, replacementText.split('\n').length),
    );
    if (introduced) {
      return fail(
        lintErrorReport(LINT_HEADER, introduced, this.render(current.path, edited), this.render(current.path, current.text)),
      );
    }
    this.firstLine = firstLineForV1(start, this.context.window, lineCountV1(edited));
    return { observation: `${EDIT_UPDATED}\n${this.render(current.path, edited)}` };
  }

  /**
   * windowed_edit_replace: replaces `search` inside the displayed window (refusing an ambiguous
   * match), or everywhere in the file with a truthy third argument. As with SWE-agent's argparse
   * `type=bool`, any non-empty third argument counts as true, even the word `False`.
   */
  async editReplace(argv: string[]): Promise<ToolOutcome> {
    if (argv.length < 2 || argv.length > 3) {
      return fail('usage: edit [-h] search replace [replace_all]\nedit: error: expected the search text, the replacement text and optionally replace_all');
    }
    const [search, replace, replaceAllArgument] = argv as [string, string, string | undefined];
    const replaceAll = replaceAllArgument !== undefined && replaceAllArgument !== '';
    const current = await this.readCurrent('No file opened. Either `open` or `create` a file first.');
    if ('error' in current) return current.error;
    if (search === '') return fail('Search text must not be empty. Use insert to add new text.');
    if (search === replace) {
      return fail('Your search and replace strings are the same. No changes were made. Please modify your search or replace strings.');
    }
    const refusal = refuseEditOutsideRepo(this.context, current.path);
    if (refusal) return fail(refusal);
    const { window } = this.context;
    const text = current.text;
    const lineCount = lineCountV1(text);
    let edited: string;
    let replaceStartLine: number;
    let occurrences: number;
    if (!replaceAll) {
      const windowText = windowTextV1(text, this.firstLine, window);
      if (countOccurrences(windowText, search) > 1) {
        return fail(
          `Your edit was not applied (file not modified): Found more than one occurrence of ${pythonStringRepr(search)} in the currently displayed lines.\nPlease make your search string more specific (for example, by including more lines of context).\n`,
        );
      }
      const index = windowText.indexOf(search);
      if (index === -1) return this.notFound(text, search);
      const [windowStart, windowEnd] = lineRangeV1(this.firstLine, window, lineCount);
      const before = windowText.slice(0, index);
      // Python's splitlines counts a partial last line; the later release counts newlines only.
      replaceStartLine = windowStart + before.split('\n').length - 1 + (this.revision === 'defaults' && before !== '' && !before.endsWith('\n') ? 1 : 0);
      edited = replaceLinesV1(text, windowStart, windowEnd, windowText.replaceAll(search, replace));
      occurrences = 1;
    } else {
      const indices = findAll(text, search);
      if (indices.length === 0) return this.notFound(text, search);
      // SWE-agent counts this line 1-based and then treats it as 0-based; kept for identical windows.
      replaceStartLine = text.slice(0, indices[0]).split('\n').length;
      edited = text.replaceAll(search, replace);
      occurrences = indices.length;
    }
    const firstLineBefore = this.firstLine;
    const introduced = await this.applyWithLint(current.path, text, edited, (after, before) =>
      replaceAll
        ? after
        : newLintErrors(
            after,
            before,
            { first: replaceStartLine + 1, last: replaceStartLine + search.split('\n').length },
            replace.split('\n').length,
          ),
    );
    this.firstLine = firstLineForV1(replaceStartLine, window, lineCountV1(edited));
    if (introduced) {
      const applied = this.render(current.path, edited);
      this.firstLine = firstLineBefore;
      return fail(lintErrorReport(LINT_HEADER, `\n${introduced}`, applied, this.render(current.path, text), this.revision === 'defaults'));
    }
    // The two messages of the recorded SWE-agent version: the replace-all one is the older wording.
    const message = this.revision === 'defaults'
      ? 'Text replaced. Please review the changes and make sure they are correct\n(correct indentation, no duplicate lines, etc). Edit the file again if necessary.'
      : replaceAll
      ? `Replaced ${occurrences} occurrences. Please review the changes and make sure they are correct\n(correct indentation, no duplicate lines, etc). Edit the file again if necessary.`
      : 'Text replaced. Please review the changes and make sure they are correct:\n\n1. The edited file is correctly indented\n2. The edited file does not contain duplicate lines\n3. The edit does not break existing functionality\n\nEdit the file again if necessary.';
    return { observation: `${message}\n${this.render(current.path, edited)}` };
  }

  /** `insert 'text' [line]`: after line N (0 = top), or at the end of the file. */
  async insert(argv: string[]): Promise<ToolOutcome> {
    const lineFlag = argv.indexOf('--line');
    const words = [...argv];
    let lineArgument: string | undefined;
    if (lineFlag !== -1) {
      lineArgument = words[lineFlag + 1];
      words.splice(lineFlag, 2);
    } else {
      lineArgument = words[1];
    }
    const [text] = words;
    if (text === undefined || words.length > (lineFlag === -1 ? 2 : 1)) {
      return fail('usage: insert [-h] text [line]\ninsert: error: expected the text and optionally a line number');
    }
    let line: number | undefined;
    if (lineArgument !== undefined) {
      line = parsePythonInt(lineArgument);
      if (line === undefined) return fail(`usage: insert [-h] text [line]\ninsert: error: argument line: invalid int value: '${lineArgument}'`);
    }
    const current = await this.readCurrent('No file opened. Use the `create` or `open` command first.');
    if ('error' in current) return current.error;
    const refusal = refuseEditOutsideRepo(this.context, current.path);
    if (refusal) return fail(refusal);
    const original = current.text;
    if (text === '') return { observation: this.render(current.path, original) };
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    let edited: string;
    let insertLine: number;
    if (line === undefined) {
      edited = original === '' ? body : `${original.endsWith('\n') ? original.slice(0, -1) : original}\n${body}`;
      insertLine = lineCountV1(original);
    } else if (line < 0) {
      edited = original === '' ? body : `${body}\n${original.startsWith('\n') ? original.slice(1) : original}`;
      insertLine = 0;
    } else {
      const lines = original.split('\n');
      lines.splice(line, 0, body);
      edited = lines.join('\n');
      insertLine = line;
    }
    const firstLineBefore = this.firstLine;
    const introduced = await this.applyWithLint(current.path, original, edited, (after, before) =>
      newLintErrors(after, before, { first: insertLine + 1, last: insertLine }, body.split('\n').length),
    );
    this.firstLine = firstLineForV1(insertLine, this.context.window, lineCountV1(edited));
    if (introduced) {
      const applied = this.render(current.path, edited);
      this.firstLine = firstLineBefore;
      const header =
        'Your proposed edit has introduced new syntax error(s).\nPlease read this error message carefully and then retry editing the file.';
      return fail(lintErrorReport(header, `\n${introduced}`, applied, this.render(current.path, original)));
    }
    return { observation: this.render(current.path, edited) };
  }

  /** Like `print_window()`: no re-clamping here; the window was clamped when the file was read. */
  private render(path: string, text: string): string {
    return renderWindowV1(path, text, this.firstLine, this.context.window);
  }

  private notFound(text: string, search: string): ToolOutcome {
    const lines = findAll(text, search).map((index) => text.slice(0, index).split('\n').length);
    if (lines.length > 0) {
      return fail(
        `Your edit was not applied (file not modified): Text ${pythonStringRepr(search)} not found in displayed lines.\n\nHowever, we found the following occurrences of your search string in the file:\n\n${lines.map((line) => `- line ${line}`).join('\n')}\n\nYou can use the \`goto\` command to navigate to these locations before running the edit command again.\n`,
      );
    }
    return fail(
      `Your edit was not applied (file not modified): Text ${pythonStringRepr(search)} not found in displayed lines (or anywhere in the file).\nPlease modify your search string. Did you forget to properly handle whitespace/indentation?\nYou can also call \`open\` again to re-display the file with the correct context.\n`,
    );
  }

  /**
   * Writes the edited text and lints it; on new errors restores the original and returns them
   * formatted, so the file is left exactly as it was. Returns undefined when the edit stands.
   */
  private async applyWithLint(
    path: string,
    original: string,
    edited: string,
    select: (after: LintError[], before: LintError[]) => LintError[],
  ): Promise<string | undefined> {
    const info = await statPath(this.context.sandbox, path, this.context.helperTimeoutMs);
    const introduced = await applyGatedEdit({
      sandbox: this.context.sandbox,
      linter: this.context.linter,
      path,
      original,
      edited,
      mode: info.mode,
      selectNew: select,
    });
    return introduced.length === 0 ? undefined : formatLintErrors(introduced);
  }

  private async readCurrent(
    noFileMessage = 'No file open. Use the open command first.',
  ): Promise<{ path: string; text: string } | { error: ToolOutcome }> {
    if (this.currentFile === undefined) return { error: fail(noFileMessage) };
    const read = await readText(this.context.sandbox, this.currentFile);
    if (!read.ok) return { error: fail(`Error: ${read.reason}`) };
    // WindowedFile's constructor re-clamps the stored first line to the file as it is now.
    this.firstLine = clampFirstLineV1(this.firstLine, this.context.window, lineCountV1(read.text));
    return { path: this.currentFile, text: read.text };
  }
}

function fail(observation: string): ToolOutcome {
  return { observation, failed: true };
}

function spacesHint(argv: string[]): string {
  return argv.length > 1 && parsePythonInt(argv[1] ?? '') === undefined
    ? `\nIf the path contains spaces, quote it: open "${argv.join(' ')}"`
    : '';
}
