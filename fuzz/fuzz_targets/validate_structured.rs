//! Structure-aware validation: a JSON value built from the API's spec tree
//! (documented names, near misses, unknown keys; plausible and implausible
//! scalars; lists; JSON in strings) is validated as a value and as its JSON
//! text. The two reports must be equal, and every issue's path must point
//! into the payload (see `path_problem`).
//!
//! An input that starts with `{` and parses as JSON is used as the payload
//! itself for every API (so the committed seeds are example payloads).
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use top_logistics::validate::{validate_json, validate_value};
use top_logistics::Api;
use top_logistics_fuzz::{options, path_problems, Gen};

fn floats_round_trip(v: &Value) -> bool {
    match v {
        Value::Number(n) if n.is_f64() => {
            serde_json::from_str::<Value>(&n.to_string()).ok().as_ref() == Some(v)
        }
        Value::Array(items) => items.iter().all(floats_round_trip),
        Value::Object(m) => m.values().all(floats_round_trip),
        _ => true,
    }
}

fn check(api: &Api, payload: &Value) {
    let opts = options();
    let as_value = validate_value(api, payload, &opts);
    let as_text = validate_json(api, &payload.to_string(), &opts);
    assert_eq!(as_value, as_text, "{}: {payload}", api.name);
    assert_eq!(as_value.ok, as_value.errors.is_empty());
    let problems = path_problems(api, payload, &as_value);
    assert!(
        problems.is_empty(),
        "{}: {problems:?}\npayload: {payload}\nreport: {as_value:?}",
        api.name
    );
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&b'{') {
        if let Ok(payload) = serde_json::from_slice::<Value>(data) {
            for api in top_logistics::apis() {
                check(api, &payload);
            }
            return;
        }
    }
    let mut u = Unstructured::new(data);
    let Ok(api) = u.choose(top_logistics::apis()).copied() else {
        return;
    };
    let Ok(payload) = Gen::new(&mut u, false).payload(api) else {
        return;
    };
    // serde_json reads some floats one unit in the last place off (its
    // `float_roundtrip` feature is off): then the text is not the same input.
    if !floats_round_trip(&payload) {
        return;
    }
    check(api, &payload);
});
