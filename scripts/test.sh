#!/usr/bin/env bash
# The whole test suite: system tools the tests drive, lint and format, types,
# then every test (unit tests beside the code, end-to-end tests under test/).
# Runs under the project's Node 24 (npm scripts put node_modules/.bin first).
set -euo pipefail
cd "$(dirname "$0")/.."
# The project's own tools, never whatever `npx` would fetch under the same
# name (an unrelated npm package is called `biome`).
bin=node_modules/.bin
for tool in biome tsc node; do
  if [ ! -x "$bin/$tool" ]; then
    echo "test: $bin/$tool is missing: run npm ci first (it installs the project's tools and Node 24)" >&2
    exit 1
  fi
done

bash scripts/install-system-deps.sh
echo "== lint (biome)"
"$bin/biome" check .
echo "== types (tsc)"
"$bin/tsc" --noEmit -p .
"$bin/tsc" --noEmit -p web
echo "== tests (node --test) on $("$bin/node" --version)"
"$bin/node" --test --test-concurrency=2 --test-timeout=300000 'src/**/*.test.ts' 'test/**/*.test.ts'
