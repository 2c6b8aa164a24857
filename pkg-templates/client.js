// `TopClient`: makes the real HTTP calls, for Node and browsers alike (global
// `fetch`, `AbortController`, `setTimeout`; no node built-ins). An ES module
// without top-level await that receives the wasm functions by injection, so
// that both index.js and index.cjs (through `require()`) can load it.
//
// One call:
//   1. the payload is copied (the caller's object is never changed); when the
//      API has an idempotency key (`describe(api).idempotencyKey`, a JSON
//      Pointer) and the payload leaves it empty, it is filled ONCE, with
//      `options.idempotencyKey` or a fresh random id, before anything else;
//   2. `buildRequest` validates, serialises and signs: an invalid payload
//      throws its `invalid_payload` error here, before anything is sent;
//   3. each attempt has its own timeout (AbortController) and a fresh
//      timestamp and signature (for clock skew); the business body is the
//      very same bytes on every attempt (checked);
//   4. retried: network errors, timeouts, HTTP 5xx, bodies that cannot be
//      read, and answers whose `error.retryable` is true; with exponential
//      back-off and full jitter, waiting at least `retryAfterMs` (code 7);
//   5. the result is `parseResponse`'s, plus `attempts`, `httpStatus` and
//      `idempotencyKey`; a failure is returned, not thrown.

import { getPointer, isBlank, randomId, redactDeep, redactText, setPointer, sleep } from './lib/common.js';

const PATHS = { top: '/router/rest', qimen: '/router/qimen/service' };

/** Malformed-body kinds that mean "the answer was lost on the way": worth another attempt. */
const UNREADABLE = new Set(['empty', 'truncated', 'syntax', 'not_json_or_xml']);

function optionError(message) {
  const e = new TypeError(message);
  e.code = 'invalid_option';
  return e;
}

/** The gateway URL for a protocol: a string (a bare origin gets the protocol's path) or `{ top, qimen }`. */
export function gatewayFor(gateway, protocol) {
  if (gateway == null) return undefined;
  if (typeof gateway === 'object') {
    const g = gateway[protocol];
    return g == null ? undefined : gatewayFor(String(g), protocol);
  }
  let url;
  try {
    url = new URL(String(gateway));
  } catch {
    throw optionError(`gateway \`${gateway}\` is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw optionError(`gateway \`${gateway}\` is not an http(s) URL`);
  if (url.pathname === '/' || url.pathname === '') {
    url.pathname = PATHS[protocol];
    return url.toString();
  }
  return String(gateway);
}

/** A failure that no gateway answer describes (network, timeout, HTTP status), shaped like `parseResponse`'s. */
function failure(code, msg, { subCode = null, retryable = true, hint, hintZh }) {
  return {
    ok: false,
    error: { code, msg, subCode, subMsg: null, requestId: null, retryable, retryAfterMs: null, hint, hintZh },
  };
}

const HINTS = {
  timeout: [
    'No answer within timeoutMs: the call may or may not have taken effect. Retried with the same idempotency key; raise timeoutMs if the gateway is slow.',
    '在 timeoutMs 内没有应答:调用可能已生效也可能未生效。已用相同的幂等键重试;网关较慢时请调大 timeoutMs。',
  ],
  network: [
    'The connection failed or was cut: the call may or may not have taken effect. Retried with the same idempotency key; check the gateway URL and the network.',
    '连接失败或中断:调用可能已生效也可能未生效。已用相同的幂等键重试;请检查网关地址和网络。',
  ],
  http: [
    'The gateway (or a proxy in front of it) answered with an HTTP server error: retry later with a growing back-off, keeping the idempotency key.',
    '网关(或其前面的代理)返回了 HTTP 服务器错误:稍后按递增间隔重试,保持幂等键不变。',
  ],
  tooLarge: [
    'The answer is larger than maxResponseBytes: check the gateway URL.',
    '应答超过 maxResponseBytes:请检查网关地址。',
  ],
};

/** Reads a fetch Response body as text, at most `max` bytes. */
async function readText(response, max) {
  if (!response.body || typeof response.body.getReader !== 'function') {
    const text = await response.text();
    if (text.length > max) return { tooLarge: true };
    return { text };
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  let total = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel().catch(() => {});
      return { tooLarge: true };
    }
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode() };
}

export function makeTopClient(wasm) {
  const descriptions = new Map();
  const describe = (api) => {
    let d = descriptions.get(api);
    if (!d) {
      d = wasm.describe(api); // throws `unknown_api`
      descriptions.set(api, d);
    }
    return d;
  };

  /**
   * A client for the TOP (`router/rest`) and Qimen gateways.
   *
   * The app secret lives in a private field: it is not enumerable, not in
   * `JSON.stringify(client)` nor in `console.log(client)`, and it is redacted
   * from every message this client returns or throws.
   */
  class TopClient {
    #secret;
    #opts;

    /**
     * @param {object} options
     * @param {string} options.appKey
     * @param {string} options.appSecret
     * @param {string | {top?: string, qimen?: string}} [options.gateway] the full URL
     *   (`.../router/rest` or `.../router/qimen/service`), a bare origin (the
     *   protocol's path is added), or one URL per protocol
     * @param {'md5'|'hmac'|'hmac-sha256'} [options.signMethod]
     * @param {number} [options.timeoutMs=10000] per attempt
     * @param {number} [options.retries=2] attempts after the first
     * @param {string} [options.customerId] Qimen's customerId
     */
    constructor(options = {}) {
      const {
        appKey,
        appSecret,
        gateway,
        signMethod,
        format,
        timeoutMs = 10_000,
        retries = 2,
        customerId,
        session,
        backoffMs = 200,
        maxBackoffMs = 10_000,
        maxRetryAfterMs = 60_000,
        maxResponseBytes = 10 * 1024 * 1024,
        fetch: fetchImpl,
        random = Math.random,
        onRetry,
      } = options;
      if (typeof appKey !== 'string' || appKey.trim() === '') throw optionError('appKey is required (a string)');
      // Checked here: a secret of another type would be quoted by the core's
      // type error.
      if (typeof appSecret !== 'string' || appSecret.trim() === '') throw optionError('appSecret is required (a string)');
      for (const [name, v] of Object.entries({ timeoutMs, retries, backoffMs, maxBackoffMs, maxRetryAfterMs, maxResponseBytes })) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw optionError(`${name} must be a number >= 0`);
      }
      const f = fetchImpl ?? globalThis.fetch;
      if (typeof f !== 'function') throw optionError('no fetch: pass options.fetch');
      this.#secret = appSecret;
      this.#opts = {
        gateway,
        signMethod,
        format,
        timeoutMs,
        retries: Math.floor(retries),
        customerId,
        session,
        backoffMs,
        maxBackoffMs,
        maxRetryAfterMs,
        maxResponseBytes,
        fetch: f,
        random,
        onRetry,
      };
      Object.defineProperty(this, 'appKey', { value: appKey, enumerable: true });
      gatewayFor(gateway, 'top'); // throws early on a bad URL
    }

    /** What `console.log(client)` shows: never the secret. */
    [Symbol.for('nodejs.util.inspect.custom')]() {
      return `TopClient { appKey: ${JSON.stringify(this.appKey)} }`;
    }

    toJSON() {
      return { appKey: this.appKey };
    }

    /**
     * Calls `api` with `payload`.
     * @returns {Promise<object>} `parseResponse`'s result plus `attempts`,
     *   `httpStatus` and `idempotencyKey`; with `dryRun`, the signed request.
     */
    async call(api, payload, options = {}) {
      const secret = this.#secret;
      try {
        return await this.#call(api, payload, options ?? {});
      } catch (e) {
        throw redactDeep(e, secret);
      }
    }

    async #call(api, payload, options) {
      const o = this.#opts;
      const desc = describe(api);
      const protocol = desc.protocol;

      // 1. The payload, copied once; the idempotency key filled once. JSON
      //    text is sent as given unless the key has to be filled in.
      let body = payload;
      let parsed = payload;
      if (typeof payload === 'string') {
        try {
          parsed = JSON.parse(payload);
        } catch {
          parsed = undefined; // buildRequest says why
        }
      } else if (payload !== null && typeof payload === 'object') {
        body = structuredClone(payload);
        parsed = body;
      }
      let idempotencyKey;
      const pointer = desc.idempotencyKey;
      if (pointer && parsed !== null && typeof parsed === 'object') {
        const current = getPointer(parsed, pointer);
        if (isBlank(current)) {
          const key = String(options.idempotencyKey ?? randomId());
          const target = typeof payload === 'string' ? parsed : body;
          if (setPointer(target, pointer, key)) {
            idempotencyKey = key;
            body = target;
          }
        } else {
          if (options.idempotencyKey != null && String(options.idempotencyKey) !== String(current)) {
            throw optionError(`options.idempotencyKey differs from the payload's ${pointer}`);
          }
          idempotencyKey = typeof current === 'string' ? current : String(current);
        }
      }
      if (typeof body === 'object' && body !== null) Object.freeze(body);

      // 2. Built (validated, serialised, signed) before anything is sent.
      const timeoutMs = options.timeoutMs ?? o.timeoutMs;
      const retries = Math.floor(options.retries ?? o.retries);
      const fixedTimestamp = options.timestamp;
      const buildOptions = (validate) => {
        const b = {
          appKey: this.appKey,
          appSecret: this.#secret,
          timestamp: fixedTimestamp ?? Date.now(),
          validate,
        };
        const signMethod = options.signMethod ?? o.signMethod;
        if (signMethod != null) b.signMethod = signMethod;
        const format = options.format ?? o.format;
        if (format != null) b.format = format;
        const gateway = gatewayFor(options.gateway ?? o.gateway, protocol);
        if (gateway != null) b.gateway = gateway;
        const session = options.session ?? o.session;
        if (session != null) b.session = session;
        const customerId = options.customerId ?? o.customerId;
        if (customerId != null) b.customerId = customerId;
        for (const k of ['partnerId', 'targetAppKey', 'simplify', 'v']) if (options[k] != null) b[k] = options[k];
        return b;
      };
      const first = wasm.buildRequest(api, body, buildOptions(options.validate ?? true));
      if (options.dryRun) return { ...first, idempotencyKey };

      const signal = options.signal;
      let last;
      let attempts = 0;
      for (;;) {
        if (signal?.aborted) throw signal.reason ?? new Error('aborted');
        attempts += 1;
        // A fresh timestamp and signature per attempt; the same business body.
        const request = attempts === 1 ? first : wasm.buildRequest(api, body, buildOptions(false));
        if (request.body !== first.body) {
          throw Object.assign(new Error('internal: the request body changed between attempts'), { code: 'internal' });
        }
        const outcome = await this.#attempt(api, request, timeoutMs, signal);
        last = { ...outcome, attempts, idempotencyKey };
        if (last.ok || !last.error?.retryable || attempts > retries) return redactDeep(last, this.#secret);
        // Back-off: full jitter over an exponential ceiling, at least retryAfterMs.
        const ceiling = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** (attempts - 1));
        let delayMs = Math.floor(o.random() * ceiling);
        const after = last.error.retryAfterMs;
        if (after != null) {
          if (after > o.maxRetryAfterMs) return redactDeep(last, this.#secret);
          delayMs = Math.max(delayMs, after);
        }
        if (typeof o.onRetry === 'function') {
          o.onRetry(redactDeep({ api, attempt: attempts, delayMs, error: { ...last.error }, httpStatus: last.httpStatus, idempotencyKey }, this.#secret));
        }
        await sleep(delayMs, signal);
      }
    }

    /** One HTTP exchange: never throws for network trouble, only for the caller's abort. */
    async #attempt(api, request, timeoutMs, signal) {
      const o = this.#opts;
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const onAbort = () => controller.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      let status;
      let read;
      try {
        const response = await o.fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: controller.signal,
        });
        status = response.status;
        read = await readText(response, o.maxResponseBytes);
      } catch (e) {
        if (signal?.aborted) throw signal.reason ?? e;
        if (timedOut) {
          const [hint, hintZh] = HINTS.timeout;
          return failure('timeout', `no answer within ${timeoutMs} ms`, { hint, hintZh });
        }
        const [hint, hintZh] = HINTS.network;
        const cause = e?.cause?.code ?? e?.code;
        const msg = redactText(`${e?.message ?? e}${e?.cause?.message ? `: ${e.cause.message}` : ''}`, this.#secret);
        return failure('network_error', msg, { subCode: cause ?? null, hint, hintZh });
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
      if (read.tooLarge) {
        const [hint, hintZh] = HINTS.tooLarge;
        return { ...failure('response_too_large', `the answer exceeds ${o.maxResponseBytes} bytes`, { retryable: false, hint, hintZh }), httpStatus: status };
      }
      const parsed = wasm.parseResponse(api, read.text, { format: request.query.format === 'xml' ? 'xml' : 'json' });
      parsed.httpStatus = status;
      if (status >= 500) {
        if (parsed.ok || parsed.error?.code === 'malformed_response') {
          const [hint, hintZh] = HINTS.http;
          return { ...failure('http_error', `HTTP ${status}`, { subCode: String(status), hint, hintZh }), httpStatus: status };
        }
        parsed.error.retryable = true;
        return parsed;
      }
      if (!parsed.ok && parsed.error?.code === 'malformed_response' && UNREADABLE.has(parsed.error.subCode)) {
        parsed.error.retryable = true;
      }
      return parsed;
    }
  }

  return TopClient;
}

