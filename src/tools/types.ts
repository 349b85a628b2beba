/**
 * What the agent loop hands to the tools and what it gets back. An action is plain data,
 * `{ tool, args }`, the same shape the action parsers (src/tools/parsers) produce, so a parsed model
 * output, a replayed expert step and a hand-written test all run through one path.
 */

/** One action to execute: a tool name and its arguments, named as in SWE-agent's command docs. */
export interface ToolCall {
  tool: string;
  args: Record<string, unknown>;
}

export interface ToolOutcome {
  /** What the agent sees next. Never empty of meaning: errors are explained here, not thrown. */
  observation: string;
  /** Set when the action submitted: the repository's diff against its base commit. */
  submission?: string;
  /**
   * True when the action could not do what it asked (bad arguments, refused edit, unknown tool,
   * timeout). The episode goes on; the flag only feeds statistics and hooks.
   */
  failed?: boolean;
  /** True when the action ran past its time limit and was interrupted. */
  timedOut?: boolean;
  /**
   * True when the tool itself broke (the sandbox stopped answering, a bug): the observation says
   * so, and the loop ends the episode with `exit_error` when this keeps happening.
   */
  crashed?: boolean;
}

/** The state SWE-agent shows after each observation: `(Open file: …)` and `(Current directory: …)`. */
export interface ToolState {
  /** Absolute path of the file open in the windowed editor, or `n/a`. */
  openFile: string;
  workingDir: string;
}

export interface ToolParameter {
  type: 'string' | 'integer' | 'boolean' | 'array';
  description: string;
  items?: { type: 'integer' };
  enum?: string[];
}

/** A JSON-schema-like description of one tool, as OpenAI-style function calling wants it. */
export interface ToolSpec {
  name: string;
  /** The command line as SWE-agent documents it, e.g. `open "<path>" [<line_number>]`. */
  signature: string;
  description: string;
  parameters: {
    type: 'object';
    properties: Record<string, ToolParameter>;
    required: string[];
  };
  /** For multi-line classic commands: the line that ends the body (`end_of_edit`). */
  endMarker?: string;
}
