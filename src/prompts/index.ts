/**
 * The one prompt builder and its templates: rollout prompts (the agent loop) and SRL step prompts
 * (`traj steps --form chat`, exporters, trainers) come from here.
 */
export { PromptBuilder, type PromptSetting, type PromptRound, type PromptWindow, type PromptInstance } from './prompt-builder.js';
export { stepPrompt, stepPrompts, trajectoryPromptBuilder, type StepPrompt, type StepPromptOptions } from './step-prompts.js';
export {
  loadAgentTemplates,
  loadAgentTemplatesSync,
  renderTemplate,
  agentTemplatesSchema,
  BUILTIN_TEMPLATES,
  TEMPLATE_FOR_FORMAT,
  THINK_TEMPLATE_FOR_FORMAT,
  DEFAULT_OMITTED_HISTORY_TEMPLATE,
  type AgentTemplates,
} from './templates.js';
