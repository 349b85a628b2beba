/**
 * `swe-srl math make | steps | sample`: the math setting of the SRL paper. `make` writes the
 * built-in problem family, `steps` cuts worked solutions into SRL step rows (the chat-row shape
 * `traj steps` writes, with `domain: "math"`), `sample` asks a policy for k answers per problem
 * for `eval-math` to grade.
 */
import type { Command } from 'commander';
import { FieldError, InputError } from '../errors.js';
import type { RunConfig } from '../config/run-config.js';
import { MATH_KIND_NAMES, MATH_SPLITS, MATH_TIER_CHOICES } from '../math/family/generate.js';
import { writeMathFamily } from '../math/family/write-family.js';
import { sampleAnswers } from '../math/eval/sample-answers.js';
import { FIELD_MAP_PRESETS, fieldMapFrom, type FieldMapPreset } from '../math/solution/problems-file.js';
import { FALLBACK_SPLIT_RULES } from '../math/solution/steps.js';
import { DEFAULT_PREFIX_BUDGET } from '../math/steps/step-rows.js';
import { writeMathStepFile } from '../math/steps/write-step-file.js';
import { createPolicy, type PolicyConfig } from '../policy/factory.js';
import { effectiveConfig, withConfigFlags, type ConfigBinding } from './config-flags.js';
import { integerAtLeast, oneOf } from './option-values.js';
import { bindingsOf, POLICY_BINDINGS } from './run-bindings.js';

function parseMathHistory(value: string): number | 'all' {
  if (value === 'all') return 'all';
  const count = Number(value);
  if (value.trim() === '' || !Number.isInteger(count) || count < 1) throw new InputError(`--history: "${value}" is not a number of steps >= 1 or "all"`);
  return count;
}

function collect(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}

type Flags = Record<string, unknown> & { config?: string };

/** The math step settings: the run configuration's `math.steps` section. */
export type MathStepsSettings = RunConfig['math']['steps'];

const MATH_MAKE_BINDINGS: readonly ConfigBinding[] = [
  { flags: '--count <n>', description: 'problems to make (default 50)', path: 'math.make.count', parse: integerAtLeast('--count', 1) },
  { flags: '--seed <s>', description: 'the same seed gives byte-identical problems (default 0)', path: 'math.make.seed', parse: integerAtLeast('--seed', 0) },
  { flags: '--tier <tier>', description: `difficulty: ${MATH_TIER_CHOICES.join(' | ')} (mixed takes turns; default mixed)`, path: 'math.make.tier', parse: oneOf('--tier', MATH_TIER_CHOICES) },
  { flags: '--split <split>', description: `${MATH_SPLITS.join(' | ')}: disjoint problem sets (default train)`, path: 'math.make.split', parse: oneOf('--split', MATH_SPLITS) },
  {
    flags: '--kinds <names>',
    description: `comma-separated kinds, taking turns: ${MATH_KIND_NAMES.join(', ')}`,
    path: 'math.make.kinds',
    parse: (value: string) => value.split(',').map((name) => name.trim()).filter(Boolean),
  },
];

/** The settings `math steps` and `traj steps --domain math` share. */
export const MATH_STEP_BINDINGS: readonly ConfigBinding[] = [
  { flags: '--next-title', description: "math: give the next step's number and title in the prompt; the target is then the rest of the step", path: 'math.steps.nextTitle' },
  {
    flags: '--prefix-budget <tokens>',
    description: `math: longest partial solution in a prompt (approximate tokens); longer ones lose their oldest steps, with a marker (default ${DEFAULT_PREFIX_BUDGET})`,
    path: 'math.steps.prefixBudget',
    parse: integerAtLeast('--prefix-budget', 1),
  },
  { flags: '--skip-invalid', description: 'math: report rows without an answer or with an empty solution (or not JSON) and go on instead of stopping', path: 'math.steps.skipInvalid' },
];

const MATH_STEPS_BINDINGS: readonly ConfigBinding[] = [
  {
    flags: '--format <preset>',
    description: `field names: ${Object.keys(FIELD_MAP_PRESETS).join(' | ')} (s1k: question, deepseek_attempt, deepseek_thinking_trajectory, solution; default plain)`,
    path: 'math.steps.format',
    parse: oneOf('--format', Object.keys(FIELD_MAP_PRESETS) as FieldMapPreset[]),
  },
  { flags: '--field <FIELD=NAME>', description: 'read FIELD (id, problem, solution, answer, trace, dataset) from column NAME; repeatable', path: 'math.steps.fields', parse: collect },
  {
    flags: '--split <rule>',
    description: `how to cut a solution with no numbered steps: ${[...FALLBACK_SPLIT_RULES, 'none'].join(' | ')} (default: none for plain, paragraphs for s1k)`,
    path: 'math.steps.split',
    parse: oneOf('--split', [...FALLBACK_SPLIT_RULES, 'none'] as const),
  },
  { flags: '--steps-from <field>', description: 'cut the solution or the reasoning trace: solution | trace (default solution)', path: 'math.steps.stepsFrom', parse: oneOf('--steps-from', ['solution', 'trace'] as const) },
  { flags: '--history <n|all>', description: 'earlier steps shown in each prompt (default all)', path: 'math.steps.history', parse: parseMathHistory },
  ...MATH_STEP_BINDINGS,
];

const MATH_SAMPLE_BINDINGS: readonly ConfigBinding[] = [
  { flags: '--samples <k>', description: 'answers per problem (the k of Avg@k; default 1)', path: 'math.sample.samples', parse: integerAtLeast('--samples', 1) },
  ...bindingsOf(POLICY_BINDINGS, ['--policy', '--temperature', '--top-p', '--max-tokens', '--seed', '--base-url', '--model', '--api-key', '--request-timeout', '--max-retries']),
];

/** `math steps` (and `traj steps --domain math`): reads the problems, writes the rows, reports on stderr. */
export async function runMathSteps(inputs: string[], output: string, settings: MathStepsSettings): Promise<void> {
  if (settings.history === 0) throw new InputError('--history: a math prompt shows at least 1 earlier step (or "all")');
  const fallback = settings.split ?? (settings.format === 's1k' ? 'paragraphs' : 'none');
  const report = await writeMathStepFile(inputs, {
    output,
    fields: fieldMapFrom(settings.format, settings.fields),
    stepsFrom: settings.stepsFrom,
    ...(fallback !== 'none' ? { fallbackSplit: fallback } : {}),
    history: settings.history,
    nextTitle: settings.nextTitle,
    prefixBudget: settings.prefixBudget,
    skipInvalid: settings.skipInvalid,
    onInvalid: (error) => console.error(`swe-srl: skipped: ${error.message}`),
    onRejected: (rejection) => console.error(`swe-srl: rejected: ${rejection.file}:${rejection.line} (${rejection.id}): ${rejection.reason}`),
  });
  const rules = Object.entries(report.rules).filter(([, n]) => n > 0).map(([rule, n]) => `${rule} ${n}`).join(', ') || 'none';
  console.error(
    `wrote ${report.instances} math step rows from ${report.problems} problems to ${output}; steps cut by: ${rules}` +
      `; rejected ${report.rejected} rows whose steps could not be parsed${report.skipped > 0 ? `; skipped ${report.skipped} invalid rows` : ''}`,
  );
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
  withConfigFlags(
    math
      .command('make')
      .description('write the built-in math problems (arithmetic, linear, fractions, combinatorics, modular) with numbered-step expert solutions')
      .requiredOption('-o, --output <dir>', 'folder for problems.jsonl and manifest.json'),
    MATH_MAKE_BINDINGS,
  ).action(async (flags: Flags & { output: string }) => {
    const config = await effectiveConfig(MATH_MAKE_BINDINGS, flags);
    if (config === undefined) return;
    const settings = config.math.make;
    const { manifest, problemsPath } = await writeMathFamily(flags.output, {
      count: settings.count,
      seed: settings.seed,
      tier: settings.tier,
      split: settings.split,
      ...(settings.kinds ? { kinds: settings.kinds } : {}),
    });
    const kinds = Object.entries(manifest.per_kind).map(([kind, n]) => `${kind} ${n}`).join(', ');
    console.error(`wrote ${manifest.count} ${settings.split} problems (seed ${settings.seed}, tier ${settings.tier}: ${kinds}) to ${problemsPath}; they give ${manifest.instances} step instances`);
  });

  withConfigFlags(
    math
      .command('steps')
      .description('cut worked solutions into SRL step rows: N steps give N-1 rows, each the problem and the steps so far, targeting the next step')
      .argument('<inputs...>', 'JSONL of {problem, solution, answer} (or other fields, see --format and --field)')
      .requiredOption('-o, --output <file>', 'output JSONL, one step row per line'),
    MATH_STEPS_BINDINGS,
  ).action(async (inputs: string[], flags: Flags & { output: string }) => {
    const config = await effectiveConfig(MATH_STEPS_BINDINGS, flags);
    if (config === undefined) return;
    await runMathSteps(inputs, flags.output, config.math.steps);
  });

  withConfigFlags(
    math
      .command('sample')
      .description('ask a policy (an OpenAI-compatible endpoint by default, or --policy local --model DIR) for k answers per problem (the math evaluation prompt); appends as it goes and resumes')
      .requiredOption('--problems <file>', 'JSONL of {"id", "problem", "answer", "dataset"?}')
      .requiredOption('-o, --output <file>', 'predictions JSONL for eval-math: {"id", "sample", "response", ...}'),
    MATH_SAMPLE_BINDINGS,
  ).action(async (flags: Flags & { problems: string; output: string }) => {
    // An OpenAI-compatible endpoint unless the file names another policy type.
    const config = await effectiveConfig(MATH_SAMPLE_BINDINGS, flags, { policy: { type: 'openai' } });
    if (config === undefined) return;
    const policyConfig = config.policy!;
    if (policyConfig.type === 'replay') throw new FieldError('policy.type', 'math sample asks a model for answers: openai or a registered policy type, not replay');
    const policy = createPolicy(policyConfig as PolicyConfig, {
      onRetry: (retry) => console.error(`swe-srl: retry ${retry.attempt} in ${retry.delayMs} ms: ${retry.reason}`),
    });
    const { sampling } = config;
    let report: Awaited<ReturnType<typeof sampleAnswers>>;
    try {
      report = await sampleAnswers({
        problems: flags.problems,
        output: flags.output,
        policy,
        samples: config.math.sample.samples,
        ...(sampling.temperature !== undefined ? { temperature: sampling.temperature } : {}),
        ...(sampling.topP !== undefined ? { topP: sampling.topP } : {}),
        ...(sampling.maxTokens !== undefined ? { maxTokens: sampling.maxTokens } : {}),
        ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
      });
    } finally {
      // A local model holds its weights until disposed.
      await (policy as { dispose?: () => unknown }).dispose?.();
    }
    console.error(`sampled ${report.asked} answers for ${report.problems} problems into ${flags.output}${report.reused > 0 ? ` (${report.reused} kept from an earlier run)` : ''}`);
  });
  return math;
}

/** For the command table in main.ts. */
export const register = registerMathCommand;
