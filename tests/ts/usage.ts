// Every export of the package, typed: `tsc --noEmit -p tests/ts` must pass
// (tests/js/types.test.mjs runs it, and a copy with one wrong field name that
// must fail).
import {
  apis,
  buildRequest,
  buildResponse,
  describe,
  init,
  jsonSchema,
  parseRequest,
  parseResponse,
  schema,
  sign,
  validate,
  verifySignature,
  type ApiInfo,
  type ApiName,
  type BuiltRequest,
  type Description,
  type Issue,
  type ParsedRequest,
  type ParsedResponse,
  type Report,
  type StationTmsAsyncPayload,
} from 'top-logistics';

await init();

const list: ApiInfo[] = apis();
const name: ApiName = 'taobao.logistics.station.tms.async';
const d: Description = describe(name);
const schemaJson: Record<string, unknown> = jsonSchema(name);

const station: StationTmsAsyncPayload = {
  station_async_request: {
    request_time: Date.now(),
    request_id: 'R-1',
    supplier_id: '10000000001',
    station_name: '测试驿站',
    station_code: 'test112233',
    status: 1,
    address: {
      province: '浙江省',
      detail_address: '阿里巴巴西溪园区b3楼',
      address_id: '330110005',
      longitude: '120.026421',
      latitude: '30.281284',
    },
    service_type: '1',
  },
};
const report: Report = validate(name, station);
const first: Issue | undefined = report.errors[0];
const fromText: Report = validate(name, JSON.stringify(station), { now: Date.now(), limits: { maxDepth: 16 } });

const req: BuiltRequest = buildRequest(name, station, {
  appKey: '10000001',
  appSecret: 'sandbox-secret',
  signMethod: 'hmac-sha256',
  timestamp: new Date(),
});
const qimen: BuiltRequest = buildRequest(
  'taobao.qimen.returnpackage.report',
  { request: { order: { orderCode: 'R1', warehouseCode: 'W1', outBizCode: 'B1', ownerCode: 'O1' } } },
  { appKey: '10000001', appSecret: 'sandbox-secret', customerId: 'sandbox-customer', format: 'xml' },
);
const signature: string = sign({ method: name, v: '2.0', n: 1 }, 'secret', 'md5', req.body);
const verified: boolean = verifySignature({ query: req.query, body: qimen.body, secret: 'secret' });
const parsed: ParsedRequest = parseRequest('taobao.qimen.returnpackage.report', qimen.body, { format: 'xml' });
const answer: string = buildResponse('taobao.qimen.returnpackage.report', { flag: 'success', code: '0', message: 'ok' }, { format: 'xml' });
const response: ParsedResponse = parseResponse(name, '{"logistics_station_tms_async_response":{}}', { format: 'json' });
const retry: boolean | undefined = response.error?.retryable;
const std = schema(name)['~standard'].validate(station);
const issues = 'issues' in std ? std.issues.map((i) => i.path.join('.')) : [];

export { list, d, schemaJson, first, fromText, signature, verified, parsed, answer, retry, issues };
