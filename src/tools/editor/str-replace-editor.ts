/**
 * The `str_replace_editor` tool (Anthropic's text editor as SWE-agent and SWE-smith ship it):
 * `view` (a file with line numbers, or a directory two levels deep), `create`, `str_replace`
 * (exactly one match), `insert` and `undo_edit`. Messages follow SWE-agent's version, so SWE-smith
 * trajectories, which the SRL paper trains on, replay to the same observations.
 */
import { posix } from 'node:path';
import type { ToolOutcome } from '../types.js';
import type { ToolContext } from '../tool-context.js';
import { refuseEditOutsideRepo } from '../tool-context.js';
import { currentDirectory, pythonPathString, readText, runHelper, statPath, writeText } from '../sandbox-files.js';
import { shellQuote } from '../../util/shell-quote.js';
import { expandTabs, countOccurrences, findAll } from '../text-lines.js';

export const STR_REPLACE_EDITOR_COMMANDS = ['view', 'create', 'str_replace', 'insert', 'undo_edit'] as const;

const TRUNCATED_MESSAGE =
  '<response clipped><NOTE>To save on context only part of this file has been shown to you. You should retry this tool after you have searched inside the file with `grep -n` in order to find the line numbers of what you are looking for.</NOTE>';
const SNIPPET_LINES = 4;

export interface StrReplaceEditorArgs {
  command?: string;
  path?: string;
  file_text?: string;
  view_range?: unknown;
  old_str?: string;
  new_str?: string;
  insert_line?: number;
}

export interface StrReplaceEditorOptions {
  /** Characters of file content shown before the `<response clipped>` note (SWE-agent: 16000). */
  maxResponseChars: number;
}

export class StrReplaceEditor {
  /** Earlier contents per file, newest last, for `undo_edit`. */
  private readonly history = new Map<string, string[]>();

  constructor(
    private readonly context: ToolContext,
    private readonly options: StrReplaceEditorOptions = { maxResponseChars: 16_000 },
  ) {}

  async run(args: StrReplaceEditorArgs): Promise<ToolOutcome> {
    const command = args.command;
    if (command === undefined || !(STR_REPLACE_EDITOR_COMMANDS as readonly string[]).includes(command)) {
      return fail(
        `Unrecognized command ${command ?? '(none)'}. The allowed commands for the str_replace_editor tool are: "view", "create", "str_replace", "insert", "undo_edit"`,
      );
    }
    if (args.path === undefined || args.path === '') return fail(`Parameter \`path\` is required for command: ${command}`);
    const path = pythonPathString(args.path);
    if (!path.startsWith('/')) {
      const cwd = await currentDirectory(this.context.sandbox, this.context.helperTimeoutMs);
      return fail(`The path ${path} is not an absolute path, it should start with \`/\`. Maybe you meant ${posix.join(cwd, path)}?`);
    }
    const info = await statPath(this.context.sandbox, path, this.context.helperTimeoutMs);
    if (info.kind === 'missing' && command !== 'create') return fail(`The path ${path} does not exist. Please provide a valid path.`);
    if (info.kind !== 'missing' && command === 'create') {
      return fail(`File already exists at: ${path}. Cannot overwrite files using command \`create\`.`);
    }
    if (info.kind === 'directory' && command !== 'view') {
      return fail(`The path ${path} is a directory and only the \`view\` command can be used on directories`);
    }
    if (command !== 'view') {
      const refusal = refuseEditOutsideRepo(this.context, info.absolute);
      if (refusal) return fail(refusal);
    }
    switch (command) {
      case 'view':
        return info.kind === 'directory' ? this.viewDirectory(path, args.view_range) : this.viewFile(path, info.absolute, args.view_range);
      case 'create':
        return this.create(path, info.absolute, args.file_text);
      case 'str_replace':
        return this.strReplace(path, info.absolute, info.mode, args.old_str, args.new_str);
      case 'insert':
        return this.insert(path, info.absolute, info.mode, args.insert_line, args.new_str);
      case 'undo_edit':
        return this.undoEdit(path, info.absolute, info.mode);
    }
    return fail(`Unrecognized command ${command}.`);
  }

  private async viewDirectory(path: string, viewRange: unknown): Promise<ToolOutcome> {
    if (viewRange !== undefined && viewRange !== null && !(Array.isArray(viewRange) && viewRange.length === 0)) {
      return fail('The `view_range` parameter is not allowed when `path` points to a directory.');
    }
    const listing = await runHelper(
      this.context.sandbox,
      `find ${shellQuote(path)} -maxdepth 2 -not -path '*/\\.*' | LC_ALL=C sort`,
      this.context.helperTimeoutMs,
    );
    return {
      observation: `Here's the files and directories up to 2 levels deep in ${path}, excluding hidden items:\n${listing.output}\n`,
    };
  }

  private async viewFile(path: string, absolute: string, viewRange: unknown): Promise<ToolOutcome> {
    const read = await readText(this.context.sandbox, absolute);
    if (!read.ok) return fail(`Error: ${read.reason}`);
    let content = read.text;
    let initLine = 1;
    if (viewRange !== undefined && viewRange !== null && !(Array.isArray(viewRange) && viewRange.length === 0)) {
      if (!Array.isArray(viewRange) || viewRange.length !== 2 || !viewRange.every((value) => Number.isInteger(value))) {
        return fail('Invalid `view_range`. It should be a list of two integers.');
      }
      const [first, last] = viewRange as [number, number];
      const lines = content.split('\n');
      const shown = `[${first}, ${last}]`;
      if (first < 1 || first > lines.length) {
        return fail(`Invalid \`view_range\`: ${shown}. Its first element \`${first}\` should be within the range of lines of the file: [1, ${lines.length}]`);
      }
      if (last > lines.length) {
        return fail(`Invalid \`view_range\`: ${shown}. Its second element \`${last}\` should be smaller than the number of lines in the file: \`${lines.length}\``);
      }
      if (last !== -1 && last < first) {
        return fail(`Invalid \`view_range\`: ${shown}. Its second element \`${last}\` should be larger or equal than its first \`${first}\``);
      }
      content = lines.slice(first - 1, last === -1 ? lines.length : last).join('\n');
      initLine = first;
    }
    return { observation: this.numbered(content, path, initLine) };
  }

  private async create(path: string, absolute: string, fileText: string | undefined): Promise<ToolOutcome> {
    if (fileText === undefined) return fail('Parameter `file_text` is required for command: create');
    const parent = await statPath(this.context.sandbox, posix.dirname(absolute), this.context.helperTimeoutMs);
    if (parent.kind !== 'directory') return fail(`The parent directory ${posix.dirname(path)} does not exist. Please create it first.`);
    await writeText(this.context.sandbox, absolute, fileText);
    this.remember(absolute, fileText);
    return { observation: `File created successfully at: ${path}` };
  }

  private async strReplace(
    path: string,
    absolute: string,
    mode: number | undefined,
    oldArgument: string | undefined,
    newArgument: string | undefined,
  ): Promise<ToolOutcome> {
    if (oldArgument === undefined) return fail('Parameter `old_str` is required for command: str_replace');
    const read = await readText(this.context.sandbox, absolute);
    if (!read.ok) return fail(`Error: ${read.reason}`);
    // SWE-agent expands tabs in the whole file before replacing; kept so replays produce the same patch.
    const content = expandTabs(read.text);
    const oldText = expandTabs(oldArgument);
    const newText = newArgument === undefined ? '' : expandTabs(newArgument);
    const occurrences = countOccurrences(content, oldText);
    if (occurrences === 0) {
      return fail(`No replacement was performed, old_str \`${oldText}\` did not appear verbatim in ${path}.`);
    }
    if (occurrences > 1) {
      const lines = [...new Set(findAll(content, oldText).map((index) => content.slice(0, index).split('\n').length))];
      return fail(
        `No replacement was performed. Multiple occurrences of old_str \`${oldText}\` in lines [${lines.join(', ')}]. Please ensure it is unique (found ${occurrences} occurrences; str_replace needs exactly one).`,
      );
    }
    if (newText === oldText) {
      return fail(`No replacement was performed, old_str \`${oldText}\` is the same as new_str \`${newText}\`.`);
    }
    const edited = content.replace(oldText, () => newText);
    await writeText(this.context.sandbox, absolute, edited, mode);
    this.remember(absolute, content);
    const replacementLine = countNewlines(content.split(oldText)[0]!);
    const start = Math.max(0, replacementLine - SNIPPET_LINES);
    const end = replacementLine + SNIPPET_LINES + countNewlines(newText);
    const snippet = edited.split('\n').slice(start, end + 1).join('\n');
    return {
      observation: `The file ${path} has been edited. ${this.numbered(snippet, `a snippet of ${path}`, start + 1)}Review the changes and make sure they are as expected. Edit the file again if necessary.`,
    };
  }

  private async insert(
    path: string,
    absolute: string,
    mode: number | undefined,
    insertLine: number | undefined,
    newArgument: string | undefined,
  ): Promise<ToolOutcome> {
    if (insertLine === undefined) return fail('Parameter `insert_line` is required for command: insert');
    if (newArgument === undefined) return fail('Parameter `new_str` is required for command: insert');
    const read = await readText(this.context.sandbox, absolute);
    if (!read.ok) return fail(`Error: ${read.reason}`);
    const text = expandTabs(read.text);
    const newText = expandTabs(newArgument);
    const lines = text.split('\n');
    if (!Number.isInteger(insertLine) || insertLine < 0 || insertLine > lines.length) {
      return fail(`Invalid \`insert_line\` parameter: ${insertLine}. It should be within the range of lines of the file: [0, ${lines.length}]`);
    }
    const newLines = newText.split('\n');
    const edited = [...lines.slice(0, insertLine), ...newLines, ...lines.slice(insertLine)].join('\n');
    const snippet = [
      ...lines.slice(Math.max(0, insertLine - SNIPPET_LINES), insertLine),
      ...newLines,
      ...lines.slice(insertLine, insertLine + SNIPPET_LINES),
    ].join('\n');
    await writeText(this.context.sandbox, absolute, edited, mode);
    this.remember(absolute, text);
    return {
      observation: `The file ${path} has been edited. ${this.numbered(snippet, 'a snippet of the edited file', Math.max(1, insertLine - SNIPPET_LINES + 1))}Review the changes and make sure they are as expected (correct indentation, no duplicate lines, etc). Edit the file again if necessary.`,
    };
  }

  private async undoEdit(path: string, absolute: string, mode: number | undefined): Promise<ToolOutcome> {
    const earlier = this.history.get(absolute)?.pop();
    if (earlier === undefined) return fail(`No edit history found for ${path}.`);
    await writeText(this.context.sandbox, absolute, earlier, mode);
    return { observation: `Last edit to ${path} undone successfully. ${this.numbered(earlier, path, 1)}` };
  }

  private remember(absolute: string, content: string): void {
    const entries = this.history.get(absolute) ?? [];
    entries.push(content);
    this.history.set(absolute, entries);
  }

  /** `cat -n`-style output: six-wide right-aligned numbers, a tab, the line (tabs expanded). */
  private numbered(content: string, descriptor: string, initLine: number): string {
    const clipped = clipCodePoints(content, this.options.maxResponseChars);
    const body = expandTabs(clipped)
      .split('\n')
      .map((line, index) => `${String(index + initLine).padStart(6)}\t${line}`)
      .join('\n');
    return `Here's the result of running \`cat -n\` on ${descriptor}:\n${body}\n`;
  }
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === '\n') count += 1;
  return count;
}

function fail(observation: string): ToolOutcome {
  return { observation, failed: true };
}

/** Python's `content[:limit] + TRUNCATED_MESSAGE`, counting code points as Python does. */
function clipCodePoints(content: string, limit: number): string {
  if (content.length <= limit) return content;
  const codePoints = Array.from(content);
  return codePoints.length <= limit ? content : codePoints.slice(0, limit).join('') + TRUNCATED_MESSAGE;
}
