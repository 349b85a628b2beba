/** Looking up swe-srl's images on an engine: by tag, and all of them by label. */
import type Docker from 'dockerode';

/** The label every swe-srl image carries, telling which layer of the stack it is. */
export const KIND_LABEL = 'swe-srl.kind';
export type ImageKind = 'base' | 'env' | 'instance';

/** Label keys holding the inputs an image was made from, for `swe-srl image list` and debugging. */
export const LABELS = {
  kind: KIND_LABEL,
  hash: 'swe-srl.hash',
  baseSource: 'swe-srl.base-source',
  environment: 'swe-srl.environment',
  repo: 'swe-srl.repo',
  commit: 'swe-srl.commit',
  instance: 'swe-srl.instance',
} as const;

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** True when the engine has an image under this exact `repository:tag`. */
export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if (statusCode(error) === 404) return false;
    throw error;
  }
}

/** Identifies the engine a client talks to, so locks and caches for different engines stay apart. */
export function engineKey(docker: Docker): string {
  const modem = docker.modem as unknown as { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown };
  if (typeof modem.socketPath === 'string') return `unix:${modem.socketPath}`;
  return `${String(modem.protocol ?? 'http')}://${String(modem.host ?? 'localhost')}:${String(modem.port ?? '')}`;
}

export interface SweSrlImage {
  tags: string[];
  id: string;
  kind: string;
  createdAt: Date;
  sizeBytes: number;
  labels: Record<string, string>;
}

/** Every tagged image carrying the swe-srl kind label, optionally of one kind, newest first. */
export async function listSweSrlImages(docker: Docker, kind?: ImageKind, repo?: string): Promise<SweSrlImage[]> {
  const label = [kind ? `${KIND_LABEL}=${kind}` : KIND_LABEL];
  if (repo !== undefined) label.push(`${LABELS.repo}=${repo}`);
  const images = await docker.listImages({ filters: JSON.stringify({ label }) });
  return images
    .map((image) => ({
      tags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
      id: image.Id,
      kind: image.Labels?.[KIND_LABEL] ?? '',
      createdAt: new Date(image.Created * 1000),
      sizeBytes: image.Size,
      labels: image.Labels ?? {},
    }))
    // Untagged ones are intermediate build layers that inherited a parent's labels.
    .filter((image) => image.tags.length > 0)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** Layers above each kind: removing a layer means removing what was built on it first. */
const LAYERS_FROM: Record<ImageKind, ImageKind[]> = {
  instance: ['instance'],
  env: ['instance', 'env'],
  base: ['instance', 'env', 'base'],
};

export interface RemovedImages {
  removed: string[];
  /** Tags that could not be removed, with the engine's reason (an image still used by a container). */
  failed: Array<{ tag: string; reason: string }>;
}

/**
 * Removes swe-srl's images of `kind` and every layer built on them (instance images before
 * environment images before the base), by tag. Images in use by a container are left, and said so:
 * a running sandbox must not lose its image. Instance images pile up one per instance, as in
 * SWE-bench's image cache, so this is the way to reclaim the disk. `repo` limits it to the images
 * of one repository (`owner/name`).
 */
export async function removeSweSrlImages(docker: Docker, kind: ImageKind, options: { repo?: string } = {}): Promise<RemovedImages> {
  const result: RemovedImages = { removed: [], failed: [] };
  for (const layer of LAYERS_FROM[kind]) {
    for (const image of await listSweSrlImages(docker, layer, options.repo)) {
      for (const tag of image.tags) {
        try {
          await docker.getImage(tag).remove();
          result.removed.push(tag);
        } catch (error) {
          const reason = (error as { json?: { message?: string } }).json?.message ?? (error instanceof Error ? error.message : String(error));
          result.failed.push({ tag, reason });
        }
      }
    }
  }
  return result;
}
