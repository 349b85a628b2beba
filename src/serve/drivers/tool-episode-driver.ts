/**
 * Episodes on task instances, run with the harness's own pieces: the instance image (built once,
 * then reused by tag), a sandbox from the warm pool, and the agent loop's own `Episode` (the
 * prompts, the action reader, the tools, the limits and the recording are the loop's, so a policy
 * served here sees what a rollout shows it); close grades the sandbox as the evaluation stage does.
 */
import { InputError, UnavailableError } from '../../errors.js';
import { loadInstances, type Instance } from '../../eval/instances.js';
import { rlvrReward } from '../../eval/rlvr-reward.js';
import type { AgentConfigInput } from '../../agent/agent-config.js';
import { Episode } from '../../agent/episode.js';
import { toWireMessage } from '../../policy/openai/chat-wire.js';
import type { ChatMessage } from '../../policy/types.js';
import { loadAgentTemplates, type AgentTemplates } from '../../prompts/templates.js';
import { DockerEngines, pruneSandboxes } from '../../sandbox/docker/engines.js';
import { findEnvironmentSpec, loadEnvironmentSpecs, type EnvironmentSpec, type EnvironmentSpecFile } from '../../sandbox/images/environment-spec.js';
import { InstanceImages } from '../../sandbox/images/instance-images.js';
import { defaultDockerEngines, type DockerSandboxConfig } from '../../sandbox/factory.js';
import type { WarmPool } from '../../sandbox/pool/warm-pool.js';
import type { Sandbox } from '../../sandbox/types.js';
import { openAiTools } from '../../tools/tool-specs.js';
import type { DrivenEpisode, EpisodeAction, EpisodeCloseResult, EpisodeDriver, EpisodeMessage, EpisodeStartRequest, EpisodeStepResult, StartedEpisode } from '../episode-driver.js';

export interface ToolEpisodeDriverOptions {
  /** SWE-bench-style instances (JSON or JSONL). */
  instancesFile: string;
  /** Environment specs (one YAML per repository). */
  environmentsDir: string;
  /** Repositories as `owner__name` clones or bundles. */
  reposDir: string;
  /** Where sandboxes come from; its configs carry `runId`, the label a restart prunes by. */
  pool: WarmPool;
  /** Labels every sandbox (`swe-srl.run`); a restart with the same id removes the previous process's. */
  runId: string;
  /** Template set (built-in name or file). Default `xml-function-calling`, the SRL paper's form. */
  templates?: string;
  /** The episodes' limits, tool settings and `<think>` requirement, as a rollout takes them (the run configuration's agent section). */
  agent?: AgentConfigInput;
  /** Give the FAIL_TO_PASS share as the reward when not resolved. */
  partialCredit?: boolean;
  engines?: DockerEngines;
  onProgress?: (line: string) => void;
}

interface LoadedTask {
  instance: Instance;
  environment: EnvironmentSpec;
}

/** The loop's messages as the server sends them (OpenAI's chat format). */
function wireMessages(messages: readonly ChatMessage[]): EpisodeMessage[] {
  return messages.map((message) => toWireMessage(message) as EpisodeMessage);
}

export class ToolEpisodeDriver implements EpisodeDriver {
  private instances: Promise<Map<string, Instance>> | undefined;
  private specs: Promise<EnvironmentSpecFile[]> | undefined;
  private templates: Promise<AgentTemplates> | undefined;
  private readonly images: InstanceImages;
  private readonly engines: DockerEngines;

  constructor(private readonly options: ToolEpisodeDriverOptions) {
    this.engines = options.engines ?? defaultDockerEngines();
    this.images = new InstanceImages({ reposDir: options.reposDir, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  }

  /** Loads the instances, specs and templates now, so a mistake in them stops the server at start. */
  async load(): Promise<number> {
    const [instances] = await Promise.all([this.instanceMap(), this.environmentSpecs(), this.agentTemplates()]);
    return instances.size;
  }

  /** The ids of the instances episodes can run on. */
  async instanceIds(): Promise<string[]> {
    return [...(await this.instanceMap()).keys()];
  }

  /** The sandbox config of an instance (its image built or found first), as the pool keys it. */
  async sandboxConfig(instanceId: string): Promise<DockerSandboxConfig> {
    const { instance, environment } = await this.task(instanceId);
    return { type: 'docker', image: await this.image(instance, environment), runId: this.options.runId, instanceId, engines: this.engines };
  }

  removeLeftovers(): Promise<number> {
    return pruneSandboxes({ runId: this.options.runId, engines: this.engines });
  }

  close(): Promise<void> {
    return this.options.pool.close();
  }

  async start(request: EpisodeStartRequest): Promise<StartedEpisode> {
    const { instance, environment } = await this.task(request.instanceId);
    const templates = await this.agentTemplates();
    const config = await this.sandboxConfig(request.instanceId);
    // Handing out a warm sandbox costs no round trip: the pool checks what the sandbox knows (its
    // shell's connection), and the episode's first state is known (the shell has run nothing, so it
    // is in the work tree). A sandbox found dead at start is replaced once; one that dies unnoticed
    // fails its first step as an infrastructure error (503), never as the model's failure.
    for (let attempt = 1; ; attempt += 1) {
      const { sandbox, warm } = await this.options.pool.acquire(config, { checkAlive: attempt > 1 });
      try {
        const episode = await Episode.start({ instanceId: instance.instance_id, problemStatement: instance.problem_statement, repo: instance.repo }, sandbox, {
          templates,
          ...(this.options.agent ? { config: this.options.agent } : {}),
        });
        // Nothing ran yet: an episode over at once means the sandbox did not answer.
        if (episode.done) throw new UnavailableError(`sandbox ${sandbox.id} did not answer: ${episode.exitDetail ?? episode.exitStatus}`);
        const tools = episode.tools;
        return { episode: new ToolEpisode(episode, sandbox, instance, environment, this.options), messages: wireMessages(episode.messages), warm, ...(tools ? { tools: openAiTools(tools) } : {}) };
      } catch (error) {
        await sandbox.close().catch(() => undefined);
        if (!(warm && attempt === 1 && error instanceof UnavailableError)) throw error;
      }
    }
  }

  private async task(instanceId: string): Promise<LoadedTask> {
    const instance = (await this.instanceMap()).get(instanceId);
    if (!instance) throw new InputError(`no instance ${JSON.stringify(instanceId)} in ${this.options.instancesFile}`);
    return { instance, environment: findEnvironmentSpec(await this.environmentSpecs(), instance.repo, instance.version) };
  }

  /** The instance's image: the pool may start its sandbox on any engine, so it is built (or found) on each. */
  private async image(instance: Instance, environment: EnvironmentSpec): Promise<string> {
    const tags = await Promise.all(this.engines.engines.map((engine) => this.images.on(engine, instance, environment)));
    return tags[0]!;
  }

  private instanceMap(): Promise<Map<string, Instance>> {
    this.instances ??= loadInstances(this.options.instancesFile).then((list) => new Map(list.map((instance) => [instance.instance_id, instance])));
    return this.instances;
  }

  private environmentSpecs(): Promise<EnvironmentSpecFile[]> {
    this.specs ??= loadEnvironmentSpecs(this.options.environmentsDir);
    return this.specs;
  }

  private agentTemplates(): Promise<AgentTemplates> {
    this.templates ??= loadAgentTemplates(this.options.templates ?? 'xml-function-calling');
    return this.templates;
  }
}

/** The server's view of one `Episode`: its steps, then the RLVR verdict on its patch. */
class ToolEpisode implements DrivenEpisode {
  constructor(
    private readonly episode: Episode,
    private readonly sandbox: Sandbox,
    private readonly instance: Instance,
    private readonly environment: EnvironmentSpec,
    private readonly options: ToolEpisodeDriverOptions,
  ) {}

  async step(action: EpisodeAction, signal: AbortSignal): Promise<EpisodeStepResult> {
    const result = await this.episode.step({ text: action.text, toolCalls: action.toolCalls });
    if (signal.aborted) throw signal.reason;
    // The episode ends a run whose tools failed as the loop does; the server must hear a dead
    // sandbox as what it is, an infrastructure error that says nothing about the model.
    if (result.outcome?.crashed && !(await this.answers())) throw new UnavailableError(`sandbox ${this.sandbox.id} stopped answering: ${result.outcome.observation}`);
    if (result.done && result.exitStatus === 'exit_error' && result.outcome === undefined) {
      throw new UnavailableError(`sandbox ${this.sandbox.id} failed: ${this.episode.exitDetail ?? 'the step did not run'}`);
    }
    return {
      observation: result.observation,
      done: result.done,
      reward: null,
      exitStatus: result.exitStatus ?? null,
      // The assistant turn is the caller's; what follows it is the tools' answer or the format error.
      messages: wireMessages(result.messages.filter((message) => message.role !== 'assistant')),
    };
  }

  async close(): Promise<EpisodeCloseResult> {
    // An episode closed before it ended has no exit status of its own (finish() would call it an error).
    const exitStatus = this.episode.exitStatus ?? null;
    const { patch, infrastructureError } = await this.episode.finish();
    if (patch === null) throw new UnavailableError(`sandbox ${this.sandbox.id}: ${infrastructureError ?? 'the patch could not be taken'}`);
    if (patch.trim() === '') return { patch, exitStatus, verdict: { status: 'empty_patch', resolved: false, reward: 0 } };
    const graded = await rlvrReward(this.sandbox, this.instance, this.environment, { partialCredit: this.options.partialCredit === true });
    if (!graded.testPatchApplied) return { patch, exitStatus, verdict: { status: 'error', resolved: null, reward: null, detail: graded.issues.join('; ') } };
    return {
      patch,
      exitStatus,
      verdict: {
        status: graded.resolved ? 'resolved' : 'unresolved',
        resolved: graded.resolved,
        reward: graded.reward,
        tests_status: graded.testsStatus,
        ...(graded.timedOut ? { detail: 'the tests ran past their time limit' } : {}),
      },
    };
  }

  remove(): Promise<void> {
    return this.sandbox.close();
  }

  private async answers(): Promise<boolean> {
    try {
      return (await this.sandbox.run('true', { timeoutMs: 5_000 })).exitCode === 0;
    } catch {
      return false;
    }
  }
}
