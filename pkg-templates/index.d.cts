// The declarations wasm-bindgen generates from src/wasm.rs (and the tsify
// types of the core). The Node build's file is the one without wasm-bindgen's
// loader (`initSync`, `default`), which this package does not expose.
export * from './node/top_logistics.js';

/** Resolves once the WebAssembly module is loaded (it is, after `import`); a no-op after the first call. */
export declare function init(): Promise<void>;
