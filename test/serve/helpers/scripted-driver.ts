/**
 * A test double of the episode driver: no sandbox, only a count of the "sandboxes" it holds, so a
 * test can see that every one is removed. Actions script what happens:
 * `submit` ends the episode, `hang` waits until the request is cancelled, `slow:MS` takes MS ms,
 * `engine-gone` fails as the Docker engine going away does, `bad` is refused as a bad action;
 * anything else echoes back.
 */
import { InputError, UnavailableError } from '../../../src/errors.js';
import type { DrivenEpisode, EpisodeAction, EpisodeDriver, EpisodeStartRequest, StartedEpisode } from '../../../src/serve/episode-driver.js';

export class ScriptedDriver implements EpisodeDriver {
  /** "Sandboxes" started and not removed. */
  readonly holding = new Set<string>();
  started = 0;
  leftovers = 0;
  closedDriver = false;
  startDelayMs = 0;
  /** Starts that ignore cancellation (a driver deep in an engine call), to test what arrives late. */
  startIgnoresAbort = false;
  /** Steps that ran to their end (a client gone or not). */
  finishedSteps = 0;

  async removeLeftovers(): Promise<number> {
    const removed = this.leftovers;
    this.leftovers = 0;
    return removed;
  }

  async close(): Promise<void> {
    this.closedDriver = true;
  }

  async start(request: EpisodeStartRequest, signal: AbortSignal): Promise<StartedEpisode> {
    if (request.instanceId === 'unknown-instance') throw new InputError(`no instance ${request.instanceId} in the instances file`);
    if (request.instanceId === 'no-engine') throw new UnavailableError('no Docker engine answers at unix:///nowhere');
    if (this.startDelayMs > 0) await sleep(this.startDelayMs, this.startIgnoresAbort ? new AbortController().signal : signal);
    const sandbox = `sandbox-${++this.started}`;
    this.holding.add(sandbox);
    let submitted = false;
    const episode: DrivenEpisode = {
      step: async (action: EpisodeAction, stepSignal: AbortSignal) => {
        const command = action.toolCalls[0] ? `${action.toolCalls[0].name}:${action.toolCalls[0].arguments}` : action.text;
        if (!this.holding.has(sandbox)) throw new UnavailableError(`${sandbox} is gone`);
        if (command === 'hang') await sleep(60_000, stepSignal);
        const slow = /^slow:(\d+)$/.exec(command);
        if (slow) await sleep(Number(slow[1]), stepSignal);
        if (command === 'engine-gone') {
          this.holding.delete(sandbox);
          throw new UnavailableError('the Docker engine at unix:///var/run/docker.sock went away');
        }
        if (command === 'bad') throw new InputError('no action: the output holds no fenced command');
        this.finishedSteps += 1;
        submitted = command === 'submit' || action.toolCalls[0]?.name === 'submit';
        return {
          observation: submitted ? '' : `ran ${command}`,
          done: submitted,
          reward: null,
          exitStatus: submitted ? 'submitted' : null,
          messages: [{ role: 'user' as const, content: `ran ${command}` }],
        };
      },
      close: async () => ({
        patch: submitted ? 'diff --git a/x b/x\n' : '',
        exitStatus: submitted ? 'submitted' : 'exit_forfeit',
        verdict: submitted ? { status: 'resolved' as const, resolved: true, reward: 1 } : { status: 'empty_patch' as const, resolved: false, reward: 0 },
      }),
      remove: async () => {
        this.holding.delete(sandbox);
      },
    };
    return {
      episode,
      messages: [
        { role: 'system', content: 'You are a programmer.' },
        { role: 'user', content: `Fix ${request.instanceId} (sample ${request.sample ?? 0}).` },
      ],
      warm: this.started % 2 === 0,
    };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
