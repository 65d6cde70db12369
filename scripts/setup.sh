#!/usr/bin/env bash
# Installs what raftlab needs and skips what is present. Idempotent.
#   scripts/setup.sh          toolchain for building and serving (wasm target, wasm-bindgen CLI, npm packages)
#   scripts/setup.sh --test   also Debian's chromium + chromium-driver for the browser tests
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

want_browser=false
[ "${1:-}" = "--test" ] && want_browser=true
total_start=$SECONDS

check_node() {
  command -v node >/dev/null || die "Node.js is not installed. Install Node.js 20.19 or newer (Debian: the nodejs package from NodeSource, or nvm)."
  local v major minor
  v="$(node --version)"; v="${v#v}"
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
    die "Node.js $v is too old: raftlab needs Node.js 20.19 or newer (webpack-dev-server 5, eslint 10). Upgrade Node and run again."
  fi
  command -v npm >/dev/null || die "npm is not installed (it ships with Node.js)."
  say "Node.js $v: ok"
}

check_rust() {
  command -v cargo >/dev/null || die "cargo is not installed. Install Rust with rustup (https://rustup.rs) and run again."
  command -v rustup >/dev/null || die "rustup is not installed: raftlab needs it to add the wasm32-unknown-unknown target."
  say "$(cargo --version): ok"
}

ensure_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "wasm32-unknown-unknown target: present"
  else
    step "Adding the wasm32-unknown-unknown target" rustup target add wasm32-unknown-unknown \
      || die "could not add the wasm32 target: is the Rust distribution server reachable?"
  fi
}

ensure_lockfile() {
  if [ ! -f Cargo.lock ]; then
    step "Resolving Cargo.lock" cargo generate-lockfile
  fi
}

ensure_wasm_bindgen() {
  local want have=""
  want="$(wasm_bindgen_lock_version)"
  [ -n "$want" ] || die "could not read the wasm-bindgen version from Cargo.lock"
  if command -v wasm-bindgen >/dev/null; then
    have="$(wasm-bindgen --version | awk '{print $2}')"
  fi
  if [ "$have" = "$want" ]; then
    say "wasm-bindgen CLI $want: present"
    return
  fi
  if [ -n "$have" ]; then
    say "wasm-bindgen CLI $have on PATH ($(command -v wasm-bindgen)) does not match Cargo.lock's $want: replacing it"
  fi
  # No --locked: the CLI's own lockfile pins crates the registry mirror may lack.
  step "Installing wasm-bindgen-cli $want (takes ~3 minutes on 2 cores)" \
    cargo install wasm-bindgen-cli --version "$want" --force \
    || die "cargo install wasm-bindgen-cli failed: is the crates.io registry reachable?"
  have="$(wasm-bindgen --version | awk '{print $2}')"
  [ "$have" = "$want" ] || die "wasm-bindgen on PATH is still $have ($(command -v wasm-bindgen)); remove it so ~/.cargo/bin/wasm-bindgen $want is used"
}

ensure_npm_packages() {
  local stamp=node_modules/.raftlab-lock-hash hash
  hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    say "npm packages: up to date"
    return
  fi
  step "Installing npm packages (npm ci)" npm ci --no-audit --no-fund \
    || die "npm ci failed: is the npm registry reachable? (npm config get registry)"
  echo "$hash" > "$stamp"
}

ensure_browser() {
  # Overridable for the setup script's own tests.
  local chromium="${RAFTLAB_CHROMIUM:-/usr/bin/chromium}" driver="${RAFTLAB_CHROMEDRIVER:-/usr/bin/chromedriver}"
  if [ -x "$chromium" ] && [ -x "$driver" ]; then
    say "chromium + chromedriver: present ($("$chromium" --version 2>/dev/null | head -1))"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    die "the browser tests need Debian's chromium and chromium-driver, and installing them needs root. Run:
    sudo apt-get update && sudo apt-get install -y chromium chromium-driver
then run npm test again."
  fi
  install_browser() {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  }
  step "Installing Debian's chromium + chromium-driver" install_browser \
    || die "apt-get could not install chromium: is the Debian package mirror reachable?"
}

check_node
check_rust
ensure_wasm_target
ensure_lockfile
ensure_wasm_bindgen
ensure_npm_packages
$want_browser && ensure_browser
say "setup complete in $((SECONDS - total_start)) s"
