#!/usr/bin/env bash
# One build of the page's wasm at other code generation settings, for `bench/browser/ab.mjs`
# (issue 6: the size/speed trade of the wasm-release profile):
#   bash bench/wasm-variant.sh NAME OPT_LEVEL [INLINE_THRESHOLD]
# e.g. `bash bench/wasm-variant.sh z80 z 80` (the shipped settings) or
# `bash bench/wasm-variant.sh z100 z 100`; the target features of the page's build
# (scripts/lib.sh, WASM_RELEASE_FEATURES) always apply, `RUSTFLAGS` adds to them, and
# WASM_OPT="-Oz" replaces wasm-opt's passes (scripts/lib.sh, WASM_OPT_PASSES). Writes target/wasm-variants/NAME/{raftlab.js,raftlab_bg.wasm} (wasm-bindgen's
# `web` target, after wasm-opt as in the page's build) and prints the module's size, raw and
# gzip -9.
# A threshold changes RUSTFLAGS, so cargo rebuilds the dependencies for that build and the next.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

[ $# -ge 2 ] || die "usage: bash bench/wasm-variant.sh NAME OPT_LEVEL [INLINE_THRESHOLD]"
name="$1" opt="$2" threshold="${3:-}"
case "$name" in *[!A-Za-z0-9_-]*|'') die "NAME: letters, digits, - and _ only" ;; esac
flags="${RUSTFLAGS:-} $WASM_RELEASE_FEATURES"
[ -n "$threshold" ] && flags="$flags -C llvm-args=-inline-threshold=$threshold"
target="${CARGO_TARGET_DIR:-target}"
out="$target/wasm-variants/$name"
# Settings seen before are fresh to cargo, which then would not copy their module over the last
# one built: touching the crate makes cargo build (and copy) this one, and the next page build too.
touch src/lib.rs
RUSTFLAGS="$flags" CARGO_PROFILE_WASM_RELEASE_OPT_LEVEL="$opt" \
  cargo build --quiet --lib --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$out"
wasm-bindgen "$target/wasm32-unknown-unknown/wasm-release/raftlab.wasm" --out-dir "$out" \
  --out-name raftlab --target web
passes=("${WASM_OPT_PASSES[@]}")
# shellcheck disable=SC2206 # WASM_OPT is a list of flags
[ -n "${WASM_OPT:-}" ] && passes=($WASM_OPT)
wasm-opt "${passes[@]}" "${WASM_OPT_FEATURES[@]}" "$out/raftlab_bg.wasm" -o "$out/raftlab_bg.wasm"
say "$out: $(stat -c %s "$out/raftlab_bg.wasm") bytes, $(gzip -9c "$out/raftlab_bg.wasm" | wc -c) gzipped"
