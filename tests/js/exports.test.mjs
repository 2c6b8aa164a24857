// Every export of the built package, for every API, through `import` and
// through `require`, compared with the native core's answers on the same
// inputs (tests/fixtures/native-answers.json, written and kept current by
// `cargo test --test native_answers`): the same JSON in, the same JSON out.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const answers = JSON.parse(readFileSync(new URL('../fixtures/native-answers.json', import.meta.url), 'utf8'));
const esm = await import('../../pkg/index.js');
const cjs = createRequire(import.meta.url)('../../pkg');
// Plain JSON, as the native side wrote it (drops undefined, normalises numbers).
const plain = (v) => JSON.parse(JSON.stringify(v));

for (const [kind, top] of [['import', esm], ['require', cjs]]) {
  test(`${kind}: apis() and sign() equal the native answers`, () => {
    assert.deepEqual(plain(top.apis()), answers.list);
    const s = answers.sign;
    for (const [method, want] of Object.entries(s.signs)) {
      assert.equal(top.sign(s.params, s.secret, method, s.body), want);
    }
    // The published vector (md5, no body).
    assert.equal(top.sign(s.params, 'helloworld', 'md5'), '66987CB115214E59E6EC978214934FB8');
  });

  for (const a of answers.apis) {
    test(`${kind}: ${a.api}: every export equals the native answer`, () => {
      const now = { now: a.now };
      assert.deepEqual(plain(top.describe(a.api)), a.describe);
      assert.deepEqual(plain(top.sample(a.api, now)), a.sample);
      assert.deepEqual(plain(top.jsonSchema(a.api)), a.jsonSchema);
      assert.deepEqual(plain(top.validate(a.api, a.sample, now)), a.validate.sample);
      assert.deepEqual(plain(top.validate(a.api, a.example, now)), a.validate.example);
      assert.deepEqual(plain(top.validate(a.api, JSON.stringify(a.example), now)), a.validate.exampleText);
      for (const b of a.builds) {
        assert.deepEqual(plain(top.buildRequest(a.api, a.sample, b.options)), b.request);
        // The same payload as JSON text builds the same request.
        assert.deepEqual(plain(top.buildRequest(a.api, JSON.stringify(a.sample), b.options)), b.request);
        assert.deepEqual(plain(top.parseRequest(a.api, b.request.body, now)), b.parsedRequest);
        const err = (() => {
          try {
            top.buildRequest(a.api, a.example, b.options);
          } catch (e) {
            return e;
          }
        })();
        if (b.exampleRefused === null) {
          // The document's example has only warnings: it is built.
          assert.equal(err, undefined);
        } else {
          assert.ok(err instanceof Error, 'refused with a real Error');
          assert.equal(err.message, b.exampleRefused.message);
          assert.deepEqual(plain({ code: err.code, message: err.message, messageZh: err.messageZh, report: err.report }), b.exampleRefused);
        }
        const query = { ...b.request.query };
        if (!a.api.startsWith('taobao.qimen')) Object.assign(query, Object.fromEntries(new URLSearchParams(b.request.body)));
        const body = a.api.startsWith('taobao.qimen') ? b.request.body : undefined;
        assert.equal(top.verifySignature({ query, body, secret: b.options.appSecret }), true);
        assert.equal(top.verifySignature({ query, body, secret: 'wrong' }), false);
      }
      const r = a.responses;
      assert.deepEqual(plain(top.parseResponse(a.api, r.exampleXml.text)), r.exampleXml.parsed);
      assert.deepEqual(plain(top.parseResponse(a.api, r.errorXml.text)), r.errorXml.parsed);
      assert.equal(top.buildResponse(a.api, r.built.value, { format: 'json' }), r.built.json);
      assert.equal(top.buildResponse(a.api, r.built.value, { format: 'xml' }), r.built.xml);
    });
  }

  test(`${kind}: validateLines() gives the native batch verdict`, () => {
    const b = answers.batch;
    assert.deepEqual(plain(top.validateLines(b.text, b.options)), b.answer);
    // The same lines as UTF-8 bytes (what the CLI hands over), and bytes
    // that are not UTF-8 decoded the way Buffer.toString decodes them.
    assert.deepEqual(plain(top.validateLines(new TextEncoder().encode(b.text), b.options)), b.answer);
    const broken = Buffer.concat([Buffer.from(b.text.split('\n')[0]), Buffer.from([0xff, 0x0a, 0xe4, 0xb8])]);
    assert.deepEqual(plain(top.validateLines(broken, b.options)), plain(top.validateLines(broken.toString('utf8'), b.options)));
    assert.equal(b.answer.invalid > 0 && b.answer.valid > 0 && b.answer.blank, 1);
  });

  test(`${kind}: schema() is a Standard Schema v1 of the same rules`, () => {
    for (const a of answers.apis) {
      const std = top.schema(a.api)['~standard'];
      assert.equal(std.version, 1);
      assert.equal(std.vendor, 'top-logistics');
      const good = std.validate(a.sample);
      // The sample is valid whenever it is validated (its times are "now").
      const fresh = JSON.parse(JSON.stringify(a.sample).replaceAll(String(a.now), String(Date.now())));
      assert.deepEqual(std.validate(fresh), { value: fresh });
      assert.ok(good.value || good.issues);
      const bad = std.validate(a.example);
      const errors = top.validate(a.api, a.example).errors;
      if (errors.length === 0) continue;
      assert.equal(bad.issues.length, errors.length);
      for (const [i, issue] of bad.issues.entries()) {
        assert.equal(issue.message, errors[i].message);
        const pointer = issue.path.map((s) => '/' + String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
        assert.equal(pointer, errors[i].path);
      }
      assert.equal(top.schema(a.api, { lang: 'zh' })['~standard'].validate(a.example).issues[0].message, errors[0].messageZh);
    }
  });

  test(`${kind}: errors cross as real Error objects, never strings or traps`, () => {
    for (const call of [
      () => top.describe('no.such.api'),
      () => top.validate('no.such.api', {}),
      () => top.buildRequest('taobao.logistics.station.tms.async', '{not json', { appKey: 'k', appSecret: 's' }),
      () => top.buildRequest('taobao.logistics.station.tms.async', {}, { appKey: 'k' }),
      () => top.sign({ a: '1' }, 's', 'sha1'),
      () => top.verifySignature(42),
    ]) {
      assert.throws(call, (e) => e instanceof Error && typeof e.code === 'string' && typeof e.message === 'string');
    }
    // And the module still works afterwards.
    assert.equal(top.apis().length, answers.list.length);
  });
}

test('import and require share one behaviour (and one instance under Node)', () => {
  assert.equal(esm.validate, cjs.validate);
});
