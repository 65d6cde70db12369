#!/usr/bin/env bash
# Production bundle in dist/: release wasm, wasm-opt, webpack production mode, relative paths.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

bash scripts/setup.sh
step "Building the release wasm" bash scripts/build-wasm.sh release
step "Bundling with webpack (production)" webpack --mode production
say "dist/ is ready: serve it from any path"
