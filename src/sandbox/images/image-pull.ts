/** Pulling an image from whatever registry the engine is configured for, within a time limit. */
import type Docker from 'dockerode';
import type { ProgressSink } from './docker-progress.js';
import { followEngineStream } from './docker-progress.js';
import { imageExists } from './image-store.js';

export type PullResult = { pulled: true } | { pulled: false; reason: string };

/** Pulls `image`; a registry that refuses, is unreachable or too slow is a reason, not a throw. */
export async function pullImage(docker: Docker, image: string, timeoutMs: number, progress: ProgressSink): Promise<PullResult> {
  progress(`pulling ${image} (giving up after ${Math.round(timeoutMs / 1000)} s)`);
  try {
    const stream = await docker.pull(image, { abortSignal: AbortSignal.timeout(timeoutMs) });
    await followEngineStream(stream, image, progress);
    if (await imageExists(docker, image)) return { pulled: true };
    return { pulled: false, reason: 'the pull ended without the image' };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    progress(`no registry: ${reason}`);
    return { pulled: false, reason };
  }
}
