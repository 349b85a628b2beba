/**
 * Docker tests run against a real engine. Without one they skip with the reason, except when
 * REQUIRE_DOCKER=1 (as .ci/run sets it): then a missing engine fails the run instead of hiding it.
 */
import Docker from 'dockerode';

let probe: Promise<string | undefined> | undefined;

/** Resolves to undefined when an engine answers, else to why not. */
export function dockerUnavailableReason(): Promise<string | undefined> {
  probe ??= new Docker()
    .ping()
    .then(() => undefined)
    .catch((error: unknown) => `no Docker engine answers (${error instanceof Error ? error.message : String(error)})`);
  return probe;
}

/**
 * A value for node:test's `skip` option. Throws when REQUIRE_DOCKER=1 and no engine answers,
 * so CI cannot pass by skipping.
 */
export async function skipUnlessDocker(): Promise<false | string> {
  const reason = await dockerUnavailableReason();
  if (reason === undefined) return false;
  if (process.env.REQUIRE_DOCKER === '1') throw new Error(`REQUIRE_DOCKER=1 but ${reason}`);
  return `${reason}; set up one with scripts/setup-docker.sh`;
}
