/**
 * SWE-bench v5's after-the-fact triage of instances that produced no result or were unresolved:
 * signatures in the test output and run_instance.log that say the environment broke rather than
 * the patch. It is advisory: a flagged instance stays unresolved or an error, so resolve rates do
 * not move; the report and summary only say which ones look like infrastructure.
 */
export type InfraFailureTier = 'environment' | 'ambiguous';

export interface InfraFailure {
  reason: string;
  tier: InfraFailureTier;
}

// (reason, tier, pattern): the first that matches wins. `environment` cannot come from a patch to
// the repository's source; `ambiguous` can come from either.
const SIGNATURES: ReadonlyArray<readonly [string, InfraFailureTier, RegExp]> = [
  ['browser_launch_failed', 'environment', /Failed to launch|Failed to connect to the bus/m],
  ['display_unavailable', 'environment', /cannot open display|Missing X server|unable to open X display/m],
  ['out_of_memory', 'environment', /Cannot allocate memory|OutOfMemoryError|^Killed$/m],
  ['container_unavailable', 'environment', /Error response from daemon|Cannot connect to the Docker daemon/m],
  ['network_unreachable', 'environment', /Could not resolve host|Temporary failure in name resolution/m],
  ['missing_module', 'ambiguous', /Cannot find module|MODULE_NOT_FOUND|ModuleNotFoundError/m],
  ['no_tests_collected', 'ambiguous', /no tests ran|collected 0 items/m],
  ['tests_timed_out', 'ambiguous', /Timeout error: \d+ seconds exceeded/m],
];

export function classifyInfraFailure(...texts: Array<string | undefined>): InfraFailure | undefined {
  const text = texts.filter((part): part is string => part !== undefined).join('\n');
  if (text === '') return undefined;
  for (const [reason, tier, pattern] of SIGNATURES) if (pattern.test(text)) return { reason, tier };
  return undefined;
}
