//! What forms, docs and tools read about an API, all from its spec:
//! `apis()`, `describe(api)` and `json_schema(api)`.

use crate::spec::{Api, Decision, Field, Format, Kind, Level, Protocol, Rule, Text};
use serde::Serialize;
use serde_json::{Map, Value};

/// One line of `apis()`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ApiInfo {
    pub name: &'static str,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "\"top\" | \"qimen\""))]
    pub protocol: Protocol,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "{ zh: string; en: string }"))]
    pub title: Text,
    /// The top-level request parameters, by wire name.
    pub params: Vec<&'static str>,
}

pub fn api_list() -> Vec<ApiInfo> {
    crate::spec::apis()
        .iter()
        .map(|a| ApiInfo {
            name: a.name,
            protocol: a.protocol,
            title: a.title,
            params: a.params.iter().map(|f| f.name).collect(),
        })
        .collect()
}

/// The field tree a form is built from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Description {
    pub name: &'static str,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "\"top\" | \"qimen\""))]
    pub protocol: Protocol,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "{ zh: string; en: string }"))]
    pub title: Text,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "{ zh: string; en: string }"))]
    pub summary: Text,
    pub payload_type: &'static str,
    pub idempotency_key: Option<&'static str>,
    /// The document's own example, mistakes included.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown"))]
    pub example: Value,
    pub fields: Vec<FieldDescription>,
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "{ path: string; seed: string; decision: { zh: string; en: string } }[]")
    )]
    pub decisions: &'static [Decision],
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FieldDescription {
    /// JSON Pointer from the payload root (through JSON strings too).
    pub path: String,
    #[serde(flatten)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, unknown>"))]
    pub field: &'static Field,
    pub fields: Vec<FieldDescription>,
}

pub fn describe(api: &Api) -> Description {
    Description {
        name: api.name,
        protocol: api.protocol,
        title: api.title,
        summary: api.summary,
        payload_type: api.payload_type,
        idempotency_key: api.idempotency_key,
        example: serde_json::from_str(api.example).unwrap_or(Value::Null),
        fields: describe_fields(api.params, ""),
        decisions: api.decisions,
    }
}

fn describe_fields(fields: &'static [Field], parent: &str) -> Vec<FieldDescription> {
    fields
        .iter()
        .map(|f| {
            let path = format!("{parent}/{}", f.name);
            FieldDescription {
                fields: describe_fields(f.fields, &path),
                path,
                field: f,
            }
        })
        .collect()
}

/// JSON Schema 2020-12 of the payload: every error-level rule that a schema
/// can say (types, required, lengths, strict enums, formats as patterns,
/// "at least one of"). Warnings and rules inside JSON strings stay ours.
pub fn json_schema(api: &Api) -> Value {
    let mut schema = object_schema(api.params, &[]);
    let root = schema
        .as_object_mut()
        .expect("object_schema returns an object");
    root.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    root.insert(
        "$id".into(),
        format!("urn:top-logistics:{}", api.name).into(),
    );
    root.insert(
        "title".into(),
        format!("{} ({})", api.name, api.title.en).into(),
    );
    root.insert(
        "description".into(),
        format!("{} / {}", api.title.zh, api.summary.en).into(),
    );
    schema
}

fn object_schema(fields: &'static [Field], rules: &'static [Rule]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in fields.iter().filter(|f| f.misplaced.is_none()) {
        let s = field_schema(f);
        for alias in f.aliases {
            properties.insert(alias.to_string(), s.clone());
        }
        properties.insert(f.name.to_string(), s);
        if f.required == Some(Level::Error) && f.aliases.is_empty() {
            required.push(f.name);
        }
    }
    let mut schema = obj(&mut [
        ("type", "object".into()),
        ("properties", properties.into()),
        ("additionalProperties", false.into()),
    ]);
    if !required.is_empty() {
        schema["required"] = required.into();
    }
    let any_of: Vec<Value> = rules
        .iter()
        .filter_map(|r| match r {
            Rule::AtLeastOne {
                fields,
                level: Level::Error,
                ..
            } => {
                let any_of = fields
                    .iter()
                    .map(|f| obj(&mut [("required", vec![*f].into())]));
                Some(obj(&mut [("anyOf", any_of.collect())]))
            }
            _ => None,
        })
        .collect();
    if !any_of.is_empty() {
        schema["allOf"] = any_of.into();
    }
    schema
}

fn field_schema(f: &'static Field) -> Value {
    let mut s = match f.kind {
        Kind::Object => object_schema(f.fields, f.rules),
        Kind::Json => obj(&mut [
            ("type", "string".into()),
            ("contentMediaType", "application/json".into()),
            ("contentSchema", object_schema_open(f)),
        ]),
        Kind::String => {
            let mut s = obj(&mut [("type", "string".into())]);
            if let Some(max) = f.max_length {
                s["maxLength"] = max.into();
            }
            if let Some(min) = f.min_length {
                s["minLength"] = min.into();
            }
            if let Some(p) = f.format.and_then(pattern) {
                s["pattern"] = p.into();
            }
            if f.enum_level == Level::Error && !f.enum_values.is_empty() {
                s["enum"] = f
                    .enum_values
                    .iter()
                    .map(|e| e.value)
                    .collect::<Vec<_>>()
                    .into();
            }
            s
        }
        Kind::Int => {
            let mut s = obj(&mut [("type", "integer".into())]);
            if f.enum_level == Level::Error && !f.enum_values.is_empty() {
                s["enum"] = f
                    .enum_values
                    .iter()
                    .filter_map(|e| e.value.parse::<i64>().ok())
                    .collect::<Vec<_>>()
                    .into();
            }
            if let Some(Format::EpochMillis { .. }) = f.format {
                (s["minimum"], s["maximum"]) =
                    (1_000_000_000_000i64.into(), 9_999_999_999_999i64.into());
            }
            if let Some(m) = f.min {
                s["minimum"] = m.into();
            }
            if let Some(m) = f.max {
                s["maximum"] = m.into();
            }
            s
        }
        Kind::Bool => obj(&mut [("type", "boolean".into())]),
    };
    s["description"] = format!("{} / {}", f.doc.zh, f.doc.en).into();
    if f.list {
        let description = s.as_object_mut().and_then(|m| m.remove("description"));
        let array = obj(&mut [
            ("type", "array".into()),
            ("items", s.clone()),
            ("maxItems", 1000.into()),
        ]);
        obj(&mut [
            ("anyOf", vec![array, s].into()),
            ("description", description.unwrap_or(Value::Null)),
        ])
    } else {
        s
    }
}

/// A JSON object, keys in the order given. Built directly rather than with
/// `json!`, whose `to_value` pulls serde's value serializer into the module.
#[inline(never)]
fn obj(pairs: &mut [(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter_mut()
            .map(|(k, v)| (k.to_string(), v.take()))
            .collect(),
    )
}

/// Inside a JSON string other keys are allowed (they are warnings).
fn object_schema_open(f: &'static Field) -> Value {
    let mut s = object_schema(f.fields, f.rules);
    s["additionalProperties"] = if f.string_values {
        obj(&mut [("type", "string".into())])
    } else {
        true.into()
    };
    s
}

/// The format as a regular expression, where one says enough.
fn pattern(format: Format) -> Option<String> {
    if let Format::Decimal { precision, scale } = format {
        return Some(match (precision, scale) {
            (0, _) => r"^\d+(\.\d+)?$".into(),
            (p, 0) => format!(r"^\d{{1,{p}}}$"),
            (p, s) => format!(r"^\d{{1,{}}}(\.\d{{1,{s}}})?$", p - s),
        });
    }
    let p = match format {
        Format::DateTime => {
            r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$"
        }
        Format::Latitude => r"^-?([0-8]?\d(\.\d{6,14})|90\.0{6,14})$",
        Format::Longitude => r"^-?((1[0-7]\d|0?\d{1,2})(\.\d{6,14})|180\.0{6,14})$",
        Format::Quantity => r"^\d{1,18}$",
        Format::PickupCode => r"^\d{6}$",
        Format::CarrierCode => r"^[A-Za-z0-9_-]+$",
        Format::Mobile => r"^(\+?86 ?)?1[3-9](\d{9}|\d\*{4}\d{4})([-_,#转]\d{1,6})?$",
        Format::Phone | Format::Landline | Format::EpochMillis { .. } | Format::Decimal { .. } => {
            return None
        }
    };
    Some(p.to_string())
}

/// The table of every decision taken where a seed document is wrong or
/// unsure: DECISIONS.md is this text (a test keeps them equal).
pub fn decisions_markdown() -> String {
    let mut out = String::from(
        "# Decisions where the API documents are wrong or unsure\n\n\
         Generated from the `[[decisions]]` of `src/apis/*.toml` (`UPDATE_DECISIONS=1 cargo test --test describe` \
         rewrites it). Errors are what the gateway would reject or what loses data; warnings are legal but almost \
         certainly a mistake.\n\n\
         | API | field | the document says | we decided | 决定 |\n| --- | --- | --- | --- | --- |\n",
    );
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    for api in crate::spec::apis() {
        for d in api.decisions {
            out.push_str(&format!(
                "| `{}` | `{}` | {} | {} | {} |\n",
                api.name,
                if d.path.is_empty() {
                    "(whole payload)"
                } else {
                    d.path
                },
                cell(d.seed),
                cell(d.decision.en),
                cell(d.decision.zh)
            ));
        }
    }
    out
}
