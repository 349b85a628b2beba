/**
 * The scripted teacher: a policy that solves a task of the built-in family as an expert agent
 * would, one action per turn, through the real agent loop (`Episode`) in a sandbox, so every
 * observation it reasons about is real. It knows the fix from the task's teacher record
 * (teacher.jsonl: where the bug is, what to search for, how to reproduce it, the exact edits) and
 * takes the steps an expert takes:
 *
 *   look around → search for the symbol or the message the issue mentions → view the code (and,
 *   when the bug is a call away, search for and view the callee) → reproduce the failure →
 *   edit with `str_replace` → rerun the example → run the tests → submit
 *
 * (sometimes reproducing first). Each turn is a `<think>` monologue that says why (monologue.ts),
 * then one XML function call in SWE-smith's form. It is a policy like any other: `createPolicy`
 * makes it from `{type: 'scripted-teacher', record, seed}`, and one instance serves one episode.
 */
import { registerPolicyType, type PolicyConfig } from '../../policy/factory.js';
import { emptyUsage, type ChatMessage, type Policy, type PolicyRequest, type PolicyResponse } from '../../policy/types.js';
import { renderAction } from '../../tools/parsers/formats.js';
import type { KnownAction, ToolFormat } from '../../tools/parsers/types.js';
import { Random } from '../../tasks/random.js';
import type { TeacherRecord } from '../../tasks/task-records.js';
import { singleQuote } from '../../util/shell-quote.js';
import { Monologue } from './monologue.js';
import { definitionLines, filesInGrepOutput, lastLine, observationText, testRunOutcome } from './observations.js';

export const SCRIPTED_TEACHER_TYPE = 'scripted-teacher';
export const SCRIPTED_TEACHER_NAME = 'swe-srl/scripted-teacher';

type Site = TeacherRecord['sites'][number];

type PlannedStep =
  | { kind: 'explore' }
  | { kind: 'search'; query: string; searchKind: 'symbol' | 'phrase'; purpose: 'symptom' | Site }
  | { kind: 'view'; file: string; purpose: 'symptom' | Site }
  | { kind: 'reproduce'; first: boolean }
  | { kind: 'edit'; index: number }
  | { kind: 'test' }
  | { kind: 'submit' };

export interface ScriptedTeacherOptions {
  record: TeacherRecord;
  /** Picks the wording and the order where an expert could go either way; default 0. */
  seed?: number;
  /** The repository root in the sandbox; default /testbed. */
  root?: string;
  /** The action format it writes; default SWE-smith's XML function calls. */
  format?: ToolFormat;
}

/** The steps, in order: the same record and seed give the same plan. */
export function planSteps(record: TeacherRecord, random: Random): PlannedStep[] {
  const steps: PlannedStep[] = [{ kind: 'explore' }];
  const reproduceFirst = random.chance(0.3);
  if (reproduceFirst) steps.push({ kind: 'reproduce', first: true });
  const searched = new Set<string>();
  const search = (query: string, searchKind: 'symbol' | 'phrase', purpose: 'symptom' | Site) => {
    if (searched.has(query)) return;
    searched.add(query);
    steps.push({ kind: 'search', query, searchKind, purpose });
  };
  for (const item of record.search) if (item.kind === 'phrase') search(item.query, 'phrase', 'symptom');
  search(record.symptom.function, 'symbol', 'symptom');
  const viewed = new Set<string>([record.symptom.file]);
  steps.push({ kind: 'view', file: record.symptom.file, purpose: 'symptom' });
  for (const site of record.sites) {
    if (viewed.has(site.file)) continue;
    viewed.add(site.file);
    search(site.function, 'symbol', site);
    steps.push({ kind: 'view', file: site.file, purpose: site });
  }
  if (!reproduceFirst) steps.push({ kind: 'reproduce', first: true });
  record.edits.forEach((_, index) => steps.push({ kind: 'edit', index }));
  steps.push({ kind: 'reproduce', first: false }, { kind: 'test' }, { kind: 'submit' });
  return steps;
}

/** The site an edit fixes: the one at the same place in the list when they line up, else the first in its file. */
function siteOfEdit(record: TeacherRecord, index: number): Site | undefined {
  const edit = record.edits[index]!;
  const aligned = record.sites.length === record.edits.length ? record.sites[index] : undefined;
  if (aligned && aligned.file === edit.path) return aligned;
  return record.sites.find((site) => site.file === edit.path);
}

export class ScriptedTeacherPolicy implements Policy {
  readonly name = SCRIPTED_TEACHER_NAME;
  private readonly record: TeacherRecord;
  private readonly root: string;
  private readonly format: ToolFormat;
  private readonly monologue: Monologue;
  /** Choices of how to act where an expert could go either way (which listing command). */
  private readonly choices: Random;
  private readonly plan: PlannedStep[];
  private next = 0;
  private lastStep: PlannedStep | undefined;
  /** The last search's hits and the first reproduction's output, for the monologue. */
  private searchHits: string[] = [];
  private searchObservation = '';
  private reproducedOutput: string | undefined;

  constructor(options: ScriptedTeacherOptions) {
    this.record = options.record;
    this.root = options.root ?? '/testbed';
    this.format = options.format ?? 'xml_function_calling';
    const random = new Random('scripted-teacher', options.seed ?? 0, options.record.instance_id);
    this.plan = planSteps(options.record, random.fork('plan'));
    this.monologue = new Monologue(random.fork('words'), options.record);
    this.choices = random.fork('choices');
  }

  async complete(request: PolicyRequest): Promise<PolicyResponse> {
    const observation = observationText(lastUserContent(request.messages));
    this.absorb(observation);
    // Past the plan (a step refused, the episode still running): submit what there is.
    const step = this.plan[Math.min(this.next, this.plan.length - 1)]!;
    this.next += 1;
    const { thought, action } = this.write(step, observation);
    this.lastStep = step;
    const text = `<think>\n${thought}\n</think>\n\n${renderAction(this.format, action)}`;
    return { samples: [{ text, toolCalls: [], finishReason: 'stop' }], usage: emptyUsage(), model: this.name, requests: 0, latencyMs: 0 };
  }

  /** Keeps what the last action's observation says that later monologues refer to. */
  private absorb(observation: string): void {
    const last = this.lastStep;
    if (last?.kind === 'search') {
      this.searchHits = filesInGrepOutput(observation, this.root);
      this.searchObservation = observation;
    }
    if (last?.kind === 'reproduce' && last.first) this.reproducedOutput = lastLine(observation);
  }

  private path(file: string): string {
    return `${this.root}/${file}`;
  }

  private write(step: PlannedStep, observation: string): { thought: string; action: KnownAction } {
    const afterReproduce = this.lastStep?.kind === 'reproduce' && this.lastStep.first ? lastLine(observation) : undefined;
    switch (step.kind) {
      case 'explore':
        return {
          thought: this.monologue.explore(),
          action: this.choices.chance(0.5)
            ? { tool: 'str_replace_editor', args: { command: 'view', path: this.root } }
            : { tool: 'bash', args: { command: `find ${this.root} -name '*.py' -not -path '*/.git/*' | sort` } },
        };
      case 'search': {
        // A symbol is looked for in the code; a phrase anywhere (it may come from a message or the docs).
        const command = step.searchKind === 'symbol' ? `grep -rn ${singleQuote(step.query)} ${this.root} --include='*.py'` : `grep -rn ${singleQuote(step.query)} ${this.root}`;
        const previous = this.lastStep?.kind === 'search' ? this.searchHits : [];
        const reaction = afterReproduce !== undefined ? this.monologue.reproduced(afterReproduce) : undefined;
        return { thought: join(reaction, this.monologue.search(step.query, step.searchKind, previous, step.purpose)), action: { tool: 'bash', args: { command } } };
      }
      case 'view': {
        const target = step.purpose === 'symptom' ? this.record.symptom.function : step.purpose.function;
        const line = definitionLines(this.searchObservation, this.root, step.file, `def ${target}(`)[0];
        const thought = join(afterReproduce !== undefined ? this.monologue.reproduced(afterReproduce) : undefined, this.monologue.view(step.file, this.searchHits, line, step.purpose));
        return { thought, action: { tool: 'str_replace_editor', args: { command: 'view', path: this.path(step.file) } } };
      }
      case 'reproduce': {
        const seen = this.plan.slice(0, this.next - 1).some((earlier) => earlier.kind === 'view');
        const editNote = this.lastStep?.kind === 'edit' ? this.monologue.editResult(observation) : undefined;
        return { thought: join(editNote, this.monologue.reproduce(step.first, seen)), action: { tool: 'bash', args: { command: `cd ${this.root} && ${this.record.reproduce.command}` } } };
      }
      case 'edit': {
        const edit = this.record.edits[step.index]!;
        const earlierNote = step.index > 0 ? this.monologue.editResult(observation) : undefined;
        const thought = join(earlierNote, this.monologue.edit(siteOfEdit(this.record, step.index), step.index, this.record.edits.length, afterReproduce));
        return { thought, action: { tool: 'str_replace_editor', args: { command: 'str_replace', path: this.path(edit.path), old_str: edit.old_str, new_str: edit.new_str } } };
      }
      case 'test':
        return { thought: this.monologue.tests(lastLine(observation)), action: { tool: 'bash', args: { command: `cd ${this.root} && ${this.record.test_command}` } } };
      case 'submit':
        return { thought: this.monologue.submit(testRunOutcome(observation)), action: { tool: 'submit', args: {} } };
    }
  }
}

function join(...parts: Array<string | undefined>): string {
  return parts.filter((part): part is string => part !== undefined && part !== '').join(' ');
}

function lastUserContent(messages: readonly ChatMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role === 'user' || message.role === 'tool') return message.content;
  }
  return '';
}

/** `createPolicy({type: 'scripted-teacher', record, seed?, root?, format?})`. */
export function registerScriptedTeacher(): void {
  registerPolicyType(SCRIPTED_TEACHER_TYPE, (config: PolicyConfig) => {
    const { record, seed, root, format } = config as unknown as ScriptedTeacherOptions;
    if (record === undefined) throw new Error('the scripted teacher needs the task\'s teacher record');
    return new ScriptedTeacherPolicy({ record, ...(seed !== undefined ? { seed } : {}), ...(root !== undefined ? { root } : {}), ...(format !== undefined ? { format } : {}) });
  });
}
