// `createSandbox(...)`: a local gateway that behaves like the platform, for
// development and tests. Node only (it writes its log with node:fs). An ES
// module without top-level await that receives the wasm functions by
// injection, so that index.cjs can `require()` it.
//
// It serves `/router/rest` (TOP) and `/router/qimen/service` (Qimen) and
//   - checks the system parameters, the app key, the timestamp (GMT+8 text or
//     epoch ms, 10 minutes of skew) and the signature (md5, hmac,
//     hmac-sha256; TOP: query and body parameters, urlencoded or
//     multipart/form-data bodies; Qimen: query and raw body);
//   - validates the payload with the same core (`parseRequest`);
//   - answers with the platform's envelopes and codes (`buildResponse`), in
//     JSON or XML as `format` asks;
//   - applies each accepted request once per idempotency key
//     (`describe(api).idempotencyKey`): a repeat is answered as a success
//     without being applied again;
//   - keeps every applied request in an append-only log (memory, and JSON
//     lines in `logFile`);
//   - injects faults, drawn BEFORE the request is applied (`lost-response`
//     alone applies, then drops the connection).
// Control endpoints: GET/POST /sandbox/faults, GET /sandbox/log,
// GET /sandbox/stats, POST /sandbox/reset.

import { closeSync, openSync, writeSync } from 'node:fs';

import { BodyTooLargeError, getPointer, isBlank, parseTimestamp, platformRequestId, readBody, redactText, resolveApi, utf8 } from './lib/common.js';
import { multipartBoundary, parseMultipart } from './lib/multipart.js';
import { checkQimen, qimenAnswer, send } from './lib/qimen.js';

/** The documented development credentials. */
export const SANDBOX_APP_KEY = '10000001';
export const SANDBOX_APP_SECRET = 'sandbox-secret';
export const SANDBOX_CUSTOMER_ID = 'sandbox-customer';

export const FAULT_KINDS = ['isp', 'limit', '5xx', 'delay', 'drop', 'lost-response'];
const DEFAULT_KINDS = ['isp', 'limit', '5xx', 'delay', 'drop'];

const TOP_SYSTEM = new Set(['method', 'app_key', 'session', 'timestamp', 'format', 'v', 'sign_method', 'sign', 'partner_id', 'simplify', 'target_app_key']);
const SIGN_METHODS = new Set(['md5', 'hmac', 'hmac-sha256']);

/** What each API answers on success (the documented response fields, filled in). */
const SUCCESS = {
  'cainiao.endpoint.locker.top.order.tracking.new': () => ({ result: { success: true, error_code: '200', error_desc: '调用成功' } }),
  'taobao.logistics.openalibity.write': () => ({
    result_success: true,
    result_code: '200',
    result_msg: 'success',
    write_response: { success: true, error_code: '200', error_msg: 'success' },
  }),
  'taobao.logistics.station.tms.async': () => ({
    station_async_response: { success: true, code: '200', message: 'SUCCESS', is_retry: false },
  }),
  'alibaba.cainiao.whc.warehouse.tradeorder.callback': () => ({ result: { success: true, res_code: '200', res_msg: 'success' } }),
  'taobao.qimen.returnpackage.report': () => ({ flag: 'success', code: '0', message: 'success' }),
};

const TOP_MESSAGES = {
  7: 'App Call Limited',
  9: 'Http Action Not Allowed',
  15: 'Remote service error',
  21: 'Missing method',
  22: 'Invalid method',
  23: 'Invalid format',
  24: 'Missing signature',
  25: 'Invalid signature',
  28: 'Missing app key',
  29: 'Invalid app key',
  30: 'Missing timestamp',
  31: 'Invalid timestamp',
  32: 'Missing version',
  33: 'Invalid version',
  34: 'Unsupported version',
  40: 'Missing required arguments',
  41: 'Invalid arguments',
};

const BAD_GATEWAY = (status) => {
  const text = status === 502 ? '502 Bad Gateway' : '503 Service Temporarily Unavailable';
  return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>sandbox</center>\r\n</body>\r\n</html>\r\n`;
};

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function seeded(seed) {
  let a = typeof seed === 'number' ? seed >>> 0 : [...String(seed)].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function faultError(message) {
  return Object.assign(new TypeError(message), { code: 'invalid_option' });
}

/** Checks and normalises a fault setting; `base` supplies what `f` leaves out. */
export function normaliseFaults(f, base) {
  if (f === null || typeof f !== 'object' || Array.isArray(f)) throw faultError('faults must be an object { rate, kinds, delayMs, banSeconds, seed }');
  const known = new Set(['rate', 'kinds', 'delayMs', 'banSeconds', 'seed']);
  for (const k of Object.keys(f)) if (!known.has(k)) throw faultError(`unknown fault setting \`${k}\` (rate, kinds, delayMs, banSeconds, seed)`);
  const out = { ...base };
  if (f.rate !== undefined) {
    const r = Number(f.rate);
    if (!Number.isFinite(r) || r < 0 || r > 1) throw faultError('faults.rate must be a number from 0 to 1');
    out.rate = r;
  }
  if (f.kinds !== undefined) {
    const kinds = typeof f.kinds === 'string' ? f.kinds.split(',').map((s) => s.trim()).filter(Boolean) : f.kinds;
    if (!Array.isArray(kinds) || kinds.length === 0) throw faultError(`faults.kinds must list some of ${FAULT_KINDS.join(', ')}`);
    for (const k of kinds) if (!FAULT_KINDS.includes(k)) throw faultError(`unknown fault kind \`${k}\` (${FAULT_KINDS.join(', ')})`);
    out.kinds = [...kinds];
  }
  if (f.delayMs !== undefined) {
    const d = Number(f.delayMs);
    if (!Number.isFinite(d) || d < 0 || d > 600_000) throw faultError('faults.delayMs must be a number from 0 to 600000');
    out.delayMs = d;
  }
  if (f.banSeconds !== undefined) {
    const b = Number(f.banSeconds);
    if (!Number.isInteger(b) || b < 0 || b > 86_400) throw faultError('faults.banSeconds must be a whole number from 0 to 86400');
    out.banSeconds = b;
  }
  if (f.seed !== undefined && f.seed !== null) {
    if (typeof f.seed !== 'number' && typeof f.seed !== 'string') throw faultError('faults.seed must be a number or a string');
    out.seed = f.seed;
  }
  return out;
}

export function makeCreateSandbox(wasm) {
  /**
   * @param {object} [options]
   * @param {string} [options.appKey='10000001']
   * @param {string} [options.appSecret='sandbox-secret']
   * @param {string} [options.customerId='sandbox-customer']
   * @param {string} [options.logFile] JSON lines, appended
   * @param {object} [options.faults] `{ rate, kinds, delayMs, banSeconds, seed }`
   * @param {number} [options.limitBytes=4194304] largest request body
   * @param {number} [options.maxSkewMs=600000]
   */
  return function createSandbox(options = {}) {
    const {
      appKey = SANDBOX_APP_KEY,
      appSecret = SANDBOX_APP_SECRET,
      customerId = SANDBOX_CUSTOMER_ID,
      logFile,
      faults: initialFaults = {},
      limitBytes = 4 * 1024 * 1024,
      maxSkewMs = 600_000,
      now = Date.now,
    } = options;
    if (typeof appKey !== 'string' || appKey.trim() === '') throw faultError('createSandbox: appKey must be a non-empty string');
    if (typeof appSecret !== 'string' || appSecret.trim() === '') throw faultError('createSandbox: appSecret must be a non-empty string');
    if (typeof customerId !== 'string' || customerId.trim() === '') throw faultError('createSandbox: customerId must be a non-empty string');

    let faults = normaliseFaults(initialFaults, { rate: 0, kinds: DEFAULT_KINDS, delayMs: 3000, banSeconds: 1, seed: undefined });
    let rng = faults.seed !== undefined ? seeded(faults.seed) : Math.random;

    const apis = wasm.apis();
    const keyPointers = new Map(apis.map((a) => [a.name, wasm.describe(a.name).idempotencyKey ?? null]));
    let entries = [];
    let applied = new Map(); // `${api}\n${key}` -> seq
    let seq = 0;
    const emptyStats = () => ({ requests: 0, accepted: 0, duplicates: 0, rejected: {}, faults: {} });
    let stats = emptyStats();
    const waiting = new Set(); // delay faults in progress: resolvers
    let closed = false;

    // Written synchronously: an entry is in the file before its request is answered.
    let logFd = logFile ? openSync(logFile, 'a') : null; // fails now, not on the first request

    const reject = (code) => {
      stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
    };

    function drawFault() {
      if (faults.rate <= 0 || faults.kinds.length === 0) return null;
      if (rng() >= faults.rate) return null;
      const kind = faults.kinds[Math.floor(rng() * faults.kinds.length)];
      const status = kind === '5xx' ? (rng() < 0.5 ? 502 : 503) : undefined;
      stats.faults[kind] = (stats.faults[kind] ?? 0) + 1;
      return { kind, status };
    }

    /** Waits the delay, or less when the client goes away; resolves to whether it is still there. */
    function delay(req, res) {
      return new Promise((resolve) => {
        const done = (stillThere) => {
          clearTimeout(timer);
          req.socket?.off?.('close', onClose);
          waiting.delete(finish);
          resolve(stillThere);
        };
        const finish = () => done(false);
        const onClose = () => done(false);
        // When the delay is over, let pending I/O (a client that gave up at
        // the same moment) be seen before deciding that it is still there.
        const timer = setTimeout(
          () => setImmediate(() => setImmediate(() => done(!(req.socket?.destroyed ?? false) && !res.destroyed))),
          faults.delayMs,
        );
        waiting.add(finish);
        req.socket?.on?.('close', onClose);
      });
    }

    const drop = (req, res) => {
      (req.socket ?? res.socket)?.destroy();
      res.destroy?.();
    };

    /** Applies an accepted request once per idempotency key; returns { duplicate, entry }. */
    function apply(api, protocol, payload, query) {
      const pointer = keyPointers.get(api);
      const keyValue = pointer ? getPointer(payload, pointer) : undefined;
      const key = keyValue === undefined || keyValue === null ? null : String(keyValue);
      if (key !== null) {
        const seen = applied.get(`${api}\n${key}`);
        if (seen !== undefined) {
          stats.duplicates += 1;
          return { duplicate: true, seq: seen };
        }
      }
      seq += 1;
      const entry = {
        seq,
        time: new Date(now()).toISOString(),
        api,
        protocol,
        idempotencyKey: key,
        requestId: platformRequestId(),
        appKey: query.app_key,
        ...(protocol === 'qimen' ? { customerId: query.customerId } : {}),
        signMethod: query.sign_method,
        format: query.format,
        payload,
      };
      entries.push(entry);
      if (key !== null) applied.set(`${api}\n${key}`, seq);
      stats.accepted += 1;
      if (logFd !== null) writeSync(logFd, `${redactText(JSON.stringify(entry), appSecret)}\n`);
      return { duplicate: false, seq, entry };
    }

    // --- TOP ------------------------------------------------------------------

    function topAnswer(res, api, value, format, { status = 200, simplify = false } = {}) {
      const name = api ?? apis.find((a) => a.protocol === 'top').name;
      let text = wasm.buildResponse(name, value, { format });
      if (format === 'json' && simplify) {
        const outer = JSON.parse(text);
        text = JSON.stringify(Object.values(outer)[0]);
      }
      if (format === 'xml') text += '<!--top-sandbox.local-->';
      send(res, status, format === 'json' ? 'application/json;charset=UTF-8' : 'text/xml;charset=UTF-8', text);
    }

    function topError(res, api, format, code, subCode, subMsg, extra = {}) {
      reject(String(code));
      const msg = TOP_MESSAGES[code] ?? 'Error';
      const error = { code, msg, request_id: platformRequestId() };
      if (subCode) error.sub_code = subCode;
      if (subMsg) error.sub_msg = subMsg;
      topAnswer(res, api, { error }, format, extra);
    }

    /** The parameters of a TOP request: query, then body (urlencoded or multipart); files left out. */
    function topParams(url, req, bytes) {
      const pairs = [...url.searchParams];
      const contentType = String(req.headers['content-type'] ?? '');
      const boundary = multipartBoundary(contentType);
      if (boundary) {
        const parts = parseMultipart(bytes, boundary);
        if (!parts) return null;
        for (const p of parts) if (p.filename === undefined) pairs.push([p.name, p.value]);
      } else if (bytes.length > 0) {
        if (/^\s*multipart\//i.test(contentType)) return null;
        for (const pair of new URLSearchParams(utf8(bytes))) pairs.push(pair);
      }
      const params = {};
      for (const [k, v] of pairs) params[k] = v; // the last one wins, as in the core's signing
      return params;
    }

    async function handleTop(req, res, url, bytes) {
      const p = topParams(url, req, bytes);
      const fmtRaw = p ? String(p.format ?? '').trim().toLowerCase() : '';
      const format = fmtRaw === 'json' ? 'json' : 'xml';
      const simplify = format === 'json' && p?.simplify === 'true';
      const top = (code, subCode, subMsg, api) => topError(res, api, format, code, subCode, subMsg, { simplify });
      if (req.method !== 'POST' && req.method !== 'GET') return top(9, null, `${req.method} is not allowed: use POST`);
      if (!p) return top(41, 'isv.invalid-parameter', 'the multipart/form-data body is not well-formed');
      if (isBlank(p.format)) return top(40, 'isv.missing-parameter', 'Missing required arguments:format');
      if (fmtRaw !== 'json' && fmtRaw !== 'xml') return top(23, null, 'format must be json or xml');
      if (isBlank(p.method)) return top(21);
      if (isBlank(p.app_key)) return top(28);
      if (p.app_key !== appKey) return top(29, null, 'no app has this app_key in the sandbox');
      const api = apis.find((a) => a.protocol === 'top' && a.name === p.method.trim())?.name;
      if (!api) return top(22, null, `unknown method ${p.method}`);
      if (isBlank(p.timestamp)) return top(30, null, null, api);
      const ts = parseTimestamp(p.timestamp);
      if (ts == null) return top(31, null, 'timestamp must be GMT+8 yyyy-MM-dd HH:mm:ss or epoch milliseconds', api);
      if (Math.abs(now() - ts) > maxSkewMs) return top(31, null, `timestamp is more than ${Math.round(maxSkewMs / 60000)} minutes from the gateway's clock`, api);
      if (isBlank(p.v)) return top(32, null, null, api);
      if (!/^\d+(\.\d+)?$/.test(p.v.trim())) return top(33, null, null, api);
      if (p.v.trim() !== '2.0') return top(34, null, null, api);
      if (isBlank(p.sign_method)) return top(40, 'isv.missing-parameter', 'Missing required arguments:sign_method', api);
      if (!SIGN_METHODS.has(p.sign_method.trim().toLowerCase())) return top(41, 'isv.invalid-parameter', 'Invalid arguments:sign_method', api);
      if (isBlank(p.sign)) return top(24, null, null, api);
      let good = false;
      try {
        good = wasm.verifySignature({ query: p, secret: appSecret });
      } catch {
        good = false;
      }
      if (!good) return top(25, null, null, api);

      const business = new URLSearchParams();
      for (const [k, v] of Object.entries(p)) if (!TOP_SYSTEM.has(k)) business.append(k, v);
      const parsed = wasm.parseRequest(api, business.toString(), { format: 'form', now: now() });
      if (!parsed.report.ok) {
        const e = parsed.report.errors[0];
        const top1 = /^\/[^/]+$/.test(e.path) ? e.path.slice(1).replace(/~1/g, '/').replace(/~0/g, '~') : null;
        if (top1 && e.code === 'required') return top(40, 'isv.missing-parameter', `Missing required arguments:${top1}`, api);
        if (top1 && (e.code === 'type' || e.code === 'json')) return top(41, 'isv.invalid-parameter', `Invalid arguments:${top1}: ${e.message}`, api);
        return top(15, 'isv.invalid-parameter', `${e.path}: ${e.message}`, api);
      }
      return { api, payload: parsed.payload, query: p, format, simplify };
    }

    // --- Qimen ----------------------------------------------------------------

    function handleQimen(req, res, url, bytes) {
      const body = utf8(bytes);
      const check = checkQimen(
        wasm,
        { rawQuery: url.search, body },
        { appSecret, maxSkewMs, now, appKey, customerId, requireAll: true },
      );
      if (!check.ok) {
        reject(check.code);
        const { text, contentType } = qimenAnswer(wasm, check.api, { flag: 'failure', code: check.code, message: check.message }, check.format);
        send(res, 200, contentType, text);
        return null;
      }
      return { api: check.api, payload: check.payload, query: check.query, format: check.format };
    }

    // --- faults that answer -----------------------------------------------------

    function answerFault(res, fault, protocol, format, api) {
      if (fault.kind === '5xx') {
        send(res, fault.status, 'text/html', BAD_GATEWAY(fault.status));
        return;
      }
      const error =
        fault.kind === 'isp'
          ? { code: 15, msg: 'Remote service error', sub_code: 'isp.remote-service-error', sub_msg: 'The remote service failed; try again later', request_id: platformRequestId() }
          : {
              code: 7,
              msg: 'App Call Limited',
              sub_code: 'accesscontrol.limited-by-app-access-count',
              sub_msg: `This ban will last for ${faults.banSeconds} more seconds`,
              request_id: platformRequestId(),
            };
      if (protocol === 'top') {
        topAnswer(res, api, { error }, format);
      } else {
        const name = api ?? apis.find((a) => a.protocol === 'qimen').name;
        const text = wasm.buildResponse(name, { error }, { format });
        send(res, 200, format === 'json' ? 'application/json;charset=utf-8' : 'text/xml;charset=utf-8', text);
      }
    }

    // --- control ----------------------------------------------------------------

    const json = (res, status, value) => send(res, status, 'application/json;charset=utf-8', `${JSON.stringify(value)}\n`);
    const publicFaults = () => ({ rate: faults.rate, kinds: [...faults.kinds], delayMs: faults.delayMs, banSeconds: faults.banSeconds, seed: faults.seed ?? null });

    function setFaults(f) {
      faults = normaliseFaults(f, faults);
      if (f.seed !== undefined && f.seed !== null) rng = seeded(f.seed);
      return publicFaults();
    }

    function reset() {
      entries = [];
      applied = new Map();
      seq = 0;
      stats = emptyStats();
    }

    async function control(req, res, path) {
      if (path === '/sandbox/faults' && req.method === 'GET') return json(res, 200, publicFaults());
      if (path === '/sandbox/faults' && req.method === 'POST') {
        let value;
        try {
          value = JSON.parse(utf8(await readBody(req, 64 * 1024)));
        } catch (e) {
          return json(res, 400, { error: e instanceof BodyTooLargeError ? e.message : 'the body is not JSON' });
        }
        try {
          return json(res, 200, setFaults(value));
        } catch (e) {
          return json(res, 400, { error: e.message });
        }
      }
      if (path === '/sandbox/log' && req.method === 'GET') return json(res, 200, entries);
      if (path === '/sandbox/stats' && req.method === 'GET') return json(res, 200, stats);
      if (path === '/sandbox/reset' && req.method === 'POST') {
        reset();
        return json(res, 200, { ok: true });
      }
      return json(res, 405, { error: `${req.method} ${path} is not a sandbox endpoint (GET/POST /sandbox/faults, GET /sandbox/log, GET /sandbox/stats, POST /sandbox/reset)` });
    }

    // --- the handler --------------------------------------------------------------

    async function handle(req, res) {
      let url;
      try {
        url = new URL(req.url ?? '/', 'http://sandbox.local');
      } catch {
        return false;
      }
      const path = url.pathname.replace(/\/+$/, '') || '/';
      if (path.startsWith('/sandbox/')) {
        await control(req, res, path);
        return true;
      }
      const protocol = path === '/router/rest' ? 'top' : path === '/router/qimen/service' ? 'qimen' : null;
      if (!protocol) return false;
      if (closed) {
        send(res, 503, 'text/html', BAD_GATEWAY(503));
        return true;
      }
      stats.requests += 1;
      try {
        await gateway(req, res, url, protocol);
      } catch {
        // A bug of the sandbox or the core: answered as the platform's own fault.
        if (!res.headersSent && !res.destroyed) {
          const error = { error: { code: 15, msg: 'Remote service error', sub_code: 'isp.unknown-error', sub_msg: 'the sandbox failed', request_id: platformRequestId() } };
          const name = apis.find((a) => a.protocol === protocol).name;
          send(res, 500, 'application/json;charset=utf-8', wasm.buildResponse(name, error, { format: 'json' }));
        } else {
          res.destroy?.();
        }
      }
      return true;
    }

    /** One request to /router/rest or /router/qimen/service. */
    async function gateway(req, res, url, protocol) {
      let bytes;
      try {
        bytes = await readBody(req, limitBytes);
      } catch (e) {
        res.setHeader('connection', 'close');
        if (protocol === 'top') topError(res, undefined, 'xml', 41, 'isv.invalid-parameter', e instanceof BodyTooLargeError ? `the body exceeds ${limitBytes} bytes` : 'the body could not be read', { status: e instanceof BodyTooLargeError ? 413 : 400 });
        else {
          reject('invalid-parameter');
          const { text, contentType } = qimenAnswer(wasm, undefined, { flag: 'failure', code: 'invalid-parameter', message: `the body exceeds ${limitBytes} bytes` }, 'xml');
          send(res, 413, contentType, text);
        }
        return;
      }

      // The fault is chosen before anything is applied.
      const fault = drawFault();
      const guessFormat = () => (String(url.searchParams.get('format') ?? '').toLowerCase() === 'json' ? 'json' : 'xml');
      if (fault && fault.kind === 'drop') {
        drop(req, res);
        return;
      }
      if (fault && (fault.kind === 'isp' || fault.kind === 'limit' || fault.kind === '5xx')) {
        let format = guessFormat();
        let api;
        if (protocol === 'top') {
          const p = topParams(url, req, bytes);
          if (p && String(p.format ?? '').toLowerCase() === 'json') format = 'json';
          api = p ? resolveApi(apis, p.method, 'top') ?? undefined : undefined;
        } else {
          api = resolveApi(apis, url.searchParams.get('method'), 'qimen') ?? undefined;
        }
        answerFault(res, fault, protocol, format, api);
        return;
      }
      if (fault && fault.kind === 'delay') {
        const stillThere = await delay(req, res);
        if (!stillThere || closed) {
          if (!res.writableEnded) drop(req, res);
          return;
        }
      }

      // lost-response: whatever the answer, it never reaches the client
      // (the request is applied first when it is valid).
      const out =
        fault?.kind === 'lost-response'
          ? { headersSent: false, writableEnded: false, destroyed: false, statusCode: 200, setHeader() {}, end: () => drop(req, res) }
          : res;
      const accepted = protocol === 'top' ? await handleTop(req, out, url, bytes) : handleQimen(req, out, url, bytes);
      if (!accepted) return;
      const { duplicate } = apply(accepted.api, protocol, accepted.payload, accepted.query);
      const data = { ...(SUCCESS[accepted.api]?.() ?? {}), request_id: platformRequestId() };
      if (duplicate && protocol === 'qimen') data.message = 'success (duplicate: already applied)';
      if (protocol === 'top') topAnswer(out, accepted.api, data, accepted.format, { simplify: accepted.simplify });
      else {
        const { text, contentType } = qimenAnswer(wasm, accepted.api, data, accepted.format);
        send(out, 200, contentType, text);
      }
    }

    return {
      handle,
      /** Every applied request, oldest first (copies). */
      log: () => entries.map((e) => structuredClone(e)),
      stats: () => structuredClone(stats),
      faults: publicFaults,
      setFaults,
      reset,
      appKey,
      customerId,
      /** Stops the delay faults in progress and closes the log file. */
      close() {
        closed = true;
        for (const finish of [...waiting]) finish();
        if (logFd !== null) {
          const fd = logFd;
          logFd = null;
          closeSync(fd);
        }
        return Promise.resolve();
      },
    };
  };
}
