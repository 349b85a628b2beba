/**
 * readFile/writeFile through Docker's archive API: bytes travel as a tar stream, never through a
 * shell, so binary files, odd names and huge lines survive intact, and nothing runs in the
 * container (a stuck session or a fork bomb can't block a file read).
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { ReadBackLimitError, SandboxFileError } from '../../errors.js';
import { BoundedBuffer, withReadDeadline, type ResolvedReadBackLimits } from '../read-back.js';

/** How many symlinks a read follows before giving up (a loop, most likely). */
const MAX_SYMLINK_HOPS = 16;

interface PathStat {
  mode: number;
  isDirectory: boolean;
  linkTarget: string;
  size: number;
}

/**
 * The file's bytes, within `limits`: a file the engine says is larger than the cap is refused
 * before a byte of it travels (a sparse 1 GiB file costs the container nothing and us everything),
 * and the stream itself is cut at the cap and at the deadline.
 */
export async function readContainerFile(container: Docker.Container, path: string, limits: ResolvedReadBackLimits): Promise<Buffer> {
  let archive: Readable | undefined;
  return withReadDeadline('file', path, limits.timeoutMs, readFollowingLinks(container, path, limits, (opened) => (archive = opened)), () =>
    archive?.destroy(),
  );
}

async function readFollowingLinks(
  container: Docker.Container,
  path: string,
  limits: ResolvedReadBackLimits,
  onArchive: (archive: Readable) => void,
): Promise<Buffer> {
  let current = path;
  for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop++) {
    const archive = await getArchiveOrMissing(container, current, path);
    onArchive(archive);
    const stat = parsePathStat((archive as HeaderedResponse).headers);
    if (stat?.isDirectory) {
      // Don't download a whole tree only to refuse it.
      archive.destroy();
      throw new SandboxFileError(path, 'is a directory');
    }
    if (stat !== undefined && stat.linkTarget === '' && stat.size > limits.maxBytes) {
      archive.destroy();
      throw new ReadBackLimitError('file', path, 'size', limits.maxBytes);
    }
    const entry = await firstEntry(archive, path, limits.maxBytes);
    if (entry === undefined) throw new SandboxFileError(path, 'the engine returned an empty archive');
    if (entry.type === 'file') return entry.data;
    if (entry.type === 'directory') throw new SandboxFileError(path, 'is a directory');
    if (entry.type !== 'symlink' || entry.linkname === undefined) {
      throw new SandboxFileError(path, `is not a regular file (${entry.type})`);
    }
    current = posix.resolve(posix.dirname(current), entry.linkname);
  }
  throw new SandboxFileError(path, `more than ${MAX_SYMLINK_HOPS} symlinks deep`);
}

export async function writeContainerFile(
  container: Docker.Container,
  path: string,
  data: Buffer,
  mode: number | undefined,
): Promise<void> {
  let existing = await statPath(container, path);
  // Like `cat > link`, write through a symlink instead of replacing it.
  for (let hop = 0; existing?.linkTarget && hop < MAX_SYMLINK_HOPS; hop++) {
    path = posix.resolve(posix.dirname(path), existing.linkTarget);
    existing = await statPath(container, path);
  }
  if (existing?.isDirectory) throw new SandboxFileError(path, 'is a directory');
  // Rewriting an existing script must not cost it its executable bit.
  const fileMode = mode ?? existing?.mode ?? 0o644;

  // putArchive extracts into a directory that must exist: start from the nearest existing
  // ancestor and carry the missing directories in the archive (existing ones stay untouched).
  let anchor = posix.dirname(path);
  const missingDirectories: string[] = [];
  while (anchor !== '/' && (await statPath(container, anchor)) === undefined) {
    missingDirectories.unshift(anchor);
    anchor = posix.dirname(anchor);
  }
  const pack = tar.pack();
  const mtime = new Date();
  for (const directory of missingDirectories) {
    pack.entry({ name: posix.relative(anchor, directory), type: 'directory', mode: 0o755, mtime });
  }
  pack.entry({ name: posix.relative(anchor, path), type: 'file', mode: fileMode, size: data.length, mtime }, data);
  pack.finalize();
  const archive = await collect(pack as unknown as AsyncIterable<Buffer>);
  try {
    await container.putArchive(archive, { path: anchor });
  } catch (error) {
    throw new SandboxFileError(path, `could not write it (${engineMessage(error)})`, { cause: error });
  }
}

type HeaderedResponse = Readable & { headers?: Record<string, string | string[] | undefined> };

async function statPath(container: Docker.Container, path: string): Promise<PathStat | undefined> {
  let response: HeaderedResponse;
  try {
    response = (await container.infoArchive({ path })) as HeaderedResponse;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw new SandboxFileError(path, `could not look it up (${engineMessage(error)})`, { cause: error });
  }
  response.resume();
  return parsePathStat(response.headers) ?? { mode: 0o644, isDirectory: false, linkTarget: '', size: 0 };
}

/** The engine describes the path it archived in a base64 JSON header. */
function parsePathStat(headers: HeaderedResponse['headers']): PathStat | undefined {
  const header = headers?.['x-docker-container-path-stat'];
  if (typeof header !== 'string') return undefined;
  const stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { mode: number; linkTarget?: string; size?: number };
  // Go's FileMode keeps the directory flag in the top bit; permissions are the low nine.
  return {
    mode: stat.mode & 0o777,
    isDirectory: (stat.mode & 0x80000000) !== 0,
    linkTarget: stat.linkTarget ?? '',
    size: typeof stat.size === 'number' ? stat.size : 0,
  };
}

async function getArchiveOrMissing(container: Docker.Container, path: string, asked: string): Promise<Readable> {
  try {
    return (await container.getArchive({ path })) as Readable;
  } catch (error) {
    if (statusOf(error) === 404) {
      throw new SandboxFileError(asked, path === asked ? 'no such file' : `no such file (a symlink points to ${path})`, {
        cause: error,
      });
    }
    throw new SandboxFileError(asked, `could not read it (${engineMessage(error)})`, { cause: error });
  }
}

interface TarEntry {
  type: string;
  linkname: string | undefined;
  data: Buffer;
}

/**
 * The archive's first entry with its bytes, at most `maxBytes` of them (more is a
 * ReadBackLimitError, and the archive is dropped); the rest of the archive is drained and dropped.
 */
function firstEntry(archive: Readable, path: string, maxBytes: number): Promise<TarEntry | undefined> {
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    let first: TarEntry | undefined;
    const tooLarge = (): void => {
      archive.unpipe(extract);
      archive.destroy();
      extract.destroy();
      reject(new ReadBackLimitError('file', path, 'size', maxBytes));
    };
    extract.on('entry', (header, stream, next) => {
      if (first === undefined && (header.size ?? 0) > maxBytes) return tooLarge();
      const data = new BoundedBuffer(maxBytes);
      stream.on('data', (chunk: unknown) => {
        if (first === undefined && !data.push(chunk as Buffer)) tooLarge();
      });
      stream.on('end', () => {
        first ??= { type: header.type ?? 'file', linkname: header.linkname ?? undefined, data: data.toBuffer() };
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', () => resolve(first));
    extract.on('error', reject);
    archive.on('error', reject);
    archive.pipe(extract);
  });
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as { statusCode?: number }).statusCode : undefined;
}

export function engineMessage(error: unknown): string {
  const json = typeof error === 'object' && error !== null ? (error as { json?: { message?: string } }).json : undefined;
  if (json?.message) return json.message;
  return error instanceof Error ? error.message : String(error);
}
