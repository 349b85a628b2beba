/**
 * What every action parser produces: the monologue kept apart from one action, `{ tool, args }`,
 * or a format error with a reason. The agent loop executes `action`; the SRL reward compares it.
 */

/** The three ways a policy can write its action. */
export const TOOL_FORMATS = ['thought_action', 'function_calling', 'xml_function_calling'] as const;
/**
 * - `thought_action`: discussion, then SWE-agent's command syntax in one fenced block (```…```).
 * - `function_calling`: JSON tool calls (OpenAI `tool_calls`; in text, `<tool_call>{"name","arguments"}</tool_call>`).
 * - `xml_function_calling`: `<function=NAME><parameter=KEY>VALUE</parameter></function>`, as SWE-smith writes.
 */
export type ToolFormat = (typeof TOOL_FORMATS)[number];

export function isToolFormat(value: unknown): value is ToolFormat {
  return typeof value === 'string' && (TOOL_FORMATS as readonly string[]).includes(value);
}

/** `str_replace_editor`'s sub-commands (Anthropic's editor tool, as SWE-agent and OpenHands ship it). */
export type EditorCommand = 'view' | 'create' | 'str_replace' | 'insert' | 'undo_edit';

/** One action of a tool we know, with its arguments typed. */
export type KnownAction =
  | { tool: 'bash'; args: { command: string } }
  | {
      tool: 'str_replace_editor';
      args: {
        command: EditorCommand;
        path: string;
        file_text?: string;
        view_range?: [number, number];
        old_str?: string;
        new_str?: string;
        insert_line?: number;
      };
    }
  /** SWE-agent's windowed `edit N:M` … `end_of_edit`: replace lines start..end (1-based, inclusive). */
  | { tool: 'edit'; args: { start: number; end: number; replacement: string } }
  /**
   * SWE-agent's `edit 'search' 'replace' [replace_all]` (windowed_edit_replace bundle). An explicit
   * `replace_all: false` is kept: SWE-agent's tool replaces all whenever the flag is given at all.
   */
  | { tool: 'edit_replace'; args: { search: string; replace: string; replace_all?: boolean } }
  | { tool: 'insert'; args: { text: string; line?: number } }
  | { tool: 'open'; args: { path: string; line?: number } }
  | { tool: 'goto'; args: { line: number } }
  | { tool: 'scroll_up'; args: Record<string, never> }
  | { tool: 'scroll_down'; args: Record<string, never> }
  | { tool: 'create'; args: { path: string } }
  | { tool: 'find_file'; args: { file_name: string; dir?: string } }
  | { tool: 'search_dir'; args: { search_term: string; dir?: string } }
  | { tool: 'search_file'; args: { search_term: string; file?: string } }
  | { tool: 'submit'; args: Record<string, never> };

export type KnownTool = KnownAction['tool'];

/** A function call to a tool outside our catalogue (e.g. OpenHands' `think`), kept as written. */
export interface OtherAction {
  tool: string;
  args: Record<string, unknown>;
}

/** A parsed action. Narrow with `isKnownAction` before switching on `tool`. */
export type ParsedAction = KnownAction | OtherAction;

/** Why a model output is not one well-formed action. */
export type FormatErrorCode =
  | 'no_action' // nothing that looks like an action
  | 'multiple_actions' // more than one fenced block / function call / tool call
  | 'unparseable'; // an action is there but cannot be read (bad JSON, unclosed tag, wrong arguments)

export interface FormatError {
  code: FormatErrorCode;
  reason: string;
}

export type ParseResult =
  | { ok: true; thought: string; action: ParsedAction; /** the action's own text, as found in the output */ text: string }
  | { ok: false; error: FormatError };

export type ActionResult = { ok: true; action: ParsedAction } | { ok: false; error: FormatError };

export function formatError(code: FormatErrorCode, reason: string): { ok: false; error: FormatError } {
  return { ok: false, error: { code, reason } };
}
