/**
 * Templates write Python with bug sites marked in it: `⟦op:+⟧`, `⟦obo,op:>=⟧`, `⟦key:"qty"|"reserved"⟧`
 * (a site's kinds, a colon, the working text, and for `key`/`var` an alternative after `|`). Sites
 * nest (`⟦cond:x ⟦op:<⟧ y⟧`). A marked source renders as the working code, or with some sites
 * transformed into bugs, and says on which line each site ends up.
 */
import { DELETED_LINE, SITE_CODES, type BugKind, type SiteCode } from '../bugs/bug-kinds.js';

const OPEN = '⟦';
const CLOSE = '⟧';

export interface SiteNode {
  /** Its place among the sites of one source text, in reading order (outer before inner). */
  index: number;
  /** Where its marker starts in the marked source. */
  offset: number;
  kinds: BugKind[];
  body: MarkupNode[];
  alternative?: MarkupNode[];
}

export type MarkupNode = string | SiteNode;

export interface ParsedMarkup {
  nodes: MarkupNode[];
  sites: SiteNode[];
}

/** Parses marked source; a malformed marker is a template bug, so it throws plainly. */
export function parseMarkup(source: string): ParsedMarkup {
  const sites: SiteNode[] = [];
  let position = 0;

  function parseSequence(closers: string[]): { nodes: MarkupNode[]; stop: string | undefined } {
    const nodes: MarkupNode[] = [];
    let text = '';
    while (position < source.length) {
      const char = source[position]!;
      if (closers.includes(char)) {
        if (text) nodes.push(text);
        return { nodes, stop: char };
      }
      if (char === OPEN) {
        if (text) nodes.push(text);
        text = '';
        nodes.push(parseSite());
        continue;
      }
      text += char;
      position++;
    }
    if (text) nodes.push(text);
    return { nodes, stop: undefined };
  }

  function parseSite(): SiteNode {
    const start = position;
    const colon = source.indexOf(':', position);
    if (colon === -1) throw new Error(`site marker at ${start} has no ":"`);
    const codes = source.slice(position + 1, colon).split(',');
    const kinds = codes.map((code) => {
      const kind = SITE_CODES[code as SiteCode];
      if (!kind) throw new Error(`site marker at ${start}: unknown code "${code}"`);
      return kind;
    });
    position = colon + 1;
    const site: SiteNode = { index: sites.length, offset: start, kinds, body: [] };
    sites.push(site);
    const body = parseSequence(['|', CLOSE]);
    site.body = body.nodes;
    if (body.stop === '|') {
      position++;
      const alternative = parseSequence([CLOSE]);
      if (alternative.stop !== CLOSE) throw new Error(`site marker at ${start} is not closed`);
      site.alternative = alternative.nodes;
    } else if (body.stop !== CLOSE) {
      throw new Error(`site marker at ${start} is not closed`);
    }
    position++;
    return site;
  }

  const { nodes, stop } = parseSequence([]);
  if (stop !== undefined) throw new Error(`unexpected "${stop}" at ${position}`);
  return { nodes, sites };
}

/** The working text of a node list (every site as written). */
export function plainText(nodes: readonly MarkupNode[]): string {
  return nodes.map((node) => (typeof node === 'string' ? node : plainText(node.body))).join('');
}

export interface Rendered {
  text: string;
  /** 1-based line of each site in `text`; a deleted line maps to the line that now takes its place. */
  siteLines: Map<number, number>;
}

/**
 * Renders the source with `replacements` (site index → replacement text, or DELETED_LINE) put in
 * place of those sites, every other site as written; lines that were deleted disappear.
 */
export function renderMarkup(parsed: ParsedMarkup, replacements: ReadonlyMap<number, string> = new Map()): Rendered {
  let text = '';
  const starts = new Map<number, number>();
  const walk = (nodes: readonly MarkupNode[]): void => {
    for (const node of nodes) {
      if (typeof node === 'string') {
        text += node;
        continue;
      }
      starts.set(node.index, text.length);
      const replacement = replacements.get(node.index);
      if (replacement !== undefined) {
        text += replacement;
        // Inner sites of a replaced site sit where it starts.
        const mark = (inner: readonly MarkupNode[]) => {
          for (const child of inner) {
            if (typeof child === 'string') continue;
            starts.set(child.index, starts.get(node.index)!);
            mark(child.body);
          }
        };
        mark(node.body);
      } else {
        walk(node.body);
      }
    }
  };
  walk(parsed.nodes);

  const lines = text.split('\n');
  const keptIndexOf: number[] = [];
  const kept: string[] = [];
  lines.forEach((line, index) => {
    keptIndexOf[index] = kept.length;
    if (line.includes(DELETED_LINE)) {
      if (line.replace(DELETED_LINE, '').trim() !== '') throw new Error(`a deleted statement shares its line with other code: ${JSON.stringify(line)}`);
      return;
    }
    kept.push(line);
  });
  const siteLines = new Map<number, number>();
  for (const [index, offset] of starts) {
    const line = text.slice(0, offset).split('\n').length - 1;
    siteLines.set(index, keptIndexOf[line]! + 1);
  }
  return { text: kept.join('\n'), siteLines };
}
