#!/usr/bin/env bash
# The bench's cgroup v2 section on the project's VM (scripts/cgroup2-vm/run.sh: Debian's 6.1
# kernel under qemu with a pure cgroup2 hierarchy). qemu emulates the CPU here (TCG), so the
# timings mean nothing: the run only checks that every row runs on cgroup v2 (--check: any
# failed cell of any column fails it) and prints no ratios. On a real cgroup v2 host run
# `npm run bench` itself (there crun runs as it is: give BENCH_CRUN the plain crun binary).
#
#   bash bench/cgroup2-vm.sh [bench flags...]   (npm run bench:cgroup2-vm; as root)
#
# BENCH_BERTH, BENCH_RUNC, BENCH_CRUN name the binaries as for the bench (paths this machine and
# the VM share: the VM sees this machine's / read-only).
set -euo pipefail
cd "$(dirname "$0")/.."
q() { printf '%q' "$1"; }
envs=""
for v in BENCH_BERTH BENCH_RUNC BENCH_CRUN; do
  [ -n "${!v:-}" ] && envs+="$v=$(q "${!v}") "
done
flags=""
for a in "$@"; do flags+=" $(q "$a")"; done
export BERTH_VM_CMD="${envs}node bench/run.mjs --no-ratios --check --only berth,runc,crun --runs 2 --ctr-runs 1 --concurrent 4 --many 6${flags}"
export BERTH_VM_TIMEOUT=${BERTH_VM_TIMEOUT:-1500}
exec bash scripts/cgroup2-vm/run.sh
