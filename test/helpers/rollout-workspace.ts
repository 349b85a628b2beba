/**
 * What rollout tests share: a repository `demo/calc` with a bug and instances of it, an environment
 * spec for it (for Docker runs), the scripted model of our OpenAI-compatible test server (fix the
 * operator, then submit), and readers of the rollout's files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { completionBody, startOpenAiServer, type FakeChatServer, type ReceivedRequest } from './openai-server.js';

export interface RolloutWorkspace {
  instances: string;
  repos: string;
  environments: string;
}

/** A repository `demo/calc` with a bug, `count` instances of it, and an environment spec for Docker. */
export function writeWorkspace(dir: string, count: number): RolloutWorkspace {
  const repo = join(dir, 'repos', 'demo__calc');
  mkdirSync(repo, { recursive: true });
  writeFileSync(join(repo, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
      cwd: repo,
      encoding: 'utf8',
      // A fixed date keeps the commit, and so the instance image's tag, the same on every run.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z' },
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  const commit = git('rev-parse', 'HEAD').trim();
  const rows = Array.from({ length: count }, (_, index) => ({
    instance_id: `demo__calc-${index + 1}`,
    repo: 'demo/calc',
    base_commit: commit,
    problem_statement: `problem ${index + 1}: add() subtracts`,
    FAIL_TO_PASS: [],
  }));
  const instances = join(dir, 'instances.jsonl');
  writeFileSync(instances, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  const environments = join(dir, 'environments');
  mkdirSync(environments, { recursive: true });
  writeFileSync(join(environments, 'demo-calc.yaml'), 'name: demo-calc\nrepo: demo/calc\napt: []\ninstall: []\ntest_cmd: python3 -m pytest -rA {tests}\nlog_parser: pytest\n');
  return { instances, repos: join(dir, 'repos'), environments };
}

export interface AgentServerOptions {
  /** Delay of every answer. */
  delayMs?: number;
  /** Delay of an answer, by the request (overrides delayMs). */
  delayFor?: (request: ReceivedRequest) => number | undefined;
  /** Called before answering (e.g. to look at the engines while the episode runs). */
  onRequest?: (request: ReceivedRequest) => void | Promise<void>;
}

/** The scripted model: fix the operator, then submit; token log-probabilities when asked for them. */
export function agentServer(options: AgentServerOptions = {}): Promise<FakeChatServer> {
  return startOpenAiServer(async (request) => {
    await options.onRequest?.(request);
    const messages = request.body.messages as Array<{ role: string }>;
    const turns = messages.filter((message) => message.role === 'assistant').length;
    const content = turns === 0 ? "Fix the operator.\n```\nsed -i 's/a - b/a + b/' calc.py\n```" : 'Done.\n```\nsubmit\n```';
    const logprobs = request.body.logprobs === true ? [{ token: content.slice(0, 4), logprob: -0.25 }, { token: content.slice(4), logprob: -1.5 }] : undefined;
    return {
      json: completionBody([{ content, ...(logprobs ? { logprobs } : {}) }], { prompt_tokens: 100, completion_tokens: 20 }),
      delayMs: options.delayFor?.(request) ?? options.delayMs ?? 0,
    };
  });
}

/** The instance number a request is about (`problem N:` in its instance prompt). */
export function instanceOf(request: ReceivedRequest): string | undefined {
  const messages = request.body.messages as Array<{ role: string; content: string }>;
  return /problem (\d+):/.exec(messages[1]?.content ?? '')?.[1];
}

export type PredictionLine = { instance_id: string; model_name_or_path: string; model_patch: string; episode_id?: string; sample?: number };

export async function readPredictions(path: string): Promise<PredictionLine[]> {
  if (!existsSync(path)) return [];
  const text = await readFile(path, 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as PredictionLine);
}
