/**
 * Local-backend tests need bubblewrap. Without it they skip with the reason, except in CI (CI=true or
 * REQUIRE_DOCKER=1, as .ci/run sets them), where .ci/run installs it: there a missing bwrap fails
 * the run, so the containment tests cannot pass by skipping.
 */
import { findBubblewrap } from '../../src/sandbox/local/launcher.js';

export function skipUnlessBubblewrap(): false | string {
  if (findBubblewrap() !== undefined) return false;
  if (process.env.CI === 'true' || process.env.REQUIRE_DOCKER === '1') {
    throw new Error('bubblewrap (bwrap) is not installed, and CI must run the local containment tests (apt-get install bubblewrap)');
  }
  return 'bubblewrap (bwrap) is not installed';
}
