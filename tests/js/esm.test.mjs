// The built package (pkg/) loaded as an ES module under Node.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import * as pkg from '../../pkg/index.js';

test('import: apis() lists the APIs with their fields', () => {
  const list = pkg.apis();
  assert.ok(Array.isArray(list));
  assert.ok(list.length >= 1, 'no API');
  for (const api of list) {
    assert.equal(typeof api.name, 'string');
    assert.ok(['top', 'qimen'].includes(api.protocol), api.protocol);
    assert.equal(typeof api.title.zh, 'string');
    assert.equal(typeof api.title.en, 'string');
    assert.ok(Array.isArray(api.params) && api.params.every((p) => typeof p === 'string'));
  }
  assert.equal(new Set(list.map((a) => a.name)).size, list.length, 'duplicate API names');
});

test('import: init() resolves and is a no-op afterwards', async () => {
  assert.equal(await pkg.init(), undefined);
  assert.equal(await pkg.init(), undefined);
});

test('import and require share one instance and export the same names', () => {
  const cjs = createRequire(import.meta.url)('../../pkg');
  assert.deepEqual(Object.keys(pkg).sort(), Object.keys(cjs).sort());
  assert.equal(pkg.apis, cjs.apis);
  assert.ok(!Object.keys(pkg).some((k) => k.startsWith('__')), 'wasm-bindgen glue leaked');
});
