// The timestamp of a request is GMT+8 text whatever the caller's zone: the
// same instant given as a Date, in processes whose TZ is UTC, New York and
// Shanghai, gives the same text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../../pkg/index.js', import.meta.url));
// 2026-07-01T16:30:05Z (summer time in New York) and 2026-01-15T03:04:05Z (winter).
const script = `
  const top = await import(${JSON.stringify(pkg)});
  const api = 'taobao.logistics.station.tms.async';
  const out = [Date.UTC(2026, 6, 1, 16, 30, 5), Date.UTC(2026, 0, 15, 3, 4, 5)].map((ms) =>
    top.buildRequest(api, {}, { appKey: 'k', appSecret: 's', validate: false, timestamp: new Date(ms) }).query.timestamp);
  out.push(new Date(2026, 0, 15, 3, 4, 5).getTimezoneOffset());
  process.stdout.write(JSON.stringify(out));`;

for (const tz of ['UTC', 'America/New_York', 'Asia/Shanghai']) {
  test(`TZ=${tz}: a Date becomes GMT+8 text`, () => {
    const env = { ...process.env, TZ: tz };
    const [summer, winter, offset] = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' }));
    assert.equal(summer, '2026-07-02 00:30:05');
    assert.equal(winter, '2026-01-15 11:04:05');
    // The zone really was in force in the child process.
    assert.equal(offset, { UTC: 0, 'America/New_York': 300, 'Asia/Shanghai': -480 }[tz]);
  });
}
