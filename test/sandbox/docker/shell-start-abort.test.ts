/**
 * A shell restart on a container that dies while the exec starts can wait for good: dockerd
 * (20.10) may leave the hijacked connection unanswered, which held test processes open for
 * minutes. The sandbox's close aborts such a start; here a container double whose exec start never
 * answers shows the abort reaches the engine request and the start rejects.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Docker from 'dockerode';
import { DockerShellHost } from '../../../src/sandbox/docker/docker-shell-host.js';
import type { SessionSupervisor } from '../../../src/sandbox/docker/session-supervisor.js';

function containerWhoseExecStartHangs(seen: { signal?: AbortSignal }): Docker.Container {
  const exec = {
    start: (options: { abortSignal?: AbortSignal }) =>
      new Promise((_resolve, reject) => {
        seen.signal = options.abortSignal;
        options.abortSignal?.addEventListener('abort', () => reject(new Error('aborted')));
      }),
  };
  return { exec: async () => exec } as unknown as Docker.Container;
}

test('closing the sandbox abandons a shell whose exec start the engine never answers', async () => {
  const seen: { signal?: AbortSignal } = {};
  const closed = new AbortController();
  const host = new DockerShellHost(containerWhoseExecStartHangs(seen), new Promise<SessionSupervisor>(() => {}), { workdir: '/testbed', signal: closed.signal });
  const opening = host.openShell();
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(seen.signal, 'the exec start was given the abort signal');
  closed.abort();
  await assert.rejects(opening, /aborted/);
});

test('a shell start after the sandbox closed is refused before asking the engine', async () => {
  const seen: { signal?: AbortSignal } = {};
  const closed = new AbortController();
  closed.abort();
  const host = new DockerShellHost(containerWhoseExecStartHangs(seen), new Promise<SessionSupervisor>(() => {}), { workdir: '/testbed', signal: closed.signal });
  await assert.rejects(host.openShell());
  assert.equal(seen.signal, undefined);
});
