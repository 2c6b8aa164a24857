// The receiving side of Qimen: `qimenHandler(...)` for the ERP/WMS that
// receives `taobao.qimen.*` requests, and the checks it shares with the
// sandbox gateway. No node built-ins (the browser entry imports this file):
// it works on any `node:http`-compatible `(req, res)` pair.

import { BodyTooLargeError, isBlank, parseTimestamp, readBody, redactText, resolveApi, utf8 } from './common.js';

export const DEFAULT_LIMIT_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_SKEW_MS = 600_000;

/** The system parameters a Qimen request must carry (the sandbox insists on all). */
export const QIMEN_SYSTEM_PARAMS = ['method', 'app_key', 'timestamp', 'sign', 'sign_method', 'v', 'format', 'customerId'];

/**
 * Checks a received Qimen request: signature, timestamp, method, payload.
 *
 * @param {object} wasm the core's functions
 * @param {{ rawQuery: string, body: string }} request the query string (with
 *   or without `?`) and the body text
 * @param {object} o `appSecret`, `maxSkewMs`, `now` (ms), optional `appKey`
 *   and `customerId` (checked when given), `requireAll` (every system
 *   parameter present)
 * @returns {{ ok: true, api: string, payload: object, format: 'xml'|'json', query: Record<string,string> }
 *         | { ok: false, code: string, message: string, format: 'xml'|'json', api?: string, query: Record<string,string> }}
 */
export function checkQimen(wasm, request, o) {
  const params = new URLSearchParams(request.rawQuery.replace(/^\?/, ''));
  const query = {};
  for (const [k, v] of params) query[k] = v; // the last value wins, as in the core
  const format = String(query.format ?? '').trim().toLowerCase() === 'json' ? 'json' : 'xml';
  const fail = (code, message) => ({ ok: false, code, message, format, query });

  if (isBlank(query.sign)) return fail('sign-check-failure', 'missing sign');
  if (o.requireAll) {
    for (const name of QIMEN_SYSTEM_PARAMS) {
      if (isBlank(query[name])) return fail('invalid-parameter', `missing system parameter: ${name}`);
    }
    if (!['xml', 'json'].includes(String(query.format).trim().toLowerCase())) {
      return fail('invalid-parameter', `format must be xml or json, got ${JSON.stringify(query.format)}`);
    }
  }
  if (o.appKey != null && query.app_key !== o.appKey) return fail('invalid-app-key', `unknown app_key ${JSON.stringify(query.app_key ?? '')}`);
  let verified = false;
  try {
    verified = wasm.verifySignature({ query: request.rawQuery, body: request.body, secret: o.appSecret });
  } catch {
    verified = false;
  }
  if (!verified) return fail('sign-check-failure', 'the signature does not match (sign over the sorted query parameters and the body)');
  if (o.customerId != null && query.customerId !== o.customerId) {
    return fail('invalid-customer-id', `unknown customerId ${JSON.stringify(query.customerId ?? '')}`);
  }
  const ts = parseTimestamp(query.timestamp);
  if (ts == null) return fail('invalid-timestamp', 'timestamp must be GMT+8 yyyy-MM-dd HH:mm:ss or epoch milliseconds');
  const now = o.now();
  if (Math.abs(now - ts) > o.maxSkewMs) {
    return fail('invalid-timestamp', `timestamp ${query.timestamp} is more than ${Math.round(o.maxSkewMs / 1000)} s from the receiver's clock`);
  }
  const api = resolveApi(wasm.apis(), query.method, 'qimen');
  if (!api) return fail('invalid-method', `unknown method ${JSON.stringify(query.method ?? '')}`);
  const bodyFormat = ['xml', 'json'].includes(String(query.format ?? '').trim().toLowerCase()) ? format : undefined;
  const parsed = wasm.parseRequest(api, request.body, { format: bodyFormat, now });
  if (!parsed.report.ok) {
    const first = parsed.report.errors[0];
    const where = first.path === '' ? '(body)' : first.path;
    return { ...fail('invalid-parameter', `${where}: ${first.message}`), api, issue: first };
  }
  return { ok: true, api, payload: parsed.payload, format, query };
}

/** The Qimen `<response>` (or JSON) for `value` ({ flag, code, message }). */
export function qimenAnswer(wasm, api, value, format) {
  const name = api ?? wasm.apis().find((a) => a.protocol === 'qimen')?.name;
  const text = wasm.buildResponse(name, value, { format });
  return { text, contentType: format === 'json' ? 'application/json;charset=utf-8' : 'text/xml;charset=utf-8' };
}

/** Writes a complete answer unless one was written already. */
export function send(res, status, contentType, text) {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const bytes = new TextEncoder().encode(text);
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', String(bytes.length));
  res.end(bytes);
}

export function makeQimenHandler(wasm) {
  /**
   * A `(req, res)` handler for an ERP/WMS that receives Qimen requests.
   *
   * @param {object} options
   * @param {string} options.appSecret the secret the requests are signed with
   * @param {(api: string, payload: object, info: object) => unknown} options.onRequest
   *   called (and awaited) only for a valid request; may return
   *   `{ flag, code, message }` to answer a business failure
   * @param {number} [options.maxSkewMs=600000]
   * @param {number} [options.limitBytes=4194304]
   */
  return function qimenHandler(options = {}) {
    const {
      appSecret,
      onRequest,
      maxSkewMs = DEFAULT_MAX_SKEW_MS,
      limitBytes = DEFAULT_LIMIT_BYTES,
      appKey,
      customerId,
      onError,
      now = Date.now,
    } = options;
    if (typeof appSecret !== 'string' || appSecret.trim() === '') {
      throw Object.assign(new TypeError('qimenHandler: appSecret is required (a string)'), { code: 'invalid_option' });
    }
    if (typeof onRequest !== 'function') {
      throw Object.assign(new TypeError('qimenHandler: onRequest must be a function'), { code: 'invalid_option' });
    }
    const answer = (res, status, api, value, format) => {
      const { text, contentType } = qimenAnswer(wasm, api, value, format);
      send(res, status, contentType, text);
    };

    const internal = (res, api, format, e) => {
      report(e);
      answer(res, 200, api, { flag: 'failure', code: 'internal-error', message: 'internal error' }, format);
    };
    const report = (e) => {
      if (typeof onError === 'function') {
        try {
          onError(e);
        } catch {
          // the handler still answers
        }
      } else {
        // The message only (never the stack), redacted.
        console.error(`qimenHandler: ${redactText(String(e?.message ?? e), appSecret)}`);
      }
    };

    /** Never rejects: whatever goes wrong is answered (`internal-error`). */
    return async function handle(req, res) {
      try {
        await handleOne(req, res);
      } catch (e) {
        try {
          internal(res, undefined, 'xml', e);
        } catch {
          res.destroy?.();
        }
      }
    };

    async function handleOne(req, res) {
      const url = typeof req.url === 'string' ? req.url : '';
      const q = url.indexOf('?');
      const rawQuery = q < 0 ? '' : url.slice(q + 1);
      const format = /(?:^|&)format=json(?:&|$)/i.test(rawQuery) ? 'json' : 'xml';
      let body;
      try {
        body = utf8(await readBody(req, limitBytes));
      } catch (e) {
        const tooLarge = e instanceof BodyTooLargeError;
        if (tooLarge) res.setHeader?.('connection', 'close');
        answer(res, tooLarge ? 413 : 400, undefined, {
          flag: 'failure',
          code: 'invalid-parameter',
          message: tooLarge ? `the body exceeds ${limitBytes} bytes` : 'the body could not be read',
        }, format);
        return;
      }
      const check = checkQimen(wasm, { rawQuery, body }, { appSecret, maxSkewMs, now, appKey, customerId });
      if (!check.ok) {
        answer(res, 200, check.api, { flag: 'failure', code: check.code, message: check.message }, check.format);
        return;
      }
      let result;
      try {
        result = await onRequest(check.api, check.payload, {
          query: Object.fromEntries(Object.entries(check.query).filter(([k]) => k !== 'sign')),
          customerId: check.query.customerId,
          appKey: check.query.app_key,
        });
      } catch (e) {
        internal(res, check.api, check.format, e);
        return;
      }
      const r = result !== null && typeof result === 'object' ? result : {};
      const flag = r.flag === 'failure' ? 'failure' : 'success';
      const value = {
        flag,
        code: r.code != null ? String(r.code) : flag === 'success' ? '0' : 'failure',
        message: r.message != null ? redactText(String(r.message), appSecret) : flag,
      };
      answer(res, 200, check.api, value, check.format);
    }
  };
}
