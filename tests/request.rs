//! build_request: what is sent decodes back to exactly the validated payload,
//! and its signature verifies; fixed requests match digests computed
//! independently (Python's hashlib/hmac over the documented rule).
#![cfg(not(target_arch = "wasm32"))] // native tests; tests/wasm_*.rs run in wasm

use serde_json::{json, Value};
use std::collections::BTreeMap;
use top_logistics::request::{
    build_request, build_request_json, parse_request, BodyFormat, BuildOptions, Secret, Timestamp,
};
use top_logistics::sign::{verify_signature, SignMethod};
use top_logistics::spec::{Protocol, WireFormat};
use top_logistics::validate::Options;

const NOW_MS: i64 = 1_795_320_000_000; // 2026-11-22 12:00:00 GMT+8
const SECRET: &str = "s3cr3t-密钥";

fn opts() -> BuildOptions {
    BuildOptions {
        app_key: "12345678".into(),
        app_secret: Secret::new(SECRET),
        timestamp: Some(Timestamp::Millis(NOW_MS as f64)),
        customer_id: Some("C001".into()),
        ..BuildOptions::default()
    }
}

fn form(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

#[test]
fn every_api_round_trips_and_verifies() {
    for api in top_logistics::apis() {
        let payload = top_logistics::sample::sample(api, NOW_MS);
        for method in [SignMethod::Md5, SignMethod::Hmac, SignMethod::HmacSha256] {
            let o = BuildOptions {
                sign_method: Some(method),
                ..opts()
            };
            let req =
                build_request(api, &payload, &o).unwrap_or_else(|e| panic!("{}: {e:?}", api.name));
            assert_eq!(req.method, "POST");
            assert_eq!(req.query["sign"], req.sign);
            assert_eq!(req.query["timestamp"], "2026-11-22 12:00:00");
            assert_eq!(req.query["sign_method"], method.as_str());
            let vopts = Options {
                now_ms: NOW_MS,
                ..Options::default()
            };
            match api.protocol {
                Protocol::Top => {
                    assert!(
                        req.url.starts_with("https://eco.taobao.com/router/rest?"),
                        "{}",
                        req.url
                    );
                    let fields = form(&req.body);
                    // Decoded: each parameter's JSON text is the payload's object.
                    let decoded: serde_json::Map<String, Value> = fields
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::from_str(v).unwrap()))
                        .collect();
                    assert_eq!(Value::Object(decoded), payload, "{}", api.name);
                    let parsed = parse_request(api, &req.body, Some(BodyFormat::Form), &vopts);
                    assert_eq!(parsed.payload, payload);
                    assert!(parsed.report.ok, "{:?}", parsed.report);
                    // The signature covers query and body parameters alike.
                    let all = req
                        .query
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .chain(fields);
                    assert!(verify_signature(all, None, SECRET), "{}", api.name);
                }
                Protocol::Qimen => {
                    assert!(req.body.starts_with("<request>"), "{}", req.body);
                    assert_eq!(req.query["customerId"], "C001");
                    let parsed = parse_request(api, &req.body, None, &vopts);
                    assert_eq!(parsed.payload, payload, "{}", req.body);
                    assert!(parsed.report.ok);
                    assert!(verify_signature(&req.query, Some(&req.body), SECRET));
                    assert!(!verify_signature(
                        &req.query,
                        Some(&req.body.replace("<request>", "<request> ")),
                        SECRET
                    ));
                }
            }
        }
    }
}

/// Python, over the same parameters:
/// ```python
/// import hmac, hashlib, json
/// obj = {"request_time": 1795320000000, "request_id": "R-1", "station_code": "S&1 +=",
///        "station_name": "测试驿站 😀"}   # sent as JSON text, keys in the caller's order, no spaces
/// p = {"method": "taobao.logistics.station.tms.async", "app_key": "12345678", "timestamp": "2026-11-22 12:00:00",
///      "format": "json", "v": "2.0", "sign_method": "hmac-sha256",
///      "station_async_request": json.dumps(obj, ensure_ascii=False, separators=(",", ":"))}
/// s = "".join(k + v for k, v in sorted(p.items()))
/// print(hmac.new("s3cr3t-密钥".encode(), s.encode(), hashlib.sha256).hexdigest().upper())
/// print(urllib.parse.urlencode({"station_async_request": p["station_async_request"]}))  # the body
/// ```
#[test]
fn top_signature_matches_an_independent_digest() {
    let api = top_logistics::api("taobao.logistics.station.tms.async").unwrap();
    let payload = json!({"station_async_request": {"request_time": NOW_MS, "request_id": "R-1", "station_code": "S&1 +=", "station_name": "测试驿站 😀"}});
    let o = BuildOptions {
        validate: Some(false),
        ..opts()
    };
    let req = build_request(api, &payload, &o).unwrap();
    assert_eq!(
        req.sign,
        "BA40DFD970286B9E09A47101CC37CEB39E8DED6DC59858812C8735551C383A9B"
    );
    assert_eq!(
        req.body,
        "station_async_request=%7B%22request_time%22%3A1795320000000%2C%22request_id%22%3A%22R-1%22%2C%22station_code%22%3A%22S%261+%2B%3D%22%2C%22station_name%22%3A%22%E6%B5%8B%E8%AF%95%E9%A9%BF%E7%AB%99+%F0%9F%98%80%22%7D"
    );
}

/// Python:
/// ```python
/// import hashlib
/// body = "<request><order><orderCode>RO&lt;1&gt;</orderCode><warehouseCode>WH 01</warehouseCode></order></request>"
/// p = {"method": "taobao.qimen.returnpackage.report", "timestamp": "2026-11-22 12:00:00", "format": "xml",
///      "app_key": "12345678", "v": "2.0", "sign_method": "md5", "customerId": "C001"}
/// s = "".join(k + v for k, v in sorted(p.items()))
/// k = "s3cr3t-密钥"; print(hashlib.md5((k + s + body + k).encode()).hexdigest().upper())
/// ```
#[test]
fn qimen_signature_matches_an_independent_digest() {
    let api = top_logistics::api("taobao.qimen.returnpackage.report").unwrap();
    let payload = json!({"request": {"order": {"warehouseCode": " WH 01 ", "orderCode": "RO<1>"}}});
    let o = BuildOptions {
        validate: Some(false),
        ..opts()
    };
    let req = build_request(api, &payload, &o).unwrap();
    assert_eq!(req.body, "<request><order><orderCode>RO&lt;1&gt;</orderCode><warehouseCode>WH 01</warehouseCode></order></request>");
    assert_eq!(req.sign, "708FE3627D42D43133B40A44B36B9433");
    assert_eq!(req.headers["content-type"], "text/xml;charset=utf-8");
}

#[test]
fn qimen_json_body_variant() {
    let api = top_logistics::api("taobao.qimen.returnpackage.report").unwrap();
    let payload = top_logistics::sample::sample(api, NOW_MS);
    let o = BuildOptions {
        format: Some(WireFormat::Json),
        ..opts()
    };
    let req = build_request(api, &payload, &o).unwrap();
    assert_eq!(
        req.headers["content-type"],
        "application/json;charset=utf-8"
    );
    assert_eq!(req.query["format"], "json");
    let body: Value = serde_json::from_str(&req.body).unwrap();
    assert_eq!(body, payload["request"]);
    assert!(verify_signature(&req.query, Some(&req.body), SECRET));
}

#[test]
fn aliases_and_single_objects_are_sent_as_documented() {
    let api = top_logistics::api("taobao.qimen.returnpackage.report").unwrap();
    let mut payload = top_logistics::sample::sample(api, NOW_MS);
    let pkg = payload["request"]["packages"]["package"][0].clone();
    payload["request"]["packages"] = json!({ "packageValue": pkg });
    let req = build_request(api, &payload, &opts()).unwrap();
    assert!(
        req.body.contains("<packages><package><logisticsCode>"),
        "{}",
        req.body
    );
    assert!(!req.body.contains("packageValue"));
}

#[test]
fn invalid_payloads_are_refused_with_their_report() {
    let api = top_logistics::api("taobao.logistics.station.tms.async").unwrap();
    let payload = json!({"station_async_request": {"request_id": "R-1"}});
    let err = build_request(api, &payload, &opts()).unwrap_err();
    assert_eq!(err.code, "invalid_payload");
    let report = err.report.expect("report");
    assert!(report
        .errors
        .iter()
        .any(|e| e.path == "/station_async_request/station_code" && e.code == "required"));
    // validate: false sends it anyway.
    assert!(build_request(
        api,
        &payload,
        &BuildOptions {
            validate: Some(false),
            ..opts()
        }
    )
    .is_ok());
    assert_eq!(err.not_json, None);
}

#[test]
fn text_that_is_not_json_says_so_with_or_without_validation() {
    let api = top_logistics::api("taobao.logistics.station.tms.async").unwrap();
    let want = serde_json::from_str::<Value>("{not json")
        .unwrap_err()
        .to_string();
    for validate in [None, Some(false)] {
        let o = BuildOptions { validate, ..opts() };
        let err = build_request_json(api, "{not json", &o).unwrap_err();
        assert_eq!(err.code, "invalid_payload");
        assert_eq!(err.not_json.as_deref(), Some(want.as_str()), "{validate:?}");
    }
    // JSON held in a string field is the payload's problem, not the text's.
    let api = top_logistics::api("taobao.logistics.openalibity.write").unwrap();
    let mut payload = top_logistics::sample::sample(api, 1_795_320_000_000);
    payload["general_logistics_data_write_request"]["extend_param"] = json!("{not json");
    let err = build_request_json(api, &payload.to_string(), &opts()).unwrap_err();
    assert_eq!(err.not_json, None);
    assert!(err.report.unwrap().errors.iter().any(|e| e.code == "json"));
}

#[test]
fn options_are_checked() {
    let api = top_logistics::api("taobao.qimen.returnpackage.report").unwrap();
    let payload = top_logistics::sample::sample(api, NOW_MS);
    let err = build_request(
        api,
        &payload,
        &BuildOptions {
            customer_id: None,
            ..opts()
        },
    )
    .unwrap_err();
    assert_eq!(
        (err.code, err.message.as_str()),
        ("invalid_option", "option `customerId` is required")
    );
    let err = build_request(
        api,
        &payload,
        &BuildOptions {
            app_secret: Secret::new(""),
            ..opts()
        },
    )
    .unwrap_err();
    assert!(err.message.contains("appSecret"));
    let bad = BuildOptions {
        timestamp: Some(Timestamp::Text("2026-02-30 00:00:00".into())),
        ..opts()
    };
    assert_eq!(
        build_request(api, &payload, &bad).unwrap_err().code,
        "invalid_option"
    );
}

#[test]
fn timestamps_are_gmt8_text() {
    let api = top_logistics::api("taobao.logistics.station.tms.async").unwrap();
    let payload = top_logistics::sample::sample(api, NOW_MS);
    // 2026-11-22T04:00:00Z is noon in GMT+8, whatever the caller's zone.
    let req = build_request(api, &payload, &opts()).unwrap();
    assert_eq!(req.query["timestamp"], "2026-11-22 12:00:00");
    let o = BuildOptions {
        timestamp: Some(Timestamp::Text("2026-11-22 12:03:00".into())),
        ..opts()
    };
    assert_eq!(
        build_request(api, &payload, &o).unwrap().query["timestamp"],
        "2026-11-22 12:03:00"
    );
}

#[test]
fn top_system_parameters() {
    let api = top_logistics::api("cainiao.endpoint.locker.top.order.tracking.new").unwrap();
    let payload = top_logistics::sample::sample(api, NOW_MS);
    let o = BuildOptions {
        session: Some("sess".into()),
        partner_id: Some("top-sdk".into()),
        target_app_key: Some("87654321".into()),
        simplify: Some(true),
        gateway: Some("http://127.0.0.1:9/router/rest".into()),
        ..opts()
    };
    let req = build_request(api, &payload, &o).unwrap();
    let keys: Vec<&str> = req.query.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "app_key",
            "format",
            "method",
            "partner_id",
            "session",
            "sign",
            "sign_method",
            "simplify",
            "target_app_key",
            "timestamp",
            "v"
        ]
    );
    assert_eq!(req.query["sign_method"], "hmac-sha256");
    assert!(req.url.starts_with("http://127.0.0.1:9/router/rest?app_key=12345678&format=json&method=cainiao.endpoint.locker"));
    let expected: BTreeMap<&str, &str> = [(
        "content-type",
        "application/x-www-form-urlencoded;charset=UTF-8",
    )]
    .into();
    assert_eq!(
        req.headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<BTreeMap<_, _>>(),
        expected
    );
    // simplify is for JSON only.
    let xml = build_request(
        api,
        &payload,
        &BuildOptions {
            format: Some(WireFormat::Xml),
            simplify: Some(true),
            ..opts()
        },
    )
    .unwrap();
    assert!(!xml.query.contains_key("simplify"));
}

#[test]
fn the_secret_is_never_in_any_output() {
    let api = top_logistics::api("taobao.logistics.station.tms.async").unwrap();
    let o = opts();
    assert!(!format!("{o:?}").contains(SECRET));
    let ok = build_request(api, &top_logistics::sample::sample(api, NOW_MS), &o).unwrap();
    assert!(!serde_json::to_string(&ok).unwrap().contains(SECRET));
    let err = build_request(api, &json!({}), &o).unwrap_err();
    assert!(!serde_json::to_string(&err).unwrap().contains(SECRET));
    assert!(!format!("{err:?}").contains(SECRET));
}

#[test]
fn malformed_xml_bodies_are_xml_errors() {
    let api = top_logistics::api("taobao.qimen.returnpackage.report").unwrap();
    let vopts = Options {
        now_ms: NOW_MS,
        ..Options::default()
    };
    for body in [
        "<request><order>",
        "<!DOCTYPE r [<!ENTITY a \"b\">]><request>&a;</request>",
        "<order/>",
        "<request></order>",
    ] {
        let parsed = parse_request(api, body, None, &vopts);
        assert_eq!(parsed.payload, Value::Null, "{body}");
        let codes: Vec<_> = parsed
            .report
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.code))
            .collect();
        assert_eq!(codes, [("", "xml")], "{body}");
    }
}

#[test]
fn xml_with_a_huge_attribute_count_is_refused_unread() {
    let api = top_logistics::api("taobao.qimen.returnpackage.report").unwrap();
    let attrs: String = (0..10_000).map(|i| format!(" a{i}=\"x\"")).collect();
    let body = format!("<request{attrs}><order><orderCode>R1</orderCode></order></request>");
    let parsed = parse_request(api, &body, None, &Options::default());
    assert_eq!(parsed.payload, Value::Null);
    assert_eq!(parsed.report.errors[0].code, "xml");
    assert!(
        parsed.report.errors[0]
            .message
            .contains("more than 16 attributes"),
        "{}",
        parsed.report.errors[0].message
    );
    // A response too.
    let r = top_logistics::response::parse_response(
        api,
        &format!("<response{attrs}><flag>success</flag></response>"),
        None,
    );
    assert_eq!(r.error.expect("refused").code, "malformed_response");
}

/// build_request_json reads the text as serde_json reads it into a Value:
/// escapes, number spellings, white space, repeated keys (the last value
/// wins, in the first place), aliases and nulls; validation on and off.
#[test]
fn text_and_value_build_alike() {
    use top_logistics::request::build_request_json;
    for api in top_logistics::apis() {
        let sample = top_logistics::sample::sample(api, NOW_MS).to_string();
        let root = api.params[0].name;
        let spellings = [
            sample.clone(),
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(&sample).unwrap())
                .unwrap(),
            // `\u005f` for `_` in keys and values, `\/` for `/`.
            sample.replace('_', "\\u005f").replace('/', "\\/"),
            // Unknown keys, repeated keys, nulls, odd numbers and strings.
            sample.replacen(
                '{',
                r#"{"x":1,"x":null,"y":{"b":1E2,"b":-0,"c":[1e+21,12345678901234567890]},"z":"\"\n\u00e9","#,
                1,
            ),
            sample.replacen(
                &format!("\"{root}\":{{"),
                &format!("\"{root}\":{{\"n\":null,\"n\":[{{\"k\":true}},null],"),
                1,
            ),
        ];
        for (i, text) in spellings.iter().enumerate() {
            let repeats = i >= 3;
            let value: Value = serde_json::from_str(text).unwrap();
            for validate in [None, Some(false)] {
                for format in [None, Some(WireFormat::Json), Some(WireFormat::Xml)] {
                    let o = BuildOptions {
                        validate,
                        format,
                        ..opts()
                    };
                    let from_text = build_request_json(api, text, &o);
                    let from_value = build_request(api, &value, &o);
                    if validate.is_none() && repeats {
                        // Validation refuses a repeated key in the text.
                        assert!(from_text.is_err(), "{}: {text}", api.name);
                        continue;
                    }
                    assert_eq!(from_text, from_value, "{}: {text}", api.name);
                }
            }
        }
    }
}

/// A number goes out with every digit it came in with, however serde_json's
/// own reading would round it: `make fuzz` (xml_round_trip) found
/// 9.549465867632965e-307 sent as ...963e-307. TOP JSON parameters and
/// Qimen XML and JSON bodies.
#[test]
fn numbers_keep_every_digit() {
    use top_logistics::request::build_request_json;
    let numbers = [
        "9.549465867632965e-307",
        "1.7976931348623157e+308",
        "5e-324",
        "0.1",
    ];
    for api in top_logistics::apis() {
        let root = api.params[0].name;
        let text = format!(
            r#"{{"{root}":{{"n":{},"m":[{}],"k":{{"x":{}}}}}}}"#,
            numbers[0],
            numbers[1..3].join(","),
            numbers[3]
        );
        for format in [Some(WireFormat::Json), Some(WireFormat::Xml)] {
            let o = BuildOptions {
                validate: Some(false),
                format,
                ..opts()
            };
            let body = build_request_json(api, &text, &o).expect("builds").body;
            // A TOP body is a form: its values, decoded.
            let sent: String = form_urlencoded::parse(body.as_bytes())
                .map(|(k, v)| format!("{k}={v}&"))
                .collect();
            for n in numbers {
                assert!(
                    body.contains(n) || sent.contains(n),
                    "{} {format:?}: {n} not in {body}",
                    api.name
                );
            }
        }
    }
}
