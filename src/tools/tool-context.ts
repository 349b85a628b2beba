/**
 * What every tool implementation receives: the sandbox and the few settings that shape behaviour.
 * One object, built once per episode by the tool session, so no tool reads a global.
 */
import type { Sandbox } from '../sandbox/types.js';
import type { LintRunner } from './classic/python-lint.js';
import { isInside } from './sandbox-files.js';

export interface ToolContext {
  sandbox: Sandbox;
  /** Time limit for the tools' own helper commands (stat, grep, lint), not for the agent's bash. */
  helperTimeoutMs: number;
  /** Lines shown by the windowed editor. */
  window: number;
  /** Lines kept in view when scrolling. */
  overlap: number;
  /** Runs the Python lint gate; undefined when the gate is off. */
  linter: LintRunner | undefined;
  /** When false (the default), edits of paths outside the repository are refused with an explanation. */
  allowEditsOutsideRepo: boolean;
}

/** Explains why an edit of `absolutePath` is refused, or undefined when it may proceed. */
export function refuseEditOutsideRepo(context: ToolContext, absolutePath: string): string | undefined {
  if (context.allowEditsOutsideRepo || isInside(context.sandbox.workdir, absolutePath)) return undefined;
  return `Error: ${absolutePath} is outside the repository (${context.sandbox.workdir}). Only files inside the repository can be created or edited; nothing was changed.`;
}
