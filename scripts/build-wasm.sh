#!/usr/bin/env bash
# Compiles the crate to wasm32 twice and generates the JS bindings of each module:
#   www/pkg           the page's module (default features: the `Simulation` facade)
#   www/pkg-validate  the reader's module (feature `validator` alone: `validateScenario`,
#                     `readConfig`, `readAction`), which the page fetches on first use
#   scripts/build-wasm.sh dev       debug builds (fast to compile)
#   scripts/build-wasm.sh release   release builds + wasm-opt (scripts/lib.sh; npm's binaryen)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

profile="${1:-dev}"
case "$profile" in
  dev) page_profile=dev; page_dir=debug; validator_profile=validator-dev ;;
  # The page's build: opt-level "z" (Cargo.toml, [profile.wasm-release]) with the inlining
  # threshold of scripts/lib.sh (WASM_RELEASE_RUSTFLAGS); the validator's build
  # ([profile.wasm-validator]) is for size alone and keeps LLVM's default threshold.
  release) page_profile=wasm-release; page_dir=wasm-release; validator_profile=wasm-validator ;;
  *) die "unknown profile '$profile' (use dev or release)" ;;
esac
built="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown"

# Writes the bindings of `wasm` into `out` as `name`.js / `name`_bg.wasm for wasm-bindgen's
# `target`, runs wasm-opt on a release build and prints the module's size.
bindings() {
  local wasm="$1" out="$2" name="$3" target="$4"
  rm -rf "$out"
  wasm-bindgen "$wasm" --out-dir "$out" --out-name "$name" --target "$target" --typescript
  if [ "$profile" = release ]; then
    wasm-opt "${WASM_OPT_PASSES[@]}" "${WASM_OPT_FEATURES[@]}" \
      "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
  fi
  say "$out ($profile): $(du -k "$out/${name}_bg.wasm" | cut -f1) KB, $(gzip -9c "$out/${name}_bg.wasm" | wc -c) bytes gzipped"
}

# The two builds have different features, so each has its own profile (its own output folder):
# a cdylib's file name carries no feature hash, and one folder would swap one module for the
# other between builds.
if [ "$profile" = release ]; then
  RUSTFLAGS="${RUSTFLAGS:-} $WASM_RELEASE_RUSTFLAGS" \
    cargo build --lib --target wasm32-unknown-unknown --profile "$page_profile"
else
  cargo build --lib --target wasm32-unknown-unknown --profile "$page_profile"
fi
bindings "$built/$page_dir/raftlab.wasm" www/pkg raftlab bundler
cargo build --lib --target wasm32-unknown-unknown --profile "$validator_profile" \
  --no-default-features --features validator
# `--target web`: the page's code fetches and instantiates the reader itself (its default
# export), so a failed fetch can be tried again; webpack would keep a failed wasm module failed.
bindings "$built/$validator_profile/raftlab.wasm" www/pkg-validate raftlab_validate web
