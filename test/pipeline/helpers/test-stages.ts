/**
 * Stage types for testing the runner's own behaviour (resume, skip, conflicts, a full disk) without
 * sandboxes: `test-items` writes one file per item, keeping those a crashed attempt finished, and
 * can be told to fail after some new items; `test-consume` reads them.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { registerStage, stageDefinition, type StageDefinition } from '../../../src/pipeline/index.js';
import { writeFileAtomically } from '../../../src/io/atomic-write.js';

/** What the test stages did, for assertions; reset by each test. */
export const calls = { items: [] as string[], consume: 0, failAfter: undefined as number | undefined, itemBytes: 16 };

export function resetCalls(): void {
  calls.items = [];
  calls.consume = 0;
  calls.failAfter = undefined;
  calls.itemBytes = 16;
}

const itemsSettings = z.strictObject({ items: z.number().int().min(1), label: z.string().default('item') });

const itemsStage: StageDefinition<typeof itemsSettings> = {
  type: 'test-items',
  description: 'writes one file per item (test stage)',
  settings: itemsSettings,
  inputs: {},
  outputs: { made: { kind: 'images', description: 'the item folder' } },
  version: 1,
  async run({ settings, dir, progress, metrics }) {
    const itemsDir = join(dir, 'items');
    await mkdir(itemsDir, { recursive: true });
    const done = new Set(await readdir(itemsDir));
    progress.total(settings.items, 'items');
    let fresh = 0;
    for (let index = 0; index < settings.items; index++) {
      const name = `${settings.label}-${index}.txt`;
      if (done.has(name)) {
        progress.advance(1);
        continue;
      }
      if (calls.failAfter !== undefined && fresh >= calls.failAfter) throw new Error(`stopped on purpose after ${fresh} new items`);
      await writeFileAtomically(join(itemsDir, name), 'x'.repeat(calls.itemBytes));
      calls.items.push(name);
      fresh += 1;
      await metrics.write({ step: index, loss: 1 / (index + 1), reward_mean: index / settings.items });
      progress.advance(1, name);
    }
    return { outputs: { made: { kind: 'images', files: { store: itemsDir } } }, summary: { items: settings.items, fresh } };
  },
};

const consumeStage: StageDefinition<z.ZodObject> = {
  type: 'test-consume',
  description: 'reads what test-items made (test stage)',
  settings: z.strictObject({}),
  inputs: { made: { kind: 'images', description: 'items' } },
  outputs: { counted: { kind: 'steps', description: 'count.txt' } },
  version: 1,
  async run({ inputs, dir }) {
    calls.consume += 1;
    const count = (await readdir(inputs.made!.files.store!)).length;
    await writeFile(join(dir, 'count.txt'), String(count));
    return { outputs: { counted: { kind: 'steps', files: { steps: join(dir, 'count.txt') } } }, summary: { count } };
  },
};

export function registerTestStages(): void {
  for (const stage of [itemsStage, consumeStage] as StageDefinition[]) if (!stageDefinition(stage.type)) registerStage(stage);
}
