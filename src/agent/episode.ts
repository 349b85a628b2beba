/**
 * One episode of the agent, steppable from outside. A driver starts it on an instance and a
 * sandbox, asks whatever policy it has for a turn (`request()` is the chat request to send), hands
 * the policy's output to `step()`, and repeats until `done`; `finish()` gives the patch, the
 * trajectory and the stats. `runAgent` is such a driver; an environment server (reset / step /
 * close), a scripted teacher or an RLVR trainer are others.
 *
 * The episode owns everything between two policy calls: prompt rendering (the one prompt builder),
 * the context budget, format errors and their retries, the tools, the limits, the hooks and the
 * recording of each step and of each turn (prompt, completion, log-probabilities, finish reason,
 * usage, sampling parameters). Whatever the policy writes, it does not throw: a malformed output
 * gets a format-error message and counts toward `maxConsecutiveFormatErrors`; a sandbox or
 * endpoint failure ends it with `exit_error`, and it is still recorded.
 */
import type { Sandbox } from '../sandbox/types.js';
import type { Step, Trajectory } from '../trajectories/schema.js';
import type { ChatMessage, ChatToolCall, PolicyRequest, PolicyResponse, TokenLogprob, TokenUsage } from '../policy/types.js';
import { addUsage, emptyUsage } from '../policy/types.js';
import { PolicyHttpError } from '../policy/policy-errors.js';
import { ToolSession } from '../tools/tool-session.js';
import type { ToolOutcome, ToolSpec, ToolState } from '../tools/types.js';
import type { ParsedAction, ResponseErrorCode } from '../tools/parsers/index.js';
import { PromptBuilder, type PromptInstance, type PromptRound } from '../prompts/prompt-builder.js';
import type { AgentTemplates } from '../prompts/templates.js';
import { parseAgentConfig, type AgentConfig, type AgentConfigInput, type SamplingParams } from './agent-config.js';
import type { AgentHooks } from './hooks.js';
import type { AgentResult } from './agent-result.js';
import type { ExitStatus } from './exit-status.js';
import { readPolicyOutput } from './read-output.js';
import { elideOldObservations, estimateTokens } from './history.js';

export type AgentInstance = PromptInstance;

export interface EpisodeOptions {
  /** The prompt templates: the action format, the prompts and the default tools. */
  templates: AgentTemplates;
  /** Limits, sampling, tools (over the template's), history window, observation elision. */
  config?: AgentConfigInput;
  hooks?: AgentHooks;
  /** Stops the episode (it ends with `exit_error`, an infrastructure error); the run is still recorded. */
  signal?: AbortSignal;
  /** Counts a prompt's tokens for the context budget; default: characters / 4. */
  countTokens?: (messages: readonly ChatMessage[]) => number;
  /** `model_name` of the trajectory (the policy's name). */
  modelName?: string;
}

/** What the policy produced for one turn: the sample, and what the endpoint said about it. */
export interface PolicyTurn {
  text: string;
  toolCalls?: ChatToolCall[];
  finishReason?: string | null;
  /** Per-token log-probabilities of the completion, when the policy returned them. */
  logprobs?: TokenLogprob[];
  usage?: TokenUsage;
  /** The model that answered. */
  model?: string;
  latencyMs?: number;
  /** The whole response, for hooks (a driver that has one passes it). */
  response?: PolicyResponse;
}

export interface StepResult {
  done: boolean;
  /** Set once the episode is over. */
  exitStatus?: ExitStatus;
  /** What the policy is shown next: the rendered observation, or the format-error message. */
  observation: string;
  /** The messages this step added to the conversation (assistant turn, then observation or error). */
  messages: ChatMessage[];
  /** Set when the output was not one well-formed action (nothing ran). */
  formatError?: { code: ResponseErrorCode; reason: string; consecutive: number };
  /** The action that ran, and what the tools said. */
  action?: ParsedAction;
  outcome?: ToolOutcome;
}

/** One model call of an episode, as a trainer needs it. */
export interface TurnRecord {
  /** 1-based. */
  turn: number;
  /** The step (action) the turn became, 1-based; null for a format error. */
  step: number | null;
  /** The messages the policy answered. */
  prompt: ChatMessage[];
  text: string;
  toolCalls: ChatToolCall[];
  finishReason: string | null;
  logprobs?: TokenLogprob[];
  usage: TokenUsage;
  sampling: SamplingParams;
  model?: string;
  latencyMs?: number;
  formatError?: string;
  action?: ParsedAction;
  /** The tools' raw observation. */
  observation?: string;
}

class EpisodeEnd {
  constructor(
    readonly status: ExitStatus,
    readonly detail?: string,
    /** Why the result says nothing about the agent (a cut-off run, a dead sandbox or endpoint). */
    readonly infrastructure?: string,
  ) {}
}

export class Episode {
  readonly config: AgentConfig;
  readonly builder: PromptBuilder;
  readonly session: ToolSession;
  private readonly hooks: AgentHooks;
  private readonly countTokens: (messages: readonly ChatMessage[]) => number;
  private readonly thinkTags: boolean;
  private readonly started = Date.now();
  /** When the episode's total time runs out. */
  readonly deadline: number;
  private initialState: ToolState = { openFile: 'n/a', workingDir: '' };
  private opening: ChatMessage[] = [];
  private readonly rounds: Array<PromptRound & { messages: ChatMessage[] }> = [];
  private pending: ChatMessage[] = [];
  private readonly steps: Step[] = [];
  private readonly turnRecords: TurnRecord[] = [];
  private currentPrompt: ChatMessage[] = [];
  private usage: TokenUsage = emptyUsage();
  private modelCalls = 0;
  private formatErrors = 0;
  private consecutiveFormatErrors = 0;
  private consecutiveCrashes = 0;
  private lastPrompt: { tokens: number; messages: ChatMessage[] } | undefined;
  private lastActionCrashed = false;
  private end: EpisodeEnd | undefined;
  private submission: string | undefined;
  private result: AgentResult | undefined;

  private constructor(
    readonly instance: AgentInstance,
    readonly sandbox: Sandbox,
    private readonly options: EpisodeOptions,
  ) {
    this.config = parseAgentConfig(options.config);
    const { limits } = this.config;
    this.hooks = options.hooks ?? {};
    this.countTokens = options.countTokens ?? estimateTokens;
    this.thinkTags = this.config.thinkTags ?? options.templates.think_tags;
    this.deadline = this.started + limits.totalTimeMs;
    this.session = new ToolSession(sandbox, { ...options.templates.tools, ...this.config.tools, actionTimeoutMs: limits.actionTimeoutMs });
    this.builder = new PromptBuilder({ templates: options.templates, tools: this.session.config, instance, repoRoot: sandbox.workdir });
  }

  /**
   * Starts an episode: renders the system and instance prompts in the sandbox's first state. A
   * config that is wrong throws (nothing ran); a sandbox that fails ends the episode at once.
   */
  static async start(instance: AgentInstance, sandbox: Sandbox, options: EpisodeOptions): Promise<Episode> {
    const episode = new Episode(instance, sandbox, options);
    await episode.begin();
    return episode;
  }

  private async begin(): Promise<void> {
    try {
      this.initialState = await this.session.state();
      this.opening = this.builder.opening(this.initialState);
      await this.hooks.onRunStart?.({ instanceId: this.instance.instanceId, messages: this.opening });
      await this.advance();
    } catch (error) {
      this.end = this.endFor(error);
    }
  }

  get done(): boolean {
    return this.end !== undefined;
  }

  get exitStatus(): ExitStatus | undefined {
    return this.end?.status;
  }

  /** Why it ended, once done (the limit reached, the error that stopped it). */
  get exitDetail(): string | undefined {
    return this.end?.detail;
  }

  /** The conversation so far, format-error turns included (the first messages right after `start`). */
  get messages(): ChatMessage[] {
    return [...this.opening, ...this.rounds.flatMap((round) => round.messages), ...this.pending];
  }

  /** The tools offered for native function calling (undefined for the text formats). */
  get tools(): ToolSpec[] | undefined {
    return this.builder.nativeTools;
  }

  /** The messages the policy answers next. */
  prompt(): ChatMessage[] {
    return this.currentPrompt;
  }

  /** The chat request for the next turn: the prompt, the tools, the sampling and a signal that fires at the deadline. */
  request(): PolicyRequest {
    const timeout = AbortSignal.timeout(Math.max(1, this.deadline - Date.now()));
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    const tools = this.tools;
    return { messages: this.currentPrompt, n: 1, ...(tools ? { tools } : {}), ...this.config.sampling, signal };
  }

  /** Runs the policy's output: one action, or a format error. */
  async step(turn: PolicyTurn): Promise<StepResult> {
    if (this.end !== undefined) throw new Error(`the episode of ${this.instance.instanceId} is over (${this.end.status})`);
    const stepNumber = this.steps.length + 1;
    const toolCalls = turn.toolCalls ?? [];
    const usage = turn.usage ?? emptyUsage();
    this.modelCalls += 1;
    this.usage = addUsage(this.usage, usage);
    if (usage.promptTokens > 0) this.lastPrompt = { tokens: usage.promptTokens, messages: this.currentPrompt };
    const record: TurnRecord = {
      turn: this.modelCalls,
      step: null,
      prompt: this.currentPrompt,
      text: turn.text,
      toolCalls,
      finishReason: turn.finishReason ?? null,
      ...(turn.logprobs ? { logprobs: turn.logprobs } : {}),
      usage,
      sampling: this.config.sampling,
      ...(turn.model !== undefined ? { model: turn.model } : {}),
      ...(turn.latencyMs !== undefined ? { latencyMs: turn.latencyMs } : {}),
    };
    this.turnRecords.push(record);
    try {
      const response = turn.response ?? {
        samples: [{ text: turn.text, toolCalls, finishReason: turn.finishReason ?? null }],
        usage,
        model: turn.model ?? '',
        requests: 1,
        latencyMs: turn.latencyMs ?? 0,
      };
      await this.hooks.onModelResponse?.({ step: stepNumber, response, output: turn.text });

      const read = readPolicyOutput({ text: turn.text, toolCalls }, this.options.templates.format, this.thinkTags);
      if (!read.ok) {
        this.formatErrors += 1;
        this.consecutiveFormatErrors += 1;
        record.formatError = read.reason;
        await this.hooks.onFormatError?.({ step: stepNumber, output: turn.text, reason: read.reason, consecutive: this.consecutiveFormatErrors });
        // Shown to the policy until it answers with a valid action, then dropped (SWE-agent's requery).
        const messages = this.builder.formatErrorMessages({ text: turn.text, toolCalls }, read.reason);
        this.pending = [...this.pending, ...messages];
        const formatError = { code: read.code, reason: read.reason, consecutive: this.consecutiveFormatErrors };
        if (this.consecutiveFormatErrors >= this.config.limits.maxConsecutiveFormatErrors) {
          this.end = new EpisodeEnd('exit_format', `${this.consecutiveFormatErrors} malformed outputs in a row; the last: ${read.reason}`);
        } else {
          await this.advance();
        }
        return { ...this.status(), observation: messages.at(-1)!.content, messages, formatError };
      }
      this.consecutiveFormatErrors = 0;
      this.pending = [];

      const actionStarted = Date.now();
      const outcome = await this.session.execute(read.action, { timeoutMs: Math.max(1, this.deadline - Date.now()) });
      const state = await this.session.state();
      const durationMs = Date.now() - actionStarted;
      const round: PromptRound = { response: { text: turn.text, toolCalls }, observation: outcome.observation, state };
      const messages = this.builder.roundMessages(round, this.rounds.length);
      this.rounds.push({ ...round, messages });
      this.steps.push({
        thought: read.thought,
        action: read.actionText,
        parsed_action: read.action,
        observation: outcome.observation,
        state: { open_file: state.openFile, working_dir: state.workingDir },
      });
      record.step = stepNumber;
      record.action = read.action;
      record.observation = outcome.observation;
      await this.hooks.onActionExecuted?.({ step: stepNumber, thought: read.thought, actionText: read.actionText, action: read.action, outcome, state, durationMs });
      this.lastActionCrashed = outcome.crashed === true;
      this.consecutiveCrashes = outcome.crashed ? this.consecutiveCrashes + 1 : 0;
      if (outcome.submission !== undefined) {
        this.submission = outcome.submission;
        this.end = new EpisodeEnd('submitted');
      } else if (this.consecutiveCrashes >= this.config.limits.maxConsecutiveToolCrashes) {
        this.end = new EpisodeEnd('exit_error', `the tools failed ${this.consecutiveCrashes} times in a row: ${outcome.observation}`);
      } else {
        await this.advance();
      }
      return { ...this.status(), observation: messages.at(-1)!.content, messages, action: read.action, outcome };
    } catch (error) {
      this.end = this.endFor(error);
      return { ...this.status(), observation: '', messages: [] };
    }
  }

  /** Ends the episode because asking the policy failed (a context overflow ends it with `exit_context`). */
  fail(error: unknown): void {
    if (this.end === undefined) this.end = this.endFor(error);
  }

  /**
   * The result: the patch (the submission, or the repository's diff, as SWE-agent's autosubmission
   * does), the trajectory, the conversation, the turns and the stats. Ends an episode still running
   * (as stopped from outside: an infrastructure error). Call it once; later calls return the same.
   */
  async finish(): Promise<AgentResult> {
    if (this.result) return this.result;
    this.end ??= new EpisodeEnd('exit_error', 'stopped before it ended', 'the driver stopped the episode before it ended');
    const end = this.end;
    let patch: string | null = this.submission ?? null;
    let infrastructure = end.infrastructure ?? (end.status === 'exit_error' ? end.detail : undefined);
    if (infrastructure === undefined && this.lastActionCrashed) infrastructure = `the tools failed on the last action: ${this.steps.at(-1)?.observation ?? ''}`;
    if (end.status !== 'submitted') {
      try {
        patch = await this.sandbox.diff();
      } catch (error) {
        patch = null;
        infrastructure ??= `the patch could not be taken: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    const session = this.session.config;
    const trajectory: Trajectory = {
      instance_id: this.instance.instanceId,
      problem_statement: this.instance.problemStatement,
      steps: this.steps,
      final_patch: patch,
      exit_status: end.status,
      source_format: 'swe-agent-traj',
      tool_format: this.options.templates.format,
      ...(this.options.modelName !== undefined ? { model_name: this.options.modelName } : {}),
      metadata: {
        recorded_by: 'swe-srl agent loop',
        template: this.options.templates.name,
        tools: { flavor: session.flavor, bundles: session.bundles, window: session.window, overlap: session.overlap },
        repo_root: this.sandbox.workdir,
        ...(this.instance.repo ? { repo: this.instance.repo } : {}),
        initial_state: { open_file: this.initialState.openFile, working_dir: this.initialState.workingDir },
        ...(end.detail !== undefined ? { exit_detail: end.detail } : {}),
        model_stats: {
          model_calls: this.modelCalls,
          format_errors: this.formatErrors,
          tokens_sent: this.usage.promptTokens,
          tokens_received: this.usage.completionTokens,
          total_tokens: this.usage.totalTokens,
        },
      },
    };
    this.result = {
      instanceId: this.instance.instanceId,
      exitStatus: end.status,
      patch,
      trajectory,
      messages: this.messages,
      turns: this.turnRecords,
      ...(this.tools ? { tools: this.tools } : {}),
      stats: { steps: this.steps.length, modelCalls: this.modelCalls, formatErrors: this.formatErrors, usage: this.usage, durationMs: Date.now() - this.started },
      ...(end.detail !== undefined && end.status !== 'submitted' ? { error: end.detail } : {}),
      ...(infrastructure !== undefined ? { infrastructureError: infrastructure } : {}),
    };
    await this.hooks.onRunDone?.(this.result);
    return this.result;
  }

  private status(): { done: boolean; exitStatus?: ExitStatus } {
    return this.end === undefined ? { done: false } : { done: true, exitStatus: this.end.status };
  }

  /** Checks the limits before the next turn and renders its prompt; fires `onStepStart`. */
  private async advance(): Promise<void> {
    const { limits } = this.config;
    if (this.steps.length >= limits.maxSteps) {
      this.end = new EpisodeEnd('exit_step_limit', `${limits.maxSteps} steps`);
      return;
    }
    if (Date.now() >= this.deadline) {
      this.end = new EpisodeEnd('exit_timeout', `${limits.totalTimeMs} ms`);
      return;
    }
    if (this.options.signal?.aborted) {
      this.end = new EpisodeEnd('exit_error', 'cancelled', 'the episode was cancelled');
      return;
    }
    const start = PromptBuilder.firstShown(this.rounds.length, this.config.history);
    const opening = start === 0 ? this.opening : this.builder.opening(this.initialState, start);
    let prompt = [...opening, ...this.rounds.slice(start).flatMap((round) => round.messages), ...this.pending];
    if (this.config.keepLastObservations !== undefined) prompt = elideOldObservations(prompt, this.config.keepLastObservations);
    // The endpoint's own count of the last prompt, corrected by an estimate of what changed since.
    const tokens = this.lastPrompt ? tokensSince(this.lastPrompt, prompt, this.countTokens) : this.countTokens(prompt);
    if (tokens > limits.contextBudgetTokens) {
      this.end = new EpisodeEnd('exit_context', `the prompt holds about ${tokens} tokens, over the budget of ${limits.contextBudgetTokens}`);
      return;
    }
    this.currentPrompt = prompt;
    await this.hooks.onStepStart?.({ step: this.steps.length + 1, messages: prompt });
  }

  private endFor(error: unknown): EpisodeEnd {
    if (error instanceof EpisodeEnd) return error;
    if (Date.now() >= this.deadline) return new EpisodeEnd('exit_timeout', 'the total time limit ran out');
    if (error instanceof PolicyHttpError && error.isContextOverflow) return new EpisodeEnd('exit_context', error.message);
    const message = error instanceof Error ? error.message : String(error);
    if (this.options.signal?.aborted) return new EpisodeEnd('exit_error', message, `the episode was cancelled: ${message}`);
    return new EpisodeEnd('exit_error', message);
  }
}

/**
 * The last prompt's counted tokens, minus an estimate of its messages that are gone (format-error
 * turns dropped after a valid action, observations elided since) and plus one of the new ones.
 */
function tokensSince(
  last: { tokens: number; messages: readonly ChatMessage[] },
  prompt: readonly ChatMessage[],
  countTokens: (messages: readonly ChatMessage[]) => number,
): number {
  let shared = 0;
  while (shared < prompt.length && shared < last.messages.length && sameMessage(prompt[shared]!, last.messages[shared]!)) shared += 1;
  const added = countTokens(prompt.slice(shared));
  return Math.max(added, last.tokens - countTokens(last.messages.slice(shared)) + added);
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return a === b || (a.role === b.role && a.content === b.content);
}
