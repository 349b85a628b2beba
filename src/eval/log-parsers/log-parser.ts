import type { TestStatusMap } from '../test-status.js';

/** The log parsers an environment spec can name (`log_parser:` in environments/*.yaml). */
export const LOG_PARSER_NAMES = ['pytest', 'unittest', 'node-test'] as const;
export type LogParserName = (typeof LOG_PARSER_NAMES)[number];

export interface LogParser {
  readonly name: LogParserName;
  /** Reads a runner's console output. Never throws, whatever the bytes. */
  parse(log: string | Uint8Array): TestStatusMap;
  /**
   * The spelling `parse` uses for a test name as an instance lists it, so that both meet when
   * FAIL_TO_PASS uses another accepted spelling (unittest's `test_x (module.Class)`).
   */
  normalizeTestName(name: string): string;
}
