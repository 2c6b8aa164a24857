// The pure-JavaScript baseline: what a user would write instead of this
// package, doing the same job. Ajv (JSON Schema draft 2020-12) compiled from
// the package's own jsonSchema(api); JSON.stringify, node:crypto and
// URLSearchParams to serialise and sign (TOP: form body; Qimen: a small XML
// string builder with escaping); JSON.parse plus hand-written checks to read
// responses. Each function returns the same shape as the package's export,
// and bench.mjs checks that it reproduces the fixture's expected requests
// before timing anything.

import { createHash, createHmac } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020.js';

export const TOP_GATEWAY = 'https://eco.taobao.com/router/rest';
export const QIMEN_GATEWAY = 'https://qimen.api.taobao.com/router/qimen/service';

/**
 * jsonSchema(api) with every `description: null` removed. The package's
 * schema for list fields currently carries `"description": null` inside the
 * `anyOf` branches (src/describe.rs `field_schema` uses `take()`, which
 * leaves a null behind), which Ajv rejects as an invalid schema for the two
 * APIs with lists. Descriptions are annotations, so dropping the nulls
 * changes nothing that is validated.
 */
export function cleanSchema(schema) {
  let removed = 0;
  const walk = (v) => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'description' && x === null) {
        removed += 1;
        continue;
      }
      out[k] = walk(x);
    }
    return out;
  };
  const cleaned = walk(schema);
  return { schema: cleaned, removed };
}

/** Ajv 2020 with its default (strict) options and allErrors: the package reports every problem at once too. */
export function compileAjv(schema) {
  const ajv = new Ajv2020({ allErrors: true });
  return ajv.compile(schema);
}

/** `yyyy-MM-dd HH:mm:ss` in GMT+8 from epoch milliseconds. */
export function gmt8(ms) {
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

// Java's StringUtils.isEmpty as the SDK uses it: empty or only white space.
const blank = (s) => s.trim() === '';

function digest(method, secret, parts) {
  let h;
  if (method === 'md5') {
    h = createHash('md5');
    h.update(secret);
    for (const p of parts) h.update(p);
    h.update(secret);
  } else {
    h = createHmac(method === 'hmac' ? 'md5' : 'sha256', secret);
    for (const p of parts) h.update(p);
  }
  return h.digest('hex').toUpperCase();
}

/** Sorted name+value concatenation (sign excluded, blanks dropped), then the body. */
function signParams(params, secret, method, body) {
  const parts = [];
  for (const k of Object.keys(params).sort()) {
    const v = params[k];
    if (k === 'sign' || blank(k) || blank(v)) continue;
    parts.push(k, v);
  }
  if (body !== undefined) parts.push(body);
  return digest(method, secret, parts);
}

function sortedQuery(params) {
  const q = new URLSearchParams();
  for (const k of Object.keys(params).sort()) q.append(k, params[k]);
  return q.toString();
}

function invalid(api, errors) {
  const e = new Error(`${api}: the payload has ${errors.length} error(s)`);
  e.code = 'invalid_payload';
  e.errors = errors;
  return e;
}

/** TOP router/rest: validate, business params as form fields (objects as JSON), sign. */
export function buildTop(api, validateFn, payload, opts) {
  if (!validateFn(payload)) throw invalid(api, validateFn.errors);
  const method = opts.signMethod ?? 'hmac-sha256';
  const query = {
    method: api,
    app_key: opts.appKey,
    timestamp: gmt8(opts.timestamp),
    format: 'json',
    v: '2.0',
    sign_method: method,
  };
  if (opts.session) query.session = opts.session;
  const business = {};
  for (const k of Object.keys(payload)) {
    const v = payload[k];
    if (v === null || v === undefined) continue;
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (!blank(text)) business[k] = text;
  }
  const sign = signParams({ ...query, ...business }, opts.appSecret, method);
  query.sign = sign;
  return {
    url: `${opts.gateway ?? TOP_GATEWAY}?${sortedQuery(query)}`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    query,
    body: new URLSearchParams(business).toString(),
    sign,
  };
}

const XML_ENTITIES = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };
// Characters XML 1.0 does not allow (dropped, as Java's escapeXml does).
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const SPECIAL = /[<>&'"]/g;

function xmlText(v) {
  return String(v).trim().replace(NOT_XML, '').replace(SPECIAL, (c) => XML_ENTITIES[c]);
}

/** Members as elements; arrays as repeated elements; nulls left out. */
function xmlMembers(obj) {
  let out = '';
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) {
      for (const item of v) {
        if (item === null || item === undefined) continue;
        out += `<${k}>${typeof item === 'object' ? xmlMembers(item) : xmlText(item)}</${k}>`;
      }
    } else {
      out += `<${k}>${typeof v === 'object' ? xmlMembers(v) : xmlText(v)}</${k}>`;
    }
  }
  return out;
}

/** Qimen: validate, `request` as an XML body, md5 over secret + query + body + secret. */
export function buildQimen(api, validateFn, payload, opts) {
  if (!validateFn(payload)) throw invalid(api, validateFn.errors);
  const method = opts.signMethod ?? 'md5';
  const body = `<request>${xmlMembers(payload.request ?? {})}</request>`;
  const query = {
    method: api,
    timestamp: gmt8(opts.timestamp),
    format: 'xml',
    app_key: opts.appKey,
    v: '2.0',
    sign_method: method,
    customerId: opts.customerId,
  };
  const sign = signParams(query, opts.appSecret, method, body);
  query.sign = sign;
  return {
    url: `${opts.gateway ?? QIMEN_GATEWAY}?${sortedQuery(query)}`,
    method: 'POST',
    headers: { 'content-type': 'text/xml;charset=utf-8' },
    query,
    body,
    sign,
  };
}

/** The response envelope's name: method without `taobao.`, dots as underscores. */
export function responseRoot(api) {
  return `${api.replace(/^taobao\./, '').replace(/\./g, '_')}_response`;
}

/** Where each API's business success flag sits (from src/apis/*.toml `failures`). */
export const FAILURE_FLAGS = {
  'cainiao.endpoint.locker.top.order.tracking.new': [['result.success', 'result.error_code', 'result.error_desc']],
  'taobao.logistics.openalibity.write': [
    ['result_success', 'result_code', 'result_msg'],
    ['write_response.success', 'write_response.error_code', 'write_response.error_msg'],
  ],
  'taobao.logistics.station.tms.async': [
    ['station_async_response.success', 'station_async_response.code', 'station_async_response.message'],
  ],
  'alibaba.cainiao.whc.warehouse.tradeorder.callback': [['result.success', 'result.res_code', 'result.res_msg']],
};

const at = (obj, path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);

/** JSON.parse and the checks by hand: envelope, error_response, business flag. */
export function makeParser(api, protocol) {
  const root = protocol === 'qimen' ? 'response' : responseRoot(api);
  const flags = FAILURE_FLAGS[api] ?? [];
  return function parse(text) {
    let obj;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      return { ok: false, error: { code: 'malformed_response', msg: e.message } };
    }
    const env = obj?.[root];
    if (env !== null && typeof env === 'object') {
      const { request_id: requestId, ...data } = env;
      if (protocol === 'qimen') {
        const ok = String(data.flag ?? '').trim().toLowerCase() === 'success';
        return ok ? { ok, data } : { ok, data, error: { code: String(data.code ?? ''), msg: String(data.message ?? '') } };
      }
      for (const [flag, code, msg] of flags) {
        const f = at(data, flag);
        if (f === false || f === 'false') {
          return { ok: false, data, requestId, error: { code: String(at(data, code) ?? ''), msg: String(at(data, msg) ?? '') } };
        }
      }
      return { ok: true, data, requestId };
    }
    const err = obj?.error_response;
    if (err !== null && typeof err === 'object') {
      const subCode = err.sub_code ?? null;
      return {
        ok: false,
        requestId: err.request_id,
        error: {
          code: String(err.code),
          msg: err.msg,
          subCode,
          subMsg: err.sub_msg ?? null,
          retryable: typeof subCode === 'string' && subCode.startsWith('isp.'),
        },
      };
    }
    return { ok: false, error: { code: 'malformed_response', msg: `expected ${root}` } };
  };
}
