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
import { argvFromArgs, declaration, declarationOf, toolsOf } from './catalog.js';
import { declarationForCall } from './parsers/catalog.js';
import { actionOfRouted } from './parsers/swe-agent-commands.js';
import type { KnownTool } from './parsers/types.js';
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

/** A classic tool's implementation, called with the argv (and body) the shell would have passed it. */
type ClassicHandler = (session: ToolSession, argv: string[], body: string[] | undefined) => Promise<ToolOutcome>;

/**
 * Which implementation runs each tool of the catalogue (bash and the editor take named arguments
 * and are dispatched before this table). The type makes it cover every declared tool.
 */
const CLASSIC_HANDLERS: { readonly [T in Exclude<KnownTool, 'bash' | 'str_replace_editor'>]: ClassicHandler } = {
  open: (session, argv) => session.windowed.open(argv),
  goto: (session, argv) => session.windowed.goto(argv),
  scroll_up: (session) => session.windowed.scroll('up'),
  scroll_down: (session) => session.windowed.scroll('down'),
  create: (session, argv) => session.windowed.create(argv),
  find_file: (session, argv) => findFile(session.context, argv),
  search_dir: (session, argv) => searchDir(session.context, argv),
  search_file: (session, argv) => searchFile(session.context, argv, session.windowed.openFile()),
  edit: (session, argv, body) => session.edit(argv, body),
  edit_replace: (session, argv) => session.edit(argv, undefined),
  insert: (session, argv) => (session.windowed.insert ? session.windowed.insert(argv) : Promise.resolve(session.unknownTool('insert'))),
  submit: (session, argv) => session.submit(argv),
};

export class ToolSession {
  readonly config: ToolboxConfig;
  readonly specs: ToolSpec[];
  /** @internal the tools' shared context (the dispatch table reaches the implementations through it). */
  readonly context: ToolContext;
  /** @internal */
  readonly windowed: WindowedEditor;
  private readonly bashOptions: BashToolOptions;
  private readonly editor: StrReplaceEditor;
  /** Tools a bash action may name as its first word (SWE-agent's shell-level commands), by command name. */
  private readonly commandLineTools: Set<string>;
  private readonly enabledTools: Set<KnownTool>;
  /** How many review messages `submit` has shown (see `submitReviewMessages`). */
  private reviewStage = 0;

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
    this.windowed = this.config.flavor === 'swe-agent-0' ? new WindowedEditorV0(this.context) : new WindowedEditorV1(this.context, this.config.windowedRevision);
    this.editor = new StrReplaceEditor(this.context, { maxResponseChars: this.config.editorMaxResponseChars });
    this.specs = toolSpecsFor(bundles, this.config.window);
    this.enabledTools = toolsOf(bundles);
    // Either edit bundle answers to `edit` on the command line; the arguments tell which edit is meant.
    if (this.enabledTools.has('edit') || this.enabledTools.has('edit_replace')) {
      this.enabledTools.add('edit');
      this.enabledTools.add('edit_replace');
    }
    this.commandLineTools = new Set([...this.enabledTools].filter((tool) => tool !== 'bash').map((tool) => declaration(tool).functionName));
  }

  /**
   * Runs one action: a parsed action (`{tool, args}` with the parsers' keys) or a function call
   * (SWE-agent's argument names). Never throws for anything the agent did; see
   * `ToolOutcome.crashed`. `timeoutMs` shortens the bash time limit for this action (the episode's
   * remaining time).
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
      // A fresh sandbox knows where its shell is (a warm one from the pool: no round trip at all).
      workingDir: this.sandbox.knownWorkingDir?.() ?? (await currentDirectory(this.sandbox, this.config.helperTimeoutMs)),
    };
  }

  private async dispatch(call: ToolCall, bashOptions: BashToolOptions): Promise<ToolOutcome> {
    const { tool, args } = call;
    if (tool === 'bash' && this.enabledTools.has('bash')) return this.bash(typeof args.command === 'string' ? args.command : '', bashOptions);
    this.windowed.noteAction(tool);
    const known = declarationOf(tool) === undefined ? undefined : declarationForCall(tool, args);
    if (known === undefined || !this.enabledTools.has(known.tool)) return this.unknownTool(tool);
    if (known.tool === 'str_replace_editor') return this.editor.run(editorArgs(args));
    if (known.tool === 'bash') return this.unknownTool(tool);
    if (known.tool === 'edit') return this.edit(...rangeEditArgv(args));
    return CLASSIC_HANDLERS[known.tool](this, argvFromArgs(known, args), undefined);
  }

  /**
   * The bash tool. Its shell knows SWE-agent's commands: a command line whose first word is an
   * enabled tool runs that tool, through the one command-line reader the action parser uses
   * (classic/command-line.ts), so a command line means here what it means to the parser. A line
   * the parser would reject still reaches the tool, whose own usage message then answers it.
   */
  private async bash(command: string, bashOptions: BashToolOptions): Promise<ToolOutcome> {
    const routed = routeClassicCommand(command, this.commandLineTools);
    const typed = routed?.kind === 'tool' ? actionOfRouted(routed) : undefined;
    if (typed?.ok) return this.dispatch(typed.action, bashOptions);
    // The scroll warning counts consecutive scrolls, whichever way they were written.
    this.windowed.noteAction(routed?.tool ?? 'bash');
    if (routed === undefined) return runBash(this.context, bashOptions, command);
    if (routed.kind === 'invalid') return { observation: routed.observation, failed: true };
    if (routed.tool === 'str_replace_editor') {
      const parsed = parseEditorArgv(routed.argv);
      return typeof parsed === 'string' ? { observation: parsed, failed: true } : this.editor.run(parsed);
    }
    const handler = routed.tool === 'edit' ? 'edit' : (routed.tool as keyof typeof CLASSIC_HANDLERS);
    return CLASSIC_HANDLERS[handler](this, routed.argv, routed.body);
  }

  /** @internal `edit`: a range edit or a search/replace, by its arguments and the enabled bundles. */
  async edit(argv: string[], body: string[] | undefined): Promise<ToolOutcome> {
    const { bundles } = this.config;
    const isRange = body !== undefined || (argv.length === 1 && /^\s*\d+\s*:\s*\d+\s*$/.test(argv[0]!));
    if (isRange && bundles.includes('edit_range')) return this.windowed.editRange(argv, body ?? []);
    if (bundles.includes('edit_replace') && this.windowed.editReplace) return this.windowed.editReplace(argv);
    return this.windowed.editRange(argv, body ?? []);
  }

  /** @internal `submit`, after the review messages when the toolbox has them (`-f` / `--force` skips them). */
  async submit(argv: string[] = []): Promise<ToolOutcome> {
    const patch = await this.sandbox.diff();
    const messages = this.config.submitReviewMessages;
    const forced = argv.includes('-f') || argv.includes('--force');
    if (!forced && this.reviewStage < messages.length) {
      const message = messages[this.reviewStage]!;
      this.reviewStage += 1;
      return { observation: message.replaceAll('{{diff}}', patch) };
    }
    return { observation: patch, submission: patch };
  }

  /** @internal */
  unknownTool(tool: string): ToolOutcome {
    const available = [...this.commandLineTools, ...(this.enabledTools.has('bash') ? ['bash'] : [])].sort().join(', ');
    const name = tool === '' ? '(an empty name)' : `'${tool}'`;
    return { observation: `Unknown tool ${name}. The available tools are: ${available}.`, failed: true };
  }
}

/** A range edit's named arguments (parsed or SWE-agent's) as the argv `N:M` and the replacement's lines. */
function rangeEditArgv(args: Record<string, unknown>): [string[], string[]] {
  const text = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));
  const start = text(args.start ?? args.start_line) ?? '';
  const end = text(args.end ?? args.end_line) ?? '';
  const replacement = text(args.replacement ?? args.replacement_text) ?? '';
  const trimmed = replacement.endsWith('\n') ? replacement.slice(0, -1) : replacement;
  return [[`${start}:${end}`], replacement === '' ? [] : trimmed.split('\n')];
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
