/**
 * SWE-agent's tool bundles, as facts: every bundle directory (1.x `tools/<name>`) and command file
 * (0.x `config/commands/<file>`) SWE-agent has shipped, the commands each one gives the agent, and
 * which of our bundles (tools/config.ts) runs those commands. A recorded run names its layout (the
 * `replay_config` bundle paths, or 0.x's `command_files`); this table turns that layout into the
 * toolbox a replay needs. The commands themselves are declared once, in the catalogue (catalog.ts).
 *
 * Names changed between releases: the Python windowed tools were `tools/defaults` in the 1.0
 * pre-releases and `tools/windowed` afterwards; their edits were `tools/edit_linting` /
 * `tools/edit_replace` / `tools/edit_rewrite`, later `tools/windowed_edit_*`.
 */
import type { ClassicFlavor } from './classic/windowed-editor.js';
import type { ToolBundle } from './config.js';

export interface SweAgentBundle {
  /** Which of our bundles runs its commands; empty when it gives the agent no command. */
  provides: readonly ToolBundle[];
  /** The commands it gives the agent, as SWE-agent's config names them (helpers such as `_state` left out). */
  commands: readonly string[];
  /** Commands we do not implement: a replay that calls one gets "Unknown tool", and is warned. */
  unsupported?: readonly string[];
  /** The windowed tools' generation (0.x shell functions or the Python tools of 1.x). */
  flavor?: ClassicFlavor;
  /** The release of the Python windowed tools it belongs to, where their behaviour differs (tools/config.ts). */
  windowedRevision?: 'defaults';
  /** `submit` first shows the review messages (`SUBMIT_REVIEW_MESSAGES`) before it submits. */
  reviewOnSubmit?: true;
  /** What it is, for messages. */
  about: string;
}

const WINDOWED = ['open', 'goto', 'scroll_up', 'scroll_down', 'create'];
const SEARCH = ['find_file', 'search_dir', 'search_file'];
const BROWSER = 'a web browser (not replayable offline)';

/** 1.x bundle directories, by their last path segment. */
export const SWE_AGENT_BUNDLES: Readonly<Record<string, SweAgentBundle>> = {
  registry: { provides: [], commands: [], about: 'the key/value registry other tools read (no commands)' },
  defaults: { provides: ['windowed'], commands: WINDOWED, flavor: 'swe-agent-1', windowedRevision: 'defaults', about: 'the windowed file viewer (1.0 pre-release name of tools/windowed)' },
  windowed: { provides: ['windowed'], commands: WINDOWED, flavor: 'swe-agent-1', about: 'the windowed file viewer' },
  search: { provides: ['search'], commands: SEARCH, about: 'find_file, search_dir, search_file' },
  edit_linting: { provides: ['edit_range'], commands: ['edit'], flavor: 'swe-agent-1', about: 'edit N:M … end_of_edit with a lint check' },
  windowed_edit_linting: { provides: ['edit_range'], commands: ['edit'], flavor: 'swe-agent-1', about: 'edit N:M … end_of_edit with a lint check' },
  edit_replace: { provides: ['edit_replace'], commands: ['edit', 'insert'], flavor: 'swe-agent-1', about: "edit 'search' 'replace' and insert, with a lint check" },
  windowed_edit_replace: { provides: ['edit_replace'], commands: ['edit', 'insert'], flavor: 'swe-agent-1', about: "edit 'search' 'replace' and insert, with a lint check" },
  edit_rewrite: { provides: [], commands: ['edit'], unsupported: ['edit'], flavor: 'swe-agent-1', about: 'edit <text>, rewriting the displayed window' },
  windowed_edit_rewrite: { provides: [], commands: ['edit'], unsupported: ['edit'], flavor: 'swe-agent-1', about: 'edit <text>, rewriting the displayed window' },
  edit_anthropic: { provides: ['str_replace_editor'], commands: ['str_replace_editor'], about: "Anthropic's str_replace_editor" },
  submit: { provides: ['submit'], commands: ['submit'], about: 'submit' },
  review_on_submit: { provides: ['submit'], commands: ['submit'], reviewOnSubmit: true, about: 'submit after review messages' },
  review_on_submit_m: { provides: ['submit'], commands: ['submit'], reviewOnSubmit: true, about: 'submit after review messages' },
  diff_state: { provides: [], commands: [], about: 'puts the diff into the state after each step (no commands)' },
  state: { provides: [], commands: [], about: 'the state command (no commands)' },
  multilingual_setup: { provides: [], commands: [], about: 'installs language tooling (no commands)' },
  forfeit: { provides: [], commands: ['exit_forfeit'], unsupported: ['exit_forfeit'], about: 'exit_forfeit: give up' },
  filemap: { provides: [], commands: ['filemap'], unsupported: ['filemap'], about: 'filemap: a Python file with long bodies elided' },
  image_tools: { provides: [], commands: ['view_image'], unsupported: ['view_image'], about: 'view_image' },
  web_browser: { provides: [], commands: ['web_browser'], unsupported: ['web_browser'], about: BROWSER },
  sweer: { provides: [], commands: ['open_site'], unsupported: ['open_site', 'click_mouse', 'screenshot_site', 'type_text'], about: BROWSER },
  browse: { provides: [], commands: ['browse'], unsupported: ['browse'], about: BROWSER },
  cursors_defaults: { provides: [], commands: [...WINDOWED, 'set_cursors'], unsupported: [...WINDOWED, 'set_cursors'], about: "the cursor-based viewer of SWE-agent's ablations" },
  cursors_edit_linting: { provides: [], commands: ['edit'], unsupported: ['edit'], about: 'the cursor-based edit' },
  cursors_state: { provides: [], commands: [], about: 'the cursor viewer state (no commands)' },
  debug: { provides: [], commands: ['debug_start'], unsupported: ['debug_start', 'debug_add_breakpoint', 'debug_continue', 'debug_step', 'debug_exec', 'debug_stop'], about: 'the EnIGMA debugger' },
  server_connection: { provides: [], commands: ['connect_start'], unsupported: ['connect_start', 'connect_sendline', 'connect_exec', 'connect_stop'], about: 'the EnIGMA server connection' },
  ctf_ghidra_funcs: { provides: [], commands: ['decompile', 'disassemble'], unsupported: ['decompile', 'disassemble'], about: 'Ghidra (EnIGMA)' },
  submit_ctf: { provides: [], commands: ['submit'], unsupported: ['submit'], about: 'submit a CTF flag (EnIGMA)' },
  xss_tools: { provides: [], commands: ['validate', 'submit'], unsupported: ['validate', 'submit'], about: 'XSS validation and submission' },
  xss_submit: { provides: [], commands: ['submit'], unsupported: ['submit'], about: 'XSS submission' },
  validate_xss: { provides: [], commands: ['validate'], unsupported: ['validate'], about: 'XSS validation' },
};

/** 0.x command files (`config/commands/…`), by file name. */
export const SWE_AGENT_0_COMMAND_FILES: Readonly<Record<string, SweAgentBundle>> = {
  'defaults.sh': { provides: ['windowed'], commands: WINDOWED, flavor: 'swe-agent-0', about: 'the windowed file viewer (shell functions)' },
  'search.sh': { provides: ['search'], commands: SEARCH, flavor: 'swe-agent-0', about: 'find_file, search_dir, search_file' },
  'edit_linting.sh': { provides: ['edit_range'], commands: ['edit'], flavor: 'swe-agent-0', about: 'edit N:M … end_of_edit with a lint check' },
  'submit.sh': { provides: ['submit'], commands: ['submit'], about: 'submit' },
  '_split_string.py': { provides: [], commands: [], about: "the lint gate's helper (no commands)" },
  'cursors_defaults.sh': { provides: [], commands: [...WINDOWED, 'set_cursors'], unsupported: [...WINDOWED, 'set_cursors'], about: 'the cursor-based viewer' },
  'cursors_edit_linting.sh': { provides: [], commands: ['edit'], unsupported: ['edit'], about: 'the cursor-based edit' },
  'forfeit.sh': { provides: [], commands: ['exit_forfeit'], unsupported: ['exit_forfeit'], about: 'exit_forfeit: give up' },
  'filemap.py': { provides: [], commands: ['filemap'], unsupported: ['filemap'], about: 'filemap' },
  'submit_ctf.sh': { provides: [], commands: ['submit'], unsupported: ['submit'], about: 'submit a CTF flag (EnIGMA)' },
  'debug.sh': { provides: [], commands: ['debug_start'], unsupported: ['debug_start'], about: 'the EnIGMA debugger' },
  'server_connection.sh': { provides: [], commands: ['connect_start'], unsupported: ['connect_start'], about: 'the EnIGMA server connection' },
  '_connect.py': { provides: [], commands: [], about: 'a helper (no commands)' },
  'connect.py': { provides: [], commands: [], about: 'a helper (no commands)' },
  'decompile.py': { provides: [], commands: ['decompile'], unsupported: ['decompile'], about: 'Ghidra (EnIGMA)' },
  'disassemble.py': { provides: [], commands: ['disassemble'], unsupported: ['disassemble'], about: 'Ghidra (EnIGMA)' },
  '_tdd.sh': { provides: [], commands: [], about: 'the TDD helpers (no commands we replay)' },
  'semantic_search.sh': { provides: [], commands: ['semantic_search'], unsupported: ['semantic_search'], about: 'semantic search' },
  '_semantic_search.py': { provides: [], commands: [], about: 'a helper (no commands)' },
};

/** The entry for one recorded bundle path or command file, or undefined when we do not know it. */
export function sweAgentBundleOf(path: string): SweAgentBundle | undefined {
  const name = path.replace(/\\/g, '/').replace(/\/+$/, '').split('/').pop() ?? '';
  if (/\.(sh|py)$/.test(name)) return Object.hasOwn(SWE_AGENT_0_COMMAND_FILES, name) ? SWE_AGENT_0_COMMAND_FILES[name] : undefined;
  return Object.hasOwn(SWE_AGENT_BUNDLES, name) ? SWE_AGENT_BUNDLES[name] : undefined;
}
