// The install step (native/build.mjs, run by npm ci) never fails the install: without a compiler
// it records why, and says what training will use instead.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const nativeDir = fileURLToPath(new URL('../../../native/', import.meta.url));
const buildDir = join(nativeDir, 'build');
/** Copies the sources, not the build this tree already has. */
const outsideBuildDir = (source: string) => source !== buildDir && !source.startsWith(`${buildDir}/`);

describe('native build step', () => {
  it('exits 0 without a C++ compiler, recording the reason and the fallback', () => {
    const work = mkdtempSync(join(tmpdir(), 'swe-srl-native-build-'));
    try {
      const copy = join(work, 'native');
      cpSync(nativeDir, copy, { recursive: true, filter: outsideBuildDir });
      // A PATH holding node alone: no c++, g++ or make.
      const bin = join(work, 'bin');
      mkdirSync(bin);
      symlinkSync(process.execPath, join(bin, 'node'));
      const result = spawnSync(join(bin, 'node'), [join(copy, 'build.mjs')], { encoding: 'utf8', env: { PATH: bin, HOME: work } });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /swe-srl native kernels: not built: no C\+\+ compiler .*training will use the next backend present \(tfjs-wasm, then cpu\)/);
      const status = JSON.parse(readFileSync(join(copy, 'build', 'status.json'), 'utf8'));
      assert.equal(status.ok, false);
      assert.match(status.reason, /no C\+\+ compiler/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('says it was skipped when SWE_SRL_NATIVE_BUILD=0', () => {
    const work = mkdtempSync(join(tmpdir(), 'swe-srl-native-build-'));
    try {
      const copy = join(work, 'native');
      cpSync(nativeDir, copy, { recursive: true, filter: outsideBuildDir });
      const result = spawnSync(process.execPath, [join(copy, 'build.mjs')], { encoding: 'utf8', env: { ...process.env, SWE_SRL_NATIVE_BUILD: '0' } });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /skipped \(SWE_SRL_NATIVE_BUILD=0\)/);
      assert.match(JSON.parse(readFileSync(join(copy, 'build', 'status.json'), 'utf8')).reason, /SWE_SRL_NATIVE_BUILD=0/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
