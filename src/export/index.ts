/** Step data in the training frameworks' formats: the export's public surface. */
export { exportSteps, type ExportStepsOptions } from './export-steps.js';
export { EXPORT_FORMATS, DEFAULT_ABILITY, DEFAULT_DATA_SOURCE, DEFAULT_SPLIT, sftCompletionText, type ExportFormat, type VerlRow } from './formats.js';
export {
  checkGroundTruth,
  expertOfGroundTruth,
  parseSrlLabel,
  recognizeToolFormat,
  srlGroundTruthSchema,
  type SrlGroundTruth,
} from './ground-truth.js';
export { readExportableSteps, type ExportableStepRow } from './step-rows.js';
export { verlParquetBytes, VERL_COLUMNS } from './verl-parquet.js';
