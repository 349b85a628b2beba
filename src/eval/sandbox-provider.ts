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
  /**
   * The opens to come, in order (an instance opened `count` times), so a provider with a warm pool
   * can start the next sandboxes while the current ones run. Advice only: any open may still come.
   */
  plan?(opens: ReadonlyArray<{ instance: Instance; environment: EnvironmentSpec; count: number }>): void;
  /** Removes what the provider holds beyond the sandboxes it handed out (its warm pool); before `leftovers`. */
  close?(): Promise<void>;
}
