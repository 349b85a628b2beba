/**
 * An edit under the lint gate: the edited text is written and linted; only when it has errors is
 * the original linted too, to tell errors the edit introduced from those already there. An edit
 * that introduced errors is undone, so the file is left exactly as it was. The common case (a clean
 * edit) costs one lint run instead of two.
 */
import type { Sandbox } from '../../sandbox/types.js';
import { writeText } from '../sandbox-files.js';
import type { LintError, LintRunner } from './python-lint.js';

export interface GatedEdit {
  sandbox: Sandbox;
  /** Undefined when the gate is off. */
  linter: LintRunner | undefined;
  path: string;
  original: string;
  edited: string;
  /** Permission bits to keep. */
  mode: number | undefined;
  /** Which of the errors after the edit are new, given those before it. */
  selectNew: (after: LintError[], before: LintError[]) => LintError[];
}

/** Applies the edit; returns the errors it introduced (the file is then restored), or none. */
export async function applyGatedEdit(edit: GatedEdit): Promise<LintError[]> {
  const { sandbox, linter, path, original, edited, mode } = edit;
  await writeText(sandbox, path, edited, mode);
  if (linter === undefined || !path.endsWith('.py')) return [];
  const after = await linter.lint(path);
  if (after.length === 0) return [];
  await writeText(sandbox, path, original, mode);
  const introduced = edit.selectNew(after, await linter.lint(path));
  if (introduced.length === 0) await writeText(sandbox, path, edited, mode);
  return introduced;
}
