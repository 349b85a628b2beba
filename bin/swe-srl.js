#!/usr/bin/env node
// The published entry: run the TypeScript sources through tsx so a clone works without a build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

register();
const here = dirname(fileURLToPath(import.meta.url));
await import(join(here, '..', 'src', 'cli', 'main.ts'));
