#!/usr/bin/env bash
# Makes sure a Docker engine answers, for swe-srl's sandboxes and tests.
#   - an engine already answers (`docker info`): nothing to do;
#   - dockerd is missing: install Debian's docker.io with apt;
#   - dockerd is not running: start it in the background (log: $SWE_SRL_DOCKERD_LOG) and wait,
#     at most $SWE_SRL_DOCKERD_WAIT seconds, for its socket and `docker info`.
# Safe to run again at any time. Needs root or password-less sudo to install or start the engine.
set -euo pipefail

log_file=${SWE_SRL_DOCKERD_LOG:-/var/log/swe-srl-dockerd.log}
wait_seconds=${SWE_SRL_DOCKERD_WAIT:-60}
socket=/var/run/docker.sock

say() { printf 'setup-docker: %s\n' "$*"; }
fail() { printf 'setup-docker: %s\n' "$*" >&2; exit 1; }

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && engine_answers; then
  say "a Docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')); nothing to do"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  fail "no Docker engine answers, and installing or starting one needs root (or password-less sudo)"
fi

# An engine may be running but refuse this user: say so rather than starting a second one.
if [ -S "$socket" ] && [ ${#as_root[@]} -gt 0 ] && "${as_root[@]}" docker info >/dev/null 2>&1; then
  fail "the engine at $socket answers root but not $(id -un): add the user to the docker group (sudo usermod -aG docker $(id -un)) and log in again"
fi

if ! command -v dockerd >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || fail "dockerd is not installed and apt-get is not available: install a Docker engine by hand"
  say "installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -q </dev/null
  "${as_root[@]}" apt-get install -y -q --no-install-recommends docker.io </dev/null
fi

if pgrep -x dockerd >/dev/null 2>&1; then
  say "dockerd is already starting; waiting for it"
elif [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  say "starting docker with systemctl"
  "${as_root[@]}" systemctl start docker || fail "systemctl start docker failed (see: journalctl -u docker)"
else
  say "starting dockerd in the background (log: $log_file)"
  "${as_root[@]}" mkdir -p "$(dirname "$log_file")"
  # setsid detaches it from this script's session, so it outlives the shell that ran us.
  "${as_root[@]}" setsid sh -c "exec dockerd >>'$log_file' 2>&1" </dev/null &
fi

for ((waited = 0; waited < wait_seconds; waited++)); do
  if [ -S "$socket" ] && engine_answers; then
    say "the Docker engine answers after ${waited} s"
    exit 0
  fi
  sleep 1
done

printf 'setup-docker: the Docker engine did not answer within %s s\n' "$wait_seconds" >&2
if [ -f "$log_file" ]; then
  printf -- '--- last lines of %s ---\n' "$log_file" >&2
  tail -n 20 "$log_file" >&2 || true
fi
exit 1
