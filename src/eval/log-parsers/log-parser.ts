import { LOG_PARSERS, type LogParserName } from '../../sandbox/images/environment-spec.js';
import type { TestStatusMap } from '../test-status.js';

/** The log parsers an environment spec can name (`log_parser:` in environments/*.yaml). */
export const LOG_PARSER_NAMES = LOG_PARSERS;
export type { LogParserName };

export interface LogParser {
  readonly name: LogParserName;
  /** Reads a runner's console output. Never throws, whatever the bytes. */
  parse(log: string | Uint8Array): TestStatusMap;
  /**
   * The spelling `parse` uses for a test name as an instance lists it, so that both meet when
   * FAIL_TO_PASS uses another accepted spelling (unittest's `test_x (module.Class)`, a pytest
   * parameter holding another machine's absolute path).
   */
  normalizeTestName(name: string): string;
  /**
   * How this parser would key a test the runner's own report names `name` (the part after the
   * last `::` of a pytest node id, parameters included): SWE-bench's parsers cut ids at the first
   * space or rewrite path parameters, and the cross-check must compare like with like. Identity
   * when absent.
   */
  runnerNameKey?(name: string): string;
}
