#!/usr/bin/env node
// The published entry. It runs the compiled CLI in dist/ (built by `npm ci` through the `prepare`
// script), which starts in a fraction of the time the TypeScript sources take through tsx. When
// dist/ is missing or older than a source file (an edit since the last build), it runs the sources
// through tsx instead, so a clone never runs stale code.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function distIsFresh() {
  try {
    return statSync(join(root, 'dist', '.build-stamp')).mtimeMs >= newestSource(join(root, 'src'));
  } catch {
    return false;
  }
}

let entry;
if (distIsFresh()) {
  entry = join(root, 'dist', 'cli', 'main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = join(root, 'src', 'cli', 'main.ts');
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv.slice(2));
