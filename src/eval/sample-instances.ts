/**
 * The sample instances shipped under environments/sample-instances: small repositories (built
 * locally from the files there, so nothing is downloaded), SWE-bench instances on them with gold
 * patches, and a wrong prediction each. `serve --sample-instances` and the tests use them.
 */
import { fileURLToPath } from 'node:url';

export const SAMPLE_INSTANCES_DIR = fileURLToPath(new URL('../../environments/sample-instances', import.meta.url));
