/**
 * What the evaluator needs from an environment spec (src/sandbox/images/environment-spec.ts owns
 * the full spec and its YAML): how to run the tests and how to read their output.
 */
import type { EnvironmentSpec } from '../sandbox/images/environment-spec.js';

export type TestEnvironment = Pick<EnvironmentSpec, 'testCmd' | 'logParser'> &
  Partial<Pick<EnvironmentSpec, 'timeoutSeconds' | 'name' | 'preTest' | 'reinstall' | 'instanceInstall' | 'testDirectives' | 'runnerReport' | 'evalType'>>;
