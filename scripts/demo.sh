#!/usr/bin/env bash
# Build berth and run a container from the built-in default bundle (`berth spec` + a busybox rootfs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node_modules/.bin/node scripts/make-bundle.mjs /tmp/berth-demo-bundle \
  sh -c 'echo "hello from inside a berth container"; echo "hostname: $(hostname)"; echo "pid: $$"; id; ls /'
id="demo-$$"
exec bin/berth --root /run/berth run --bundle /tmp/berth-demo-bundle "$id"
