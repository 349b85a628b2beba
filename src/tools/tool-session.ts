/**
 * One episode's tools bound to one sandbox. `execute` takes an action as data (`{tool, args}`) and
 * always returns an observation: bad arguments, unknown tools, refused edits and hung commands
 * become text the agent can read, never exceptions that end the episode. The session also answers
 * the footer's questions (open file, current directory) through `state()`.
 */
import type { Sandbox } from '../sandbox/types.js';
import type { ToolCall, ToolOutcome, ToolSpec, ToolState } from './types.js';
import type { ToolContext } from './tool-context.js';
import { parseToolboxConfig, type ToolboxConfig, type ToolboxConfigInput } from './config.js';
import { toolSpecsFor } from './tool-specs.js';
import { runBash, type BashToolOptions } from './bash/bash-tool.js';
import { StrReplaceEditor, type StrReplaceEditorArgs } from './editor/str-replace-editor.js';
import { parseEditorArgv } from './editor/editor-argv.js';
import { routeClassicCommand } from './classic/command-line.js';
import { createPythonLinter } from './classic/python-lint.js';
import type { WindowedEditor } from './classic/windowed-editor.js';
import { WindowedEditorV0 } from './classic/windowed-v0.js';
import { WindowedEditorV1 } from './classic/windowed-v1.js';
import { findFile, searchDir, searchFile } from './classic/search-tools.js';
import { currentDirectory } from './sandbox-files.js';

const WINDOWED_TOOLS = ['open', 'goto', 'scroll_up', 'scroll_down', 'create'];
const SEARCH_TOOLS = ['find_file', 'search_dir', 'search_file'];

export class ToolSession {
  readonly config: ToolboxConfig;
  readonly specs: ToolSpec[];
  private readonly context: ToolContext;
  private readonly bashOptions: BashToolOptions;
  private readonly windowed: WindowedEditor;
  private readonly editor: StrReplaceEditor;
  /** Tools a bash action may name as its first word (SWE-agent's shell-level commands). */
  private readonly commandLineTools: Set<string>;
  private readonly enabledTools: Set<string>;

  constructor(
    readonly sandbox: Sandbox,
    config: ToolboxConfigInput | ToolboxConfig = {},
  ) {
    this.config = parseToolboxConfig(config);
    const { bundles } = this.config;
    this.context = {
      sandbox,
      helperTimeoutMs: this.config.helperTimeoutMs,
      window: this.config.window,
      overlap: this.config.overlap,
      linter: this.config.lintPython ? createPythonLinter(sandbox, this.config.helperTimeoutMs) : undefined,
      allowEditsOutsideRepo: this.config.allowEditsOutsideRepo,
    };
    this.bashOptions = {
      actionTimeoutMs: this.config.actionTimeoutMs,
      blocklist: this.config.blocklist,
      blocklistStandalone: this.config.blocklistStandalone,
      syntaxCheck: this.config.bashSyntaxCheck,
    };
    this.windowed = this.config.flavor === 'swe-agent-0' ? new WindowedEditorV0(this.context) : new WindowedEditorV1(this.context);
    this.editor = new StrReplaceEditor(this.context, { maxResponseChars: this.config.editorMaxResponseChars });
    this.specs = toolSpecsFor(bundles, this.config.window);
    this.enabledTools = new Set(this.specs.map((item) => item.name));
    if (bundles.includes('edit_range') || bundles.includes('edit_replace')) this.enabledTools.add('edit');
    if (bundles.includes('edit_replace')) {
      this.enabledTools.add('insert');
      // The parsers name the search/replace form `edit_replace` to tell it from `edit N:M`.
      this.enabledTools.add('edit_replace');
    }
    this.commandLineTools = new Set([...this.enabledTools].filter((name) => name !== 'bash'));
  }

  /**
   * Runs one action. Never throws for anything the agent did; see `ToolOutcome.crashed`.
   * `timeoutMs` shortens the bash time limit for this action (the episode's remaining time).
   */
  async execute(call: ToolCall, options: { timeoutMs?: number } = {}): Promise<ToolOutcome> {
    const bashOptions =
      options.timeoutMs === undefined
        ? this.bashOptions
        : { ...this.bashOptions, actionTimeoutMs: Math.max(1, Math.min(this.bashOptions.actionTimeoutMs, options.timeoutMs)) };
    try {
      return await this.dispatch(call, bashOptions);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { observation: `Error: the ${call.tool} tool failed: ${message}`, failed: true, crashed: true };
    }
  }

  /** The footer state: open file (or `n/a`) and the shell's current directory. */
  async state(): Promise<ToolState> {
    return {
      openFile: this.windowed.openFile() ?? 'n/a',
      workingDir: await currentDirectory(this.sandbox, this.config.helperTimeoutMs),
    };
  }

  private async dispatch(call: ToolCall, bashOptions: BashToolOptions): Promise<ToolOutcome> {
    const { tool, args } = call;
    if (tool === 'bash' && this.enabledTools.has('bash')) {
      const command = typeof args.command === 'string' ? args.command : '';
      const routed = routeClassicCommand(command, this.commandLineTools);
      // The scroll warning counts consecutive scrolls, whichever way they were written.
      this.windowed.noteAction(routed?.tool ?? 'bash');
      if (routed === undefined) return runBash(this.context, bashOptions, command);
      if (routed.kind === 'invalid') return { observation: routed.observation, failed: true };
      return this.runCommandLine(routed.tool, routed.argv, routed.body);
    }
    this.windowed.noteAction(tool);
    if (!this.enabledTools.has(tool)) return this.unknownTool(tool);
    if (tool === 'str_replace_editor') return this.editor.run(editorArgs(args));
    const commandLine = this.commandLineFromArgs(tool, args);
    if (typeof commandLine === 'string') return { observation: commandLine, failed: true };
    return this.runCommandLine(tool, commandLine.argv, commandLine.body);
  }

  /** Runs a classic tool from its argv, exactly as if the shell had invoked it. */
  private async runCommandLine(tool: string, argv: string[], body?: string[]): Promise<ToolOutcome> {
    switch (tool) {
      case 'open':
        return this.windowed.open(argv);
      case 'goto':
        return this.windowed.goto(argv);
      case 'scroll_up':
        return this.windowed.scroll('up');
      case 'scroll_down':
        return this.windowed.scroll('down');
      case 'create':
        return this.windowed.create(argv);
      case 'find_file':
        return findFile(this.context, argv);
      case 'search_dir':
        return searchDir(this.context, argv);
      case 'search_file':
        return searchFile(this.context, argv, this.windowed.openFile());
      case 'edit':
        return this.edit(argv, body);
      case 'edit_replace':
        return this.edit(argv, undefined);
      case 'insert':
        if (!this.windowed.insert) return this.unknownTool(tool);
        return this.windowed.insert(argv);
      case 'submit':
        return this.submit();
      case 'str_replace_editor': {
        const parsed = parseEditorArgv(argv);
        if (typeof parsed === 'string') return { observation: parsed, failed: true };
        return this.editor.run(parsed);
      }
      default:
        return this.unknownTool(tool);
    }
  }

  private async edit(argv: string[], body: string[] | undefined): Promise<ToolOutcome> {
    const { bundles } = this.config;
    const isRange = body !== undefined || (argv.length === 1 && /^\s*\d+\s*:\s*\d+\s*$/.test(argv[0]!));
    if (isRange && bundles.includes('edit_range')) return this.windowed.editRange(argv, body ?? []);
    if (bundles.includes('edit_replace') && this.windowed.editReplace) return this.windowed.editReplace(argv);
    return this.windowed.editRange(argv, body ?? []);
  }

  private async submit(): Promise<ToolOutcome> {
    const patch = await this.sandbox.diff();
    return { observation: patch, submission: patch };
  }

  private unknownTool(tool: string): ToolOutcome {
    const available = [...this.enabledTools].filter((name) => name !== 'edit_replace').sort().join(', ');
    const name = tool === '' ? '(an empty name)' : `'${tool}'`;
    return { observation: `Unknown tool ${name}. The available tools are: ${available}.`, failed: true };
  }

  /**
   * Named arguments (function calling) become the argv the shell would have passed, in the order
   * of the tool's documented parameters. A raw command line in `command` is routed as such.
   */
  private commandLineFromArgs(tool: string, args: Record<string, unknown>): { argv: string[]; body?: string[] } | string {
    if (Array.isArray(args.argv) && args.argv.every((word) => typeof word === 'string')) {
      const body = Array.isArray(args.body) ? args.body.map(String) : undefined;
      return body === undefined ? { argv: args.argv as string[] } : { argv: args.argv as string[], body };
    }
    const raw = typeof args.command === 'string' ? args.command : typeof args.raw === 'string' ? args.raw : undefined;
    if (raw !== undefined && raw.trimStart().startsWith(tool)) {
      const routed = routeClassicCommand(raw, new Set([tool]));
      if (routed?.kind === 'tool') return routed.body === undefined ? { argv: routed.argv } : { argv: routed.argv, body: routed.body };
      if (routed?.kind === 'invalid') return routed.observation;
    }
    const text = (value: unknown): string | undefined =>
      value === undefined || value === null ? undefined : typeof value === 'string' ? value : String(value);
    // Each parameter under SWE-agent's function-calling name or the parsers' short name.
    const pick = (...names: string[]): string | undefined => {
      for (const name of names) {
        const value = text(args[name]);
        if (value !== undefined) return value;
      }
      return undefined;
    };
    const positional = (...parameters: string[][]): string[] => {
      const argv: string[] = [];
      for (const names of parameters) {
        const value = pick(...names);
        if (value === undefined) break;
        argv.push(value);
      }
      return argv;
    };
    switch (tool) {
      case 'open':
        return { argv: positional(['path'], ['line_number', 'line']) };
      case 'goto':
        return { argv: positional(['line_number', 'line']) };
      case 'create':
        return { argv: positional(['filename', 'path']) };
      case 'find_file':
        return { argv: positional(['file_name'], ['dir']) };
      case 'search_dir':
        return { argv: positional(['search_term'], ['dir']) };
      case 'search_file':
        return { argv: positional(['search_term'], ['file']) };
      case 'insert':
        return { argv: positional(['text'], ['line']) };
      case 'edit':
      case 'edit_replace': {
        const start = pick('start_line', 'start');
        const end = pick('end_line', 'end');
        if (tool === 'edit' && (start !== undefined || end !== undefined)) {
          const replacement = pick('replacement_text', 'replacement') ?? '';
          const trimmed = replacement.endsWith('\n') ? replacement.slice(0, -1) : replacement;
          return { argv: [`${start ?? ''}:${end ?? ''}`], body: replacement === '' ? [] : trimmed.split('\n') };
        }
        const argv = positional(['search'], ['replace']);
        // SWE-agent renders a function call's booleans as True/False on the command line, and the
        // tool's argparse `type=bool` takes any non-empty word as true: a given `replace-all`, even
        // false, replaces all. Kept, so function-calling runs replay as recorded.
        const replaceAll = args['replace-all'] ?? args.replace_all;
        if (typeof replaceAll === 'boolean') argv.push(replaceAll ? 'True' : 'False');
        else if (typeof replaceAll === 'string') argv.push(replaceAll);
        return { argv };
      }
      default:
        return { argv: [] };
    }
  }
}

/** Accepts the editor's arguments from a function call, tolerating numbers sent as strings. */
function editorArgs(args: Record<string, unknown>): StrReplaceEditorArgs {
  const asString = (value: unknown) => (typeof value === 'string' ? value : value === undefined || value === null ? undefined : String(value));
  const result: StrReplaceEditorArgs = {};
  const command = asString(args.command);
  if (command !== undefined) result.command = command;
  const path = asString(args.path);
  if (path !== undefined) result.path = path;
  const fileText = asString(args.file_text);
  if (fileText !== undefined) result.file_text = fileText;
  const oldStr = asString(args.old_str);
  if (oldStr !== undefined) result.old_str = oldStr;
  const newStr = asString(args.new_str);
  if (newStr !== undefined) result.new_str = newStr;
  if (args.insert_line !== undefined && args.insert_line !== null) {
    const line = Number(args.insert_line);
    result.insert_line = Number.isFinite(line) ? line : Number.NaN;
  }
  if (args.view_range !== undefined && args.view_range !== null) {
    let range = args.view_range;
    if (typeof range === 'string') {
      try {
        range = JSON.parse(range);
      } catch {
        // left as the string; the editor reports an invalid view_range
      }
    }
    result.view_range = Array.isArray(range) ? range.map((value) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value)) : range;
  }
  return result;
}
