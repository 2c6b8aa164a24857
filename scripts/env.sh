# Sourced by the other scripts: the toolchain chosen by setup.sh comes first on PATH.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f .toolchain.env ] && . ./.toolchain.env
export PATH="$PATH:$HOME/.cargo/bin"
