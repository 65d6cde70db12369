#!/usr/bin/env bash
# Builds the wasm, then serves the app with webpack-dev-server and rebuilds the wasm whenever a
# Rust source changes (the page reloads by itself). PORT overrides the default 8080.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

bash scripts/setup.sh
step "Building the wasm (dev)" bash scripts/build-wasm.sh dev
port="${PORT:-8080}"
node scripts/watch-rust.mjs &
watcher=$!
trap 'kill $watcher 2>/dev/null' EXIT
say "serving raftlab on http://127.0.0.1:$port/  (Ctrl-C stops)"
PORT="$port" webpack serve --mode development
