#!/usr/bin/env bash
# `npm start`: the main job on a fresh machine, with every set-up step done here rather than left to
# the user. It picks the sandbox backend, installing what that backend needs when it can, says what
# it did, and then runs the default pipeline (pipelines/default.yaml; extra arguments go to
# `swe-srl run`, e.g. `npm start -- --redo report`).
#
#   - Docker when an engine answers. As root (or with password-less sudo) it first installs and
#     starts one when none answers (scripts/setup-docker.sh), and installs debootstrap and Debian's
#     keyring, which build the base image where no image registry answers.
#   - Otherwise the local bubblewrap backend, installing bubblewrap, git, python3, pytest and patch
#     when it can.
#   - Only when neither can be had does it stop, with one line saying what to do.
#
# SWE_SRL_START_DRY_RUN=1 stops after the set-up and prints the backend it chose (for its tests).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

say() { printf 'swe-srl start: %s\n' "$*" >&2; }
stop() { printf 'swe-srl start: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
  can_root=true
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
  can_root=true
else
  as_root=()
  can_root=false
fi

missing_packages() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$package"
  done
}

apt_updated=false
install_packages() {
  command -v apt-get >/dev/null 2>&1 || return 1
  say "installing $* (apt-get)"
  if ! $apt_updated; then
    "${as_root[@]}" apt-get update -q </dev/null >/dev/null || return 1
    apt_updated=true
  fi
  "${as_root[@]}" apt-get install -y -q --no-install-recommends "$@" </dev/null >/dev/null
}

engine_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }

backend=""
reason=""
if engine_answers; then
  backend=docker
elif $can_root; then
  say "no Docker engine answers: installing and starting one (scripts/setup-docker.sh)"
  if bash scripts/setup-docker.sh >&2; then
    backend=docker
  else
    reason="no Docker engine could be started here"
    say "$reason; falling back to the local backend"
  fi
else
  reason="no Docker engine answers (starting one needs root)"
fi

if [ "$backend" = docker ]; then
  # The base image comes from a registry when one answers, else from debootstrap (root only).
  read -r -a missing <<<"$(missing_packages debootstrap debian-archive-keyring | tr '\n' ' ')"
  if [ ${#missing[@]} -gt 0 ]; then
    if $can_root; then
      install_packages "${missing[@]}" || say "could not install ${missing[*]}; the base image then needs a registry"
    elif [ -z "$(docker image ls -q --filter label=swe-srl.kind=base 2>/dev/null)" ]; then
      reason="Docker has no swe-srl base image yet and building one without a registry needs root and debootstrap"
      say "$reason; falling back to the local backend"
      backend=""
    fi
  fi
fi

if [ -z "$backend" ]; then
  read -r -a missing <<<"$(missing_packages bubblewrap git python3 python3-pytest patch | tr '\n' ' ')"
  if [ ${#missing[@]} -gt 0 ] && $can_root; then
    install_packages "${missing[@]}" || true
  fi
  if ! command -v bwrap >/dev/null 2>&1; then
    stop "${reason:-no Docker engine answers} and bubblewrap is not installed: run npm start once as root (or with password-less sudo), or install docker.io or bubblewrap"
  fi
  for tool in git python3 patch; do
    command -v "$tool" >/dev/null 2>&1 || stop "the local backend runs the tasks on this machine and needs $tool: apt-get install ${tool/python3/python3 python3-pytest}"
  done
  python3 -c 'import pytest' 2>/dev/null || stop "the local backend runs the tasks' tests on this machine and needs pytest: apt-get install python3-pytest"
  backend=local
  say "using the local bubblewrap backend${reason:+ ($reason)}"
fi

if [ "${SWE_SRL_START_DRY_RUN:-}" = 1 ]; then
  printf 'backend=%s\n' "$backend"
  exit 0
fi
exec node bin/swe-srl.js run pipelines/default.yaml --backend "$backend" "$@"
