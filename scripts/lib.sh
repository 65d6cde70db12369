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
