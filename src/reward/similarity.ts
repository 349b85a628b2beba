/**
 * The SRL step reward's similarity: exactly Python's `difflib.SequenceMatcher(None, a, b).ratio()`
 * (CPython 3.11, autojunk on), bit-identical as float64. The SRL paper scores actions with that
 * function, so any other string similarity would change the rewards the policy is trained on.
 */
import { SequenceMatcherWorkspace, type MatchingBlock, type SequenceMatcherOptions } from './similarity/sequence-matcher.js';

export { SequenceMatcherWorkspace, type MatchingBlock, type SequenceMatcherOptions } from './similarity/sequence-matcher.js';
export { toCodePoints } from './similarity/code-points.js';

// The scratch buffers behind the plain functions below. They hold no result between calls (every
// call overwrites them before reading), and calls are synchronous, so sharing one is invisible to
// callers; it only spares an allocation per pair.
const defaultWorkspace = new SequenceMatcherWorkspace();

/** `difflib.SequenceMatcher(None, a, b).ratio()`: 2·M / (len(a) + len(b)) over code points; 1.0 for two empty strings. */
export function sequenceMatcherRatio(a: string, b: string, options?: SequenceMatcherOptions): number {
  return defaultWorkspace.ratio(a, b, options);
}

/** `difflib.SequenceMatcher(None, a, b).get_matching_blocks()`, indices in code points. */
export function sequenceMatcherBlocks(a: string, b: string, options?: SequenceMatcherOptions): MatchingBlock[] {
  return defaultWorkspace.matchingBlocks(a, b, options);
}

/** The number of items matched (the M of the ratio). */
export function sequenceMatcherMatchCount(a: string, b: string, options?: SequenceMatcherOptions): number {
  return defaultWorkspace.matchedItemCount(a, b, options);
}
