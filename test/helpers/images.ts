/**
 * Docker tests need an image to start containers from. This builds swe-srl's base image once
 * (debootstrap when there is no registry: a minute or two the first time) and reuses it by tag
 * afterwards. Parallel test files share the build through the image module's lock.
 */
import Docker from 'dockerode';
import { ensureBaseImage } from '../../src/sandbox/images/base-image.js';

let ensured: Promise<string> | undefined;

/** The base image's tag, built on first use. Call only from tests that skip without Docker. */
export function baseImageForTests(docker: Docker = new Docker()): Promise<string> {
  const verbose = process.env.SWE_SRL_TEST_VERBOSE === '1';
  let announced = false;
  ensured ??= ensureBaseImage(docker, {
    // A first build is slow; say why the test is waiting instead of hanging silently.
    onProgress: (line) => {
      if (verbose) console.error(`[base image] ${line}`);
      else if (!announced) console.error('[base image] building the base image once (1-2 minutes; SWE_SRL_TEST_VERBOSE=1 shows progress)');
      announced = true;
    },
    lock: { onWait: (message) => console.error(`[base image] ${message}`) },
  }).then((image) => image.tag);
  // A failed build should be retried by the next caller rather than cached as a failure.
  ensured.catch(() => {
    ensured = undefined;
  });
  return ensured;
}
