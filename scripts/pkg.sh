#!/usr/bin/env bash
# Builds the npm package `top-logistics` into pkg/:
#   pkg/node/  wasm-pack --target nodejs (CommonJS, loads the .wasm synchronously)
#   pkg/web/   wasm-pack --target web    (ES module, instantiated from a URL)
#   pkg/{package.json,index.js,index.cjs,index.d.ts,index.d.cts,README.md}
#              from pkg-templates/, version from Cargo.toml, export list from
#              the wasm-bindgen output.
# Builds into target/pkg-staging/ and replaces pkg/ only when all went well.
set -euo pipefail
source "$(dirname "$0")/env.sh"
say() { printf '\033[1mpkg:\033[0m %s\n' "$*" >&2; }
die() { printf 'pkg: FAILED: %s\n' "$*" >&2; exit 1; }

command -v wasm-pack >/dev/null || die "wasm-pack missing: run make setup"
# Without wasm-opt on PATH wasm-pack tries to download it (impossible offline);
# binaryen before 110 breaks wasm-bindgen's externref table. env.sh puts the
# npm package binaryen's wasm-opt first.
v=$(wasm-opt --version 2>/dev/null | awk '{print $3}')
[ "${v:-0}" -ge 110 ] 2>/dev/null || die "need wasm-opt >= 110, found ${v:-none}: run make setup"

STAGE=target/pkg-staging
LOG=target/pkg-wasm-pack.log
rm -rf "$STAGE"; mkdir -p "$STAGE"; : > "$LOG"

build() { # $1 = wasm-pack target, $2 = sub-folder
  say "wasm-pack build --release --target $1 -> pkg/$2/"
  # Keep wasm-pack's report on screen and in $LOG.
  { wasm-pack build --release --target "$1" --out-dir "$STAGE/$2" --out-name top_logistics --no-pack . 2>&1; } \
    | tee -a "$LOG" >&2 || die "wasm-pack build --target $1"
  [ -f "$STAGE/$2/top_logistics_bg.wasm" ] || die "no $STAGE/$2/top_logistics_bg.wasm"
}
build nodejs node
build web web

# wasm-pack only warns when it cannot run wasm-opt; a package without it is
# twice as big, so insist on it (once per target).
n=$(grep -c 'Optimizing wasm binaries with `wasm-opt`' "$LOG" || true)
[ "$n" -ge 2 ] || die "wasm-opt did not run (see $LOG)"
! grep -qiE 'wasm-opt.*(fail|not found|error)|skipping wasm-opt' "$LOG" || die "wasm-opt reported a problem (see $LOG)"

# Only the top package.json counts; wasm-pack's extras go. pkg/node holds
# CommonJS .js files inside a "type": "module" package, so it gets the
# one-line package.json that tells Node (and TypeScript) so.
for d in node web; do
  rm -f "$STAGE/$d/package.json" "$STAGE/$d/.gitignore" "$STAGE/$d/README.md" "$STAGE/$d"/LICENSE*
done
echo '{ "type": "commonjs" }' > "$STAGE/node/package.json"

cp -R pkg-templates/. "$STAGE/"
# TypeScript wants one declaration file per module system; the text is the same.
cp "$STAGE/index.d.ts" "$STAGE/index.d.cts"

VERSION=$(awk -F'"' '/^\[/ { in_pkg = ($0 == "[package]") } in_pkg && /^version *=/ { print $2; exit }' Cargo.toml)
[ -n "$VERSION" ] || die "no version in Cargo.toml"
STAGE="$STAGE" VERSION="$VERSION" node --input-type=module -e '
  import { readFileSync, writeFileSync } from "node:fs";
  import { createRequire } from "node:module";
  const stage = process.env.STAGE;
  // version
  const pj = JSON.parse(readFileSync(`${stage}/package.json`, "utf8"));
  pj.version = process.env.VERSION;
  writeFileSync(`${stage}/package.json`, JSON.stringify(pj, null, 2) + "\n");
  // the export list of index.js: what both builds export, minus the glue
  const nodeNames = Object.keys(createRequire(import.meta.url)(`${process.cwd()}/${stage}/node/top_logistics.js`))
    .filter((n) => !n.startsWith("__")).sort();
  const webSrc = readFileSync(`${stage}/web/top_logistics.js`, "utf8");
  const webNames = [...webSrc.matchAll(/^export (?:function|class|const) ([A-Za-z_$][\w$]*)/gm)]
    .map((m) => m[1]).filter((n) => n !== "initSync").sort();
  if (JSON.stringify(nodeNames) !== JSON.stringify(webNames)) {
    console.error(`pkg: the node and web builds export different names:\n  node: ${nodeNames}\n  web:  ${webNames}`);
    process.exit(1);
  }
  if (nodeNames.length === 0 || nodeNames.includes("init")) {
    console.error(`pkg: unexpected export list: ${nodeNames}`);
    process.exit(1);
  }
  const lines = nodeNames.map((n) => `export const ${n} = wasm.${n};`).join("\n");
  const indexJs = readFileSync(`${stage}/index.js`, "utf8");
  if (!indexJs.includes("/* @wasm-exports */")) { console.error("pkg: no /* @wasm-exports */ in index.js"); process.exit(1); }
  writeFileSync(`${stage}/index.js`, indexJs.replace("/* @wasm-exports */", lines));
  console.error(`pkg: exports: ${nodeNames.join(", ")}`);
' || die "filling in the templates"

rm -rf pkg
mv "$STAGE" pkg
wasm=pkg/web/top_logistics_bg.wasm
say "pkg/ ready: top-logistics@$VERSION, $(wc -c < "$wasm") bytes of wasm ($(gzip -9c "$wasm" | wc -c) gzipped)"
