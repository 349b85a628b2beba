import { SweSrlError } from '../../errors.js';

/**
 * An image could not be built: a failing install command, an unknown apt package, a broken
 * bootstrap. The message names the image and carries the last lines of the build's output, which is
 * where the reason is.
 */
export class ImageBuildError extends SweSrlError {
  constructor(
    readonly image: string,
    reason: string,
    readonly outputTail: string[] = [],
    options?: { cause?: unknown },
  ) {
    const tail = outputTail.length > 0 ? `\n--- last build output ---\n${outputTail.join('\n')}` : '';
    super(`building ${image} failed: ${reason}${tail}`, options);
  }
}
