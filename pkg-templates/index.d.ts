// The declarations wasm-bindgen generates from src/wasm.rs, with the types the
// core derives with tsify and the `Payloads` map build.rs writes from the API
// specs. The Node build's file is the one without wasm-bindgen's loader
// (`initSync`, `default`), which this package does not expose. The functions
// that take a payload are declared again here only to tie the payload type
// to the API named (a generic wasm-bindgen cannot express).
import type { ApiName, Payloads, Report, Limits, BuildOptions, BuiltRequest, ResponseError, WireFormat } from './node/top_logistics.js';
export * from './node/top_logistics.js';

/** Resolves once the WebAssembly module is loaded (it is, after `import`); a no-op after the first call. */
export declare function init(): Promise<void>;

/** A complete, valid payload built from each field's example (epoch milliseconds set to `now`). */
export declare function sample<A extends ApiName>(api: A, options?: { now?: number }): Payloads[A];

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

// --- TopClient, qimenHandler, createSandbox (client.js, lib/qimen.js, sandbox.js) ---

/** An `AbortSignal` (structurally, so that no DOM or Node typings are needed). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Why a call failed: `parseResponse`'s error, or `timeout`, `network_error`, `http_error`, `response_too_large`. */
export type CallError = ResponseError;

export interface RetryInfo {
  api: ApiName;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  error: CallError;
  httpStatus?: number;
  idempotencyKey?: string;
}

export interface TopClientOptions {
  appKey: string;
  /** Kept in a private field; never returned, thrown or logged. */
  appSecret: string;
  /**
   * The full URL (`.../router/rest` or `.../router/qimen/service`), a bare
   * origin (`http://127.0.0.1:8787`, the API's path is added), or one URL per
   * protocol. Default: the platform's production gateways.
   */
  gateway?: string | { top?: string; qimen?: string };
  signMethod?: 'md5' | 'hmac' | 'hmac-sha256';
  format?: WireFormat;
  /** Per attempt (default 10000). */
  timeoutMs?: number;
  /** Attempts after the first (default 2). */
  retries?: number;
  /** Qimen's `customerId`. */
  customerId?: string;
  session?: string;
  /** Base of the exponential back-off (default 200 ms; full jitter). */
  backoffMs?: number;
  /** Ceiling of one back-off (default 10000 ms). */
  maxBackoffMs?: number;
  /** A longer `retryAfterMs` (code 7) ends the retries (default 60000 ms). */
  maxRetryAfterMs?: number;
  /** Largest answer read (default 10 MiB). */
  maxResponseBytes?: number;
  /** Default the global `fetch`. */
  fetch?: (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignalLike }) => Promise<unknown>;
  /** Default `Math.random` (the jitter). */
  random?: () => number;
  /** Called before each wait between attempts. */
  onRetry?: (info: RetryInfo) => void;
}

/** Per call; the client's own settings (`gateway` ... `session`) can be overridden here. */
export interface CallOptions
  extends Pick<TopClientOptions, 'gateway' | 'signMethod' | 'format' | 'timeoutMs' | 'retries' | 'customerId' | 'session'> {
  /** Return the signed request instead of sending it. */
  dryRun?: boolean;
  /**
   * Used when the payload leaves the API's idempotency key empty (it is
   * filled once, before the first attempt; default a random 32-hex-digit id).
   */
  idempotencyKey?: string;
  /** Fixed for every attempt (default: now, fresh on each attempt). */
  timestamp?: number | string | Date;
  signal?: AbortSignalLike;
  partnerId?: string;
  targetAppKey?: string;
  simplify?: boolean;
  v?: string;
  /** `false` skips validation. */
  validate?: boolean;
}

/** `parseResponse`'s result, and how it was obtained. */
export interface CallResult {
  ok: boolean;
  data?: Record<string, unknown>;
  requestId?: string;
  error?: CallError;
  /** How many HTTP attempts were made. */
  attempts: number;
  /** The last attempt's HTTP status (none after a network error or timeout). */
  httpStatus?: number;
  /** The idempotency key sent (APIs that have one). */
  idempotencyKey?: string;
}

/** What `dryRun` returns: the signed request, not sent. */
export interface DryRunRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: string;
  sign: string;
  idempotencyKey?: string;
}

/** Calls the TOP and Qimen gateways: timeouts, retries with back-off and jitter, idempotency keys. */
export declare class TopClient {
  constructor(options: TopClientOptions);
  readonly appKey: string;
  /** Throws (before sending anything) when the payload is invalid: `code: 'invalid_payload'` with `report`. */
  call<A extends ApiName>(api: A, payload: Payloads[A] | string, options: CallOptions & { dryRun: true }): Promise<DryRunRequest>;
  call<A extends ApiName>(api: A, payload: Payloads[A] | string, options?: CallOptions): Promise<CallResult>;
  toJSON(): { appKey: string };
}

/** The parts of a `node:http` request the handlers read. */
export interface IncomingRequestLike extends AsyncIterable<Uint8Array | string> {
  url?: string;
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  /** A body already read by a framework, used as it is. */
  body?: unknown;
}

/** The parts of a `node:http` response the handlers write. */
export interface ServerResponseLike {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  end(chunk?: unknown): unknown;
  destroy?(error?: unknown): unknown;
}

/** What `onRequest` may answer: a business failure, or the success's code and message. */
export interface QimenAnswer {
  flag?: 'success' | 'failure';
  code?: string;
  message?: string;
}

export interface QimenHandlerOptions {
  appSecret: string;
  /** Called (and awaited) only for a valid, signed, fresh request. Throwing answers `internal-error`. */
  onRequest: (
    api: ApiName,
    payload: Record<string, unknown>,
    info: { query: Record<string, string>; customerId?: string; appKey?: string },
  ) => QimenAnswer | void | Promise<QimenAnswer | void>;
  /** Largest clock difference accepted (default 600000 ms). */
  maxSkewMs?: number;
  /** Largest body (default 4 MiB; larger: HTTP 413). */
  limitBytes?: number;
  /** When given, requests for another app key answer `invalid-app-key`. */
  appKey?: string;
  /** When given, requests for another customerId answer `invalid-customer-id`. */
  customerId?: string;
  /** Gets what `onRequest` threw (default: its message on console.error). */
  onError?: (error: unknown) => void;
  now?: () => number;
}

/**
 * A `(req, res)` handler for an ERP/WMS receiving Qimen requests: answers
 * `sign-check-failure`, `invalid-timestamp`, `invalid-method`,
 * `invalid-parameter` (naming the field) or `internal-error`, else calls
 * `onRequest` and answers success.
 */
export declare function qimenHandler(options: QimenHandlerOptions): (req: IncomingRequestLike, res: ServerResponseLike) => Promise<void>;

export type SandboxFaultKind = 'isp' | 'limit' | '5xx' | 'delay' | 'drop' | 'lost-response';

export interface SandboxFaults {
  /** Share of gateway requests that fail, 0 to 1. */
  rate?: number;
  kinds?: SandboxFaultKind[] | string;
  /** The delay fault's length (default 3000 ms). */
  delayMs?: number;
  /** The ban the limit fault states (default 1 s). */
  banSeconds?: number;
  /** Seeds the fault draws (reproducible). */
  seed?: number | string;
}

export interface SandboxLogEntry {
  seq: number;
  time: string;
  api: ApiName;
  protocol: 'top' | 'qimen';
  idempotencyKey: string | null;
  requestId: string;
  appKey: string;
  customerId?: string;
  signMethod: string;
  format: string;
  payload: Record<string, unknown>;
}

export interface SandboxStats {
  requests: number;
  accepted: number;
  duplicates: number;
  rejected: Record<string, number>;
  faults: Record<string, number>;
}

export interface SandboxOptions {
  /** Default `10000001`. */
  appKey?: string;
  /** Default `sandbox-secret`. */
  appSecret?: string;
  /** Default `sandbox-customer`. */
  customerId?: string;
  /** Appends every applied request as a JSON line. */
  logFile?: string;
  faults?: SandboxFaults;
  /** Largest request body (default 4 MiB). */
  limitBytes?: number;
  /** Default 600000 ms. */
  maxSkewMs?: number;
  now?: () => number;
}

export interface Sandbox {
  /** Handles the sandbox's own paths; `false` for any other path. */
  handle(req: IncomingRequestLike, res: ServerResponseLike): Promise<boolean>;
  /** Every applied request, oldest first. */
  log(): SandboxLogEntry[];
  stats(): SandboxStats;
  faults(): Required<Omit<SandboxFaults, 'seed' | 'kinds'>> & { kinds: SandboxFaultKind[]; seed: number | string | null };
  setFaults(faults: SandboxFaults): Required<Omit<SandboxFaults, 'seed' | 'kinds'>> & { kinds: SandboxFaultKind[]; seed: number | string | null };
  /** Forgets the log (the file is left as it is), the idempotency keys and the counts. */
  reset(): void;
  readonly appKey: string;
  readonly customerId: string;
  /** Ends the delays in progress and closes the log file. */
  close(): Promise<void>;
}

/** A local gateway that behaves like the platform (Node only; in a browser it throws). */
export declare function createSandbox(options?: SandboxOptions): Sandbox;
