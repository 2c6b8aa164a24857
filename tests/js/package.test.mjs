// The package as a user installs it: resolved by name through its
// package.json "exports" (import, require, browser), and type-checked with tsc
// in both module systems.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkgDir = path.join(root, 'pkg');
let dir;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'top-logistics-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(pkgDir, path.join(dir, 'node_modules', 'top-logistics'), 'dir');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const node = (...args) => execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8' }).trim();

test('package.json: name, version, entry points', () => {
  const pj = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const cargo = readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
  assert.equal(pj.name, 'top-logistics');
  assert.equal(pj.version, /^version = "(.+)"/m.exec(cargo)[1]);
  assert.equal(pj.type, 'module');
  for (const file of [pj.main, pj.types, ...pj.files.filter((f) => !f.endsWith('/'))]) {
    readFileSync(path.join(pkgDir, file)); // exists
  }
});

test('resolved by name: require and import', () => {
  assert.equal(node('-e', 'process.stdout.write(String(require("top-logistics").apis().length >= 1))'), 'true');
  assert.equal(
    node('--input-type=module', '-e', 'const m = await import("top-logistics"); process.stdout.write(String(m.apis().length >= 1))'),
    'true',
  );
});

test('TypeScript: typed declarations for import and require', () => {
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] } }),
  );
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    path.join(dir, 'esm.mts'),
    `import { apis, init, type ApiInfo } from 'top-logistics';
await init();
const list: ApiInfo[] = apis();
const protocol: 'top' | 'qimen' = list[0].protocol;
const zh: string = list[0].title.zh;
const params: string[] = list[0].params;
// @ts-expect-error apis takes no argument
apis(1);
export { protocol, zh, params };
`,
  );
  writeFileSync(
    path.join(dir, 'cjs.cts'),
    `import tl = require('top-logistics');
const names: string[] = tl.apis().map((a: tl.ApiInfo) => a.name);
export = names;
`,
  );
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
  } catch (error) {
    assert.fail(`tsc found errors:\n${error.stdout}${error.stderr}`);
  }
});
