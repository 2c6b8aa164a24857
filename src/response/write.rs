//! `build_response`: the answer a server writes, in the platform's own shape
//! (used by the receiving side and by the local sandbox gateway).

use crate::spec::{find_field, Api, Protocol, WireFormat};
use crate::xml::{Style, WriteError, XmlOut};
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

/// A value of the wrong shape for [`build_response`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BuildResponseError {
    /// Always `invalid_value`.
    pub code: &'static str,
    /// JSON Pointer into the value given.
    pub path: String,
    pub message: String,
    pub message_zh: String,
}

impl fmt::Display for BuildResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for BuildResponseError {}

fn err(path: &str, en: impl Into<String>, zh: impl Into<String>) -> BuildResponseError {
    BuildResponseError {
        code: "invalid_value",
        path: path.to_string(),
        message: en.into(),
        message_zh: zh.into(),
    }
}

impl From<WriteError> for BuildResponseError {
    fn from(e: WriteError) -> Self {
        let (en, zh) = e.text();
        err(e.path(), en, zh)
    }
}

/// The members an `error` object may have, in the platform's order.
const ERROR_MEMBERS: [&str; 5] = ["code", "msg", "sub_code", "sub_msg", "request_id"];

/// The answer a server writes.
///
/// - Qimen: `value` is `{flag, code, message}` (other members are written
///   too) -> `<response><flag>..</flag><code>..</code><message>..</message></response>`
///   (no XML declaration) or `{"response": {...}}` in JSON.
/// - TOP: `{"error": {code, msg, sub_code, sub_msg, request_id}}` -> the
///   `error_response` envelope (also accepted for Qimen, whose gateway uses
///   it); any other object is the response data -> the `<name>_response`
///   envelope (JSON: `{"<name>_response": {...}}`; XML: an XML declaration,
///   then `<name>_response>` elements, documented fields first in the
///   document's order, lists as `<field list="true">` with one repeated
///   element per item, `null` members left out).
pub fn build_response(
    api: &Api,
    value: &Value,
    format: WireFormat,
) -> Result<String, BuildResponseError> {
    let Value::Object(obj) = value else {
        return Err(err(
            "",
            "the answer must be a JSON object",
            "应答必须是 JSON 对象",
        ));
    };
    if too_deep(value) {
        return Err(WriteError::TooDeep {
            path: String::new(),
        }
        .into());
    }
    if obj.len() == 1 && find_field(api.response.fields, "error").is_none() {
        if let Some(e) = obj.get("error") {
            return error_envelope(api, e, format);
        }
    }
    match api.protocol {
        Protocol::Qimen => {
            check_qimen(obj)?;
            envelope(api, "response", obj, format, false)
        }
        Protocol::Top => envelope(api, &api.response_root(), obj, format, true),
    }
}

/// Whether `value` nests deeper than the XML writer allows; checked without
/// recursion, before serde_json's (recursive) writer sees the value.
fn too_deep(value: &Value) -> bool {
    let mut stack = vec![(value, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        if depth > crate::xml::MAX_DEPTH {
            return true;
        }
        match v {
            Value::Object(m) => stack.extend(m.values().map(|c| (c, depth + 1))),
            Value::Array(a) => stack.extend(a.iter().map(|c| (c, depth + 1))),
            _ => {}
        }
    }
    false
}

fn envelope(
    api: &Api,
    root: &str,
    obj: &Map<String, Value>,
    format: WireFormat,
    declaration: bool,
) -> Result<String, BuildResponseError> {
    match format {
        WireFormat::Json => {
            let mut m = Map::new();
            m.insert(root.to_string(), Value::Object(obj.clone()));
            to_json(&Value::Object(m))
        }
        WireFormat::Xml => {
            let mut out = XmlOut::new(if declaration {
                Style::Top
            } else {
                Style::Qimen
            });
            out.start(root, false, "")?;
            out.members(obj, api.response.fields, "", 0)?;
            out.end(root)?;
            Ok(out.finish())
        }
    }
}

fn to_json(v: &Value) -> Result<String, BuildResponseError> {
    serde_json::to_string(v).map_err(|e| {
        err(
            "",
            format!("cannot write the JSON: {e}"),
            format!("无法写出 JSON:{e}"),
        )
    })
}

fn check_qimen(obj: &Map<String, Value>) -> Result<(), BuildResponseError> {
    match obj.get("flag") {
        Some(Value::String(f)) if f == "success" || f == "failure" => {}
        _ => {
            return Err(err(
                "/flag",
                "a Qimen answer needs flag \"success\" or \"failure\"",
                "奇门应答需要 flag 为 \"success\" 或 \"failure\"",
            ))
        }
    }
    for k in ["code", "message"] {
        match obj.get(k) {
            None | Some(Value::Null | Value::String(_) | Value::Number(_)) => {}
            Some(_) => {
                return Err(err(
                    &format!("/{k}"),
                    format!("{k} must be a string"),
                    format!("{k} 必须是字符串"),
                ))
            }
        }
    }
    Ok(())
}

fn error_envelope(api: &Api, e: &Value, format: WireFormat) -> Result<String, BuildResponseError> {
    let Value::Object(e) = e else {
        return Err(err(
            "/error",
            "error must be an object {code, msg, sub_code, sub_msg, request_id}",
            "error 必须是对象 {code, msg, sub_code, sub_msg, request_id}",
        ));
    };
    if let Some(k) = e.keys().find(|k| !ERROR_MEMBERS.contains(&k.as_str())) {
        return Err(err(
            &format!("/error/{k}"),
            format!("unknown member {k}: an error has code, msg, sub_code, sub_msg and request_id"),
            format!("未知成员 {k}:error 只有 code、msg、sub_code、sub_msg 和 request_id"),
        ));
    }
    // The code: a number on the wire (JSON), given as a number or as digits.
    let code = match e.get("code") {
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Value::Number(n.clone()),
        Some(Value::String(s)) if !s.trim().is_empty() => s
            .trim()
            .parse::<i64>()
            .map_or_else(|_| Value::String(s.trim().to_string()), Value::from),
        _ => {
            return Err(err(
                "/error/code",
                "error.code is required: an integer such as 15, or a code string",
                "error.code 必填:整数(如 15)或错误码字符串",
            ))
        }
    };
    let mut out = Map::new();
    out.insert("code".to_string(), code);
    for k in ["msg", "sub_code", "sub_msg", "request_id"] {
        match e.get(k) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                out.insert(k.to_string(), Value::String(s.clone()));
            }
            Some(_) => {
                return Err(err(
                    &format!("/error/{k}"),
                    format!("error.{k} must be a string"),
                    format!("error.{k} 必须是字符串"),
                ))
            }
        }
    }
    match format {
        WireFormat::Json => {
            let mut m = Map::new();
            m.insert("error_response".to_string(), Value::Object(out));
            to_json(&Value::Object(m))
        }
        WireFormat::Xml => {
            let mut x = XmlOut::new(if api.protocol == Protocol::Top {
                Style::Top
            } else {
                Style::Qimen
            });
            x.start("error_response", false, "")?;
            for k in ERROR_MEMBERS {
                let text = match out.get(k) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => continue,
                };
                x.leaf(k, &text, &format!("/error/{k}"))?;
            }
            x.end("error_response")?;
            Ok(x.finish())
        }
    }
}
