// Small helpers shared by the client, the Qimen handler, the sandbox and the
// CLI. Plain JavaScript with no imports, so that it loads in browsers and
// under `require()` alike.

/** The platform's zone: GMT+8 (Asia/Shanghai, no daylight saving since 1991). */
export const GMT8_OFFSET_MS = 8 * 3_600_000;

/** Epoch milliseconds as `yyyy-MM-dd HH:mm:ss` in GMT+8. */
export function formatGmt8(ms) {
  return new Date(ms + GMT8_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * A request timestamp as epoch milliseconds, or `null`: GMT+8
 * `yyyy-MM-dd HH:mm:ss` (a real date and time) or epoch milliseconds (digits).
 */
export function parseTimestamp(text) {
  if (typeof text !== 'string') return null;
  const s = text.trim();
  if (/^\d{1,16}$/.test(s)) return Number(s);
  const m = DATETIME.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  const utc = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) {
    return null;
  }
  return utc - GMT8_OFFSET_MS;
}

/** RFC 6901 pointer -> segments. */
export function pointerSegments(pointer) {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The value at a JSON Pointer, or undefined. */
export function getPointer(value, pointer) {
  let v = value;
  for (const s of pointerSegments(pointer)) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, s)) return undefined;
    v = v[s];
  }
  return v;
}

/**
 * Sets the value at a JSON Pointer when its parent object exists; returns
 * whether it did (it never creates parents: a payload without them is invalid
 * anyway, and validation says so).
 */
export function setPointer(value, pointer, newValue) {
  const segs = pointerSegments(pointer);
  if (segs.length === 0) return false;
  let v = value;
  for (const s of segs.slice(0, -1)) {
    if (!isObject(v) || !isObject(v[s])) return false;
    v = v[s];
  }
  if (!isObject(v)) return false;
  v[segs[segs.length - 1]] = newValue;
  return true;
}

/** Whether a value is missing or only white space (the platform drops such values). */
export function isBlank(v) {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** A fresh random identifier (32 hex digits). */
export function randomId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID().replace(/-/g, '');
  let s = '';
  for (let i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

/** A request_id in the platform's style (13 lower-case base-36 characters). */
export function platformRequestId(random = Math.random) {
  let s = '';
  for (let i = 0; i < 13; i++) s += Math.floor(random() * 36).toString(36);
  return s;
}

/**
 * `text` with every occurrence of `secret` replaced by `***`: the app secret
 * must never reach anything returned, thrown, written or logged.
 */
export function redactText(text, secret) {
  if (typeof text !== 'string' || typeof secret !== 'string' || secret.length === 0) return text;
  return text.split(secret).join('***');
}

/** Redacts `secret` in every string of a plain value (in place for objects; returns the value). */
export function redactDeep(value, secret, depth = 0) {
  if (typeof value === 'string') return redactText(value, secret);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v === 'string') value[key] = redactText(v, secret);
    else if (v !== null && typeof v === 'object') redactDeep(v, secret, depth + 1);
  }
  if (value instanceof Error) {
    value.message = redactText(value.message, secret);
    if (typeof value.stack === 'string') value.stack = redactText(value.stack, secret);
  }
  return value;
}

/** Concatenates byte chunks. */
export function concatBytes(chunks, total) {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Thrown by {@link readBody} when the body is larger than allowed. */
export class BodyTooLargeError extends Error {
  constructor(limit) {
    super(`the request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
    this.code = 'body_too_large';
    this.limit = limit;
  }
}

/**
 * Reads a `node:http` request body (any async iterable of chunks) into bytes,
 * stopping as soon as it exceeds `limit` bytes. A body already read by a
 * framework (`req.body` as a string or bytes) is used as it is.
 */
export async function readBody(req, limit) {
  if (typeof req.body === 'string') {
    const bytes = new TextEncoder().encode(req.body);
    if (bytes.length > limit) throw new BodyTooLargeError(limit);
    return bytes;
  }
  if (req.body instanceof Uint8Array) {
    if (req.body.length > limit) throw new BodyTooLargeError(limit);
    return req.body;
  }
  const declared = Number(req.headers?.['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  const chunks = [];
  let total = 0;
  for await (const chunk of req) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.length;
    if (total > limit) throw new BodyTooLargeError(limit);
    chunks.push(bytes);
  }
  return concatBytes(chunks, total);
}

/** UTF-8 bytes as text (invalid sequences become U+FFFD). */
export function utf8(bytes) {
  return new TextDecoder('utf-8').decode(bytes);
}

/** Sleeps `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The name of every API whose protocol is `protocol`, by short name too (`qimen.x` for `taobao.qimen.x`). */
export function resolveApi(apis, method, protocol) {
  if (typeof method !== 'string' || method.trim() === '') return null;
  const m = method.trim();
  for (const a of apis) {
    if (protocol && a.protocol !== protocol) continue;
    if (a.name === m || a.name === `taobao.${m}` || (m.startsWith('taobao.') && a.name === m.slice('taobao.'.length))) {
      return a.name;
    }
  }
  return null;
}
