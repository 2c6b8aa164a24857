// The command line (pkg/cli.js): each command's output and exit code (0 ok,
// 1 invalid input or failed call, 2 usage), --help, --lang zh, `build`
// never printing the secret, `send` against the sandbox, the `sandbox`
// command with its log, and `validate --ndjson` on 100,000 generated lines.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import * as tl from '../../pkg/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(root, 'pkg', 'cli.js');
const S = 'taobao.logistics.station.tms.async';
const Q = 'taobao.qimen.returnpackage.report';
const SECRET = 'CLI-SECRET-do-not-print-4b1f9e';
const COMMANDS = ['apis', 'describe', 'validate', 'build', 'send', 'parse', 'sandbox'];

/** A valid payload of the API (times now). */
const samplePayload = (api, now = Date.now()) => tl.sample(api, { now });

/** Every output of every run, searched for the secret at the end. */
const transcript = [];
const baseEnv = () => {
  const env = { ...process.env };
  for (const k of ['TOP_APP_KEY', 'TOP_APP_SECRET', 'TOP_CUSTOMER_ID', 'TOP_GATEWAY', 'TOP_SESSION', 'NO_COLOR', 'FORCE_COLOR']) delete env[k];
  return env;
};
function run(args, { env = {}, input, nodeArgs = [] } = {}) {
  const r = spawnSync(process.execPath, [...nodeArgs, CLI, ...args], { env: { ...baseEnv(), ...env }, input, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  transcript.push(r.stdout, r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: r.stdout + r.stderr };
}

let dir;
let files;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'top-logistics-cli-'));
  const write = (name, value) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };
  const invalid = samplePayload(S);
  invalid.station_async_request.address.latitude = '113.475732';
  invalid.station_async_request.status = 9;
  files = {
    station: write('station.json', samplePayload(S)),
    qimen: write('qimen.json', samplePayload(Q)),
    invalid: write('invalid.json', invalid),
    notJson: write('broken.json', '{"station_async_request": '),
    ok: write('ok.json', tl.buildResponse(S, { station_async_response: { success: true, code: '200', message: 'SUCCESS', is_retry: false }, request_id: 'abc123' }, {})),
    isp: write('isp.json', tl.buildResponse(S, { error: { code: 15, msg: 'Remote service error', sub_code: 'isp.remote-service-error', request_id: 'x' } }, {})),
    qimenBody: write('qimen-body.xml', tl.buildRequest(Q, samplePayload(Q), { appKey: 'a', appSecret: 'b', customerId: 'c' }).body),
  };
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  // Secret hygiene over every run of this file.
  const all = transcript.join('\n');
  assert.ok(!all.includes(SECRET), 'the secret was printed');
});

test('--help on each command (exit 0), in English and Chinese; usage errors exit 2', () => {
  const main = run(['--help']);
  assert.equal(main.code, 0);
  for (const c of COMMANDS) assert.ok(main.stdout.includes(c), c);
  assert.match(run(['--lang', 'zh', '--help']).stdout, /命令/);
  for (const c of COMMANDS) {
    const r = run([c, '--help']);
    assert.equal(r.code, 0, c);
    assert.ok(r.stdout.startsWith(`top-logistics ${c}`), r.stdout);
    const zh = run([c, '--help', '--lang', 'zh']);
    assert.equal(zh.code, 0);
    assert.match(zh.stdout, /[\u4e00-\u9fff]/);
    assert.equal(run(['help', c]).stdout, r.stdout);
  }
  assert.equal(run([]).code, 2);
  assert.equal(run(['frobnicate']).code, 2);
  assert.equal(run(['apis', '--frobnicate']).code, 2);
  assert.equal(run(['describe']).code, 2);
  assert.equal(run(['describe', 'no.such.api']).code, 2);
  assert.equal(run(['validate', S]).code, 2);
  assert.equal(run(['apis', '--lang', 'fr']).code, 2);
  assert.match(run(['--version']).stdout.trim(), /^\d+\.\d+\.\d+/);
  // No colour when stdout is not a terminal.
  assert.ok(!run(['validate', S, files.invalid]).all.includes('\x1b['));
});

test('apis and describe', () => {
  const r = run(['apis']);
  assert.equal(r.code, 0);
  for (const a of tl.apis()) assert.ok(r.stdout.includes(a.name) && r.stdout.includes(a.title.en), a.name);
  assert.ok(run(['apis', '--lang', 'zh']).stdout.includes('驿站信息同步接口'));
  assert.deepEqual(JSON.parse(run(['apis', '--json']).stdout), tl.apis());
  const d = run(['describe', S]);
  assert.equal(d.code, 0);
  assert.match(d.stdout, /request_id\s+string\s+required/);
  assert.match(d.stdout, /idempotency key: \/station_async_request\/request_id/);
  assert.deepEqual(JSON.parse(run(['describe', S, '--json']).stdout), tl.describe(S));
});

test('validate: a valid payload 0, an invalid one 1, unreadable input 1', () => {
  const ok = run(['validate', S, files.station]);
  assert.equal(ok.code, 0, ok.all);
  assert.match(ok.stdout, /valid/);
  const bad = run(['validate', S, files.invalid]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /\/station_async_request\/address\/latitude\s+range/);
  assert.match(bad.stdout, /\/station_async_request\/status\s+enum/);
  assert.match(run(['validate', S, files.invalid, '--lang', 'zh']).stdout, /错误/);
  const json = JSON.parse(run(['validate', S, files.invalid, '--json']).stdout);
  assert.deepEqual(json, tl.validate(S, readFileSync(files.invalid, 'utf8'), {}));
  const stdin = run(['validate', Q, '-'], { input: readFileSync(files.qimen) });
  assert.equal(stdin.code, 0, stdin.all);
  assert.equal(run(['validate', S, files.notJson]).code, 1);
  assert.equal(run(['validate', S, path.join(dir, 'missing.json')]).code, 1);
});

test('build: credentials only from the environment, the secret never printed', () => {
  const env = { TOP_APP_KEY: '12345678', TOP_APP_SECRET: SECRET };
  const none = run(['build', S, files.station]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /TOP_APP_KEY and TOP_APP_SECRET/);
  const refused = run(['build', S, files.station, `--app-secret=${SECRET}`], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /only from the environment/);
  const r = run(['build', S, files.station], { env });
  assert.equal(r.code, 0, r.all);
  assert.match(r.stdout, /^POST https:\/\/eco\.taobao\.com\/router\/rest\?/m);
  assert.match(r.stdout, /^curl -sS -X POST '/m);
  assert.match(r.stdout, /sign_method=hmac-sha256/);
  const json = JSON.parse(run(['build', S, files.station, '--json', '--gateway', 'http://127.0.0.1:8787', '--sign-method', 'md5'], { env }).stdout);
  assert.ok(json.url.startsWith('http://127.0.0.1:8787/router/rest?'));
  assert.equal(json.query.sign_method, 'md5');
  assert.ok(json.curl.startsWith('curl '));
  // The request is right: the signature verifies with the secret.
  assert.ok(tl.verifySignature({ query: { ...json.query, ...Object.fromEntries(new URLSearchParams(json.body)) }, secret: SECRET }));
  // Qimen needs TOP_CUSTOMER_ID.
  assert.equal(run(['build', Q, files.qimen], { env }).code, 2);
  const q = run(['build', Q, files.qimen], { env: { ...env, TOP_CUSTOMER_ID: 'cust-1', TOP_GATEWAY: 'http://127.0.0.1:1' } });
  assert.equal(q.code, 0, q.all);
  assert.match(q.stdout, /customerId=cust-1/);
  assert.match(q.stdout, /^POST http:\/\/127\.0\.0\.1:1\/router\/qimen\/service\?/m);
  // An invalid payload: exit 1 with the report, nothing built.
  const bad = run(['build', S, files.invalid], { env });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /latitude/);
  assert.ok(!bad.stdout.includes('curl'));
  for (const out of [none, refused, r, q, bad]) assert.ok(!out.all.includes(SECRET));
});

test('parse: an answer (0 ok, 1 failure) or a request body (--request)', () => {
  const ok = run(['parse', S, files.ok]);
  assert.equal(ok.code, 0);
  assert.deepEqual(JSON.parse(ok.stdout), tl.parseResponse(S, readFileSync(files.ok, 'utf8'), {}));
  const isp = run(['parse', S, files.isp]);
  assert.equal(isp.code, 1);
  assert.equal(JSON.parse(isp.stdout).error.subCode, 'isp.remote-service-error');
  const req = run(['parse', Q, files.qimenBody, '--request']);
  assert.equal(req.code, 0, req.all);
  assert.equal(JSON.parse(req.stdout).report.ok, true);
  assert.equal(run(['parse', S, files.ok, '--format', 'yaml']).code, 2);
});

test('send against a sandbox: 0 when accepted, 1 when refused', async () => {
  const sandbox = tl.createSandbox({ appKey: '10000001', appSecret: SECRET, customerId: 'sandbox-customer' });
  const server = http.createServer(async (req, res) => {
    if (!(await sandbox.handle(req, res))) res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const gateway = `http://127.0.0.1:${server.address().port}`;
  // spawnSync would block this process, which serves the sandbox: spawn.
  const runAsync = (args, env) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { ...baseEnv(), ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => {
        transcript.push(stdout, stderr);
        resolve({ code, stdout, stderr, all: stdout + stderr });
      });
    });
  try {
    const env = { TOP_APP_KEY: '10000001', TOP_APP_SECRET: SECRET, TOP_CUSTOMER_ID: 'sandbox-customer' };
    assert.equal((await runAsync(['send', S, files.station], env)).code, 2, 'no gateway: usage');
    const ok = await runAsync(['send', S, files.station, '--gateway', gateway], env);
    assert.equal(ok.code, 0, ok.all);
    assert.match(ok.stdout, /ok\s+request_id=[0-9a-z]{13}\s+attempts: 1/);
    const q = await runAsync(['send', Q, files.qimen, '--json'], { ...env, TOP_GATEWAY: gateway });
    assert.equal(q.code, 0, q.all);
    assert.equal(JSON.parse(q.stdout).ok, true);
    const wrong = await runAsync(['send', S, files.station, '--gateway', gateway], { ...env, TOP_APP_SECRET: `${SECRET}-x` });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /25 Invalid signature/);
    const zh = await runAsync(['send', S, files.station, '--gateway', gateway, '--lang', 'zh'], { ...env, TOP_APP_SECRET: `${SECRET}-x` });
    assert.match(zh.stdout, /失败.*建议/s);
    const invalid = await runAsync(['send', S, files.invalid, '--gateway', gateway], env);
    assert.equal(invalid.code, 1);
    assert.equal(sandbox.log().length, 2);
    assert.equal(sandbox.stats().requests, 4);
  } finally {
    server.close();
    server.closeAllConnections();
    await sandbox.close();
  }
});

test('sandbox: starts, serves, logs to a file, stops on SIGTERM; --print-log prints the log', async () => {
  const logFile = path.join(dir, 'sandbox.jsonl');
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--log', logFile, '--fault-rate', '0'], {
    env: { ...baseEnv(), TOP_APP_KEY: '20000002', TOP_APP_SECRET: SECRET },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${stdout}${stderr}`)), 15_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', () => reject(new Error(`exited: ${stdout}${stderr}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    const client = new tl.TopClient({ appKey: '20000002', appSecret: SECRET, customerId: 'sandbox-customer', gateway: base });
    const s = await client.call(S, samplePayload(S));
    assert.equal(s.ok, true, JSON.stringify(s.error));
    const q = await client.call(Q, samplePayload(Q));
    assert.equal(q.ok, true, JSON.stringify(q.error));
    const log = await (await fetch(`${base}/sandbox/log`)).json();
    assert.equal(log.length, 2);
    const faults = await fetch(`${base}/sandbox/faults`, { method: 'POST', body: '{"rate":1,"kinds":["isp"]}' });
    assert.equal((await faults.json()).rate, 1);
    assert.equal((await client.call(S, samplePayload(S), { retries: 0 })).error.subCode, 'isp.remote-service-error');
    assert.equal((await fetch(`${base}/nowhere`)).status, 404);
  } finally {
    child.kill('SIGTERM');
  }
  const { code } = await exited;
  transcript.push(stdout, stderr);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /app key: 20000002/);
  assert.match(stdout, /from TOP_APP_SECRET/);
  const lines = readFileSync(logFile, 'utf8').trim().split('\n');
  assert.equal(lines.length, 2);
  assert.ok(!readFileSync(logFile, 'utf8').includes(SECRET));
  const printed = run(['sandbox', '--print-log', logFile]);
  assert.equal(printed.code, 0);
  assert.match(printed.stdout, new RegExp(`^#1 .*${S.replace(/\./g, '\\.')} key=1656674541000_001\\s+request_id=[0-9a-z]{13}$`, 'm'));
  assert.match(printed.stdout, /^#2 .*taobao\.qimen\.returnpackage\.report key=RP-20240520-000001/m);
  assert.deepEqual(run(['sandbox', '--print-log', logFile, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l).seq), [1, 2]);
  assert.equal(run(['sandbox', '--print-log', path.join(dir, 'none.jsonl')]).code, 1);
  assert.equal(run(['sandbox', '--fault-kinds', 'meteor']).code, 2);
  // The development pair is documented, not printed.
  const help = run(['sandbox', '--help']);
  assert.match(help.stdout, /10000001/);
});

test('validate --ndjson: 100,000 lines, counts per error code and failing line numbers', async (t) => {
  // Kinds by line, deterministic; each invalid kind has exactly one error.
  const station = samplePayload(S);
  const qimen = samplePayload(Q);
  const KINDS = ['valid', 'valid', 'valid', 'valid', 'qimen', 'required', 'range', 'enum', 'json', 'unknown_api', 'blank', 'qimen_format'];
  const kindOf = (i) => KINDS[(i * 7 + Math.floor(i / 13)) % KINDS.length];
  const CODE = { required: 'required', range: 'range', enum: 'enum', json: 'json', unknown_api: 'unknown_api', qimen_format: 'format' };
  const file = path.join(dir, 'batch.ndjson');
  const expected = { lines: 100_000, valid: 0, invalid: 0, blank: 0, codes: {}, failing: [] };
  const stream = createWriteStream(file);
  for (let i = 0; i < 100_000; i++) {
    const kind = kindOf(i);
    let line;
    const p = structuredClone(station);
    p.station_async_request.request_id = `line-${i + 1}`;
    if (kind === 'valid') line = { api: S, payload: p };
    else if (kind === 'qimen') line = { api: Q, payload: qimen };
    else if (kind === 'required') {
      delete p.station_async_request.supplier_id;
      line = { api: S, payload: p };
    } else if (kind === 'range') {
      p.station_async_request.address.latitude = '113.475732';
      line = { api: S, payload: p };
    } else if (kind === 'enum') {
      p.station_async_request.status = 3;
      line = { api: S, payload: p };
    } else if (kind === 'qimen_format') {
      const q = structuredClone(qimen);
      q.request.packages.package[0].logisticsCode = '顺丰速运';
      line = { api: Q, payload: q };
    } else if (kind === 'unknown_api') line = { api: 'taobao.no.such.api', payload: p };
    const text = kind === 'json' ? `{"api": "${S}", "payload": {` : kind === 'blank' ? '' : JSON.stringify(line);
    if (!stream.write(`${text}\n`)) await new Promise((resolve) => stream.once('drain', resolve));
    if (kind === 'blank') expected.blank += 1;
    else if (kind === 'valid' || kind === 'qimen') expected.valid += 1;
    else {
      expected.invalid += 1;
      expected.codes[CODE[kind]] = (expected.codes[CODE[kind]] ?? 0) + 1;
      expected.failing.push(i + 1);
    }
  }
  await new Promise((resolve) => stream.end(resolve));
  // The kinds give one error each (checked on one line of each).
  for (const kind of ['required', 'range', 'enum', 'qimen_format']) {
    const i = expected.failing.find((n) => kindOf(n - 1) === kind) - 1;
    const line = JSON.parse(readFileSync(file, 'utf8').split('\n')[i]);
    assert.deepEqual(tl.validate(line.api, line.payload, {}).errors.map((e) => e.code), [CODE[kind]], kind);
  }

  const t0 = Date.now();
  // A small heap: the file (about 50 MB) must be streamed, not held.
  const r = run(['validate', '--ndjson', file, '--json', '--failures', '100'], { nodeArgs: ['--max-old-space-size=48'] });
  const ms = Date.now() - t0;
  assert.equal(r.code, 1, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.lines, expected.lines);
  assert.equal(summary.valid, expected.valid);
  assert.equal(summary.invalid, expected.invalid);
  assert.equal(summary.blank, expected.blank);
  assert.deepEqual(summary.codes, expected.codes);
  assert.deepEqual(summary.failures.map((f) => f.line), expected.failing.slice(0, 100));
  for (const f of summary.failures) assert.equal(f.errors[0].code, CODE[kindOf(f.line - 1)], `line ${f.line}`);
  t.diagnostic(`ndjson: 100000 lines validated in ${ms} ms (${expected.invalid} invalid)`);

  // The text report: the counts and the first 20 failing lines; no progress bar (stderr is not a terminal).
  const text = run(['validate', '--ndjson', file]);
  assert.equal(text.code, 1);
  for (const [code, n] of Object.entries(expected.codes)) assert.match(text.stdout, new RegExp(`^  ${code}\\s+${n}$`, 'm'));
  assert.match(text.stdout, new RegExp(`100000 line\\(s\\): ${expected.valid} valid, ${expected.invalid} invalid, ${expected.blank} blank`));
  const listed = [...text.stdout.matchAll(/^ {2}line (\d+): /gm)].map((m) => Number(m[1]));
  assert.deepEqual(listed, expected.failing.slice(0, 20));
  assert.equal(text.stderr, '');
});

test('validate --ndjson with the API given, from stdin; exit 0 when every line is valid', () => {
  const p = samplePayload(S);
  const good = `${JSON.stringify(p)}\n${JSON.stringify(p)}\n`;
  const ok = run(['validate', S, '--ndjson', '-', '--json'], { input: good });
  assert.equal(ok.code, 0, ok.all);
  assert.deepEqual(JSON.parse(ok.stdout), { lines: 2, valid: 2, invalid: 0, blank: 0, codes: {}, failures: [] });
  const bad = { ...p, station_async_request: { ...p.station_async_request, status: 5 } };
  const long = `{"station_async_request": "${'x'.repeat(5000)}"}`;
  const mixed = run(['validate', S, '--ndjson', '-', '--json', '--max-line-bytes', '4096'], { input: `${JSON.stringify(bad)}\r\n${long}\n\n${JSON.stringify(p)}` });
  assert.equal(mixed.code, 1);
  const s = JSON.parse(mixed.stdout);
  assert.equal(s.lines, 4);
  assert.deepEqual(s.codes, { enum: 1, line_too_long: 1 });
  assert.deepEqual(s.failures.map((f) => f.line), [1, 2]);
  assert.equal(s.blank, 1);
  assert.match(run(['validate', S, '--ndjson', '-', '--lang', 'zh'], { input: JSON.stringify(bad) }).stdout, /共 1 行/);
  // A limit far below one read: lines that start and end inside a piece are
  // measured too (exactly the limit passes, one byte more does not).
  const line = JSON.stringify(p);
  const tight = run(['validate', S, '--ndjson', '-', '--json', '--max-line-bytes', String(Buffer.byteLength(line))], {
    input: `${line}
${line} 

${line}
${line}  
${line}`,
  });
  const t = JSON.parse(tight.stdout);
  assert.equal(t.lines, 6);
  assert.deepEqual(t.codes, { line_too_long: 2 });
  assert.deepEqual(t.failures.map((f) => f.line), [2, 5]);
  assert.equal(t.valid, 3);
  assert.equal(t.blank, 1);
});

test('on a terminal: colour (unless NO_COLOR) and the progress bar on stderr', (t) => {
  // `script` (util-linux) runs the command on a pseudo-terminal.
  if (spawnSync('script', ['--version'], { encoding: 'utf8' }).error) {
    t.skip('no `script` command to make a terminal');
    return;
  }
  const batch = path.join(dir, 'tty.ndjson');
  const p = samplePayload(S);
  const bad = { ...p, station_async_request: { ...p.station_async_request, status: 5 } };
  writeFileSync(batch, Array.from({ length: 3000 }, (_, i) => JSON.stringify(i % 3 ? p : bad)).join('\n'));
  const onTty = (command, env = {}) => {
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { env: { ...baseEnv(), ...env }, encoding: 'utf8', timeout: 60_000 });
    transcript.push(r.stdout ?? '', r.stderr ?? '');
    return r;
  };
  const q = (s) => `'${s}'`;
  const coloured = onTty(`${q(process.execPath)} ${q(CLI)} validate ${S} ${q(files.invalid)}`);
  assert.equal(coloured.status, 1);
  assert.match(coloured.stdout, /\x1b\[31m/);
  const plain = onTty(`${q(process.execPath)} ${q(CLI)} validate ${S} ${q(files.invalid)}`, { NO_COLOR: '1' });
  assert.ok(!plain.stdout.includes('\x1b['), plain.stdout);
  const progress = onTty(`${q(process.execPath)} ${q(CLI)} validate ${S} --ndjson ${q(batch)}`, { NO_COLOR: '1' });
  assert.equal(progress.status, 1);
  assert.match(progress.stdout, /\r\[#*\.*\] +\d+% \d+ lines/);
  assert.match(progress.stdout, /3000 line\(s\): 2000 valid, 1000 invalid/);
});
