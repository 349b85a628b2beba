/**
 * Rebuilds the small repository a recorded SWE-agent `.traj` acted on, from what its observations
 * show: windows of files opened before they were edited (`[File: … (N lines total)]` and numbered
 * lines), and file names listed by `find_file`. Lines the trajectory never showed become comment
 * placeholders; where the recorded patch names a hunk's function context (`@@ … @@ def f(...)`),
 * that line is put back in the unseen region, with a docstring opener when the visible code starts
 * inside one, so the file still parses and git prints the same hunk header.
 *
 * Test-only: it lets the replay tests run on the shared trajectories without their repositories.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import assert from 'node:assert/strict';
import { readAllTrajectories } from '../../src/trajectories/index.js';
import type { Trajectory } from '../../src/trajectories/schema.js';
import { sharedDataPath } from './shared-data.js';
import { withTempDir } from './temp-dir.js';

export interface RawTrajStep {
  action: string;
  observation: string;
  state?: unknown;
  /** Present on normalized steps; used to see `str_replace_editor` edits. */
  parsed_action?: { tool: string; args: Record<string, unknown> };
}

export interface RebuiltRepository {
  /** The repository root the trajectory worked in, e.g. `/pydicom__pydicom`. */
  recordedRoot: string;
  /** Relative path → content. */
  files: Record<string, string>;
  /** Relative path → permission bits, where the recorded patch shows them (`100755`). */
  modes: Record<string, number>;
}

interface KnownFile {
  total?: number;
  lines: Map<number, string>;
}

const PLACEHOLDER = '# (line not shown in the trajectory)';

function stateOf(step: RawTrajStep): { open_file?: string; working_dir?: string } {
  const state = typeof step.state === 'string' ? (JSON.parse(step.state) as unknown) : step.state;
  return typeof state === 'object' && state !== null ? (state as { open_file?: string; working_dir?: string }) : {};
}

/** `[File: path (N lines total)]` blocks and their numbered lines, skipping "would have looked" previews. */
function windowBlocks(observation: string): Array<{ path: string; total: number; lines: Map<number, string> }> {
  const text = observation.replaceAll('\r\n', '\n');
  const rows = text.split('\n');
  const blocks: Array<{ path: string; total: number; lines: Map<number, string> }> = [];
  let skipNext = false;
  for (let index = 0; index < rows.length; index += 1) {
    if (rows[index]!.startsWith('This is how your edit would have looked if applied')) skipNext = true;
    const header = /^\[File: (.+) \((\d+) lines total\)\]$/.exec(rows[index]!);
    if (!header) continue;
    const lines = new Map<number, string>();
    let next = index + 1;
    if (/^\(\d+ more lines above\)$/.test(rows[next] ?? '')) next += 1;
    for (; next < rows.length; next += 1) {
      const numbered = /^(\d+):(.*)$/.exec(rows[next]!);
      if (!numbered) break;
      lines.set(Number.parseInt(numbered[1]!, 10), numbered[2]!);
    }
    if (!skipNext) blocks.push({ path: header[1]!, total: Number.parseInt(header[2]!, 10), lines });
    skipNext = false;
    index = next - 1;
  }
  return blocks;
}

function isEditAction(action: string): boolean {
  return /^(edit|insert)\b/.test(action.trim());
}

function editSucceeded(observation: string): boolean {
  return !/introduced new syntax error|was not applied|No file open/.test(observation);
}

/** Hunk headers of the recorded patch: file → [{ old start line, function context }]. */
function hunkContexts(patch: string): Map<string, Array<{ start: number; context: string }>> {
  const result = new Map<string, Array<{ start: number; context: string }>>();
  let file: string | undefined;
  for (const line of patch.replaceAll('\r\n', '\n').split('\n')) {
    const header = /^diff --git a\/(.+) b\//.exec(line);
    if (header) file = header[1]!;
    const hunk = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$/.exec(line);
    if (hunk && file !== undefined && hunk[2] !== '') {
      const entries = result.get(file) ?? [];
      entries.push({ start: Number.parseInt(hunk[1]!, 10), context: hunk[2]! });
      result.set(file, entries);
    }
  }
  return result;
}

function modesOf(patch: string): Record<string, number> {
  const modes: Record<string, number> = {};
  let file: string | undefined;
  for (const line of patch.replaceAll('\r\n', '\n').split('\n')) {
    const header = /^diff --git a\/(.+) b\//.exec(line);
    if (header) file = header[1]!;
    const index = /^index [0-9a-f]+\.\.[0-9a-f]+ (\d{6})$/.exec(line);
    if (index && file !== undefined) modes[file] = Number.parseInt(index[1]!.slice(-3), 8);
  }
  return modes;
}

function parsesAsPython(text: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'swe-srl-rebuild-'));
  try {
    const path = join(dir, 'candidate.py');
    writeFileSync(path, text);
    execFileSync('python3', ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function render(total: number, lines: Map<number, string>): string {
  const out: string[] = [];
  for (let line = 1; line <= total; line += 1) out.push(lines.get(line) ?? PLACEHOLDER);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Puts hunk contexts back into unseen lines, choosing a variant that parses for Python files. */
function withContexts(path: string, known: KnownFile, contexts: Array<{ start: number; context: string }>): string {
  const total = known.total ?? Math.max(0, ...known.lines.keys());
  let lines = new Map(known.lines);
  for (const { start, context } of contexts) {
    if ([...lines.values()].includes(context)) continue;
    // The unseen line nearest above the hunk with only non-funcname lines between it and the hunk.
    let slot: number | undefined;
    for (let line = start - 1; line >= 1; line -= 1) {
      const text = lines.get(line);
      if (text === undefined) {
        slot = line;
        break;
      }
      if (/^[A-Za-z_$]/.test(text)) break;
    }
    if (slot === undefined) continue;
    const variants: Array<Map<number, string>> = [];
    const plain = new Map(lines);
    plain.set(slot, context);
    variants.push(plain);
    if (slot > 1 && !lines.has(slot - 1)) {
      for (const opener of ['    """', "    '''"]) {
        const docstring = new Map(lines);
        docstring.set(slot - 1, context);
        docstring.set(slot, opener);
        variants.push(docstring);
      }
    }
    lines = path.endsWith('.py') ? (variants.find((variant) => parsesAsPython(render(total, variant))) ?? plain) : plain;
  }
  return render(total, lines);
}

/** Rebuilds the repository of a SWE-agent `.traj` (its `trajectory[]` steps and `info.submission`). */
/** `str_replace_editor view` of a whole file: `cat -n` lines (an empty line may have lost its tab). */
function catBlocks(observation: string): Array<{ path: string; lines: string[] }> {
  const rows = observation.replaceAll('\r\n', '\n').split('\n');
  const blocks: Array<{ path: string; lines: string[] }> = [];
  for (let index = 0; index < rows.length; index += 1) {
    const header = /^Here's the result of running `cat -n` on (\/.+):$/.exec(rows[index]!);
    if (!header) continue;
    const lines: string[] = [];
    for (let next = index + 1; next < rows.length; next += 1) {
      const numbered = /^ *(\d+)(?:\t(.*))?$/.exec(rows[next]!);
      if (!numbered || Number.parseInt(numbered[1]!, 10) !== lines.length + 1) break;
      lines.push(numbered[2] ?? '');
    }
    blocks.push({ path: header[1]!, lines });
  }
  return blocks;
}

/** The paths of a `str_replace_editor view` of a directory, and the directory itself. */
function directoryListing(observation: string): { root: string; paths: string[] } | undefined {
  const text = observation.replaceAll('\r\n', '\n');
  const header = /^Here's the files and directories up to 2 levels deep in (\/\S*), excluding hidden items:\n([\s\S]*)$/m.exec(text);
  if (!header) return undefined;
  const paths = header[2]!.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('/'));
  return { root: header[1]!.replace(/\/+$/, ''), paths };
}

function firstWorkingDir(steps: RawTrajStep[]): string | undefined {
  for (const step of steps) {
    const directory = stateOf(step).working_dir;
    if (directory) return directory;
  }
  for (const step of steps) {
    const listing = directoryListing(step.observation);
    if (listing) return listing.root;
  }
  return undefined;
}

export function rebuildRepository(steps: RawTrajStep[], submission: string): RebuiltRepository {
  const recordedRoot = firstWorkingDir(steps) ?? '/';
  const known = new Map<string, KnownFile>();
  const touched = new Set<string>();
  const listed = new Set<string>();
  for (const step of steps) {
    const action = step.action.trim();
    const state = stateOf(step);
    const cwd = state.working_dir || recordedRoot;
    const editor = step.parsed_action?.tool === 'str_replace_editor' ? step.parsed_action.args : undefined;
    if (editor && typeof editor.path === 'string' && ['create', 'str_replace', 'insert', 'undo_edit'].includes(String(editor.command))) {
      touched.add(editor.path);
    }
    for (const block of catBlocks(step.observation)) {
      if (touched.has(block.path) || block.lines.length === 0) continue;
      // `cat -n` numbers the pieces of split("\n"): a last empty piece is the final newline.
      const lines = block.lines.at(-1) === '' ? block.lines.slice(0, -1) : block.lines;
      known.set(block.path, { total: lines.length, lines: new Map(lines.map((line, index) => [index + 1, line])) });
    }
    const listing = directoryListing(step.observation);
    if (listing) for (const path of listing.paths) listed.add(path);
    const resolve = (path: string) => posix.resolve(cwd, path.replace(/^"(.*)"$/, '$1'));
    const create = /^create\s+(.+)$/.exec(action);
    if (create) touched.add(resolve(create[1]!.trim()));
    const blocks = windowBlocks(step.observation);
    const succeededEdit = isEditAction(action) && editSucceeded(step.observation);
    // The first windowed edit of a file still shows base lines: those above the edit unchanged,
    // those below it shifted by the number of lines the edit added.
    const range = succeededEdit ? /^edit\s+(\d+)\s*:\s*(\d+)\s*\n([\s\S]*?)\nend_of_edit\s*$/.exec(action) : null;
    for (const block of blocks) {
      const path = resolve(block.path);
      if (touched.has(path)) continue;
      const entry = known.get(path) ?? { lines: new Map<number, string>() };
      if (succeededEdit) {
        if (range) {
          const start = Number.parseInt(range[1]!, 10);
          const end = Number.parseInt(range[2]!, 10);
          const added = range[3]!.split('\n').length - (end - start + 1);
          for (const [line, text] of block.lines) {
            if (line < start) entry.lines.set(line, text);
            else if (line >= start + range[3]!.split('\n').length) entry.lines.set(line - added, text);
          }
          entry.total ??= block.total - added;
          known.set(path, entry);
        }
        // A successful edit changed the file: later windows no longer show the base commit.
        touched.add(path);
        continue;
      }
      entry.total = block.total;
      for (const [line, text] of block.lines) entry.lines.set(line, text);
      known.set(path, entry);
    }
    const found = /^Found \d+ matches for ".*" in .*:\n([\s\S]*)$/m.exec(step.observation.replaceAll('\r\n', '\n'));
    if (found && /^find_file\b/.test(action)) {
      for (const line of found[1]!.split('\n')) {
        const path = line.trim();
        if (path.startsWith('/') && !known.has(path)) known.set(path, { total: 0, lines: new Map() });
      }
    }
  }
  const contexts = hunkContexts(submission);
  const files: Record<string, string> = {};
  for (const [path, entry] of known) {
    if (!path.startsWith(`${recordedRoot}/`)) continue;
    const relative = path.slice(recordedRoot.length + 1);
    files[relative] = withContexts(relative, entry, contexts.get(relative) ?? []);
  }
  // Listed entries nothing else tells about: a name with an extension is taken for an empty file,
  // anything else (or a parent of a known file) for a directory, kept in git by a hidden file.
  const knownPaths = [...known.keys()];
  for (const path of listed) {
    if (known.has(path) || path === recordedRoot || !path.startsWith(`${recordedRoot}/`)) continue;
    const relative = path.slice(recordedRoot.length + 1);
    const isParent = knownPaths.some((file) => file.startsWith(`${path}/`)) || [...listed].some((other) => other.startsWith(`${path}/`));
    if (isParent) continue;
    if (/\.[^/]+$/.test(relative)) files[relative] = '';
    else files[`${relative}/.gitkeep`] = '';
  }
  return { recordedRoot, files, modes: modesOf(submission) };
}

export interface ReplayFixture {
  /** `owner/name`, from the recorded root (`/pydicom__pydicom` → `pydicom/pydicom`). */
  repo: string;
  reposDir: string;
  environmentsDir: string;
  instancesPath: string;
  baseCommit: string;
}

/**
 * Lays out what `traj replay` needs for a rebuilt repository under `dir`: a clone in
 * `repos/owner__name` with one commit, an environment spec with no extra packages, and an
 * instances JSONL row for `instanceId` at that commit.
 */
export function writeReplayFixture(dir: string, rebuilt: RebuiltRepository, instanceId: string, problemStatement = ''): ReplayFixture {
  const stem = rebuilt.recordedRoot.replace(/^\/+/, '').replace(/\/+$/, '');
  const [owner, name] = stem.includes('__') ? [stem.slice(0, stem.indexOf('__')), stem.slice(stem.indexOf('__') + 2)] : ['replay', stem || 'repo'];
  const repo = `${owner}/${name}`;
  const reposDir = join(dir, 'repos');
  const repoDir = join(reposDir, `${owner}__${name}`);
  const environmentsDir = join(dir, 'environments');
  mkdirSync(repoDir, { recursive: true });
  mkdirSync(environmentsDir, { recursive: true });
  for (const [path, content] of Object.entries(rebuilt.files)) {
    mkdirSync(dirname(join(repoDir, path)), { recursive: true });
    writeFileSync(join(repoDir, path), content);
    const mode = rebuilt.modes[path];
    if (mode !== undefined) chmodSync(join(repoDir, path), mode);
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=replay', '-c', 'user.email=replay@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
      cwd: repoDir,
      encoding: 'utf8',
      // A fixed date makes the commit id, and so the instance image's tag, the same on every run.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
        GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
      },
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'rebuilt from the trajectory');
  const baseCommit = git('rev-parse', 'HEAD').trim();
  const specName = `replay-${owner}-${name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  writeFileSync(
    join(environmentsDir, `${specName}.yaml`),
    `name: ${specName}\nrepo: ${repo}\napt: []\ninstall: []\ntest_cmd: python3 -m pytest -rA {tests}\nlog_parser: pytest\n`,
  );
  const instancesPath = join(dir, 'instances.jsonl');
  const row = { instance_id: instanceId, repo, base_commit: baseCommit, problem_statement: problemStatement, FAIL_TO_PASS: [], PASS_TO_PASS: [] };
  writeFileSync(instancesPath, `${JSON.stringify(row)}\n`);
  return { repo, reposDir, environmentsDir, instancesPath, baseCommit };
}

export interface SharedReplayFixture {
  /** The shared trajectory file's path. */
  path: string;
  trajectory: Trajectory & { final_patch: string };
  fixture: ReplayFixture;
  /** The temporary directory the fixture lives in (removed after `body`). */
  dir: string;
}

/**
 * Reads a trajectory from ../shared/data/sweagent, rebuilds its repository and lays out a replay
 * fixture in a temporary directory for `body`: the setup every replay test of the shared files needs.
 */
export async function withSharedReplayFixture<T>(file: string, body: (context: SharedReplayFixture) => Promise<T>): Promise<T> {
  const path = sharedDataPath('sweagent', file)!;
  const [trajectory] = await readAllTrajectories(path);
  assert.ok(trajectory && trajectory.final_patch !== null, `${file} has a recorded submission`);
  const recorded = trajectory as Trajectory & { final_patch: string };
  const repository = rebuildRepository(recorded.steps, recorded.final_patch);
  return withTempDir((dir) => body({ path, trajectory: recorded, fixture: writeReplayFixture(dir, repository, recorded.instance_id), dir }));
}
