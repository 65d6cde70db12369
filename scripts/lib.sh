# Shared helpers for raftlab's scripts. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

say() { printf '\033[1m[raftlab]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[raftlab] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Runs a named step and prints how long it took; returns the command's status so the caller can
# name the likely cause: step "label" command args… || die "why"
step() {
  local label="$1"; shift
  local start=$SECONDS
  say "$label …"
  if "$@"; then
    say "$label: done in $((SECONDS - start)) s"
  else
    local rc=$?
    printf '\033[1;31m[raftlab]\033[0m %s failed (exit %d) after %d s\n' "$label" "$rc" "$((SECONDS - start))" >&2
    return "$rc"
  fi
}

# The wasm-bindgen version pinned in Cargo.lock (the CLI must match it exactly).
wasm_bindgen_lock_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# rustc flags of the page's release build (and of the size floor's, built the same way): LLVM's
# inlining threshold set to 80 over opt-level "z" (Cargo.toml, [profile.wasm-release]). Timed
# with the builds taking turns in one page (bench/browser/ab.mjs, 61 to 81 rounds; BENCHMARKS.md,
# "Sizes"), on session 8's code: the threshold at 100, 156.9 KB gzip; at 80, 153.7 KB at
# 0.93-0.98x its speed (76 gives the same module: the simulator's `VecMap` lookups cost 75 to
# LLVM); at 75, 152.4 KB at 0.86x; at 60, 150.5 KB at 0.86x; "z" alone 0.79x.
# The module also uses WebAssembly's 128-bit SIMD instructions (in every browser since 2023:
# Chrome 91, Firefox 89, Safari 16.4): LLVM then copies and clears memory 16 bytes at a time,
# 1.1 to 1.7 KB gzip smaller at the same speed (bench/browser/ab.mjs, 61 to 81 rounds).
WASM_RELEASE_FEATURES="-C target-feature=+simd128"
WASM_RELEASE_RUSTFLAGS="-C llvm-args=-inline-threshold=80 $WASM_RELEASE_FEATURES"

# wasm-opt on a release module: the features rustc enables for wasm32 (wasm-opt must know them to
# validate the module), and the optimizations. `--low-memory-unused`: rustc puts the 1 MB stack
# at the bottom of memory, so the first 1 KB is touched only by a stack one KB from overflowing,
# and wasm-opt may fold constant offsets into loads and stores. `--flatten --rereloop` before two
# -Oz passes rebuilds the control flow. Together 2.5 KB gzip smaller than -Oz alone at the same
# speed (issue 6; BENCHMARKS.md, "Sizes"). Then the functions are put in the order of their
# names, so that the copies of one generic function (`Vec<T>::push`, each type's `serialize`)
# sit side by side for gzip's window (0.6 KB gzip; by call count, 2.3 KB more), and the
# `producers` and `target_features` sections go: the browser reads neither, and wasm-opt has
# validated the module by then (0.2 KB gzip).
WASM_OPT_FEATURES=(--enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals --enable-multivalue --enable-simd)
WASM_OPT_PASSES=(--low-memory-unused --flatten --rereloop -Oz -Oz --reorder-functions-by-name
  --strip-producers --strip-target-features)
