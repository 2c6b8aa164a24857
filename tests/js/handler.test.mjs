// qimenHandler (pkg/lib/qimen.js) behind node:http: what buildRequest makes
// is accepted and handed to onRequest once; tampered, stale, unknown and
// invalid requests are answered with the precise Qimen code and onRequest
// is never called for them.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, test } from 'node:test';

import * as tl from '../../pkg/index.js';

const Q = 'taobao.qimen.returnpackage.report';
const SECRET = 'QIMEN-handler-secret-7f3a9c';
const CUSTOMER = 'erp-customer-1';

/** A valid payload of the API (times now). */
const samplePayload = (api, now = Date.now()) => tl.sample(api, { now });

let server;
let base;
let calls;
let behaviour; // what onRequest does
let errors;
let handler;

before(async () => {
  handler = tl.qimenHandler({
    appSecret: SECRET,
    onRequest: async (api, payload, info) => {
      calls.push({ api, payload, info });
      return behaviour(api, payload);
    },
    onError: (e) => errors.push(e),
    limitBytes: 64 * 1024,
  });
  server = http.createServer((req, res) => handler(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}/qimen`;
});
/** Every answer of this file, searched for the secret at the end. */
const answers = [];
after(() => {
  server.close();
  server.closeAllConnections();
  assert.ok(answers.length > 20);
  assert.ok(!answers.join('\n').includes(SECRET), 'the secret was in an answer');
});
beforeEach(() => {
  calls = [];
  errors = [];
  behaviour = () => undefined;
});

const build = (payload, opts = {}) =>
  tl.buildRequest(Q, payload, { appKey: 'app-1', appSecret: SECRET, customerId: CUSTOMER, gateway: base, ...opts });

async function post(req, body = req.body) {
  const res = await fetch(req.url, { method: 'POST', headers: req.headers, body });
  const text = await res.text();
  answers.push(text, JSON.stringify([...res.headers]));
  return { status: res.status, text, contentType: res.headers.get('content-type'), parsed: tl.parseResponse(Q, text, {}) };
}

test('accepts what buildRequest makes: onRequest once, with the payload', async () => {
  const payload = samplePayload(Q);
  const r = await post(build(payload));
  assert.equal(r.status, 200);
  assert.match(r.text, /^<response><flag>success<\/flag><code>0<\/code>/);
  assert.equal(r.contentType, 'text/xml;charset=utf-8');
  assert.equal(r.parsed.ok, true);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].api, Q);
  assert.deepEqual(calls[0].payload, tl.parseRequest(Q, build(payload).body, {}).payload);
  assert.equal(calls[0].payload.request.order.outBizCode, payload.request.order.outBizCode);
  assert.equal(calls[0].info.customerId, CUSTOMER);
  assert.equal(calls[0].info.appKey, 'app-1');
  assert.equal(calls[0].info.query.sign, undefined);
});

test('JSON requests (format=json) are answered in JSON', async () => {
  const r = await post(build(samplePayload(Q), { format: 'json' }));
  assert.equal(r.contentType, 'application/json;charset=utf-8');
  assert.equal(r.parsed.ok, true, r.text);
  assert.equal(JSON.parse(r.text).response.flag, 'success');
  assert.equal(calls.length, 1);
});

test('every sign method verifies; an epoch-millisecond timestamp is accepted', async () => {
  for (const signMethod of ['md5', 'hmac', 'hmac-sha256']) {
    const r = await post(build(samplePayload(Q), { signMethod }));
    assert.equal(r.parsed.ok, true, `${signMethod}: ${r.text}`);
  }
  // Epoch milliseconds in the query, signed by hand.
  const req = build(samplePayload(Q));
  const query = { ...req.query, timestamp: String(Date.now()) };
  delete query.sign;
  query.sign = tl.sign(query, SECRET, 'md5', req.body);
  const r = await post({ ...req, url: `${base}?${new URLSearchParams(query)}` });
  assert.equal(r.parsed.ok, true, r.text);
  assert.equal(calls.length, 4);
});

test('the method without the taobao. prefix is accepted', async () => {
  const req = build(samplePayload(Q));
  const query = { ...req.query, method: 'qimen.returnpackage.report' };
  delete query.sign;
  query.sign = tl.sign(query, SECRET, 'md5', req.body);
  const r = await post({ ...req, url: `${base}?${new URLSearchParams(query)}` });
  assert.equal(r.parsed.ok, true, r.text);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].api, Q);
});

test('a tampered body: sign-check-failure, onRequest not called', async () => {
  const req = build(samplePayload(Q));
  const r = await post(req, req.body.replace('WH_HZ_001', 'WH_HZ_002'));
  assert.notEqual(req.body, req.body.replace('WH_HZ_001', 'WH_HZ_002'));
  assert.match(r.text, /<flag>failure<\/flag><code>sign-check-failure<\/code>/);
  assert.equal(r.parsed.ok, false);
  assert.equal(r.parsed.error.code, 'sign-check-failure');
  assert.equal(calls.length, 0);
});

test('a wrong secret or a missing sign: sign-check-failure', async () => {
  const wrong = await post(build(samplePayload(Q), { appSecret: 'another-secret' }));
  assert.equal(wrong.parsed.error.code, 'sign-check-failure');
  const req = build(samplePayload(Q));
  const url = new URL(req.url);
  url.searchParams.delete('sign');
  const missing = await post({ ...req, url: String(url) });
  assert.equal(missing.parsed.error.code, 'sign-check-failure');
  assert.equal(calls.length, 0);
});

test('a stale or malformed timestamp: invalid-timestamp', async () => {
  const stale = await post(build(samplePayload(Q), { timestamp: Date.now() - 11 * 60_000 }));
  assert.equal(stale.parsed.error.code, 'invalid-timestamp', stale.text);
  const future = await post(build(samplePayload(Q), { timestamp: Date.now() + 11 * 60_000 }));
  assert.equal(future.parsed.error.code, 'invalid-timestamp');
  // Within the skew: accepted.
  const near = await post(build(samplePayload(Q), { timestamp: Date.now() - 9 * 60_000 }));
  assert.equal(near.parsed.ok, true, near.text);
  const req = build(samplePayload(Q));
  const query = { ...req.query, timestamp: '2024-02-30 10:00:00' };
  delete query.sign;
  query.sign = tl.sign(query, SECRET, 'md5', req.body);
  const bad = await post({ ...req, url: `${base}?${new URLSearchParams(query)}` });
  assert.equal(bad.parsed.error.code, 'invalid-timestamp');
  assert.equal(calls.length, 1);
});

test('an unknown method: invalid-method', async () => {
  const req = build(samplePayload(Q));
  const query = { ...req.query, method: 'taobao.qimen.no.such.api' };
  delete query.sign;
  query.sign = tl.sign(query, SECRET, 'md5', req.body);
  const r = await post({ ...req, url: `${base}?${new URLSearchParams(query)}` });
  assert.equal(r.parsed.error.code, 'invalid-method');
  assert.equal(calls.length, 0);
});

test('an invalid payload: invalid-parameter naming the first failing field', async () => {
  const payload = samplePayload(Q);
  payload.request.packages.package[0].logisticsCode = '顺丰';
  const r = await post(build(payload, { validate: false }));
  assert.equal(r.parsed.error.code, 'invalid-parameter');
  const expected = tl.validate(Q, payload, {}).errors[0];
  assert.equal(expected.path, '/request/packages/package/0/logisticsCode');
  assert.ok(r.parsed.error.msg.startsWith(`${expected.path}: `), r.parsed.error.msg);
  assert.ok(r.parsed.error.msg.includes(expected.message), r.parsed.error.msg);
  // A missing required field is named too.
  const missing = samplePayload(Q);
  delete missing.request.order.outBizCode;
  const m = await post(build(missing, { validate: false }));
  assert.equal(m.parsed.error.code, 'invalid-parameter');
  assert.match(m.parsed.error.msg, /^\/request\/order\/outBizCode: /);
  // A body that is not XML at all.
  const req = build(samplePayload(Q));
  const garbage = '<request><order>';
  const query = { ...req.query };
  delete query.sign;
  query.sign = tl.sign(query, SECRET, 'md5', garbage);
  const g = await post({ ...req, url: `${base}?${new URLSearchParams(query)}` }, garbage);
  assert.equal(g.parsed.error.code, 'invalid-parameter');
  assert.equal(calls.length, 0);
});

test('onRequest throws: internal-error, without the stack or the secret', async () => {
  behaviour = () => {
    throw new Error(`database down (connection string uses ${SECRET})`);
  };
  const r = await post(build(samplePayload(Q)));
  assert.equal(r.parsed.error.code, 'internal-error');
  assert.equal(r.parsed.error.msg, 'internal error');
  assert.ok(!r.text.includes(SECRET));
  assert.ok(!r.text.includes('database'));
  assert.ok(!/at .*\.m?js:\d+/.test(r.text), 'a stack leaked');
  assert.equal(calls.length, 1);
  assert.equal(errors.length, 1);
});

test('onRequest answers a business failure', async () => {
  behaviour = () => ({ flag: 'failure', code: 'order-not-found', message: 'no such order' });
  const r = await post(build(samplePayload(Q)));
  assert.equal(r.parsed.ok, false);
  assert.equal(r.parsed.error.code, 'order-not-found');
  assert.equal(r.parsed.error.msg, 'no such order');
});

test('a body over limitBytes: HTTP 413, onRequest not called', async () => {
  const req = build(samplePayload(Q));
  const big = req.body.replace('</request>', `<remarks>${'x'.repeat(70 * 1024)}</remarks></request>`);
  const r = await post(req, big).catch((e) => ({ status: 'reset', error: e }));
  // The answer may race the rest of the upload (the connection is closed).
  if (r.status !== 'reset') {
    assert.equal(r.status, 413);
    assert.equal(r.parsed.error.code, 'invalid-parameter');
  }
  assert.equal(calls.length, 0);
});

test('the default onError logs the message only, redacted, never the stack', async () => {
  const lines = [];
  const original = console.error;
  console.error = (...args) => lines.push(args.join(' '));
  try {
    const h = tl.qimenHandler({
      appSecret: SECRET,
      onRequest: () => {
        throw new Error(`boom ${SECRET}`);
      },
    });
    const s = http.createServer((req, res) => h(req, res));
    await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
    const req = tl.buildRequest(Q, samplePayload(Q), { appKey: 'a', appSecret: SECRET, customerId: 'c', gateway: `http://127.0.0.1:${s.address().port}/` });
    const r = await post(req);
    s.close();
    s.closeAllConnections();
    assert.equal(r.parsed.error.code, 'internal-error');
  } finally {
    console.error = original;
  }
  assert.equal(lines.length, 1);
  assert.ok(lines[0].includes('boom ***'), lines[0]);
  assert.ok(!lines[0].includes(SECRET));
  assert.ok(!lines[0].includes('    at '));
});

test('options are checked', () => {
  assert.throws(() => tl.qimenHandler({ onRequest() {} }), { code: 'invalid_option' });
  assert.throws(() => tl.qimenHandler({ appSecret: 's' }), { code: 'invalid_option' });
});
