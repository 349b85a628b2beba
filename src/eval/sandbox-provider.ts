import type { EnvironmentSpec } from '../sandbox/images/environment-spec.js';
import type { Sandbox } from '../sandbox/types.js';
import type { Instance } from './instances.js';
import type { RunLeftovers } from './summary.js';

/**
 * Where the evaluator gets its sandboxes: each call opens a fresh one whose workdir holds the
 * instance's repository at base_commit, clean. The Docker provider builds (or reuses) the layered
 * images; tests may bring another backend.
 */
export interface InstanceSandboxProvider {
  open(instance: Instance, environment: EnvironmentSpec, onProgress: (line: string) => void): Promise<Sandbox>;
  /** Removes what an earlier, killed process left behind for this run id (containers). */
  removeLeftovers?(runId: string): Promise<number>;
  /** What this run still holds on the engine at its end (SWE-bench's unstopped/unremoved keys). */
  leftovers?(runId: string): Promise<RunLeftovers>;
}
