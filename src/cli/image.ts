/**
 * `swe-srl image base|build|instance|list|prune`: build and inspect the image stack (base → environment
 * → instance). Every build is skipped when its content-hash tag already exists.
 */
import type { Command } from 'commander';
import Docker from 'dockerode';
import { InputError } from '../errors.js';
import { ensureBaseImage } from '../sandbox/images/base-image.js';
import { requireEngine } from '../sandbox/images/engine-check.js';
import { ensureEnvironmentImage } from '../sandbox/images/environment-image.js';
import { findEnvironmentSpec, loadEnvironmentSpecs, resolveEnvironmentSpec } from '../sandbox/images/environment-spec.js';
import { listSweSrlImages, removeSweSrlImages, LABELS, type ImageKind } from '../sandbox/images/image-store.js';
import { ensureInstanceImage } from '../sandbox/images/instance-image.js';
import { oneOf, positiveSeconds } from './option-values.js';

const imageKind = oneOf<ImageKind>('--kind', ['base', 'env', 'instance']);

interface CommonOptions {
  quiet?: boolean;
}

function progressPrinter(options: CommonOptions): ((line: string) => void) | undefined {
  return options.quiet ? undefined : (line) => process.stderr.write(`  ${line}\n`);
}

async function connect(): Promise<Docker> {
  // DOCKER_HOST chooses the engine, as for the docker CLI.
  const docker = new Docker();
  await requireEngine(docker);
  return docker;
}

function formatSize(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

export function registerImageCommand(program: Command): void {
  const image = program.command('image').description('build and list the base, environment and instance images');

  image
    .command('base')
    .description('build the base image (Debian bookworm + git, python3, pytest, patch): pulled when a registry answers, else debootstrap + docker import')
    .option('--mirror <url>', 'Debian mirror for debootstrap (default: $SWE_SRL_DEBIAN_MIRROR, else the one apt uses)')
    .option('--skip-registry', 'do not try to pull debian:bookworm-slim')
    .option('--pull-timeout <seconds>', 'give up on the registry after this long', positiveSeconds('--pull-timeout'), 20)
    .option('--force', 'rebuild even if the tag exists')
    .option('-q, --quiet', 'no progress lines')
    .action(async (options: { mirror?: string; skipRegistry?: boolean; pullTimeout: number; force?: boolean } & CommonOptions) => {
      const docker = await connect();
      const mirror = options.mirror ?? process.env.SWE_SRL_DEBIAN_MIRROR;
      const started = Date.now();
      const result = await ensureBaseImage(docker, {
        onProgress: progressPrinter(options),
        pullTimeoutMs: options.pullTimeout * 1000,
        ...(mirror ? { mirror } : {}),
        ...(options.skipRegistry ? { skipRegistry: true } : {}),
        ...(options.force ? { force: true } : {}),
      });
      const how = result.built ? `built from ${result.source} in ${((Date.now() - started) / 1000).toFixed(1)} s` : 'already there';
      console.log(`${result.tag} (${how})`);
    });

  image
    .command('build')
    .description('build environment images from the YAML specs in a directory (each version of a versioned spec)')
    .requiredOption('--environments <dir>', 'directory of environment specs', 'environments')
    .option('--name <name...>', 'only the specs with these names')
    .option('--version <version>', 'only this version of versioned specs')
    .option('--force', 'rebuild even if the tags exist')
    .option('-q, --quiet', 'no progress lines')
    .action(async (options: { environments: string; name?: string[]; version?: string; force?: boolean } & CommonOptions) => {
      const specs = await loadEnvironmentSpecs(options.environments);
      const chosen = options.name ? specs.filter((spec) => options.name!.includes(spec.name)) : specs;
      const missing = (options.name ?? []).filter((name) => !specs.some((spec) => spec.name === name));
      if (missing.length > 0) {
        throw new InputError(`--name: no spec named ${missing.join(', ')} in ${options.environments} (have: ${specs.map((s) => s.name).join(', ')})`);
      }
      const docker = await connect();
      for (const file of chosen) {
        const versions = Object.keys(file.versions);
        const resolved =
          options.version !== undefined
            ? [findEnvironmentSpec([file], file.repo, options.version)]
            : versions.length > 0
              ? versions.map((version) => resolveEnvironmentSpec(file, version))
              : [resolveEnvironmentSpec(file)];
        for (const spec of resolved) {
          const result = await ensureEnvironmentImage(docker, spec, { onProgress: progressPrinter(options), ...(options.force ? { force: true } : {}) });
          console.log(`${result.tag} (${result.built ? 'built' : 'already there'})`);
        }
      }
    });

  image
    .command('instance')
    .description('build the image for one repository at one commit (environment image + the repository in /testbed)')
    .requiredOption('--repo <owner/name>', 'the repository')
    .requiredOption('--commit <id>', 'the base commit')
    .option('--environments <dir>', 'directory of environment specs', 'environments')
    .option('--version <version>', 'the version whose environment to use')
    .option('--repos <dir>', 'directory of owner__name clones or owner__name.bundle files')
    .option('--url <url>', 'git URL or path to fetch the repository from')
    .option('--instance-id <id>', 'names the image (default owner__name-<commit>)')
    .option('-q, --quiet', 'no progress lines')
    .action(
      async (options: { repo: string; commit: string; environments: string; version?: string; repos?: string; url?: string; instanceId?: string } & CommonOptions) => {
        const environment = findEnvironmentSpec(await loadEnvironmentSpecs(options.environments), options.repo, options.version);
        const docker = await connect();
        const result = await ensureInstanceImage(docker, {
          environment,
          repo: options.repo,
          commit: options.commit,
          onProgress: progressPrinter(options),
          ...(options.repos !== undefined ? { reposDir: options.repos } : {}),
          ...(options.url !== undefined ? { url: options.url } : {}),
          ...(options.instanceId !== undefined ? { instanceId: options.instanceId } : {}),
        });
        console.log(`${result.tag} (${result.built ? 'built' : 'already there'})`);
      },
    );

  image
    .command('list')
    .description("list swe-srl's images")
    .option('--kind <kind>', 'only base, env or instance images', imageKind)
    .action(async (options: { kind?: ImageKind }) => {
      const docker = await connect();
      const images = await listSweSrlImages(docker, options.kind);
      if (images.length === 0) {
        console.log('no swe-srl images (build the base with `swe-srl image base`)');
        return;
      }
      for (const entry of images) {
        const what = entry.labels[LABELS.environment] ?? entry.labels[LABELS.instance] ?? entry.labels[LABELS.baseSource] ?? '';
        const tags = entry.tags.join(', ');
        console.log(`${entry.kind.padEnd(8)} ${tags}  ${what}  ${formatSize(entry.sizeBytes)}  ${entry.createdAt.toISOString()}`);
      }
    });

  image
    .command('prune')
    .description('remove swe-srl images of a kind and every layer built on it (default: instance images, one per instance)')
    .option('--kind <kind>', 'instance, env (with their instance images) or base (everything)', imageKind, 'instance' as ImageKind)
    .option('--repo <owner/name>', "only this repository's images")
    .action(async (options: { kind: ImageKind; repo?: string }) => {
      const docker = await connect();
      const { removed, failed } = await removeSweSrlImages(docker, options.kind, options.repo !== undefined ? { repo: options.repo } : {});
      for (const tag of removed) console.log(`removed ${tag}`);
      for (const { tag, reason } of failed) console.error(`kept ${tag}: ${reason}`);
      console.log(`${removed.length} image(s) removed${failed.length > 0 ? `, ${failed.length} kept (in use)` : ''}`);
    });
}

/** For the command table in main.ts. */
export const register = registerImageCommand;
