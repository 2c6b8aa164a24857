// Pure helpers of the playground (no DOM): JSON Pointers, editing a payload
// in place through JSON-in-a-string fields, the valid sample, and the text
// forms of a request (curl, XML, form fields).

/** One RFC 6901 reference token. */
export const esc = (key) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/** The parent pointer of `/a/b` is `/a`; of `/a` it is `` (the root). */
export function parentPointer(pointer) {
  const i = pointer.lastIndexOf('/');
  return i <= 0 ? '' : pointer.slice(0, i);
}

export const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The object a JSON-in-a-string field holds, or null when it does not hold one. */
export function parseJsonObject(text) {
  if (typeof text !== 'string') return null;
  try {
    const v = JSON.parse(text);
    return isPlainObject(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * Reads the value at `steps` ({ key, json }: `json` when the value at that key
 * is a string holding a JSON object the next steps go into).
 */
export function getIn(root, steps) {
  let cur = root;
  for (const step of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[step.key];
    if (step.json && step !== steps[steps.length - 1]) cur = parseJsonObject(cur);
  }
  return cur;
}

/**
 * Replaces the value at `steps` in `root` (mutated) with `fn(current)`;
 * `undefined` deletes the key. Objects and JSON strings that become empty are
 * removed too (not list elements: an emptied element stays `{}` / `""`), and
 * missing parents are created, so clearing a field leaves no `{}` behind.
 */
export function updateIn(root, steps, fn) {
  const [step, ...rest] = steps;
  const cur = root[step.key];
  let next;
  if (rest.length === 0) {
    next = fn(cur);
  } else if (step.json) {
    const inner = parseJsonObject(cur) ?? {};
    updateIn(inner, rest, fn);
    next = Object.keys(inner).length ? JSON.stringify(inner) : undefined;
  } else {
    const child = cur !== null && typeof cur === 'object' ? cur : typeof rest[0].key === 'number' ? [] : {};
    updateIn(child, rest, fn);
    next = isPlainObject(child) && Object.keys(child).length === 0 ? undefined : child;
  }
  if (Array.isArray(root)) {
    root[step.key] = next === undefined ? (isPlainObject(cur) ? {} : '') : next;
  } else if (next === undefined) {
    delete root[step.key];
  } else {
    root[step.key] = next;
  }
  return root;
}

/** `yyyy-MM-dd HH:mm:ss` in GMT+8, the platform's clock. */
export function formatGmt8(ms) {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A short label from a long description: its first clause (unless that is
 * only a code such as `INTERNAL`, when the description is kept whole up to
 * twice `max`).
 */
export function shortLabel(text, max) {
  if (!text || text.length <= max) return { label: text ?? '', truncated: false };
  const plain = text.replace(/\s*string\s*\(\d+\)\s*/gi, ' '); // the documents' "string (50)" annotations
  const cut = plain.search(/[,,。;;::]|\. |\s\/\s/);
  let clause = cut > 0 ? plain.slice(0, cut).trim() : '';
  if (clause.length > max) clause = clause.slice(0, Math.max(clause.search(/\s?[((]/), 0)).trim();
  if (clause && clause.length <= max && !/^[A-Z0-9_]+$/.test(clause)) return { label: clause, truncated: true };
  if (text.length <= max * 2) return { label: text, truncated: false };
  return { label: text.slice(0, max).trim() + '…', truncated: true };
}

/** A word for a POSIX shell, single-quoted. */
export const shellQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** Map or plain object to entries (wasm-bindgen may give either). */
export const entriesOf = (m) => (m instanceof Map ? [...m.entries()] : Object.entries(m ?? {}));

/** The curl command of a built request (never anything but what is sent). */
export function curlCommand(built) {
  const lines = [`curl -X ${built.method} ${shellQuote(built.url)}`];
  for (const [name, value] of entriesOf(built.headers)) lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  if (built.body) lines.push(`  --data-raw ${shellQuote(built.body)}`);
  return lines.join(' \\\n');
}

/** XML indented two spaces per level (elements, text, declarations, comments). */
export function prettyXml(xml) {
  const tokens = String(xml).match(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<[^>]+>|[^<]+/g) ?? [];
  const out = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (/^\s+$/.test(t)) continue;
    const pad = '  '.repeat(depth);
    if (t.startsWith('</')) {
      depth = Math.max(0, depth - 1);
      out.push('  '.repeat(depth) + t);
    } else if (t.startsWith('<?') || t.startsWith('<!') || t.endsWith('/>')) {
      out.push(pad + t);
    } else if (t.startsWith('<')) {
      // <a>text</a> on one line
      const text = tokens[i + 1];
      const close = tokens[i + 2];
      if (text !== undefined && !text.startsWith('<') && close?.startsWith('</')) {
        out.push(pad + t + text + close);
        i += 2;
      } else if (text?.startsWith('</')) {
        out.push(pad + t + text);
        i += 1;
      } else {
        out.push(pad + t);
        depth++;
      }
    } else {
      out.push(pad + t.trim());
    }
  }
  return out.join('\n');
}

/** A JSON text indented, or the text itself when it is not JSON. */
export function prettyJsonText(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A value as JavaScript source, indented to `indent`. */
export function jsSource(value, indent = '') {
  return JSON.stringify(value, null, 2).replace(/\n/g, '\n' + indent);
}
