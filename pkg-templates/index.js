// The one ES module entry, for Node and browsers alike. Under Node it loads
// the wasm-bindgen Node build (the very instance `require('top-logistics')`
// gives, so ESM and CommonJS code share it); in a browser it instantiates the
// web build from the `.wasm` file next to this one. Top-level await makes
// every export usable synchronously once `import` has resolved.

let wasm;
if (typeof process !== 'undefined' && process.versions != null && process.versions.node != null) {
  const { createRequire } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:module');
  wasm = createRequire(import.meta.url)('./node/top_logistics.js');
} else {
  const web = await import('./web/top_logistics.js');
  await web.default({ module_or_path: new URL('./web/top_logistics_bg.wasm', import.meta.url) });
  wasm = web;
}

import { makeSchema } from './standard-schema.js';
import { makeTopClient } from './client.js';
import { makeQimenHandler } from './lib/qimen.js';

const ready = Promise.resolve();
/** Resolves once the WebAssembly module is loaded (it is, after `import`); a no-op after the first call. */
export function init() {
  return ready;
}

// The exports of src/wasm.rs, one line each, written here by scripts/pkg.sh
// from the wasm-bindgen output (do not list them by hand).
/* @wasm-exports */

/** The API's rules as a Standard Schema v1 object. */
export const schema = makeSchema(wasm.validate);

/** Calls the TOP and Qimen gateways: timeouts, retries with back-off, idempotency keys. */
export const TopClient = makeTopClient(wasm);
/** A `node:http`-compatible handler for an ERP/WMS that receives Qimen requests. */
export const qimenHandler = makeQimenHandler(wasm);
/** A local gateway that behaves like the platform, for development and tests (Node only). */
export const createSandbox =
  typeof process !== 'undefined' && process.versions != null && process.versions.node != null
    ? (await import(/* webpackIgnore: true */ /* @vite-ignore */ './sandbox.js')).makeCreateSandbox(wasm)
    : function createSandbox() {
        throw new Error('createSandbox needs Node (it uses node:fs); run the sandbox with `npx top-logistics sandbox`');
      };
