/**
 * `swe-srl eval-math --problems FILE --predictions FILE [-o summary.json]`: grades every
 * prediction's final answer (see src/math/eval/grade-predictions.ts), writes the graded lines to
 * `<predictions>.graded.jsonl`, prints the Avg@k table and writes the JSON summary. Its setting
 * (`--no-last-number`) is `math.eval.lastNumber` of the run configuration.
 */
import type { Command } from 'commander';
import { writeFileAtomically } from '../io/atomic-write.js';
import { formatMathEvalTable, gradeMathPredictions } from '../math/eval/grade-predictions.js';
import { effectiveConfig, withConfigFlags, type ConfigBinding } from './config-flags.js';

interface EvalMathFlags {
  problems: string;
  predictions: string;
  output?: string;
  config?: string;
  [flag: string]: unknown;
}

const EVAL_MATH_BINDINGS: readonly ConfigBinding[] = [
  { flags: '--no-last-number', description: 'a response without \\boxed{} or "the answer is" has no answer (default: its last number)', path: 'math.eval.lastNumber' },
];

export function registerEvalMathCommand(program: Command): void {
  const command = program
    .command('eval-math')
    .description('grade math answers as the Qwen2.5-Math evaluation does and report accuracy and Avg@k per dataset')
    .requiredOption('--problems <file>', 'JSONL of {"id", "problem", "answer", "dataset"?}')
    .requiredOption('--predictions <file>', 'JSONL of {"id", "response"}, several lines per id for Avg@k')
    .option('-o, --output <file>', 'write the JSON summary here');
  withConfigFlags(command, EVAL_MATH_BINDINGS).action(async (flags: EvalMathFlags) => {
    const config = await effectiveConfig(EVAL_MATH_BINDINGS, flags);
    if (config === undefined) return;
    const summary = await gradeMathPredictions({ problems: flags.problems, predictions: flags.predictions, lastNumber: config.math.eval.lastNumber });
    if (flags.output) await writeFileAtomically(flags.output, `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(`${formatMathEvalTable(summary)}\n`);
    console.error(`graded ${summary.predictions} predictions of ${summary.problems} problems into ${summary.graded}${flags.output ? `; summary in ${flags.output}` : ''}`);
  });
}

/** For the command table in main.ts. */
export const register = registerEvalMathCommand;
