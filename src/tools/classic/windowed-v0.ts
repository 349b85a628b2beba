/**
 * SWE-agent 0.x's windowed editor (`defaults.sh` + `edit_linting.sh`): `open`, `goto`,
 * `scroll_up`, `scroll_down`, `create` and the windowed `edit N:M … end_of_edit`, with their
 * messages word for word, so that 0.x trajectories (humanevalfix, the SWE-bench GPT-4 runs) replay
 * to the same observations. Arguments arrive as argv, as the shell functions received them.
 */
import type { ToolOutcome } from '../types.js';
import type { ToolContext } from '../tool-context.js';
import { refuseEditOutsideRepo } from '../tool-context.js';
import { readText, statPath, writeText } from '../sandbox-files.js';
import { applyGatedEdit } from './lint-gate.js';
import { awkLines } from '../text-lines.js';
import { centreForLineV0, constrainLineV0, renderWindowV0 } from './window-v0.js';
import { formatLintErrors, newLintErrors } from './python-lint.js';
import type { WindowedEditor } from './windowed-editor.js';

const EDIT_UPDATED =
  'File updated. Please review the changes and make sure they are correct (correct indentation, no duplicate lines, etc). Edit the file again if necessary.';
const DASHES = '-------------------------------------------------';

export class WindowedEditorV0 implements WindowedEditor {
  private currentFile: string | undefined;
  private currentLine = 0;
  private scrollCount = 0;

  constructor(private readonly context: ToolContext) {}

  openFile(): string | undefined {
    return this.currentFile;
  }

  /** Called for every action, so the scroll warning counts only consecutive scrolls. */
  noteAction(tool: string): void {
    if (tool !== 'scroll_up' && tool !== 'scroll_down') this.scrollCount = 0;
  }

  async open(argv: string[]): Promise<ToolOutcome> {
    const [path, lineArgument] = argv;
    if (path === undefined || path === '') return fail('Usage: open <file> [<line_number>]');
    const info = await statPath(this.context.sandbox, path, this.context.helperTimeoutMs);
    if (info.kind === 'directory') {
      return fail(`Error: ${path} is a directory. You can only open files. Use cd or ls to navigate directories.\n`);
    }
    if (info.kind !== 'file') return fail(`File ${path} not found${hintForSpaces(argv)}\n`);
    const read = await readText(this.context.sandbox, info.absolute);
    if (!read.ok) return fail(`Error: ${read.reason}\n`);
    const window = this.context.window;
    let out = '';
    let line: number;
    if (lineArgument !== undefined && lineArgument !== '') {
      if (!/^[0-9]+$/.test(lineArgument)) {
        return fail(`Usage: open <file> [<line_number>]\nError: <line_number> must be a number${hintForSpaces(argv)}\n`);
      }
      const requested = Number.parseInt(lineArgument, 10);
      const maxLine = awkLines(read.text).length;
      if (requested > maxLine) {
        out += `Warning: <line_number> (${requested}) is greater than the number of lines in the file (${maxLine})\n`;
        out += `Warning: Setting <line_number> to ${maxLine}\n`;
        line = maxLine;
      } else if (requested < 1) {
        out += `Warning: <line_number> (${requested}) is less than 1\nWarning: Setting <line_number> to 1\n`;
        line = 1;
      } else {
        line = centreForLineV0(requested, window);
      }
    } else {
      line = window / 2;
    }
    this.currentFile = info.absolute;
    this.currentLine = constrainLineV0(line, window, awkLines(read.text).length);
    return { observation: out + renderWindowV0(info.absolute, read.text, this.currentLine, window) };
  }

  async goto(argv: string[]): Promise<ToolOutcome> {
    if (argv.length > 1) return fail('goto allows only one line number at a time.\n');
    if (this.currentFile === undefined) return fail('No file open. Use the open command first.\n');
    const [lineArgument] = argv;
    if (lineArgument === undefined || lineArgument === '') return fail('Usage: goto <line>\n');
    if (!/^[0-9]+$/.test(lineArgument)) return fail('Usage: goto <line>\nError: <line> must be a number\n');
    const read = await this.readCurrent();
    if (!read.ok) return fail(`Error: ${read.reason}\n`);
    const maxLine = awkLines(read.text).length;
    const requested = Number.parseInt(lineArgument, 10);
    if (requested > maxLine) return fail(`Error: <line> must be less than or equal to ${maxLine}\n`);
    this.currentLine = constrainLineV0(centreForLineV0(requested, this.context.window), this.context.window, maxLine);
    return { observation: renderWindowV0(this.currentFile, read.text, this.currentLine, this.context.window) };
  }

  async scroll(direction: 'up' | 'down'): Promise<ToolOutcome> {
    if (this.currentFile === undefined) return fail('No file open. Use the open command first.\n');
    const read = await this.readCurrent();
    if (!read.ok) return fail(`Error: ${read.reason}\n`);
    const { window, overlap } = this.context;
    const moved = direction === 'down' ? this.currentLine + window - overlap : this.currentLine - window + overlap;
    this.currentLine = constrainLineV0(moved, window, awkLines(read.text).length);
    let observation = renderWindowV0(this.currentFile, read.text, this.currentLine, window);
    this.scrollCount += 1;
    if (this.scrollCount >= 3) {
      observation +=
        '\nWARNING: Scrolling many times in a row is very inefficient.\nIf you know what you are looking for, use `search_file <pattern>` instead.\n\n';
    }
    return { observation };
  }

  async create(argv: string[]): Promise<ToolOutcome> {
    const [name] = argv;
    if (name === undefined || name === '') return fail('Usage: create <filename>\n');
    const info = await statPath(this.context.sandbox, name, this.context.helperTimeoutMs);
    if (info.kind !== 'missing') {
      const opened = await this.open([name]);
      return { observation: `Error: File '${name}' already exists.\n${opened.observation}`, failed: true };
    }
    const refusal = refuseEditOutsideRepo(this.context, info.absolute);
    if (refusal) return fail(`${refusal}\n`);
    const parent = await statPath(this.context.sandbox, `${info.absolute}/..`, this.context.helperTimeoutMs);
    if (parent.kind !== 'directory') return fail(`bash: ${name}: No such file or directory\nFile ${name} not found\n`);
    await writeText(this.context.sandbox, info.absolute, '\n');
    return this.open([name]);
  }

  /** `edit N:M` with the replacement lines that preceded `end_of_edit`. */
  async editRange(argv: string[], replacement: string[]): Promise<ToolOutcome> {
    if (this.currentFile === undefined) return fail('No file open. Use the `open` command first.\n');
    const bounds = parseRangeArguments(argv);
    if (typeof bounds === 'string') return fail(bounds);
    const refusal = refuseEditOutsideRepo(this.context, this.currentFile);
    if (refusal) return fail(`${refusal}\n`);
    const info = await statPath(this.context.sandbox, this.currentFile, this.context.helperTimeoutMs);
    const read = await this.readCurrent();
    if (!read.ok) return fail(`Error: ${read.reason}\n`);
    const original = read.text;
    const start = bounds.start - 1; // bash arrays start at 0
    const end = bounds.end;
    const lines = awkLines(original);
    const newLines = [...lines.slice(0, Math.max(0, start)), ...replacement, ...lines.slice(end)];
    // printf "%s\n" with no arguments still prints one newline
    const edited = newLines.length === 0 ? '\n' : newLines.map((line) => `${line}\n`).join('');
    const path = this.currentFile;
    const introduced = await applyGatedEdit({
      sandbox: this.context.sandbox,
      linter: this.context.linter,
      path,
      original,
      edited,
      mode: info.mode,
      selectNew: (after, before) => newLintErrors(after, before, { first: start + 1, last: end }, replacement.length),
    });
    const window = this.context.window;
    if (introduced.length === 0) {
      this.currentLine = constrainLineV0(start, window, awkLines(edited).length);
      return { observation: `${renderWindowV0(path, edited, this.currentLine, window)}${EDIT_UPDATED}\n` };
    }
    const lineCount = replacement.length;
    const appliedWindow = lineCount + 10;
    const appliedCentre = constrainLineV0(Math.trunc(lineCount / 2) + start, appliedWindow, awkLines(edited).length);
    const originalWindow = end - start + 10;
    const originalCentre = constrainLineV0(Math.trunc((end - start + 1) / 2) + start, originalWindow, lines.length);
    const observation = [
      'Your proposed edit has introduced new syntax error(s). Please understand the fixes and retry your edit commmand.',
      '',
      'ERRORS:',
      formatLintErrors(introduced),
      '',
      'This is how your edit would have looked if applied',
      DASHES,
      renderWindowV0(path, edited, appliedCentre, appliedWindow) + DASHES,
      '',
      'This is the original code before your edit',
      DASHES,
      renderWindowV0(path, original, originalCentre, originalWindow) + DASHES,
      'Your changes have NOT been applied. Please fix your edit command and try again.',
      'You either need to 1) Specify the correct start/end line arguments or 2) Correct your edit code.',
      'DO NOT re-run the same failed edit command. Running it again will lead to the same error.',
      '',
    ].join('\n');
    return { observation, failed: true };
  }

  private async readCurrent() {
    return readText(this.context.sandbox, this.currentFile!);
  }
}

/** Accepts `N:M` (the documented form) and `N M` (the shell function's two arguments). */
export function parseRangeArguments(argv: string[]): { start: number; end: number } | string {
  const parts = argv.length === 1 ? argv[0]!.split(':') : argv;
  const usage = 'Usage: edit <start_line>:<end_line>\n';
  if (parts.length !== 2) {
    return `${usage}Error: start_line and end_line are required and no other arguments are allowed.\n`;
  }
  const [start, end] = parts as [string, string];
  if (!/^[0-9]+$/.test(start)) return `${usage}Error: start_line must be a number\n`;
  if (!/^[0-9]+$/.test(end)) return `${usage}Error: end_line must be a number\n`;
  return { start: Number.parseInt(start, 10), end: Number.parseInt(end, 10) };
}

function fail(observation: string): ToolOutcome {
  return { observation, failed: true };
}

/** An unquoted path with spaces arrives as several words; say how to quote it. */
function hintForSpaces(argv: string[]): string {
  return argv.length > 1 && !/^[0-9]+$/.test(argv[1] ?? '')
    ? `\nIf the path contains spaces, quote it: open "${argv.join(' ')}"`
    : '';
}
