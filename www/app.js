// The playground: one API at a time, a form generated from describe(api),
// live validation, a signed request preview, sending to the local sandbox (or
// a gateway typed in) and parsing responses, all through the npm package's
// WebAssembly core. The state (never the credentials) lives in the URL hash.
import { h } from './dom.js';
import { Form } from './form.js';
import { STRINGS } from './i18n.js';
import { curlCommand, entriesOf, formatGmt8, jsSource, prettyJsonText, prettyXml } from './lib.js';

const $ = (sel) => document.querySelector(sel);
const status = $('#status');

// The local sandbox's development credentials (see pkg/sandbox.js).
const DEV = { appKey: '10000001', appSecret: 'sandbox-secret', customerId: 'sandbox-customer' };
const DEFAULTS = {
  top: { signMethod: 'hmac-sha256', format: 'json', path: '/router/rest' },
  qimen: { signMethod: 'md5', format: 'xml', path: '/router/qimen/service' },
};

let top;
try {
  top = await import('/pkg/index.js');
} catch (error) {
  status.className = 'error';
  status.textContent = `${STRINGS.zh.loadFailed}${error}\n${STRINGS.en.loadFailed}${error}`;
  document.body.dataset.ready = 'error';
  throw error;
}

const APIS = top.apis();
const descriptions = new Map();
const describe = (api) => {
  if (!descriptions.has(api)) descriptions.set(api, top.describe(api));
  return descriptions.get(api);
};

// --- state ---------------------------------------------------------------------
const state = {
  api: APIS[0].name,
  lang: 'zh',
  payload: {},
  signMethod: DEFAULTS.top.signMethod,
  format: DEFAULTS.top.format,
  tsMode: 'now',
  ts: '',
  gwMode: 'sandbox',
  gw: '',
  jsonError: null, // the raw editor's text does not parse
};
const payloads = new Map(); // the payload of every API visited, in memory
let report = { ok: true, errors: [], warnings: [] };

const t = () => STRINGS[state.lang];
const desc = () => describe(state.api);
const protocol = () => desc().protocol;

// Credentials: only in these inputs (memory), never in state, URL or storage.
const creds = {
  appKey: $('#app-key'),
  appSecret: $('#app-secret'),
  customerId: $('#customer-id'),
};
creds.appKey.value = DEV.appKey;
creds.appSecret.value = DEV.appSecret;
creds.customerId.value = DEV.customerId;

// --- the URL ---------------------------------------------------------------------
let lastHash = null;
let urlTimer = 0;

function readUrl() {
  const params = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
  const api = params.get('api');
  if (api && APIS.some((a) => a.name === api)) state.api = api;
  const lang = params.get('lang');
  if (lang === 'zh' || lang === 'en') state.lang = lang;
  const d = DEFAULTS[protocol()];
  state.signMethod = ['md5', 'hmac', 'hmac-sha256'].includes(params.get('sign')) ? params.get('sign') : d.signMethod;
  state.format = ['json', 'xml'].includes(params.get('format')) ? params.get('format') : d.format;
  state.tsMode = params.has('ts') ? 'fixed' : 'now';
  state.ts = params.get('ts') ?? '';
  state.gwMode = params.has('gw') ? 'custom' : 'sandbox';
  state.gw = params.get('gw') ?? '';
  state.jsonError = null;
  const text = params.get('payload');
  if (text !== null) {
    try {
      state.payload = JSON.parse(text);
    } catch {
      state.payload = top.sample(state.api);
      state.jsonError = text;
    }
  } else {
    state.payload = payloads.get(state.api) ?? top.sample(state.api);
  }
  payloads.set(state.api, state.payload);
}

function urlHash() {
  const params = new URLSearchParams();
  params.set('api', state.api);
  params.set('lang', state.lang);
  params.set('sign', state.signMethod);
  params.set('format', state.format);
  if (state.tsMode === 'fixed') params.set('ts', state.ts);
  if (state.gwMode === 'custom') params.set('gw', state.gw);
  params.set('payload', JSON.stringify(state.payload));
  return '#' + params.toString();
}

function writeUrl(now = false) {
  clearTimeout(urlTimer);
  const write = () => {
    const hash = urlHash();
    if (hash !== location.hash) history.replaceState(null, '', hash);
    lastHash = location.hash;
  };
  if (now) write();
  else urlTimer = setTimeout(write, 120);
}

addEventListener('hashchange', () => {
  if (location.hash === lastHash) return;
  readUrl();
  renderAll();
});

// --- the form and the JSON editor ---------------------------------------------------
const formEl = $('#form');
formEl.addEventListener('submit', (e) => e.preventDefault());
const form = new Form(formEl, {
  onEdit(structural) {
    state.jsonError = null;
    update({ form: structural });
  },
});
const jsonEl = $('#json');
const jsonIssues = $('#json-issues');

jsonEl.addEventListener('input', () => {
  const text = jsonEl.value;
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    state.jsonError = text;
    showJsonError(text);
    return;
  }
  state.jsonError = null;
  state.payload = value;
  payloads.set(state.api, value);
  update({ form: true, json: false });
});

function showJsonError(text) {
  const r = top.validate(state.api, text, {});
  const issue = r.errors.find((e) => e.path === '' && e.code === 'json') ?? r.errors[0];
  jsonIssues.replaceChildren(
    h('li', { class: 'issue error' },
      h('span', { class: 'badge' }, h('span', { 'aria-hidden': 'true', text: '✖' }), ` ${t().error}`), ' ',
      `${t().jsonSyntax} ${issue ? (state.lang === 'zh' ? issue.messageZh : issue.message) : ''}`),
  );
  jsonEl.setAttribute('aria-invalid', 'true');
}

// --- rendering ---------------------------------------------------------------------------
function applyStrings() {
  const s = t();
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `${s.title}`;
  for (const el of document.querySelectorAll('[data-i18n]')) {
    const v = s[el.dataset.i18n];
    if (typeof v === 'string') el.textContent = v;
  }
  for (const b of document.querySelectorAll('.lang button')) b.setAttribute('aria-pressed', String(b.dataset.lang === state.lang));
}

function renderApiPicker() {
  const select = $('#api');
  select.replaceChildren(
    ...APIS.map((a) => h('option', { value: a.name, selected: a.name === state.api, text: `${a.title[state.lang]} — ${a.name} (${a.protocol === 'qimen' ? 'Qimen' : 'TOP'})` })),
  );
  select.value = state.api;
  const d = desc();
  $('#api-summary').replaceChildren(h('span', { class: 'proto', text: d.protocol === 'qimen' ? 'Qimen' : 'TOP' }), ' ', d.summary[state.lang]);
  $('#decisions ul').replaceChildren(
    ...d.decisions.map((x) => h('li', {}, h('code', { text: x.path }), ' ', x.decision[state.lang])),
  );
}

function renderOptions() {
  $('#sign-method').value = state.signMethod;
  $('#format').value = state.format;
  $('#format-label').textContent = protocol() === 'qimen' ? t().formatQimen : t().formatTop;
  $('#customer-box').hidden = protocol() !== 'qimen';
  for (const r of document.querySelectorAll('input[name="ts-mode"]')) r.checked = r.value === state.tsMode;
  for (const r of document.querySelectorAll('input[name="gw-mode"]')) r.checked = r.value === state.gwMode;
  $('#ts-box').hidden = state.tsMode !== 'fixed';
  $('#ts').value = state.ts;
  $('#gw-box').hidden = state.gwMode !== 'custom';
  $('#gw').value = state.gw;
  $('#gw').placeholder = protocol() === 'qimen' ? 'https://qimen.api.taobao.com/router/qimen/service' : 'https://eco.taobao.com/router/rest';
  $('#send-target').textContent = `→ ${gateway()}`;
  $('#fault-box').hidden = !sandboxFaults.available || state.gwMode !== 'sandbox';
  for (const o of $('#fault').options) o.textContent = t().faults[o.value];
  $('#fault').value = sandboxFaults.kind;
}

// The local sandbox's fault injection (/sandbox/faults), when the page is
// served with the sandbox (make start).
const sandboxFaults = { available: false, kind: '' };
async function loadFaults() {
  try {
    const res = await fetch('/sandbox/faults', { cache: 'no-store' });
    if (!res.ok) return;
    const f = await res.json();
    sandboxFaults.available = true;
    sandboxFaults.kind = f.rate >= 1 && f.kinds.length === 1 && f.kinds[0] in STRINGS.en.faults ? f.kinds[0] : '';
  } catch {
    // no sandbox: the control stays hidden
  }
  renderOptions();
}
$('#fault').addEventListener('change', async (e) => {
  const kind = e.target.value;
  const body = kind ? { rate: 1, kinds: [kind] } : { rate: 0 };
  const res = await fetch('/sandbox/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.ok) sandboxFaults.kind = kind;
  $('#fault').value = sandboxFaults.kind;
});

function renderSummary(placed) {
  const s = t();
  const box = $('#summary');
  const ne = report.errors.length;
  const nw = report.warnings.length;
  box.className = ne ? 'summary has-error' : nw ? 'summary has-warning' : 'summary ok';
  if (!ne && !nw) {
    box.replaceChildren(h('p', { class: 'counts' }, h('span', { class: 'count ok' }, h('span', { 'aria-hidden': 'true', text: '✔' }), ` ${s.summaryOk}`)));
    return;
  }
  box.replaceChildren(
    h('p', { class: 'counts' },
      h('span', { class: 'count error', 'data-count': ne }, h('span', { 'aria-hidden': 'true', text: '✖' }), ` ${s.errors(ne)}`), ' ',
      h('span', { class: 'count warning', 'data-count': nw }, h('span', { 'aria-hidden': 'true', text: '⚠' }), ` ${s.warnings(nw)}`)),
    h('ol', { class: 'summary-list' },
      placed.map(({ issue, level, el }) =>
        h('li', { class: `issue ${level}` },
          h('span', { class: 'badge' }, h('span', { 'aria-hidden': 'true', text: level === 'error' ? '✖' : '⚠' }), ` ${level === 'error' ? s.error : s.warning}`), ' ',
          h('a', { href: '#', 'data-goto': issue.path }, h('code', { text: issue.path || '/' })), ' ',
          state.lang === 'zh' ? issue.messageZh : issue.message),
      )),
  );
  // the links: focus the field the message sits beside
  const links = box.querySelectorAll('a[data-goto]');
  links.forEach((a, i) => {
    a.addEventListener('click', (e) => {
      e.preventDefault();
      const el = placed[i].el;
      el.scrollIntoView({ block: 'center' });
      (el.querySelector('[data-bind]:not([hidden])') ?? el).focus?.();
    });
  });
}

/** Where the request goes: the sandbox on this origin, or the URL typed in (a bare origin gets the protocol's path). */
function gateway() {
  const path = DEFAULTS[protocol()].path;
  const typed = state.gw.trim();
  if (state.gwMode !== 'custom' || !typed) return location.origin + path;
  try {
    const url = new URL(typed);
    if (url.pathname === '/' && !url.search) return url.origin + path;
  } catch {
    // buildRequest says what is wrong with it
  }
  return typed;
}

/** What is wrong with the gateway typed in, or null. */
function gatewayProblem() {
  if (state.gwMode !== 'custom' || !state.gw.trim()) return null;
  try {
    const url = new URL(state.gw.trim());
    if (url.protocol === 'http:' || url.protocol === 'https:') return null;
  } catch {
    // not a URL
  }
  return t().badGateway(state.gw.trim());
}

function errorLine(text) {
  return h('p', { class: 'issue error' }, h('span', { class: 'badge' }, h('span', { 'aria-hidden': 'true', text: '✖' }), ` ${t().error}`), ' ', text);
}

function buildOptions({ validate }) {
  const options = {
    appKey: creds.appKey.value,
    appSecret: creds.appSecret.value,
    signMethod: state.signMethod,
    format: state.format,
    gateway: gateway(),
    validate,
  };
  if (protocol() === 'qimen') options.customerId = creds.customerId.value;
  if (state.tsMode === 'fixed' && state.ts.trim()) {
    options.timestamp = /^\d+$/.test(state.ts.trim()) ? Number(state.ts.trim()) : state.ts.trim();
  } else {
    options.timestamp = Date.now();
  }
  return options;
}

/** The secret, if it ever landed in a text, masked (it is never shown). */
function mask(text) {
  const secret = creds.appSecret.value;
  return secret.length >= 6 ? String(text).split(secret).join('••••••') : String(text);
}

function pre(text, attrs = {}) {
  return h('pre', attrs, h('code', { text: mask(text) }));
}

function nodeSnippet() {
  const d = desc();
  const qimen = d.protocol === 'qimen';
  const lines = [
    "import { TopClient } from 'top-logistics';",
    '',
    'const client = new TopClient({',
    `  appKey: ${JSON.stringify(creds.appKey.value)},`,
    '  appSecret: process.env.TOP_APP_SECRET,',
    qimen ? `  customerId: ${JSON.stringify(creds.customerId.value)},` : null,
    `  gateway: ${JSON.stringify(gateway())},`,
    `  signMethod: ${JSON.stringify(state.signMethod)},`,
    `  format: ${JSON.stringify(state.format)},`,
    '});',
    '',
    `const result = await client.call(${JSON.stringify(state.api)}, ${jsSource(state.payload)});`,
    'if (result.ok) console.log(result.data);',
    'else console.error(result.error.code, result.error.hint);',
  ];
  return lines.filter((l) => l !== null).join('\n');
}

function renderPreview() {
  const s = t();
  const box = $('#preview');
  if (gatewayProblem()) {
    box.replaceChildren(errorLine(gatewayProblem()));
    return;
  }
  let built;
  try {
    built = top.buildRequest(state.api, state.payload, buildOptions({ validate: false }));
  } catch (error) {
    box.replaceChildren(h('p', { class: 'issue error' }, h('span', { class: 'badge' }, h('span', { 'aria-hidden': 'true', text: '✖' }), ` ${s.error}`), ' ',
      `${s.previewFailed} ${state.lang === 'zh' ? error.messageZh ?? error.message : error.message}`));
    return;
  }
  const parts = [];
  if (report.errors.length) parts.push(h('p', { class: 'notice warn-box' }, h('span', { 'aria-hidden': 'true', text: '⚠ ' }), s.previewInvalid(report.errors.length)));
  parts.push(h('h4', { text: s.signature }), pre(built.sign, { id: 'preview-sign' }));
  parts.push(
    h('h4', { text: s.query }),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'kv', id: 'preview-query' },
        h('tbody', {}, entriesOf(built.query).map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, h('code', { text: k })), h('td', {}, h('code', { text: mask(v) }))))))),
  );
  parts.push(h('h4', { text: s.body }));
  if (protocol() === 'top') {
    const fields = [...new URLSearchParams(built.body)];
    parts.push(
      h('p', { class: 'sub-h', text: s.formFields }),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'kv', id: 'preview-form' },
          h('tbody', {}, fields.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, h('code', { text: k })), h('td', {}, pre(prettyJsonText(v)))))))),
      h('p', { class: 'sub-h', text: s.rawBody }),
      pre(built.body, { id: 'preview-body', class: 'wrap' }),
    );
  } else {
    parts.push(
      h('p', { class: 'sub-h', text: state.format === 'xml' ? s.xmlBody : s.jsonBody }),
      pre(state.format === 'xml' ? prettyXml(built.body) : prettyJsonText(built.body), { id: 'preview-body' }),
    );
  }
  parts.push(h('h4', { text: s.curl }), pre(curlCommand(built), { id: 'preview-curl', class: 'wrap' }));
  parts.push(h('h4', { text: s.node }), h('p', { class: 'help', text: s.nodeNote }), pre(nodeSnippet(), { id: 'preview-node' }));
  box.replaceChildren(...parts);
}

// --- responses ----------------------------------------------------------------------------
function renderParsed(box, parsed, { status: httpStatus, ms, raw } = {}) {
  const s = t();
  const d = desc();
  const parts = [];
  if (httpStatus !== undefined) {
    parts.push(h('p', { class: 'muted' }, `${s.httpStatus}: ${httpStatus}`, ms !== undefined ? ` · ${s.duration}: ${Math.round(ms)} ms` : ''));
  }
  if (parsed.ok) {
    parts.push(
      h('p', { class: 'result ok', 'data-ok': 'true' }, h('span', { 'aria-hidden': 'true', text: '✔ ' }), s.ok,
        parsed.requestId ? h('span', { class: 'muted' }, ` · ${s.requestId}: `, h('code', { text: parsed.requestId })) : ''),
      h('h4', { text: s.data }),
      pre(JSON.stringify(parsed.data ?? {}, null, 2), { class: 'data' }),
    );
  } else {
    const e = parsed.error ?? {};
    const retry = !e.retryable ? s.retryNo : e.retryAfterMs != null ? s.retryAfter(Math.ceil(e.retryAfterMs / 1000)) : s.retryYes;
    const rows = [
      [s.code, e.code],
      [s.msg, e.msg],
      [s.subCode, e.subCode],
      [s.subMsg, e.subMsg],
      [s.requestId, e.requestId ?? parsed.requestId],
      [s.retry, retry + (e.retryable && d.idempotencyKey ? ` ${s.retryKeepKey(d.idempotencyKey)}` : '')],
      [s.hint, state.lang === 'zh' ? e.hintZh : e.hint],
    ].filter(([, v]) => v != null && v !== '');
    parts.push(
      h('p', { class: 'result error', 'data-ok': 'false' }, h('span', { 'aria-hidden': 'true', text: '✖ ' }), s.failed),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'kv error-table' }, h('tbody', {}, rows.map(([k, v]) => h('tr', { 'data-key': k }, h('th', { scope: 'row', text: k }), h('td', { text: mask(String(v)) })))))),
    );
    if (parsed.data) parts.push(h('h4', { text: s.data }), pre(JSON.stringify(parsed.data, null, 2)));
  }
  if (raw !== undefined) parts.push(h('details', {}, h('summary', { text: s.rawResponse }), pre(raw, { class: 'wrap' })));
  box.replaceChildren(...parts);
}

let lastResponse = null; // re-drawn on a language switch

async function send() {
  const s = t();
  const box = $('#response');
  const button = $('#send');
  if (gatewayProblem()) {
    lastResponse = null;
    box.replaceChildren(errorLine(gatewayProblem()));
    return;
  }
  let built;
  try {
    built = top.buildRequest(state.api, state.payload, buildOptions({ validate: true }));
  } catch (error) {
    lastResponse = null;
    const text = error.code === 'invalid_payload' ? `${s.sendInvalid} (${s.errors(error.report?.errors?.length ?? 0)})` : `${state.lang === 'zh' ? error.messageZh ?? error.message : error.message}`;
    box.replaceChildren(h('p', { class: 'issue error' }, h('span', { class: 'badge' }, h('span', { 'aria-hidden': 'true', text: '✖' }), ` ${s.error}`), ' ', text));
    return;
  }
  button.disabled = true;
  button.textContent = s.sending;
  box.setAttribute('aria-busy', 'true');
  const started = performance.now();
  const api = state.api;
  try {
    const res = await fetch(built.url, {
      method: built.method,
      headers: Object.fromEntries(entriesOf(built.headers)),
      body: built.body,
      credentials: 'omit',
      cache: 'no-store',
    });
    const raw = await res.text();
    const ms = performance.now() - started;
    lastResponse = { api, raw, status: res.status, ms };
    renderParsed(box, top.parseResponse(api, raw, {}), lastResponse);
  } catch (error) {
    lastResponse = null;
    box.replaceChildren(h('p', { class: 'issue error' }, h('span', { class: 'badge' }, h('span', { 'aria-hidden': 'true', text: '✖' }), ` ${s.error}`), ' ', `${s.networkError} ${error.message} (${built.url.split('?')[0]})`, ' ', s.corsNote));
  } finally {
    button.disabled = false;
    button.textContent = t().send;
    box.removeAttribute('aria-busy');
  }
}

function parsePasted() {
  const text = $('#paste').value;
  const box = $('#paste-result');
  if (!text.trim()) {
    box.replaceChildren();
    return;
  }
  renderParsed(box, top.parseResponse(state.api, text, {}));
}

// --- the whole page ---------------------------------------------------------------------------
function update({ form: redraw = false, json = true } = {}) {
  if (redraw) form.render({ desc: desc(), payload: state.payload, lang: state.lang, t: t() });
  report = top.validate(state.api, state.payload, {});
  renderSummary(form.showIssues(report));
  if (json && !state.jsonError) {
    jsonEl.value = JSON.stringify(state.payload, null, 2);
  }
  if (!state.jsonError) {
    jsonIssues.replaceChildren();
    jsonEl.removeAttribute('aria-invalid');
  }
  renderPreview();
  writeUrl();
}

function renderAll() {
  applyStrings();
  renderApiPicker();
  renderOptions();
  update({ form: true, json: !state.jsonError });
  if (state.jsonError) {
    jsonEl.value = state.jsonError;
    showJsonError(state.jsonError);
  }
  if (lastResponse && lastResponse.api === state.api) renderParsed($('#response'), top.parseResponse(state.api, lastResponse.raw, {}), lastResponse);
  else $('#response').replaceChildren();
  parsePasted();
}

function setPayload(payload) {
  state.payload = payload;
  state.jsonError = null;
  payloads.set(state.api, payload);
  form.rawJson.clear();
  update({ form: true });
}

// --- controls ---------------------------------------------------------------------------------
$('#api').addEventListener('change', (e) => {
  const before = protocol();
  payloads.set(state.api, state.payload);
  state.api = e.target.value;
  state.payload = payloads.get(state.api) ?? top.sample(state.api);
  payloads.set(state.api, state.payload);
  state.jsonError = null;
  form.rawJson.clear();
  if (protocol() !== before) {
    state.signMethod = DEFAULTS[protocol()].signMethod;
    state.format = DEFAULTS[protocol()].format;
  }
  lastResponse = null;
  renderAll();
});
$('#load-example').addEventListener('click', () => setPayload(structuredClone(desc().example)));
$('#load-sample').addEventListener('click', () => setPayload(top.sample(state.api)));
$('#clear').addEventListener('click', () => setPayload({}));

for (const b of document.querySelectorAll('.lang button')) {
  b.addEventListener('click', () => {
    if (state.lang === b.dataset.lang) return;
    state.lang = b.dataset.lang;
    renderAll();
  });
}

$('#sign-method').addEventListener('change', (e) => {
  state.signMethod = e.target.value;
  update();
});
$('#format').addEventListener('change', (e) => {
  state.format = e.target.value;
  update();
});
for (const r of document.querySelectorAll('input[name="ts-mode"]')) {
  r.addEventListener('change', () => {
    state.tsMode = r.value;
    if (state.tsMode === 'fixed' && !state.ts) state.ts = formatGmt8(Date.now());
    renderOptions();
    update();
  });
}
$('#ts').addEventListener('input', (e) => {
  state.ts = e.target.value;
  update();
});
for (const r of document.querySelectorAll('input[name="gw-mode"]')) {
  r.addEventListener('change', () => {
    state.gwMode = r.value;
    renderOptions();
    update();
  });
}
$('#gw').addEventListener('input', (e) => {
  state.gw = e.target.value;
  $('#send-target').textContent = `→ ${gateway()}`;
  update();
});
for (const el of Object.values(creds)) el.addEventListener('input', () => renderPreview());
$('#send').addEventListener('click', send);
$('#parse').addEventListener('click', parsePasted);
$('#paste').addEventListener('input', parsePasted);

// --- start ---------------------------------------------------------------------------------------
readUrl();
renderAll();
writeUrl(true);
status.textContent = '';
status.hidden = true;
$('#main').hidden = false;
document.body.dataset.ready = 'true';
performance.mark('playground-ready');
loadFaults();
