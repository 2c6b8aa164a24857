#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a while, one after the other.
#
#   scripts/fuzz.sh [seconds-per-target]      (default 60)
#
# Environment: FUZZ_TARGETS="a b" (default: all, from `cargo fuzz list`),
# FUZZ_JOBS (default 1: the machine is shared), FUZZ_SANITIZER (default none:
# the core is safe Rust, and without ASan a target runs several times faster;
# `address` works too on a nightly compiler).
#
# cargo fuzz needs nightly-only compiler flags. In order of preference:
# rustup's nightly (`cargo +nightly fuzz`), else the stable toolchain with
# RUSTC_BOOTSTRAP=1, else Debian's /usr/bin/cargo with RUSTC_BOOTSTRAP=1.
# Installs cargo-fuzz when missing. Prints per target the executions, the
# coverage (libFuzzer's `cov:` edges and `ft:` features), the corpus size and
# whether it crashed; exits non-zero when any target crashed (the input is in
# fuzz/artifacts/<target>/; reproduce with `cargo fuzz run <target> <file>`,
# shrink with `cargo fuzz tmin <target> <file>`).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# The project's toolchain choice (scripts/setup.sh writes it), if any.
[ -f scripts/env.sh ] && . scripts/env.sh >/dev/null 2>&1
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

SECONDS_PER_TARGET=${1:-60}
JOBS=${FUZZ_JOBS:-1}
SANITIZER=${FUZZ_SANITIZER:-none}
say() { printf '\033[1mfuzz:\033[0m %s\n' "$*" >&2; }
die() { printf 'fuzz: FAILED: %s\n' "$*" >&2; exit 2; }
[[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]] || die "usage: scripts/fuzz.sh [seconds-per-target]"

# --- cargo-fuzz ------------------------------------------------------------------
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (cargo install cargo-fuzz --locked)"
  cargo install cargo-fuzz --locked >&2 || die "cargo install cargo-fuzz did not work"
fi

# --- a compiler that takes cargo-fuzz's flags ------------------------------------
# Each candidate is tried on a tiny crate (seconds), not on the fuzz crate.
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
mkdir -p "$probe_dir/src"
printf '[package]\nname = "probe"\nversion = "0.0.0"\nedition = "2021"\n[workspace]\n' > "$probe_dir/Cargo.toml"
echo 'pub fn f() {}' > "$probe_dir/src/lib.rs"  # a library: compiled, not linked
# The flags cargo-fuzz passes (cargo fuzz build -s none), plus the sanitizer's.
PROBE_FLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 --cfg fuzzing -Cdebug-assertions"
[ "$SANITIZER" = none ] || PROBE_FLAGS="$PROBE_FLAGS -Zsanitizer=$SANITIZER"
works() { # $@ = env assignments + cargo command, e.g. RUSTC_BOOTSTRAP=1 cargo
  (cd "$probe_dir" && env RUSTFLAGS="$PROBE_FLAGS" CARGO_TARGET_DIR="$probe_dir/target" "$@" build -q >/dev/null 2>&1)
}
CARGO=()
if command -v rustup >/dev/null && rustup toolchain list 2>/dev/null | grep -q '^nightly' \
   && works cargo +nightly; then
  CARGO=(cargo +nightly)
elif works RUSTC_BOOTSTRAP=1 cargo; then
  CARGO=(env RUSTC_BOOTSTRAP=1 cargo)
elif [ -x /usr/bin/cargo ] && works RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc /usr/bin/cargo; then
  # cargo-fuzz runs `cargo` from PATH: put Debian's first.
  CARGO=(env RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc PATH="/usr/bin:$PATH" cargo)
else
  die "no compiler takes cargo-fuzz's flags (tried cargo +nightly, RUSTC_BOOTSTRAP=1 cargo, /usr/bin/cargo)"
fi
say "using: ${CARGO[*]} fuzz ($("${CARGO[@]}" --version 2>/dev/null))"

cd fuzz
TARGETS=${FUZZ_TARGETS:-$("${CARGO[@]}" fuzz list 2>/dev/null)}
[ -n "$TARGETS" ] || die "no fuzz targets found"
say "building: $(echo $TARGETS)"
"${CARGO[@]}" fuzz build -s "$SANITIZER" --debug-assertions >&2 || die "cargo fuzz build failed"

# -jobs/-workers only when asked for: with them libFuzzer forks and logs to fuzz-<n>.log.
PARALLEL=()
[ "$JOBS" -gt 1 ] && PARALLEL=(-jobs="$JOBS" -workers="$JOBS")
mkdir -p ../target/fuzz-logs
summary=()
crashed=0
for t in $TARGETS; do
  log=../target/fuzz-logs/$t.log
  mkdir -p "corpus/$t"
  say "running $t for ${SECONDS_PER_TARGET}s"
  "${CARGO[@]}" fuzz run -s "$SANITIZER" --debug-assertions "$t" "corpus/$t" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 ${PARALLEL[@]+"${PARALLEL[@]}"} >"$log" 2>&1
  rc=$?
  # With -jobs the output goes to fuzz-<n>.log files in the current directory.
  [ "$JOBS" -gt 1 ] && cat fuzz-*.log >>"$log" 2>/dev/null && rm -f fuzz-*.log
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | awk '{s+=$1} END {if (NR) print s}')
  [ -n "$execs" ] || execs=$(grep -oE '^Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {if (NR) print s}')
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
  corp=$(grep -oE 'corp: [0-9]+/[0-9a-zA-Z]+' <<<"$last" | cut -d' ' -f2)
  if [ $rc -ne 0 ] || grep -qE '^==[0-9]+== ?ERROR|panicked at|deadly signal|Test unit written' "$log"; then
    crashed=1
    artifact=$(grep -oE 'Test unit written to [^ ]+' "$log" | head -1 | cut -d' ' -f5)
    status="CRASHED (exit $rc) ${artifact:+input: $artifact} log: target/fuzz-logs/$t.log"
    grep -E 'panicked at' -A3 "$log" | head -8 >&2
  else
    status="ok"
  fi
  summary+=("$(printf '%-20s execs %-10s cov %-6s ft %-7s corpus %-10s %s' \
    "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$status")")
done

echo
echo "fuzz summary (${SECONDS_PER_TARGET}s per target, sanitizer $SANITIZER, ${CARGO[*]}):"
printf '  %s\n' "${summary[@]}"
exit $crashed
