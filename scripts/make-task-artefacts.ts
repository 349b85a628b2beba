/**
 * Regenerates the task family's shipped artefacts from the code (never edit them by hand):
 *   environments/swe-srl-tasks.yaml   the family's environment spec (src/tasks/family-spec.ts)
 *
 *   npx tsx scripts/make-task-artefacts.ts           write them
 *   npx tsx scripts/make-task-artefacts.ts --check   exit 1 if a shipped file is out of date
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAMILY_SPEC_FILE, FAMILY_SPEC_YAML } from '../src/tasks/family-spec.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const artefacts: Array<{ path: string; content: string }> = [{ path: join(root, 'environments', FAMILY_SPEC_FILE), content: FAMILY_SPEC_YAML }];

const check = process.argv.includes('--check');
let stale = 0;
for (const artefact of artefacts) {
  const current = await readFile(artefact.path, 'utf8').catch(() => undefined);
  if (current === artefact.content) continue;
  if (check) {
    console.error(`${artefact.path} is out of date: run npx tsx scripts/make-task-artefacts.ts`);
    stale++;
  } else {
    await writeFile(artefact.path, artefact.content);
    console.error(`wrote ${artefact.path}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
