/**
 * A pipeline file: where the run goes, which sandboxes it uses, and its stages in order. The whole
 * file is checked before any work starts: the envelope, each stage's type and settings (by the
 * stage's own schema), unique names, and the wiring of every input to an earlier stage's output.
 * Every problem is reported with the file, the line and the field.
 *
 *     runDir: ../runs/default          # relative paths are relative to this file's folder
 *     sandbox: {backend: auto, maxWorkers: 2}
 *     stages:
 *       - stage: tasks                 # the stage type
 *         tiers: [easy, medium, hard]  # its settings
 *         count: 2
 *       - stage: teacher
 *         inputs: {tasks: tasks}       # slot: the stage that feeds it (or stage.output)
 *       - stage: steps                 # inputs left out come from the nearest earlier stage making that kind
 *
 * An input written `stage` takes that stage's one output of the slot's kind; `stage.output` names
 * the output. A required input that is left out is fed by the latest earlier stage with an output
 * of its kind; an optional one is fed only when named.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { fileReadError } from '../io/read-error.js';
import type { BackendChoice } from '../sandbox/backend-choice.js';
import { stageDefinition, stageTypes } from './registry.js';
import type { ArtifactKind, OutputSlot, StageDefinition } from './stage.js';
import { describeIssues, lineOf, parseYaml, type LocatedIssue, type ParsedYaml } from './yaml-issues.js';

const RESERVED_KEYS = ['stage', 'name', 'inputs'] as const;
const stageName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, "-" and "_" (it names the stage\'s folder)').max(60);

export const sandboxSettingsSchema = z.strictObject({
  /** auto: Docker when an engine answers, else the local (bubblewrap) backend. */
  backend: z.enum(['auto', 'docker', 'local']).default('auto'),
  /** Sandboxes at once, for stages that run many (evaluation, the teacher, task validation). */
  maxWorkers: z.number().int().min(1).max(64).default(2),
  /** Local backend without bubblewrap: runs commands on the host unisolated. */
  allowUnsafe: z.boolean().default(false),
});
export type SandboxSettings = z.output<typeof sandboxSettingsSchema>;

const envelopeSchema = z.strictObject({
  description: z.string().optional(),
  runDir: z.string({ error: 'missing: the folder the run writes to (relative to this file)' }).min(1),
  sandbox: sandboxSettingsSchema.default(sandboxSettingsSchema.parse({})),
  /**
   * Not read by any stage: a place to define YAML anchors (`defaults: &arm {...}`) that stages
   * merge with `<<: *arm`, so the settings many stages share are written once.
   */
  defaults: z.unknown().optional(),
  stages: z
    .array(
      z.looseObject({
        stage: z.string({ error: 'missing: the stage type' }).min(1),
        name: stageName.optional(),
        inputs: z.record(z.string(), z.string().min(1), { error: 'expected a map of input slot to stage name' }).optional(),
      }),
      { error: 'expected a list of stages' },
    )
    .min(1, 'a pipeline needs at least one stage'),
});

/** Where an input is fed from. */
export interface InputWire {
  stage: string;
  output: string;
  kind: ArtifactKind;
  /** Written in the file (true) or chosen as the latest earlier producer (false). */
  explicit: boolean;
}

export interface PlannedStage {
  index: number;
  name: string;
  type: string;
  definition: StageDefinition;
  /** The settings after validation (defaults filled in). */
  settings: unknown;
  inputs: Record<string, InputWire>;
  /** Where the entry starts in the file. */
  line?: number;
}

export interface PipelinePlan {
  file: string;
  /** The folder relative paths in the file are taken from. */
  baseDir: string;
  description?: string;
  runDir: string;
  sandbox: SandboxSettings;
  stages: PlannedStage[];
}

export interface LoadPipelineOptions {
  /** Overrides the file's runDir (a path from the caller, not relative to the file). */
  runDir?: string;
}

/** Reads and checks a pipeline file. Throws one InputError listing every problem, each as `file:line: field: message`. */
export async function loadPipelineFile(path: string, options: LoadPipelineOptions = {}): Promise<PipelinePlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileReadError(path, error, 'a pipeline file');
  }
  return parsePipeline(text, path, options);
}

export function parsePipeline(text: string, file: string, options: LoadPipelineOptions = {}): PipelinePlan {
  const yaml = parseYaml(text, file);
  const envelope = envelopeSchema.safeParse(yaml.value ?? {});
  if (!envelope.success) throw problemsError(yaml, file, envelope.error.issues as LocatedIssue[]);

  const issues: LocatedIssue[] = [];
  const stages: PlannedStage[] = [];
  const names = new Map<string, number>();
  for (const [index, entry] of envelope.data.stages.entries()) {
    const at = (...path: PropertyKey[]) => ['stages', index, ...path];
    const definition = stageDefinition(entry.stage);
    const name = entry.name ?? entry.stage;
    if (!definition) {
      issues.push({ path: at('stage'), message: `unknown stage "${entry.stage}" (known: ${stageTypes().join(', ')})` });
      continue;
    }
    const earlierIndex = names.get(name);
    if (earlierIndex !== undefined) {
      issues.push({ path: at(entry.name !== undefined ? 'name' : 'stage'), message: `stages[${earlierIndex}] is already named "${name}"; give this one another name (the name is its folder)` });
    }
    names.set(name, index);

    const rawSettings = Object.fromEntries(Object.entries(entry).filter(([key]) => !(RESERVED_KEYS as readonly string[]).includes(key)));
    const parsed = definition.settings.safeParse(rawSettings);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ ...(issue as LocatedIssue), path: at(...(issue.path as PropertyKey[])) });
    }
    const inputs = wireInputs(definition, entry.inputs ?? {}, stages, at, issues);
    if (parsed.success) {
      const problem = definition.checkWiring?.(parsed.data, Object.keys(inputs));
      if (problem) issues.push({ path: at(entry.inputs ? 'inputs' : 'stage'), message: problem });
    }
    const line = lineOf(yaml, at());
    stages.push({ index, name, type: entry.stage, definition, settings: parsed.success ? parsed.data : undefined, inputs, ...(line !== undefined ? { line } : {}) });
  }
  if (issues.length > 0) throw problemsError(yaml, file, issues);

  const baseDir = dirname(resolve(file));
  return {
    file,
    baseDir,
    ...(envelope.data.description !== undefined ? { description: envelope.data.description } : {}),
    runDir: options.runDir !== undefined ? resolve(options.runDir) : resolve(baseDir, envelope.data.runDir),
    sandbox: envelope.data.sandbox,
    stages,
  };
}

function problemsError(yaml: ParsedYaml, file: string, issues: readonly LocatedIssue[]): InputError {
  const lines = describeIssues(yaml, file, issues);
  return new InputError(lines.length === 1 ? lines[0]! : `${basename(file)} has ${lines.length} problems:\n  ${lines.join('\n  ')}`);
}

/** The outputs a planned stage makes (with its settings). */
export function outputSlots(stage: Pick<PlannedStage, 'definition' | 'settings'>): Record<string, OutputSlot> {
  const { outputs } = stage.definition;
  return typeof outputs === 'function' ? (stage.settings === undefined ? {} : outputs(stage.settings)) : outputs;
}

function outputsOfKind(stage: PlannedStage, kind: ArtifactKind): string[] {
  return Object.entries(outputSlots(stage))
    .filter(([, slot]) => slot.kind === kind)
    .map(([output]) => output);
}

function wireInputs(
  definition: StageDefinition,
  written: Record<string, string>,
  earlier: readonly PlannedStage[],
  at: (...path: PropertyKey[]) => PropertyKey[],
  issues: LocatedIssue[],
): Record<string, InputWire> {
  const wires: Record<string, InputWire> = {};
  for (const slot of Object.keys(written)) {
    if (!(slot in definition.inputs)) {
      const known = Object.keys(definition.inputs);
      issues.push({ path: at('inputs', slot), message: `stage "${definition.type}" has no input "${slot}" (${known.length > 0 ? `its inputs: ${known.join(', ')}` : 'it takes none'})` });
    }
  }
  for (const [slot, input] of Object.entries(definition.inputs)) {
    const reference = written[slot];
    if (reference === undefined) {
      // Optional inputs are only ever wired by name: feeding one silently would change what the stage does.
      if (input.optional) continue;
      const producer = [...earlier].reverse().find((stage) => outputsOfKind(stage, input.kind).length > 0);
      if (producer) {
        wires[slot] = { stage: producer.name, output: outputsOfKind(producer, input.kind)[0]!, kind: input.kind, explicit: false };
      } else {
        issues.push({ path: at('stage'), message: `input "${slot}" needs ${input.kind}, and no earlier stage makes ${input.kind}${makersHint(input.kind)}` });
      }
      continue;
    }
    const [stageNamePart, outputPart, ...rest] = reference.split('.');
    const producer = earlier.find((stage) => stage.name === stageNamePart);
    if (rest.length > 0 || !stageNamePart) {
      issues.push({ path: at('inputs', slot), message: `"${reference}" is not a stage name or stage.output` });
      continue;
    }
    if (!producer) {
      issues.push({ path: at('inputs', slot), message: `no earlier stage is named "${stageNamePart}"${earlier.length > 0 ? ` (earlier stages: ${earlier.map((stage) => stage.name).join(', ')})` : ' (this is the first stage)'}` });
      continue;
    }
    const candidates = outputPart !== undefined ? [outputPart] : outputsOfKind(producer, input.kind);
    const output = candidates[0];
    const slotOfOutput = output !== undefined ? outputSlots(producer)[output] : undefined;
    if (output === undefined || slotOfOutput === undefined) {
      const what = outputPart !== undefined ? `has no output "${outputPart}"` : `makes no ${input.kind}`;
      issues.push({ path: at('inputs', slot), message: `stage "${producer.name}" (${producer.type}) ${what}; input "${slot}" needs ${input.kind}` });
      continue;
    }
    if (slotOfOutput.kind !== input.kind) {
      issues.push({ path: at('inputs', slot), message: `${producer.name}.${output} is ${slotOfOutput.kind}, but input "${slot}" needs ${input.kind}` });
      continue;
    }
    wires[slot] = { stage: producer.name, output, kind: input.kind, explicit: true };
  }
  return wires;
}

function makersHint(kind: ArtifactKind): string {
  const makers = stageTypes().filter((type) => {
    const { outputs } = stageDefinition(type)!;
    return typeof outputs === 'function' || Object.values(outputs).some((slot) => slot.kind === kind);
  });
  return makers.length > 0 ? ` (add one before it: ${makers.join(', ')})` : '';
}

export type { BackendChoice };
