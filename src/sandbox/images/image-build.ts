/** Runs one `docker build` from a generated context and reports its progress line by line. */
import type Docker from 'dockerode';
import { packBuildContext, type BuildContext } from './build-context.js';
import { followEngineStream, type ProgressSink } from './docker-progress.js';
import { ImageBuildError } from './image-errors.js';
import { imageExists } from './image-store.js';

export interface BuildRequest {
  /** `repository:tag` to give the result. */
  tag: string;
  dockerfile: string;
  context?: Omit<BuildContext, 'files'> & { files?: BuildContext['files'] };
  onProgress?: ProgressSink;
  /** Abort the build after this long. */
  timeoutMs?: number;
}

/** Builds the image and resolves to its id; build failures become an ImageBuildError. */
export async function buildImageFromDockerfile(docker: Docker, request: BuildRequest): Promise<string> {
  const context = packBuildContext({
    files: [{ path: 'Dockerfile', content: request.dockerfile }, ...(request.context?.files ?? [])],
    directories: request.context?.directories ?? [],
  });
  const signal = request.timeoutMs !== undefined ? AbortSignal.timeout(request.timeoutMs) : undefined;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(context, {
      t: request.tag,
      rm: true,
      forcerm: true,
      ...(signal ? { abortSignal: signal } : {}),
    });
  } catch (error) {
    throw new ImageBuildError(request.tag, `the engine refused the build: ${error instanceof Error ? error.message : String(error)}`, [], {
      cause: error,
    });
  }
  const result = await followEngineStream(stream, request.tag, request.onProgress);
  // A stream that ends without an error message is not proof: the connection may have dropped.
  if (!(await imageExists(docker, request.tag))) {
    throw new ImageBuildError(request.tag, 'the build ended but the image is not there', result.lines);
  }
  return (await docker.getImage(request.tag).inspect()).Id;
}
