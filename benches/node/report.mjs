// The last part of `make bench`: native (criterion) against wasm per
// operation, and the targets of the issue, each MET or MISSED with its
// margin. Reads what the earlier steps wrote in bench-output/ (node.json,
// batch.json, size.json) and criterion's estimates under target/criterion/.
// Never fails on a figure: the machine is shared and the numbers are noisy.
// Also writes bench-output/summary.md, the tables as Markdown for the README.
//
//   node benches/node/report.mjs

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(ROOT, 'bench-output');
const read = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);
const node = read(join(OUT, 'node.json'));
const batch = read(join(OUT, 'batch.json'));
const size = read(join(OUT, 'size.json'));
const CRITERION = join(ROOT, 'target', 'criterion');
const APIS = ['locker', 'openalibity', 'qimen', 'station', 'tradeorder'];

const fmtNs = (ns) => {
  if (!Number.isFinite(ns)) return '-';
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
};
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const md = [];

function table(headers, rows, right = () => true) {
  const all = [headers, ...rows].map((r) => r.map(String));
  const w = headers.map((_, i) => Math.max(...all.map((r) => [...r[i]].length)));
  const line = (r) => r.map((c, i) => (i > 0 && right(i) ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ');
  md.push(`| ${headers.join(' | ')} |`, `| ${headers.map((_, i) => (i > 0 && right(i) ? '---:' : '---')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`), '');
  return [line(all[0]), w.map((n) => '-'.repeat(n)).join('  '), ...all.slice(1).map(line)].map((l) => `  ${l}`.trimEnd()).join('\n');
}

/** criterion's median estimate (ns) of `group/id`, if that bench ran. */
function native(group, id) {
  const f = join(CRITERION, group, id, 'new', 'estimates.json');
  const e = read(f);
  return e ? e.median.point_estimate : NaN;
}
const wasm = (key) => node?.results?.[key]?.ns ?? NaN;

// --- native vs wasm -----------------------------------------------------------------

{
  const ops = [];
  for (const a of [...APIS, 'qimen_x100']) ops.push([`validate JSON text / ${a}`, native('validate_json', a), wasm(`validate.text/${a}`)]);
  for (const a of [...APIS, 'qimen_x100']) ops.push([`validate JSON text, crossing paid once (validateLines) / ${a}`, native('validate_json', a), wasm(`validate.core/${a}`)]);
  for (const a of [...APIS, 'qimen_x100']) ops.push([`validate value vs JS object / ${a}`, native('validate_value', a), wasm(`validate.obj/${a}`)]);
  for (const m of ['md5', 'hmac', 'hmac-sha256']) ops.push([`sign / ${m}`, native('sign', m), wasm(`sign/${m}`)]);
  // The binding builds from JSON text (build_request_json): text against text.
  for (const a of APIS) ops.push([`buildRequest JSON text / ${a}${a === 'qimen' ? ' (XML, md5)' : ' (hmac-sha256)'}`, native('build_request', `${a}_text`), wasm(`build.text/${a}`)]);
  ops.push(['  qimen without validation (validate: false)', native('build_request', 'qimen_text_unvalidated'), NaN]);
  for (const a of APIS) ops.push([`buildRequest serde_json::Value / ${a}`, native('build_request', a), NaN]);
  for (const a of APIS) ops.push([`parseResponse JSON / ${a}`, native('parse_json', a), wasm(`parse.json/${a}`)]);
  for (const a of APIS) ops.push([`parseResponse XML / ${a}`, native('parse_xml', a), wasm(`parse.xml/${a}`)]);
  const rows = ops
    .filter(([, n, w]) => Number.isFinite(n) || Number.isFinite(w))
    .map(([op, n, w]) => [op, fmtNs(n), fmtNs(w), fmtNs(w - n), Number.isFinite(w / n) ? `${(w / n).toFixed(1)}x` : '-']);
  md.push('#### Native core vs the same call through WebAssembly', '');
  console.log('native (criterion median, benches/core.rs) vs wasm from Node (tinybench median): the difference is the crossing (argument and result conversion) plus wasm being slower than native code');
  console.log(table(['operation', 'native', 'wasm', 'wasm - native', 'wasm/native'], rows));
}

// --- targets ---------------------------------------------------------------------------

const targets = [];
const ratioTarget = (name, pairs, limit) => {
  const rs = pairs.filter(([, r]) => Number.isFinite(r));
  if (rs.length === 0) return targets.push([name, `<= ${limit.toFixed(1)}x`, 'not measured', '-']);
  const worst = rs.reduce((a, b) => (b[1] > a[1] ? b : a));
  const geo = Math.exp(rs.reduce((n, [, r]) => n + Math.log(r), 0) / rs.length);
  const best = rs.reduce((a, b) => (b[1] < a[1] ? b : a));
  const figure = `worst ${worst[1].toFixed(2)}x (${worst[0]}), best ${best[1].toFixed(2)}x (${best[0]}), geomean ${geo.toFixed(2)}x`;
  const status = worst[1] <= limit
    ? `MET, ${((1 - worst[1] / limit) * 100).toFixed(0)}% to spare`
    : `MISSED: the worst API must get ${(worst[1] / limit).toFixed(1)}x faster${best[1] <= limit ? '' : ' (none meets it)'}`;
  targets.push([name, `<= ${limit.toFixed(1)}x of baseline, every API`, figure, status]);
};
ratioTarget('buildRequest vs Ajv + stringify + crypto + URLSearchParams', APIS.map((a) => [a, wasm(`build.obj/${a}`) / wasm(`baseline.build/${a}`)]), 1.0);
ratioTarget('validate(JSON text) vs JSON.parse + Ajv', APIS.map((a) => [a, wasm(`validate.text/${a}`) / wasm(`baseline.parse_ajv/${a}`)]), 1.0);
if (batch) {
  const o = batch.ours;
  const nativeTxt = existsSync(join(OUT, 'batch-native.txt')) ? readFileSync(join(OUT, 'batch-native.txt'), 'utf8') : '';
  const nativeMb = nativeTxt.match(/= ([\d.]+) MB\/s/)?.[1];
  const figure = `${o.mbPerSCpu.toFixed(1)} MB/s per CPU-second (${o.mbPerSWall.toFixed(1)} MB/s wall); baseline ${batch.baseline.mbPerSCpu.toFixed(1)} MB/s${nativeMb ? `; native core ceiling ${nativeMb} MB/s` : ''}${batch.haveCli ? '' : ' [pkg/cli.js missing: package validate() loop]'}`;
  const status = o.mbPerSCpu >= 150 ? `MET, ${((o.mbPerSCpu / 150 - 1) * 100).toFixed(0)}% to spare` : `MISSED: needs ${(150 / o.mbPerSCpu).toFixed(1)}x (${(150 - o.mbPerSCpu).toFixed(0)} MB/s more)`;
  targets.push(['batch validate --ndjson, one core', '>= 150 MB/s', figure, status]);
} else targets.push(['batch validate --ndjson, one core', '>= 150 MB/s', 'not measured', '-']);
if (size) {
  const total = size.totalGzip;
  const limit = size.targetBytes;
  const figure = `${kib(total)} = wasm ${kib(size.web.gzip)} + glue ${kib(size.glue.gzip)}`;
  const status = total < limit ? `MET, ${kib(limit - total)} to spare` : `MISSED by ${kib(total - limit)} (${((total / limit - 1) * 100).toFixed(0)}% over)`;
  targets.push(['gzipped wasm + JS glue', '< 110 KiB', figure, status]);
} else targets.push(['gzipped wasm + JS glue', '< 110 KiB', 'not measured', '-']);

md.push('#### Targets', '');
console.log('\ntargets (printed, never asserted; ratios are ours/baseline from the same run)');
console.log(table(['target', 'goal', 'measured', 'status'], targets, () => false));
if (node?.problems?.length) console.log(`  WARNING: the correctness checks before timing failed: ${node.problems.join('; ')}`);

writeFileSync(join(OUT, 'summary.md'), `${md.join('\n')}\n`);
