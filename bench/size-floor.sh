#!/usr/bin/env bash
# The size benchmark's floor (issue 6): the crate built as the page's module is (opt-level, rustc
# flags and wasm-opt passes of scripts/build-wasm.sh release) but with only the engine-only
# exports of src/wasm/size_floor.rs: the simulator, the Raft core, the key-value machine, the
# checkers, time travel and the frame buffers, with no document read and no object written.
# Prints one JSON line: {"raw": bytes, "gzip": bytes}. Used by bench/browser/run.mjs.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
RUSTFLAGS="${RUSTFLAGS:-} $WASM_RELEASE_RUSTFLAGS" \
  cargo build --quiet --lib --target wasm32-unknown-unknown --profile wasm-size-floor \
  --no-default-features --features size-floor >&2
wasm-bindgen "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-size-floor/raftlab.wasm" \
  --out-dir "$out" --target bundler
wasm-opt "${WASM_OPT_PASSES[@]}" "${WASM_OPT_FEATURES[@]}" \
  "$out/raftlab_bg.wasm" -o "$out/floor.wasm"
printf '{"raw": %d, "gzip": %d}\n' "$(stat -c %s "$out/floor.wasm")" "$(gzip -9c "$out/floor.wasm" | wc -c)"
