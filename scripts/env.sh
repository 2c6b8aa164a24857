# Sourced by the other scripts: the toolchain chosen by setup.sh comes first on PATH.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f .toolchain.env ] && . ./.toolchain.env
export PATH="$PATH:$HOME/.cargo/bin"
# Tools from the root dev dependencies (wasm-opt from binaryen >= 110, tsc) come first.
export PATH="$PWD/node_modules/.bin:$PATH"
