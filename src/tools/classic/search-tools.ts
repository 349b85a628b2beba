/**
 * SWE-agent's search bundle: `find_file`, `search_dir`, `search_file`. The matching is done by
 * find and grep inside the sandbox (the search term is a grep pattern, as in SWE-agent); the
 * formatting follows SWE-agent's scripts line for line. Results are sorted so that a replay sees
 * the same order whatever order the file system lists directories in.
 */
import type { ToolOutcome } from '../types.js';
import type { ToolContext } from '../tool-context.js';
import { readText, runHelper, statPath } from '../sandbox-files.js';
import { shellQuote } from '../../util/shell-quote.js';
import { awkLines } from '../text-lines.js';

const MAX_MATCHED_FILES = 100;
const MAX_MATCHED_LINES = 100;

export async function findFile(context: ToolContext, argv: string[]): Promise<ToolOutcome> {
  if (argv.length < 1 || argv.length > 2) return fail('Usage: find_file <file_name> [<dir>]\n');
  const [name, directoryArgument] = argv as [string, string | undefined];
  const directory = await resolveDirectory(context, directoryArgument);
  if (typeof directory !== 'string') return directory;
  const found = await runHelper(
    context.sandbox,
    `find ${shellQuote(directory)} -type f -name ${shellQuote(name)} 2>/dev/null | LC_ALL=C sort`,
    context.helperTimeoutMs,
  );
  if (found.timedOut) return timedOut('find_file', context);
  const matches = found.output.split('\n').filter((line) => line !== '');
  if (matches.length === 0) return { observation: `No matches found for "${name}" in ${directory}\n` };
  return { observation: `Found ${matches.length} matches for "${name}" in ${directory}:\n${matches.join('\n')}\n` };
}

export async function searchDir(context: ToolContext, argv: string[]): Promise<ToolOutcome> {
  if (argv.length < 1 || argv.length > 2) return fail('Usage: search_dir <search_term> [<dir>]\n');
  const [term, directoryArgument] = argv as [string, string | undefined];
  const directory = await resolveDirectory(context, directoryArgument);
  if (typeof directory !== 'string') return directory;
  // Hidden paths are skipped and binary files ignored (-I), as in SWE-agent.
  const script = `find ${shellQuote(directory)} -type f ! -path '*/.*' -exec grep -nIH -- ${shellQuote(term)} {} + 2>/dev/null | cut -d: -f1 | LC_ALL=C sort | uniq -c`;
  const found = await runHelper(context.sandbox, script, context.helperTimeoutMs);
  if (found.timedOut) return timedOut('search_dir', context);
  const counts: Array<{ file: string; count: number }> = [];
  for (const line of found.output.split('\n')) {
    const match = /^\s*(\d+)\s(.*)$/.exec(line);
    if (match) counts.push({ count: Number.parseInt(match[1]!, 10), file: match[2]!.replace(/^\.+\/+/, './') });
  }
  if (counts.length === 0) return { observation: `No matches found for "${term}" in ${directory}\n` };
  if (counts.length > MAX_MATCHED_FILES) {
    return { observation: `More than ${counts.length} files matched for "${term}" in ${directory}. Please narrow your search.\n` };
  }
  const total = counts.reduce((sum, entry) => sum + entry.count, 0);
  const listing = counts.map((entry) => `${entry.file} (${entry.count} matches)`).join('\n');
  return {
    observation: `Found ${total} matches for "${term}" in ${directory}:\n${listing}\nEnd of matches for "${term}" in ${directory}\n`,
  };
}

export async function searchFile(context: ToolContext, argv: string[], openFile: string | undefined): Promise<ToolOutcome> {
  const [term, fileArgument] = argv;
  if (term === undefined || term === '') return fail('Usage: search_file <search_term> [<file>]\n');
  let file: string;
  if (fileArgument !== undefined && fileArgument !== '') {
    const info = await statPath(context.sandbox, fileArgument, context.helperTimeoutMs);
    if (info.kind !== 'file') {
      return fail(`Usage: search_file <search_term> [<file>]\nError: File name ${fileArgument} not found. Please provide a valid file name.\n`);
    }
    file = info.absolute;
  } else {
    if (openFile === undefined) return fail('No file open. Use the open command first.\n');
    file = openFile;
  }
  const read = await readText(context.sandbox, file);
  if (!read.ok) return fail(`Error: ${read.reason}\n`);
  const found = await runHelper(
    context.sandbox,
    `grep -n -- ${shellQuote(term)} ${shellQuote(file)} 2>/dev/null | cut -d: -f1`,
    context.helperTimeoutMs,
  );
  if (found.timedOut) return timedOut('search_file', context);
  const lineNumbers = found.output
    .split('\n')
    .filter((line) => /^\d+$/.test(line))
    .map((line) => Number.parseInt(line, 10));
  if (lineNumbers.length === 0) return { observation: `No matches found for "${term}" in ${file}\n` };
  const unique = [...new Set(lineNumbers)].sort((a, b) => a - b);
  if (unique.length > MAX_MATCHED_LINES) {
    return { observation: `More than ${unique.length} lines matched for "${term}" in ${file}. Please narrow your search.\n` };
  }
  const lines = awkLines(read.text);
  const listing = unique.map((line) => `Line ${line}:${lines[line - 1] ?? ''}`).join('\n');
  return {
    observation: `Found ${lineNumbers.length} matches for "${term}" in ${file}:\n${listing}\nEnd of matches for "${term}" in ${file}\n`,
  };
}

/** The directory to search, resolved like `realpath`, or the observation saying it does not exist. */
async function resolveDirectory(context: ToolContext, directoryArgument: string | undefined): Promise<string | ToolOutcome> {
  const info = await statPath(context.sandbox, directoryArgument ?? './', context.helperTimeoutMs);
  if (info.kind !== 'directory') return fail(`Directory ${directoryArgument ?? './'} not found\n`);
  return info.absolute;
}

function fail(observation: string): ToolOutcome {
  return { observation, failed: true };
}

function timedOut(tool: string, context: ToolContext): ToolOutcome {
  return {
    observation: `${tool} was interrupted after ${Math.round(context.helperTimeoutMs / 1000)} seconds. Search a smaller directory or use a more specific term.\n`,
    failed: true,
    timedOut: true,
  };
}
