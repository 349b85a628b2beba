/**
 * Builds send the engine a tar archive as their context. Ours is generated: a Dockerfile and small
 * files held in memory, plus, for instance images, a directory from the host (the prepared
 * repository). Files are streamed one at a time so a large `.git` pack never sits in memory whole.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pack as createPack, type Header, type Pack } from 'tar-stream';

export interface ContextFile {
  /** Path inside the context, with `/` separators. */
  path: string;
  content: string | Buffer;
  mode?: number;
}

export interface ContextDirectory {
  /** A directory on the host. */
  source: string;
  /** Where it appears inside the context. */
  target: string;
}

export interface BuildContext {
  files: ContextFile[];
  directories?: ContextDirectory[];
}

// A fixed date keeps the archive (and so the engine's build cache keys) independent of when we ran.
const FIXED_MTIME = new Date(0);

async function addDirectory(pack: Pack, source: string, target: string): Promise<void> {
  const names = (await readdir(source)).sort();
  for (const name of names) {
    const hostPath = join(source, name);
    const archivePath = posix.join(target, name);
    const stats = await lstat(hostPath);
    if (stats.isDirectory()) {
      await entryDone(pack, { name: `${archivePath}/`, type: 'directory', mode: stats.mode & 0o7777, mtime: FIXED_MTIME });
      await addDirectory(pack, hostPath, archivePath);
    } else if (stats.isSymbolicLink()) {
      await entryDone(pack, { name: archivePath, type: 'symlink', linkname: await readlink(hostPath), mode: 0o777, mtime: FIXED_MTIME });
    } else if (stats.isFile()) {
      await streamFileEntry(pack, { name: archivePath, type: 'file', size: stats.size, mode: stats.mode & 0o7777, mtime: FIXED_MTIME }, hostPath);
    }
    // Sockets, fifos and devices have no place in a repository; they are left out.
  }
}

type EntryHeader = Partial<Header> & Pick<Header, 'name'>;

function entryDone(pack: Pack, header: EntryHeader, content?: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry(header, content ?? '', (error) => (error ? reject(error) : resolve()));
  });
}

async function streamFileEntry(pack: Pack, header: EntryHeader, hostPath: string): Promise<void> {
  let entry!: ReturnType<Pack['entry']>;
  const written = new Promise<void>((resolve, reject) => {
    entry = pack.entry(header, (error) => (error ? reject(error) : resolve()));
  });
  // Write with back-pressure so a large file never sits in memory whole.
  for await (const chunk of createReadStream(hostPath)) {
    if (!entry.write(chunk as Buffer)) await once(entry as unknown as NodeJS.EventEmitter, 'drain');
  }
  entry.end(undefined);
  await written;
}

/** A readable tar stream of the context; errors while reading host files destroy the stream. */
export function packBuildContext(context: BuildContext): NodeJS.ReadableStream {
  const pack = createPack();
  (async () => {
    for (const file of context.files) {
      await entryDone(pack, { name: file.path, type: 'file', mode: file.mode ?? 0o644, mtime: FIXED_MTIME }, file.content);
    }
    for (const directory of context.directories ?? []) {
      await entryDone(pack, { name: `${directory.target}/`, type: 'directory', mode: 0o755, mtime: FIXED_MTIME });
      await addDirectory(pack, directory.source, directory.target);
    }
    pack.finalize();
  })().catch((error: unknown) => pack.destroy(error instanceof Error ? error : new Error(String(error))));
  // tar-stream's streams are streamx ones; the engine client expects a node stream.
  return Readable.from(pack);
}
