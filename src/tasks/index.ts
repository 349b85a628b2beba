/** The built-in SWE task family: generation, its records, and the pieces a teacher builds on. */
export { makeTasks, SPLITS, GENERATOR_VERSION, NotEnoughTasksError, type MakeTasksOptions, type MakeTasksEvent, type MakeTasksEvents, type MakeTasksResult, type Split, type ValidationSummary } from './make-tasks.js';
export { tasksLayout, type TasksLayout } from './output-layout.js';
export { BUG_KINDS, isBugKind, parseBugKinds, type BugKind } from './bugs/bug-kinds.js';
export { TIERS, TEST_FRAMEWORKS, type Tier, type TestFramework } from './package/plan.js';
export { TEMPLATE_IDS } from './templates/domains.js';
export { FAMILY_REPO, FAMILY_SPEC_FILE, FAMILY_SPEC_YAML, familySpecFile, familyEnvironment } from './family-spec.js';
export { loadTeacherRecords, teacherRecordSchema, type TaskInstance, type TeacherRecord } from './task-records.js';
export { applyEdits, countOccurrences, type StrReplaceEdit } from './edits.js';
export { DROP_REASONS, type DropReason } from './candidate.js';
export { NOOP_PATCH } from './validate.js';
export { labelOf, ratesBy, readTaskLabels, type RateCount, type TaskLabel } from './task-labels.js';
