//! Responses: every body the gateway (or a receiver) can answer becomes
//! either data or one precise, actionable error.
//!
//! [`parse_response`] reads TOP answers (`<name>_response` envelopes,
//! `simplify=true` bodies, `error_response`) and Qimen answers
//! (`<response><flag/><code/><message/></response>`), in JSON or XML. XML
//! values are typed with the API's response fields; integers of 16 or more
//! digits stay strings, in XML and in JSON alike, so JavaScript loses no
//! digit. A business failure inside a success envelope is a failure: the
//! spec's `failures` say where to look. Every error carries whether a retry
//! can succeed, how long to wait, and what to do, in English and Chinese.
//!
//! [`build_response`] is the other direction: the answer a server writes.
//!
//! Nothing here can panic on any input (this runs in WebAssembly, where a
//! panic kills the module): no `unwrap`, no `expect`, no fallible indexing.
//!
//! Decisions:
//! - The body's first significant character decides JSON or XML; `format`
//!   only says what was asked for. The gateway answers some errors (e.g. code
//!   23, invalid format) in XML whatever was asked, and such an answer is
//!   still worth reading.
//! - A business failure keeps its `data` (the envelope was read); a platform
//!   error (`error_response`) and a malformed body have no `data`.
//! - `request_id` is lifted out of the data into `requestId`.
//! - Qimen: only `flag` = `success` (trimmed, any case) is success, as in the
//!   Java SDK's `isSuccess`; any other flag, the seed's placeholder
//!   `success|failure` included, is a failure.
//! - A failure flag that is missing is not a failure: only an explicit
//!   `false` (boolean or text) is.
//! - Malformed bodies have code `malformed_response` and a `subCode` naming
//!   the kind: `empty`, `html`, `not_json_or_xml`, `truncated`, `syntax`,
//!   `doctype`, `shape`, `wrong_envelope`. Only an HTML page that looks like
//!   a proxy's or gateway's 5xx page is retryable: the API itself never
//!   answers HTML, so such a page means the platform was unreachable for a
//!   moment. A truncated body is not retryable (the call may have taken
//!   effect): the hint says to check before resending.

mod codes;
pub(crate) mod json;
mod write;

pub use write::{build_response, BuildResponseError};

use crate::spec::{find_field, Api, Field, Kind, Protocol, Text, WireFormat};
use crate::xml;
use serde::Serialize;
use serde_json::{Map, Value};

/// What a response body says.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ParsedResponse {
    /// The call succeeded, business included.
    pub ok: bool,
    /// The response fields (below the envelope), typed, with the documented
    /// names; present whenever the envelope could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(optional, type = "Record<string, unknown>")
    )]
    pub data: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub error: Option<ResponseError>,
}

/// Why a call failed, and what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ResponseError {
    /// The platform's code (`"15"`), the business code (`"1001"`), the Qimen
    /// code, or `malformed_response`.
    pub code: String,
    pub msg: String,
    pub sub_code: Option<String>,
    pub sub_msg: Option<String>,
    pub request_id: Option<String>,
    /// Whether sending the same request again may succeed.
    pub retryable: bool,
    /// How long to wait before that retry (code 7: the ban's stated length).
    pub retry_after_ms: Option<u64>,
    /// What to do, in English.
    pub hint: String,
    /// What to do, in Chinese.
    pub hint_zh: String,
}

impl ResponseError {
    /// A failure the answer's body reports (a business flag, a Qimen flag):
    /// no sub-code, request id or wait of the platform's own.
    fn business(
        code: String,
        msg: String,
        retryable: bool,
        (hint, hint_zh): (String, String),
    ) -> Self {
        ResponseError {
            code,
            msg,
            sub_code: None,
            sub_msg: None,
            request_id: None,
            retryable,
            retry_after_ms: None,
            hint,
            hint_zh,
        }
    }
}

/// At most this many characters of a malformed body are quoted.
const QUOTE_CHARS: usize = 80;
/// Code 7 without a stated duration: wait one second.
const DEFAULT_BAN_MS: u64 = 1000;

/// Parses a response body of `api`. `format` is what was asked for; the body
/// itself decides (see the module's decisions).
pub fn parse_response(api: &Api, text: &str, format: Option<WireFormat>) -> ParsedResponse {
    let body = text.trim_start_matches('\u{feff}').trim();
    if body.is_empty() {
        return malformed(api, Malformed::Empty, body);
    }
    if let Some(gateway_error) = html_page(body) {
        return malformed(api, Malformed::Html { gateway_error }, body);
    }
    let read = match body.as_bytes().first() {
        Some(b'<') => read_xml(api, body),
        Some(b'{' | b'[') => read_json(api, body),
        _ => Err(Malformed::NotJsonOrXml { expected: format }),
    };
    match read {
        Ok(envelope) => finish(api, envelope),
        Err(m) => malformed(api, m, body),
    }
}

/// What an envelope held.
enum Envelope {
    Data(Map<String, Value>),
    /// The members of an `error_response`.
    Error(Map<String, Value>),
}

enum Malformed {
    Empty,
    Html { gateway_error: bool },
    NotJsonOrXml { expected: Option<WireFormat> },
    Truncated { detail: String },
    Syntax { detail: String },
    DocType,
    Shape { what: &'static str },
    WrongEnvelope { expected: String, got: String },
}

// --- reading ---------------------------------------------------------------

fn read_json(api: &Api, body: &str) -> Result<Envelope, Malformed> {
    let text = json::quote_long_integers(body);
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        let detail = e.to_string();
        if e.is_eof() {
            Malformed::Truncated { detail }
        } else {
            Malformed::Syntax { detail }
        }
    })?;
    let Value::Object(mut obj) = value else {
        return Err(Malformed::Shape {
            what: "the body is not a JSON object",
        });
    };
    let fields = api.response.fields;
    let root = expected_root(api);
    // Taken out of the body, not copied: the body is not needed once the
    // envelope is found.
    let mut member = |name: &str| -> Result<Option<Map<String, Value>>, Malformed> {
        match obj.remove(name) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(Malformed::Shape {
                what: "the envelope's value is not an object",
            }),
        }
    };
    if let Some(mut data) = member(&root)? {
        normalise(&mut data, fields);
        return Ok(Envelope::Data(data));
    }
    if let Some(err) = member("error_response")? {
        return Ok(Envelope::Error(err));
    }
    let documented = |k: &str| find_field(fields, k).is_some();
    match api.protocol {
        Protocol::Qimen if obj.contains_key("flag") => {
            let mut data = obj;
            normalise(&mut data, fields);
            Ok(Envelope::Data(data))
        }
        Protocol::Qimen => Err(wrong_envelope(root, &obj)),
        Protocol::Top => {
            // simplify=true: the fields at the root. An error then has its
            // members at the root too.
            if obj.contains_key("code")
                && (obj.contains_key("msg") || obj.contains_key("sub_code"))
                && !documented("code")
            {
                return Ok(Envelope::Error(obj));
            }
            let foreign = obj
                .keys()
                .any(|k| k.ends_with("_response") && !documented(k));
            let ours = obj.keys().any(|k| k == "request_id" || documented(k));
            if foreign || !ours {
                return Err(wrong_envelope(root, &obj));
            }
            let mut data = obj;
            normalise(&mut data, fields);
            Ok(Envelope::Data(data))
        }
    }
}

fn expected_root(api: &Api) -> String {
    match api.protocol {
        Protocol::Top => api.response_root(),
        Protocol::Qimen => "response".to_string(),
    }
}

fn wrong_envelope(expected: String, obj: &Map<String, Value>) -> Malformed {
    let got = obj.keys().take(5).cloned().collect::<Vec<_>>().join(", ");
    Malformed::WrongEnvelope {
        expected,
        got: if got.is_empty() {
            "{}".to_string()
        } else {
            got
        },
    }
}

/// JSON as the platform sends it, made to match the XML reading: aliases
/// renamed to the documented name, list fields in the platform's wrapper
/// style (`{"trades": {"trade": [...]}}`) unwrapped to arrays.
fn normalise(map: &mut Map<String, Value>, fields: &'static [Field]) {
    for f in fields {
        if !map.contains_key(f.name) {
            if let Some(v) = f.aliases.iter().find_map(|a| map.remove(*a)) {
                map.insert(f.name.to_string(), v);
            }
        }
        let Some(v) = map.get_mut(f.name) else {
            continue;
        };
        if f.list {
            let inner = match v {
                Value::Object(m) if m.len() == 1 => match m.values_mut().next() {
                    Some(Value::Array(items)) => Some(std::mem::take(items)),
                    _ => None,
                },
                _ => None,
            };
            if let Some(items) = inner {
                *v = Value::Array(items);
            }
        }
        if f.kind == Kind::Object {
            match v {
                Value::Object(m) => normalise(m, f.fields),
                Value::Array(items) => {
                    for item in items {
                        if let Value::Object(m) = item {
                            normalise(m, f.fields);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn read_xml(api: &Api, body: &str) -> Result<Envelope, Malformed> {
    let root = xml::read(body).map_err(|e| match e {
        xml::XmlError::DocType => Malformed::DocType,
        xml::XmlError::Truncated { open } => Malformed::Truncated {
            detail: format!("the body ends inside <{open}>"),
        },
        xml::XmlError::Syntax(detail) => Malformed::Syntax { detail },
        xml::XmlError::NoRoot => Malformed::Syntax {
            detail: "no root element".to_string(),
        },
        xml::XmlError::TooDeep => Malformed::Syntax {
            detail: format!("elements nested more than {} levels", xml::MAX_DEPTH),
        },
    })?;
    let expected = expected_root(api);
    if root.name == expected {
        Ok(Envelope::Data(xml::object(&root, api.response.fields)))
    } else if root.name == "error_response" {
        Ok(Envelope::Error(xml::object(&root, &[])))
    } else {
        Err(Malformed::WrongEnvelope {
            expected,
            got: format!("<{}>", root.name),
        })
    }
}

// --- deciding ----------------------------------------------------------------

fn finish(api: &Api, envelope: Envelope) -> ParsedResponse {
    match envelope {
        Envelope::Error(map) => {
            let error = platform_error(api, &map);
            ParsedResponse {
                ok: false,
                data: None,
                request_id: error.request_id.clone(),
                error: Some(error),
            }
        }
        Envelope::Data(mut data) => {
            let request_id = data.remove("request_id").as_ref().and_then(text_of);
            let error = match api.protocol {
                Protocol::Qimen => qimen_failure(api, &data),
                Protocol::Top => business_failure(api, &data),
            }
            .map(|mut e| {
                e.request_id.clone_from(&request_id);
                e
            });
            ParsedResponse {
                ok: error.is_none(),
                data: Some(Value::Object(data)),
                request_id,
                error,
            }
        }
    }
}

/// A scalar as text; `None` for null, objects, arrays and empty text.
fn text_of(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

fn bool_of(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The value at a dotted path below the envelope.
fn at<'v>(data: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    let mut parts = path.split('.');
    let mut v = data.get(parts.next()?)?;
    for p in parts {
        v = v.as_object()?.get(p)?;
    }
    Some(v)
}

/// Said after every retryable error: what keeps a retry from doubling the effect.
fn idempotency(api: &Api) -> (String, String) {
    match api.idempotency_key {
        Some(key) => (
            format!(" Keep {key} the same on every retry so that the receiver drops duplicates."),
            format!("每次重试保持 {key} 不变,以便接收方去重。"),
        ),
        None => (String::new(), String::new()),
    }
}

fn hint_pair(text: Text, api: &Api, retryable: bool) -> (String, String) {
    let (en, zh) = if retryable {
        idempotency(api)
    } else {
        (String::new(), String::new())
    };
    (format!("{}{en}", text.en), format!("{}{zh}", text.zh))
}

/// An `error_response`: the platform's code and sub-code decide.
fn platform_error(api: &Api, map: &Map<String, Value>) -> ResponseError {
    let get = |k: &str| map.get(k).and_then(text_of);
    let code = get("code").unwrap_or_else(|| "unknown".to_string());
    let msg = get("msg").unwrap_or_default();
    let sub_code = get("sub_code");
    let sub_msg = get("sub_msg");

    let entry = codes::top_code(&code);
    let sub = sub_code.as_deref().and_then(codes::sub_code);
    let isv = sub_code.as_deref().is_some_and(|s| s.starts_with("isv."));
    let isp = sub.is_some_and(|s| s.retryable);
    let rule = entry.map(|e| e.retry);
    let (retryable, retry_after_ms) = match rule {
        Some(codes::Retry::Never) => (false, None),
        _ if isv => (false, None),
        Some(codes::Retry::AfterBan) => {
            let ms = [sub_msg.as_deref(), Some(msg.as_str())]
                .into_iter()
                .flatten()
                .find_map(codes::stated_wait_ms)
                .unwrap_or(DEFAULT_BAN_MS);
            (true, Some(ms))
        }
        _ if isp => (true, None),
        Some(codes::Retry::UnlessIsv) => (true, None),
        _ => (false, None),
    };
    let text = match (entry, sub) {
        (Some(e), Some(s)) if e.generic => s.hint,
        (Some(e), _) => e.hint,
        (None, Some(s)) => s.hint,
        (None, None) => codes::UNKNOWN_CODE,
    };
    let (mut hint, mut hint_zh) = (text.en.to_string(), text.zh.to_string());
    if let Some(ms) = retry_after_ms {
        hint.push_str(&format!(" (retryAfterMs = {ms})"));
        hint_zh.push_str(&format!("(retryAfterMs = {ms})"));
    }
    if retryable {
        let (en, zh) = idempotency(api);
        hint.push_str(&en);
        hint_zh.push_str(&zh);
    }
    ResponseError {
        code,
        msg,
        sub_code,
        sub_msg,
        request_id: get("request_id"),
        retryable,
        retry_after_ms,
        hint,
        hint_zh,
    }
}

/// A failure flag of the spec that is `false`, with the code, message and
/// retry advice found next to it.
fn business_failure(api: &Api, data: &Map<String, Value>) -> Option<ResponseError> {
    let failure = api
        .response
        .failures
        .iter()
        .find(|f| at(data, f.flag).and_then(bool_of) == Some(false))?;
    let text = |path: Option<&str>| path.and_then(|p| at(data, p)).and_then(text_of);
    let code = text(failure.code).unwrap_or_else(|| "business_failure".to_string());
    let msg = text(failure.message).unwrap_or_else(|| format!("{} is false", failure.flag));
    let says_retry = failure.retry.and_then(|p| at(data, p)).and_then(bool_of);
    let documented = api.response.codes.iter().find(|c| c.code == code);
    let retryable = says_retry
        .or(documented.map(|d| d.retryable))
        .unwrap_or(false);
    let (hint, hint_zh) = match documented {
        Some(d) => {
            let (en, zh) = hint_pair(d.hint, api, retryable);
            (format!("{}: {en}", d.doc.en), format!("{}:{zh}", d.doc.zh))
        }
        None => {
            let (en, zh) = match says_retry {
                Some(true) => (
                    format!("The service says a retry may succeed ({} is true): send the same request again later.", failure.retry.unwrap_or("")),
                    format!("业务方表示可以重试({} 为 true):稍后重新发送同一请求。", failure.retry.unwrap_or("")),
                ),
                Some(false) => (
                    format!("The service says a retry will not help ({} is false): read code and message, fix the data, then send it again.", failure.retry.unwrap_or("")),
                    format!("业务方表示重试无用({} 为 false):请阅读 code 和 message,改正数据后再发送。", failure.retry.unwrap_or("")),
                ),
                None => (
                    format!("The gateway accepted the call but the service refused it ({} is false): read code and message, fix the data, then send it again; retrying unchanged fails the same way.", failure.flag),
                    format!("网关已受理,但业务方拒绝了请求({} 为 false):请阅读 code 和 message,改正数据后再发送;原样重试仍会失败。", failure.flag),
                ),
            };
            let (ien, izh) = if retryable {
                idempotency(api)
            } else {
                (String::new(), String::new())
            };
            (format!("{en}{ien}"), format!("{zh}{izh}"))
        }
    };
    Some(ResponseError::business(
        code,
        msg,
        retryable,
        (hint, hint_zh),
    ))
}

/// A Qimen answer whose flag is not `success`.
fn qimen_failure(api: &Api, data: &Map<String, Value>) -> Option<ResponseError> {
    let flag = data.get("flag").and_then(text_of);
    if flag
        .as_deref()
        .is_some_and(|f| f.eq_ignore_ascii_case("success"))
    {
        return None;
    }
    let code = data
        .get("code")
        .and_then(text_of)
        .unwrap_or_else(|| "qimen_failure".to_string());
    let msg = data.get("message").and_then(text_of).unwrap_or_default();
    let documented = api.response.codes.iter().find(|c| c.code == code);
    // The platform's own faults stay retryable; everything a receiver
    // refuses (sign-check-failure included) is not, unless documented so.
    let retryable = documented.map_or(code.starts_with("isp."), |d| d.retryable);
    let text = match (
        documented,
        codes::QIMEN_CODES.iter().find(|(c, _)| *c == code),
    ) {
        (Some(d), _) => d.hint,
        (None, Some((_, t))) => *t,
        (None, None) if retryable => codes::SUB_CODES
            .iter()
            .find(|s| s.pattern == "isp.")
            .map_or(codes::QIMEN_FAILURE, |s| s.hint),
        (None, None) => codes::QIMEN_FAILURE,
    };
    let (hint, hint_zh) = hint_pair(text, api, retryable);
    Some(ResponseError::business(
        code,
        msg,
        retryable,
        (hint, hint_zh),
    ))
}

// --- malformed bodies --------------------------------------------------------

/// `Some(looks like a 5xx page)` when `body` is an HTML page.
fn html_page(body: &str) -> Option<bool> {
    // Every mark of a page below starts with `<`: a JSON answer stops here.
    if !body.starts_with('<') {
        return None;
    }
    let head: String = body
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    let html = ["<!doctype html", "<html", "<head", "<body"]
        .iter()
        .any(|p| head.starts_with(p))
        || (head.starts_with("<?xml")
            && (head.contains("<!doctype html") || head.contains("<html")));
    if !html {
        return None;
    }
    let page: String = body
        .chars()
        .take(8192)
        .collect::<String>()
        .to_ascii_lowercase();
    let title = page
        .split_once("<title")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map_or("", |(t, _)| t);
    let heading = page
        .split_once("<h1")
        .and_then(|(_, rest)| rest.split_once("</h1>"))
        .map_or("", |(t, _)| t);
    let status = [title, heading].iter().any(|t| {
        ["500", "502", "503", "504"]
            .iter()
            .any(|code| has_number(t, code))
    });
    let phrase = [
        "bad gateway",
        "service unavailable",
        "service temporarily unavailable",
        "gateway timeout",
        "gateway time-out",
        "internal server error",
    ]
    .iter()
    .any(|p| page.contains(p));
    Some(status || phrase)
}

/// Whether `number` occurs in `text` with no digit right before or after it.
fn has_number(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(i, m)| {
        let before = text.get(..i).and_then(|s| s.chars().next_back());
        let after = text.get(i + m.len()..).and_then(|s| s.chars().next());
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// The first characters of the body, cut on a character boundary, quoted.
fn quote(body: &str) -> String {
    let mut chars = body.chars();
    let head: String = chars.by_ref().take(QUOTE_CHARS).collect();
    let more = if chars.next().is_some() { "…" } else { "" };
    format!("{head:?}{more}")
}

fn malformed(api: &Api, kind: Malformed, body: &str) -> ParsedResponse {
    let check = match api.idempotency_key {
        Some(key) => (
            format!(" The call may or may not have taken effect: check before sending again, or send again with the same {key}."),
            format!("调用可能已生效也可能未生效:重发前先确认,或用相同的 {key} 重发。"),
        ),
        None => (
            " The call may or may not have taken effect: check before sending again.".to_string(),
            "调用可能已生效也可能未生效:重发前请先确认。".to_string(),
        ),
    };
    let url = match api.protocol {
        Protocol::Top => ".../router/rest",
        Protocol::Qimen => ".../router/qimen/service",
    };
    let (sub, what, retryable, hint, hint_zh) = match kind {
        Malformed::Empty => (
            "empty",
            "empty body".to_string(),
            false,
            format!("The answer has no body: check the URL ({url}) and the HTTP status.{}", check.0),
            format!("应答没有内容:请检查 URL({url})和 HTTP 状态码。{}", check.1),
        ),
        Malformed::Html { gateway_error: true } => (
            "html",
            "an HTML error page (5xx) instead of an API answer".to_string(),
            true,
            format!("A proxy or load balancer in front of the gateway answered with an error page: the platform was unreachable for a moment. Retry later with a growing back-off.{}", idempotency(api).0),
            format!("网关前的代理或负载均衡返回了错误页面:平台暂时不可达。请稍后按递增间隔重试。{}", idempotency(api).1),
        ),
        Malformed::Html { gateway_error: false } => (
            "html",
            "an HTML page instead of an API answer".to_string(),
            false,
            format!("The API never answers HTML: check the URL ({url}), the HTTP status and whatever sits in between (a login page, a captive portal, a 404 page)."),
            format!("API 从不返回 HTML:请检查 URL({url})、HTTP 状态码以及中间环节(登录页、网络认证页、404 页面)。"),
        ),
        Malformed::NotJsonOrXml { expected } => (
            "not_json_or_xml",
            match expected {
                Some(WireFormat::Json) => "neither JSON nor XML (JSON was asked for)".to_string(),
                Some(WireFormat::Xml) => "neither JSON nor XML (XML was asked for)".to_string(),
                None => "neither JSON nor XML".to_string(),
            },
            false,
            format!("The answer is neither JSON nor XML: check the URL ({url}), the HTTP status and the format parameter."),
            format!("应答既不是 JSON 也不是 XML:请检查 URL({url})、HTTP 状态码和 format 参数。"),
        ),
        Malformed::Truncated { detail } => (
            "truncated",
            format!("the body is cut short ({detail})"),
            false,
            format!("The answer is incomplete (connection cut, size limit, proxy).{}", check.0),
            format!("应答不完整(连接中断、大小限制或代理)。{}", check.1),
        ),
        Malformed::Syntax { detail } => (
            "syntax",
            format!("the body is not well-formed ({detail})"),
            false,
            format!("The answer is corrupted: check the HTTP status and what sits between you and the gateway.{}", check.0),
            format!("应答内容已损坏:请检查 HTTP 状态码以及与网关之间的中间环节。{}", check.1),
        ),
        Malformed::DocType => (
            "doctype",
            "XML with a DOCTYPE (entity declarations), refused without expanding".to_string(),
            false,
            "The platform never sends a DOCTYPE or entity declarations; such a body is refused unread (entity expansion attacks). Check what sits between you and the gateway.".to_string(),
            "平台从不发送 DOCTYPE 或实体声明;此类应答一律拒绝、不做展开(防实体扩展攻击)。请检查与网关之间的中间环节。".to_string(),
        ),
        Malformed::Shape { what } => (
            "shape",
            what.to_string(),
            false,
            format!("The answer is not shaped like a {} answer: check the URL ({url}) and the method name.", api.name),
            format!("应答的结构不是 {} 的应答:请检查 URL({url})和方法名。", api.name),
        ),
        Malformed::WrongEnvelope { expected, got } => (
            "wrong_envelope",
            format!("expected {expected} or error_response, got {got}"),
            false,
            format!("This is another API's answer: parse the response with the API that was called (this one is {}, whose answer is {expected}).", api.name),
            format!("这是另一个 API 的应答:请用实际调用的 API 解析(当前 API 为 {},其应答为 {expected})。", api.name),
        ),
    };
    let msg = if body.is_empty() {
        what
    } else {
        format!("{what}; the body starts with {}", quote(body))
    };
    ParsedResponse {
        ok: false,
        data: None,
        request_id: None,
        error: Some(ResponseError {
            code: "malformed_response".to_string(),
            msg,
            sub_code: Some(sub.to_string()),
            sub_msg: None,
            request_id: None,
            retryable,
            retry_after_ms: None,
            hint,
            hint_zh,
        }),
    }
}
