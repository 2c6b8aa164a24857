//! The native core's answers on fixed inputs, written to
//! tests/fixtures/native-answers.json. The package's JS tests feed the same
//! inputs to the WebAssembly build and expect the same JSON out, so the two
//! builds are held to one behaviour. `UPDATE_ANSWERS=1 cargo test --test
//! native_answers` rewrites the file after an intended change.
#![cfg(not(target_arch = "wasm32"))] // native tests; tests/wasm_*.rs run in wasm

use serde_json::{json, Value};
use top_logistics::request::{build_request, parse_request, BuildOptions, Secret, Timestamp};
use top_logistics::sign::SignMethod;
use top_logistics::spec::WireFormat;
use top_logistics::validate::{validate_json, validate_value, Options};
use top_logistics::{describe, response, sample};

const NOW_MS: i64 = 1_795_320_000_000; // 2026-11-22 12:00:00 GMT+8
const SECRET: &str = "answers-secret";

fn answers() -> Value {
    let vopts = Options {
        now_ms: NOW_MS,
        ..Options::default()
    };
    let mut apis = Vec::new();
    for api in top_logistics::apis() {
        let valid = sample::sample(api, NOW_MS);
        let example: Value = serde_json::from_str(api.example).unwrap();
        let builds: Vec<Value> = ["md5", "hmac", "hmac-sha256"]
            .iter()
            .map(|m| {
                let opts = BuildOptions {
                    app_key: "12345678".into(),
                    app_secret: Secret::new(SECRET),
                    sign_method: SignMethod::parse(m),
                    timestamp: Some(Timestamp::Millis(NOW_MS as f64)),
                    customer_id: Some("C001".into()),
                    ..BuildOptions::default()
                };
                let options = json!({ "appKey": "12345678", "appSecret": SECRET, "signMethod": m, "timestamp": NOW_MS, "customerId": "C001" });
                let built = build_request(api, &valid, &opts).unwrap();
                let parsed = parse_request(api, &built.body, None, &vopts);
                let refused = build_request(api, &example, &opts).map(|_| Value::Null).unwrap_or_else(|e| serde_json::to_value(e).unwrap());
                json!({ "options": options, "request": built, "parsedRequest": parsed, "exampleRefused": refused })
            })
            .collect();
        let error_xml = "<error_response><code>15</code><msg>Remote service error</msg><sub_code>isp.remote-service-timeout</sub_code><sub_msg>超时</sub_msg><request_id>r-1</request_id></error_response>";
        let qimen_fail = json!({ "flag": "failure", "code": "sign-check-failure", "message": "Illegal request" });
        let response_value = if api.protocol == top_logistics::Protocol::Qimen {
            qimen_fail
        } else {
            json!({ "error": { "code": 25, "msg": "Invalid signature" } })
        };
        apis.push(json!({
            "api": api.name,
            "now": NOW_MS,
            "sample": valid,
            "example": example,
            "validate": { "sample": validate_value(api, &valid, &vopts), "example": validate_value(api, &example, &vopts),
                          "exampleText": validate_json(api, api.example, &vopts) },
            "builds": builds,
            "describe": describe::describe(api),
            "jsonSchema": describe::json_schema(api),
            "responses": {
                "exampleXml": { "text": api.response.example_xml, "parsed": response::parse_response(api, api.response.example_xml, None) },
                "errorXml": { "text": error_xml, "parsed": response::parse_response(api, error_xml, None) },
                "built": { "value": response_value, "json": response::build_response(api, &response_value, WireFormat::Json).unwrap(),
                           "xml": response::build_response(api, &response_value, WireFormat::Xml).unwrap() },
            },
        }));
    }
    let params = json!({ "method": "taobao.item.seller.get", "app_key": "12345678", "session": "test", "timestamp": "2016-01-01 12:00:00",
        "format": "json", "v": "2.0", "sign_method": "md5", "fields": "num_iid,title,nick,price,num", "num_iid": "11223344" });
    let pairs: Vec<(String, String)> = params
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let signs: Value = [SignMethod::Md5, SignMethod::Hmac, SignMethod::HmacSha256]
        .iter()
        .map(|m| {
            (
                m.as_str().to_string(),
                Value::String(top_logistics::sign::sign(
                    pairs.clone(),
                    "helloworld",
                    *m,
                    Some("<request/>"),
                )),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    // An NDJSON batch of every API's sample and example, and two bad lines.
    let lines: Vec<String> = top_logistics::apis()
        .iter()
        .flat_map(|a| {
            let example: Value = serde_json::from_str(a.example).unwrap();
            [
                json!({ "api": a.name, "payload": sample::sample(a, NOW_MS) }),
                json!({ "api": a.name, "payload": example }),
            ]
        })
        .map(|v| v.to_string())
        .chain([
            "{oops".to_string(),
            String::new(),
            json!({ "api": "x.y", "payload": {} }).to_string(),
        ])
        .collect();
    let text = lines.join("\n");
    let batch = json!({ "text": text, "options": { "firstLine": 1, "maxFailures": 20, "now": NOW_MS },
        "answer": top_logistics::validate::validate_lines(&text, None, 1, 20, &vopts) });
    json!({ "apis": apis, "batch": batch, "list": describe::api_list(), "sign": { "params": params, "secret": "helloworld", "body": "<request/>", "signs": signs } })
}

#[test]
fn fixture_is_current() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/native-answers.json"
    );
    let want = serde_json::to_string_pretty(&answers()).unwrap() + "\n";
    if std::env::var_os("UPDATE_ANSWERS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(have == want, "tests/fixtures/native-answers.json is stale: UPDATE_ANSWERS=1 cargo test --test native_answers");
    assert!(
        !have.contains(SECRET) || have.matches(SECRET).count() == 5 * 3,
        "the secret appears only in the inputs"
    );
}
