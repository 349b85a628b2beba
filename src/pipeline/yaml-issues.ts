/**
 * Problems in a YAML file reported where they are written: `default.yaml:12: stages[2].count:
 * Invalid input: expected number, received string`. Zod's issues and the pipeline's own checks
 * (wiring, unknown stages) share one shape, `{ path, message }`, so every problem reads alike.
 */
import { LineCounter, parseDocument, isMap, isNode, isScalar, isSeq, type Document, type Node } from 'yaml';
import { InputError, describeLocation } from '../errors.js';

export interface ParsedYaml {
  document: Document;
  lineCounter: LineCounter;
  value: unknown;
}

export interface LocatedIssue {
  path: readonly PropertyKey[];
  message: string;
  /** An unknown key (zod's `unrecognized_keys`) is pointed at where it is written. */
  code?: string;
  keys?: readonly string[];
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.').replace(/\.\[/g, '[');
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *defaults`) let an experiment file state the settings its arms share once.
  const document = parseDocument(text, { lineCounter, merge: true });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const line = syntaxError.linePos?.[0]?.line;
    throw new InputError(`${describeLocation(file, line)}: not valid YAML: ${syntaxError.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  return { document, lineCounter, value: document.toJS() as unknown };
}

/**
 * Where `path` is written: the line of its key (or list item). A missing field is reported at the
 * deepest part of its path that exists (`tasks:` for a missing `tasks.instances`).
 */
export function lineOf(parsed: ParsedYaml, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? parsed.document.contents : parsed.document.getIn(path.slice(0, depth - 1) as unknown[], true);
    const part = path[depth - 1];
    let node: Node | undefined;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === part);
      node = (pair?.key as Node | undefined) ?? undefined;
    } else if (isSeq(parent) && typeof part === 'number') {
      node = parent.items[part] as Node | undefined;
    }
    if (isNode(node) && node.range) return parsed.lineCounter.linePos(node.range[0]).line;
  }
  const root = parsed.document.contents;
  return isNode(root) && root.range ? parsed.lineCounter.linePos(root.range[0]).line : undefined;
}

/** Each issue as `file:line: field: message`, in file order. */
export function describeIssues(parsed: ParsedYaml, file: string, issues: readonly LocatedIssue[]): string[] {
  const problems = issues.map((issue) => {
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys?.[0] : undefined;
    const path = unknownKey !== undefined ? [...issue.path, unknownKey] : issue.path;
    const line = lineOf(parsed, path);
    const field = path.length > 0 ? formatPath(path) : '(top level)';
    const message = unknownKey !== undefined ? 'not a known field' : issue.message;
    return { line: line ?? 0, text: `${describeLocation(file, line, field)}: ${message}` };
  });
  problems.sort((a, b) => a.line - b.line);
  return problems.map((problem) => problem.text);
}
