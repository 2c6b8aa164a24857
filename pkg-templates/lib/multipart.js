// A small multipart/form-data reader (RFC 7578) for the sandbox gateway: the
// official TOP Node SDK sends every parameter, `sign` included, as
// multipart/form-data. Works on a complete, size-bounded body (Uint8Array).

const CRLF = new Uint8Array([13, 10]);
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8');

/** The boundary of a `multipart/form-data` content type, or null. */
export function multipartBoundary(contentType) {
  if (typeof contentType !== 'string' || !/^\s*multipart\/form-data\b/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return m ? m[1] ?? m[2] : null;
}

function indexOf(haystack, needle, from) {
  if (typeof haystack.indexOf === 'function' && typeof Buffer !== 'undefined' && Buffer.isBuffer(haystack)) {
    return haystack.indexOf(needle, from);
  }
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function param(header, name) {
  const quoted = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header);
  if (quoted) return quoted[1].replace(/\\(.)/g, '$1');
  const bare = new RegExp(`;\\s*${name}=([^;\\s]+)`, 'i').exec(header);
  return bare ? bare[1] : undefined;
}

/**
 * The parts of a multipart body: `{ name, filename, contentType, value }`
 * (`value` is text for fields, bytes for files), or null when the body is
 * not well-formed.
 */
export function parseMultipart(bytes, boundary) {
  const body = typeof Buffer !== 'undefined' && !Buffer.isBuffer(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) : bytes;
  const delim = enc.encode(`--${boundary}`);
  const next = new Uint8Array(CRLF.length + delim.length);
  next.set(CRLF, 0);
  next.set(delim, CRLF.length);
  const parts = [];
  let pos = indexOf(body, delim, 0);
  if (pos < 0) return null;
  for (let n = 0; ; n++) {
    if (n > 10_000) return null;
    pos += delim.length;
    if (body[pos] === 45 && body[pos + 1] === 45) return parts; // "--": the end
    while (body[pos] === 32 || body[pos] === 9) pos++;
    if (body[pos] === 13 && body[pos + 1] === 10) pos += 2;
    else return null;
    const headerEnd = indexOf(body, enc.encode('\r\n\r\n'), pos);
    if (headerEnd < 0) return null;
    const headers = {};
    for (const line of dec.decode(body.subarray(pos, headerEnd)).split('\r\n')) {
      const c = line.indexOf(':');
      if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
    }
    const start = headerEnd + 4;
    const end = indexOf(body, next, start);
    if (end < 0) return null;
    const disposition = headers['content-disposition'] ?? '';
    const name = param(disposition, 'name');
    if (name === undefined) return null;
    const filename = param(disposition, 'filename');
    const content = body.subarray(start, end);
    parts.push({
      name,
      filename,
      contentType: headers['content-type'],
      value: filename === undefined ? dec.decode(content) : content,
    });
    pos = end + CRLF.length;
  }
}
