// TopClient (pkg/client.js) against the sandbox gateway (pkg/sandbox.js) on
// 127.0.0.1 and against scripted fetch stubs: every API accepted, signature
// and timestamp failures, multipart bodies, dryRun, validation before any
// send, retries with one idempotency key, timeouts, secret hygiene, types.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { after, before, beforeEach, test } from 'node:test';

import * as tl from '../../pkg/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const S = 'taobao.logistics.station.tms.async';
const Q = 'taobao.qimen.returnpackage.report';
const APP_KEY = '10000001';
const SECRET = 'CLIENT-test-secret-55aa91';
const CUSTOMER = 'sandbox-customer';

/** A valid payload of the API (times now). */
const samplePayload = (api, now = Date.now()) => tl.sample(api, { now });

let sandbox;
let server;
let base;
before(async () => {
  sandbox = tl.createSandbox({ appKey: APP_KEY, appSecret: SECRET, customerId: CUSTOMER });
  server = http.createServer(async (req, res) => {
    if (!(await sandbox.handle(req, res))) res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  server.close();
  server.closeAllConnections();
  await sandbox.close();
});
beforeEach(() => {
  sandbox.setFaults({ rate: 0 });
  sandbox.reset();
});

const client = (opts = {}) => new tl.TopClient({ appKey: APP_KEY, appSecret: SECRET, customerId: CUSTOMER, gateway: base, timeoutMs: 5000, ...opts });

/** A fetch stub answering from a script of (request) => Response | Error; records every request. */
function scripted(script) {
  const seen = [];
  const f = async (url, init) => {
    seen.push({ url, ...init });
    const step = script[Math.min(seen.length - 1, script.length - 1)];
    const r = typeof step === 'function' ? await step(url, init) : step;
    if (r instanceof Error) throw r;
    return r;
  };
  f.seen = seen;
  return f;
}
const stationOk = () => new Response(tl.buildResponse(S, { station_async_response: { success: true, code: '200', message: 'SUCCESS', is_retry: false }, request_id: 'r1' }, {}), { status: 200 });
const topError = (error, status = 200) => () => new Response(tl.buildResponse(S, { error }, {}), { status });

test('every API goes through TopClient.call and is accepted (json and xml)', async () => {
  const c = client();
  let n = 0;
  for (const api of tl.apis()) {
    for (const format of ['json', 'xml']) {
      const payload = samplePayload(api.name);
      const key = tl.describe(api.name).idempotencyKey;
      // A fresh idempotency key per call, so that both are applied.
      if (key) {
        const segs = key.slice(1).split('/');
        const parent = segs.slice(0, -1).reduce((o, s) => o[s], payload);
        parent[segs.at(-1)] = `${format}-${Date.now()}-${n}`;
      }
      const r = await c.call(api.name, payload, { format });
      assert.equal(r.ok, true, `${api.name} ${format}: ${JSON.stringify(r.error)}`);
      assert.equal(r.attempts, 1);
      assert.equal(r.httpStatus, 200);
      assert.match(r.requestId, /^[0-9a-z]{13}$/);
      n += 1;
    }
  }
  const log = sandbox.log();
  assert.equal(log.length, n);
  assert.deepEqual(new Set(log.map((e) => e.api)), new Set(tl.apis().map((a) => a.name)));
  // The success data is the API's own: e.g. the station API's flag.
  const station = await c.call(S, samplePayload(S), { idempotencyKey: undefined });
  assert.equal(station.data.station_async_response.success, true);
});

test('a bare origin or one URL per protocol as the gateway', async () => {
  for (const gateway of [base, `${base}/`, { top: `${base}/router/rest`, qimen: `${base}/router/qimen/service` }]) {
    const c = client({ gateway });
    const s = samplePayload(S);
    s.station_async_request.request_id = `gw-${Math.random()}`;
    assert.equal((await c.call(S, s)).ok, true);
    const q = samplePayload(Q);
    q.request.order.outBizCode = `gw-${Math.random()}`;
    assert.equal((await c.call(Q, q)).ok, true);
  }
  assert.throws(() => client({ gateway: 'not a url' }), { code: 'invalid_option' });
});

test('a wrong secret: code 25, not retried', async () => {
  const c = client({ appSecret: 'not-the-secret', retries: 3 });
  const r = await c.call(S, samplePayload(S));
  assert.equal(r.ok, false);
  assert.equal(r.error.code, '25');
  assert.equal(r.error.retryable, false);
  assert.equal(r.attempts, 1);
  assert.equal(sandbox.stats().requests, 1);
  const q = await c.call(Q, samplePayload(Q));
  assert.equal(q.error.code, 'sign-check-failure');
  assert.equal(q.attempts, 1);
  assert.equal(sandbox.log().length, 0);
});

test('a timestamp 20 minutes off: code 31', async () => {
  const c = client({ retries: 3 });
  for (const timestamp of [Date.now() - 20 * 60_000, Date.now() + 20 * 60_000, new Date(Date.now() - 20 * 60_000)]) {
    const r = await c.call(S, samplePayload(S), { timestamp });
    assert.equal(r.error.code, '31');
    assert.equal(r.attempts, 1);
  }
  const q = await c.call(Q, samplePayload(Q), { timestamp: Date.now() - 20 * 60_000 });
  assert.equal(q.error.code, 'invalid-timestamp');
  assert.equal(sandbox.log().length, 0);
});

test('multipart/form-data bodies (as the official Node SDK sends) are accepted', async () => {
  for (const signMethod of ['md5', 'hmac', 'hmac-sha256']) {
    const built = tl.buildRequest(S, samplePayload(S), { appKey: APP_KEY, appSecret: SECRET, signMethod, gateway: `${base}/router/rest` });
    // Everything, sign included, as form fields; nothing in the query.
    const form = new FormData();
    for (const [k, v] of Object.entries(built.query)) form.append(k, v);
    for (const [k, v] of new URLSearchParams(built.body)) form.append(k, v);
    form.append('image', new Blob([new Uint8Array([1, 2, 3])]), 'photo.png'); // a file: not signed
    const res = await fetch(`${base}/router/rest`, { method: 'POST', body: form });
    const parsed = tl.parseResponse(S, await res.text(), {});
    assert.equal(parsed.ok, true, `${signMethod}: ${JSON.stringify(parsed.error)}`);
  }
  // A tampered multipart value fails the signature.
  const built = tl.buildRequest(S, samplePayload(S), { appKey: APP_KEY, appSecret: SECRET, gateway: `${base}/router/rest` });
  const form = new FormData();
  for (const [k, v] of Object.entries(built.query)) form.append(k, v);
  for (const [k, v] of new URLSearchParams(built.body)) form.append(k, v.replace('测试驿站', '别的驿站'));
  const res = await fetch(`${base}/router/rest`, { method: 'POST', body: form });
  assert.equal(tl.parseResponse(S, await res.text(), {}).error.code, '25');
});

test('dryRun returns the signed request and sends nothing', async () => {
  const f = scripted([stationOk]);
  const c = client({ fetch: f });
  const req = await c.call(S, samplePayload(S), { dryRun: true });
  assert.equal(f.seen.length, 0);
  assert.ok(req.url.startsWith(`${base}/router/rest?`));
  assert.equal(req.method, 'POST');
  assert.match(req.sign, /^[0-9A-F]{64}$/);
  assert.equal(req.query.sign, req.sign);
  assert.ok(req.body.includes('station_async_request='));
  assert.ok(!JSON.stringify(req).includes(SECRET));
  // Against the sandbox: its log stays empty, no request arrives.
  const real = client();
  await real.call(S, samplePayload(S), { dryRun: true });
  await real.call(Q, samplePayload(Q), { dryRun: true });
  assert.equal(sandbox.log().length, 0);
  assert.equal(sandbox.stats().requests, 0);
  // What dryRun returns is what would be sent: send it by hand.
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  assert.equal(tl.parseResponse(S, await res.text(), {}).ok, true);
});

test('an invalid payload is never sent: the buildRequest error is thrown first', async () => {
  const f = scripted([stationOk]);
  const payload = samplePayload(S);
  payload.station_async_request.address.latitude = '113.475732';
  await assert.rejects(client({ fetch: f }).call(S, payload), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'invalid_payload');
    assert.equal(e.report.errors[0].path, '/station_async_request/address/latitude');
    return true;
  });
  assert.equal(f.seen.length, 0);
  await assert.rejects(client().call(S, payload), { code: 'invalid_payload' });
  await assert.rejects(client().call(S, '{not json'), { code: 'bad_argument' });
  await assert.rejects(client().call('no.such.api', {}), { code: 'unknown_api' });
  assert.equal(sandbox.stats().requests, 0);
});

test('an empty idempotency key is filled once; every retry sends the same body', async () => {
  const drop = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET', message: 'other side closed' } });
  const f = scripted([drop, () => new Response('', { status: 503 }), () => new Response('{"logistics_station_tms_async_resp', { status: 200 }), stationOk]);
  const payload = samplePayload(S);
  payload.station_async_request.request_id = '';
  const retries = [];
  const c = client({ fetch: f, retries: 5, backoffMs: 1, maxBackoffMs: 5, onRetry: (i) => retries.push(i) });
  const r = await c.call(S, payload);
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.attempts, 4);
  assert.match(r.idempotencyKey, /^[0-9a-f]{32}$/);
  assert.equal(payload.station_async_request.request_id, '', "the caller's payload is not changed");
  assert.equal(f.seen.length, 4);
  const bodies = new Set(f.seen.map((s) => s.body));
  assert.equal(bodies.size, 1, 'the business body changed between attempts');
  const sent = tl.parseRequest(S, f.seen[0].body, {}).payload;
  assert.equal(sent.station_async_request.request_id, r.idempotencyKey);
  // Fresh timestamp and signature per attempt are allowed; the key is not.
  for (const s of f.seen) assert.equal(new URL(s.url).searchParams.get('method'), S);
  assert.deepEqual(retries.map((i) => i.error.code), ['network_error', 'http_error', 'malformed_response']);
  assert.ok(retries.every((i) => i.idempotencyKey === r.idempotencyKey));

  // options.idempotencyKey fills it; a different one than the payload's is refused.
  const g = scripted([stationOk]);
  const own = await client({ fetch: g }).call(S, payload, { idempotencyKey: 'my-key-1' });
  assert.equal(own.idempotencyKey, 'my-key-1');
  assert.equal(tl.parseRequest(S, g.seen[0].body, {}).payload.station_async_request.request_id, 'my-key-1');
  const full = samplePayload(S);
  await assert.rejects(client({ fetch: g }).call(S, full, { idempotencyKey: 'other' }), { code: 'invalid_option' });
  // JSON text: used as given when it has its key, filled in when not.
  const h = scripted([stationOk]);
  const withKey = await client({ fetch: h }).call(S, JSON.stringify(samplePayload(S)));
  assert.equal(withKey.idempotencyKey, '1656674541000_001');
  const withoutKey = await client({ fetch: h }).call(S, JSON.stringify(payload));
  assert.match(withoutKey.idempotencyKey, /^[0-9a-f]{32}$/);
  assert.equal(tl.parseRequest(S, h.seen[1].body, {}).payload.station_async_request.request_id, withoutKey.idempotencyKey);
  // The Qimen key (outBizCode), against the sandbox.
  const q = samplePayload(Q);
  delete q.request.order.outBizCode;
  const qr = await client().call(Q, q);
  assert.equal(qr.ok, true, JSON.stringify(qr.error));
  assert.equal(sandbox.log().at(-1).idempotencyKey, qr.idempotencyKey);
});

test('retries only what may succeed: isp and 5xx yes, isv and 25 no', async () => {
  const isp = topError({ code: 15, msg: 'Remote service error', sub_code: 'isp.remote-service-error' });
  const isv = topError({ code: 15, msg: 'Remote service error', sub_code: 'isv.invalid-parameter', sub_msg: 'x' });
  let f = scripted([isp, isp, stationOk]);
  let r = await client({ fetch: f, retries: 3, backoffMs: 1 }).call(S, samplePayload(S));
  assert.equal(r.ok, true);
  assert.equal(r.attempts, 3);
  f = scripted([isv, stationOk]);
  r = await client({ fetch: f, retries: 3, backoffMs: 1 }).call(S, samplePayload(S));
  assert.equal(r.error.subCode, 'isv.invalid-parameter');
  assert.equal(r.attempts, 1);
  // Exhausted: the last parsed failure is kept, with the count.
  f = scripted([isp]);
  r = await client({ fetch: f, retries: 2, backoffMs: 1 }).call(S, samplePayload(S));
  assert.equal(r.ok, false);
  assert.equal(r.attempts, 3);
  assert.equal(r.error.code, '15');
  assert.equal(r.error.subCode, 'isp.remote-service-error');
  assert.equal(f.seen.length, 3);
  // An HTML 502 page, then a 500 with an error envelope: both retried.
  f = scripted([() => new Response('<html><head><title>502 Bad Gateway</title></head></html>', { status: 502 }), topError({ code: 10, msg: 'Service unavailable' }, 500), stationOk]);
  r = await client({ fetch: f, retries: 2, backoffMs: 1 }).call(S, samplePayload(S));
  assert.equal(r.ok, true);
  assert.equal(r.attempts, 3);
  // Another API's answer is not a transient fault.
  f = scripted([() => new Response('{"other_api_response":{}}')]);
  r = await client({ fetch: f, retries: 2, backoffMs: 1 }).call(S, samplePayload(S));
  assert.equal(r.error.subCode, 'wrong_envelope');
  assert.equal(r.attempts, 1);
});

test('back-off: full jitter under an exponential ceiling, at least retryAfterMs', async () => {
  const limit = topError({ code: 7, msg: 'App Call Limited', sub_code: 'accesscontrol.limited-by-app-access-count', sub_msg: 'This ban will last for 1 more seconds' });
  const isp = topError({ code: 15, msg: 'Remote service error', sub_code: 'isp.remote-service-error' });
  const delays = [];
  let f = scripted([isp, isp, isp, isp, stationOk]);
  await client({ fetch: f, retries: 5, backoffMs: 10, maxBackoffMs: 25, random: () => 0.999, onRetry: (i) => delays.push(i.delayMs) }).call(S, samplePayload(S));
  assert.deepEqual(delays, [9, 19, 24, 24]);
  delays.length = 0;
  f = scripted([limit, stationOk]);
  const t0 = Date.now();
  const r = await client({ fetch: f, retries: 2, backoffMs: 1, random: () => 0, onRetry: (i) => delays.push(i.delayMs) }).call(S, samplePayload(S));
  assert.equal(r.ok, true);
  assert.deepEqual(delays, [1000]);
  assert.ok(Date.now() - t0 >= 990, 'retryAfterMs was not honoured');
  // A ban longer than maxRetryAfterMs ends the retries.
  f = scripted([limit, stationOk]);
  const long = await client({ fetch: f, retries: 2, maxRetryAfterMs: 500 }).call(S, samplePayload(S));
  assert.equal(long.error.code, '7');
  assert.equal(long.error.retryAfterMs, 1000);
  assert.equal(long.attempts, 1);
});

test('each attempt has its timeout; a delayed request the client gave up on is not applied', async () => {
  sandbox.setFaults({ rate: 1, kinds: ['delay'], delayMs: 600 });
  const r = await client({ timeoutMs: 150, retries: 1, backoffMs: 1 }).call(S, samplePayload(S));
  assert.equal(r.ok, false);
  assert.equal(r.error.code, 'timeout');
  assert.equal(r.error.retryable, true);
  assert.equal(r.attempts, 2);
  await new Promise((resolve) => setTimeout(resolve, 700)); // past the sandbox's delay
  assert.equal(sandbox.log().length, 0);
  // The caller's own signal aborts the call.
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('caller gave up')), 50);
  await assert.rejects(client({ timeoutMs: 5000 }).call(S, samplePayload(S), { signal: controller.signal }), /caller gave up/);
});

test('network errors are retried and reported with the attempts', async () => {
  const closed = http.createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = closed.address().port;
  await new Promise((resolve) => closed.close(resolve));
  const r = await client({ gateway: `http://127.0.0.1:${port}`, retries: 2, backoffMs: 1 }).call(S, samplePayload(S));
  assert.equal(r.ok, false);
  assert.equal(r.error.code, 'network_error');
  assert.equal(r.error.subCode, 'ECONNREFUSED');
  assert.equal(r.attempts, 3);
  // Dropped connections (a sandbox fault), then success.
  sandbox.setFaults({ rate: 1, kinds: ['drop'] });
  const f = scripted([(url, init) => fetch(url, init), (url, init) => {
    sandbox.setFaults({ rate: 0 });
    return fetch(url, init);
  }]);
  const ok = await client({ fetch: f, retries: 2, backoffMs: 1 }).call(S, samplePayload(S));
  assert.equal(ok.ok, true, JSON.stringify(ok.error));
  assert.equal(ok.attempts, 2);
});

test('secret hygiene: the secret is in nothing returned, thrown or logged', async () => {
  const secret = 'HYGIENE-client-9c4e2b71';
  const printed = [];
  const saved = {};
  for (const k of ['log', 'info', 'warn', 'error', 'debug']) {
    saved[k] = console[k];
    console[k] = (...args) => printed.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' '));
  }
  const seen = [];
  const sb = tl.createSandbox({ appKey: APP_KEY, appSecret: secret, customerId: CUSTOMER });
  const s = http.createServer(async (req, res) => {
    if (!(await sb.handle(req, res))) res.writeHead(404).end();
  });
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const gw = `http://127.0.0.1:${s.address().port}`;
  try {
    const good = new tl.TopClient({ appKey: APP_KEY, appSecret: secret, customerId: CUSTOMER, gateway: gw, retries: 1, backoffMs: 1, onRetry: (i) => seen.push(i) });
    const wrong = new tl.TopClient({ appKey: APP_KEY, appSecret: `${secret}-wrong`, customerId: CUSTOMER, gateway: gw });
    seen.push(good, inspect(good), JSON.stringify(good), String(good), Object.keys(good));
    console.log(good);
    seen.push(await good.call(S, samplePayload(S)));
    seen.push(await good.call(Q, samplePayload(Q)));
    seen.push(await good.call(S, samplePayload(S), { dryRun: true }));
    seen.push(await wrong.call(S, samplePayload(S)));
    seen.push(await wrong.call(Q, samplePayload(Q)));
    sb.setFaults({ rate: 1, kinds: ['isp'] });
    seen.push(await good.call(S, samplePayload(S)));
    sb.setFaults({ rate: 0 });
    const bad = samplePayload(S);
    bad.station_async_request.status = 7;
    for (const p of [bad, '{oops', { station_async_request: secret }]) {
      try {
        await good.call(S, p);
      } catch (e) {
        seen.push(e, e.message, e.stack, JSON.stringify(e), inspect(e, { depth: 8 }));
        console.error(e);
      }
    }
    // A secret of the wrong type is refused without being quoted.
    try {
      new tl.TopClient({ appKey: APP_KEY, appSecret: 123456789 });
    } catch (e) {
      seen.push(e.message, e.stack);
      assert.ok(!e.message.includes('123456789'));
    }
    seen.push(await new tl.TopClient({ appKey: APP_KEY, appSecret: secret, gateway: 'http://127.0.0.1:9', retries: 0 }).call(S, samplePayload(S)));
    seen.push(sb.log(), sb.stats());
  } finally {
    Object.assign(console, saved);
    s.close();
    s.closeAllConnections();
    await sb.close();
  }
  assert.ok(seen.length > 15);
  const everything = [...printed, ...seen.map((v) => (typeof v === 'string' ? v : `${inspect(v, { depth: 12, showHidden: true })} ${JSON.stringify(v)}`))].join('\n');
  assert.ok(!everything.includes(secret), 'the secret leaked');
  assert.ok(everything.includes('Invalid signature') && everything.includes('invalid_payload'));
});

test('CommonJS: require() gives the same API', () => {
  const cjs = createRequire(import.meta.url)('../../pkg');
  assert.equal(typeof cjs.TopClient, 'function');
  assert.equal(typeof cjs.qimenHandler, 'function');
  assert.equal(typeof cjs.createSandbox, 'function');
  const req = new cjs.TopClient({ appKey: 'k', appSecret: 's' });
  assert.equal(req.appKey, 'k');
});

test('TypeScript: the declarations of TopClient, qimenHandler and createSandbox', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'top-logistics-client-'));
  try {
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(path.join(root, 'pkg'), path.join(dir, 'node_modules', 'top-logistics'), 'dir');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2022'], strict: true, noEmit: true, skipLibCheck: false, types: [] } }),
    );
    writeFileSync(
      path.join(dir, 'a.mts'),
      `import { TopClient, qimenHandler, createSandbox, type CallResult, type DryRunRequest, type Sandbox } from 'top-logistics';
const client = new TopClient({ appKey: 'k', appSecret: 's', gateway: { top: 'http://127.0.0.1:8787/router/rest' }, timeoutMs: 1000, retries: 3 });
const r: CallResult = await client.call('taobao.qimen.returnpackage.report', { request: { order: { orderCode: 'a', warehouseCode: 'b', outBizCode: 'c', ownerCode: 'd' } } });
const ok: boolean = r.ok && r.attempts > 0;
const d: DryRunRequest = await client.call('taobao.qimen.returnpackage.report', '{}', { dryRun: true });
// @ts-expect-error a field the API does not have
await client.call('taobao.logistics.station.tms.async', { nope: 1 });
// @ts-expect-error appSecret is required
new TopClient({ appKey: 'k' });
const h = qimenHandler({ appSecret: 's', onRequest: async (api, payload) => ({ flag: 'failure', code: 'x', message: String(payload) }) });
const sb: Sandbox = createSandbox({ faults: { rate: 0.3, kinds: ['isp', 'lost-response'], seed: 1 } });
sb.setFaults({ rate: 0 });
export { ok, d, h };
`,
    );
    writeFileSync(
      path.join(dir, 'b.cts'),
      `import tl = require('top-logistics');
const c = new tl.TopClient({ appKey: 'k', appSecret: 's' });
const s: tl.Sandbox = tl.createSandbox();
export = [c, s];
`,
    );
    try {
      execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
    } catch (error) {
      assert.fail(`tsc found errors:\n${error.stdout}${error.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
