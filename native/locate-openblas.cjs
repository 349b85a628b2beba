// Prints where Debian's OpenBLAS lives, for binding.gyp's command expansions:
//   node locate-openblas.cjs include   -> the folder holding cblas.h
//   node locate-openblas.cjs lib       -> the folder holding libopenblas.so
// Debian installs the pthread, openmp and serial flavours side by side under the multiarch
// folder; the pthread one comes first because it is the one that uses every core.
'use strict';
const { existsSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

function multiarch() {
  try {
    return execFileSync('gcc', ['-print-multiarch'], { encoding: 'utf8' }).trim();
  } catch {
    return `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`;
  }
}

const triplet = multiarch();
const flavours = ['openblas-pthread', 'openblas-openmp', 'openblas-serial', 'openblas'];
const includeDirs = [
  ...flavours.map((flavour) => join('/usr/include', triplet, flavour)),
  '/usr/include/openblas',
  '/usr/include',
];
const libDirs = [...flavours.map((flavour) => join('/usr/lib', triplet, flavour)), join('/usr/lib', triplet), '/usr/lib'];

function locate(what) {
  if (what === 'include') return includeDirs.find((dir) => existsSync(join(dir, 'cblas.h')));
  if (what === 'lib') return libDirs.find((dir) => existsSync(join(dir, 'libopenblas.so')));
  throw new Error(`locate-openblas: unknown question ${what} (include or lib)`);
}

const found = locate(process.argv[2]);
if (!found) {
  process.stderr.write(
    `OpenBLAS ${process.argv[2] === 'lib' ? 'libopenblas.so' : 'cblas.h'} not found: apt-get install libopenblas-dev libopenblas0-pthread\n`,
  );
  process.exit(1);
}
process.stdout.write(found);
