/**
 * The stage types a pipeline file may use. The built-in stages register themselves in
 * src/pipeline/stages/index.ts; another part of the project (the trainer's `sft`, `srl`, `rlvr`)
 * joins with one `registerStage(definition)` call in that list.
 */
import type { StageDefinition } from './stage.js';

const stages = new Map<string, StageDefinition>();

export function registerStage(definition: StageDefinition): void {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.type)) throw new Error(`stage type "${definition.type}": use lowercase letters, digits and "-"`);
  if (stages.has(definition.type)) throw new Error(`stage type "${definition.type}" is registered twice`);
  for (const [slot, input] of Object.entries(definition.inputs)) {
    if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(slot)) throw new Error(`stage type "${definition.type}": input "${slot}" is not a plain name`);
    if (input.kind === undefined) throw new Error(`stage type "${definition.type}": input "${slot}" has no kind`);
  }
  stages.set(definition.type, definition);
}

export function stageDefinition(type: string): StageDefinition | undefined {
  return stages.get(type);
}

export function stageTypes(): string[] {
  return [...stages.keys()];
}
