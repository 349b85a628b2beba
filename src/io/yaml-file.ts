/**
 * YAML files validated against a schema, with mistakes reported where they are written:
 * `run.yaml:7: agent.limits.maxSteps: Too small: expected number to be >=1`.
 */
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError, describeLocation } from '../errors.js';

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.').replace(/\.\[/g, '[');
}

export interface ParsedYaml {
  document: Document;
  lineCounter: LineCounter;
  value: unknown;
}

/** Parses YAML text; a syntax error names the file and line. */
export function parseYamlText(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const line = syntaxError.linePos?.[0]?.line;
    throw new InputError(`${describeLocation(file, line)}: not valid YAML: ${syntaxError.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  return { document, lineCounter, value: document.toJS() as unknown };
}

/** Each issue of a failed validation as `file:line: field: message`, in file order. */
export function describeYamlIssues(parsed: ParsedYaml, file: string, issues: readonly z.core.$ZodIssue[]): string[] {
  const problems = issues.map((issue) => {
    // An unknown key is best pointed at where it is written.
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const path = unknownKey !== undefined ? [...(issue.path as PropertyKey[]), unknownKey] : (issue.path as PropertyKey[]);
    // Point at the deepest node that exists: a missing field is reported at its parent's line.
    let line: number | undefined;
    for (let depth = path.length; depth >= 0 && line === undefined; depth--) {
      const node = parsed.document.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) line = parsed.lineCounter.linePos(node.range[0]).line;
    }
    const field = path.length > 0 ? formatPath(path) : '(top level)';
    return { line: line ?? 0, text: `${describeLocation(file, line, field)}: ${issue.message}` };
  });
  problems.sort((a, b) => a.line - b.line);
  return problems.map((problem) => problem.text);
}
