// index.d.cts is the same file for `require` (TypeScript needs one per module system).
// The declarations wasm-bindgen generates from src/wasm.rs, with the types the
// core derives with tsify and the `Payloads` map build.rs writes from the API
// specs. The Node build's file is the one without wasm-bindgen's loader
// (`initSync`, `default`), which this package does not expose. The functions
// that take a payload are declared again here only to tie the payload type
// to the API named (a generic wasm-bindgen cannot express).
import type { ApiName, Payloads, Report, Limits, BuildOptions, BuiltRequest } from './node/top_logistics.js';
export * from './node/top_logistics.js';

/** Resolves once the WebAssembly module is loaded (it is, after `import`); a no-op after the first call. */
export declare function init(): Promise<void>;

/** Every problem of a payload (an object or JSON text) at once. */
export declare function validate<A extends ApiName>(
  api: A,
  payload: Payloads[A] | string,
  options?: { now?: number; limits?: Partial<Limits> },
): Report;

/** Validates, serialises and signs a call; throws an `Error` with `code` (and `report`). */
export declare function buildRequest<A extends ApiName>(api: A, payload: Payloads[A] | string, options: BuildOptions): BuiltRequest;

/** A Standard Schema v1 object (https://standardschema.dev) of the API's rules. */
export declare function schema<A extends ApiName>(
  api: A,
  options?: { lang?: 'en' | 'zh' },
): {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: 'top-logistics';
    validate(value: unknown): { value: Payloads[A] } | { issues: ReadonlyArray<{ message: string; path: ReadonlyArray<string | number> }> };
  };
};
