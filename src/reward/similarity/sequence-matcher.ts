/**
 * A port of CPython 3.11's `difflib.SequenceMatcher(None, a, b)` (isjunk None, autojunk on by
 * default) that finds the same matching blocks, and so bit for bit the same `ratio()`.
 *
 * What must match CPython exactly, and how it is kept here:
 * - items are code points (see code-points.ts), renamed to dense symbol ids so that b's index
 *   (`b2j`) is a flat bucket table instead of a dict of lists;
 * - autojunk: when b has at least 200 items, a symbol seen more than `len(b) // 100 + 1` times is
 *   "popular" and left out of b2j, but NOT out of the equality tests that extend a match (with
 *   isjunk None, `bjunk` is empty, so CPython's first pair of extension loops extends over any
 *   equal items, popular ones included, and its second pair never runs);
 * - `find_longest_match` returns the longest run of b2j matches inside the range, the earliest
 *   in a then in b among equals, extended over equal items on both sides; it is computed
 *   differently (see findLongestMatch) but always picks the same run;
 * - `get_matching_blocks` recurses left and right of each match on the same sub-ranges.
 */

import { astralCodePointAt } from './code-points.js';

export interface SequenceMatcherOptions {
  /** CPython's `autojunk` flag: ignore popular items of b when b has 200 items or more. Default true. */
  readonly autojunk?: boolean;
}

/** One of CPython's `Match(a, b, size)` triples: a[a:a+size] == b[b:b+size], in code points. */
export interface MatchingBlock {
  readonly a: number;
  readonly b: number;
  readonly size: number;
}

const BASIC_PLANE_SIZE = 0x10000;
/** Sequences shorter than this never have popular items (CPython's hard-coded 200). */
const AUTOJUNK_MIN_LENGTH = 200;
/** The code point table restarts before its entries could overflow an Int32Array. */
const SYMBOL_BASE_LIMIT = 0x7fffffff;

/**
 * Scratch space for comparing pairs, reused across calls so that comparing millions of short
 * pairs allocates almost nothing. Not safe to share between concurrent workers; each worker
 * thread should own one.
 */
export class SequenceMatcherWorkspace {
  /** Symbol id of each item of a; -1 for a symbol b does not contain. */
  private aSymbols = new Int32Array(256);
  private bSymbols = new Int32Array(256);
  private aLength = 0;
  private bLength = 0;

  // Code point -> symbolBase + symbol id for the current pair. Each pair gets a fresh base above
  // every entry written before, so stale entries read as "absent" and the table is never cleared.
  private readonly basicPlaneEntry = new Int32Array(BASIC_PLANE_SIZE);
  private readonly astralSymbol = new Map<number, number>();
  private symbolBase = 1;

  // b2j as buckets: positions[bucketStart[s] .. bucketEnd[s]) are b's indices of symbol s, ascending.
  private symbolCount = new Int32Array(256);
  private bucketStart = new Int32Array(256);
  private bucketEnd = new Int32Array(256);
  private positions = new Int32Array(256);

  // The symbols that b2j knows (present in b and not popular); any other item gets a key that
  // equals nothing on the other side (-1 in a, -2 in b), so that one comparison of keys tells
  // whether two items continue a b2j run.
  private aKeys = new Int32Array(256);
  private bKeys = new Int32Array(256);
  private aKeyOfSymbol = new Int32Array(257);
  private bKeyOfSymbol = new Int32Array(256);
  /** aKeys, or aSymbols itself when nothing is popular (then they are equal). */
  private aKeyView = this.aSymbols;
  private bKeyView = this.bSymbols;

  private rangeStack = new Int32Array(4 * 64);

  // The result of the last findLongestMatch, kept in fields to avoid allocating a tuple.
  private matchA = 0;
  private matchB = 0;
  private matchSize = 0;

  /** CPython's `2.0 * M / (len(a) + len(b))`, M being the total size of the matching blocks. */
  ratio(a: string, b: string, options?: SequenceMatcherOptions): number {
    const autojunk = options?.autojunk ?? true;
    // Exact shortcut: without popular items the whole of a is the unique longest match of b.
    // Past 200 items autojunk takes part and the argument is less direct, so the full
    // computation runs there (it too gives 1.0 on every case tried against CPython).
    if (a === b && (b.length < AUTOJUNK_MIN_LENGTH || !autojunk)) return 1.0;
    this.load(a, b, autojunk);
    const total = this.aLength + this.bLength;
    if (total === 0) return 1.0;
    return (2.0 * this.sumMatchingSizes(undefined)) / total;
  }

  /** The total size of the matching blocks (CPython's `sum(m.size for m in get_matching_blocks())`). */
  matchedItemCount(a: string, b: string, options?: SequenceMatcherOptions): number {
    this.load(a, b, options?.autojunk ?? true);
    return this.sumMatchingSizes(undefined);
  }

  /** Exactly CPython's `get_matching_blocks()`: sorted, adjacent blocks merged, ending with (la, lb, 0). */
  matchingBlocks(a: string, b: string, options?: SequenceMatcherOptions): MatchingBlock[] {
    this.load(a, b, options?.autojunk ?? true);
    const found: MatchingBlock[] = [];
    this.sumMatchingSizes(found);
    found.sort((x, y) => x.a - y.a || x.b - y.b || x.size - y.size);
    const merged: MatchingBlock[] = [];
    let runA = 0;
    let runB = 0;
    let runSize = 0;
    for (const block of found) {
      if (runA + runSize === block.a && runB + runSize === block.b) {
        runSize += block.size;
      } else {
        if (runSize > 0) merged.push({ a: runA, b: runB, size: runSize });
        runA = block.a;
        runB = block.b;
        runSize = block.size;
      }
    }
    if (runSize > 0) merged.push({ a: runA, b: runB, size: runSize });
    merged.push({ a: this.aLength, b: this.bLength, size: 0 });
    return merged;
  }

  /** Decodes both strings into symbol ids and builds b's index (CPython's `__chain_b`). */
  private load(a: string, b: string, autojunk: boolean): void {
    const capacity = Math.max(a.length, b.length);
    if (this.aSymbols.length < capacity) {
      const size = growTo(capacity);
      this.aSymbols = new Int32Array(size);
      this.bSymbols = new Int32Array(size);
      this.aKeys = new Int32Array(size);
      this.bKeys = new Int32Array(size);
      this.symbolCount = new Int32Array(size);
      this.bucketStart = new Int32Array(size);
      this.bucketEnd = new Int32Array(size);
      this.positions = new Int32Array(size);
      this.aKeyOfSymbol = new Int32Array(size + 1);
      this.bKeyOfSymbol = new Int32Array(size);
    }
    // The upper bound b.length (UTF-16 units) is enough room for the table bases below.
    if (this.symbolBase + b.length + 1 > SYMBOL_BASE_LIMIT) {
      this.basicPlaneEntry.fill(0);
      this.symbolBase = 1;
    }
    const base = this.symbolBase;
    this.symbolBase = base + b.length + 1;
    const entries = this.basicPlaneEntry;
    const astral = this.astralSymbol;
    if (astral.size > 0) astral.clear();

    // Code points are decoded inline (as in code-points.ts) rather than through a scratch array:
    // this loop and the next are a large share of the time on long pairs.
    const bSymbols = this.bSymbols;
    const symbolCount = this.symbolCount;
    let symbols = 0;
    let bLength = 0;
    for (let index = 0; index < b.length; index++) {
      let codePoint = b.charCodeAt(index);
      let symbol: number;
      if (codePoint < 0xd800 || codePoint > 0xdbff) {
        const entry = entries[codePoint]!;
        if (entry >= base) {
          symbol = entry - base;
        } else {
          symbol = symbols++;
          entries[codePoint] = base + symbol;
          symbolCount[symbol] = 0;
        }
      } else {
        codePoint = astralCodePointAt(b, index);
        if (codePoint >= BASIC_PLANE_SIZE) index++;
        const known = astral.get(codePoint);
        if (known !== undefined) {
          symbol = known;
        } else {
          symbol = symbols++;
          astral.set(codePoint, symbol);
          symbolCount[symbol] = 0;
        }
      }
      bSymbols[bLength++] = symbol;
      symbolCount[symbol]!++;
    }

    const aSymbols = this.aSymbols;
    let aLength = 0;
    for (let index = 0; index < a.length; index++) {
      const unit = a.charCodeAt(index);
      if (unit < 0xd800 || unit > 0xdbff) {
        const entry = entries[unit]!;
        aSymbols[aLength++] = entry >= base ? entry - base : -1;
      } else {
        const codePoint = astralCodePointAt(a, index);
        if (codePoint >= BASIC_PLANE_SIZE) index++;
        aSymbols[aLength++] = astral.get(codePoint) ?? -1;
      }
    }

    const bucketStart = this.bucketStart;
    const bucketEnd = this.bucketEnd;
    let offset = 0;
    for (let symbol = 0; symbol < symbols; symbol++) {
      bucketStart[symbol] = offset;
      bucketEnd[symbol] = offset; // the fill cursor below; ends at the bucket's end
      offset += symbolCount[symbol]!;
    }
    const positions = this.positions;
    for (let j = 0; j < bLength; j++) {
      positions[bucketEnd[bSymbols[j]!]!++] = j;
    }

    const popularAbove = autojunk && bLength >= AUTOJUNK_MIN_LENGTH ? Math.floor(bLength / 100) + 1 : bLength;
    let anyPopular = false;
    if (popularAbove < bLength) {
      const aKeyOfSymbol = this.aKeyOfSymbol; // indexed by symbol + 1, so that -1 (absent) maps to -1
      const bKeyOfSymbol = this.bKeyOfSymbol;
      aKeyOfSymbol[0] = -1;
      for (let symbol = 0; symbol < symbols; symbol++) {
        if (symbolCount[symbol]! > popularAbove) {
          bucketEnd[symbol] = bucketStart[symbol]!; // CPython deletes popular items from b2j
          aKeyOfSymbol[symbol + 1] = -1;
          bKeyOfSymbol[symbol] = -2;
          anyPopular = true;
        } else {
          aKeyOfSymbol[symbol + 1] = symbol;
          bKeyOfSymbol[symbol] = symbol;
        }
      }
      if (anyPopular) {
        const aKeys = this.aKeys;
        const bKeys = this.bKeys;
        for (let j = 0; j < bLength; j++) bKeys[j] = bKeyOfSymbol[bSymbols[j]!]!;
        for (let i = 0; i < aLength; i++) aKeys[i] = aKeyOfSymbol[aSymbols[i]! + 1]!;
      }
    }
    // Without popular items every symbol of b is in b2j, so the symbols are the keys.
    this.aKeyView = anyPopular ? this.aKeys : aSymbols;
    this.bKeyView = anyPopular ? this.bKeys : bSymbols;
    this.aLength = aLength;
    this.bLength = bLength;
  }

  /** CPython's `get_matching_blocks` recursion; returns the total size and optionally collects blocks. */
  private sumMatchingSizes(blocks: MatchingBlock[] | undefined): number {
    const aLength = this.aLength;
    const bLength = this.bLength;
    if (aLength === 0 || bLength === 0) return 0;
    // Pending ranges are disjoint non-empty slices of a, so there are at most len(a) of them.
    if (this.rangeStack.length < 4 * (aLength + 1)) this.rangeStack = new Int32Array(growTo(4 * (aLength + 1)));
    const stack = this.rangeStack;
    let top = 0;
    stack[top++] = 0;
    stack[top++] = aLength;
    stack[top++] = 0;
    stack[top++] = bLength;
    let total = 0;
    while (top > 0) {
      const bHigh = stack[--top]!;
      const bLow = stack[--top]!;
      const aHigh = stack[--top]!;
      const aLow = stack[--top]!;
      this.findLongestMatch(aLow, aHigh, bLow, bHigh);
      const size = this.matchSize;
      if (size === 0) continue;
      const i = this.matchA;
      const j = this.matchB;
      total += size;
      if (blocks) blocks.push({ a: i, b: j, size });
      // The total does not depend on the order sub-ranges are visited; CPython's order is kept anyway.
      if (aLow < i && bLow < j) {
        stack[top++] = aLow;
        stack[top++] = i;
        stack[top++] = bLow;
        stack[top++] = j;
      }
      if (i + size < aHigh && j + size < bHigh) {
        stack[top++] = i + size;
        stack[top++] = aHigh;
        stack[top++] = j + size;
        stack[top++] = bHigh;
      }
    }
    return total;
  }

  /** CPython's `find_longest_match(alo, ahi, blo, bhi)` with isjunk None; result in matchA/matchB/matchSize. */
  private findLongestMatch(aLow: number, aHigh: number, bLow: number, bHigh: number): void {
    const aSymbols = this.aSymbols;
    const bSymbols = this.bSymbols;
    const aKeys = this.aKeyView;
    const bKeys = this.bKeyView;
    const bucketStart = this.bucketStart;
    const bucketEnd = this.bucketEnd;
    const positions = this.positions;

    let bestA = aLow;
    let bestB = bLow;
    let bestSize = 0;
    // CPython keeps, among the longest b2j runs inside the range, the one with the smallest start
    // i, then the smallest start j: its scan meets run ends in that order and replaces the best
    // only on a strictly longer run. Here any run longer than the current best must cross every
    // stretch of bestSize + 1 rows, so one row per stretch is visited and each of its cells is
    // walked back and forth to the ends of its run. Skipped runs are never longer than the best,
    // and one as long starts after it (the best crosses an earlier visited row), so CPython's
    // choice is kept. Within a visited row a later cell can reach further back (smaller start i);
    // two runs with the same start i and length are met from the same row in ascending j, so the
    // first one met already has the smaller start j.
    for (let i = aLow; i < aHigh; i += bestSize + 1) {
      const key = aKeys[i]!;
      if (key < 0) continue;
      const end = bucketEnd[key]!;
      let p = bucketStart[key]!;
      if (p === end) continue;
      if (positions[p]! < bLow) p = firstPositionAtLeast(positions, p, end, bLow);
      for (; p < end; p++) {
        const j = positions[p]!;
        if (j >= bHigh) break;
        const backLimit = Math.min(i - aLow, j - bLow);
        const forwardLimit = Math.min(aHigh - i, bHigh - j);
        // Too close to the range's edges to reach the best length: no need to walk the run.
        if (backLimit + forwardLimit < bestSize) continue;
        let back = 0;
        while (back < backLimit && aKeys[i - back - 1] === bKeys[j - back - 1]) back++;
        let forward = 1;
        while (forward < forwardLimit && aKeys[i + forward] === bKeys[j + forward]) forward++;
        const length = back + forward;
        if (length > bestSize || (length === bestSize && i - back < bestA)) {
          bestA = i - back;
          bestB = j - back;
          bestSize = length;
        }
      }
    }

    // bjunk is empty, so CPython's "not junk" extensions run over any equal items (popular ones
    // included) and its "junk" extensions never run.
    while (bestA > aLow && bestB > bLow && aSymbols[bestA - 1] === bSymbols[bestB - 1]) {
      bestA--;
      bestB--;
      bestSize++;
    }
    while (bestA + bestSize < aHigh && bestB + bestSize < bHigh && aSymbols[bestA + bestSize] === bSymbols[bestB + bestSize]) {
      bestSize++;
    }
    this.matchA = bestA;
    this.matchB = bestB;
    this.matchSize = bestSize;
  }
}

/** The smallest index p in [first, end) with positions[p] >= limit, or end when there is none. */
function firstPositionAtLeast(positions: Int32Array, first: number, end: number, limit: number): number {
  let low = first;
  let high = end;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (positions[middle]! < limit) low = middle + 1;
    else high = middle;
  }
  return low;
}

function growTo(needed: number): number {
  let size = 256;
  while (size < needed) size *= 2;
  return size;
}
