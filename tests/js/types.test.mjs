// The package's TypeScript declarations (generated from the Rust types by
// tsify and build.rs): a file that uses every export type-checks, and the
// same file with one wrong field name in a payload literal does not.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');

function check(dir) {
  return spawnSync(process.execPath, [tsc, '--noEmit', '-p', dir], { encoding: 'utf8' });
}

test('tsc --noEmit passes on a file that uses every export', () => {
  const r = check(path.join(root, 'tests/ts'));
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('a wrong field name in a payload literal fails to type-check', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'top-ts-'));
  try {
    cpSync(path.join(root, 'tests/ts'), dir, { recursive: true });
    const config = JSON.parse(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
    config.compilerOptions.paths['top-logistics'] = [path.join(root, 'pkg/index.d.ts')];
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
    const usage = readFileSync(path.join(dir, 'usage.ts'), 'utf8');
    // The same check passes before the change...
    assert.equal(check(dir).status, 0);
    writeFileSync(path.join(dir, 'usage.ts'), usage.replace("station_code: 'test112233'", "station_cod: 'test112233'"));
    const r = check(dir);
    assert.notEqual(r.status, 0, 'a misspelt field must not type-check');
    assert.match(r.stdout, /station_cod/);
    // ...and so does a payload handed straight to validate() for its API.
    writeFileSync(
      path.join(dir, 'usage.ts'),
      usage.replace(
        "const qimen: BuiltRequest = buildRequest(\n  'taobao.qimen.returnpackage.report',\n  { request: { order: { orderCode:",
        "const qimen: BuiltRequest = buildRequest(\n  'taobao.qimen.returnpackage.report',\n  { request: { order: { order_code:",
      ),
    );
    const r2 = check(dir);
    assert.notEqual(r2.status, 0, 'a snake_case name in a Qimen payload must not type-check');
    assert.match(r2.stdout, /order_code/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
