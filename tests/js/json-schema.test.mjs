// jsonSchema(api) checked by an independent validator: Ajv (draft 2020-12, its
// default strict mode) compiles it, accepts every valid sample, and rejects the
// documents' examples wherever their errors are ones a schema can express.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';

const top = await import('../../pkg/index.js');

test('Ajv, in its default strict mode, compiles every schema and agrees with validate()', () => {
  for (const { name } of top.apis()) {
    const ajv = new Ajv2020({ allErrors: true });
    const check = ajv.compile(top.jsonSchema(name));
    const sample = top.sample(name);
    assert.equal(check(sample), true, `${name}: ${JSON.stringify(check.errors)}`);
    // A misspelt field, a missing required one, a wrong type: both refuse.
    const [param] = top.apis().find((a) => a.name === name).params;
    const broken = structuredClone(sample);
    broken[param] = { ...broken[param], not_a_field: 1 };
    assert.equal(check(broken), false, name);
    assert.equal(top.validate(name, broken).ok, false, name);
    assert.equal(check({}), false, name);
    assert.equal(check({ [param]: 'text' }), false, name);
  }
  // The station example's latitude (113.475732) is out of range for both.
  const station = 'taobao.logistics.station.tms.async';
  const check = new Ajv2020().compile(top.jsonSchema(station));
  const example = top.describe(station).example;
  assert.equal(check(example), false);
  assert.equal(check.errors[0].instancePath, '/station_async_request/address/latitude');
  // The Qimen example's placeholder texts fail the formats in both.
  const qimen = 'taobao.qimen.returnpackage.report';
  assert.equal(new Ajv2020().validate(top.jsonSchema(qimen), top.describe(qimen).example), false);
});
