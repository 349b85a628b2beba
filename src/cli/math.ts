/**
 * `swe-srl math make | steps | sample`: the math setting of the SRL paper. `make` writes the
 * built-in problem family, `steps` cuts worked solutions into SRL step rows (the chat-row shape
 * `traj steps` writes, with `domain: "math"`), `sample` asks a policy for k answers per problem
 * for `eval-math` to grade.
 */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { MATH_KIND_NAMES, MATH_SPLITS, MATH_TIER_CHOICES, type MathSplit, type MathTierChoice } from '../math/family/generate.js';
import { writeMathFamily } from '../math/family/write-family.js';
import { sampleAnswers } from '../math/eval/sample-answers.js';
import { FIELD_MAP_PRESETS, fieldMapFrom, type FieldMapPreset } from '../math/solution/problems-file.js';
import { FALLBACK_SPLIT_RULES, type FallbackSplitRule } from '../math/solution/steps.js';
import { DEFAULT_PREFIX_BUDGET } from '../math/steps/step-rows.js';
import { writeMathStepFile } from '../math/steps/write-step-file.js';
import { OpenAiPolicy } from '../policy/openai/openai-policy.js';
import { resolveOpenAiConfig } from '../policy/openai/openai-config.js';
import { integerAtLeast, nonNegativeNumber, oneOf, positiveNumber } from './option-values.js';

function parseMathHistory(value: string): number | 'all' {
  if (value === 'all') return 'all';
  const count = Number(value);
  if (value.trim() === '' || !Number.isInteger(count) || count < 1) throw new InputError(`--history: "${value}" is not a number of steps >= 1 or "all"`);
  return count;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

interface MakeFlags {
  count: number;
  seed: number;
  tier: MathTierChoice;
  split: MathSplit;
  kinds?: string[];
  output: string;
}

export interface MathStepsFlags {
  output: string;
  format?: FieldMapPreset;
  field?: string[];
  split?: FallbackSplitRule | 'none';
  stepsFrom?: 'solution' | 'trace';
  history?: number | 'all';
  nextTitle?: boolean;
  prefixBudget?: number;
  skipInvalid?: boolean;
}

interface SampleFlags {
  problems: string;
  output: string;
  samples: number;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  requestTimeout?: number;
  maxRetries?: number;
}

/** `math steps` (and `traj steps --domain math`): reads the problems, writes the rows, reports on stderr. */
export async function runMathSteps(inputs: string[], flags: MathStepsFlags): Promise<void> {
  if (flags.history === 0) throw new InputError('--history: a math prompt shows at least 1 earlier step (or "all")');
  const format = flags.format ?? 'plain';
  const fallback = flags.split ?? (format === 's1k' ? 'paragraphs' : 'none');
  const report = await writeMathStepFile(inputs, {
    output: flags.output,
    fields: fieldMapFrom(format, flags.field ?? []),
    stepsFrom: flags.stepsFrom ?? 'solution',
    ...(fallback !== 'none' ? { fallbackSplit: fallback } : {}),
    history: flags.history ?? 'all',
    nextTitle: flags.nextTitle === true,
    prefixBudget: flags.prefixBudget ?? DEFAULT_PREFIX_BUDGET,
    skipInvalid: flags.skipInvalid === true,
    onInvalid: (error) => console.error(`swe-srl: skipped: ${error.message}`),
    onRejected: (rejection) => console.error(`swe-srl: rejected: ${rejection.file}:${rejection.line} (${rejection.id}): ${rejection.reason}`),
  });
  const rules = Object.entries(report.rules).filter(([, n]) => n > 0).map(([rule, n]) => `${rule} ${n}`).join(', ') || 'none';
  console.error(
    `wrote ${report.instances} math step rows from ${report.problems} problems to ${flags.output}; steps cut by: ${rules}` +
      `; rejected ${report.rejected} rows whose steps could not be parsed${report.skipped > 0 ? `; skipped ${report.skipped} invalid rows` : ''}`,
  );
}

/** The math settings `traj steps --domain math` accepts too. */
export function withMathStepFlags(command: Command): Command {
  return command
    .option('--next-title', "math: give the next step's number and title in the prompt; the target is then the rest of the step")
    .option('--prefix-budget <tokens>', `math: longest partial solution in a prompt (approximate tokens); longer ones lose their oldest steps, with a marker (default ${DEFAULT_PREFIX_BUDGET})`, integerAtLeast('--prefix-budget', 1))
    .option('--skip-invalid', 'math: report rows without an answer or with an empty solution (or not JSON) and go on instead of stopping');
}

/** The `math` command, created on first use so several files can add subcommands to it. */
export function mathCommandOf(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === 'math') ??
    program.command('math').description("the SRL paper's math setting: a problem family, step rows from worked solutions, sampled answers")
  );
}

export function registerMathCommand(program: Command): Command {
  const math = mathCommandOf(program);
  math
    .command('make')
    .description('write the built-in math problems (arithmetic, linear, fractions, combinatorics, modular) with numbered-step expert solutions')
    .requiredOption('-o, --output <dir>', 'folder for problems.jsonl and manifest.json')
    .option('--count <n>', 'problems to make', integerAtLeast('--count', 1), 50)
    .option('--seed <s>', 'the same seed gives byte-identical problems', integerAtLeast('--seed', 0), 0)
    .option('--tier <tier>', `difficulty: ${MATH_TIER_CHOICES.join(' | ')} (mixed takes turns)`, oneOf('--tier', MATH_TIER_CHOICES), 'mixed')
    .option('--split <split>', `${MATH_SPLITS.join(' | ')}: disjoint problem sets`, oneOf('--split', MATH_SPLITS), 'train')
    .option('--kinds <names>', `comma-separated kinds, taking turns: ${MATH_KIND_NAMES.join(', ')}`, (value: string) => value.split(',').map((name) => name.trim()).filter(Boolean))
    .action(async (flags: MakeFlags) => {
      const { manifest, problemsPath } = await writeMathFamily(flags.output, {
        count: flags.count,
        seed: flags.seed,
        tier: flags.tier,
        split: flags.split,
        ...(flags.kinds ? { kinds: flags.kinds } : {}),
      });
      const kinds = Object.entries(manifest.per_kind).map(([kind, n]) => `${kind} ${n}`).join(', ');
      console.error(`wrote ${manifest.count} ${flags.split} problems (seed ${flags.seed}, tier ${flags.tier}: ${kinds}) to ${problemsPath}; they give ${manifest.instances} step instances`);
    });

  const steps = math
    .command('steps')
    .description('cut worked solutions into SRL step rows: N steps give N-1 rows, each the problem and the steps so far, targeting the next step')
    .argument('<inputs...>', 'JSONL of {problem, solution, answer} (or other fields, see --format and --field)')
    .requiredOption('-o, --output <file>', 'output JSONL, one step row per line')
    .option('--format <preset>', `field names: ${Object.keys(FIELD_MAP_PRESETS).join(' | ')} (s1k: question, deepseek_attempt, deepseek_thinking_trajectory, solution)`, oneOf('--format', Object.keys(FIELD_MAP_PRESETS) as FieldMapPreset[]), 'plain')
    .option('--field <FIELD=NAME>', 'read FIELD (id, problem, solution, answer, trace, dataset) from column NAME; repeatable', collect)
    .option('--split <rule>', `how to cut a solution with no numbered steps: ${[...FALLBACK_SPLIT_RULES, 'none'].join(' | ')} (default: none for plain, paragraphs for s1k)`, oneOf('--split', [...FALLBACK_SPLIT_RULES, 'none'] as const))
    .option('--steps-from <field>', 'cut the solution or the reasoning trace: solution | trace', oneOf('--steps-from', ['solution', 'trace'] as const), 'solution')
    .option('--history <n|all>', 'earlier steps shown in each prompt', parseMathHistory, 'all');
  withMathStepFlags(steps).action(async (inputs: string[], flags: MathStepsFlags) => runMathSteps(inputs, flags));

  math
    .command('sample')
    .description('ask an OpenAI-compatible endpoint for k answers per problem (the math evaluation prompt); appends as it goes and resumes')
    .requiredOption('--problems <file>', 'JSONL of {"id", "problem", "answer", "dataset"?}')
    .requiredOption('-o, --output <file>', 'predictions JSONL for eval-math: {"id", "sample", "response", ...}')
    .option('--samples <k>', 'answers per problem (the k of Avg@k)', integerAtLeast('--samples', 1), 1)
    .option('--temperature <t>', 'sampling temperature (the paper: 1.0 for Avg@32, 0 for greedy)', nonNegativeNumber('--temperature'))
    .option('--top-p <p>', 'nucleus sampling', positiveNumber('--top-p'))
    .option('--max-tokens <n>', 'tokens per answer', integerAtLeast('--max-tokens', 1))
    .option('--base-url <url>', 'the endpoint (default: OPENAI_BASE_URL)')
    .option('--model <name>', 'the model (default: OPENAI_MODEL)')
    .option('--api-key <key>', 'the key (default: OPENAI_API_KEY)')
    .option('--request-timeout <seconds>', 'time limit of one request', positiveNumber('--request-timeout'))
    .option('--max-retries <n>', 'retries on 429, 5xx and connection errors', integerAtLeast('--max-retries', 0))
    .action(async (flags: SampleFlags) => {
      const policy = new OpenAiPolicy(
        resolveOpenAiConfig({
          baseUrl: flags.baseUrl,
          model: flags.model,
          apiKey: flags.apiKey,
          requestTimeoutMs: flags.requestTimeout === undefined ? undefined : Math.round(flags.requestTimeout * 1000),
          maxRetries: flags.maxRetries,
        }),
        (retry) => console.error(`swe-srl: retry ${retry.attempt} in ${retry.delayMs} ms: ${retry.reason}`),
      );
      const report = await sampleAnswers({
        problems: flags.problems,
        output: flags.output,
        policy,
        samples: flags.samples,
        ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
        ...(flags.topP !== undefined ? { topP: flags.topP } : {}),
        ...(flags.maxTokens !== undefined ? { maxTokens: flags.maxTokens } : {}),
      });
      console.error(`sampled ${report.asked} answers for ${report.problems} problems into ${flags.output}${report.reused > 0 ? ` (${report.reused} kept from an earlier run)` : ''}`);
    });
  return math;
}
