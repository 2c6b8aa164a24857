//! Every validation rule: a payload that breaks it and one that passes it,
//! checking the path, the code and the severity of what is reported.
//! Payloads start from the spec's valid sample and change one thing.
#![cfg(not(target_arch = "wasm32"))] // native tests; tests/wasm_*.rs run in wasm

use serde_json::{json, Value};
use top_logistics::validate::{validate_json, validate_value, Issue, Limits, Options, Report};

const NOW_MS: i64 = 1_795_320_000_000; // 2026-11-22 12:00:00 GMT+8

const LOCKER: &str = "cainiao.endpoint.locker.top.order.tracking.new";
const WRITE: &str = "taobao.logistics.openalibity.write";
const QIMEN: &str = "taobao.qimen.returnpackage.report";
const WHC: &str = "alibaba.cainiao.whc.warehouse.tradeorder.callback";
const STATION: &str = "taobao.logistics.station.tms.async";

fn opts() -> Options {
    Options {
        now_ms: NOW_MS,
        ..Options::default()
    }
}

fn sample(api: &str) -> Value {
    top_logistics::sample::sample(top_logistics::api(api).unwrap(), NOW_MS)
}

fn check(api: &str, payload: &Value) -> Report {
    validate_value(top_logistics::api(api).unwrap(), payload, &opts())
}

/// Sets (or with `None` removes) the value at a JSON Pointer; a pointer that
/// passes through a JSON-in-a-string field (`extra`, ...) edits inside it.
fn set(payload: &mut Value, pointer: &str, value: Option<Value>) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    // Walk down, descending into JSON strings where needed.
    let mut tokens: Vec<&str> = parent.split('/').skip(1).collect();
    let mut at = payload;
    while let Some(t) = tokens.first().copied() {
        tokens.remove(0);
        let next = if let Value::Array(a) = at {
            &mut a[t.parse::<usize>().unwrap()]
        } else {
            &mut at[t]
        };
        if let Value::String(s) = next {
            let mut inner: Value = serde_json::from_str(s).unwrap();
            let rest = format!("/{}/{last}", tokens.join("/")).replace("//", "/");
            set(&mut inner, &rest, value);
            *next = Value::String(inner.to_string());
            return;
        }
        at = next;
    }
    match value {
        Some(v) => at[last] = v,
        None => {
            at.as_object_mut().unwrap().remove(last);
        }
    }
}

fn with(api: &str, pointer: &str, value: Value) -> Report {
    let mut p = sample(api);
    set(&mut p, pointer, Some(value));
    check(api, &p)
}

fn without(api: &str, pointer: &str) -> Report {
    let mut p = sample(api);
    set(&mut p, pointer, None);
    check(api, &p)
}

fn only_error(r: &Report, path: &str, code: &str) -> Issue {
    assert_eq!(r.errors.len(), 1, "expected one error at {path}: {r:#?}");
    assert!(r.warnings.is_empty(), "expected no warnings: {r:#?}");
    let e = r.errors[0].clone();
    assert_eq!((e.path.as_str(), e.code), (path, code), "{r:#?}");
    assert!(!r.ok);
    e
}

fn only_warning(r: &Report, path: &str, code: &str) -> Issue {
    assert!(r.errors.is_empty(), "expected no errors: {r:#?}");
    assert_eq!(
        r.warnings.len(),
        1,
        "expected one warning at {path}: {r:#?}"
    );
    let w = r.warnings[0].clone();
    assert_eq!((w.path.as_str(), w.code), (path, code), "{r:#?}");
    assert!(r.ok);
    w
}

fn clean(r: &Report) {
    assert!(r.errors.is_empty() && r.warnings.is_empty(), "{r:#?}");
}

#[test]
fn required_fields() {
    let e = only_error(
        &without(STATION, "/station_async_request/station_code"),
        "/station_async_request/station_code",
        "required",
    );
    assert!(e.message_zh.contains("驿站编码"), "{}", e.message_zh);
    only_error(&without(LOCKER, "/track_info"), "/track_info", "required");
    // Optional in the column, 必填 in the text: required.
    only_error(
        &without(QIMEN, "/request/order/outBizCode"),
        "/request/order/outBizCode",
        "required",
    );
    // Blank values are dropped by the SDKs, so they count as missing.
    only_error(
        &with(STATION, "/station_async_request/station_code", json!("  ")),
        "/station_async_request/station_code",
        "required",
    );
    // null is absent.
    only_error(
        &with(STATION, "/station_async_request/station_code", Value::Null),
        "/station_async_request/station_code",
        "required",
    );
    // Optional fields may go.
    clean(&without(STATION, "/station_async_request/address/town"));
}

#[test]
fn recommended_fields_warn() {
    only_warning(
        &without(QIMEN, "/request/packages"),
        "/request/packages",
        "required",
    );
}

#[test]
fn types_strict_and_lenient() {
    let e = only_error(
        &with(
            STATION,
            "/station_async_request/request_time",
            json!("soon"),
        ),
        "/station_async_request/request_time",
        "type",
    );
    assert_eq!(e.params["expected"], "integer");
    assert_eq!(e.params["got"], "string");
    only_error(
        &with(STATION, "/station_async_request/address", json!([1])),
        "/station_async_request/address",
        "type",
    );
    only_error(
        &with(WHC, "/callback_order/is_final", json!(0)),
        "/callback_order/is_final",
        "type",
    );
    // The gateway's JSON reader converts these, so they are only warnings.
    only_warning(
        &with(
            STATION,
            "/station_async_request/supplier_id",
            json!(10000000001u64),
        ),
        "/station_async_request/supplier_id",
        "type",
    );
    only_warning(
        &with(STATION, "/station_async_request/status", json!("1")),
        "/station_async_request/status",
        "type",
    );
    clean(&with(
        STATION,
        "/station_async_request/supplier_id",
        json!("10000000001"),
    ));
}

#[test]
fn max_length_counts_characters() {
    let long = "退".repeat(51);
    let e = only_error(
        &with(QIMEN, "/request/order/orderCode", json!(long)),
        "/request/order/orderCode",
        "max_length",
    );
    assert_eq!(
        (e.params["max"].as_u64(), e.params["actual"].as_u64()),
        (Some(50), Some(51))
    );
    clean(&with(
        QIMEN,
        "/request/order/orderCode",
        json!("退".repeat(50)),
    ));
}

#[test]
fn enums_strict_partial_and_suggested() {
    let e = only_error(
        &with(STATION, "/station_async_request/status", json!(3)),
        "/station_async_request/status",
        "enum",
    );
    assert_eq!(e.params["allowed"], json!(["1", "2"]));
    clean(&with(STATION, "/station_async_request/status", json!(2)));
    // action_code is only partly documented: an unknown code is a warning.
    only_warning(
        &with(LOCKER, "/track_info/action_code", json!("SOMETHING_NEW")),
        "/track_info/action_code",
        "enum",
    );
    // The seed's own misspelling `PACKAGE _FINISH` is an error with the fix.
    let e = only_error(
        &with(
            WHC,
            "/callback_order/status_change_type",
            json!("PACKAGE _FINISH"),
        ),
        "/callback_order/status_change_type",
        "enum",
    );
    assert_eq!(e.params["suggestion"], "PACKAGE_FINISH");
    clean(&with(
        WHC,
        "/callback_order/status_change_type",
        json!("PACKAGE_FINISH"),
    ));
}

#[test]
fn epoch_millis_seconds_digits_and_plausibility() {
    let e = only_error(
        &with(LOCKER, "/track_info/action_time", json!(14424776121u64)),
        "/track_info/action_time",
        "format",
    );
    assert_eq!(e.params["format"], "epoch_millis");
    let e = only_error(
        &with(LOCKER, "/track_info/action_time", json!(NOW_MS / 1000)),
        "/track_info/action_time",
        "format",
    );
    assert!(e.message.contains("seconds"), "{}", e.message);
    only_warning(
        &with(
            LOCKER,
            "/track_info/action_time",
            json!(NOW_MS - 40 * 86_400_000),
        ),
        "/track_info/action_time",
        "time_range",
    );
    only_warning(
        &with(
            LOCKER,
            "/track_info/action_time",
            json!(NOW_MS + 2 * 86_400_000),
        ),
        "/track_info/action_time",
        "time_range",
    );
    clean(&with(
        LOCKER,
        "/track_info/action_time",
        json!(NOW_MS - 86_400_000),
    ));
}

#[test]
fn datetimes_are_real() {
    for bad in [
        "2017-02-29 10:00:00",
        "2017-04-26 24:00:00",
        "2017/04/26 19:17:55",
        "2017-04-26",
    ] {
        only_error(
            &with(WHC, "/callback_order/status_change_time", json!(bad)),
            "/callback_order/status_change_time",
            "format",
        );
    }
    clean(&with(
        WHC,
        "/callback_order/status_change_time",
        json!("2016-02-29 23:59:59"),
    ));
    only_error(
        &with(
            QIMEN,
            "/request/packages/package/0/signTime",
            json!("2017-4-26 9:17:55"),
        ),
        "/request/packages/package/0/signTime",
        "format",
    );
}

#[test]
fn coordinates() {
    let p = "/station_async_request/address/latitude";
    let e = only_error(&with(STATION, p, json!("113.475732")), p, "range");
    assert_eq!(e.params["max"], json!(90.0));
    only_error(&with(STATION, p, json!("30.28")), p, "format");
    clean(&with(STATION, p, json!("-30.12345678901234")));
    let p = "/station_async_request/address/longitude";
    only_error(&with(STATION, p, json!("190.000001")), p, "range");
    clean(&with(STATION, p, json!("179.999999")));
}

#[test]
fn decimals_quantities_and_pickup_codes() {
    let w = "/request/packages/package/0/weight";
    only_error(&with(QIMEN, w, json!("1.2345")), w, "format");
    only_error(&with(QIMEN, w, json!("1234567890123456.1")), w, "format");
    clean(&with(QIMEN, w, json!("123456789012345.123")));
    let q = "/request/packages/package/0/items/item/0/quantity";
    only_error(&with(QIMEN, q, json!("-1")), q, "format");
    only_error(&with(QIMEN, q, json!("1.5")), q, "format");
    clean(&with(QIMEN, q, json!("3")));
    let q = "/callback_order/callback_units/0/callback_contents/0/actual_sale_quantity";
    only_error(&with(WHC, q, json!("一")), q, "format");
    let c = "/callback_order/callback_units/0/callback_contents/0/same_town_packages/0/pickup_code";
    only_error(&with(WHC, c, json!("34323")), c, "format");
    only_error(&with(WHC, c, json!("34323a")), c, "format");
    clean(&with(WHC, c, json!("012345")));
}

#[test]
fn phone_numbers() {
    let p = "/track_info/getter_phone";
    for ok in [
        "13200010001",
        "138****1234",
        "13800138000-1234",
        "0571-88389760",
        "400-820-8820",
    ] {
        clean(&with(LOCKER, p, json!(ok)));
    }
    only_error(&with(LOCKER, p, json!("1320001000")), p, "format");
    let m = "/station_async_request/contact/contact_mobile";
    only_error(&with(STATION, m, json!("0571-88389760")), m, "format");
    let t = "/station_async_request/contact/contact_tel";
    only_warning(&with(STATION, t, json!("8838976")), t, "format");
    clean(&with(STATION, t, json!("0571-88389760")));
}

#[test]
fn carrier_codes_not_names() {
    let p = "/request/packages/package/0/logisticsCode";
    let e = only_error(&with(QIMEN, p, json!("顺丰")), p, "format");
    assert_eq!(e.params["suggestion"], "SF");
    only_error(&with(QIMEN, p, json!("XYZ")), p, "enum");
    let e = only_error(&with(QIMEN, p, json!("zto")), p, "enum");
    assert_eq!(e.params["suggestion"], "ZTO");
    clean(&with(QIMEN, p, json!("YUNDA")));
    let p = "/general_logistics_data_write_request/cp_code";
    only_error(&with(WRITE, p, json!("中通快递")), p, "format");
}

#[test]
fn json_in_a_string() {
    let p = "/track_info/extra";
    only_error(&with(LOCKER, p, json!("{auth_code: 1}")), p, "json");
    let e = only_error(&with(LOCKER, p, json!("1")), p, "type");
    assert_eq!(e.params["expected"], "json_object");
    // Values must be strings where the document says so.
    only_error(
        &with(LOCKER, "/track_info/extra/shelf_id", json!(12)),
        "/track_info/extra/shelf_id",
        "type",
    );
    // Known keys are checked, the path continues into the string.
    only_error(
        &with(
            WRITE,
            "/general_logistics_data_write_request/extend_param/isSupportDeliveryHome",
            json!("yes"),
        ),
        "/general_logistics_data_write_request/extend_param/isSupportDeliveryHome",
        "enum",
    );
    // An unknown key is a warning, with the likely intended one.
    let w = only_warning(
        &with(LOCKER, "/track_info/extra/authCode", json!("xj3c")),
        "/track_info/extra/authCode",
        "unknown_field",
    );
    assert_eq!(w.params["suggestion"], "auth_code");
    let w = only_warning(
        &with(LOCKER, "/track_info/extra/color", json!("red")),
        "/track_info/extra/color",
        "unknown_field",
    );
    assert_eq!(w.params["suggestion"], Value::Null);
    let w = only_warning(
        &with(LOCKER, "/track_info/extra/shelf_idd", json!("1")),
        "/track_info/extra/shelf_idd",
        "unknown_field",
    );
    assert_eq!(w.params["suggestion"], "shelf_id");
    // A JSON string given as an object is a type error.
    only_error(&with(LOCKER, p, json!({"auth_code": "1"})), p, "type");
}

#[test]
fn at_least_one_phone_or_openid() {
    let mut p = sample(WRITE);
    set(
        &mut p,
        "/general_logistics_data_write_request/receiver_phone",
        None,
    );
    set(&mut p, "/general_logistics_data_write_request/openid", None);
    let e = only_error(
        &check(WRITE, &p),
        "/general_logistics_data_write_request",
        "at_least_one",
    );
    assert_eq!(e.params["fields"], json!(["receiver_phone", "openid"]));
    // A placeholder openid does not count.
    set(
        &mut p,
        "/general_logistics_data_write_request/openid",
        Some(json!("0")),
    );
    let r = check(WRITE, &p);
    assert_eq!(r.errors.len(), 1, "{r:#?}");
    assert_eq!(r.warnings[0].code, "placeholder");
    clean(&without(
        WRITE,
        "/general_logistics_data_write_request/receiver_phone",
    ));
}

#[test]
fn scene_requires_its_key() {
    let mut p = sample(WRITE);
    set(
        &mut p,
        "/general_logistics_data_write_request/scene",
        Some(json!("SIGN_PIC")),
    );
    set(
        &mut p,
        "/general_logistics_data_write_request/extend_param",
        Some(json!("{\"isSupportDeliveryHome\":\"1\"}")),
    );
    only_error(
        &check(WRITE, &p),
        "/general_logistics_data_write_request/extend_param/hasSignPic",
        "requires",
    );
    set(
        &mut p,
        "/general_logistics_data_write_request/extend_param",
        Some(json!("{\"hasSignPic\":\"1\"}")),
    );
    clean(&check(WRITE, &p));
}

#[test]
fn misplaced_service_type() {
    let mut p = sample(STATION);
    set(&mut p, "/station_async_request/service_type", None);
    set(
        &mut p,
        "/station_async_request/address/service_type",
        Some(json!("1")),
    );
    let r = check(STATION, &p);
    let got: Vec<_> = r.errors.iter().map(|e| (e.path.as_str(), e.code)).collect();
    assert_eq!(
        got,
        [
            ("/station_async_request/address/service_type", "misplaced"),
            ("/station_async_request/service_type", "required")
        ]
    );
    assert_eq!(
        r.errors[0].params["expected"],
        "/station_async_request/service_type"
    );
}

#[test]
fn placeholders_warn() {
    only_warning(
        &with(
            WRITE,
            "/general_logistics_data_write_request/openid",
            json!("0"),
        ),
        "/general_logistics_data_write_request/openid",
        "placeholder",
    );
    clean(&with(
        WRITE,
        "/general_logistics_data_write_request/openid",
        json!("AAHk5d-3ANyoZ6sYBRkxYxxx"),
    ));
}

#[test]
fn unknown_and_duplicate_fields() {
    let e = only_error(
        &with(
            WRITE,
            "/general_logistics_data_write_request/recevier_phone",
            json!("13800138000"),
        ),
        "/general_logistics_data_write_request/recevier_phone",
        "unknown_field",
    );
    assert_eq!(e.params["suggestion"], "receiver_phone");
    let api = top_logistics::api(STATION).unwrap();
    let mut text = sample(STATION).to_string();
    text = text.replacen(
        "\"station_code\":\"test112233\"",
        "\"station_code\":\"a\",\"station_code\":\"b\"",
        1,
    );
    let r = validate_json(api, &text, &opts());
    only_error(&r, "/station_async_request/station_code", "duplicate_key");
}

#[test]
fn lists_aliases_and_single_objects() {
    let mut p = sample(QIMEN);
    // The seed's generator name `packageValue`, and one object instead of a list.
    let pkg = p["request"]["packages"]["package"][0].clone();
    p["request"]["packages"] = json!({ "packageValue": pkg });
    clean(&check(QIMEN, &p));
    p["request"]["packages"]["packageValue"]["weight"] = json!("x");
    only_error(
        &check(QIMEN, &p),
        "/request/packages/packageValue/weight",
        "format",
    );
    // A list of scalars inside a JSON string.
    only_error(
        &with(
            WHC,
            "/callback_order/status_change_type",
            json!(["START_PICK"]),
        ),
        "/callback_order/status_change_type",
        "type",
    );
}

#[test]
fn pointers_escape_special_characters() {
    let mut p = sample(STATION);
    p["station_async_request"]["a~b/c"] = json!(1);
    only_error(
        &check(STATION, &p),
        "/station_async_request/a~0b~1c",
        "unknown_field",
    );
}

#[test]
fn limits_before_expensive_work() {
    let api = top_logistics::api(STATION).unwrap();
    let small = Options {
        limits: Limits {
            max_bytes: 100,
            ..Limits::default()
        },
        ..opts()
    };
    let r = validate_json(api, &sample(STATION).to_string(), &small);
    only_error(&r, "", "too_large");
    // A string past the limit: one error, its content never parsed.
    let huge = "{".repeat(70_000);
    only_error(
        &with(LOCKER, "/track_info/extra", json!(huge)),
        "/track_info/extra",
        "too_long",
    );
    only_error(
        &with(
            STATION,
            "/station_async_request/station_name",
            json!("测".repeat(30_000)),
        ),
        "/station_async_request/station_name",
        "too_long",
    );
    clean(&with(
        STATION,
        "/station_async_request/station_name",
        json!("测".repeat(20_000)),
    ));
    // Objects nested past the depth limit: one error there, no deeper walk.
    let shallow = Options {
        limits: Limits {
            max_depth: 2,
            ..Limits::default()
        },
        ..opts()
    };
    let r = validate_json(api, &sample(STATION).to_string(), &shallow);
    let deep: Vec<_> = r.errors.iter().map(|e| (e.path.as_str(), e.code)).collect();
    assert_eq!(
        deep,
        [
            ("/station_async_request/address", "too_deep"),
            ("/station_async_request/contact", "too_deep")
        ]
    );
    // Lists nested past serde_json's own limit: a JSON error, not a crash.
    let r = validate_json(
        api,
        &format!(
            "{{\"station_async_request\":{}{}}}",
            "[".repeat(200),
            "]".repeat(200)
        ),
        &opts(),
    );
    assert!(!r.ok);
    let mut p = sample(QIMEN);
    let pkg = p["request"]["packages"]["package"][0].clone();
    p["request"]["packages"]["package"] = Value::Array(vec![pkg; 1001]);
    let r = check(QIMEN, &p);
    only_error(&r, "/request/packages/package", "too_many_items");
}

#[test]
fn not_an_object_or_not_json() {
    let api = top_logistics::api(STATION).unwrap();
    only_error(&validate_json(api, "[1,2]", &opts()), "", "type");
    only_error(
        &validate_json(api, "{\"station_async_request\": {", &opts()),
        "",
        "json",
    );
    only_error(&validate_json(api, "", &opts()), "", "json");
    let r = validate_json(api, "{} trailing", &opts());
    assert!(r.errors.iter().any(|e| e.code == "json"), "{r:#?}");
}

#[test]
fn control_characters_in_a_qimen_xml_body() {
    // Dropped from the XML: a warning; nothing left of a required value: missing.
    only_warning(
        &with(QIMEN, "/request/order/orderCode", json!("R\u{1}1")),
        "/request/order/orderCode",
        "xml_chars",
    );
    let r = with(QIMEN, "/request/order/orderCode", json!("\u{1}\u{2}"));
    assert_eq!(
        r.warnings.iter().map(|w| w.code).collect::<Vec<_>>(),
        ["xml_chars"]
    );
    only_error(
        &Report {
            warnings: vec![],
            ..r
        },
        "/request/order/orderCode",
        "required",
    );
    // TOP sends JSON, which carries them.
    clean(&with(
        STATION,
        "/station_async_request/station_name",
        json!("站\u{1}"),
    ));
}
