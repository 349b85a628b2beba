/** The run configuration every command reads (`--config run.yaml`), with flags as overrides. */
export {
  runConfigSchema,
  sandboxSectionSchema,
  agentSectionSchema,
  policySectionSchema,
  rolloutSectionSchema,
  evalSectionSchema,
  stepsSectionSchema,
  parseRunConfig,
  loadRunConfigFile,
  resolveRunConfig,
  mergeConfig,
  type RunConfig,
  type RunConfigInput,
} from './run-config.js';
