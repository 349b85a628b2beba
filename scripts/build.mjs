#!/usr/bin/env node
// Compiles src/ to dist/ (plain JavaScript, so the CLI starts without transpiling) and copies the
// files the code reads at run time (the prompt templates). Run by `npm ci` / `npm install` as the
// `prepare` script, so a fresh clone has it; bin/swe-srl.js falls back to the sources when dist/
// is missing or older than src/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(dist, { recursive: true, force: true });
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
// tsc emits JavaScript despite type errors; those are `npm test`'s to report (it typechecks), and an
// install must not fail over them. Only a build that emitted nothing is a failure.
if (!existsSync(join(dist, 'cli', 'main.js'))) process.exit(compiled.status || 1);
if (compiled.status !== 0) console.error('build: dist/ was written, but the sources have type errors (npm run typecheck shows them)');

function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (/\.ya?ml$/.test(name)) {
      const target = join(dist, relative(join(root, 'src'), path));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(path, target);
    }
  }
}
copyAssets(join(root, 'src'));
// Written last: the launcher trusts dist/ only when this stamp is newer than every source file.
writeFileSync(join(dist, '.build-stamp'), `${new Date().toISOString()}\n`);
