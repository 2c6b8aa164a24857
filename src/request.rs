//! `build_request`: validate, serialise and sign a call, returning everything
//! a caller hands to `fetch`; and the receiving side, `parse_request`.
//!
//! TOP (`router/rest`): system parameters in the query, business parameters
//! form-encoded in the body, object parameters as JSON text. Qimen: system
//! parameters in the query, the payload's `request` as an XML (or JSON) body,
//! signed together with the query.

use crate::sign::{self, is_blank, SignMethod};
use crate::spec::{find_field, Api, Kind, Protocol, WireFormat};
use crate::validate::{self, Report};
use crate::{time, xml};
use sent::{Members, SendError, Token};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

mod sent;

pub const TOP_GATEWAY: &str = "https://eco.taobao.com/router/rest";
pub const QIMEN_GATEWAY: &str = "https://qimen.api.taobao.com/router/qimen/service";

/// The app secret: deserialised from options, never serialised, and
/// redacted in `Debug`, so it cannot reach any output.
#[derive(Default, Clone, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// When the call is made: epoch milliseconds or `yyyy-MM-dd HH:mm:ss` (GMT+8).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(untagged)]
pub enum Timestamp {
    Millis(f64),
    Text(String),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct BuildOptions {
    pub app_key: String,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub app_secret: Secret,
    /// Default `hmac-sha256` for TOP, `md5` for Qimen.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(optional, type = "\"md5\" | \"hmac\" | \"hmac-sha256\"")
    )]
    pub sign_method: Option<SignMethod>,
    /// The response format asked for (TOP) or the body format (Qimen).
    /// Default `json` for TOP and `xml` for Qimen, whose documents are XML.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub format: Option<WireFormat>,
    /// Default now. (A JavaScript `Date` is converted to milliseconds.)
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(optional, type = "number | string | Date")
    )]
    pub timestamp: Option<Timestamp>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub session: Option<String>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub partner_id: Option<String>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub target_app_key: Option<String>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub simplify: Option<bool>,
    /// Default `2.0`.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub v: Option<String>,
    /// The full URL (`.../router/rest` or `.../router/qimen/service`).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub gateway: Option<String>,
    /// Qimen's `customerId` (required there).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub customer_id: Option<String>,
    /// `false` skips validation.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub validate: Option<bool>,
}

/// Everything a caller hands to `fetch`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct BuiltRequest {
    pub url: String,
    pub method: &'static str,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, string>"))]
    pub headers: BTreeMap<String, String>,
    /// The query parameters, `sign` included.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, string>"))]
    pub query: BTreeMap<String, String>,
    pub body: String,
    pub sign: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BuildError {
    /// `invalid_payload` (see `report`) or `invalid_option`.
    pub code: &'static str,
    pub message: String,
    pub message_zh: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Box<Report>>,
    /// Set when the payload text is not JSON at all: serde_json's reason.
    /// A binding reports that as a bad argument rather than a bad payload.
    #[serde(skip)]
    pub not_json: Option<String>,
}

impl BuildError {
    fn option(message: String, message_zh: String) -> Self {
        BuildError {
            code: "invalid_option",
            message,
            message_zh,
            report: None,
            not_json: None,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BuildError {}

/// The timestamp as sent: GMT+8 text, and as epoch milliseconds.
fn timestamp(opts: &BuildOptions) -> Result<(String, i64), BuildError> {
    match &opts.timestamp {
        None => {
            let now = time::now_ms();
            Ok((time::format_gmt8(now), now))
        }
        Some(Timestamp::Millis(ms)) if ms.is_finite() && *ms >= 0.0 && *ms < 1e15 => {
            Ok((time::format_gmt8(*ms as i64), *ms as i64))
        }
        Some(Timestamp::Text(t)) => match time::parse_datetime_gmt8(t) {
            Some(ms) => Ok((t.clone(), ms)),
            None => Err(BuildError::option(
                format!("timestamp `{t}` is not yyyy-MM-dd HH:mm:ss"),
                format!("timestamp `{t}` 不是 yyyy-MM-dd HH:mm:ss 格式"),
            )),
        },
        Some(Timestamp::Millis(ms)) => Err(BuildError::option(
            format!("timestamp {ms} is not epoch milliseconds"),
            format!("timestamp {ms} 不是毫秒时间戳"),
        )),
    }
}

fn require(value: &str, name: &str) -> Result<(), BuildError> {
    if is_blank(value) {
        return Err(BuildError::option(
            format!("option `{name}` is required"),
            format!("缺少选项 `{name}`"),
        ));
    }
    Ok(())
}

/// Validates (unless `validate: false`), serialises and signs a call.
pub fn build_request(
    api: &Api,
    payload: &Value,
    opts: &BuildOptions,
) -> Result<BuiltRequest, BuildError> {
    build(
        api,
        opts,
        |vopts| validate::validate_value(api, payload, vopts),
        // One serialiser: the payload's text (a Value holds no duplicate keys
        // and writes out its numbers as it read them).
        || Cow::Owned(payload.to_string()),
    )
}

/// [`build_request`] for a payload given as JSON text: validated in one
/// streaming pass, then serialised straight from the text.
pub fn build_request_json(
    api: &Api,
    text: &str,
    opts: &BuildOptions,
) -> Result<BuiltRequest, BuildError> {
    build(
        api,
        opts,
        |vopts| validate::validate_json(api, text, vopts),
        || Cow::Borrowed(text),
    )
}

fn build<'t>(
    api: &Api,
    opts: &BuildOptions,
    validate: impl FnOnce(&validate::Options) -> Report,
    text: impl FnOnce() -> Cow<'t, str>,
) -> Result<BuiltRequest, BuildError> {
    require(&opts.app_key, "appKey")?;
    require(opts.app_secret.expose(), "appSecret")?;
    let (ts, ts_ms) = timestamp(opts)?;
    if opts.validate != Some(false) {
        let vopts = validate::Options {
            now_ms: ts_ms,
            ..validate::Options::default()
        };
        let report = validate(&vopts);
        if !report.ok {
            let n = report.errors.len();
            // A syntax error of the text itself is reported at the root.
            let not_json = report
                .errors
                .iter()
                .find(|i| i.code == "json" && i.path.is_empty())
                .and_then(|i| i.params.get("detail")?.as_str().map(str::to_owned));
            return Err(BuildError {
                code: "invalid_payload",
                message: format!("the payload has {n} error(s); see report"),
                message_zh: format!("请求内容有 {n} 处错误,详见 report"),
                report: Some(Box::new(report)),
                not_json,
            });
        }
    }
    let text = text();
    let payload = sent::payload(&text, api.params).map_err(unreadable)?;
    match api.protocol {
        Protocol::Top => build_top(api, payload, opts, ts),
        Protocol::Qimen => build_qimen(api, payload, opts, ts),
    }
}

/// A payload serde_json reads as text but not as values (a number out of
/// range, a lone surrogate; only seen with validation off).
fn unreadable(e: serde_json::Error) -> BuildError {
    BuildError {
        code: "invalid_payload",
        message: format!("the payload cannot be read: {e}"),
        message_zh: format!("无法读取请求内容:{e}"),
        report: None,
        not_json: Some(e.to_string()),
    }
}

fn build_top(
    api: &Api,
    payload: Members,
    opts: &BuildOptions,
    ts: String,
) -> Result<BuiltRequest, BuildError> {
    let method = opts.sign_method.unwrap_or(SignMethod::HmacSha256);
    let format = opts.format.unwrap_or(WireFormat::Json);
    let mut query = BTreeMap::new();
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !is_blank(v)) {
            query.insert(k.to_string(), v.to_string());
        }
    };
    put("method", Some(api.name));
    put("app_key", Some(&opts.app_key));
    put("session", opts.session.as_deref());
    put("timestamp", Some(&ts));
    put("format", Some(format_name(format)));
    put("v", Some(opts.v.as_deref().unwrap_or("2.0")));
    put("sign_method", Some(method.as_str()));
    put("partner_id", opts.partner_id.as_deref());
    put("target_app_key", opts.target_app_key.as_deref());
    // simplify applies to JSON answers only.
    put(
        "simplify",
        (opts.simplify == Some(true) && format == WireFormat::Json).then_some("true"),
    );

    // Business parameters: strings as their text, anything else as JSON.
    let mut business: Vec<(Cow<str>, Cow<str>)> = Vec::with_capacity(payload.len());
    for (k, v) in payload {
        let text = match v.token() {
            Token::Null => continue,
            Token::String => v.scalar_text().map_err(unreadable)?.unwrap_or_default(),
            _ => Cow::Owned(sent::json(v).map_err(unreadable)?),
        };
        if !is_blank(&text) {
            business.push((k, text));
        }
    }
    let sign = sign::sign_pairs(
        query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(business.iter().map(|(k, v)| (&**k, &**v)))
            .collect(),
        opts.app_secret.expose(),
        method,
        None,
    );
    query.insert("sign".into(), sign.clone());
    // Sized for the worst case (every byte percent-encoded): no regrowing.
    let size = business.iter().map(|(k, v)| 3 * (k.len() + v.len()) + 2);
    let body = form_urlencoded::Serializer::new(String::with_capacity(size.sum()))
        .extend_pairs(&business)
        .finish();
    let gateway = opts.gateway.as_deref().unwrap_or(TOP_GATEWAY);
    Ok(BuiltRequest {
        url: with_query(gateway, &query),
        method: "POST",
        headers: BTreeMap::from([(
            "content-type".into(),
            "application/x-www-form-urlencoded;charset=UTF-8".into(),
        )]),
        query,
        body,
        sign,
    })
}

fn build_qimen(
    api: &Api,
    payload: Members,
    opts: &BuildOptions,
    ts: String,
) -> Result<BuiltRequest, BuildError> {
    let customer_id = opts.customer_id.as_deref().unwrap_or_default();
    require(customer_id, "customerId")?;
    let method = opts.sign_method.unwrap_or(SignMethod::Md5);
    let format = opts.format.unwrap_or(WireFormat::Xml);
    // The body is the payload's single parameter, `request`.
    let (root, fields) = api
        .params
        .first()
        .map(|f| (f.name, f.fields))
        .unwrap_or(("request", &[]));
    let request = payload
        .into_iter()
        .find_map(|(k, v)| (k == root).then_some(v));
    let (body, content_type) = match format {
        WireFormat::Xml => {
            let body = sent::xml(root, request, fields).map_err(|e| match e {
                SendError::Json(e) => unreadable(e),
                SendError::Xml(e) => {
                    let (en, zh) = e.text();
                    BuildError {
                        code: "invalid_payload",
                        message: format!("{}: {en}", e.path()),
                        message_zh: format!("{}:{zh}", e.path()),
                        report: None,
                        not_json: None,
                    }
                }
            })?;
            (body, "text/xml;charset=utf-8")
        }
        WireFormat::Json => (
            match request {
                Some(v) => sent::json(v).map_err(unreadable)?,
                None => "{}".to_string(),
            },
            "application/json;charset=utf-8",
        ),
    };
    let system = [
        ("app_key", opts.app_key.as_str()),
        ("customerId", customer_id),
        ("format", format_name(format)),
        ("method", api.name),
        ("sign_method", method.as_str()),
        ("timestamp", &ts),
        ("v", opts.v.as_deref().unwrap_or("2.0")),
    ];
    let sign = sign::sign_pairs(
        system.to_vec(),
        opts.app_secret.expose(),
        method,
        Some(&body),
    );
    let mut query: BTreeMap<String, String> = system
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    query.insert("sign".into(), sign.clone());
    let gateway = opts.gateway.as_deref().unwrap_or(QIMEN_GATEWAY);
    Ok(BuiltRequest {
        url: with_query(gateway, &query),
        method: "POST",
        headers: BTreeMap::from([("content-type".into(), content_type.into())]),
        query,
        body,
        sign,
    })
}

fn format_name(f: WireFormat) -> &'static str {
    match f {
        WireFormat::Json => "json",
        WireFormat::Xml => "xml",
    }
}

fn with_query(gateway: &str, query: &BTreeMap<String, String>) -> String {
    let sep = if gateway.contains('?') { '&' } else { '?' };
    let mut url = String::with_capacity(gateway.len() + 256);
    url.push_str(gateway);
    url.push(sep);
    let start = url.len();
    form_urlencoded::Serializer::for_suffix(url, start)
        .extend_pairs(query)
        .finish()
}

/// What a receiver makes of an incoming body: the payload, and its report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ParsedRequest {
    /// The payload as read (`null` when the body could not be read).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, unknown> | null"))]
    pub payload: Value,
    pub report: Report,
}

/// The format of an incoming body: XML, JSON, or (TOP) a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    Xml,
    Json,
    Form,
}

/// Turns an incoming body back into the payload object, with its validation
/// report. Format detected from the first character when not given.
pub fn parse_request(
    api: &Api,
    body: &str,
    format: Option<BodyFormat>,
    opts: &validate::Options,
) -> ParsedRequest {
    let trimmed = body.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let format = format.unwrap_or(match trimmed.as_bytes().first() {
        Some(b'<') => BodyFormat::Xml,
        Some(b'{') => BodyFormat::Json,
        _ => BodyFormat::Form,
    });
    let root = api.params.first();
    let json = |detail: serde_json::Error| validate::Problem::Json {
        detail: detail.to_string(),
    };
    let payload = match (format, api.protocol, root) {
        (BodyFormat::Xml, Protocol::Qimen, Some(root)) => {
            xml::read_element(trimmed, root.name, root.fields)
                .map(|request| Value::Object(Map::from_iter([(root.name.to_string(), request)])))
                .map_err(|detail| validate::Problem::Xml { detail })
        }
        (BodyFormat::Json, Protocol::Qimen, Some(root)) => serde_json::from_str::<Value>(trimmed)
            .map(|request| Value::Object(Map::from_iter([(root.name.to_string(), request)])))
            .map_err(json),
        (BodyFormat::Json, Protocol::Top, _) => {
            serde_json::from_str::<Value>(trimmed).map_err(json)
        }
        (BodyFormat::Form, _, _) => Ok(Value::Object(form_payload(api, trimmed))),
        (BodyFormat::Xml, Protocol::Top, _) | (_, Protocol::Qimen, None) => {
            Err(validate::Problem::Xml {
                detail: "this API takes no XML body".into(),
            })
        }
    };
    match payload {
        Ok(payload) => {
            let report = validate::validate_value(api, &payload, opts);
            ParsedRequest { payload, report }
        }
        Err(problem) => {
            let issue = problem.into_issue(String::new(), None);
            ParsedRequest {
                payload: Value::Null,
                report: Report {
                    ok: false,
                    errors: vec![issue],
                    warnings: vec![],
                },
            }
        }
    }
}

/// System parameters, which may travel in the body too (the Node SDK sends
/// everything as one form).
const SYSTEM_PARAMS: &[&str] = &[
    "method",
    "app_key",
    "session",
    "timestamp",
    "format",
    "v",
    "sign_method",
    "sign",
    "partner_id",
    "simplify",
    "target_app_key",
];

/// A TOP form body: each business parameter, objects parsed from their
/// JSON text (left as text when it is not JSON, so validation says why).
fn form_payload(api: &Api, body: &str) -> Map<String, Value> {
    form_urlencoded::parse(body.as_bytes())
        .filter(|(k, _)| !SYSTEM_PARAMS.contains(&k.as_ref()))
        .map(|(k, v)| {
            let Some(field) = find_field(api.params, &k) else {
                return (k.into_owned(), Value::String(v.into_owned()));
            };
            let value = match field.kind {
                Kind::Object => serde_json::from_str(&v).unwrap_or(Value::String(v.into_owned())),
                Kind::Int => v
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or(Value::String(v.into_owned())),
                Kind::Bool if v == "true" || v == "false" => Value::Bool(v == "true"),
                _ => Value::String(v.into_owned()),
            };
            (k.into_owned(), value)
        })
        .collect()
}
