/**
 * SWE-agent's thought-action format: a discussion, then the command in a fenced block.
 *
 *     Let's look at the file.
 *     ```
 *     open src/main.py 120
 *     ```
 *
 * Fences are matched as SWE-agent's ThoughtActionParser does: a fence with an info string
 * (```python) always opens, a bare fence closes the innermost open block, so a block may hold a
 * nested one (an `edit` of a Markdown file). As in CommonMark, a block opened with more backticks
 * (````) is only closed by as many, so any text can be fenced. Unlike SWE-agent, which quietly
 * takes the last block, we report more than one top-level block: the SRL reward needs exactly one
 * action.
 */
import { parseCommandLine, renderCommandLine } from './swe-agent-commands.js';
import { formatError, type ParseResult, type ParsedAction } from './types.js';

const FENCE = /^(`{3,})(\S*)[ \t]*\r?$/gm;

export interface FencedBlock {
  /** Offset of the opening fence. */
  start: number;
  /** Offset just past the closing fence. */
  end: number;
  /** The text between the fences, without the line break before the closing fence. */
  content: string;
}

/** The top-level fenced blocks of a text, in order. */
export function findFencedBlocks(text: string): { blocks: FencedBlock[]; unclosed: boolean } {
  const blocks: FencedBlock[] = [];
  const open: RegExpExecArray[] = [];
  for (const fence of text.matchAll(FENCE)) {
    const ticks = fence[1]!.length;
    const info = fence[2]!;
    const innermost = open.at(-1);
    // Inside a block opened with more backticks, a shorter fence is content.
    if (innermost && ticks < innermost[1]!.length) continue;
    if (innermost && info === '') {
      open.pop();
      if (open.length === 0) {
        const contentStart = innermost.index + innermost[0].length + 1;
        let content = text.slice(Math.min(contentStart, fence.index), fence.index);
        if (content.endsWith('\n')) content = content.slice(0, -1);
        if (content.endsWith('\r')) content = content.slice(0, -1);
        blocks.push({ start: innermost.index, end: fence.index + fence[0].length, content });
      }
    } else {
      open.push(fence as RegExpExecArray);
    }
  }
  return { blocks, unclosed: open.length > 0 };
}

/** Reads a thought-action output: exactly one fenced command, the rest is the thought. */
export function parseThoughtAction(output: string): ParseResult {
  const { blocks, unclosed } = findFencedBlocks(output);
  if (blocks.length === 0) {
    return unclosed
      ? formatError('unparseable', 'a ``` block is opened but never closed')
      : formatError('no_action', 'no command in a ``` block');
  }
  if (blocks.length > 1) return formatError('multiple_actions', `${blocks.length} \`\`\` blocks; exactly one command per response`);
  const block = blocks[0]!;
  const parsed = parseCommandLine(block.content);
  if (!parsed.ok) return parsed;
  const thought = (output.slice(0, block.start) + output.slice(block.end)).trim();
  return { ok: true, thought, action: parsed.action, text: output.slice(block.start, block.end) };
}

/** A command line as a fenced block, with more backticks than any fence line inside it. */
export function fenceCommand(commandLine: string): string {
  let longest = 2;
  for (const run of commandLine.matchAll(/^`{3,}/gm)) longest = Math.max(longest, run[0].length);
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${commandLine}\n${fence}`;
}

/** The canonical thought-action rendering of an action (the block only, no thought). */
export function renderThoughtAction(action: ParsedAction): string {
  return fenceCommand(renderCommandLine(action));
}
