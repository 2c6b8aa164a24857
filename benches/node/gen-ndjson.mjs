// Generates the batch benchmark's input: NDJSON, one {"api": ..., "payload": ...}
// a line, mixing all five APIs, valid and invalid payloads, at least
// BENCH_NDJSON_MB (default 100) MB. Deterministic (seeded), so every machine
// benchmarks the same bytes. Reused when present: bench.sh calls this only
// when the file is missing or too small.
//
//   node benches/node/gen-ndjson.mjs [FILE]   (default bench-output/batch.ndjson)

import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FILE = process.argv[2] ?? join(ROOT, 'bench-output', 'batch.ndjson');
const TARGET = Number(process.env.BENCH_NDJSON_MB ?? 100) * 1e6;
const fixture = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/native-answers.json'), 'utf8'));

// mulberry32: a small seeded PRNG.
let seed = 0x5eed;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const digits = (n) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');

/** A free-text id per API that can change without making the payload invalid. */
const VARY = {
  'cainiao.endpoint.locker.top.order.tracking.new': ['track_info', 'mail_no'],
  'taobao.logistics.openalibity.write': ['general_logistics_data_write_request', 'mail_no'],
  'taobao.qimen.returnpackage.report': ['request', 'order', 'outBizCode'],
  'taobao.logistics.station.tms.async': ['station_async_request', 'request_id'],
  'alibaba.cainiao.whc.warehouse.tradeorder.callback': ['callback_order', 'work_order_id'],
};

function setPath(obj, path, value) {
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k];
  o[path[path.length - 1]] = value;
}

/** Every [path, value] of the leaves of an object, lists included. */
function leaves(v, path = [], out = []) {
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) leaves(x, [...path, Array.isArray(v) ? Number(k) : k], out);
  } else out.push([path, v]);
  return out;
}

/** One way to break a payload, chosen at random. */
function breakPayload(p) {
  const all = leaves(p);
  const [path, value] = pick(all);
  switch (Math.floor(rand() * 5)) {
    case 0: { // a required (or any) field left out
      let o = p;
      for (const k of path.slice(0, -1)) o = o[k];
      delete o[path[path.length - 1]];
      return;
    }
    case 1: // the wrong type
      setPath(p, path, typeof value === 'string' ? Number(digits(4)) : `${value}`);
      return;
    case 2: // far too long
      setPath(p, path, `${value}`.repeat(60));
      return;
    case 3: // a phone, time or code in the wrong shape
      setPath(p, path, pick(['12345', '2024/05/20', '顺丰速运', '', '  ', '1442477612']));
      return;
    default: // an unknown field
      setPath(p, [...path.slice(0, -1), `${path[path.length - 1]}_x`], value);
  }
}

const kinds = fixture.apis.map((a) => ({ api: a.api, sample: a.sample, example: a.example }));
mkdirSync(dirname(FILE), { recursive: true });
const tmp = `${FILE}.tmp`;
const fd = openSync(tmp, 'w');
let written = 0;
let lines = 0;
let chunk = [];
let chunkLen = 0;
const flush = () => {
  const buf = Buffer.from(chunk.join(''));
  writeSync(fd, buf);
  written += buf.length;
  chunk = [];
  chunkLen = 0;
};
const t0 = Date.now();
const stats = { valid: 0, broken: 0, example: 0, notJson: 0, unknownApi: 0 };
while (written + chunkLen < TARGET) {
  const k = pick(kinds);
  const r = rand();
  let line;
  if (r < 0.001) {
    line = '{"api": "taobao.logistics.openalibity.write", "payload": {"general_logistics_data_write_request": {';
    stats.notJson += 1;
  } else if (r < 0.002) {
    line = JSON.stringify({ api: 'taobao.logistics.unknown', payload: k.sample });
    stats.unknownApi += 1;
  } else if (r < 0.1) {
    line = JSON.stringify({ api: k.api, payload: k.example });
    stats.example += 1;
  } else {
    const p = structuredClone(k.sample);
    setPath(p, VARY[k.api], `${digits(12)}`);
    if (r < 0.3) {
      breakPayload(p);
      stats.broken += 1;
    } else stats.valid += 1;
    line = JSON.stringify({ api: k.api, payload: p });
  }
  chunk.push(line, '\n');
  chunkLen += line.length + 1;
  lines += 1;
  if (chunkLen > 4e6) flush();
}
flush();
closeSync(fd);
renameSync(tmp, FILE);
console.log(`generated ${FILE}: ${(written / 1e6).toFixed(1)} MB, ${lines} lines (${stats.valid} valid samples, ${stats.broken} broken samples, ${stats.example} document examples, ${stats.notJson} not JSON, ${stats.unknownApi} unknown API) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
