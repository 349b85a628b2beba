/**
 * Expert trajectories: the normalized schema, readers for SWE-agent `.traj` / demonstration YAML /
 * chat-XML / OpenAI-messages files, writers back to `.traj` and chat-XML, the JSONL store, and the
 * SRL step decomposition.
 */
export * from './schema.js';
export { readTrajectories, readAllTrajectories, detectFormat, type ReadTrajectory } from './read.js';
export { readTrajectoryStore, writeTrajectoryStore, type StoredTrajectory } from './store.js';
// The JSON and UTF-8 readers live in src/io/; re-exported here, where they were first offered.
export { readJsonLines, writeJsonLines } from '../io/json-lines.js';
export { readUtf8File, decodeUtf8 } from '../io/utf8.js';
export { parseJson } from '../io/json-parse.js';
export { readSweAgentTraj } from './readers/swe-agent-traj.js';
export { readSweAgentDemo } from './readers/swe-agent-demo.js';
export { readChatRecord, splitThinkBlock } from './readers/chat-messages.js';
export { splitFooter, withFooter, problemStatementFromPrompt, NO_OUTPUT_MESSAGE } from './readers/prompt-text.js';
export type { RecordLocation } from './readers/common.js';
export { toSweAgentTraj, serializeSweAgentTraj, type SweAgentTrajFile } from './writers/swe-agent-traj.js';
export { toChatXml, XML_CHAT_SYSTEM_PROMPT, type ChatXmlRecord } from './writers/chat-xml.js';
export {
  rawStepInstances,
  chatStepPrompts,
  expertActionText,
  StepIdAllocator,
  defaultStepOptions,
  DEFAULT_HISTORY,
  DEFAULT_OBSERVATION_BUDGET,
  type StepOptions,
  type RawStepInstance,
  type ChatStepPrompt,
  type ChatMessage,
} from './steps/decompose.js';
export { truncateObservation, truncationMarker } from './steps/truncate.js';
export { stepRowSchema, expertOfRow, type StepRow, type StepTarget, type ExpertAction } from './steps/schema.js';
export { recordedRootOf, toolboxOfTrajectory } from './toolbox.js';
