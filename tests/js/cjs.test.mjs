// The built package (pkg/) loaded with require() (CommonJS, synchronous).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);

test('require: apis() lists the APIs with their fields', () => {
  const pkg = require('../../pkg');
  const list = pkg.apis();
  assert.ok(list.length >= 1, 'no API');
  const [first] = list;
  assert.deepEqual(Object.keys(first).sort(), ['name', 'params', 'protocol', 'title']);
  assert.deepEqual(Object.keys(first.title).sort(), ['en', 'zh']);
  assert.ok(!Object.keys(pkg).some((k) => k.startsWith('__')), 'wasm-bindgen glue leaked');
  assert.equal(typeof pkg.init, 'function');
});
