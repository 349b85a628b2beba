/**
 * Episodes on task instances, run with the harness's own pieces: the instance image (built once,
 * then reused by tag), a sandbox from the warm pool, the prompt templates, the tools, and the RLVR
 * grading. One step reads the model's output with the loop's reader and runs its action with the
 * tools; close grades the sandbox as the evaluation stage does.
 *
 * This stands in for the steppable `Episode` the training-contract issue is building (the agent
 * loop split into start / step / finish); when that lands, `start` and `step` become calls to it.
 */
import { InputError, UnavailableError } from '../../errors.js';
import { loadInstances, type Instance } from '../../eval/instances.js';
import { rlvrReward } from '../../eval/rlvr-reward.js';
import { readPolicyOutput } from '../../agent/read-output.js';
import { loadAgentTemplates, renderTemplate, type AgentTemplates } from '../../prompts/templates.js';
import { DockerEngines, pruneSandboxes } from '../../sandbox/docker/engines.js';
import { findEnvironmentSpec, loadEnvironmentSpecs, type EnvironmentSpec, type EnvironmentSpecFile } from '../../sandbox/images/environment-spec.js';
import { ensureInstanceImage } from '../../sandbox/images/instance-image.js';
import { defaultDockerEngines, type DockerSandboxConfig } from '../../sandbox/factory.js';
import type { WarmPool } from '../../sandbox/pool/warm-pool.js';
import type { Sandbox } from '../../sandbox/types.js';
import { ToolSession } from '../../tools/tool-session.js';
import { renderCommandDocs } from '../../tools/tool-specs.js';
import type { ToolCall, ToolSpec, ToolState } from '../../tools/types.js';
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
  maxSteps?: number;
  actionTimeoutMs?: number;
  maxConsecutiveFormatErrors?: number;
  /** Give the FAIL_TO_PASS share as the reward when not resolved. */
  partialCredit?: boolean;
  engines?: DockerEngines;
  onProgress?: (line: string) => void;
}

interface LoadedTask {
  instance: Instance;
  environment: EnvironmentSpec;
}

export class ToolEpisodeDriver implements EpisodeDriver {
  private instances: Promise<Map<string, Instance>> | undefined;
  private specs: Promise<EnvironmentSpecFile[]> | undefined;
  private templates: Promise<AgentTemplates> | undefined;
  private readonly images = new Map<string, Promise<string>>();
  private readonly engines: DockerEngines;

  constructor(private readonly options: ToolEpisodeDriverOptions) {
    this.engines = options.engines ?? defaultDockerEngines();
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
    const { sandbox, warm } = await this.options.pool.acquire(await this.sandboxConfig(request.instanceId));
    try {
      const session = new ToolSession(sandbox, { ...templates.tools, ...(this.options.actionTimeoutMs ? { actionTimeoutMs: this.options.actionTimeoutMs } : {}) });
      const variables = (state: ToolState): Record<string, string | number> => ({
        problem_statement: instance.problem_statement,
        instance_id: instance.instance_id,
        repo: instance.repo,
        repo_root: sandbox.workdir,
        open_file: state.openFile,
        working_dir: state.workingDir,
        WINDOW: session.config.window,
        command_docs: renderCommandDocs(session.specs),
      });
      // A fresh sandbox's shell is in the work directory with no file open: no round trip needed.
      const state: ToolState = { openFile: 'n/a', workingDir: sandbox.workdir };
      const messages: EpisodeMessage[] = [
        { role: 'system', content: renderTemplate(templates.system_template, variables(state)) },
        { role: 'user', content: renderTemplate(templates.instance_template, variables(state)) },
      ];
      const episode = new ToolEpisode(sandbox, session, templates, instance, environment, variables, this.options);
      return { episode, messages, warm, ...(templates.format === 'function_calling' ? { tools: session.specs.map(openAiTool) } : {}) };
    } catch (error) {
      await sandbox.close().catch(() => undefined);
      throw error;
    }
  }

  private async task(instanceId: string): Promise<LoadedTask> {
    const instance = (await this.instanceMap()).get(instanceId);
    if (!instance) throw new InputError(`no instance ${JSON.stringify(instanceId)} in ${this.options.instancesFile}`);
    return { instance, environment: findEnvironmentSpec(await this.environmentSpecs(), instance.repo, instance.version) };
  }

  private image(instance: Instance, environment: EnvironmentSpec): Promise<string> {
    let image = this.images.get(instance.instance_id);
    if (!image) {
      image = (async () => {
        // Every engine a sandbox may land on needs the image; build (or find) it on each.
        const tags = await Promise.all(
          this.engines.engines.map(async (engine) => {
            await engine.ensureReachable();
            const ensured = await ensureInstanceImage(engine.docker, {
              environment,
              repo: instance.repo,
              commit: instance.base_commit,
              instanceId: instance.instance_id,
              reposDir: this.options.reposDir,
              ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}),
            });
            return ensured.tag;
          }),
        );
        return tags[0]!;
      })();
      image.catch(() => this.images.delete(instance.instance_id));
      this.images.set(instance.instance_id, image);
    }
    return image;
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

class ToolEpisode implements DrivenEpisode {
  private steps = 0;
  private formatErrorsInARow = 0;
  private submission: string | undefined;
  private exitStatus: string | null = null;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly session: ToolSession,
    private readonly templates: AgentTemplates,
    private readonly instance: Instance,
    private readonly environment: EnvironmentSpec,
    private readonly variables: (state: ToolState) => Record<string, string | number>,
    private readonly options: ToolEpisodeDriverOptions,
  ) {}

  async step(action: EpisodeAction, signal: AbortSignal): Promise<EpisodeStepResult> {
    const format = this.templates.format;
    const read = readPolicyOutput({ text: action.text, toolCalls: action.toolCalls }, format, this.templates.think_tags);
    if (!read.ok) {
      this.formatErrorsInARow += 1;
      const observation = renderTemplate(this.templates.format_error_template, { reason: read.reason });
      const limit = this.options.maxConsecutiveFormatErrors ?? 3;
      if (this.formatErrorsInARow >= limit) return this.end('exit_format', observation);
      return { observation, done: false, reward: null, exitStatus: null, messages: this.observationMessages(action, observation) };
    }
    this.formatErrorsInARow = 0;
    // The parsed action runs, as in the agent loop: what is recorded and scored is what ran.
    const call: ToolCall = read.action;
    const outcome = await this.session.execute(call);
    if (signal.aborted) throw signal.reason;
    // The tools report a dead sandbox in the observation; the server must hear it as what it is.
    if (outcome.crashed && !(await this.answers())) throw new UnavailableError(`sandbox ${this.sandbox.id} stopped answering: ${outcome.observation}`);
    this.steps += 1;
    const state = await this.session.state();
    const observation =
      outcome.observation.trim() === ''
        ? renderTemplate(this.templates.next_step_no_output_template, this.variables(state))
        : renderTemplate(this.templates.next_step_template, { ...this.variables(state), observation: outcome.observation });
    if (outcome.submission !== undefined) {
      this.submission = outcome.submission;
      return this.end('submitted', observation, action);
    }
    if (this.steps >= (this.options.maxSteps ?? 50)) return this.end('exit_step_limit', observation, action);
    return { observation, done: false, reward: null, exitStatus: null, messages: this.observationMessages(action, observation) };
  }

  async close(): Promise<EpisodeCloseResult> {
    const patch = this.submission ?? (await this.sandbox.diff());
    if (patch.trim() === '') return { patch, exitStatus: this.exitStatus, verdict: { status: 'empty_patch', resolved: false, reward: 0 } };
    const graded = await rlvrReward(this.sandbox, this.instance, this.environment, { partialCredit: this.options.partialCredit === true });
    if (!graded.testPatchApplied) return { patch, exitStatus: this.exitStatus, verdict: { status: 'error', resolved: null, reward: null, detail: graded.issues.join('; ') } };
    return {
      patch,
      exitStatus: this.exitStatus,
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

  private end(status: string, observation: string, action?: EpisodeAction): EpisodeStepResult {
    this.exitStatus = status;
    return { observation, done: true, reward: null, exitStatus: status, messages: action ? this.observationMessages(action, observation) : [] };
  }

  /** The turn to append after the model's own: a tool result per call, or a user message. */
  private observationMessages(action: EpisodeAction, observation: string): EpisodeMessage[] {
    if (this.templates.format === 'function_calling' && action.toolCalls.length > 0) {
      return action.toolCalls.map((call) => ({ role: 'tool', content: observation, tool_call_id: call.id }));
    }
    return [{ role: 'user', content: observation }];
  }

  private async answers(): Promise<boolean> {
    try {
      return (await this.sandbox.run('true', { timeoutMs: 5_000 })).exitCode === 0;
    } catch {
      return false;
    }
  }
}

function openAiTool(spec: ToolSpec): unknown {
  return { type: 'function', function: { name: spec.name, description: spec.description, parameters: spec.parameters } };
}
