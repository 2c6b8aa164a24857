// The sandbox gateway (pkg/sandbox.js) on 127.0.0.1: system parameters,
// codes and envelopes like the platform's, idempotency, the append-only log,
// the control endpoints, each fault kind, seeded reproducibility, and the
// fault test: 1,000 payloads under 30% faults, none lost, none applied twice.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';

import * as tl from '../../pkg/index.js';

const S = 'taobao.logistics.station.tms.async';
const Q = 'taobao.qimen.returnpackage.report';
const L = 'cainiao.endpoint.locker.top.order.tracking.new';
const APP_KEY = '10000001';
const SECRET = 'SANDBOX-test-secret-0d1e';
const CUSTOMER = 'sandbox-customer';

/** A valid payload of the API (times now). */
const samplePayload = (api, now = Date.now()) => tl.sample(api, { now });

async function start(options) {
  const sandbox = tl.createSandbox(options);
  const server = http.createServer(async (req, res) => {
    if (!(await sandbox.handle(req, res))) res.writeHead(404, { 'content-type': 'text/plain' }).end('not mine');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const stop = async () => {
    server.close();
    server.closeAllConnections();
    await sandbox.close();
  };
  return { sandbox, server, base, stop };
}

let dir;
let sb;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'top-logistics-sandbox-'));
  sb = await start({ appKey: APP_KEY, appSecret: SECRET, customerId: CUSTOMER, logFile: path.join(dir, 'log.jsonl') });
});
/** Every answer of this file, searched for the secret at the end. */
const answers = [];
after(async () => {
  assert.ok(answers.length > 50);
  assert.ok(!answers.join('\n').includes(SECRET), 'the secret was in an answer');
  await sb.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  sb.sandbox.setFaults({ rate: 0 });
  sb.sandbox.reset();
});

const buildTop = (api, payload, opts = {}) =>
  tl.buildRequest(api, payload, { appKey: APP_KEY, appSecret: SECRET, gateway: `${sb.base}/router/rest`, ...opts });
const buildQimen = (payload, opts = {}) =>
  tl.buildRequest(Q, payload, { appKey: APP_KEY, appSecret: SECRET, customerId: CUSTOMER, gateway: `${sb.base}/router/qimen/service`, ...opts });

/** The request with its query changed (`undefined` removes) and signed again (unless `sign` is given). */
function resign(req, changes, { secret = SECRET, qimen = false } = {}) {
  const query = { ...req.query };
  delete query.sign;
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete query[k];
    else query[k] = v;
  }
  if (!('sign' in changes)) {
    const params = qimen ? query : { ...query, ...Object.fromEntries(new URLSearchParams(req.body)) };
    const method = /^(md5|hmac|hmac-sha256)$/.test(query.sign_method ?? '') ? query.sign_method : 'md5';
    query.sign = tl.sign(params, secret, method, qimen ? req.body : undefined);
  } else if (changes.sign === undefined) {
    delete query.sign;
  }
  const url = new URL(req.url);
  url.search = new URLSearchParams(query).toString();
  return { ...req, url: String(url), query };
}

async function send(req, api = S) {
  const res = await fetch(req.url, { method: req.method ?? 'POST', headers: req.headers, body: req.body });
  const text = await res.text();
  answers.push(text, JSON.stringify([...res.headers]));
  return { status: res.status, text, parsed: tl.parseResponse(api, text, {}) };
}

test('handle() answers false for paths that are not its own', async () => {
  const res = await fetch(`${sb.base}/elsewhere`);
  assert.equal(res.status, 404);
  assert.equal(await res.text(), 'not mine');
});

test('TOP system parameters: each missing or wrong one has the platform code', async () => {
  const req = buildTop(S, samplePayload(S));
  const cases = [
    [{ method: undefined }, '21'],
    [{ app_key: undefined }, '28'],
    [{ app_key: '99999999' }, '29'],
    [{ method: 'taobao.no.such.api' }, '22'],
    [{ method: Q }, '22'],
    [{ timestamp: undefined }, '30'],
    [{ timestamp: '2024-13-01 00:00:00' }, '31'],
    [{ v: undefined }, '32'],
    [{ v: '3.0' }, '34'],
    [{ sign_method: undefined }, '40'],
    [{ sign_method: 'sha1', sign: 'AAAA' }, '41'],
    [{ sign: undefined }, '24'],
    [{ sign: 'DEADBEEF' }, '25'],
  ];
  for (const [change, code] of cases) {
    const r = await send(resign(req, change));
    assert.equal(r.parsed.ok, false, JSON.stringify(change));
    assert.equal(r.parsed.error.code, code, `${JSON.stringify(change)}: ${r.text}`);
    assert.ok(r.text.startsWith('{"error_response":'), r.text);
  }
  // format: missing (40) and unknown (23) are answered in XML, the gateway's default.
  for (const [change, code] of [[{ format: undefined }, '40'], [{ format: 'yaml' }, '23']]) {
    const r = await send(resign(req, change));
    assert.ok(r.text.startsWith('<?xml'), r.text);
    assert.equal(r.parsed.error.code, code);
  }
  assert.equal(sb.sandbox.log().length, 0);
});

test('TOP: every sign method, both timestamp forms, JSON and XML answers, simplify', async () => {
  for (const signMethod of ['md5', 'hmac', 'hmac-sha256']) {
    const r = await send(buildTop(L, samplePayload(L), { signMethod }), L);
    assert.equal(r.parsed.ok, true, `${signMethod}: ${r.text}`);
  }
  const gmt8 = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
  const text = await send(buildTop(L, samplePayload(L), { timestamp: gmt8 }), L);
  assert.equal(new URL(buildTop(L, samplePayload(L), { timestamp: gmt8 }).url).searchParams.get('timestamp'), gmt8);
  assert.equal(text.parsed.ok, true, text.text);
  const epoch = await send(resign(buildTop(L, samplePayload(L)), { timestamp: String(Date.now()) }), L);
  assert.equal(epoch.parsed.ok, true, epoch.text);
  const xml = await send(buildTop(L, samplePayload(L), { format: 'xml' }), L);
  assert.match(xml.text, /^<\?xml[^>]*\?><cainiao_endpoint_locker_top_order_tracking_new_response>.*<success>true<\/success>.*<request_id>[0-9a-z]{13}<\/request_id>.*<!--[^>]*-->$/s);
  assert.equal(xml.parsed.ok, true);
  const simple = await send(buildTop(L, samplePayload(L), { simplify: true }), L);
  assert.equal(JSON.parse(simple.text).result.success, true);
  assert.equal(simple.parsed.ok, true, simple.text);
  assert.equal(sb.sandbox.log().length, 7);
});

test('TOP business parameters: 40 for a missing one, 41 for a wrong type, 15 isv.invalid-parameter naming the field', async () => {
  const missing = await send(buildTop(S, {}, { validate: false }));
  assert.equal(missing.parsed.error.code, '40');
  assert.match(missing.parsed.error.subMsg, /station_async_request/);
  const notJson = buildTop(S, samplePayload(S));
  const broken = { ...notJson, body: 'station_async_request=%7Bnot-json' };
  const r41 = await send(resign(broken, {}));
  assert.equal(r41.parsed.error.code, '41', r41.text);
  const payload = samplePayload(S);
  payload.station_async_request.address.latitude = '113.475732';
  const r15 = await send(buildTop(S, payload, { validate: false }));
  assert.equal(r15.parsed.error.code, '15');
  assert.equal(r15.parsed.error.subCode, 'isv.invalid-parameter');
  const first = tl.validate(S, payload, {}).errors[0];
  assert.equal(r15.parsed.error.subMsg, `${first.path}: ${first.message}`);
  assert.equal(r15.parsed.error.retryable, false);
  assert.equal(sb.sandbox.log().length, 0);
});

test('Qimen: system parameters, app key, customerId and signature in the <response> envelope', async () => {
  const req = buildQimen(samplePayload(Q));
  const ok = await send(req, Q);
  assert.match(ok.text, /^<response><flag>success<\/flag><code>0<\/code><message>success<\/message><request_id>[0-9a-z]{13}<\/request_id><\/response>$/);
  const tampered = await send({ ...req, body: req.body.replace('WH_HZ_001', 'WH_XX_001') }, Q);
  assert.match(tampered.text, /^<response><flag>failure<\/flag><code>sign-check-failure<\/code><message>/);
  const cases = [
    [{ customerId: undefined }, 'invalid-parameter', /customerId/],
    [{ customerId: 'someone-else' }, 'invalid-customer-id', /someone-else/],
    [{ app_key: '1' }, 'invalid-app-key', /app_key/],
    [{ v: undefined }, 'invalid-parameter', /\bv\b/],
    [{ timestamp: '2001-01-01 00:00:00' }, 'invalid-timestamp', /timestamp/],
    [{ method: 'taobao.qimen.nothing' }, 'invalid-method', /method/],
    [{ method: 'qimen.returnpackage.report' }, null, null],
    [{ sign: undefined }, 'sign-check-failure', /sign/],
  ];
  for (const [change, code, message] of cases) {
    const r = await send(resign(req, change, { qimen: true }), Q);
    if (code === null) {
      assert.equal(r.parsed.ok, true, r.text);
      continue;
    }
    assert.equal(r.parsed.error?.code, code, `${JSON.stringify(change)}: ${r.text}`);
    assert.match(r.parsed.error.msg, message);
  }
  const invalid = samplePayload(Q);
  invalid.request.packages.package[0].weight = 'heavy';
  const bad = await send(buildQimen(invalid, { validate: false }), Q);
  assert.equal(bad.parsed.error.code, 'invalid-parameter');
  assert.match(bad.parsed.error.msg, /^\/request\/packages\/package\/0\/weight: /);
  // JSON in, JSON out.
  const json = await send(buildQimen(samplePayload(Q), { format: 'json' }), Q);
  assert.equal(JSON.parse(json.text).response.flag, 'success');
});

test('an idempotency key is applied once; a repeat is answered as a success', async () => {
  const payload = samplePayload(S);
  const a = await send(buildTop(S, payload));
  const b = await send(buildTop(S, payload));
  assert.equal(a.parsed.ok, true);
  assert.equal(b.parsed.ok, true);
  assert.notEqual(a.parsed.requestId, b.parsed.requestId);
  const q = samplePayload(Q);
  assert.equal((await send(buildQimen(q), Q)).parsed.ok, true);
  assert.equal((await send(buildQimen(q, { format: 'json' }), Q)).parsed.ok, true);
  // The same key for another API is another key.
  const log = sb.sandbox.log();
  assert.deepEqual(log.map((e) => [e.api, e.idempotencyKey]), [[S, payload.station_async_request.request_id], [Q, q.request.order.outBizCode]]);
  assert.equal(sb.sandbox.stats().duplicates, 2);
  // An API without a key applies every request.
  await send(buildTop(L, samplePayload(L)), L);
  await send(buildTop(L, samplePayload(L)), L);
  assert.equal(sb.sandbox.log().filter((e) => e.api === L).length, 2);
});

test('the log: entries in memory and JSON lines in the file, never the secret', async () => {
  const payload = samplePayload(S);
  await send(buildTop(S, payload));
  await send(buildQimen(samplePayload(Q)), Q);
  const entries = sb.sandbox.log();
  assert.equal(entries.length, 2);
  assert.deepEqual(entries.map((e) => e.seq), [1, 2]);
  assert.equal(entries[1].customerId, CUSTOMER);
  assert.deepEqual(entries[0].payload, tl.parseRequest(S, buildTop(S, payload).body, {}).payload);
  assert.equal(entries[0].idempotencyKey, payload.station_async_request.request_id);
  assert.match(entries[0].requestId, /^[0-9a-z]{13}$/);
  assert.equal(entries[0].appKey, APP_KEY);
  const viaHttp = await (await fetch(`${sb.base}/sandbox/log`)).json();
  assert.deepEqual(viaHttp, entries);
  // The file is append-only: reset() forgets the memory, not the file.
  sb.sandbox.reset();
  assert.equal(sb.sandbox.log().length, 0);
  const lines = readFileSync(path.join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length >= 2);
  assert.deepEqual(lines.slice(-2), entries);
  assert.ok(!readFileSync(path.join(dir, 'log.jsonl'), 'utf8').includes(SECRET));
});

test('control endpoints: faults, log, stats, reset', async () => {
  const set = await fetch(`${sb.base}/sandbox/faults`, { method: 'POST', body: JSON.stringify({ rate: 0.5, kinds: ['isp', 'limit'], banSeconds: 3, seed: 9 }) });
  assert.equal(set.status, 200);
  assert.deepEqual(await set.json(), { rate: 0.5, kinds: ['isp', 'limit'], delayMs: 3000, banSeconds: 3, seed: 9 });
  assert.deepEqual(await (await fetch(`${sb.base}/sandbox/faults`)).json(), sb.sandbox.faults());
  for (const bad of ['{"rate": 2}', '{"kinds": ["meteor"]}', '{"speed": 1}', 'not json']) {
    const r = await fetch(`${sb.base}/sandbox/faults`, { method: 'POST', body: bad });
    assert.equal(r.status, 400, bad);
    assert.ok((await r.json()).error);
  }
  sb.sandbox.setFaults({ rate: 0 });
  await send(buildTop(S, samplePayload(S)));
  const stats = await (await fetch(`${sb.base}/sandbox/stats`)).json();
  assert.equal(stats.accepted, 1);
  const reset = await fetch(`${sb.base}/sandbox/reset`, { method: 'POST' });
  assert.deepEqual(await reset.json(), { ok: true });
  assert.deepEqual(await (await fetch(`${sb.base}/sandbox/log`)).json(), []);
  assert.equal((await fetch(`${sb.base}/sandbox/reset`)).status, 405);
});

test('each fault kind', async () => {
  const one = (kind, extra = {}) => sb.sandbox.setFaults({ rate: 1, kinds: [kind], ...extra });
  one('isp');
  for (const [req, api] of [[buildTop(S, samplePayload(S)), S], [buildQimen(samplePayload(Q)), Q]]) {
    const r = await send(req, api);
    assert.equal(r.parsed.error.code, '15');
    assert.equal(r.parsed.error.subCode, 'isp.remote-service-error');
    assert.equal(r.parsed.error.retryable, true);
  }
  one('limit', { banSeconds: 2 });
  const limited = await send(buildTop(S, samplePayload(S)));
  assert.equal(limited.parsed.error.code, '7');
  assert.equal(limited.parsed.error.subMsg, 'This ban will last for 2 more seconds');
  assert.equal(limited.parsed.error.retryAfterMs, 2000);
  one('5xx');
  const statuses = new Set();
  for (let i = 0; i < 12; i++) {
    const r = await send(buildTop(S, samplePayload(S)));
    statuses.add(r.status);
    assert.match(r.text, /<title>50[23] /);
  }
  assert.deepEqual([...statuses].sort(), [502, 503]);
  one('drop');
  await assert.rejects(send(buildTop(S, samplePayload(S))), TypeError);
  assert.equal(sb.sandbox.log().length, 0, 'nothing before lost-response is applied');
  one('lost-response');
  const payload = samplePayload(S);
  await assert.rejects(send(buildTop(S, payload)), TypeError);
  assert.equal(sb.sandbox.log().length, 1, 'lost-response applies, then drops');
  await assert.rejects(send(resign(buildTop(S, samplePayload(S)), { sign: 'BAD' })), TypeError, 'a refused request loses its answer too');
  assert.equal(sb.sandbox.log().length, 1);
  sb.sandbox.setFaults({ rate: 0 });
  assert.equal((await send(buildTop(S, payload))).parsed.ok, true);
  assert.equal(sb.sandbox.log().length, 1);
  one('delay', { delayMs: 300 });
  const t0 = Date.now();
  const slow = await send(buildTop(S, samplePayload(S)));
  assert.ok(Date.now() - t0 >= 290);
  assert.equal(slow.parsed.ok, true, 'a client that waits gets the answer');
  const stats = sb.sandbox.stats();
  assert.deepEqual(Object.keys(stats.faults).sort(), ['5xx', 'delay', 'drop', 'isp', 'limit', 'lost-response']);
});

test('faults are reproducible with a seed', async () => {
  const run = async () => {
    const s = await start({ appKey: APP_KEY, appSecret: SECRET, customerId: CUSTOMER, faults: { rate: 0.5, kinds: ['isp', 'limit', '5xx', 'drop'], seed: 'repeatable' } });
    const outcomes = [];
    try {
      for (let i = 0; i < 40; i++) {
        const req = tl.buildRequest(S, samplePayload(S), { appKey: APP_KEY, appSecret: SECRET, gateway: `${s.base}/router/rest` });
        const r = await send(req).catch(() => null);
        outcomes.push(r === null ? 'dropped' : r.parsed.ok ? 'ok' : `${r.status}:${r.parsed.error.code}`);
      }
      return { outcomes, stats: s.sandbox.stats() };
    } finally {
      await s.stop();
    }
  };
  const a = await run();
  const b = await run();
  assert.deepEqual(a.outcomes, b.outcomes);
  assert.deepEqual(a.stats, b.stats);
  assert.ok(a.outcomes.includes('ok') && a.outcomes.some((o) => o !== 'ok'));
});

test('bounded: a body over the limit is refused with 413; malformed multipart is 41', async () => {
  const small = await start({ appKey: APP_KEY, appSecret: SECRET, limitBytes: 1024 });
  try {
    const req = tl.buildRequest(S, samplePayload(S), { appKey: APP_KEY, appSecret: SECRET, gateway: `${small.base}/router/rest` });
    const r = await send({ ...req, body: `${req.body}&pad=${'x'.repeat(4096)}` }).catch(() => null);
    if (r) {
      assert.equal(r.status, 413);
      assert.equal(r.parsed.error.code, '41');
    }
    assert.equal(small.sandbox.log().length, 0);
  } finally {
    await small.stop();
  }
  const req = buildTop(S, samplePayload(S));
  const r = await send({ ...req, headers: { 'content-type': 'multipart/form-data; boundary=zzz' }, body: '--zzz\r\nbroken' });
  assert.equal(r.parsed.error.code, '41');
  const put = await fetch(req.url, { method: 'PUT', headers: req.headers, body: req.body });
  assert.equal(tl.parseResponse(S, await put.text(), {}).error.code, '9');
});

test('the fault test: 1,000 payloads under 30% faults, none lost, none applied twice', async (t) => {
  const faulty = await start({
    appKey: APP_KEY,
    appSecret: SECRET,
    customerId: CUSTOMER,
    faults: { rate: 0.3, kinds: ['isp', 'limit', '5xx', 'delay', 'drop', 'lost-response'], delayMs: 1500, banSeconds: 1, seed: 20240520 },
  });
  const t0 = Date.now();
  try {
    const client = new tl.TopClient({
      appKey: APP_KEY,
      appSecret: SECRET,
      customerId: CUSTOMER,
      gateway: faulty.base,
      timeoutMs: 1000, // below the delay fault's 1500 ms
      retries: 6,
      backoffMs: 5,
      maxBackoffMs: 50,
    });
    const jobs = [];
    for (let i = 0; i < 1000; i++) {
      const api = i % 2 === 0 ? S : Q;
      const payload = samplePayload(api);
      const key = `fault-${api === S ? 'station' : 'qimen'}-${i}`;
      if (api === S) payload.station_async_request.request_id = key;
      else payload.request.order.outBizCode = key;
      jobs.push({ api, payload, key });
    }
    const results = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await client.call(jobs[i].api, jobs[i].payload);
      }
    };
    await Promise.all(Array.from({ length: 25 }, worker));

    answers.push(JSON.stringify(results));
    const log = faulty.sandbox.log();
    const applied = new Map();
    for (const e of log) applied.set(`${e.api} ${e.idempotencyKey}`, (applied.get(`${e.api} ${e.idempotencyKey}`) ?? 0) + 1);
    // None applied twice.
    for (const [key, n] of applied) assert.equal(n, 1, `${key} applied ${n} times`);
    const known = new Set(jobs.map((j) => `${j.api} ${j.key}`));
    for (const key of applied.keys()) assert.ok(known.has(key), `unknown key in the log: ${key}`);
    // Every payload: accepted exactly once, or reported as failed; none lost.
    let ok = 0;
    let failed = 0;
    jobs.forEach((j, i) => {
      const r = results[i];
      assert.ok(r && typeof r.ok === 'boolean', `payload ${i} has no outcome`);
      assert.equal(r.idempotencyKey, j.key);
      assert.ok(r.attempts >= 1 && r.attempts <= 7);
      if (r.ok) {
        ok += 1;
        assert.equal(applied.get(`${j.api} ${j.key}`), 1, `payload ${i} reported ok but not in the log`);
      } else {
        failed += 1;
        assert.ok(r.error.code, `payload ${i} failed without a code`);
      }
    });
    assert.equal(ok + failed, 1000);
    const stats = faulty.sandbox.stats();
    for (const kind of ['isp', 'limit', '5xx', 'delay', 'drop', 'lost-response']) assert.ok(stats.faults[kind] > 0, `no ${kind} fault was drawn`);
    const faults = Object.values(stats.faults).reduce((a, b) => a + b, 0);
    assert.ok(faults / stats.requests > 0.2 && faults / stats.requests < 0.4, `fault share ${faults / stats.requests}`);
    assert.ok(stats.duplicates > 0, 'lost responses were never retried');
    assert.ok(ok >= 990, `only ${ok} of 1000 accepted`);
    t.diagnostic(`fault test: ${Date.now() - t0} ms, ${stats.requests} requests, ${ok} ok, ${failed} failed, faults ${JSON.stringify(stats.faults)}, duplicates answered ${stats.duplicates}`);
  } finally {
    await faulty.stop();
  }
  assert.ok(Date.now() - t0 < 60_000, 'the fault test took a minute');
});
