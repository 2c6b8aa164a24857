#!/usr/bin/env bash
# Makes this machine ready to build and test top-logistics, idempotently.
# Order of preference for each piece: what is already installed, the ordinary
# internet path (rustup), then the offline path of ../shared/TOOLCHAIN.md
# (Debian's rustc-web with a wasm32 sysroot built once).
# Writes .toolchain.env, which scripts/env.sh sources so that one toolchain
# builds everything (mixing rustup's and Debian's rustc rebuilds target/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }
die() { printf 'setup: FAILED: %s\n' "$*" >&2; exit 1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install by hand: $*"
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* did not work"
}

# --- 1. a Rust toolchain that targets wasm32 ---------------------------------
has_wasm_target() { # $1 = rustc
  local sysroot; sysroot=$("$1" --print sysroot 2>/dev/null) || return 1
  ls "$sysroot"/lib/rustlib/wasm32-unknown-unknown/lib/libstd-*.rlib >/dev/null 2>&1
}
TOOLCHAIN_PATH=""
if [ -f .toolchain.env ] && (. ./.toolchain.env && has_wasm_target rustc); then
  . ./.toolchain.env; say "toolchain: $(rustc --version) (already set up)"
elif command -v rustc >/dev/null && has_wasm_target rustc; then
  say "toolchain: $(rustc --version) with wasm32 (already installed)"
elif command -v rustup >/dev/null && timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 \
     && has_wasm_target rustc; then
  say "toolchain: rustup target add wasm32-unknown-unknown worked"
else
  say "rustup cannot fetch wasm32; using Debian's rustc-web (offline path)"
  [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ] && [ -x /usr/bin/rust-lld ] \
    || apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22 binaryen
  TOOLCHAIN_PATH=/usr/bin
  if ! has_wasm_target /usr/bin/rustc; then
    say "building the wasm32 standard library once (about 2 minutes)"
    tmp=$(mktemp -d); mkdir -p "$tmp/src"; : > "$tmp/src/lib.rs"
    printf '[package]\nname = "sysroot_seed"\nversion = "0.0.0"\nedition = "2021"\n' > "$tmp/Cargo.toml"
    (cd "$tmp" && RUSTFLAGS=-Cembed-bitcode=yes RUSTC_BOOTSTRAP=1 /usr/bin/cargo build -q --release \
        --target wasm32-unknown-unknown -Z build-std=std,panic_abort,test) \
      || die "building the wasm32 standard library failed (see above)"
    dest=$(/usr/bin/rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib
    $SUDO mkdir -p "$dest"
    find "$tmp/target/wasm32-unknown-unknown/release/deps" -name '*.rlib' ! -name 'libsysroot_seed-*' \
      -exec $SUDO cp {} "$dest/" \;
    rm -rf "$tmp"
    has_wasm_target /usr/bin/rustc || die "wasm32 sysroot still missing in $dest"
    rm -rf target  # rlibs built against the old sysroot are stale now
  fi
fi
if [ -n "$TOOLCHAIN_PATH" ]; then
  echo "export PATH=\"$TOOLCHAIN_PATH:\$HOME/.cargo/bin:\$PATH\"" > .toolchain.env
else
  [ -f .toolchain.env ] || echo "# the default PATH's toolchain targets wasm32" > .toolchain.env
fi
. ./.toolchain.env
export PATH="$PATH:$HOME/.cargo/bin"

# --- 2. wasm-bindgen-cli, pinned to the wasm-bindgen in Cargo.lock -----------
[ -f Cargo.lock ] || cargo generate-lockfile -q
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
[ -n "$WB_VERSION" ] || die "no wasm-bindgen version in Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  say "cargo install wasm-bindgen-cli $WB_VERSION (about 2 minutes)"
  cargo install -q --force wasm-bindgen-cli --version "$WB_VERSION" || die "cargo install wasm-bindgen-cli $WB_VERSION failed"
else say "wasm-bindgen-cli $WB_VERSION (already installed)"; fi

# --- 3. wasm-pack and wasm-opt ----------------------------------------------
if ! command -v wasm-pack >/dev/null; then
  say "cargo install wasm-pack (about 2 minutes)"
  cargo install -q wasm-pack || die "cargo install wasm-pack failed"
else say "$(wasm-pack --version) (already installed)"; fi
# wasm-opt comes from the npm package binaryen (step 5): Debian's binaryen 108
# breaks wasm-bindgen's externref table (Table.grow fails at load; fixed in 110).

# --- 4. Chromium and ChromeDriver for browser tests -------------------------
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then apt_install chromium chromium-driver fonts-wqy-microhei; fi
[ -x /usr/bin/chromedriver ] || die "chromedriver missing (Debian package chromium-driver)"

# --- 5. Node dev dependencies from the committed lock file ------------------
command -v node >/dev/null || apt_install nodejs npm
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || die "npm ci failed"
else say "node_modules up to date"; fi
. scripts/env.sh  # node_modules/.bin first on PATH
WASM_OPT_VERSION=$(wasm-opt --version 2>/dev/null | awk '{print $3}')
[ "${WASM_OPT_VERSION:-0}" -ge 110 ] 2>/dev/null \
  || die "wasm-opt ${WASM_OPT_VERSION:-missing} at $(command -v wasm-opt || echo -): need binaryen >= 110 (npm ci installs it)"
say "wasm-opt $WASM_OPT_VERSION ($(command -v wasm-opt))"
say "ready (${SECONDS}s)"
