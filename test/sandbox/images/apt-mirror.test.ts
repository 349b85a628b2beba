import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_DEBIAN_MIRROR, findAptMirror, mirrorsFromDeb822, mirrorsFromOneLine } from '../../../src/sandbox/images/apt-mirror.js';
import { tempDir } from '../../helpers/temp-dir.js';

const scratch = await tempDir('apt');
after(() => rm(scratch, { recursive: true, force: true }));

test('deb822 sources give the main archive, not the security one', () => {
  const text = [
    'Types: deb',
    '# http://snapshot.debian.org/archive/debian/20250520T000000Z',
    'URIs: http://mirror.example/debian',
    'Suites: bookworm bookworm-updates',
    'Components: main',
    '',
    'Types: deb',
    'URIs: http://mirror.example/debian-security',
    'Suites: bookworm-security',
  ].join('\n');
  assert.deepEqual(mirrorsFromDeb822(text), ['http://mirror.example/debian']);
  assert.deepEqual(mirrorsFromDeb822('Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\n'), []);
});

test('one-line sources give the main archive, with or without options', () => {
  const text = '# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://one.example/debian bookworm main\ndeb http://sec.example/debian-security bookworm-security main\n';
  assert.deepEqual(mirrorsFromOneLine(text), ['http://one.example/debian']);
});

test('findAptMirror prefers a Debian archive over third-party repositories and falls back to deb.debian.org', async () => {
  const dir = join(scratch, 'sources.list.d');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'a-nodesource.list'), 'deb https://deb.nodesource.com/node_20.x nodistro main\n');
  await writeFile(join(dir, 'debian.sources'), 'Types: deb\nURIs: http://local-mirror.example/debian\nSuites: bookworm\n');
  assert.equal(await findAptMirror({ sourcesDir: dir, sourcesList: join(scratch, 'absent') }), 'http://local-mirror.example/debian');
  assert.equal(await findAptMirror({ sourcesDir: join(scratch, 'absent'), sourcesList: join(scratch, 'absent') }), DEFAULT_DEBIAN_MIRROR);
});
