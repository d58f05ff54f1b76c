#!/usr/bin/env bash
# Build berth and run a container from the built-in default bundle (scripts/demo-run.sh), leaving
# nothing behind but the build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec bash scripts/demo-run.sh
