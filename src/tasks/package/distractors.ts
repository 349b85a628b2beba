/**
 * The files around the code that a real package has and a reader must skim past: README, changelog,
 * project metadata, a script, sample data, docs. They mention function names (so a search finds
 * more than the target) but never the bug or its fix.
 */
import { isRecordList, pyLiteral } from '../code/python-values.js';
import type { Random } from '../random.js';
import { makeRecords } from '../templates/vocabulary.js';
import type { BuiltFunction } from '../recipes/index.js';
import type { PackagePlan } from './plan.js';
import { callSource } from './test-files.js';

/** A function of one argument, a list of records: what a script reading sample data can call. */
function takesRecords(fn: BuiltFunction): boolean {
  return fn.params.length === 1 && fn.cases.some((item) => isRecordList(item.args[0] ?? null));
}

function version(random: Random): string {
  return `0.${random.int(2, 9)}.${random.int(0, 4)}`;
}

/** Every non-code file of the package (path → content). */
export function distractorFiles(plan: PackagePlan, random: Random): Map<string, string> {
  const files = new Map<string, string>();
  const { vocabulary, packageName } = plan;
  const runner = plan.framework === 'pytest' ? 'python -m pytest' : 'python -m unittest';
  const functions = plan.modules.filter((module) => module.kind !== 'legacy').flatMap((module) => module.functions.map((fn) => ({ module, fn })));
  const release = version(random);

  const usage = random.pick(functions);
  const example = callSource(usage.fn, usage.fn.cases[0]!.args, '');
  const readme = [
    `# ${packageName}`,
    '',
    `Small helpers for ${vocabulary.domain.title}.`,
    '',
    '## Modules',
    '',
    ...plan.modules.map((module) => `- \`${module.path}\`: ${module.functions.map((fn) => `\`${fn.name}\``).join(', ')}${module.kind === 'legacy' ? ' (deprecated)' : ''}`),
    '',
    '## Usage',
    '',
    '```python',
    `from ${usage.module.dotted} import ${usage.fn.name}`,
    '',
    ...example.setup,
    `print(${example.call})`,
    '```',
    '',
    `Run the tests with \`${runner}\`.`,
    '',
  ];
  files.set('README.md', readme.join('\n'));

  const entries = random.sample(functions, Math.min(3, functions.length));
  const verbs = ['Add', 'Document', 'Rename the parameters of', 'Speed up'];
  const changelog = ['# Changelog', '', `## ${release}`, '', `- ${random.pick(verbs)} \`${entries[0]!.fn.name}\`.`];
  for (const entry of entries.slice(1)) changelog.push('', `## 0.${random.int(0, 1)}.${random.int(1, 9)}`, '', `- ${random.pick(verbs)} \`${entry.fn.name}\`.`);
  files.set('CHANGELOG.md', `${changelog.join('\n')}\n`);

  if (random.chance(0.5)) {
    const lines = ['[project]', `name = "${packageName}"`, `version = "${release}"`, `description = "Helpers for ${vocabulary.domain.title}"`, 'requires-python = ">=3.9"'];
    if (plan.framework === 'pytest' && random.chance(0.5)) lines.push('', '[tool.pytest.ini_options]', `testpaths = ["${plan.testsDir}"]`);
    files.set('pyproject.toml', `${lines.join('\n')}\n`);
  } else {
    files.set('setup.cfg', ['[metadata]', `name = ${packageName}`, `version = ${release}`, '', '[options]', `packages = find:`, 'python_requires = >=3.9', ''].join('\n'));
  }
  files.set('.gitignore', '__pycache__/\n*.pyc\n.pytest_cache/\n');

  const recordUser = functions.find(({ fn }) => takesRecords(fn));
  if (recordUser) {
    const dataFile = `data/sample_${vocabulary.many}.json`;
    const sample = makeRecords(vocabulary, random, 3);
    // Records hold only strings and numbers, so their Python literal is also JSON.
    files.set(dataFile, `[\n${sample.map((record) => `  ${pyLiteral(record)}`).join(',\n')}\n]\n`);
    const script = random.pick(['show_report', 'print_totals', 'summarize']);
    files.set(
      `scripts/${script}.py`,
      [
        `"""Print a figure for the ${vocabulary.many} in ${dataFile}."""`,
        'import json',
        'import sys',
        '',
        `from ${recordUser.module.dotted} import ${recordUser.fn.name}`,
        '',
        '',
        `def main(path="${dataFile}"):`,
        '    with open(path) as handle:',
        `        ${vocabulary.many} = json.load(handle)`,
        `    print(${recordUser.fn.name}(${vocabulary.many}))`,
        '',
        '',
        'if __name__ == "__main__":',
        '    main(*sys.argv[1:])',
        '',
      ].join('\n'),
    );
  }

  if (plan.tier !== 'easy') {
    const documented = random.sample(functions, Math.min(2, functions.length));
    files.set(
      `docs/${random.pick(['usage', 'guide', 'overview'])}.md`,
      [
        `# Using ${packageName}`,
        '',
        ...documented.flatMap(({ module, fn }) => [`## \`${fn.name}\``, '', `Import it from \`${module.dotted}\`. It takes ${fn.params.map((param) => `\`${param}\``).join(', ')}.`, '']),
      ].join('\n'),
    );
  }
  return files;
}

/** `__init__.py` files: the package's (with its version) and any subpackage's. */
export function packageInitFiles(plan: PackagePlan, random: Random): Map<string, string> {
  const files = new Map<string, string>();
  files.set(`${plan.packageName}/__init__.py`, `"""${plan.packageName}: helpers for ${plan.vocabulary.domain.title}."""\n\n__version__ = "${version(random)}"\n`);
  for (const module of plan.modules) {
    const dirs = module.path.split('/').slice(0, -1);
    for (let depth = 2; depth <= dirs.length; depth++) {
      const path = `${dirs.slice(0, depth).join('/')}/__init__.py`;
      if (!files.has(path)) files.set(path, '');
    }
  }
  files.set(`${plan.testsDir}/__init__.py`, '');
  return files;
}
