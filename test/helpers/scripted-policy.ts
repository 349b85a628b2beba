/**
 * A policy test double that answers from a script: a list of outputs (or a function of the call
 * number and the prompt), recording every prompt it was shown.
 */
import type { ChatMessage, Policy, PolicyRequest, PolicyResponse, PolicySample } from '../../src/policy/types.js';

export type ScriptedAnswer = string | Partial<PolicySample> | Error;

export class ScriptedPolicy implements Policy {
  readonly name = 'scripted';
  readonly prompts: ChatMessage[][] = [];

  constructor(private readonly script: ScriptedAnswer[] | ((call: number, request: PolicyRequest) => ScriptedAnswer | Promise<ScriptedAnswer>)) {}

  async complete(request: PolicyRequest): Promise<PolicyResponse> {
    const call = this.prompts.length;
    this.prompts.push(request.messages);
    const answer = typeof this.script === 'function' ? await this.script(call, request) : this.script[call];
    if (answer === undefined) throw new Error(`the script has no answer for call ${call}`);
    if (answer instanceof Error) throw answer;
    const sample: PolicySample =
      typeof answer === 'string' ? { text: answer, toolCalls: [], finishReason: 'stop' } : { text: '', toolCalls: [], finishReason: 'stop', ...answer };
    return { samples: [sample], usage: { promptTokens: 0, completionTokens: 1, totalTokens: 1 }, model: this.name, requests: 1, latencyMs: 0 };
  }
}
