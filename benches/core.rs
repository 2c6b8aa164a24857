//! Native benchmarks of the core, on the same inputs as the Node benchmark
//! (benches/node/bench.mjs): the fixture's valid samples, its sign vector,
//! its build options and the documents' response examples. scripts/bench.sh
//! runs them with a short measurement time and sets each figure next to the
//! same operation through the WebAssembly package, so the cost of the JS/wasm
//! crossing (plus wasm's own slowdown) reads off as the difference.
//!
//!   cargo bench --bench core                     (full criterion run)
//!   cargo bench --bench core -- validate_json    (one group)
//!
//! Benchmark ids are `<group>/<api>` with the short API names of
//! benches/node/bench.mjs (locker, openalibity, qimen, station, tradeorder).

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::Value;
use std::hint::black_box;
use std::path::Path;
use top_logistics::request::{build_request, build_request_json, BuildOptions};
use top_logistics::response::parse_response;
use top_logistics::sign::{sign, SignMethod};
use top_logistics::validate::{validate_json, validate_value, Options};

struct Case {
    short: &'static str,
    api: &'static top_logistics::Api,
    now: i64,
    sample: Value,
    text: String,
    builds: Vec<Value>,
    json_response: String,
    xml_response: String,
}

fn short(api: &str) -> &'static str {
    match api {
        "cainiao.endpoint.locker.top.order.tracking.new" => "locker",
        "taobao.logistics.openalibity.write" => "openalibity",
        "taobao.qimen.returnpackage.report" => "qimen",
        "taobao.logistics.station.tms.async" => "station",
        "alibaba.cainiao.whc.warehouse.tradeorder.callback" => "tradeorder",
        other => panic!("unknown API {other} in the fixture"),
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> Value {
    let path = root().join("tests/fixtures/native-answers.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("the fixture is JSON")
}

/// A JSON success answer: the document's example data with every success
/// flag set to true, in its envelope (the same text bench.mjs builds).
fn json_response(case_api: &top_logistics::Api, data: &Value) -> String {
    fn set_true(v: &mut Value) {
        if let Value::Object(m) = v {
            for (k, x) in m.iter_mut() {
                if k == "success" || k == "result_success" {
                    *x = Value::Bool(true);
                } else {
                    set_true(x);
                }
            }
        }
    }
    if case_api.protocol == top_logistics::Protocol::Qimen {
        return r#"{"response":{"flag":"success","code":"0","message":"ok"}}"#.to_string();
    }
    let mut data = data.clone();
    set_true(&mut data);
    if let Value::Object(m) = &mut data {
        m.insert("request_id".into(), "0ba1f4e517f7a1c3".into());
    }
    let mut env = serde_json::Map::new();
    env.insert(
        format!(
            "{}_response",
            case_api
                .name
                .trim_start_matches("taobao.")
                .replace('.', "_")
        ),
        data,
    );
    Value::Object(env).to_string()
}

fn cases() -> Vec<Case> {
    let fx = fixture();
    fx["apis"]
        .as_array()
        .expect("apis")
        .iter()
        .map(|a| {
            let name = a["api"].as_str().expect("api name");
            let api = top_logistics::api(name).expect("a known API");
            let sample = a["sample"].clone();
            Case {
                short: short(name),
                api,
                now: a["now"].as_i64().expect("now"),
                text: sample.to_string(),
                sample,
                builds: a["builds"].as_array().expect("builds").clone(),
                json_response: json_response(api, &a["responses"]["exampleXml"]["parsed"]["data"]),
                xml_response: a["responses"]["exampleXml"]["text"]
                    .as_str()
                    .expect("xml")
                    .to_string(),
            }
        })
        .collect()
}

fn opts(now: i64) -> Options {
    Options {
        now_ms: now,
        ..Options::default()
    }
}

fn benches(c: &mut Criterion) {
    let cases = cases();

    // The large Qimen payload bench.mjs writes (100 parcels); skipped when absent.
    let large = std::fs::read_to_string(root().join("bench-output/qimen_x100.json")).ok();

    let mut g = c.benchmark_group("validate_json");
    for k in &cases {
        assert!(
            validate_json(k.api, &k.text, &opts(k.now)).ok,
            "{}: sample invalid",
            k.short
        );
        g.bench_function(k.short, |b| {
            b.iter(|| validate_json(k.api, black_box(&k.text), &opts(k.now)))
        });
    }
    if let Some(text) = &large {
        let k = cases.iter().find(|k| k.short == "qimen").expect("qimen");
        g.bench_function("qimen_x100", |b| {
            b.iter(|| validate_json(k.api, black_box(text), &opts(k.now)))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("validate_value");
    for k in &cases {
        g.bench_function(k.short, |b| {
            b.iter(|| validate_value(k.api, black_box(&k.sample), &opts(k.now)))
        });
    }
    if let Some(text) = &large {
        let k = cases.iter().find(|k| k.short == "qimen").expect("qimen");
        let value: Value = serde_json::from_str(text).expect("qimen_x100.json");
        g.bench_function("qimen_x100", |b| {
            b.iter(|| validate_value(k.api, black_box(&value), &opts(k.now)))
        });
    }
    g.finish();

    let fx = fixture();
    let params: Vec<(String, String)> = fx["sign"]["params"]
        .as_object()
        .expect("sign params")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect();
    let secret = fx["sign"]["secret"].as_str().expect("secret").to_string();
    let mut g = c.benchmark_group("sign");
    for m in [SignMethod::Md5, SignMethod::Hmac, SignMethod::HmacSha256] {
        g.bench_function(m.as_str(), |b| {
            b.iter(|| {
                sign(
                    black_box(&params).iter().map(|(k, v)| (k, v)),
                    &secret,
                    m,
                    None,
                )
            })
        });
    }
    g.finish();

    // buildRequest: validate + serialise + sign, with the sign method bench.mjs
    // uses (TOP: hmac-sha256; Qimen: md5, XML body signed with the query).
    let mut g = c.benchmark_group("build_request");
    for k in &cases {
        let method = if k.short == "qimen" {
            "md5"
        } else {
            "hmac-sha256"
        };
        let build = k
            .builds
            .iter()
            .find(|b| b["options"]["signMethod"] == method)
            .expect("a build with that sign method");
        let options: BuildOptions =
            serde_json::from_value(build["options"].clone()).expect("options");
        let built = build_request(k.api, &k.sample, &options).expect("builds");
        assert_eq!(
            (Some(built.body.as_str()), Some(built.sign.as_str())),
            (
                build["request"]["body"].as_str(),
                build["request"]["sign"].as_str()
            ),
            "{}: body or sign differs from the fixture",
            k.short
        );
        g.bench_function(k.short, |b| {
            b.iter(|| build_request(k.api, black_box(&k.sample), &options))
        });
        // The binding's path: the payload as JSON text.
        assert_eq!(
            build_request_json(k.api, &k.text, &options).expect("builds"),
            built,
            "{}: the text and the Value differ",
            k.short
        );
        g.bench_function(format!("{}_text", k.short), |b| {
            b.iter(|| build_request_json(k.api, black_box(&k.text), &options))
        });
        if k.short == "qimen" {
            // Where the time goes: without validation (serialise + sign).
            let mut unchecked = options.clone();
            unchecked.validate = Some(false);
            g.bench_function("qimen_unvalidated", |b| {
                b.iter(|| build_request(k.api, black_box(&k.sample), &unchecked))
            });
            g.bench_function("qimen_text_unvalidated", |b| {
                b.iter(|| build_request_json(k.api, black_box(&k.text), &unchecked))
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("parse_json");
    for k in &cases {
        assert!(
            parse_response(k.api, &k.json_response, None).ok,
            "{}: JSON answer not ok",
            k.short
        );
        g.bench_function(k.short, |b| {
            b.iter(|| parse_response(k.api, black_box(&k.json_response), None))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("parse_xml");
    for k in &cases {
        g.bench_function(k.short, |b| {
            b.iter(|| parse_response(k.api, black_box(&k.xml_response), None))
        });
    }
    g.finish();
}

criterion_group!(core, benches);
criterion_main!(core);
