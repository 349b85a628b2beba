#!/usr/bin/env node
// Builds the native kernels (node-gyp against OpenBLAS) as part of `npm ci` / `npm install`.
// It never fails the install: a machine without a compiler or OpenBLAS still installs, and the
// trainer then says why it fell back (the reason is kept in build/status.json).
//
//   node native/build.mjs           build unless the last build used the same sources
//   node native/build.mjs --force   always rebuild
//   SWE_SRL_NATIVE_BUILD=0          skip the build (the trainer then reports that)
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const buildDir = join(here, 'build');
const statusPath = join(buildDir, 'status.json');
const logPath = join(buildDir, 'build-output.txt');
const addonPath = join(buildDir, 'Release', 'swe_srl_native.node');

function sourceStamp() {
  const hash = createHash('sha256');
  hash.update(process.version);
  for (const file of ['binding.gyp', 'locate-openblas.cjs', ...readdirSync(join(here, 'src')).sort().map((name) => join('src', name))]) {
    hash.update(file);
    hash.update(readFileSync(join(here, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

function writeStatus(status) {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(statusPath, `${JSON.stringify({ ...status, at: new Date().toISOString() }, null, 2)}\n`);
}

function previousStatus() {
  try {
    return JSON.parse(readFileSync(statusPath, 'utf8'));
  } catch {
    return undefined;
  }
}

function commandWorks(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

// node-gyp ships inside npm; npm tells its scripts where (npm_config_node_gyp).
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((candidate) => candidate && existsSync(candidate));
}

// Headers installed beside node (Debian's and NodeSource's packages, the official tarballs)
// spare node-gyp a download, which fails on a machine without internet access.
function findNodeHeaders() {
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

function missingPrerequisite() {
  if (process.platform !== 'linux') return `native kernels are built on Linux only (this is ${process.platform})`;
  if (!commandWorks('c++', ['--version']) && !commandWorks('g++', ['--version'])) return 'no C++ compiler (apt-get install g++ make)';
  if (!commandWorks('make', ['--version'])) return 'no make (apt-get install make)';
  const located = spawnSync(process.execPath, [join(here, 'locate-openblas.cjs'), 'include'], { encoding: 'utf8' });
  if (located.status !== 0) return 'OpenBLAS headers not found (apt-get install libopenblas-dev libopenblas0-pthread)';
  if (!findNodeGyp()) return 'node-gyp not found (it ships with npm)';
  return undefined;
}

function build() {
  const force = process.argv.includes('--force');
  if (process.env.SWE_SRL_NATIVE_BUILD === '0') {
    writeStatus({ ok: false, reason: 'build skipped: SWE_SRL_NATIVE_BUILD=0 was set at install time' });
    return 'skipped (SWE_SRL_NATIVE_BUILD=0)';
  }
  const stamp = sourceStamp();
  const previous = previousStatus();
  if (!force && previous?.ok && previous.stamp === stamp && existsSync(addonPath)) return 'up to date';

  const missing = missingPrerequisite();
  if (missing) {
    writeStatus({ ok: false, reason: missing, stamp });
    return `not built: ${missing}`;
  }
  const nodeGyp = findNodeGyp();
  const args = [nodeGyp, 'rebuild', '--jobs=max'];
  const headers = findNodeHeaders();
  if (headers) args.push(`--nodedir=${headers}`);
  const result = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(logPath, output);
  if (result.status !== 0 || !existsSync(addonPath)) {
    const firstError = output.split('\n').find((line) => /error/i.test(line) && !/^gyp info/.test(line));
    const reason = `node-gyp failed (${firstError?.trim().slice(0, 200) ?? `exit ${result.status}`}); full output in native/build/build-output.txt`;
    writeStatus({ ok: false, reason, stamp });
    return `not built: ${reason}`;
  }
  writeStatus({ ok: true, stamp });
  return 'built';
}

let outcome;
try {
  outcome = build();
} catch (error) {
  outcome = `not built: ${error instanceof Error ? error.message : String(error)}`;
  try {
    writeStatus({ ok: false, reason: outcome });
  } catch {
    // The status file is a convenience; the install must go on without it.
  }
}
const fallback = outcome.startsWith('not built') || outcome.startsWith('skipped') ? '; training will use the next backend present (tfjs-wasm, then cpu)' : '';
console.log(`swe-srl native kernels: ${outcome}${fallback}`);
