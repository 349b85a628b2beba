/**
 * Without a registry, the base image is made from scratch: debootstrap installs a minimal Debian
 * into a directory, and the directory is streamed as a tar into `docker import`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type Docker from 'dockerode';
import { UnavailableError } from '../../errors.js';
import { followEngineStream, type ProgressSink } from './docker-progress.js';
import { ImageBuildError } from './image-errors.js';

export interface DebootstrapOptions {
  suite: string;
  packages: string[];
  mirror: string;
  onProgress?: ProgressSink;
  /** Parent of the temporary root directory; os.tmpdir() by default. */
  workDir?: string;
  timeoutMs?: number;
}

async function commandExists(command: string): Promise<boolean> {
  const result = await execa('sh', ['-c', `command -v ${command}`], { reject: false });
  return result.exitCode === 0;
}

/** Says why debootstrap cannot run here, or undefined when it can. */
export async function debootstrapUnavailableReason(): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'debootstrap needs root (it creates device nodes and chroots); run as root';
  }
  if (!(await commandExists('debootstrap'))) return 'debootstrap is not installed (apt-get install debootstrap)';
  if (!(await commandExists('tar'))) return 'tar is not installed';
  return undefined;
}

/**
 * debootstrap mounts /proc and /sys inside the target while it works; if it dies half-way they stay
 * mounted, and deleting the directory would then reach into the host's /proc and /sys.
 */
async function unmountEverythingUnder(root: string): Promise<void> {
  const mounts = await readFile('/proc/mounts', 'utf8').catch(() => '');
  const targets = mounts
    .split('\n')
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((path): path is string => path !== undefined && (path === root || path.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length);
  for (const target of targets) await execa('umount', ['-l', target], { reject: false });
}

/** Bootstraps a root directory, imports it as `imageTag`, and removes the directory. */
export async function importDebootstrappedImage(docker: Docker, imageTag: string, options: DebootstrapOptions): Promise<void> {
  const reason = await debootstrapUnavailableReason();
  if (reason !== undefined) throw new UnavailableError(`cannot build the base image without a registry: ${reason}`);
  const progress = options.onProgress ?? (() => {});
  const root = await mkdtemp(join(options.workDir ?? tmpdir(), 'swe-srl-rootfs-'));
  try {
    progress(`debootstrap ${options.suite} from ${options.mirror} into ${root} (about a minute)`);
    const bootstrap = execa(
      'debootstrap',
      ['--variant=minbase', `--include=${options.packages.join(',')}`, options.suite, root, options.mirror],
      { all: true, buffer: false, reject: false, timeout: options.timeoutMs ?? 20 * 60_000, stdin: 'ignore' },
    );
    const tail: string[] = [];
    let partial = '';
    bootstrap.all?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim().length === 0) continue;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        progress(line);
      }
    });
    const result = await bootstrap;
    if (result.exitCode !== 0 || result.timedOut) {
      const why = result.timedOut ? 'timed out' : `exited with status ${result.exitCode ?? result.signal}`;
      const log = await readFile(join(root, 'debootstrap', 'debootstrap.log'), 'utf8').catch(() => '');
      throw new ImageBuildError(imageTag, `debootstrap ${why}`, [...tail, ...log.split('\n').slice(-15)]);
    }

    progress(`importing ${root} as ${imageTag}`);
    const archive = execa(
      'tar',
      ['--numeric-owner', '-C', root, '-c', '--exclude=./dev/*', '--exclude=./proc/*', '--exclude=./sys/*', '--exclude=./var/cache/apt/archives/*.deb', '.'],
      { buffer: { stdout: false, stderr: true }, stdin: 'ignore', reject: false },
    );
    const [repository, tag] = imageTag.split(':');
    const stream = await docker.importImage(archive.stdout, { repo: repository, tag });
    await followEngineStream(stream, imageTag, progress);
    const tarResult = await archive;
    if (tarResult.exitCode !== 0) {
      throw new ImageBuildError(imageTag, `tar of the root directory failed: ${String(tarResult.stderr ?? '')}`);
    }
  } finally {
    await unmountEverythingUnder(root);
    await rm(root, { recursive: true, force: true });
  }
}
