/**
 * The `local` policy type of `createPolicy`: a model trained here (a model folder: a run's
 * `model/` or `best/`, a checkpoint), driven exactly as an OpenAI-compatible endpoint is. The
 * trainer (TensorFlow.js and its backends) is loaded on the first request, not when the policy is
 * made, so naming `local` in a run configuration costs nothing until a model is asked; the loaded
 * model is then kept for every later request (one model per policy, shared by a rollout's
 * episodes).
 */
import { resolve } from 'node:path';
import type { BackendSetting } from '../../train/backends/backend-names.js';
import type { Policy, PolicyRequest, PolicyResponse } from '../types.js';

export interface LocalPolicySpec {
  type: 'local';
  /** The model folder. */
  model: string;
  /** `model_name_or_path` in predictions; default `local:<folder>`. */
  name?: string;
  /** Backend to load it on; default SWE_SRL_TRAIN_BACKEND, else the best present. */
  backend?: BackendSetting;
  /** Seeds requests that give none. */
  seed?: number;
  /** Tokens to generate when a request gives no maxTokens; default a quarter of the context. */
  defaultMaxTokens?: number;
  useKvCache?: boolean;
}

/** The policy a local spec names; the model loads on the first `complete`. */
export class LazyLocalPolicy implements Policy {
  readonly name: string;
  private loading: Promise<Policy & { dispose(): void }> | undefined;

  constructor(readonly spec: LocalPolicySpec) {
    this.name = spec.name ?? `local:${spec.model}`;
  }

  async complete(request: PolicyRequest): Promise<PolicyResponse> {
    return (await this.load()).complete(request);
  }

  /** Loads the model now (a driver that wants load errors before its first episode calls this). */
  load(): Promise<Policy & { dispose(): void }> {
    this.loading ??= import('../../train/policy/local-policy.js').then(({ createLocalPolicy }) => {
      const { type: _type, model, ...options } = this.spec;
      return createLocalPolicy({ ...options, model: resolve(model), name: this.name });
    });
    return this.loading;
  }

  async dispose(): Promise<void> {
    if (this.loading) (await this.loading).dispose();
  }
}
