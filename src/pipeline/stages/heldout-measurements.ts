/**
 * The held-out measurements of the model a trainer stage hands on, one per wired held-out input:
 * the resolve rate on held-out tasks (one episode per task, graded by the evaluation stage), the
 * mean SRL step reward on held-out step instances, and greedy accuracy and Avg@k on held-out math
 * problems. Each is measured once, kept in a JSON file in the stage's folder (so a resumed stage
 * does not measure it again) and appended to the metrics file as a `heldout` line.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../../io/atomic-write.js';
import type { HeldOutResult } from '../../train/rlvr/heldout-eval.js';
import type { Artifact, MetricsRecord, StageContext } from '../stage.js';
import { episodeEnvironmentFor, sandboxLabel } from './episode-environments.js';
import { interruptedError, type TrainerSettings } from './trainer-stage.js';

/**
 * Nothing when the input `slot` is not wired; else the measurement kept in `file`, else `measure`'s
 * of the wired artefact, then kept there and appended to the metrics file (at `step`) with `figures`.
 */
async function measureOnce<T>(
  context: StageContext<TrainerSettings>,
  at: { slot: string; file: string; step: number },
  measure: (input: Artifact) => Promise<T>,
  figures: (result: T) => Omit<MetricsRecord, 'step' | 'stage'>,
): Promise<T | undefined> {
  const { step } = at;
  const input = context.inputs[at.slot];
  if (!input) return undefined;
  const path = join(context.dir, at.file);
  if (existsSync(path)) return JSON.parse(await readFile(path, 'utf8')) as T;
  const result = await measure(input);
  await writeFileAtomically(path, `${JSON.stringify(result, null, 2)}\n`);
  await context.metrics.write({ step, stage: 'heldout', ...figures(result) });
  return result;
}

/** Every held-out measurement wired to a trainer stage, of the model it hands on (`modelDir`, after `step` steps). */
export async function heldOutMeasurements(context: StageContext<TrainerSettings>, modelDir: string, step: number): Promise<{ summary: Record<string, unknown>; headline: string }> {
  const tasks = await measureOnce(context, { slot: 'heldout', file: 'heldout.json', step }, (heldout) => resolveRate(context, heldout, modelDir, step), (result) => ({
    heldout_resolve_rate: result.resolveRate,
    heldout_reward: result.rewardMean,
    heldout_tasks: result.tasks,
  }));
  const steps = await measureOnce(context, { slot: 'heldoutSteps', file: 'heldout-steps.json', step }, (input) => stepReward(context, input, modelDir), (result) => ({
    heldout_step_reward: result.reward,
    heldout_format_ok: result.formatOk,
  }));
  const math = await measureOnce(context, { slot: 'heldoutProblems', file: 'heldout-math.json', step }, (input) => mathAccuracy(context, input, modelDir, step), (result) => ({
    heldout_math_greedy_accuracy: result.greedy_accuracy,
    heldout_math_avg_at_k: result.avg_at_k,
    heldout_math_k: result.k,
    heldout_math_format_ok: result.greedy_format_ok,
  }));
  return { summary: heldOutSummary(tasks, steps, math), headline: heldOutHeadline(tasks, math) };
}

/** The resolve rate of `modelDir` on held-out tasks: one episode per task, graded by the evaluation stage. */
async function resolveRate(context: StageContext<TrainerSettings>, heldout: Artifact, modelDir: string, step: number): Promise<HeldOutResult> {
  const { instances, environment } = await episodeEnvironmentFor(context, heldout, `${sandboxLabel(context)}-heldout`);
  context.progress.log(`held-out: ${instances.length} task(s), one episode each`);
  const { createLocalPolicy } = await import('../../train/policy/local-policy.js');
  const { evaluateHeldOut } = await import('../../train/rlvr/heldout-eval.js');
  const { loadAgentTemplates } = await import('../../prompts/templates.js');
  const { rlvrAgentConfig } = await import('../../train/rlvr/rlvr-trainer.js');
  const rlvr = context.settings.train.rlvr;
  const policy = await createLocalPolicy({ model: modelDir, ...(context.settings.train.backend ? { backend: context.settings.train.backend } : {}) });
  try {
    return await evaluateHeldOut(policy, instances, environment, {
      templates: await loadAgentTemplates(rlvr.template),
      agentConfig: rlvrAgentConfig(rlvr),
      temperature: context.settings.heldoutTemperature,
      topP: 1,
      maxNewTokens: rlvr.maxNewTokens,
      seed: context.settings.train.seed,
      partialCredit: rlvr.partialCredit,
      signal: context.signal,
      maxParallel: context.sandboxes.maxWorkers,
    });
  } catch (error) {
    if (context.signal.aborted) throw interruptedError(context, step);
    throw error;
  } finally {
    policy.dispose();
  }
}

export interface HeldOutStepReward {
  steps: number;
  reward: number;
  formatOk: number;
}

/** The mean SRL step reward of `modelDir` on held-out step instances, one greedy answer each. */
async function stepReward(context: StageContext<TrainerSettings>, input: Artifact, modelDir: string): Promise<HeldOutStepReward> {
  const { readStepRows } = await import('../../train/data/examples.js');
  const { loadModelDir } = await import('../../train/checkpoint/model-dir.js');
  const { meanStepReward } = await import('../../train/srl/srl-trainer.js');
  const { ChatTemplate } = await import('../../train/tokenizer/chat-template.js');
  const { tokenBudgetOf } = await import('../../train/config.js');
  const examples = await readStepRows(input.files.steps!);
  const loaded = await loadModelDir(modelDir);
  try {
    const srl = context.settings.train.srl;
    const budget = tokenBudgetOf(context.settings.train, loaded.config, 'train', srl.maxNewTokens);
    const result = meanStepReward(loaded.model, new ChatTemplate(loaded.tokenizer), examples, { maxPromptTokens: budget.maxPromptTokens, maxNewTokens: srl.maxNewTokens, temperature: 0, mode: srl.rewardMode, seed: context.settings.train.seed });
    return { steps: examples.length, reward: result.reward, formatOk: result.formatOk };
  } finally {
    loaded.model.dispose();
  }
}

export interface HeldOutMath {
  problems: number;
  /** Greedy (one answer per problem, temperature 0): the share answered correctly. */
  greedy_accuracy: number;
  /** Share of greedy answers in the `<think>…</think>` + solution format. */
  greedy_format_ok: number;
  /** Avg@k at `temperature`: the mean over problems of the share of the k samples that are correct. */
  avg_at_k: number;
  k: number;
  temperature: number;
  sampled_format_ok: number;
  greedy_predictions: string;
  sampled_predictions: string;
}

/** Share of the responses of a predictions file that keep the `<think>` format (the math rewards' check). */
async function formatOkShare(path: string): Promise<number> {
  const { readJsonLines } = await import('../../io/json-lines.js');
  const { splitResponse } = await import('../../reward/srl/split-response.js');
  let total = 0;
  let ok = 0;
  for await (const { value } of readJsonLines(path)) {
    total += 1;
    if (splitResponse(String((value as { response?: unknown }).response ?? '')).ok) ok += 1;
  }
  return total === 0 ? 0 : ok / total;
}

/**
 * Greedy accuracy and Avg@k of `modelDir` on held-out math problems: the `local` policy
 * (createPolicy) answers through `sampleAnswers` (the math evaluation prompt, appending as it goes,
 * so an interrupted measurement resumes) and `gradeMathPredictions` grades, the code `math sample`
 * and `eval-math` run.
 */
async function mathAccuracy(context: StageContext<TrainerSettings>, input: Artifact, modelDir: string, step: number): Promise<HeldOutMath> {
  const { createPolicy } = await import('../../policy/factory.js');
  const { sampleAnswers, gradeMathPredictions } = await import('../../math/index.js');
  const settings = { samples: 4, temperature: 1.0, maxNewTokens: 256, ...context.settings.heldoutMath };
  const problems = input.files.problems!;
  const dir = join(context.dir, 'heldout-math');
  const seed = context.settings.train.seed;
  const policy = createPolicy({ type: 'local', model: modelDir, seed, ...(context.settings.train.backend ? { backend: context.settings.train.backend } : {}) });
  const runs = [
    { output: join(dir, 'greedy.jsonl'), samples: 1, temperature: 0, seed: 0 },
    { output: join(dir, 'sampled.jsonl'), samples: settings.samples, temperature: settings.temperature, seed: 1_000_000 },
  ];
  try {
    for (const run of runs) {
      context.progress.log(`held-out math: ${run.samples} answer(s) per problem at temperature ${run.temperature}`);
      await sampleAnswers({ problems, output: run.output, policy, samples: run.samples, temperature: run.temperature, topP: 1, maxTokens: settings.maxNewTokens, seed: seed * 10_000_000 + run.seed, signal: context.signal });
    }
  } catch (error) {
    if (context.signal.aborted) throw interruptedError(context, step);
    throw error;
  } finally {
    await (policy as { dispose?: () => unknown }).dispose?.();
  }
  const greedy = await gradeMathPredictions({ problems, predictions: runs[0]!.output });
  const sampled = await gradeMathPredictions({ problems, predictions: runs[1]!.output });
  return {
    problems: greedy.problems,
    greedy_accuracy: greedy.accuracy,
    greedy_format_ok: await formatOkShare(runs[0]!.output),
    avg_at_k: sampled.avg_at_k,
    k: settings.samples,
    temperature: settings.temperature,
    sampled_format_ok: await formatOkShare(runs[1]!.output),
    greedy_predictions: runs[0]!.output,
    sampled_predictions: runs[1]!.output,
  };
}

/** The summary fields every trainer stage reports. */
function heldOutSummary(result: HeldOutResult | undefined, steps?: HeldOutStepReward, math?: HeldOutMath): Record<string, unknown> {
  return {
    ...(math
      ? { heldout_math_problems: math.problems, heldout_math_greedy_accuracy: math.greedy_accuracy, heldout_math_avg_at_k: math.avg_at_k, heldout_math_k: math.k, heldout_math_temperature: math.temperature, heldout_math_greedy_format_ok: math.greedy_format_ok, heldout_math_sampled_format_ok: math.sampled_format_ok }
      : {}),
    ...(result ? { heldout_tasks: result.tasks, heldout_resolved: result.resolved, heldout_resolve_rate: result.resolveRate, heldout_reward: result.rewardMean, heldout_exit_statuses: result.exitStatuses } : {}),
    ...(steps ? { heldout_steps: steps.steps, heldout_step_reward: steps.reward, heldout_format_ok: steps.formatOk } : {}),
  };
}

function heldOutHeadline(result: HeldOutResult | undefined, math?: HeldOutMath): string {
  return `${result ? `; held-out ${result.resolved}/${result.tasks} resolved` : ''}${math ? `; held-out math greedy ${(100 * math.greedy_accuracy).toFixed(1)}%, Avg@${math.k} ${(100 * math.avg_at_k).toFixed(1)}% (format ${(100 * math.greedy_format_ok).toFixed(0)}%)` : ''}`;
}
