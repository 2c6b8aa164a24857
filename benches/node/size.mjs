// The size report: the .wasm before and after wasm-opt, gzipped (gzip -9)
// and brotli (node's zlib, quality 11); the JS glue a browser loads with it;
// where the shipped bytes go (code, data, and what the data is); and
// twiggy's top contributors of the pre-opt module, names kept. Writes the
// figures to bench-output/size.json.
//
//   node benches/node/size.mjs [PREOPT_BINDGEN_WASM]
// PREOPT_BINDGEN_WASM: wasm-bindgen's output before wasm-opt, names kept
// (scripts/bench.sh makes it in bench-output/size/); without it, twiggy runs
// on cargo's output.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CARGO_WASM = join(ROOT, 'target/wasm32-unknown-unknown/release/top_logistics.wasm');
const BINDGEN_WASM = process.argv[2];
const WEB_WASM = join(ROOT, 'pkg/web/top_logistics_bg.wasm');
const NODE_WASM = join(ROOT, 'pkg/node/top_logistics_bg.wasm');
const GLUE = ['pkg/web/top_logistics.js', 'pkg/index.js', 'pkg/standard-schema.js'];
const TARGET_KIB = 110;

const gzip = (buf) => {
  const r = spawnSync('gzip', ['-9', '-c', '-n'], { input: buf, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`gzip: ${r.stderr}`);
  return r.stdout.length;
};
const brotli = (buf) =>
  brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const pad = (s, n) => String(s).padStart(n);

// --- a minimal wasm section reader ------------------------------------------------

function leb(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos];
    pos += 1;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];

function sections(buf) {
  const out = [];
  let pos = 8;
  while (pos < buf.length) {
    const id = buf[pos];
    const [size, start] = leb(buf, pos + 1);
    let name = SECTION_NAMES[id] ?? `#${id}`;
    if (id === 0) {
      const [n, p] = leb(buf, start);
      name = `custom "${buf.subarray(p, p + n).toString('utf8')}"`;
    }
    out.push({ id, name, start, end: start + size, bytes: buf.subarray(start, start + size) });
    pos = start + size;
  }
  return out;
}

/** The data section's segments' bytes (active segments with a constant offset, or passive). */
function dataBytes(section) {
  const buf = section.bytes;
  let [count, pos] = leb(buf, 0);
  const segs = [];
  for (let i = 0; i < count; i += 1) {
    let flags;
    [flags, pos] = leb(buf, pos);
    if (flags === 2) [, pos] = leb(buf, pos); // memory index
    if (flags === 0 || flags === 2) {
      while (buf[pos] !== 0x0b) pos += 1; // the offset expression
      pos += 1;
    }
    let size;
    [size, pos] = leb(buf, pos);
    segs.push(buf.subarray(pos, pos + size));
    pos += size;
  }
  return Buffer.concat(segs);
}

/** What the static data is: runs of printable UTF-8 text (>= 8 bytes), of which CJK. */
function textInData(data) {
  const s = data.toString('latin1');
  let text = 0;
  let cjk = 0;
  // UTF-8 text: printable ASCII or multi-byte sequences, at least 8 bytes in a row.
  const re = /(?:[\x20-\x7e\t\n]|[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}){8,}/g;
  for (const m of s.matchAll(re)) {
    text += m[0].length;
    for (const c of m[0].matchAll(/[\xe3-\xe9][\x80-\xbf]{2}|\xef[\xbc-\xbf][\x80-\xbf]/g)) cjk += c[0].length;
  }
  return { text, cjk };
}

// --- report ------------------------------------------------------------------------

const report = {};
console.log('sizes (1 KiB = 1024 bytes; gzip -9, brotli quality 11 from node:zlib)');
const rows = [];
const addRow = (label, file, withBrotli = true) => {
  if (!file || !existsSync(file)) {
    rows.push([label, 'missing', '', '']);
    return undefined;
  }
  const buf = readFileSync(file);
  const r = { raw: buf.length, gzip: gzip(buf), brotli: withBrotli ? brotli(buf) : '-' };
  rows.push([label, r.raw, r.gzip, r.brotli]);
  return r;
};
report.cargo = addRow('wasm, cargo output (pre-bindgen, pre-opt, names + descriptors)', CARGO_WASM, false);
report.bindgen = addRow('wasm, wasm-bindgen output (pre-opt, names kept)', BINDGEN_WASM, false);
report.web = addRow('wasm, shipped: pkg/web/top_logistics_bg.wasm (wasm-opt with the Cargo.toml flags)', WEB_WASM);
report.node = addRow('wasm, pkg/node/top_logistics_bg.wasm', NODE_WASM, false);
let glueRaw = 0;
let glueGz = 0;
let glueBr = 0;
for (const f of GLUE) {
  const r = addRow(`js, ${f}`, join(ROOT, f));
  glueRaw += r.raw;
  glueGz += r.gzip;
  glueBr += r.brotli;
}
rows.push(['js glue, total of the three', glueRaw, glueGz, glueBr]);
report.glue = { raw: glueRaw, gzip: glueGz, brotli: glueBr };
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`  ${'file'.padEnd(w)}  ${pad('raw', 15)}  ${pad('gzip -9', 15)}  ${pad('brotli', 15)}`);
for (const [label, raw, gz, br] of rows) {
  const cell = (n) => (typeof n === 'number' ? `${pad(n, 7)} ${pad(kib(n), 9)}`.padStart(15) : pad(n, 15));
  console.log(`  ${label.padEnd(w)}  ${cell(raw)}  ${cell(gz)}  ${cell(br)}`);
}

// Other modules pkg/index.js imports statically (a browser fetches them too).
const extra = ['pkg/client.js', 'pkg/lib/qimen.js', 'pkg/lib/common.js', 'pkg/lib/multipart.js'].filter((f) => existsSync(join(ROOT, f)));
if (extra.length) {
  const gz = extra.reduce((n, f) => n + gzip(readFileSync(join(ROOT, f))), 0);
  console.log(`  (not in the target's glue: ${extra.join(', ')} — ${kib(gz)} gzipped, imported by pkg/index.js too)`);
  report.extraGlueGzip = gz;
}

// Where the shipped bytes go.
const web = readFileSync(WEB_WASM);
const secs = sections(web);
const code = secs.find((s) => s.name === 'code');
const data = secs.find((s) => s.name === 'data');
const other = web.length - (code?.bytes.length ?? 0) - (data?.bytes.length ?? 0);
const dataRaw = data ? dataBytes(data) : Buffer.alloc(0);
const txt = textInData(dataRaw);
report.sections = {
  code: { raw: code.bytes.length, gzip: gzip(code.bytes) },
  data: { raw: data.bytes.length, gzip: gzip(data.bytes), text: txt.text, cjk: txt.cjk },
  other,
};
console.log('shipped wasm by section (each gzipped alone):');
console.log(`  code  ${pad(kib(code.bytes.length), 10)} raw  ${pad(kib(report.sections.code.gzip), 9)} gzip`);
console.log(`  data  ${pad(kib(data.bytes.length), 10)} raw  ${pad(kib(report.sections.data.gzip), 9)} gzip; ${kib(txt.text)} of it is UTF-8 text runs of 8+ bytes (${kib(txt.cjk)} CJK)`);
console.log(`  other ${pad(kib(other), 10)} raw (types, imports, exports, tables, ...)`);

const total = report.web.gzip + glueGz;
report.targetBytes = TARGET_KIB * 1024;
report.totalGzip = total;
console.log(`gzipped wasm + JS glue: ${kib(total)} (${total} bytes); target < ${TARGET_KIB} KiB`);

// twiggy: the top contributors of the pre-opt module.
const twiggyInput = BINDGEN_WASM && existsSync(BINDGEN_WASM) ? BINDGEN_WASM : CARGO_WASM;
const tw = spawnSync('twiggy', ['top', '-n', '20', twiggyInput], { encoding: 'utf8', maxBuffer: 1 << 26 });
if (tw.error || tw.status !== 0) {
  console.log(`twiggy: not available (${tw.error?.code ?? tw.stderr.trim()}); top contributors skipped (cargo install twiggy)`);
  report.twiggy = null;
} else {
  console.log(`twiggy top -n 20 ${twiggyInput.replace(`${ROOT}/`, '')} (pre-opt, names kept; Shallow = the item's own bytes):`);
  // Long Rust symbols make the table wide: cut the item column.
  const lines = tw.stdout.trimEnd().split('\n').map((l) => ([...l].length > 150 ? `${[...l].slice(0, 149).join('')}…` : l));
  console.log(lines.map((l) => `  ${l}`).join('\n'));
  report.twiggy = tw.stdout
    .split('\n')
    .map((l) => l.match(/^\s*(\d+)\s*┊\s*([\d.]+)%\s*┊\s*(.*)$/))
    .filter(Boolean)
    .map((m) => ({ bytes: Number(m[1]), percent: Number(m[2]), item: m[3] }));
}

/** The crate an item's code comes from (the Self type's crate for trait impls). */
function crateOf(name) {
  if (name.startsWith('data segment')) return 'static data (.rodata etc.)';
  if (name.startsWith('"') || name.startsWith('custom section')) return 'name section and other custom sections';
  if (/^(code|func|elem|data|global|table|type|import|export)\[\d+\]/.test(name)) return 'unnamed items';
  if (/^(__wbg|__wbindgen|__externref|wasm_bindgen)/.test(name)) return 'wasm_bindgen';
  const m = name.replace(/^(<|&mut |&|dyn |\()+/g, '').match(/^([A-Za-z_][A-Za-z0-9_]*)/);
  const c = m ? m[1] : 'other';
  if (['core', 'alloc', 'std', 'str', 'f64', 'f32', 'u8', 'u16', 'u32', 'u64', 'usize', 'i32', 'i64', 'char', 'T'].includes(c)) return 'std (core, alloc, std)';
  return c;
}
if (report.twiggy) {
  const all = spawnSync('twiggy', ['top', '--format', 'json', twiggyInput], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (all.status === 0) {
    const items = JSON.parse(all.stdout);
    const total = items.reduce((n, i) => n + i.shallow_size, 0);
    const byCrate = new Map();
    const byModule = new Map();
    for (const i of items) {
      const c = crateOf(i.name);
      byCrate.set(c, (byCrate.get(c) ?? 0) + i.shallow_size);
      const m = i.name.replace(/^(<|&mut |&)+/, '').match(/^top_logistics::([a-z_]+)/);
      if (m) byModule.set(m[1], (byModule.get(m[1]) ?? 0) + i.shallow_size);
    }
    const top = [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 14);
    console.log('the same module by crate (shallow bytes; generic code counts under the crate that defines it, e.g. serde_json for its Deserializer run with our visitors):');
    for (const [c, n] of top) console.log(`  ${pad(n, 7)}  ${pad((100 * n / total).toFixed(1), 5)}%  ${c}`);
    const mods = [...byModule].sort((a, b) => b[1] - a[1]);
    console.log(`  top_logistics by module: ${mods.map(([m, n]) => `${m} ${kib(n)}`).join(', ')}`);
    report.byCrate = Object.fromEntries(top);
    report.byModule = Object.fromEntries(mods);
  }
}
writeFileSync(join(ROOT, 'bench-output', 'size.json'), JSON.stringify(report, null, 2));
