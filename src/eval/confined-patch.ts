/**
 * A model's patch applied to a fresh checkout and kept to the source files, as both the evaluation
 * and the RLVR reward's fresh sandbox do it: the work tree's time mark is taken in the round trip
 * that pipes the patch, right before it applies, and what changed is listed in that round trip too,
 * right after; then the runner files among the changes go back to the base commit
 * (source-only-patch.ts). Callers keep their own logging and failure handling.
 */
import type { Sandbox } from '../sandbox/types.js';
import type { Instance } from './instances.js';
import { applyPatch, type PatchApplication } from './patch-apply.js';
import { touchedPaths } from './patch-files.js';
import { changeListing, keepSourceChangesOnly, newWorkTreeMark, type SourceOnlyResult } from './source-only-patch.js';
import { baseRef } from './test-run.js';

export interface ConfinedPatch {
  application: PatchApplication;
  /** What confining found and reset; absent exactly when the patch did not apply. */
  confined?: SourceOnlyResult;
}

export async function applyConfinedPatch(sandbox: Sandbox, instance: Instance, patch: string, options: { label: string }): Promise<ConfinedPatch> {
  const base = await baseRef(sandbox, instance);
  const { marker, command: mark } = newWorkTreeMark();
  const listing = changeListing(sandbox, base, marker);
  // A failed attempt puts the whole tree back: the checkout was clean before the patch.
  const application = await applyPatch(sandbox, patch, { label: options.label, resetBetweenAttempts: 'worktree', before: mark, after: listing.command });
  if (!application.applied) return { application };
  const confined = await keepSourceChangesOnly(sandbox, base, {
    marker,
    extraPaths: touchedPaths(patch),
    listed: { listing, output: application.afterOutput },
  });
  return { application, confined };
}
