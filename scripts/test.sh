#!/usr/bin/env bash
# The test command (README, .ci/run): set up, check both addon builds, run unit tests and, as
# root, the integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --engines --gyp
exec node_modules/.bin/node scripts/test.mjs "$@"
