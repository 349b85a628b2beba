/**
 * The trainer: a TensorFlow.js transformer policy trained in-process by SFT, SRL (GRPO on SRL
 * step rewards) and RLVR (GRPO on whole episodes graded by the evaluation stage). Library entry points take a config object and an output folder (so a pipeline
 * stage calls them directly), report progress through `onEvent`, and write `metrics.jsonl`,
 * `checkpoints/`, `best/` and `model/` under the folder.
 */
export { selectBackend, resolveBackendSetting, describeSelection, selectionSummary, BACKEND_LADDER, BACKEND_SETTINGS, BACKEND_ENV_VAR, type BackendName, type BackendSetting, type BackendSelection } from './backends/ladder.js';
export { loadNativeBackend } from './backends/native/index.js';
export { tfjsOps, type ModelOps, type LayerKv } from './model/ops.js';
export { opsForActiveBackend } from './backends/model-ops.js';
export { Transformer, type KvCache } from './model/transformer.js';
export { MODEL_PRESETS, parameterCount, forwardFlops, type ModelConfig, type ModelPreset } from './model/config.js';
export { generate, type GenerateOptions, type GeneratedSample } from './model/generate.js';
export { continuationLogprobs, nextTokenLogprobs } from './model/logprobs.js';
export { Tokenizer, SPECIAL_TOKENS } from './tokenizer/tokenizer.js';
export { ChatTemplate } from './tokenizer/chat-template.js';
export { saveModelDir, loadModelDir, type LoadedModel } from './checkpoint/model-dir.js';
export { encodeSafetensors, decodeSafetensors } from './checkpoint/safetensors.js';
export { SafetensorsFileHandler, registerSafetensorsRouter } from './checkpoint/file-handler.js';
export { parseTrainConfig, loadTrainConfig, mergeTrainConfig, trainConfigSchema, type TrainConfig, type TrainConfigInput } from './config.js';
export { fitPrompt } from './data/prompt-fit.js';
export { trainSft, type SftOptions, type SftResult, type SftSource } from './sft/sft-trainer.js';
export { trainSrl, type SrlOptions, type SrlResult, type SrlSource } from './srl/srl-trainer.js';
export { trainMathRlvr, mathAnswerReward, mathRlvrGrpoSettings, type MathRlvrOptions } from './rlvr/math-rlvr.js';
export { trainRlvr, rlvrAgentConfig, type RlvrOptions, type RlvrResult } from './rlvr/rlvr-trainer.js';
export { runEpisode, inParallel, EpisodeInfrastructureError, type EpisodeEnvironment, type EpisodeOutcome, type EpisodeSettings } from './rlvr/episode-runner.js';
export { episodeSequences, type TurnTokens, type EpisodeSequence } from './rlvr/episode-sequences.js';
export { evaluateHeldOut, type HeldOutResult } from './rlvr/heldout-eval.js';
export { episodeEnvironmentOf } from './rlvr/episode-environment.js';
export { grpoUpdate, type GrpoItem } from './run/grpo-update.js';
export { grpoLoss, type GrpoLossInputs, type GrpoLossSettings } from './srl/grpo-loss.js';
export { LocalPolicy, createLocalPolicy, type LocalPolicyOptions, type LocalCompletion } from './policy/local-policy.js';
export { readMetrics } from './metrics.js';
export type { TrainEvent, TrainEventListener, MetricsRecord } from './events.js';
export { TrainingDivergedError, TrainingStalledError, NoTrainingDataError, TrainingOutOfMemoryError } from './errors.js';
