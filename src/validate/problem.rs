//! What went wrong, as data; turned into an `Issue` with its stable code,
//! its parameters and the message in English and Chinese.

use super::formats::Hint;
use super::Issue;
use crate::spec::{EnumValue, Field, Text};
use serde_json::{Map, Value};

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

/// Whether `actual` and the enum value `value` are equal once whitespace,
/// `_` and `-` are dropped and both are lower-cased (Unicode lower case).
/// Enum values are ASCII (build.rs checks), and the only non-ASCII character
/// whose lower case is ASCII is the Kelvin sign (U+212A -> `k`), so this is
/// an ASCII comparison: no Unicode case tables in the module.
fn squashed_eq(actual: &str, value: &str) -> bool {
    let kept = |c: &char| !c.is_whitespace() && *c != '_' && *c != '-';
    let fold = |c: char| match c {
        '\u{212A}' => Some('k'),
        c if c.is_ascii() => Some(c.to_ascii_lowercase()),
        _ => None,
    };
    actual.chars().filter(kept).map(fold).eq(value
        .chars()
        .filter(kept)
        .map(|c| Some(c.to_ascii_lowercase())))
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
        let suggestion = f
            .enum_values
            .iter()
            .find(|e| {
                squashed_eq(actual, e.value)
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
        Issue {
            path,
            code,
            message: en,
            message_zh: zh,
            params,
        }
    }

    /// The English and Chinese messages and the params (built by [`params`]
    /// rather than a `json!` per arm, which keeps serde's value serializer
    /// out of the module).
    fn render(self, field: Option<&Field>) -> (String, String, Map<String, Value>) {
        let ((en, zh), params) = match self {
            Problem::Required => {
                let (en, zh) = field.map_or(("", ""), |f| (f.doc.en, f.doc.zh));
                (
                    ("required: ".to_owned() + en, "必填:".to_owned() + zh),
                    Map::new(),
                )
            }
            Problem::Type { expected, got } => (
                (
                    format!("expected {}, got {}", type_en(expected), got),
                    format!("类型错误:应为{},实际为{}", type_zh(expected), type_zh(got)),
                ),
                params(&mut [("expected", expected.into()), ("got", got.into())]),
            ),
            Problem::MaxLength { max, actual } => (
                (
                    format!("at most {max} characters, got {actual}"),
                    format!("最多 {max} 个字符,实际 {actual} 个"),
                ),
                params(&mut [("max", max.into()), ("actual", actual.into())]),
            ),
            Problem::MinLength { min, actual } => (
                (
                    format!("at least {min} characters, got {actual}"),
                    format!("至少 {min} 个字符,实际 {actual} 个"),
                ),
                params(&mut [("min", min.into()), ("actual", actual.into())]),
            ),
            Problem::Enum {
                allowed,
                actual,
                suggestion,
            } => {
                let list = allowed.iter().map(|e| e.value).collect::<Vec<_>>();
                let (mut en, mut zh) = (
                    format!("`{}` is not one of {}", actual, list.join(", ")),
                    format!("`{}` 不在可选值 {} 之中", actual, list.join("、")),
                );
                did_you_mean(&mut en, &mut zh, suggestion);
                (
                    (en, zh),
                    params(&mut [
                        ("allowed", list.into()),
                        ("actual", actual.into()),
                        ("suggestion", suggestion.into()),
                    ]),
                )
            }
            Problem::Format { format, hint } => {
                (hint.text(), params(&mut [("format", format.into())]))
            }
            Problem::CarrierName {
                format,
                hint,
                suggestion,
            } => {
                let (mut en, mut zh) = hint.text();
                if let Some(s) = suggestion {
                    en += &format!("; the code is `{s}`");
                    zh += &format!(";对应编码为 `{s}`");
                }
                (
                    (en, zh),
                    params(&mut [("format", format.into()), ("suggestion", suggestion.into())]),
                )
            }
            Problem::Range { min, max, actual } => (
                (
                    format!("must lie between {min} and {max}, got {actual}"),
                    format!("取值须在 {min} 到 {max} 之间,实际为 {actual}"),
                ),
                params(&mut [("min", min), ("max", max), ("actual", actual)]),
            ),
            Problem::TimeRange { min, max, actual } => {
                let (lo, hi, at) = (
                    crate::time::format_gmt8(min),
                    crate::time::format_gmt8(max),
                    crate::time::format_gmt8(actual),
                );
                (
                    (
                        format!("implausible time {at} (GMT+8): expected between {lo} and {hi}"),
                        format!("时间 {at}(GMT+8)不合理:应在 {lo} 到 {hi} 之间"),
                    ),
                    params(&mut [
                        ("min", min.into()),
                        ("max", max.into()),
                        ("actual", actual.into()),
                    ]),
                )
            }
            Problem::Json { detail } => (
                (
                    format!("not valid JSON: {detail}"),
                    format!("不是合法的 JSON:{detail}"),
                ),
                params(&mut [("detail", detail.into())]),
            ),
            Problem::UnknownApi { name } => (
                (
                    format!("unknown API `{name}`"),
                    format!("未知接口 `{name}`"),
                ),
                params(&mut [("api", name.into())]),
            ),
            Problem::XmlChars => (
                (
                    String::from(
                        "holds control characters that XML cannot carry; the XML body drops them",
                    ),
                    String::from("含有 XML 无法承载的控制字符,XML 请求体会将其删除"),
                ),
                Map::new(),
            ),
            Problem::LineShape => (
                (
                    String::from("expected a line {\"api\": ..., \"payload\": ...}"),
                    String::from("每行应为 {\"api\": ..., \"payload\": ...}"),
                ),
                Map::new(),
            ),
            Problem::Xml { detail } => (
                (
                    format!("not well-formed XML: {detail}"),
                    format!("不是格式正确的 XML:{detail}"),
                ),
                params(&mut [("detail", detail.into())]),
            ),
            Problem::UnknownField { suggestion } => {
                let (mut en, mut zh) = (
                    "not a documented field".to_owned(),
                    "文档中没有这个字段".to_owned(),
                );
                did_you_mean(&mut en, &mut zh, suggestion);
                ((en, zh), params(&mut [("suggestion", suggestion.into())]))
            }
            Problem::Misplaced { expected } => (
                (
                    format!("belongs at {expected}; here the gateway ignores it"),
                    format!("应写在 {expected};放在这里会被网关忽略"),
                ),
                params(&mut [("expected", expected.into())]),
            ),
            Problem::AtLeastOne { fields, doc } => (
                (doc.en.to_owned(), doc.zh.to_owned()),
                params(&mut [("fields", fields.into())]),
            ),
            Problem::Requires { when, equals, doc } => (
                (doc.en.to_owned(), doc.zh.to_owned()),
                params(&mut [("when", when.into()), ("equals", equals.into())]),
            ),
            Problem::Placeholder { value } => (
                (
                    format!("`{value}` is a placeholder, not real data; leave the field out instead"),
                    format!("`{value}` 是占位值而不是真实数据;没有就不要传"),
                ),
                params(&mut [("value", value.into())]),
            ),
            Problem::DuplicateKey => (
                (
                    String::from("the same field appears twice; only one value would be kept"),
                    String::from("同一字段出现了两次,只会保留一个值"),
                ),
                Map::new(),
            ),
            Problem::TooDeep { max } => (
                (
                    format!("nested deeper than {max} levels"),
                    format!("嵌套超过 {max} 层"),
                ),
                params(&mut [("max", max.into())]),
            ),
            Problem::TooManyItems { max, actual } => (
                (
                    format!("at most {max} items, got {actual}"),
                    format!("最多 {max} 项,实际 {actual} 项"),
                ),
                params(&mut [("max", max.into()), ("actual", actual.into())]),
            ),
            Problem::TooLong { max, actual } => (
                (
                    format!("a string of {actual} bytes is longer than the limit of {max}; not checked further"),
                    format!("字符串长 {actual} 字节,超过上限 {max} 字节,未再检查"),
                ),
                params(&mut [("max", max.into()), ("actual", actual.into())]),
            ),
            Problem::TooLarge { max, actual } => (
                (
                    format!("payload of {actual} bytes is larger than the limit of {max}"),
                    format!("请求内容 {actual} 字节,超过上限 {max} 字节"),
                ),
                params(&mut [("max", max.into()), ("actual", actual.into())]),
            ),
        };
        (en, zh, params)
    }
}

/// `template` with each `{}` replaced by the next of `args`.
fn did_you_mean(en: &mut String, zh: &mut String, suggestion: Option<&str>) {
    if let Some(s) = suggestion {
        *en += &format!("; did you mean `{s}`?");
        *zh += &format!(";是否应为 `{s}`?");
    }
}

/// The params object, keys in the order given. Not generic and not inlined:
/// one copy of the map building for every arm.
#[inline(never)]
fn params(pairs: &mut [(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter_mut()
        .map(|(k, v)| (k.to_string(), v.take()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::squashed_eq;

    /// The definition `squashed_eq` stands for.
    fn unicode_squash(s: &str) -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
            .collect::<String>()
            .to_lowercase()
    }

    #[test]
    fn squashed_eq_is_the_unicode_lower_case_comparison() {
        let values = ["PACKAGE_FINISH", "ZTO", "true", "0", "KEY-K", ""];
        let inputs = [
            "PACKAGE _FINISH",
            "package-finish",
            "zto",
            "ZT0",
            "TRUE ",
            "0",
            "\u{212A}EY-\u{212A}",
            "\u{130}",
            "İ",
            "ｚｔｏ",
            "ΣZTO",
            "\u{3000}ZTO",
            "",
            "  ",
            "KEYK",
            "kéyk",
        ];
        for v in values {
            for a in inputs {
                let expected = unicode_squash(a) == unicode_squash(v);
                assert_eq!(squashed_eq(a, v), expected, "{a:?} vs {v:?}");
            }
        }
    }
}
