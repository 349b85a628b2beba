import { InputError } from '../../errors.js';
import { LOG_PARSER_NAMES, type LogParser, type LogParserName } from './log-parser.js';
import { nodeTestLogParser } from './node-test.js';
import { pytestLogParser } from './pytest.js';
import { unittestLogParser } from './unittest.js';

export { LOG_PARSER_NAMES, type LogParser, type LogParserName } from './log-parser.js';
export { parsePytestLog } from './pytest.js';
export { parseUnittestLog, normalizeUnittestName } from './unittest.js';
export { parseNodeTestLog, NODE_TEST_NAME_SEPARATOR } from './node-test.js';
export { parseJunitXml, pytestNodeIdToJunitKey } from './junit-xml.js';
export { structuredReportFor, type StructuredReportFormat, type StructuredReportSetup, type StructuredResults } from './structured-report.js';

const PARSERS: Record<LogParserName, LogParser> = {
  pytest: pytestLogParser,
  unittest: unittestLogParser,
  'node-test': nodeTestLogParser,
};

export function isLogParserName(name: string): name is LogParserName {
  return (LOG_PARSER_NAMES as readonly string[]).includes(name);
}

export function getLogParser(name: string): LogParser {
  if (!isLogParserName(name)) {
    throw new InputError(`unknown log parser "${name}"; expected one of ${LOG_PARSER_NAMES.join(', ')}`);
  }
  return PARSERS[name];
}
