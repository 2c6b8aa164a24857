//! A complete, valid payload of an API, built from each field's `example` in
//! the spec: what forms start from, and what tests and benchmarks break.

use crate::spec::{Api, Field, Format, Kind};
use serde_json::{Map, Value};

/// Epoch-millisecond fields get `now_ms`, so the sample is valid whenever it is made.
pub fn sample(api: &Api, now_ms: i64) -> Value {
    Value::Object(object(api.params, now_ms))
}

fn object(fields: &[Field], now_ms: i64) -> Map<String, Value> {
    fields
        .iter()
        .filter(|f| f.misplaced.is_none())
        .map(|f| (f.name.to_string(), value(f, now_ms)))
        .collect()
}

fn value(f: &Field, now_ms: i64) -> Value {
    let one = match f.kind {
        Kind::Object => Value::Object(object(f.fields, now_ms)),
        Kind::Json => Value::String(Value::Object(object(f.fields, now_ms)).to_string()),
        _ if matches!(f.format, Some(Format::EpochMillis { .. })) => now_ms.into(),
        _ => f
            .example
            .and_then(|e| serde_json::from_str(e).ok())
            .unwrap_or(Value::Null),
    };
    if f.list {
        Value::Array(vec![one])
    } else {
        one
    }
}
