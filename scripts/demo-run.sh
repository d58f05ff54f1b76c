#!/usr/bin/env bash
# The demo's container (scripts/demo.sh, once berth is built): the built-in default bundle
# (`berth spec` + a busybox-static rootfs) in a temp dir, run in the foreground under
# /run/berth. `berth run` deletes the container when it exits; the bundle goes on any exit.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=$(mktemp -d /tmp/berth-demo-XXXXXX)
trap 'rm -rf "$bundle"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
node_modules/.bin/node scripts/make-bundle.mjs "$bundle" \
  sh -c 'echo "hello from inside a berth container"; echo "hostname: $(hostname)"; echo "pid: $$"; id; ls /'
bin/berth --root /run/berth run --bundle "$bundle" "demo-$$"
