#!/usr/bin/env bash
# The whole test suite: system tools the tests drive, lint and format, types,
# then every test (unit tests beside the code, end-to-end tests under test/).
# Runs under the project's Node 24 (npm scripts put node_modules/.bin first).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
echo "== lint (biome)"
npx biome check .
echo "== types (tsc)"
npx tsc --noEmit -p .
echo "== tests (node --test) on $(node --version)"
node --test --test-concurrency=2 --test-timeout=300000 'src/**/*.test.ts' 'test/**/*.test.ts'
