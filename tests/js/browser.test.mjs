// The playground page in headless Chromium: www/ loads the package through
// its universal index.js (the web build, top-level await) and lists the APIs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';
import { createServer } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server;
let base;
let browser;
before(async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (make setup installs it)`);
  server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});
after(async () => {
  await browser?.close();
  server?.close();
});

test('the page lists every API from the wasm module', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  await page.goto(`${base}/`);
  await page.waitForSelector('body[data-ready]');
  assert.deepEqual(problems, []);
  assert.equal(await page.getAttribute('body', 'data-ready'), 'true');
  const expected = createRequire(import.meta.url)('../../pkg').apis();
  const rows = await page.$$eval('#apis tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.deepEqual(rows, expected.map((a) => [a.name, a.protocol, a.title.zh, a.title.en]));
});

test('in a browser, import() gives a ready module and init() resolves', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  const result = await page.evaluate(async () => {
    const m = await import('/pkg/index.js');
    await m.init();
    return { n: m.apis().length, names: Object.keys(m).sort() };
  });
  assert.ok(result.n >= 1);
  assert.ok(result.names.includes('apis') && result.names.includes('init'));
});
