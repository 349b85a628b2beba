/** SWE-bench names repositories `owner/name`; on disk and in instance ids they become `owner__name`. */
import { InputError } from '../../errors.js';

const REPO_NAME = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

export function parseRepoName(repo: string): { owner: string; name: string } {
  const match = REPO_NAME.exec(repo);
  if (!match?.[1] || !match[2] || match[1] === '.' || match[1] === '..' || match[2] === '.' || match[2] === '..') {
    throw new InputError(`repo: "${repo}" is not of the form owner/name`);
  }
  return { owner: match[1], name: match[2] };
}

/** `django/django` → `django__django`, the name of its clone or bundle under `--repos DIR`. */
export function repoDirName(repo: string): string {
  const { owner, name } = parseRepoName(repo);
  return `${owner}__${name}`;
}
