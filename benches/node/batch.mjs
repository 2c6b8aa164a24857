// The batch benchmark: `top-logistics validate --ndjson FILE` (pkg/cli.js)
// against the JSON.parse + Ajv loop of batch-baseline.mjs over the same
// generated file, each as its own Node process (start-up included). Prints
// MB/s by wall-clock time and by CPU time (user + sys of the process: what
// one core does, less what the shared machine took away), and writes them to
// bench-output/batch.json.
//
//   node benches/node/batch.mjs [FILE]   (default bench-output/batch.ndjson)

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FILE = process.argv[2] ?? join(ROOT, 'bench-output', 'batch.ndjson');
const ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 2);
const CLI = join(ROOT, 'pkg', 'cli.js');
const bytes = statSync(FILE).size;

/** Runs `node ...args` under bash, whose `times` gives the child's CPU time. */
function run(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', 'node "$@"; s=$?; times >&2; exit $s', 'bash', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const times = r.stderr.trim().split('\n').slice(-1)[0].match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
  const cpu = times ? Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]) : NaN;
  let summary = null;
  try {
    summary = JSON.parse(r.stdout);
  } catch {
    throw new Error(`node ${args.join(' ')} exited ${r.status} without a JSON summary:\n${r.stdout.slice(0, 500)}\n${r.stderr.slice(0, 2000)}`);
  }
  return { wall, cpu, summary };
}

readFileSync(FILE); // into the page cache, so that neither side pays the disk

const haveCli = existsSync(CLI);
const ours = haveCli
  ? { name: 'top-logistics validate --ndjson (pkg/cli.js)', args: [CLI, 'validate', '--ndjson', FILE, '--json', '--failures', '0'] }
  : { name: 'package validate() over the lines (pkg/cli.js missing)', args: [join(ROOT, 'benches/node/batch-baseline.mjs'), '--package', FILE] };
const base = { name: 'JSON.parse + Ajv, line by line', args: [join(ROOT, 'benches/node/batch-baseline.mjs'), FILE] };
// The crossing question for batches: the payload as text (sliced from the line) instead of JSON.parse + object.
const text = { name: 'package validate(payload text) per line', args: [join(ROOT, 'benches/node/batch-baseline.mjs'), '--package-text', FILE] };

const best = new Map();
for (let r = 0; r < ROUNDS; r += 1) {
  for (const side of r % 2 === 0 ? [ours, base, text] : [text, base, ours]) {
    const res = run(side.args);
    const prev = best.get(side);
    if (!prev || res.wall < prev.wall) best.set(side, res);
  }
}
const mb = bytes / 1e6;
const row = (side) => {
  const r = best.get(side);
  const s = r.summary;
  return {
    name: side.name,
    wallS: r.wall,
    cpuS: r.cpu,
    mbPerSWall: mb / r.wall,
    mbPerSCpu: mb / r.cpu,
    lines: s.lines,
    valid: s.valid,
    invalid: s.invalid,
  };
};
const o = row(ours);
const b = row(base);
const t = row(text);
const fmt = (x) => `${x.name.padEnd(48)} ${x.wallS.toFixed(2).padStart(6)} s wall ${x.mbPerSWall.toFixed(1).padStart(6)} MB/s   ${x.cpuS.toFixed(2).padStart(6)} s cpu ${x.mbPerSCpu.toFixed(1).padStart(6)} MB/s   ${x.lines} lines: ${x.valid} valid, ${x.invalid} invalid`;
console.log(`batch: ${FILE.replace(`${ROOT}/`, '')}, ${mb.toFixed(1)} MB; best of ${ROUNDS} run(s) each, start-up included`);
if (!haveCli) console.log('note: pkg/cli.js does not exist yet; "ours" is a loop over the lines with the package\'s validate()');
console.log(`  ${fmt(o)}`);
console.log(`  ${fmt(b)}`);
console.log(`  ${fmt(t)}`);
console.log(`  ratio ours/baseline (MB/s, cpu): ${(o.mbPerSCpu / b.mbPerSCpu).toFixed(2)}x; payload text instead of JSON.parse + object: ${(t.mbPerSCpu / o.mbPerSCpu).toFixed(2)}x the CLI's MB/s; the two count differently: Ajv checks only what JSON Schema can say (no formats, phones, JSON-in-strings, times)`);
writeFileSync(join(ROOT, 'bench-output', 'batch.json'), JSON.stringify({ bytes, rounds: ROUNDS, haveCli, ours: o, baseline: b, packageText: t }, null, 2));
