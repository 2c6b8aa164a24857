// scripts/serve.mjs: content types and no way out of www/ and pkg/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { createServer, resolvePath } from '../../scripts/serve.mjs';

let server;
let base;
before(async () => {
  server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

test('serves the page, the package and the wasm with the right types', async () => {
  for (const [url, type] of [
    ['/', 'text/html; charset=utf-8'],
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/pkg/index.js', 'text/javascript; charset=utf-8'],
    ['/pkg/web/top_logistics_bg.wasm', 'application/wasm'],
  ]) {
    const res = await fetch(base + url);
    assert.equal(res.status, 200, url);
    assert.equal(res.headers.get('content-type'), type, url);
    await res.arrayBuffer();
  }
});

test('never serves outside www/ and pkg/', async () => {
  for (const url of ['/../Cargo.toml', '/%2e%2e/Cargo.toml', '/pkg/..%2fCargo.toml', '/pkg/%2e%2e/%2e%2e/etc/passwd', '/..%5cCargo.toml', '/%00']) {
    const res = await fetch(base + url);
    assert.ok(res.status === 404 || res.status === 400, `${url}: ${res.status}`);
    assert.ok(!(await res.text()).includes('[package]'), url);
  }
  const root = path.resolve('/repo');
  assert.equal(resolvePath('/../../etc/passwd', root), path.join(root, 'www', 'etc', 'passwd'));
  assert.equal(resolvePath('/pkg/../../x', root), path.join(root, 'pkg', 'x'));
  assert.equal(resolvePath('/%E0%A4%A', root), null);
});

test('answers 404 for missing files and 405 for other methods', async () => {
  assert.equal((await fetch(`${base}/nope.js`)).status, 404);
  assert.equal((await fetch(`${base}/`, { method: 'POST' })).status, 405);
});
