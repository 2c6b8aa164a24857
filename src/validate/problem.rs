//! What went wrong, as data; turned into an `Issue` with its stable code,
//! its parameters and the message in English and Chinese.

use super::formats::Hint;
use super::Issue;
use crate::spec::{EnumValue, Field, Text};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Required,
    Type {
        expected: &'static str,
        got: &'static str,
    },
    MaxLength {
        max: u32,
        actual: usize,
    },
    MinLength {
        min: u32,
        actual: usize,
    },
    Enum {
        allowed: &'static [EnumValue],
        actual: String,
        suggestion: Option<&'static str>,
    },
    Format {
        format: &'static str,
        hint: Hint,
    },
    /// A carrier's name where its code is expected.
    CarrierName {
        format: &'static str,
        hint: Hint,
        suggestion: Option<&'static str>,
    },
    Range {
        min: Value,
        max: Value,
        actual: Value,
    },
    TimeRange {
        min: i64,
        max: i64,
        actual: i64,
    },
    Json {
        detail: String,
    },
    /// Characters XML 1.0 cannot carry (control characters), dropped from a Qimen body.
    XmlChars,
    /// A batch line naming an API this library does not know.
    UnknownApi {
        name: String,
    },
    /// A batch line that is JSON but not `{"api": ..., "payload": ...}`.
    LineShape,
    /// A body that is not well-formed XML (or a DOCTYPE, refused).
    Xml {
        detail: String,
    },
    UnknownField {
        suggestion: Option<&'static str>,
    },
    Misplaced {
        expected: &'static str,
    },
    AtLeastOne {
        fields: &'static [&'static str],
        doc: Text,
    },
    Requires {
        when: &'static str,
        equals: &'static str,
        doc: Text,
    },
    Placeholder {
        value: String,
    },
    DuplicateKey,
    TooDeep {
        max: usize,
    },
    TooManyItems {
        max: usize,
        actual: usize,
    },
    TooLong {
        max: usize,
        actual: usize,
    },
    TooLarge {
        max: usize,
        actual: usize,
    },
}

fn type_zh(t: &str) -> &'static str {
    match t {
        "string" => "字符串",
        "integer" => "整数",
        "number" => "数字",
        "boolean" => "布尔值",
        "object" => "对象",
        "array" => "数组",
        "null" => "null",
        "json_string" => "内容为 JSON 对象的字符串",
        "json_object" => "JSON 对象",
        _ => "未知类型",
    }
}

fn type_en(t: &str) -> &str {
    match t {
        "json_string" => "a string holding a JSON object",
        "json_object" => "a JSON object",
        t => t,
    }
}

impl Problem {
    /// An enum miss, with a suggestion where the value is a near spelling
    /// (case, spaces: the seed's `PACKAGE _FINISH`) or a documented meaning.
    pub fn enum_miss(f: &'static Field, actual: &str) -> Problem {
        let squash = |s: &str| {
            s.chars()
                .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
                .collect::<String>()
                .to_lowercase()
        };
        let wanted = squash(actual);
        // `squash(value) == wanted`, without building it for an ASCII value
        // (enum values are codes); ASCII white space is 09..0D and space.
        let near = |value: &str| {
            if !value.is_ascii() {
                return squash(value) == wanted;
            }
            value
                .bytes()
                .filter(|b| !matches!(b, b'\t'..=b'\r' | b' ' | b'_' | b'-'))
                .map(|b| b.to_ascii_lowercase())
                .eq(wanted.bytes())
        };
        let suggestion = f
            .enum_values
            .iter()
            .find(|e| {
                near(e.value)
                    || (!actual.is_empty()
                        && (e.doc.zh == actual || e.doc.en.eq_ignore_ascii_case(actual)))
            })
            .map(|e| e.value);
        Problem::Enum {
            allowed: f.enum_values,
            actual: actual.to_string(),
            suggestion,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::Type { .. } => "type",
            Problem::MaxLength { .. } => "max_length",
            Problem::MinLength { .. } => "min_length",
            Problem::Enum { .. } => "enum",
            Problem::Format { .. } | Problem::CarrierName { .. } => "format",
            Problem::Range { .. } => "range",
            Problem::TimeRange { .. } => "time_range",
            Problem::Json { .. } => "json",
            Problem::Xml { .. } => "xml",
            Problem::UnknownApi { .. } => "unknown_api",
            Problem::LineShape => "line_shape",
            Problem::XmlChars => "xml_chars",
            Problem::UnknownField { .. } => "unknown_field",
            Problem::Misplaced { .. } => "misplaced",
            Problem::AtLeastOne { .. } => "at_least_one",
            Problem::Requires { .. } => "requires",
            Problem::Placeholder { .. } => "placeholder",
            Problem::DuplicateKey => "duplicate_key",
            Problem::TooDeep { .. } => "too_deep",
            Problem::TooManyItems { .. } => "too_many_items",
            Problem::TooLong { .. } => "too_long",
            Problem::TooLarge { .. } => "too_large",
        }
    }

    /// The issue without its messages and params (rendering them is most of
    /// the cost of a failing payload).
    pub fn code_only(self, path: String) -> Issue {
        Issue {
            path,
            code: self.code(),
            message: String::new(),
            message_zh: String::new(),
            params: Map::new(),
        }
    }

    pub fn into_issue(self, path: String, field: Option<&Field>) -> Issue {
        let code = self.code();
        let (en, zh, params) = self.render(field);
        let params = match params {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        Issue {
            path,
            code,
            message: en,
            message_zh: zh,
            params,
        }
    }

    fn render(self, field: Option<&Field>) -> (String, String, Value) {
        let about = field.map(|f| f.doc);
        match self {
            Problem::Required => {
                let (en, zh) = about.map_or(("", ""), |d| (d.en, d.zh));
                (["required: ", en].concat(), ["必填:", zh].concat(), json!({}))
            }
            // `concat` rather than `format!`: one exact allocation, and these
            // (with time ranges) are the most frequent messages.
            Problem::Type { expected, got } => (
                ["expected ", type_en(expected), ", got ", got].concat(),
                ["类型错误:应为", type_zh(expected), ",实际为", type_zh(got)].concat(),
                json!({ "expected": expected, "got": got }),
            ),
            Problem::MaxLength { max, actual } => (
                format!("at most {max} characters, got {actual}"),
                format!("最多 {max} 个字符,实际 {actual} 个"),
                json!({ "max": max, "actual": actual }),
            ),
            Problem::MinLength { min, actual } => (
                format!("at least {min} characters, got {actual}"),
                format!("至少 {min} 个字符,实际 {actual} 个"),
                json!({ "min": min, "actual": actual }),
            ),
            Problem::Enum {
                allowed,
                actual,
                suggestion,
            } => {
                let list = allowed.iter().map(|e| e.value).collect::<Vec<_>>();
                let (mut en, mut zh) = (
                    format!("`{actual}` is not one of {}", list.join(", ")),
                    format!("`{actual}` 不在可选值 {} 之中", list.join("、")),
                );
                if let Some(s) = suggestion {
                    en.push_str(&format!("; did you mean `{s}`?"));
                    zh.push_str(&format!(";是否应为 `{s}`?"));
                }
                (
                    en,
                    zh,
                    json!({ "allowed": list, "actual": actual, "suggestion": suggestion }),
                )
            }
            Problem::Format { format, hint } => {
                let (en, zh) = hint.text();
                (en, zh, json!({ "format": format }))
            }
            Problem::CarrierName {
                format,
                hint,
                suggestion,
            } => {
                let (mut en, mut zh) = hint.text();
                if let Some(s) = suggestion {
                    en.push_str(&format!("; the code is `{s}`"));
                    zh.push_str(&format!(";对应编码为 `{s}`"));
                }
                (
                    en,
                    zh,
                    json!({ "format": format, "suggestion": suggestion }),
                )
            }
            Problem::Range { min, max, actual } => (
                format!("must lie between {min} and {max}, got {actual}"),
                format!("取值须在 {min} 到 {max} 之间,实际为 {actual}"),
                json!({ "min": min, "max": max, "actual": actual }),
            ),
            Problem::TimeRange { min, max, actual } => {
                let (lo, hi, at) = (
                    crate::time::format_gmt8(min),
                    crate::time::format_gmt8(max),
                    crate::time::format_gmt8(actual),
                );
                (
                    ["implausible time ", &at, " (GMT+8): expected between ", &lo, " and ", &hi].concat(),
                    ["时间 ", &at, "(GMT+8)不合理:应在 ", &lo, " 到 ", &hi, " 之间"].concat(),
                    json!({ "min": min, "max": max, "actual": actual }),
                )
            }
            Problem::Json { detail } => (
                format!("not valid JSON: {detail}"),
                format!("不是合法的 JSON:{detail}"),
                json!({ "detail": detail }),
            ),
            Problem::UnknownApi { name } => (
                format!("unknown API `{name}`"),
                format!("未知接口 `{name}`"),
                json!({ "api": name }),
            ),
            Problem::XmlChars => (
                "holds control characters that XML cannot carry; the XML body drops them".into(),
                "含有 XML 无法承载的控制字符,XML 请求体会将其删除".into(),
                json!({}),
            ),
            Problem::LineShape => (
                "expected a line {\"api\": ..., \"payload\": ...}".into(),
                "每行应为 {\"api\": ..., \"payload\": ...}".into(),
                json!({}),
            ),
            Problem::Xml { detail } => (
                format!("not well-formed XML: {detail}"),
                format!("不是格式正确的 XML:{detail}"),
                json!({ "detail": detail }),
            ),
            Problem::UnknownField { suggestion } => {
                let (mut en, mut zh) = (
                    "not a documented field".to_string(),
                    "文档中没有这个字段".to_string(),
                );
                if let Some(s) = suggestion {
                    en.extend(["; did you mean `", s, "`?"]);
                    zh.extend([";是否应为 `", s, "`?"]);
                }
                (en, zh, json!({ "suggestion": suggestion }))
            }
            Problem::Misplaced { expected } => (
                format!("belongs at {expected}; here the gateway ignores it"),
                format!("应写在 {expected};放在这里会被网关忽略"),
                json!({ "expected": expected }),
            ),
            Problem::AtLeastOne { fields, doc } => (
                doc.en.to_string(),
                doc.zh.to_string(),
                json!({ "fields": fields }),
            ),
            Problem::Requires { when, equals, doc } => (
                doc.en.to_string(),
                doc.zh.to_string(),
                json!({ "when": when, "equals": equals }),
            ),
            Problem::Placeholder { value } => (
                format!("`{value}` is a placeholder, not real data; leave the field out instead"),
                format!("`{value}` 是占位值而不是真实数据;没有就不要传"),
                json!({ "value": value }),
            ),
            Problem::DuplicateKey => (
                "the same field appears twice; only one value would be kept".into(),
                "同一字段出现了两次,只会保留一个值".into(),
                json!({}),
            ),
            Problem::TooDeep { max } => (
                format!("nested deeper than {max} levels"),
                format!("嵌套超过 {max} 层"),
                json!({ "max": max }),
            ),
            Problem::TooManyItems { max, actual } => (
                format!("at most {max} items, got {actual}"),
                format!("最多 {max} 项,实际 {actual} 项"),
                json!({ "max": max, "actual": actual }),
            ),
            Problem::TooLong { max, actual } => (
                format!("a string of {actual} bytes is longer than the limit of {max}; not checked further"),
                format!("字符串长 {actual} 字节,超过上限 {max} 字节,未再检查"),
                json!({ "max": max, "actual": actual }),
            ),
            Problem::TooLarge { max, actual } => (
                format!("payload of {actual} bytes is larger than the limit of {max}"),
                format!("请求内容 {actual} 字节,超过上限 {max} 字节"),
                json!({ "max": max, "actual": actual }),
            ),
        }
    }
}
