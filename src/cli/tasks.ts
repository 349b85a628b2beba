/**
 * `swe-srl tasks make`: the built-in task family (src/tasks). Flags only; the library does the work
 * and reports progress through events, printed here on stderr.
 *
 *   swe-srl tasks make --count N --seed S --tier easy|medium|hard -o DIR [--split train|heldout]
 *                      [--exclude-bug-kinds K,K] [--exclude-templates T,T] [--max-workers N]
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { closeSandboxesOnSignal } from '../sandbox/index.js';
import { BUG_KINDS, makeTasks, parseBugKinds, SPLITS, TEMPLATE_IDS, TIERS, type MakeTasksEvent, type Split, type Tier } from '../tasks/index.js';
import { integerAtLeast, oneOf } from './option-values.js';

interface MakeFlags {
  count: number;
  seed: number;
  tier: Tier;
  output: string;
  split: Split;
  excludeBugKinds: string[];
  excludeTemplates: string[];
  maxWorkers: number;
  quiet?: boolean;
}

function commaList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];
}

function describe(event: MakeTasksEvent, quiet: boolean): string | undefined {
  switch (event.type) {
    case 'start':
      return event.decided > 0 ? `resuming: ${event.alreadyMade} of ${event.count} tasks made, ${event.decided} candidates decided` : undefined;
    case 'batch':
      return `candidates ${event.first}…: ${event.size} to draw`;
    case 'probe':
      return `probing ${event.candidates} candidate(s) in a sandbox`;
    case 'validate':
      return `validating ${event.tasks} task(s): ${event.run === 'gold' ? 'gold patch (FAIL_TO_PASS fail before, pass after)' : event.run === 'noop' ? 'base commit (PASS_TO_PASS pass)' : 'each edit alone must not resolve'}`;
    case 'accepted':
      return event.spare ? (quiet ? undefined : `✓ ${event.instanceId} validated too (spare: ${event.count} already made)`) : `✓ ${event.made}/${event.count} ${event.instanceId} (${event.bugKind}, ${event.template})`;
    case 'dropped':
      return quiet ? undefined : `✗ ${event.instanceId} dropped: ${event.reason} (${event.detail})`;
    case 'log':
      return quiet ? undefined : `    ${event.line}`;
    case 'done':
      return undefined;
  }
}

export function registerTasksCommand(program: Command): void {
  const tasks = program.command('tasks').description('the built-in SWE task family: small Python packages with an injected bug');
  tasks
    .command('make')
    .description('generate tasks (SWE-bench instances, git repositories, an environment spec, teacher metadata), validated in Docker')
    .requiredOption('--count <n>', 'how many valid tasks to make', integerAtLeast('--count', 1))
    .requiredOption('--seed <n>', 'the seed: the same seed and options give byte-identical tasks', integerAtLeast('--seed', 0))
    .requiredOption('--tier <tier>', `difficulty: ${TIERS.join(', ')}`, oneOf('--tier', TIERS))
    .requiredOption('-o, --output <dir>', 'output directory (new, empty, or made by an earlier run with the same options, which resumes)')
    .option('--split <split>', `${SPLITS.join(' or ')} (held-out tasks come from another seed stream)`, oneOf('--split', SPLITS), 'train')
    .option('--exclude-bug-kinds <kinds>', `comma-separated, of: ${BUG_KINDS.join(', ')}`, commaList, [])
    .option('--exclude-templates <templates>', `comma-separated, of: ${TEMPLATE_IDS.join(', ')}`, commaList, [])
    .option('--max-workers <n>', 'validation sandboxes at once', integerAtLeast('--max-workers', 1), 2)
    .option('-q, --quiet', 'only accepted tasks and the summary')
    .action(async (flags: MakeFlags) => {
      parseBugKinds('--exclude-bug-kinds', flags.excludeBugKinds);
      for (const template of flags.excludeTemplates) {
        if (!TEMPLATE_IDS.includes(template)) throw new InputError(`--exclude-templates: "${template}" is not a template (known: ${TEMPLATE_IDS.join(', ')})`);
      }
      if (flags.seed > 0xffffffff) throw new InputError(`--seed: "${flags.seed}" is larger than 4294967295`);
      console.error(`swe-srl tasks: making ${flags.count} ${flags.tier} task(s), seed ${flags.seed}, split ${flags.split}, in ${flags.output}`);
      const stopHandlingSignals = closeSandboxesOnSignal();
      try {
        const result = await makeTasks(
          {
            count: flags.count,
            seed: flags.seed,
            tier: flags.tier,
            split: flags.split,
            outDir: flags.output,
            excludeBugKinds: flags.excludeBugKinds,
            excludeTemplates: flags.excludeTemplates,
            maxWorkers: flags.maxWorkers,
          },
          {
            onEvent: (event) => {
              const line = describe(event, flags.quiet === true);
              if (line) console.error(line);
            },
          },
        );
        const { summary, layout } = result;
        const dropped = Object.entries(summary.dropped_by_reason).map(([reason, count]) => `${reason} ${count}`);
        console.error(`made ${summary.made} task(s) from ${summary.candidates} candidates${dropped.length > 0 ? `; dropped: ${dropped.join(', ')}` : ''}`);
        console.log(
          [
            `instances:  ${layout.instances}`,
            `teacher:    ${layout.teacher} (for the scripted teacher only; never in a policy's prompt)`,
            `validation: ${layout.validation}`,
            `repos:      ${layout.reposDir}`,
            `evaluate:   swe-srl eval --gold --instances ${layout.instances} --repos ${layout.reposDir} --environments ${join(layout.outDir, 'environments')} --run-id check`,
          ].join('\n'),
        );
      } finally {
        stopHandlingSignals();
      }
    });
}

/** For the command table in main.ts. */
export const register = registerTasksCommand;
