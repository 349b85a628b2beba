import { InputError } from '../../errors.js';
import { LOG_PARSER_NAMES, type LogParser, type LogParserName } from './log-parser.js';
import { nodeTestLogParser } from './node-test.js';
import { pytestLogParser } from './pytest.js';
import {
  sweBenchDjangoParser,
  sweBenchMatplotlibParser,
  sweBenchPytestOptionsParser,
  sweBenchPytestParser,
  sweBenchPytestV2Parser,
  sweBenchSeabornParser,
  sweBenchSympyParser,
} from './swebench-parsers.js';
import { unittestLogParser } from './unittest.js';

export { LOG_PARSER_NAMES, type LogParser, type LogParserName } from './log-parser.js';
export { parsePytestLog } from './pytest.js';
export { parseUnittestLog, normalizeUnittestName } from './unittest.js';
export { parseNodeTestLog, NODE_TEST_NAME_SEPARATOR } from './node-test.js';
export { parseJunitXml, pytestNodeIdToJunitKey } from './junit-xml.js';
export { structuredReportFor, type StructuredReportFormat, type StructuredReportSetup, type StructuredResults } from './structured-report.js';
export {
  parseSweBenchPytestLog,
  parseSweBenchPytestOptionsLog,
  parseSweBenchPytestV2Log,
  parseSweBenchMatplotlibLog,
  parseSweBenchSeabornLog,
  normalizePytestOption,
} from './swebench-pytest.js';
export { parseSweBenchDjangoLog } from './swebench-django.js';
export { parseSweBenchSympyLog } from './swebench-sympy.js';
export { SWEBENCH_REPO_PARSERS, SWEBENCH_FAIL_ONLY_REPOS } from './swebench-parsers.js';

const PARSERS: Record<LogParserName, LogParser> = {
  pytest: pytestLogParser,
  unittest: unittestLogParser,
  'node-test': nodeTestLogParser,
  'swebench-pytest': sweBenchPytestParser,
  'swebench-pytest-options': sweBenchPytestOptionsParser,
  'swebench-pytest-v2': sweBenchPytestV2Parser,
  'swebench-django': sweBenchDjangoParser,
  'swebench-sympy': sweBenchSympyParser,
  'swebench-matplotlib': sweBenchMatplotlibParser,
  'swebench-seaborn': sweBenchSeabornParser,
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
