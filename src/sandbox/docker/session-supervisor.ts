/**
 * The container's main process (under its init), a bash whose only job is to stop what the agent's
 * shell started; it is also what keeps the container alive. It uses bash builtins only (read,
 * kill, a /proc glob), so it keeps working when a fork bomb has used up the container's pids, when
 * a new exec could not even start; and it answers in about a millisecond instead of an exec's
 * fifty. Being the main process, attached before the container starts, it costs no exec of its
 * own: an exec is about 90 ms of the engine's time, and a third of a sandbox's start.
 *
 * What the shell started is found through the container's pid namespace, not the shell's session
 * or process groups, which a command can leave (`setsid`, a daemon's double fork): it is every
 * descendant of the shell, plus every process reparented to the container's init (PID 1) other
 * than this supervisor, which was there before any command ran. Helper execs (the session itself,
 * a concurrent diff) are children of no process in the container, so they are never touched.
 */
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { mergedPayloads } from './frames.js';

const SUPERVISOR_SCRIPT = `
# PID 1's children now, before any command ran (this supervisor), never to be killed. Their process
# groups, PID 1's and ours are never signalled as groups.
keep=" "
keep_groups=" 1 $$ "
for dir in /proc/[0-9]*; do
  read -r line < "$dir/stat" 2>/dev/null || continue
  line=\${line##*) }
  set -f; set -- $line; set +f
  if [ "$2" = 1 ]; then keep+="\${dir#/proc/} "; keep_groups+="$3 "; fi
done
# Ready: the session may start commands now.
printf 'done\\n'
kill_tree() {
  local shell=$1 include_shell=$2 round dir pid line queue current child found shell_alive protected
  for ((round = 0; round < 200; round++)); do
    unset children group
    local -A children=() group=()
    shell_alive=0
    for dir in /proc/[0-9]*; do
      pid=\${dir#/proc/}
      read -r line < "$dir/stat" 2>/dev/null || continue
      # The command name may hold spaces and parentheses: the fields we need follow the last ')'.
      line=\${line##*) }
      set -f; set -- $line; set +f
      case $1 in Z|X) continue ;; esac
      children[$2]+="$pid "
      group[$pid]=$3
      [ "$pid" = "$shell" ] && shell_alive=1
    done
    # The shell's own group also holds its command substitutions: those go one by one.
    protected="$keep_groups\${group[$shell]} "
    found=0
    queue="$shell 1"
    while [ -n "$queue" ]; do
      set -f; set -- $queue; set +f
      current=$1; shift; queue="$*"
      for child in \${children[$current]}; do
        case "$keep" in *" $child "*) continue ;; esac
        queue+=" $child"
        found=1
        # One signal to a whole process group where we can: a fork bomb can't outrun it.
        case "$protected" in *" \${group[$child]} "*) ;; *) kill -KILL -- "-\${group[$child]}" 2>/dev/null ;; esac
        kill -KILL "$child" 2>/dev/null
      done
    done
    if [ "$include_shell" = 1 ] && [ "$shell_alive" = 1 ]; then found=1; kill -KILL "$shell" 2>/dev/null; fi
    [ "$found" = 0 ] && return 0
  done
}
while read -r verb pid; do
  case $verb in
    # SIGINT first: the session's trap then abandons the rest of the command line (see command-line.ts).
    interrupt) kill -INT "$pid" 2>/dev/null; kill_tree "$pid" 0 ;;
    kill) kill_tree "$pid" 1 ;;
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

  /**
   * The container's entrypoint for a supervised sandbox: create the container with it, with stdin
   * open (`OpenStdin`), then `attach` before starting it.
   */
  static readonly ENTRYPOINT = ['bash', '--noprofile', '--norc', '-c', SUPERVISOR_SCRIPT];

  /**
   * Attaches to a created container whose entrypoint is ENTRYPOINT, before it starts (so no answer
   * is missed). `ready` resolves once the started supervisor has noted what runs before any command.
   */
  static async attach(container: Docker.Container): Promise<{ supervisor: SessionSupervisor; ready: Promise<void> }> {
    const socket = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
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
    // Its first answer comes once it has noted what runs before any command: before that, an
    // orphan of the agent's first command could be taken for it.
    return { supervisor, ready: supervisor.request() };
  }

  /** Interrupts the shell's command line and kills everything it started (see above), but not the shell. */
  interrupt(shellPid: number): Promise<void> {
    return this.request(`interrupt ${shellPid}\n`);
  }

  /** Kills everything the shell started, and the shell. */
  kill(shellPid: number): Promise<void> {
    return this.request(`kill ${shellPid}\n`);
  }

  close(): void {
    this.alive = false;
    this.socket.destroy();
  }

  /** Sends `line` (nothing: just waits for the next answer) and resolves at the answer. */
  private request(line?: string): Promise<void> {
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
          if (line !== undefined) this.socket.write(line);
        }),
    );
    this.queue = answered;
    return answered;
  }
}
