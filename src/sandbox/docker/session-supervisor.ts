/**
 * A second bash in the container, started with the sandbox, whose only job is to stop what the
 * agent's shell started. It uses bash builtins only (read, kill, a /proc glob), so it keeps
 * working when a fork bomb has used up the container's pids, when a new exec could not even
 * start; and it answers in about a millisecond instead of an exec's fifty.
 *
 * Every docker exec runs in a session of its own, so "the agent shell's processes" is exactly
 * "the processes in the shell's session": that reaches background jobs and orphans too, and
 * never this supervisor or a helper exec (a concurrent diff).
 */
import type Docker from 'dockerode';
import { startAttachedExec } from './exec.js';
import { mergedPayloads } from './frames.js';

const SUPERVISOR_SCRIPT = `
kill_session() {
  local leader=$1 include_leader=$2 round dir pid line state pgid sid found
  for ((round = 0; round < 200; round++)); do
    found=0
    for dir in /proc/[0-9]*; do
      pid=\${dir#/proc/}
      read -r line < "$dir/stat" 2>/dev/null || continue
      # The command name may hold spaces and parentheses: the fields we need follow the last ')'.
      line=\${line##*) }
      set -f; set -- $line; set +f
      state=$1 pgid=$3 sid=$4
      [ "$sid" = "$leader" ] || continue
      case $state in Z|X) continue ;; esac
      if [ "$pid" = "$leader" ]; then
        [ "$include_leader" = 1 ] || continue
        found=1; kill -KILL "$pid" 2>/dev/null
      elif [ "$pgid" = "$leader" ]; then
        found=1; kill -KILL "$pid" 2>/dev/null
      else
        # One signal to the whole process group: a fork bomb can't outrun it.
        found=1; kill -KILL -- "-$pgid" 2>/dev/null
      fi
    done
    [ "$found" = 0 ] && return 0
  done
}
while read -r verb pid; do
  case $verb in
    # SIGINT first: the session's trap then abandons the rest of the command line (see command-line.ts).
    interrupt) kill -INT "$pid" 2>/dev/null; kill_session "$pid" 0 ;;
    kill) kill_session "$pid" 1 ;;
  esac
  printf 'done\\n'
done
`;

const ANSWER_TIMEOUT_MS = 10_000;

export class SessionSupervisor {
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: (() => void) | undefined;
  private alive = true;

  private constructor(private readonly socket: NodeJS.WritableStream & { destroy(): void }) {}

  static async start(container: Docker.Container): Promise<SessionSupervisor> {
    const { socket } = await startAttachedExec(container, ['bash', '--noprofile', '--norc', '-c', SUPERVISOR_SCRIPT]);
    const supervisor = new SessionSupervisor(socket);
    const output = mergedPayloads(socket);
    let text = '';
    output.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      while (text.includes('done\n')) {
        text = text.slice(text.indexOf('done\n') + 5);
        supervisor.waiting?.();
      }
    });
    const gone = (): void => {
      supervisor.alive = false;
      supervisor.waiting?.();
    };
    output.on('end', gone);
    output.on('error', gone);
    socket.on('error', gone);
    return supervisor;
  }

  /** Interrupts the shell's command line and kills everything in its session except the shell. */
  interrupt(shellPid: number): Promise<void> {
    return this.request(`interrupt ${shellPid}\n`);
  }

  /** Kills everything in the shell's session, the shell included. */
  kill(shellPid: number): Promise<void> {
    return this.request(`kill ${shellPid}\n`);
  }

  close(): void {
    this.alive = false;
    this.socket.destroy();
  }

  private request(line: string): Promise<void> {
    const answered = this.queue.then(
      () =>
        new Promise<void>((resolve) => {
          if (!this.alive) return resolve();
          const timer = setTimeout(finish, ANSWER_TIMEOUT_MS);
          function finish(): void {
            clearTimeout(timer);
            resolve();
          }
          this.waiting = () => {
            this.waiting = undefined;
            finish();
          };
          this.socket.write(line);
        }),
    );
    this.queue = answered;
    return answered;
  }
}
