#!/usr/bin/env bash
# The playground: builds pkg/ when it is missing or older than its sources,
# then serves www/, pkg/ and the package's sandbox gateway (/router/rest,
# /router/qimen/service, /sandbox/*; appKey 10000001, appSecret
# sandbox-secret, customerId sandbox-customer) on one origin,
# http://127.0.0.1:${PORT:-8080}/, so the page needs no other network.
# Run it through `make start`, which runs the set-up first.
set -euo pipefail
source "$(dirname "$0")/env.sh"
PORT=${PORT:-8080}

stale=""
if [ ! -f pkg/package.json ]; then
  stale="pkg/ is missing"
elif [ -f pkg-templates/sandbox.js ] && [ ! -f pkg/sandbox.js ]; then
  stale="pkg/sandbox.js is missing"
else
  newer=$(find src build.rs Cargo.toml Cargo.lock pkg-templates scripts/pkg.sh -newer pkg/package.json -print -quit 2>/dev/null || true)
  [ -z "$newer" ] || stale="$newer changed since the last build"
fi
if [ -n "$stale" ]; then
  printf '\033[1mstart:\033[0m %s: building pkg/\n' "$stale" >&2
  scripts/pkg.sh
fi

printf '\033[1mstart:\033[0m the playground is at http://127.0.0.1:%s/ (with the sandbox gateway on the same origin)\n' "$PORT" >&2
PORT=$PORT exec node scripts/serve.mjs
