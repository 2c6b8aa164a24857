#!/usr/bin/env bash
# `make bench`: speed and size of the package against what users would use
# instead, in one run (the issue "Benchmarks and budgets"). Steps:
#   1. make pkg (the package measured is the one built now)
#   2. size report: .wasm before/after wasm-opt, gzip -9, brotli; JS glue;
#      twiggy's top contributors of the pre-opt module (names kept)
#   3. Node micro-benchmarks (tinybench): validate / buildRequest /
#      parseResponse against Ajv + node:crypto + JSON.parse baselines
#   4. native criterion benches (benches/core.rs), short measurement
#   5. batch: `validate --ndjson` of the CLI over a >= 100 MB NDJSON file
#      (generated once into bench-output/, reused) against JSON.parse + Ajv,
#      and the native core over the same lines (benches/ndjson.rs)
#   6. native vs wasm table and the targets, MET / MISSED with the margin
# Nothing is asserted: the machine is shared, so figures are noisy; every
# comparison is a ratio against a baseline measured in the same run.
# Knobs: BENCH_TIME_MS, BENCH_ROUNDS (Node), BENCH_BATCH_ROUNDS,
# BENCH_NATIVE_ARGS (criterion), BENCH_NDJSON_MB, BENCH_SKIP_PKG=1.
set -euo pipefail
source "$(dirname "$0")/env.sh"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf 'bench: FAILED: %s\n' "$*" >&2; exit 1; }
OUT=bench-output
mkdir -p "$OUT"
START=$SECONDS
step() { printf '(%ss)\n' "$((SECONDS - T0))"; }

say "machine"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cores:   $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; other work on the machine skews wall-clock figures)"
echo "node:    $(node --version); $(rustc --version)"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo '-')$(git diff --quiet HEAD -- src Cargo.toml 2>/dev/null || echo ' + uncommitted changes')"

# --- 1. the package --------------------------------------------------------------
T0=$SECONDS
if [ "${BENCH_SKIP_PKG:-}" != 1 ]; then
  say "make pkg"
  if ! make --no-print-directory pkg > "$OUT/pkg.log" 2>&1; then
    tail -30 "$OUT/pkg.log" >&2
    die "make pkg (log: $OUT/pkg.log)"
  fi
  grep -a 'pkg/ ready' "$OUT/pkg.log" | sed 's/\x1b\[[0-9;]*m//g'
  step
fi
[ -f pkg/node/top_logistics.js ] || die "no pkg/: run make pkg"

# --- 2. size -----------------------------------------------------------------------
say "size"
T0=$SECONDS
CARGO_WASM=target/wasm32-unknown-unknown/release/top_logistics.wasm
BINDGEN_WASM=""
if [ -f "$CARGO_WASM" ] && command -v wasm-bindgen >/dev/null; then
  # wasm-bindgen's output before wasm-opt, with the name section kept: what
  # wasm-pack hands to wasm-opt, and what twiggy can name.
  rm -rf "$OUT/size"
  if wasm-bindgen --target web --out-dir "$OUT/size" --out-name top_logistics "$CARGO_WASM" 2> "$OUT/size.log"; then
    BINDGEN_WASM="$OUT/size/top_logistics_bg.wasm"
  else
    echo "(wasm-bindgen on $CARGO_WASM failed, see $OUT/size.log: no pre-opt bindgen figure)"
  fi
fi
if ! command -v twiggy >/dev/null && [ "${BENCH_NO_INSTALL:-}" != 1 ]; then
  echo "twiggy missing: cargo install twiggy (once, about 4 minutes; BENCH_NO_INSTALL=1 skips)"
  cargo install -q --locked twiggy > "$OUT/twiggy-install.log" 2>&1 \
    || echo "cargo install twiggy failed (see $OUT/twiggy-install.log): no size contributors"
fi
node benches/node/size.mjs $BINDGEN_WASM
step

# --- 3. Node micro-benchmarks ------------------------------------------------------
say "Node: the package (wasm) vs pure JavaScript"
T0=$SECONDS
node benches/node/bench.mjs
step

# --- 4. native ---------------------------------------------------------------------
say "native: criterion (benches/core.rs)"
T0=$SECONDS
cargo bench -q --benches --no-run > "$OUT/criterion-build.log" 2>&1 \
  || { tail -30 "$OUT/criterion-build.log" >&2; die "cargo bench --no-run (log: $OUT/criterion-build.log)"; }
rm -rf target/criterion # only this run's estimates
# shellcheck disable=SC2086
cargo bench -q --bench core -- --noplot ${BENCH_NATIVE_ARGS:---warm-up-time 0.3 --measurement-time 0.7} \
  > "$OUT/criterion.log" 2>&1 || { tail -30 "$OUT/criterion.log" >&2; die "cargo bench (log: $OUT/criterion.log)"; }
echo "$(grep -c 'time:' "$OUT/criterion.log") benchmarks (log: $OUT/criterion.log; table below)"
step

# --- 5. batch ----------------------------------------------------------------------
say "batch: validate --ndjson"
T0=$SECONDS
NDJSON="$OUT/batch.ndjson"
min_bytes=$(( ${BENCH_NDJSON_MB:-100} * 1000000 ))
if [ ! -f "$NDJSON" ] || [ "$(stat -c %s "$NDJSON")" -lt "$min_bytes" ]; then
  node benches/node/gen-ndjson.mjs "$NDJSON"
  step; T0=$SECONDS
fi
node benches/node/batch.mjs "$NDJSON"
# The ceiling: the native core over the same lines, one thread (benches/ndjson.rs).
cargo bench -q --bench ndjson -- "$NDJSON" 2>&1 | tee "$OUT/batch-native.txt" | sed 's/^/  /'
step

# --- 6. report ---------------------------------------------------------------------
say "native vs wasm, and the targets"
node benches/node/report.mjs
printf '\nmake bench: %ss in all (figures in %s/)\n' "$((SECONDS - START))" "$OUT"
