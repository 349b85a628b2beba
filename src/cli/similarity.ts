/**
 * `swe-srl similarity PAIRS.jsonl [-o OUT]`: difflib's SequenceMatcher ratio for every
 * `{"a","b"}` line, one `{"ratio": …}` line per input line, in order.
 */
import type { Command } from 'commander';
import { scoreSimilarityPairs } from '../reward/similarity/pairs-file.js';

export function registerSimilarityCommand(program: Command): void {
  program
    .command('similarity')
    .description('Python difflib.SequenceMatcher(None, a, b).ratio() for each {"a","b"} line of a JSONL file (bit-identical to CPython 3.11)')
    .argument('<pairs>', 'JSONL file of {"a": string, "b": string} objects')
    .option('-o, --output <file>', 'write the {"ratio": …} lines here instead of standard output')
    .option('--no-autojunk', "turn off difflib's autojunk heuristic (on by default, as in SequenceMatcher)")
    .action(async (pairsPath: string, options: { output?: string; autojunk: boolean }) => {
      const { pairs } = await scoreSimilarityPairs(pairsPath, {
        output: options.output ?? process.stdout,
        autojunk: options.autojunk,
      });
      if (options.output) process.stderr.write(`scored ${pairs} pairs into ${options.output}\n`);
    });
}

/** For the command table in main.ts. */
export const register = registerSimilarityCommand;
