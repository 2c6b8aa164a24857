'use strict';
// CommonJS entry for Node: `require('top-logistics')` loads the wasm-bindgen
// Node build synchronously and re-exports its functions (not the `__wbg_*`
// glue that wasm-bindgen also puts on its module.exports).
const wasm = require('./node/top_logistics.js');

for (const name of Object.keys(wasm)) {
  if (!name.startsWith('__')) exports[name] = wasm[name];
}

// An ES module without top-level await: require() loads it (Node >= 20.19).
exports.schema = require('./standard-schema.js').makeSchema(wasm.validate);

exports.TopClient = require('./client.js').makeTopClient(wasm);
exports.qimenHandler = require('./lib/qimen.js').makeQimenHandler(wasm);
exports.createSandbox = require('./sandbox.js').makeCreateSandbox(wasm);

const ready = Promise.resolve();
/** Resolves once the WebAssembly module is loaded; here it always is. */
exports.init = function init() {
  return ready;
};
