/**
 * The tools' public surface. Build a `ToolSession` on a sandbox and execute actions (`{tool, args}`,
 * as the parsers in ./parsers produce them); read the specs to describe the tools in prompts or
 * function-calling requests.
 */
export type { ToolCall, ToolOutcome, ToolState, ToolSpec, ToolParameter } from './types.js';
export { ToolSession } from './tool-session.js';
export { TOOL_BUNDLES, toolboxConfigSchema, parseToolboxConfig, type ToolBundle, type ToolboxConfig, type ToolboxConfigInput } from './config.js';
export { toolSpecsFor, renderCommandDocs } from './tool-specs.js';
export type { ClassicFlavor } from './classic/windowed-editor.js';
export { DEFAULT_BASH_OPTIONS, type BashToolOptions } from './bash/bash-tool.js';
