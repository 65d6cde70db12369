#!/usr/bin/env bash
# Compiles the crate to wasm32 and generates the JS bindings into www/pkg.
#   scripts/build-wasm.sh dev       debug build (fast to compile)
#   scripts/build-wasm.sh release   release build + wasm-opt -Oz (npm's binaryen)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

profile="${1:-dev}"
out=www/pkg
case "$profile" in
  dev) cargo_flags=(); dir=debug ;;
  # The page's build: opt-level "s" (Cargo.toml, [profile.wasm-release]) with LLVM's inlining
  # threshold raised to 120 (opt-level 3 uses 225): ≈ 1.15x the simulator's speed in Chromium
  # for ≈ 3 % more gzip bytes (measured: BENCHMARKS.md, "wasm vs native").
  release) cargo_flags=(--profile wasm-release); dir=wasm-release
    export RUSTFLAGS="${RUSTFLAGS:-} -C llvm-args=-inline-threshold=120" ;;
  *) die "unknown profile '$profile' (use dev or release)" ;;
esac

cargo build --lib --target wasm32-unknown-unknown "${cargo_flags[@]}"
wasm-bindgen "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/$dir/raftlab.wasm" \
  --out-dir "$out" --target bundler --typescript
if [ "$profile" = release ]; then
  wasm-opt -Oz --enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-multivalue \
    "$out/raftlab_bg.wasm" -o "$out/raftlab_bg.wasm"
fi
say "wasm ($profile): $(du -k "$out/raftlab_bg.wasm" | cut -f1) KB, $(gzip -9c "$out/raftlab_bg.wasm" | wc -c) bytes gzipped"
