/**
 * Environment specs: one YAML file per repository in `environments/`, saying how to build the image
 * its instances run in and how to run its tests. As in SWE-bench, a spec may hold per-version
 * overrides (`versions: {"3.0": {...}}`), because a repository's needs change across releases.
 *
 *   name: sample-calculator            # image name part: swe-srl/env.<name>[-<version>]
 *   repo: swe-srl/sample-calculator    # owner/name, as in SWE-bench instances
 *   apt: [nodejs]                      # Debian packages
 *   install: ["pip install ..."]       # shell commands run while building the environment image
 *   env: {PIP_NO_INPUT: "1"}           # variables set in the image; `$VAR` expands as in a Dockerfile
 *   instance_install: []               # commands run in /testbed once the repository is there
 *   test_cmd: python3 -m pytest -rA    # `{tests}` marks where test names go; else they are appended
 *   log_parser: pytest                 # see LOG_PARSERS
 *   timeout: 1800                      # seconds the test command may run
 *   pre_test: ["export LANG=C.UTF-8"]  # run in the test session before the tests (SWE-bench's eval_commands)
 *   reinstall: true                    # run instance_install (or the commands listed) again before the tests, as SWE-bench's eval script does
 *   test_directives: paths             # paths | django: how the test patch's files become test arguments
 *   runner_report: true                # have the runner write its own report for the cross-check
 *   eval_type: pass_and_fail           # pass_and_fail | fail_only (SWE-bench's FAIL_ONLY_REPOS)
 *   limits: {cpus: 2, memory: 4g, pids: 1024, network: false}   # the container's, per spec
 *   python: "3.9"                      # what the environment needs beyond Debian's packages: the
 *   packages: requirements.txt         #   interpreter, conda packages (or requirements.txt /
 *   pip_packages: [pytest]             #   environment.yml), pip packages (SWE-bench's spec facts)
 *   versions:
 *     "1.0": {install: [...]}          # fields here replace the top-level ones (env and limits merge)
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, type Document, type LineCounter } from 'yaml';
import { describeYamlIssues, parseYamlText } from '../../io/yaml-file.js';
import { z } from 'zod';
import { InputError, UnavailableError, describeLocation } from '../../errors.js';
import { shellQuote } from '../../util/shell-quote.js';

/**
 * swe-srl's own parsers (`pytest`, `unittest`, `node-test`) and SWE-bench's, named after its
 * functions (parse_log_pytest → `swebench-pytest`, …); src/eval/log-parsers/ has them all.
 */
export const LOG_PARSERS = [
  'pytest',
  'unittest',
  'node-test',
  'swebench-pytest',
  'swebench-pytest-options',
  'swebench-pytest-v2',
  'swebench-django',
  'swebench-sympy',
  'swebench-matplotlib',
  'swebench-seaborn',
] as const;
export type LogParserName = (typeof LOG_PARSERS)[number];

export const DEFAULT_TEST_TIMEOUT_SECONDS = 1800;

/** How test files named by a test patch become arguments: as paths, or as Django's dotted labels. */
export const TEST_DIRECTIVE_STYLES = ['paths', 'django'] as const;
export type TestDirectiveStyle = (typeof TEST_DIRECTIVE_STYLES)[number];

/** A container's limits; each absent one falls back to the run's setting, then the sandbox default. */
export interface ContainerLimits {
  cpus?: number;
  memoryBytes?: number;
  pidsLimit?: number;
  network?: boolean;
}

const shellCommand = z.string().trim().min(1, 'must not be empty');
const aptPackage = z
  .string()
  .regex(/^[a-z0-9][a-z0-9+.-]*(?::[a-z0-9-]+)?(?:=[A-Za-z0-9.+:~-]+)?$/, 'is not a Debian package name (name or name=version)');
const envValue = z
  .union([z.string(), z.number(), z.boolean()], { error: 'must be a string, a number or a boolean' })
  .transform(String)
  .refine((value) => !/[\n\r\0]/.test(value), 'must be a single line');
const envMap = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not a valid variable name'), envValue);

/** `4g`, `512m`, `2GiB` or a number of bytes. */
export function parseMemorySize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(value.trim());
  if (!match) return undefined;
  const power = ' kmgt'.indexOf(match[2]!.toLowerCase() || ' ');
  return Math.round(Number(match[1]) * 1024 ** power);
}

const memorySize = z
  .union([z.string(), z.number()])
  .transform((value, context) => {
    const bytes = parseMemorySize(value);
    if (bytes === undefined || bytes < 6 * 1024 ** 2) {
      context.addIssue({ code: 'custom', message: 'must be a size of at least 6m, such as 512m, 4g or 2GiB' });
      return z.NEVER;
    }
    return bytes;
  });

const limitsSchema = z.strictObject({
  cpus: z.number().positive().optional(),
  memory: memorySize.optional(),
  pids: z.number().int().min(8).optional(),
  network: z.boolean().optional(),
});

const overridableFields = {
  apt: z.array(aptPackage),
  install: z.array(shellCommand),
  env: envMap,
  instance_install: z.array(shellCommand),
  test_cmd: shellCommand,
  log_parser: z.enum(LOG_PARSERS),
  timeout: z.number().positive().max(24 * 3600),
  pre_test: z.array(shellCommand),
  // true repeats instance_install; a list names the commands (SWE-bench repeats its `install` only).
  reinstall: z.union([z.boolean(), z.array(shellCommand)]),
  test_directives: z.enum(TEST_DIRECTIVE_STYLES),
  runner_report: z.boolean(),
  eval_type: z.enum(['pass_and_fail', 'fail_only']),
  limits: limitsSchema,
  python: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d+\.\d+$/, 'must be a Python version such as "3.9"')),
  packages: z.string().trim(),
  pip_packages: z.array(z.string().trim().min(1)),
};

const versionOverrideSchema = z.strictObject(
  Object.fromEntries(Object.entries(overridableFields).map(([key, schema]) => [key, schema.optional()])) as {
    [K in keyof typeof overridableFields]: z.ZodOptional<(typeof overridableFields)[K]>;
  },
);

const specFileSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lowercase letters, digits, "-" or "_"').max(60),
  repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name'),
  /** Where the facts come from (a note for readers; not used). */
  source: z.string().optional(),
  apt: overridableFields.apt.default([]),
  install: overridableFields.install.default([]),
  env: overridableFields.env.default({}),
  instance_install: overridableFields.instance_install.default([]),
  test_cmd: overridableFields.test_cmd,
  log_parser: overridableFields.log_parser,
  timeout: overridableFields.timeout.default(DEFAULT_TEST_TIMEOUT_SECONDS),
  pre_test: overridableFields.pre_test.default([]),
  reinstall: overridableFields.reinstall.default(false),
  test_directives: overridableFields.test_directives.default('paths'),
  runner_report: overridableFields.runner_report.default(true),
  eval_type: overridableFields.eval_type.optional(),
  limits: overridableFields.limits.default({}),
  python: overridableFields.python.optional(),
  packages: overridableFields.packages.optional(),
  pip_packages: overridableFields.pip_packages.default([]),
  versions: z
    .record(z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1)), versionOverrideSchema.nullable())
    .default({}),
});

type SpecFileContent = z.output<typeof specFileSchema>;
type VersionOverride = z.output<typeof versionOverrideSchema>;

/** One spec file as written, before a version is chosen. */
export interface EnvironmentSpecFile {
  file: string;
  name: string;
  repo: string;
  defaults: Omit<SpecFileContent, 'versions' | 'name' | 'repo'>;
  versions: Record<string, VersionOverride>;
}

/** What an environment image, an instance image and the evaluator need: one version, resolved. */
export interface EnvironmentSpec {
  /** The file it came from, for messages. */
  file: string;
  name: string;
  repo: string;
  /** The version whose overrides were applied, when one was asked for. */
  version?: string;
  apt: string[];
  install: string[];
  env: Record<string, string>;
  instanceInstall: string[];
  testCmd: string;
  logParser: LogParserName;
  timeoutSeconds: number;
  /** Commands run in the test session before the tests (SWE-bench's eval_commands). */
  preTest: string[];
  /** Commands run again before the tests, after preTest (SWE-bench's eval script re-runs its install). */
  reinstall: string[];
  testDirectives: TestDirectiveStyle;
  /** Have the runner write its own report (false where the test command hides it, e.g. tox). */
  runnerReport: boolean;
  evalType?: 'pass_and_fail' | 'fail_only';
  limits: ContainerLimits;
  /** The Python version the environment needs, when it says (SWE-bench's specs do). */
  python?: string;
  /** conda packages, or `requirements.txt` / `environment.yml` (SWE-bench's `packages`). */
  packages?: string;
  pipPackages: string[];
}

/** YAML reads an unquoted `3.0:` as the number 3, which would silently become version "3". */
function rejectMangledVersionKeys(document: Document, lineCounter: LineCounter, file: string): void {
  const versions = document.get('versions', true);
  if (!isMap(versions)) return;
  for (const pair of versions.items) {
    const key = pair.key;
    if (isScalar(key) && typeof key.value === 'number' && key.source !== undefined && key.source !== String(key.value)) {
      const line = key.range ? lineCounter.linePos(key.range[0]).line : undefined;
      throw new InputError(`${describeLocation(file, line, `versions.${key.source}`)}: quote the version ("${key.source}") so YAML keeps it as written`);
    }
  }
}

/** Parses and validates one spec file's text; errors name the file, the line and the field. */
export function parseEnvironmentSpec(text: string, file: string): EnvironmentSpecFile {
  const yaml = parseYamlText(text, file);
  rejectMangledVersionKeys(yaml.document, yaml.lineCounter, file);
  const parsed = specFileSchema.safeParse(yaml.value);
  if (!parsed.success) throw new InputError(`invalid environment spec:\n  ${describeYamlIssues(yaml, file, parsed.error.issues).join('\n  ')}`);
  const { versions, name, repo, ...defaults } = parsed.data;
  const cleanVersions: Record<string, VersionOverride> = {};
  for (const [version, override] of Object.entries(versions)) cleanVersions[version] = override ?? {};
  return { file, name, repo, defaults, versions: cleanVersions };
}

/** Reads every `*.yaml`/`*.yml` file directly in `dir` (not in sub-directories such as `samples/`). */
export async function loadEnvironmentSpecs(dir: string): Promise<EnvironmentSpecFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new UnavailableError(`cannot read the environments directory ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const specs: EnvironmentSpecFile[] = [];
  for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const file = join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      // A directory named x.yaml, or a file we may not read: name it instead of a stack trace.
      throw new InputError(`${file}: cannot read the environment spec: ${(error as Error).message}`, { cause: error });
    }
    specs.push(parseEnvironmentSpec(text, file));
  }
  const byName = new Map<string, string>();
  for (const spec of specs) {
    const other = byName.get(spec.name);
    if (other !== undefined) throw new InputError(`${describeLocation(spec.file, undefined, 'name')}: "${spec.name}" is already used by ${other}`);
    byName.set(spec.name, spec.file);
  }
  return specs;
}

/** Applies one version's overrides (or none) to a spec file. */
export function resolveEnvironmentSpec(spec: EnvironmentSpecFile, version?: string): EnvironmentSpec {
  const override = version !== undefined ? (spec.versions[version] ?? {}) : {};
  const merged = {
    ...spec.defaults,
    ...override,
    env: { ...spec.defaults.env, ...override.env },
    limits: { ...spec.defaults.limits, ...override.limits },
  };
  const limits: ContainerLimits = {
    ...(merged.limits.cpus !== undefined ? { cpus: merged.limits.cpus } : {}),
    ...(merged.limits.memory !== undefined ? { memoryBytes: merged.limits.memory } : {}),
    ...(merged.limits.pids !== undefined ? { pidsLimit: merged.limits.pids } : {}),
    ...(merged.limits.network !== undefined ? { network: merged.limits.network } : {}),
  };
  return {
    file: spec.file,
    name: spec.name,
    repo: spec.repo,
    ...(version !== undefined ? { version } : {}),
    apt: merged.apt,
    install: merged.install,
    env: merged.env,
    instanceInstall: merged.instance_install,
    testCmd: merged.test_cmd,
    logParser: merged.log_parser,
    timeoutSeconds: merged.timeout,
    preTest: merged.pre_test,
    reinstall: merged.reinstall === true ? merged.instance_install : merged.reinstall === false ? [] : merged.reinstall,
    testDirectives: merged.test_directives,
    runnerReport: merged.runner_report,
    ...(merged.eval_type !== undefined ? { evalType: merged.eval_type } : {}),
    limits,
    ...(merged.python !== undefined ? { python: merged.python } : {}),
    ...(merged.packages !== undefined && merged.packages !== '' ? { packages: merged.packages } : {}),
    pipPackages: merged.pip_packages,
  };
}

/**
 * The spec for a repository (and version). A spec that lists versions only serves those; one
 * without a `versions` map serves every version of its repository.
 */
export function findEnvironmentSpec(specs: readonly EnvironmentSpecFile[], repo: string, version?: string): EnvironmentSpec {
  const forRepo = specs.filter((spec) => spec.repo.toLowerCase() === repo.toLowerCase());
  if (forRepo.length === 0) {
    const known = [...new Set(specs.map((spec) => spec.repo))].sort().join(', ') || 'none';
    throw new UnavailableError(`no environment spec for repository ${repo} (specs exist for: ${known})`);
  }
  if (version === undefined) {
    const first = forRepo[0]!;
    return resolveEnvironmentSpec(first);
  }
  const exact = forRepo.find((spec) => Object.hasOwn(spec.versions, version));
  if (exact) return resolveEnvironmentSpec(exact, version);
  const unversioned = forRepo.find((spec) => Object.keys(spec.versions).length === 0);
  if (unversioned) return resolveEnvironmentSpec(unversioned, version);
  const known = forRepo.flatMap((spec) => Object.keys(spec.versions)).sort().join(', ');
  throw new UnavailableError(`no environment spec for ${repo} version ${version} (its specs cover versions: ${known})`);
}

/**
 * The test command for a list of test names: substituted for `{tests}` when the command has that
 * marker, appended otherwise. Names are shell-quoted (pytest ids carry brackets and spaces).
 */
export function buildTestCommand(spec: Pick<EnvironmentSpec, 'testCmd'>, tests: readonly string[] = []): string {
  const names = tests.map(shellQuote).join(' ');
  // A replacer function: a string would read `$&` or `$'` in a test id as a replacement pattern.
  if (spec.testCmd.includes('{tests}')) return spec.testCmd.replace('{tests}', () => names).trim();
  return names.length > 0 ? `${spec.testCmd} ${names}` : spec.testCmd;
}
