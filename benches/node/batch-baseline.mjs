// The batch baseline: what a user would write instead of
// `top-logistics validate --ndjson FILE` — read the file as a stream, split it
// into lines, JSON.parse each line and validate its payload with the Ajv
// validator of its API (compiled once from jsonSchema(api)). Prints a JSON
// summary like the CLI's `--json`. benches/node/batch.mjs runs it as its own
// process, as it runs the CLI, so both pay their start-up.
//
//   node benches/node/batch-baseline.mjs FILE
//   node benches/node/batch-baseline.mjs --package FILE
//       the stand-in for the CLI while pkg/cli.js does not exist: the same
//       loop, each payload validated by the package's validate() instead of Ajv
//   node benches/node/batch-baseline.mjs --package-text FILE
//       the other crossing: each line's payload handed to validate() as JSON
//       text, sliced out of the line without JSON.parse (lines as
//       gen-ndjson.mjs writes them; any other line takes the object path)

import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanSchema, compileAjv } from './baseline.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tl = createRequire(import.meta.url)(join(ROOT, 'pkg'));
const mode = process.argv[2].startsWith('--') ? process.argv[2] : 'ajv';
const usePackage = mode !== 'ajv';
const file = process.argv[usePackage ? 3 : 2];
const PREFIX = '{"api":"';
const MIDDLE = '","payload":';
/** A validator per API: (payload) => { ok, errors: [{ code }] }. */
function ajvValidator(name) {
  const v = compileAjv(cleanSchema(tl.jsonSchema(name)).schema);
  return (payload) => (v(payload) ? { ok: true, errors: [] } : { ok: false, errors: v.errors.map((e) => ({ code: e.keyword })) });
}
const packageValidator = (name) => (payload) => tl.validate(name, payload ?? null, {});
const validators = new Map(tl.apis().map((a) => [a.name, (usePackage ? packageValidator : ajvValidator)(a.name)]));

let lines = 0;
let valid = 0;
let invalid = 0;
let blank = 0;
const codes = Object.create(null);
const fail = (code) => {
  invalid += 1;
  codes[code] = (codes[code] ?? 0) + 1;
};

function check(text) {
  lines += 1;
  if (text.trim() === '') {
    blank += 1;
    return;
  }
  if (mode === '--package-text' && text.startsWith(PREFIX) && text.endsWith('}')) {
    const m = text.indexOf(MIDDLE);
    const api = m > 0 ? text.slice(PREFIX.length, m) : '';
    if (validators.has(api)) {
      const report = tl.validate(api, text.slice(m + MIDDLE.length, -1), {});
      if (report.ok) valid += 1;
      else {
        invalid += 1;
        for (const e of report.errors) codes[e.code] = (codes[e.code] ?? 0) + 1;
      }
      return;
    }
  }
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    fail('json');
    return;
  }
  const v = doc !== null && typeof doc === 'object' ? validators.get(doc.api) : undefined;
  if (v === undefined) {
    fail('unknown_api');
    return;
  }
  const report = v(doc.payload);
  if (report.ok) valid += 1;
  else {
    invalid += 1;
    for (const e of report.errors) codes[e.code] = (codes[e.code] ?? 0) + 1;
  }
}

let carry = [];
for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
  let start = 0;
  for (;;) {
    const nl = chunk.indexOf(10, start);
    if (nl < 0) {
      if (start < chunk.length) carry.push(chunk.subarray(start));
      break;
    }
    const piece = chunk.subarray(start, nl);
    check((carry.length ? Buffer.concat([...carry, piece]) : piece).toString('utf8'));
    carry = [];
    start = nl + 1;
  }
}
if (carry.length) check(Buffer.concat(carry).toString('utf8'));
console.log(JSON.stringify({ lines, valid, invalid, blank, codes }));
