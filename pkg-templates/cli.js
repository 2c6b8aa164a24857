#!/usr/bin/env node
// `top-logistics`: the package's command line. Exit codes: 0 ok, 1 invalid
// input or a failed call, 2 usage. Credentials for `build` and `send` come
// only from the environment (TOP_APP_KEY, TOP_APP_SECRET, TOP_CUSTOMER_ID),
// never from arguments, and the secret is never printed.

import { createReadStream, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import process from 'node:process';
import { parseArgs } from 'node:util';

import * as tl from './index.js';
import { SANDBOX_APP_KEY, SANDBOX_APP_SECRET, SANDBOX_CUSTOMER_ID } from './sandbox.js';
import { redactText } from './lib/common.js';

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;

// --- messages ----------------------------------------------------------------

const HELP = {
  en: {
    main: `top-logistics <command> [options]

Validate, sign, send and parse requests for the TOP / Qimen logistics APIs.

Commands:
  apis                              list the APIs
  describe <api>                    the fields of an API
  validate <api> <file|->           check a JSON payload
  validate [<api>] --ndjson <file|->  check a batch, one JSON document a line
  build <api> <file|->              the signed request and a curl command
  send <api> <file|->               call the gateway
  parse <api> <file|->              read a gateway's answer (or --request: a request body)
  sandbox                           start the local sandbox gateway

Options for every command:
  --lang en|zh   language of the messages (default en)
  --help         help on a command (top-logistics <command> --help)
  --version      the package's version

Credentials (build, send) come only from the environment:
  TOP_APP_KEY, TOP_APP_SECRET, TOP_CUSTOMER_ID (Qimen), TOP_SESSION (optional).
Exit codes: 0 ok, 1 invalid input or failed call, 2 usage.`,
    apis: `top-logistics apis [--json]

Lists every API: method name, protocol (top or qimen) and title.
  --json   the list as JSON`,
    describe: `top-logistics describe <api> [--json]

The field tree of an API: path, type, required or not, documentation.
  --json   describe(api) as JSON`,
    validate: `top-logistics validate <api> <file|-> [--json]
top-logistics validate [<api>] --ndjson <file|-> [--failures N] [--json]

Checks a JSON payload (a file, or - for standard input). Exit 1 when it has errors.

  --ndjson          a batch: one JSON document a line, read as a stream (bounded
                    memory). With <api>, each line is a payload; without it, each
                    line is {"api": "...", "payload": {...}}. Prints the counts per
                    error code and the first failing line numbers; exit 1 if any
                    line failed. A progress bar goes to stderr when it is a terminal.
  --failures N      how many failing lines to list (default 20)
  --max-line-bytes N  longest line read (default 4194304)
  --json            the report (or the batch summary) as JSON`,
    build: `top-logistics build <api> <file|-> [options]

Validates, serialises and signs the payload and prints the request and a curl
command. Nothing is sent. Credentials come ONLY from the environment:
  TOP_APP_KEY, TOP_APP_SECRET, TOP_CUSTOMER_ID (Qimen), TOP_SESSION (optional)
The app secret is never printed.

  --gateway URL       the gateway (default TOP_GATEWAY, else the platform's)
  --sign-method M     md5, hmac or hmac-sha256
  --format F          json or xml
  --timestamp T       epoch milliseconds or GMT+8 yyyy-MM-dd HH:mm:ss (default now)
  --json              the request as JSON`,
    send: `top-logistics send <api> <file|-> [options]

Sends the payload with retries (timeouts, back-off, the same idempotency key) and
prints the parsed answer. Exit 1 when the call failed.
Credentials: TOP_APP_KEY, TOP_APP_SECRET, TOP_CUSTOMER_ID (Qimen), TOP_SESSION.

  --gateway URL       the gateway (default TOP_GATEWAY; one of them is required);
                      a bare origin (http://127.0.0.1:8787) gets the API's path
  --timeout-ms N      per attempt (default 10000)
  --retries N         attempts after the first (default 2)
  --sign-method M     md5, hmac or hmac-sha256
  --format F          json or xml
  --json              the whole result as JSON`,
    parse: `top-logistics parse <api> <file|-> [--format json|xml] [--request] [--json]

Reads a gateway's answer into { ok, data, requestId } or { ok: false, error } and
prints it as JSON. Exit 1 when the answer is a failure.
  --request   the file is a request body (Qimen XML/JSON or a TOP form): prints
              { payload, report }, exit 1 when the payload is invalid
  --format F  json or xml (what was asked for)`,
    sandbox: `top-logistics sandbox [options]
top-logistics sandbox --print-log FILE [--json]

Starts a local gateway that behaves like the platform: /router/rest and
/router/qimen/service, signatures, timestamps, validation, idempotency keys,
an append-only log and fault injection.

  --port N            default 8787 (0: any free port)
  --host H            default 127.0.0.1
  --app-key K         default TOP_APP_KEY, else 10000001
  --app-secret S      default TOP_APP_SECRET, else sandbox-secret
  --customer-id C     Qimen customerId (default TOP_CUSTOMER_ID, else sandbox-customer)
  --log FILE          append every applied request to FILE (JSON lines)
  --fault-rate R      share of requests that fail (0 to 1)
  --fault-kinds K,..  isp, limit, 5xx, delay, drop, lost-response
                      (default isp,limit,5xx,delay,drop)
  --delay-ms N        the delay fault's length (default 3000)
  --ban-seconds N     the ban stated by the limit fault (default 1)
  --seed S            seed of the fault draws (reproducible runs)
  --print-log FILE    print a log written with --log, then exit
Control: GET/POST /sandbox/faults, GET /sandbox/log, GET /sandbox/stats, POST /sandbox/reset.`,
  },
  zh: {
    main: `top-logistics <命令> [选项]

校验、签名、发送和解析 TOP / 奇门物流接口的请求。

命令:
  apis                              列出所有接口
  describe <api>                    接口的字段
  validate <api> <文件|->           校验 JSON 请求内容
  validate [<api>] --ndjson <文件|->  批量校验,每行一个 JSON
  build <api> <文件|->              生成签名后的请求和 curl 命令
  send <api> <文件|->               调用网关
  parse <api> <文件|->              解析网关应答(或 --request:请求体)
  sandbox                           启动本地沙箱网关

所有命令的选项:
  --lang en|zh   提示语言(默认 en)
  --help         命令帮助(top-logistics <命令> --help)
  --version      版本号

凭据(build、send)只从环境变量读取:
  TOP_APP_KEY、TOP_APP_SECRET、TOP_CUSTOMER_ID(奇门)、TOP_SESSION(可选)。
退出码:0 成功,1 输入无效或调用失败,2 用法错误。`,
    apis: `top-logistics apis [--json]

列出所有接口:方法名、协议(top 或 qimen)和标题。
  --json   以 JSON 输出`,
    describe: `top-logistics describe <api> [--json]

接口的字段树:路径、类型、是否必填、说明。
  --json   以 JSON 输出 describe(api)`,
    validate: `top-logistics validate <api> <文件|-> [--json]
top-logistics validate [<api>] --ndjson <文件|-> [--failures N] [--json]

校验 JSON 请求内容(文件,或 - 表示标准输入)。有错误时退出码为 1。

  --ndjson          批量:每行一个 JSON,流式读取(内存有界)。给出 <api> 时每行是
                    请求内容;否则每行是 {"api": "...", "payload": {...}}。输出各错误码
                    的数量和前几个失败行号;任一行失败时退出码为 1。标准错误是终端时
                    显示进度条。
  --failures N      列出多少个失败行(默认 20)
  --max-line-bytes N  单行最大字节数(默认 4194304)
  --json            以 JSON 输出报告(或批量汇总)`,
    build: `top-logistics build <api> <文件|-> [选项]

校验、序列化并签名,输出请求和 curl 命令,不发送。凭据只从环境变量读取:
  TOP_APP_KEY、TOP_APP_SECRET、TOP_CUSTOMER_ID(奇门)、TOP_SESSION(可选)
App Secret 永不输出。

  --gateway URL       网关(默认 TOP_GATEWAY,否则平台网关)
  --sign-method M     md5、hmac 或 hmac-sha256
  --format F          json 或 xml
  --timestamp T       毫秒时间戳或 GMT+8 的 yyyy-MM-dd HH:mm:ss(默认当前时间)
  --json              以 JSON 输出请求`,
    send: `top-logistics send <api> <文件|-> [选项]

发送请求(超时、退避重试、幂等键不变)并输出解析后的应答。调用失败时退出码为 1。
凭据:TOP_APP_KEY、TOP_APP_SECRET、TOP_CUSTOMER_ID(奇门)、TOP_SESSION。

  --gateway URL       网关(默认 TOP_GATEWAY,两者必须有一个);只写源地址
                      (http://127.0.0.1:8787)时自动补上接口路径
  --timeout-ms N      每次尝试的超时(默认 10000)
  --retries N         首次之后的重试次数(默认 2)
  --sign-method M     md5、hmac 或 hmac-sha256
  --format F          json 或 xml
  --json              以 JSON 输出完整结果`,
    parse: `top-logistics parse <api> <文件|-> [--format json|xml] [--request] [--json]

把网关应答解析为 { ok, data, requestId } 或 { ok: false, error },以 JSON 输出。
应答为失败时退出码为 1。
  --request   文件是请求体(奇门 XML/JSON 或 TOP 表单):输出 { payload, report },
              内容无效时退出码为 1
  --format F  json 或 xml(请求时要求的格式)`,
    sandbox: `top-logistics sandbox [选项]
top-logistics sandbox --print-log 文件 [--json]

启动与平台行为一致的本地网关:/router/rest 和 /router/qimen/service,校验签名、
时间戳和内容,按幂等键去重,只追加的日志,故障注入。

  --port N            默认 8787(0:任意空闲端口)
  --host H            默认 127.0.0.1
  --app-key K         默认 TOP_APP_KEY,否则 10000001
  --app-secret S      默认 TOP_APP_SECRET,否则 sandbox-secret
  --customer-id C     奇门 customerId(默认 TOP_CUSTOMER_ID,否则 sandbox-customer)
  --log 文件          把每个已受理的请求追加到文件(JSON lines)
  --fault-rate R      失败请求的比例(0 到 1)
  --fault-kinds K,..  isp、limit、5xx、delay、drop、lost-response
                      (默认 isp,limit,5xx,delay,drop)
  --delay-ms N        延迟故障的时长(默认 3000)
  --ban-seconds N     限流故障声明的封禁秒数(默认 1)
  --seed S            故障抽样的种子(可复现)
  --print-log 文件    输出 --log 写下的日志后退出
控制接口:GET/POST /sandbox/faults、GET /sandbox/log、GET /sandbox/stats、POST /sandbox/reset。`,
  },
};

const MSG = {
  en: {
    unknownCommand: (c) => `unknown command \`${c}\``,
    seeHelp: 'see top-logistics --help',
    unknownApi: (a, list) => `unknown API \`${a}\`; the APIs are:\n  ${list.join('\n  ')}`,
    missingArgs: (what) => `missing ${what}`,
    tooManyArgs: 'too many arguments',
    cannotRead: (f, why) => `cannot read ${f}: ${why}`,
    notJson: (f, why) => `${f} is not JSON: ${why}`,
    credsOnlyEnv: 'credentials come only from the environment (TOP_APP_KEY, TOP_APP_SECRET): arguments are visible to other users in the process list',
    missingCreds: 'set TOP_APP_KEY and TOP_APP_SECRET in the environment',
    missingCustomer: 'a Qimen API needs TOP_CUSTOMER_ID in the environment',
    missingGateway: 'set TOP_GATEWAY or pass --gateway',
    badNumber: (o) => `${o} must be a number`,
    badLang: 'lang must be en or zh',
    valid: (api) => `valid: ${api}`,
    invalid: (n, w) => `${n} error(s), ${w} warning(s)`,
    warnings: (w) => `${w} warning(s)`,
    error: 'error',
    warning: 'warning',
    invalidPayload: (n) => `the payload has ${n} error(s):`,
    batch: (lines, valid, invalid, blank) => `${lines} line(s): ${valid} valid, ${invalid} invalid, ${blank} blank`,
    byCode: 'errors by code:',
    failing: (shown, total) => `first failing lines (${shown} of ${total}):`,
    line: (n) => `line ${n}`,
    lineTooLong: (max) => `the line is longer than ${max} bytes`,
    ok: 'ok',
    failed: 'failed',
    attempts: (n) => `attempts: ${n}`,
    hint: 'hint',
    listening: (url) => `top-logistics sandbox listening on ${url}`,
    secretFrom: (src) => `app secret: ${src}`,
    secretDev: 'the development secret (see the README)',
    secretEnv: 'from TOP_APP_SECRET',
    secretFlag: 'from --app-secret',
    faults: (f) => `faults: rate ${f.rate}, kinds ${f.kinds.join(',')}, delay ${f.delayMs} ms, ban ${f.banSeconds} s${f.seed != null ? `, seed ${f.seed}` : ''}`,
    noFaults: 'faults: none',
    control: 'control: GET/POST /sandbox/faults, GET /sandbox/log, GET /sandbox/stats, POST /sandbox/reset',
    logTo: (f) => `log: ${f}`,
    stopped: 'sandbox stopped',
    notFound: 'not found: the sandbox serves /router/rest, /router/qimen/service and /sandbox/*',
    logLineBad: (n) => `line ${n}: not a log entry`,
  },
  zh: {
    unknownCommand: (c) => `未知命令 \`${c}\``,
    seeHelp: '请查看 top-logistics --help',
    unknownApi: (a, list) => `未知接口 \`${a}\`;可用接口:\n  ${list.join('\n  ')}`,
    missingArgs: (what) => `缺少 ${what}`,
    tooManyArgs: '参数过多',
    cannotRead: (f, why) => `无法读取 ${f}:${why}`,
    notJson: (f, why) => `${f} 不是合法的 JSON:${why}`,
    credsOnlyEnv: '凭据只能通过环境变量(TOP_APP_KEY、TOP_APP_SECRET)提供:命令行参数会出现在进程列表中,其他用户可见',
    missingCreds: '请在环境变量中设置 TOP_APP_KEY 和 TOP_APP_SECRET',
    missingCustomer: '奇门接口需要环境变量 TOP_CUSTOMER_ID',
    missingGateway: '请设置 TOP_GATEWAY 或传 --gateway',
    badNumber: (o) => `${o} 必须是数字`,
    badLang: 'lang 只能是 en 或 zh',
    valid: (api) => `校验通过:${api}`,
    invalid: (n, w) => `${n} 个错误,${w} 个警告`,
    warnings: (w) => `${w} 个警告`,
    error: '错误',
    warning: '警告',
    invalidPayload: (n) => `请求内容有 ${n} 处错误:`,
    batch: (lines, valid, invalid, blank) => `共 ${lines} 行:${valid} 行有效,${invalid} 行无效,${blank} 行空行`,
    byCode: '各错误码数量:',
    failing: (shown, total) => `前几个失败行(${shown} / ${total}):`,
    line: (n) => `第 ${n} 行`,
    lineTooLong: (max) => `该行超过 ${max} 字节`,
    ok: '成功',
    failed: '失败',
    attempts: (n) => `尝试次数:${n}`,
    hint: '建议',
    listening: (url) => `top-logistics 沙箱已启动:${url}`,
    secretFrom: (src) => `App Secret:${src}`,
    secretDev: '开发用密钥(见 README)',
    secretEnv: '来自 TOP_APP_SECRET',
    secretFlag: '来自 --app-secret',
    faults: (f) => `故障注入:比例 ${f.rate},类型 ${f.kinds.join(',')},延迟 ${f.delayMs} 毫秒,封禁 ${f.banSeconds} 秒${f.seed != null ? `,种子 ${f.seed}` : ''}`,
    noFaults: '故障注入:无',
    control: '控制接口:GET/POST /sandbox/faults、GET /sandbox/log、GET /sandbox/stats、POST /sandbox/reset',
    logTo: (f) => `日志:${f}`,
    stopped: '沙箱已停止',
    notFound: '未找到:沙箱只提供 /router/rest、/router/qimen/service 和 /sandbox/*',
    logLineBad: (n) => `第 ${n} 行:不是日志条目`,
  },
};

// --- output ---------------------------------------------------------------------

class UsageError extends Error {}
class InputError extends Error {}

const env = process.env;
const color = Boolean(process.stdout.isTTY) && (env.NO_COLOR === undefined || env.NO_COLOR === '');
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : String(s));
const c = { red: paint('31'), green: paint('32'), yellow: paint('33'), dim: paint('2'), bold: paint('1') };

/** Everything printed goes through these: the secret is redacted as a last line of defence. */
const secretInEnv = env.TOP_APP_SECRET;
const clean = (s) => redactText(String(s), secretInEnv && secretInEnv.length >= 4 ? secretInEnv : '');
const out = (s = '') => process.stdout.write(`${clean(s)}\n`);
const err = (s = '') => process.stderr.write(`${clean(s)}\n`);

process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
  throw e;
});

// --- helpers ----------------------------------------------------------------------

const apiNames = () => tl.apis().map((a) => a.name);

function checkApi(m, name) {
  if (name === undefined) throw new UsageError(m.missingArgs('<api>'));
  if (!apiNames().includes(name)) throw new UsageError(m.unknownApi(name, apiNames()));
  return name;
}

function readInput(m, file) {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(m.cannotRead(file, e.code ?? e.message));
  }
}

function readJson(m, file) {
  const text = readInput(m, file).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(m.notJson(file, e.message));
  }
}

function number(m, name, value, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(m.badNumber(`--${name}`));
  return n;
}

function positionals(m, list, names, optional = 0) {
  if (list.length < names.length - optional) throw new UsageError(m.missingArgs(names.slice(list.length).join(' ')));
  if (list.length > names.length) throw new UsageError(m.tooManyArgs);
  return list;
}

/** Shell single-quoting. */
const sq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

function issueLine(lang, kind, issue) {
  const message = lang === 'zh' ? issue.messageZh : issue.message;
  const label = kind === 'error' ? c.red(MSG[lang].error) : c.yellow(MSG[lang].warning);
  return `  ${label}  ${issue.path || '(payload)'}  ${c.dim(issue.code)}  ${message}`;
}

function credentials(m, api) {
  const appKey = env.TOP_APP_KEY;
  const appSecret = env.TOP_APP_SECRET;
  if (!appKey || !appSecret) throw new UsageError(m.missingCreds);
  const protocol = tl.apis().find((a) => a.name === api).protocol;
  const customerId = env.TOP_CUSTOMER_ID;
  if (protocol === 'qimen' && !customerId) throw new UsageError(m.missingCustomer);
  return { appKey, appSecret, customerId, session: env.TOP_SESSION || undefined };
}

function printBuildError(lang, e) {
  const m = MSG[lang];
  if (e?.code === 'invalid_payload' && e.report) {
    err(c.red(m.invalidPayload(e.report.errors.length)));
    for (const i of e.report.errors) err(issueLine(lang, 'error', i));
    return EXIT_FAIL;
  }
  if (e?.code === 'invalid_option' || e?.code === 'bad_argument') {
    err(`${c.red('error:')} ${lang === 'zh' && e.messageZh ? e.messageZh : e.message}`);
    return EXIT_USAGE;
  }
  throw e;
}

// --- commands ------------------------------------------------------------------------

const COMMON = {
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
};

const COMMANDS = {
  apis: {
    options: {},
    run({ lang, values, args }) {
      positionals(MSG[lang], args, []);
      const list = tl.apis();
      if (values.json) {
        out(JSON.stringify(list, null, 2));
        return EXIT_OK;
      }
      const width = Math.max(...list.map((a) => a.name.length));
      for (const a of list) out(`${c.bold(a.name.padEnd(width))}  ${a.protocol.padEnd(5)}  ${a.title[lang]}`);
      return EXIT_OK;
    },
  },

  describe: {
    options: {},
    run({ lang, values, args }) {
      const m = MSG[lang];
      const [name] = positionals(m, args, ['<api>']);
      const api = checkApi(m, name);
      const d = tl.describe(api);
      if (values.json) {
        out(JSON.stringify(d, null, 2));
        return EXIT_OK;
      }
      out(`${c.bold(d.name)}  (${d.protocol})  ${d.title[lang]}`);
      out(d.summary[lang]);
      if (d.idempotencyKey) out(`${lang === 'zh' ? '幂等键' : 'idempotency key'}: ${d.idempotencyKey}`);
      out();
      const walk = (fields, depth) => {
        for (const f of fields) {
          const kind = `${f.kind}${f.list ? '[]' : ''}`;
          const req = f.required === 'error' ? (lang === 'zh' ? '必填' : 'required') : f.required === 'warning' ? (lang === 'zh' ? '建议' : 'expected') : lang === 'zh' ? '可选' : 'optional';
          const example = f.example != null ? c.dim(`  e.g. ${f.example}`) : '';
          out(`${'  '.repeat(depth)}${c.bold(f.name)}  ${kind}  ${req}  ${f.doc[lang]}${example}`);
          walk(f.fields ?? [], depth + 1);
        }
      };
      walk(d.fields, 0);
      return EXIT_OK;
    },
  },

  validate: {
    options: {
      ndjson: { type: 'boolean' },
      failures: { type: 'string' },
      'max-line-bytes': { type: 'string' },
    },
    async run({ lang, values, args }) {
      const m = MSG[lang];
      if (values.ndjson) {
        const list = positionals(m, args, ['<api>', '<file|->'], 1);
        const [name, file] = list.length === 2 ? list : [undefined, list[0]];
        const api = name === undefined ? undefined : checkApi(m, name);
        return validateNdjson({ lang, api, file, values });
      }
      const [name, file] = positionals(m, args, ['<api>', '<file|->']);
      const api = checkApi(m, name);
      const text = readInput(m, file).replace(/^\uFEFF/, '');
      const report = tl.validate(api, text, {});
      if (values.json) {
        out(JSON.stringify(report, null, 2));
        return report.ok ? EXIT_OK : EXIT_FAIL;
      }
      if (report.ok) {
        out(`${c.green('✔')} ${m.valid(api)}${report.warnings.length ? `, ${m.warnings(report.warnings.length)}` : ''}`);
      } else {
        out(`${c.red('✘')} ${m.invalid(report.errors.length, report.warnings.length)}`);
      }
      for (const i of report.errors) out(issueLine(lang, 'error', i));
      for (const i of report.warnings) out(issueLine(lang, 'warning', i));
      return report.ok ? EXIT_OK : EXIT_FAIL;
    },
  },

  build: {
    options: {
      gateway: { type: 'string' },
      'sign-method': { type: 'string' },
      format: { type: 'string' },
      timestamp: { type: 'string' },
    },
    async run({ lang, values, args }) {
      const m = MSG[lang];
      const [name, file] = positionals(m, args, ['<api>', '<file|->']);
      const api = checkApi(m, name);
      const creds = credentials(m, api);
      const payload = readJson(m, file);
      let request;
      try {
        const client = new tl.TopClient({ appKey: creds.appKey, appSecret: creds.appSecret, customerId: creds.customerId, session: creds.session, gateway: values.gateway ?? (env.TOP_GATEWAY || undefined) });
        const timestamp = values.timestamp === undefined ? undefined : /^\d+$/.test(values.timestamp) ? Number(values.timestamp) : values.timestamp;
        request = await client.call(api, payload, { dryRun: true, signMethod: values['sign-method'], format: values.format, timestamp });
      } catch (e) {
        return printBuildError(lang, e);
      }
      const headers = Object.entries(request.headers);
      const curl = ['curl -sS -X POST', sq(request.url), ...headers.map(([k, v]) => `-H ${sq(`${k}: ${v}`)}`), `--data-binary ${sq(request.body)}`].join(' ');
      if (values.json) {
        const { idempotencyKey, ...rest } = request;
        out(JSON.stringify({ ...rest, idempotencyKey, curl }, null, 2));
        return EXIT_OK;
      }
      out(c.dim(`# ${api}${request.idempotencyKey ? `  (idempotency key ${request.idempotencyKey})` : ''}`));
      out(`${request.method} ${request.url}`);
      for (const [k, v] of headers) out(`${k}: ${v}`);
      out();
      out(request.body);
      out();
      out(c.dim('# curl'));
      out(curl);
      return EXIT_OK;
    },
  },

  send: {
    options: {
      gateway: { type: 'string' },
      'timeout-ms': { type: 'string' },
      retries: { type: 'string' },
      'sign-method': { type: 'string' },
      format: { type: 'string' },
    },
    async run({ lang, values, args }) {
      const m = MSG[lang];
      const [name, file] = positionals(m, args, ['<api>', '<file|->']);
      const api = checkApi(m, name);
      const creds = credentials(m, api);
      const gateway = values.gateway ?? (env.TOP_GATEWAY || undefined);
      if (!gateway) throw new UsageError(m.missingGateway);
      const timeoutMs = number(m, 'timeout-ms', values['timeout-ms'], 10_000);
      const retries = number(m, 'retries', values.retries, 2);
      const payload = readJson(m, file);
      let result;
      try {
        const client = new tl.TopClient({ appKey: creds.appKey, appSecret: creds.appSecret, customerId: creds.customerId, session: creds.session, gateway, timeoutMs, retries });
        result = await client.call(api, payload, { signMethod: values['sign-method'], format: values.format });
      } catch (e) {
        return printBuildError(lang, e);
      }
      if (values.json) {
        out(JSON.stringify(result, null, 2));
        return result.ok ? EXIT_OK : EXIT_FAIL;
      }
      if (result.ok) {
        out(`${c.green('✔')} ${m.ok}  request_id=${result.requestId ?? '-'}  ${m.attempts(result.attempts)}${result.idempotencyKey ? `  key=${result.idempotencyKey}` : ''}`);
        out(JSON.stringify(result.data ?? {}, null, 2));
        return EXIT_OK;
      }
      const e = result.error;
      out(`${c.red('✘')} ${m.failed}: ${e.code} ${e.msg}${e.subCode ? ` (${e.subCode}${e.subMsg ? `: ${e.subMsg}` : ''})` : ''}  ${m.attempts(result.attempts)}`);
      out(`${m.hint}: ${lang === 'zh' ? e.hintZh : e.hint}`);
      return EXIT_FAIL;
    },
  },

  parse: {
    options: {
      format: { type: 'string' },
      request: { type: 'boolean' },
    },
    run({ lang, values, args }) {
      const m = MSG[lang];
      const [name, file] = positionals(m, args, ['<api>', '<file|->']);
      const api = checkApi(m, name);
      const text = readInput(m, file);
      if (values.format !== undefined && !['json', 'xml', ...(values.request ? ['form'] : [])].includes(values.format)) {
        throw new UsageError(`--format: json${values.request ? ', form' : ''} or xml`);
      }
      if (values.request) {
        const parsed = tl.parseRequest(api, text, { format: values.format });
        out(JSON.stringify(parsed, null, 2));
        return parsed.report.ok ? EXIT_OK : EXIT_FAIL;
      }
      const parsed = tl.parseResponse(api, text, { format: values.format });
      out(JSON.stringify(parsed, null, 2));
      return parsed.ok ? EXIT_OK : EXIT_FAIL;
    },
  },

  sandbox: {
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'app-key': { type: 'string' },
      'app-secret': { type: 'string' },
      'customer-id': { type: 'string' },
      log: { type: 'string' },
      'fault-rate': { type: 'string' },
      'fault-kinds': { type: 'string' },
      'delay-ms': { type: 'string' },
      'ban-seconds': { type: 'string' },
      seed: { type: 'string' },
      'limit-bytes': { type: 'string' },
      'print-log': { type: 'string' },
    },
    async run({ lang, values, args }) {
      const m = MSG[lang];
      positionals(m, args, []);
      if (values['print-log'] !== undefined) return printLog(lang, values['print-log'], values.json);
      const port = number(m, 'port', values.port, 8787);
      const host = values.host ?? '127.0.0.1';
      const appKey = values['app-key'] ?? (env.TOP_APP_KEY || SANDBOX_APP_KEY);
      const secretSource = values['app-secret'] !== undefined ? m.secretFlag : env.TOP_APP_SECRET ? m.secretEnv : m.secretDev;
      const appSecret = values['app-secret'] ?? (env.TOP_APP_SECRET || SANDBOX_APP_SECRET);
      const customerId = values['customer-id'] ?? (env.TOP_CUSTOMER_ID || SANDBOX_CUSTOMER_ID);
      const faults = {};
      if (values['fault-rate'] !== undefined) faults.rate = number(m, 'fault-rate', values['fault-rate']);
      if (values['fault-kinds'] !== undefined) faults.kinds = values['fault-kinds'];
      if (values['delay-ms'] !== undefined) faults.delayMs = number(m, 'delay-ms', values['delay-ms']);
      if (values['ban-seconds'] !== undefined) faults.banSeconds = number(m, 'ban-seconds', values['ban-seconds']);
      if (values.seed !== undefined) faults.seed = /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
      const limitBytes = number(m, 'limit-bytes', values['limit-bytes'], 4 * 1024 * 1024);
      let sandbox;
      try {
        sandbox = tl.createSandbox({ appKey, appSecret, customerId, logFile: values.log, faults, limitBytes });
      } catch (e) {
        if (e.code === 'invalid_option') throw new UsageError(e.message);
        throw new InputError(m.cannotRead(values.log, e.code ?? e.message));
      }
      const server = http.createServer(async (req, res) => {
        try {
          if (!(await sandbox.handle(req, res))) {
            res.writeHead(404, { 'content-type': 'text/plain;charset=utf-8' }).end(`${m.notFound}\n`);
          }
        } catch (e) {
          err(`sandbox: ${e?.message ?? e}`);
          if (!res.headersSent) res.writeHead(500).end();
          else res.destroy();
        }
      });
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, resolve);
      }).catch((e) => {
        throw new InputError(`${host}:${port}: ${e.code ?? e.message}`);
      });
      const address = server.address();
      const base = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      out(m.listening(base));
      out(`  TOP:   ${base}/router/rest`);
      out(`  Qimen: ${base}/router/qimen/service`);
      out(`  app key: ${appKey}   customerId: ${customerId}   ${m.secretFrom(secretSource)}`);
      const f = sandbox.faults();
      out(`  ${f.rate > 0 ? m.faults(f) : m.noFaults}`);
      if (values.log) out(`  ${m.logTo(values.log)}`);
      out(`  ${m.control}`);
      await new Promise((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          server.close(() => resolve());
          server.closeAllConnections?.();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sandbox.close();
      err(m.stopped);
      return EXIT_OK;
    },
  },
};

// --- validate --ndjson ----------------------------------------------------------------

async function validateNdjson({ lang, api, file, values }) {
  const m = MSG[lang];
  const maxFailures = number(m, 'failures', values.failures, 20);
  const maxLine = number(m, 'max-line-bytes', values['max-line-bytes'], 4 * 1024 * 1024);
  let total = 0;
  if (file !== '-') {
    try {
      total = statSync(file).size;
    } catch (e) {
      throw new InputError(m.cannotRead(file, e.code ?? e.message));
    }
  }
  const stream = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 256 * 1024 });
  const counts = Object.create(null);
  const failures = [];
  let lines = 0;
  let valid = 0;
  let invalid = 0;
  let blank = 0;
  let bytesRead = 0;

  // A progress bar on stderr, only when it is a terminal.
  const tty = Boolean(process.stderr.isTTY);
  let lastDraw = 0;
  const draw = (final = false) => {
    if (!tty) return;
    const now = Date.now();
    if (!final && now - lastDraw < 100) return;
    lastDraw = now;
    const width = 30;
    const share = total > 0 ? Math.min(1, bytesRead / total) : 0;
    const bar = total > 0 ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${String(Math.floor(share * 100)).padStart(3)}% ` : '';
    process.stderr.write(`\r${bar}${lines} ${lang === 'zh' ? '行' : 'lines'}, ${invalid} ${lang === 'zh' ? '无效' : 'invalid'}\x1b[K`);
    if (final) process.stderr.write('\r\x1b[K');
  };

  const fail = (lineNo, errors) => {
    invalid += 1;
    for (const e of errors) counts[e.code] = (counts[e.code] ?? 0) + 1;
    if (failures.length < maxFailures) failures.push({ line: lineNo, errors: errors.slice(0, 5) });
  };
  const issue = (code, message, messageZh = message) => ({ path: '', code, message, messageZh });

  // Lines are validated in chunks inside the core (validateLines): a batch
  // pays the JS/wasm crossing once per chunk, not once per line. They stay
  // bytes, and runs of whole lines are handed over as read: the core splits
  // and decodes them; JavaScript only looks for the last newline of a piece.
  const CHUNK_BYTES = 1 << 20;
  const NEWLINE = Buffer.from('\n');
  let pending = []; // pieces of whole lines, to be joined with newlines
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const parts = [];
    for (const piece of pending) parts.push(piece, NEWLINE);
    parts.pop();
    const bytes = Buffer.concat(parts, pendingBytes + pending.length - 1);
    const b = tl.validateLines(bytes, { api, firstLine: lines + 1, maxFailures: maxFailures - failures.length });
    lines += b.lines;
    valid += b.valid;
    invalid += b.invalid;
    blank += b.blank;
    for (const [code, n] of b.codes) counts[code] = (counts[code] ?? 0) + n;
    failures.push(...b.failures);
    pending = [];
    pendingBytes = 0;
  };
  const push = (piece) => {
    pending.push(piece);
    pendingBytes += piece.length;
    if (pendingBytes >= CHUNK_BYTES) flush();
  };

  // The line that runs on past the end of a piece, kept up to maxLine bytes.
  let carry = [];
  let carryLen = 0;
  let tooLong = false;
  const endCarried = () => {
    if (tooLong) {
      flush();
      lines += 1;
      fail(lines, [issue('line_too_long', MSG.en.lineTooLong(maxLine), MSG.zh.lineTooLong(maxLine))]);
    } else {
      push(carry.length === 1 ? carry[0] : Buffer.concat(carry, carryLen));
    }
    carry = [];
    carryLen = 0;
    tooLong = false;
  };
  const add = (piece) => {
    if (tooLong || piece.length === 0) return;
    if (carryLen + piece.length > maxLine) {
      tooLong = true;
      carry = [];
      carryLen = 0;
      return;
    }
    carry.push(piece);
    carryLen += piece.length;
  };
  // A piece of at most maxLine bytes: a line that starts and ends inside it
  // is shorter than maxLine, so only the carried line needs measuring.
  const pieceBytes = Math.max(1, Math.floor(maxLine));
  const take = (piece) => {
    let start = 0;
    if (carryLen > 0 || tooLong) {
      const nl = piece.indexOf(10);
      if (nl < 0) return add(piece);
      add(piece.subarray(0, nl));
      endCarried();
      start = nl + 1;
    }
    const last = piece.lastIndexOf(10);
    if (last >= start) {
      push(piece.subarray(start, last));
      start = last + 1;
    }
    add(piece.subarray(start));
  };

  try {
    for await (const chunk of stream) {
      bytesRead += chunk.length;
      for (let at = 0; at < chunk.length; at += pieceBytes) take(chunk.subarray(at, at + pieceBytes));
      draw();
    }
  } catch (e) {
    draw(true);
    throw new InputError(m.cannotRead(file, e.code ?? e.message));
  }
  if (carryLen > 0 || tooLong) endCarried();
  flush();
  draw(true);

  const summary = { lines, valid, invalid, blank, codes: { ...counts }, failures };
  if (values.json) {
    out(JSON.stringify(summary, null, 2));
    return invalid > 0 ? EXIT_FAIL : EXIT_OK;
  }
  out(`${invalid > 0 ? c.red('✘') : c.green('✔')} ${m.batch(lines, valid, invalid, blank)}`);
  const codes = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (codes.length > 0) {
    out(m.byCode);
    const width = Math.max(...codes.map(([k]) => k.length));
    for (const [k, n] of codes) out(`  ${k.padEnd(width)}  ${n}`);
  }
  if (failures.length > 0) {
    out(m.failing(failures.length, invalid));
    for (const f of failures) {
      const e = f.errors[0];
      out(`  ${m.line(f.line)}: ${e.path ? `${e.path} ` : ''}${c.dim(e.code)} ${lang === 'zh' ? e.messageZh : e.message}`);
    }
  }
  return invalid > 0 ? EXIT_FAIL : EXIT_OK;
}

// --- sandbox --print-log -----------------------------------------------------------------

async function printLog(lang, file, asJson) {
  const m = MSG[lang];
  let stream;
  try {
    statSync(file);
    stream = createReadStream(file, { encoding: 'utf8' });
  } catch (e) {
    throw new InputError(m.cannotRead(file, e.code ?? e.message));
  }
  let rest = '';
  let n = 0;
  let bad = 0;
  const line = (text) => {
    n += 1;
    if (text.trim() === '') return;
    if (asJson) {
      out(text);
      return;
    }
    let e;
    try {
      e = JSON.parse(text);
    } catch {
      bad += 1;
      err(m.logLineBad(n));
      return;
    }
    const key = e.idempotencyKey ? ` key=${e.idempotencyKey}` : '';
    out(`#${e.seq}  ${e.time}  ${c.bold(e.api)}${key}  request_id=${e.requestId}`);
  };
  for await (const chunk of stream) {
    rest += chunk;
    let nl;
    while ((nl = rest.indexOf('\n')) >= 0) {
      line(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
    }
  }
  if (rest) line(rest);
  return bad > 0 ? EXIT_FAIL : EXIT_OK;
}

// --- main ------------------------------------------------------------------------------------

async function main(argv) {
  // The language first: usage errors are reported in it too.
  let lang = 'en';
  const langAt = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (langAt >= 0) {
    const v = argv[langAt].includes('=') ? argv[langAt].slice('--lang='.length) : argv[langAt + 1];
    if (v === 'en' || v === 'zh') lang = v;
    else {
      err(`top-logistics: ${MSG.en.badLang}`);
      return EXIT_USAGE;
    }
  }
  const m = MSG[lang];
  // Global options before the command.
  const rest = [...argv];
  while (rest.length > 0 && rest[0].startsWith('-')) {
    const a = rest.shift();
    if (a === '--lang') rest.shift();
    else if (a.startsWith('--lang=')) continue;
    else if (a === '--help' || a === '-h') {
      out(HELP[lang].main);
      return EXIT_OK;
    } else if (a === '--version' || a === '-v') {
      out(JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).version);
      return EXIT_OK;
    } else {
      err(`top-logistics: ${a.split('=')[0]}: ${m.seeHelp}`);
      return EXIT_USAGE;
    }
  }
  let name = rest.shift();
  if (name === undefined) {
    err(HELP[lang].main);
    return EXIT_USAGE;
  }
  if (name === 'help') {
    const topic = rest.find((a) => !a.startsWith('-'));
    if (topic === undefined) {
      out(HELP[lang].main);
      return EXIT_OK;
    }
    if (!COMMANDS[topic]) {
      err(`top-logistics: ${m.unknownCommand(topic)}; ${m.seeHelp}`);
      return EXIT_USAGE;
    }
    out(HELP[lang][topic]);
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`top-logistics: ${m.unknownCommand(name)}; ${m.seeHelp}`);
    return EXIT_USAGE;
  }
  // Credentials on the command line are refused (the sandbox's own flags aside),
  // without echoing what was given.
  if (name !== 'sandbox' && rest.some((a) => /^--?(app[-_]?secret|app[-_]?key|secret|customer[-_]?id)\b/i.test(a))) {
    err(`top-logistics ${name}: ${m.credsOnlyEnv}`);
    return EXIT_USAGE;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON, ...command.options }, allowPositionals: true, strict: true });
  } catch (e) {
    // parseArgs names the option; its value is never echoed.
    const what = /'(-{1,2}[^'=\s]*)/.exec(e.message)?.[1];
    err(`top-logistics ${name}: ${what ? `${what}: ` : ''}${e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? (lang === 'zh' ? '未知选项' : 'unknown option') : lang === 'zh' ? '选项用法错误' : 'bad option'}; ${m.seeHelp}`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    out(HELP[lang][name]);
    return EXIT_OK;
  }
  try {
    return await command.run({ lang, values: parsed.values, args: parsed.positionals });
  } catch (e) {
    if (e instanceof UsageError) {
      err(`top-logistics ${name}: ${e.message}`);
      err(c.dim(`(top-logistics ${name} --help)`));
      return EXIT_USAGE;
    }
    if (e instanceof InputError) {
      err(`top-logistics ${name}: ${e.message}`);
      return EXIT_FAIL;
    }
    err(`top-logistics ${name}: ${e?.message ?? e}`);
    return EXIT_FAIL;
  }
}

process.exitCode = await main(process.argv.slice(2));
