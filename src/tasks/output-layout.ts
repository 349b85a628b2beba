/**
 * Where `makeTasks` puts things under its output directory. The top level holds the artefacts
 * (byte-identical for the same seed and options); `work/` holds what resuming needs and the
 * evaluation logs, which carry timings and are not part of the artefacts.
 */
import { join } from 'node:path';
import { repoDirName } from '../sandbox/repos/repo-names.js';
import { FAMILY_REPO, FAMILY_SPEC_FILE } from './family-spec.js';

export interface TasksLayout {
  outDir: string;
  manifest: string;
  instances: string;
  teacher: string;
  validation: string;
  environmentsDir: string;
  spec: string;
  /** `--repos` for the instances: holds `swe-srl__tasks`. */
  reposDir: string;
  repository: string;
  work: string;
  candidatesDir: string;
  probeDir: string;
  /** The repository the validation reads (every candidate under validation, dropped ones included). */
  workReposDir: string;
  workRepository: string;
  logsDir: string;
  reportDir: string;
}

export function tasksLayout(outDir: string): TasksLayout {
  const work = join(outDir, 'work');
  const repoDir = repoDirName(FAMILY_REPO);
  return {
    outDir,
    manifest: join(outDir, 'manifest.json'),
    instances: join(outDir, 'instances.jsonl'),
    teacher: join(outDir, 'teacher.jsonl'),
    validation: join(outDir, 'validation.json'),
    environmentsDir: join(outDir, 'environments'),
    spec: join(outDir, 'environments', FAMILY_SPEC_FILE),
    reposDir: join(outDir, 'repos'),
    repository: join(outDir, 'repos', repoDir),
    work,
    candidatesDir: join(work, 'candidates'),
    probeDir: join(work, 'probe'),
    workReposDir: join(work, 'repos'),
    workRepository: join(work, 'repos', repoDir),
    logsDir: join(work, 'logs', 'run_evaluation'),
    reportDir: join(work, 'reports'),
  };
}
