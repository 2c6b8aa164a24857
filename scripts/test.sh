#!/usr/bin/env bash
# Every test layer in order, stopping at the first failure:
#   1. native   cargo test --all-targets, then cargo test --doc
#   2. node     wasm-pack test --node: tests/wasm_node.rs, the wasm build under Node
#   3. browser  wasm-pack test --headless --chrome: tests/wasm_browser.rs in Chromium
#   4. package  make pkg, then node --test tests/js/ against pkg/
# A layer fails when its runner fails or when it ran no test at all.
# Run it through `make test`, which runs the set-up first.
set -euo pipefail
source "$(dirname "$0")/env.sh"

LOGS=target/test-logs
mkdir -p "$LOGS"
SUMMARY=()
TIMES=()
TOTAL=0
START_ALL=$SECONDS

header() { printf '\n\033[1m==== test layer %s ====\033[0m\n' "$*"; }
# One "layer: N passed, N failed" line per layer (the plain form CI reads).
summary() {
  printf '\n\033[1m==== summary ====\033[0m\n'
  local line; for line in "${SUMMARY[@]}"; do printf '%s\n' "$line"; done
  printf 'time: %s, %ds in all\n' "${TIMES[*]:-none}" $((SECONDS - START_ALL))
}
fail() { # $1 = layer, $2 = why
  SUMMARY+=("$1: FAILED ($2)")
  summary
  printf 'test: layer %s failed (%s); log: %s\n' "$1" "$2" "$LOGS/$1.log" >&2
  exit 1
}
# Sums the numbers that the extended regex $2 captures as "N" in log $1.
count() { (set +o pipefail; sed 's/\x1b\[[0-9;]*m//g' "$1" | grep -oE "$2" | grep -oE '[0-9]+' | awk '{ n += $1 } END { print n + 0 }'); }

# run_layer NAME PASSED_REGEX FAILED_REGEX COMMAND...: runs COMMAND with its
# output on screen and in the log, then requires success and passed > 0.
run_layer() {
  local name=$1 passed_re=$2 failed_re=$3; shift 3
  local log="$LOGS/$name.log" t0=$SECONDS status=0
  "$@" 2>&1 | tee "$log" || status=$?
  local passed failed
  passed=$(count "$log" "$passed_re")
  failed=$(count "$log" "$failed_re")
  [ "$status" = 0 ] || fail "$name" "exit status $status, $passed passed, $failed failed"
  [ "$failed" = 0 ] || fail "$name" "$failed failed"
  [ "$passed" -gt 0 ] || fail "$name" "ran no test"
  SUMMARY+=("$name: $passed passed, $failed failed")
  TIMES+=("$name $((SECONDS - t0))s")
  TOTAL=$((TOTAL + passed))
}

# libtest and wasm-bindgen-test-runner: "test result: ok. 4 passed; 0 failed; ..."
LIBTEST_PASSED='test result: [a-zA-Z]+\. [0-9]+ passed'
LIBTEST_FAILED='[0-9]+ failed;'

header "1/4 native: cargo test (all targets, then doc tests)"
native() { cargo test --all-targets && cargo test --doc; }
run_layer native "$LIBTEST_PASSED" "$LIBTEST_FAILED" native

# The wasm layers: wasm-pack builds every test target for wasm32 (the native
# test files are cfg'd out there) and runs only its own file; the runner is the
# wasm-bindgen-test-runner installed by setup, pinned to Cargo.lock's version.
WASM_RUNNER_VERSION=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
[ "$WASM_RUNNER_VERSION" = "$WB_VERSION" ] \
  || fail node "wasm-bindgen-test-runner ${WASM_RUNNER_VERSION:-missing}, Cargo.lock has wasm-bindgen $WB_VERSION: run make setup"

header "2/4 node: wasm-pack test --node (tests/wasm_node.rs)"
run_layer node "$LIBTEST_PASSED" "$LIBTEST_FAILED" wasm-pack test --node -- --test wasm_node

header "3/4 browser: wasm-pack test --headless --chrome (tests/wasm_browser.rs)"
# Chromium's flags (--no-sandbox for root, ...) are in webdriver.json.
run_layer browser "$LIBTEST_PASSED" "$LIBTEST_FAILED" \
  wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --test wasm_browser

header "4/4 package: make pkg, then node --test tests/js/ against pkg/"
package() { make --no-print-directory pkg && node --test --test-reporter=spec tests/js/; }
# node's spec reporter ends with "ℹ pass 12" / "ℹ fail 0".
run_layer package '^ℹ pass [0-9]+' '^ℹ fail [0-9]+' package

summary
printf 'all %d layers passed\ntotal: %d passed, 0 failed\n' "${#SUMMARY[@]}" "$TOTAL"
