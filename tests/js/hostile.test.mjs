// Hostile input through every export of the built package, in one Node
// process and one module instance: at least 100,000 malformed and random
// inputs, after which a valid call still works (a panic in WebAssembly would
// have poisoned the instance). Every failure must be a real Error with a
// `code`; never a trap, a string or another thrown value. And a recognisable
// app secret never appears in any result, thrown error or console line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const top = await import('../../pkg/index.js');
const answers = JSON.parse(readFileSync(new URL('../fixtures/native-answers.json', import.meta.url), 'utf8'));
const API_NAMES = answers.apis.map((a) => a.api);

// A small seeded PRNG (mulberry32), so a failure can be reproduced.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20261122);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const int = (n) => Math.floor(rand() * n);

const ALPHABET = ['a', 'Z', '0', '9', ' ', '\t', '\n', '"', "'", '\\', '<', '>', '&', '/', '~', '{', '}', '[', ']', ':', ',',
  '退', '货', '😀', '\u0000', '\u001f', '\u00a0', '\ufeff', '\ud800', '-', '.', '*', '#', '=', '+', '%'];
const randomString = (max = 40) => Array.from({ length: int(max) }, () => pick(ALPHABET)).join('');
const FRAGMENTS = ['{', '}', '[', ']', '"', ':', ',', 'null', 'true', '1e999', '-0', '12345678901234567890', '<?xml version="1.0"?>',
  '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '&a;', '<request>', '</request>', '<response>', '<flag>failure</flag>', '<![CDATA[x]]>',
  '<!--c-->', '{"error_response":{"code":7,"msg":"ban 3 seconds"}}', '"track_info"', '"station_async_request"', '"request"'];
const randomText = () => Array.from({ length: int(12) }, () => (rand() < 0.5 ? pick(FRAGMENTS) : randomString(8))).join('');

function randomValue(depth = 0) {
  const r = rand();
  if (depth > 4 || r < 0.3) return pick([null, undefined, true, false, 0, -1, 1.5, NaN, Infinity, 2 ** 60, '', randomString(), 1e21]);
  if (r < 0.5) return Array.from({ length: int(4) }, () => randomValue(depth + 1));
  const o = {};
  for (let i = int(5); i > 0; i--) o[rand() < 0.5 ? randomString(6) : pick(['track_info', 'request', 'order', 'extra', 'station_async_request', 'address', 'packages', 'package', 'items'])] = randomValue(depth + 1);
  return o;
}

// A valid payload with one thing broken, deep inside.
function mutate(value) {
  const v = structuredClone(value);
  const walk = (o) => {
    const keys = Object.keys(o ?? {});
    if (keys.length === 0 || typeof o !== 'object') return;
    const k = pick(keys);
    if (typeof o[k] === 'object' && o[k] !== null && rand() < 0.6) return walk(o[k]);
    o[k] = randomValue(3);
  };
  walk(v);
  return v;
}

function deep(n) {
  let v = {};
  for (let i = 0; i < n; i++) v = i % 2 ? { track_info: v } : [v];
  return v;
}

const SECRET = 'S3CR3T-do-not-leak-7f3a9c';

/** The value as text for the exports that take text (the test's own stringify may overflow). */
function asText(v) {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? 'undefined';
  } catch {
    return randomText();
  }
}

/** One call: a result, or a real Error with a code. Anything else fails. */
function expectStructured(fn, what) {
  try {
    return fn();
  } catch (e) {
    assert.ok(e instanceof Error, `${what}: threw a non-Error ${String(e)}`);
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `${what}: a WebAssembly trap: ${e.message}`);
    assert.equal(typeof e.code, 'string', `${what}: an Error without a code: ${e.message}`);
    return e;
  }
}

const exportsUnderTest = [
  (api) => top.describe(api),
  (api) => top.jsonSchema(api),
  (api, v) => top.validate(api, v),
  (api, v) => top.validate(api, asText(v)),
  (api, v, s) => top.buildRequest(api, v, { appKey: 'k', appSecret: s, customerId: 'c' }),
  (api, v, s) => top.buildRequest(api, v, { appKey: randomValue(), appSecret: s, timestamp: randomValue(), signMethod: randomValue(), format: randomValue() }),
  (api, v, s) => top.sign(typeof v === 'object' && v !== null && !Array.isArray(v) ? v : { a: String(v) }, s, pick(['md5', 'hmac', 'hmac-sha256', 'x']), randomText()),
  (api, v, s) => top.verifySignature({ query: v, body: randomText(), secret: s }),
  (api, v, s) => top.verifySignature(v),
  (api) => top.parseRequest(api, randomText()),
  (api, v) => top.parseRequest(api, asText(v), { format: pick(['xml', 'json', 'form', 'x', undefined]) }),
  (api, v) => top.buildResponse(api, v, { format: pick(['json', 'xml', 'yaml', undefined]) }),
  (api) => top.parseResponse(api, randomText(), { format: pick(['json', 'xml', undefined]) }),
  (api, v) => top.schema(api)['~standard'].validate(v),
  (api, v) => top.validateLines([asText(v), randomText(), asText(v)].join('\n'), { api: rand() < 0.5 ? api : undefined, firstLine: int(5) }),
];

test('100,000 malformed and random inputs through every export, then a valid call', () => {
  let calls = 0;
  const samples = answers.apis.map((a) => a.sample);
  while (calls < 100_000) {
    const api = rand() < 0.9 ? pick(API_NAMES) : pick([randomString(), '', 'taobao.', 'qimen.returnpackage.report', undefined, 42]);
    const r = rand();
    const value = r < 0.35 ? mutate(pick(samples)) : r < 0.6 ? randomValue() : r < 0.8 ? randomText() : r < 0.82 ? deep(int(5000)) : pick(samples);
    const fn = pick(exportsUnderTest);
    expectStructured(() => fn(api, value, SECRET), `call ${calls}`);
    calls++;
  }
  // Big inputs, once each.
  expectStructured(() => top.validate(API_NAMES[0], 'x'.repeat(8 << 20)), 'an 8 MB string');
  expectStructured(() => top.validate(API_NAMES[0], '['.repeat(1 << 20)), 'a million brackets');
  expectStructured(() => top.parseResponse(API_NAMES[0], '<a>'.repeat(100000)), 'deep XML');
  // The module instance is intact: a valid call gives the native answer.
  const a = answers.apis[0];
  assert.deepEqual(JSON.parse(JSON.stringify(top.validate(a.api, a.sample, { now: a.now }))), a.validate.sample);
  assert.equal(top.sign(answers.sign.params, 'helloworld', 'md5'), '66987CB115214E59E6EC978214934FB8');
});

test('the app secret never appears in any output, error or console line', () => {
  const seen = [];
  const original = { log: console.log, warn: console.warn, error: console.error, info: console.info, debug: console.debug };
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  for (const k of Object.keys(original)) console[k] = (...args) => seen.push(args.map(String).join(' '));
  process.stdout.write = (chunk, ...rest) => (seen.push(String(chunk)), stdout(chunk, ...rest));
  process.stderr.write = (chunk, ...rest) => (seen.push(String(chunk)), stderr(chunk, ...rest));
  const outputs = [];
  try {
    for (const a of answers.apis) {
      for (const payload of [a.sample, a.example, mutate(a.sample), {}, 'not json', JSON.stringify(a.sample)]) {
        for (const method of ['md5', 'hmac', 'hmac-sha256', 'bogus']) {
          for (const options of [
            { appKey: 'k', appSecret: SECRET, signMethod: method, customerId: 'c' },
            { appKey: '', appSecret: SECRET },
            { appKey: 'k', appSecret: SECRET, timestamp: 'never' },
            { appKey: 'k', appSecret: SECRET, validate: false, format: 'xml', customerId: 'c', signMethod: method },
          ]) {
            const r = expectStructured(() => top.buildRequest(a.api, payload, options), 'buildRequest');
            outputs.push(r instanceof Error ? { message: r.message, stack: r.stack, ...r } : r);
            if (!(r instanceof Error)) {
              const query = { ...r.query, ...Object.fromEntries(new URLSearchParams(r.body)) };
              outputs.push(expectStructured(() => top.verifySignature({ query, body: r.body, secret: SECRET }), 'verify'));
              outputs.push(expectStructured(() => top.parseRequest(a.api, r.body), 'parseRequest'));
            }
          }
        }
      }
      // A secret of the wrong type is refused without being quoted.
      const numeric = expectStructured(() => top.buildRequest(a.api, a.sample, { appKey: 'k', appSecret: 987654321987 }), 'numeric secret');
      assert.ok(numeric instanceof Error && !numeric.message.includes('987654321987'), numeric.message);
      outputs.push(expectStructured(() => top.sign({ a: '1' }, SECRET, 'hmac-sha256'), 'sign'));
      outputs.push(expectStructured(() => top.sign({ a: '1' }, SECRET, 'sha1'), 'sign with a bad method'));
      outputs.push(expectStructured(() => top.verifySignature({ query: 'a=1&sign=00', secret: SECRET }), 'verify'));
      outputs.push(expectStructured(() => top.verifySignature({ query: { a: 1 }, secret: SECRET, body: 7 }), 'verify bad body'));
    }
  } finally {
    Object.assign(console, original);
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
  const text = JSON.stringify(outputs, (k, v) => (v instanceof Error ? { message: v.message, stack: v.stack, ...v } : v));
  assert.ok(outputs.length > 400);
  assert.ok(!text.includes(SECRET), 'the secret leaked into a result or an error');
  assert.ok(!seen.join('\n').includes(SECRET), 'the secret leaked into the console');
});
