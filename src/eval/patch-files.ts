/**
 * What a patch touches, read from its headers: `diff --git a/X b/Y` for git patches, `--- a/X` and
 * `+++ b/Y` for plain unified diffs (which `patch` accepts and `git apply` may not).
 */
export interface PatchedFile {
  /** Path before the change (undefined for a new file). */
  oldPath: string | undefined;
  /** Path after the change (undefined for a deleted file). */
  newPath: string | undefined;
}

function stripPrefix(path: string): string | undefined {
  const clean = path.replace(/\t.*$/, '').trim();
  if (clean === '/dev/null') return undefined;
  // Quoted paths ("a/with space") as git writes them for unusual names.
  const unquoted = clean.startsWith('"') && clean.endsWith('"') ? clean.slice(1, -1) : clean;
  return unquoted.replace(/^[ab]\//, '');
}

/** Normalises line endings: patches recorded from terminals carry CRLF, which no tool applies. */
export function normalizePatch(patch: string): string {
  const unix = patch.replace(/\r\n/g, '\n');
  return unix.endsWith('\n') ? unix : `${unix}\n`;
}

export function patchedFiles(patch: string): PatchedFile[] {
  const files: PatchedFile[] = [];
  let current: PatchedFile | undefined;
  let sawGitHeader = false;
  // Lines still due in the current hunk, by its `@@ -a,b +c,d @@` header: a hunk line that removes
  // `-- x` (an SQL comment) or adds `++ x` looks like a file header, so hunks are counted through.
  let oldLinesDue = 0;
  let newLinesDue = 0;
  for (const line of normalizePatch(patch).split('\n')) {
    if (oldLinesDue > 0 || newLinesDue > 0) {
      const kind = line.charAt(0);
      if (kind === ' ' || kind === '-' || kind === '+' || kind === '\\' || line === '') {
        if (kind !== '+' && kind !== '\\') oldLinesDue--;
        if (kind !== '-' && kind !== '\\') newLinesDue--;
        continue;
      }
      oldLinesDue = newLinesDue = 0;
    }
    const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (hunk) {
      oldLinesDue = hunk[1] === undefined ? 1 : Number(hunk[1]);
      newLinesDue = hunk[2] === undefined ? 1 : Number(hunk[2]);
      continue;
    }
    if (line.startsWith('diff --git ')) {
      // git leaves a path with spaces unquoted (`diff --git a/x y.py b/x y.py`); a header that
      // cannot be split still starts a new file, whose `---`/`+++` lines then name it.
      const git = /^diff --git (\S+|"[^"]*") (\S+|"[^"]*")$/.exec(line);
      const spaced = /^diff --git a\/(.+) b\/\1$/.exec(line);
      if (git) current = { oldPath: stripPrefix(git[1]!), newPath: stripPrefix(git[2]!) };
      else if (spaced) current = { oldPath: spaced[1]!, newPath: spaced[1]! };
      else current = { oldPath: undefined, newPath: undefined };
      files.push(current);
      sawGitHeader = true;
      continue;
    }
    if (line.startsWith('new file mode') && current) current.oldPath = undefined;
    else if (line.startsWith('deleted file mode') && current) current.newPath = undefined;
    else if (line.startsWith('--- ')) {
      const oldPath = stripPrefix(line.slice(4));
      if (!sawGitHeader) {
        current = { oldPath, newPath: oldPath };
        files.push(current);
      } else if (current) current.oldPath = oldPath;
    } else if (line.startsWith('+++ ') && current) {
      current.newPath = stripPrefix(line.slice(4));
    }
  }
  return files;
}

/** Every path a patch reads or writes, once each. */
export function touchedPaths(patch: string): string[] {
  const paths = new Set<string>();
  for (const file of patchedFiles(patch)) {
    if (file.oldPath !== undefined) paths.add(file.oldPath);
    if (file.newPath !== undefined) paths.add(file.newPath);
  }
  return [...paths];
}

// SWE-bench's list of extensions that are data, not tests, when choosing which files to run.
const NON_TEST_EXTENSIONS = ['.json', '.png', 'csv', '.txt', '.md', '.jpg', '.jpeg', '.pkl', '.yml', '.yaml', '.toml'];

// SWE-bench's is_django_test_file: Django's runner only takes modules that hold tests.
function isDjangoTestFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name === 'tests.py' || name.startsWith('test_') || path.includes('/tests/') || path.includes('/test_');
}

/** A Django test file as the dotted label Django's runner takes: `tests/a/b.py` → `a.b`. */
export function djangoTestLabel(path: string): string {
  let label = path.endsWith('.py') ? path.slice(0, -3) : path;
  if (label.startsWith('tests/')) label = label.slice('tests/'.length);
  return label.replace(/\//g, '.');
}

/**
 * The test files a test patch adds or changes, which SWE-bench passes to the test command (its
 * "test directives"). Files the patch deletes are left out: no runner can be pointed at them.
 * With `django`, as SWE-bench does for Django (whose runner refuses file paths), only test modules
 * are kept and each becomes its dotted label.
 */
export function testDirectives(testPatch: string, style: 'paths' | 'django' = 'paths'): string[] {
  const directives: string[] = [];
  for (const file of patchedFiles(testPatch)) {
    if (file.newPath === undefined) continue;
    if (NON_TEST_EXTENSIONS.some((extension) => file.newPath!.endsWith(extension))) continue;
    if (style === 'django' && !isDjangoTestFile(file.newPath)) continue;
    const directive = style === 'django' ? djangoTestLabel(file.newPath) : file.newPath;
    if (!directives.includes(directive)) directives.push(directive);
  }
  return directives;
}
