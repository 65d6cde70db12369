#!/usr/bin/env bash
# Runs every raftlab test suite, in order, and fails if any fails. Ends with one line per suite.
#   npm test                      everything
#   npm test -- rust e2e          only the named suites (see SUITES below)
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

SUITES=(fmt clippy lint rust wasm js build e2e)

suite_fmt()    { cargo fmt --all -- --check; }
suite_clippy() {
  cargo clippy --all-targets -- -D warnings &&
    cargo clippy --lib --test web --target wasm32-unknown-unknown --features validator -- -D warnings &&
    cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features validator -- -D warnings &&
    cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features size-floor -- -D warnings
}
suite_lint()   { eslint --max-warnings 0 .; }
suite_rust()   { cargo test; }
# Rust tests compiled to wasm32 and run in headless Chromium by wasm-bindgen-test-runner; with
# the reader's exports too (feature `validator`), which the hostile-document tests go through.
suite_wasm()   { CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --features validator --test web; }
suite_js()     { node --test www/tests/ scripts/tests/; }
suite_build()  { bash scripts/build.sh; }
suite_e2e()    { node --test --test-concurrency=1 e2e/; }

selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=("${SUITES[@]}")
for s in "${selected[@]}"; do
  declare -F "suite_$s" >/dev/null || die "unknown suite '$s' (known: ${SUITES[*]})"
done

bash scripts/setup.sh --test || die "setup failed; see above"

declare -A result seconds
failed=0
for s in "${selected[@]}"; do
  say "━━ suite: $s ━━"
  start=$SECONDS
  if "suite_$s"; then result[$s]=passed; else result[$s]=FAILED; failed=$((failed + 1)); fi
  seconds[$s]=$((SECONDS - start))
done

echo
say "summary"
for s in "${selected[@]}"; do
  printf '  %-8s %-7s %4d s\n' "$s" "${result[$s]}" "${seconds[$s]}"
done
echo "suites: $(( ${#selected[@]} - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
