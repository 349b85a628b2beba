/** Step data in the training frameworks' formats: the export's public surface. */
export { exportSteps, type ExportStepsOptions } from './export-steps.js';
export {
  EXPORT_FORMATS,
  DEFAULT_ABILITY,
  DEFAULT_DATA_SOURCE,
  DEFAULT_MATH_ABILITY,
  DEFAULT_MATH_DATA_SOURCE,
  DEFAULT_SPLIT,
  sftCompletionText,
  type ExportFormat,
  type VerlRow,
} from './formats.js';
export {
  checkGroundTruth,
  expertOfGroundTruth,
  isMathGroundTruth,
  labelOfGroundTruth,
  mathGroundTruthSchema,
  parseSrlLabel,
  recognizeToolFormat,
  srlGroundTruthSchema,
  targetOfGroundTruth,
  type MathGroundTruth,
  type SrlGroundTruth,
  type SweGroundTruth,
} from './ground-truth.js';
export { EXPORT_DOMAINS, readExportableSteps, type ExportableStepRow, type ExportDomain, type SourcedStepRow } from './step-rows.js';
export { verlParquetBytes, VERL_COLUMNS, VERL_MATH_COLUMNS } from './verl-parquet.js';
