//! The wasm tests that run both under Node (`tests/wasm_node.rs`) and in a
//! headless browser (`tests/wasm_browser.rs`): each calls the exports of
//! `src/wasm.rs` and checks what JavaScript receives.

use js_sys::{Array, Reflect};
use top_logistics::wasm;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or_else(|_| panic!("no property {key}"))
}

fn string(value: &JsValue, key: &str) -> String {
    get(value, key)
        .as_string()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}

#[wasm_bindgen_test]
fn apis_lists_every_api_as_plain_objects() {
    let list: Array = wasm::apis()
        .expect("apis() threw")
        .dyn_into()
        .expect("apis() is not an array");
    let core = top_logistics::apis();
    assert!(list.length() >= 1);
    assert_eq!(list.length() as usize, core.len());
    for (item, api) in list.iter().zip(core) {
        assert_eq!(string(&item, "name"), api.name);
        let protocol = string(&item, "protocol");
        assert!(
            protocol == "top" || protocol == "qimen",
            "protocol {protocol}"
        );
        let title = get(&item, "title");
        assert_eq!(string(&title, "zh"), api.title.zh);
        assert_eq!(string(&title, "en"), api.title.en);
        let params: Array = get(&item, "params")
            .dyn_into()
            .expect("params is not an array");
        assert_eq!(params.length() as usize, api.params.len());
        assert!(params.iter().all(|p| p.is_string()));
        // json_compatible: a plain object, not a Map
        assert!(!item.is_instance_of::<js_sys::Map>());
    }
}

#[wasm_bindgen_test]
fn errors_are_real_js_errors_with_their_data_as_properties() {
    let data =
        serde_json::json!({ "code": "invalid", "issues": [{ "path": "/a" }, { "path": "/b" }] });
    let error = wasm::js_error("TopLogisticsError", "2 problems", &data);
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(string(&error, "name"), "TopLogisticsError");
    assert_eq!(string(&error, "message"), "2 problems");
    assert_eq!(string(&error, "code"), "invalid");
    let issues: Array = get(&error, "issues")
        .dyn_into()
        .expect("issues is not an array");
    assert_eq!(issues.length(), 2);
    assert_eq!(string(&issues.get(1), "path"), "/b");
    assert!(get(&error, "stack").is_string());

    let error = wasm::js_error("TopLogisticsError", "not an object", &"detail");
    assert_eq!(string(&error, "data"), "detail");
}

#[wasm_bindgen_test]
fn a_wrong_argument_is_a_type_error_that_names_it() {
    let error =
        wasm::from_js::<u32>(JsValue::from_str("seven"), "limit").expect_err("a string is no u32");
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(string(&error, "name"), "TypeError");
    assert_eq!(string(&error, "code"), "bad_argument");
    assert_eq!(string(&error, "argument"), "limit");
    assert!(string(&error, "message").starts_with("limit: "));
    assert_eq!(
        wasm::from_js::<u32>(JsValue::from_f64(7.0), "limit").ok(),
        Some(7)
    );
}

/// A JS value from JSON text, as `JSON.parse` gives it.
fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

/// Both sides through JSON.stringify, so numbers are written alike.
fn same(got: &JsValue, native: &impl serde::Serialize, what: &str) {
    let native = js(&serde_json::to_string(native).unwrap());
    let (got, want) = (
        js_sys::JSON::stringify(got).unwrap(),
        js_sys::JSON::stringify(&native).unwrap(),
    );
    assert_eq!(String::from(got), String::from(want), "{what}");
}

const NOW_MS: i64 = 1_795_320_000_000;

#[wasm_bindgen_test]
fn every_export_gives_the_core_answer_for_every_api() {
    use top_logistics::{describe, request, response, sample, validate};
    let vopts = validate::Options {
        now_ms: NOW_MS,
        ..validate::Options::default()
    };
    let options = js(&format!(r#"{{"now": {NOW_MS}}}"#));
    for api in top_logistics::apis() {
        let valid = sample::sample(api, NOW_MS);
        let valid_js = js(&valid.to_string());
        same(
            &wasm::describe(JsValue::from_str(api.name)).unwrap(),
            &describe::describe(api),
            "describe",
        );
        same(
            &wasm::json_schema(JsValue::from_str(api.name)).unwrap(),
            &describe::json_schema(api),
            "jsonSchema",
        );
        same(
            &wasm::validate(
                JsValue::from_str(api.name),
                valid_js.clone(),
                options.clone(),
            )
            .unwrap(),
            &validate::validate_value(api, &valid, &vopts),
            "validate object",
        );
        let example = JsValue::from_str(api.example);
        same(
            &wasm::validate(JsValue::from_str(api.name), example, options.clone()).unwrap(),
            &validate::validate_json(api, api.example, &vopts),
            "validate text",
        );

        let build_options = js(&format!(
            r#"{{"appKey":"k","appSecret":"s","timestamp":{NOW_MS},"customerId":"C1"}}"#
        ));
        let built =
            wasm::build_request(JsValue::from_str(api.name), valid_js, build_options).unwrap();
        let opts = request::BuildOptions {
            app_key: "k".into(),
            app_secret: request::Secret::new("s"),
            timestamp: Some(request::Timestamp::Millis(NOW_MS as f64)),
            customer_id: Some("C1".into()),
            ..request::BuildOptions::default()
        };
        let native = request::build_request(api, &valid, &opts).unwrap();
        same(&built, &native, "buildRequest");
        same(
            &wasm::parse_request(
                JsValue::from_str(api.name),
                JsValue::from_str(&native.body),
                options.clone(),
            )
            .unwrap(),
            &request::parse_request(api, &native.body, None, &vopts),
            "parseRequest",
        );
        same(
            &wasm::parse_response(
                JsValue::from_str(api.name),
                JsValue::from_str(api.response.example_xml),
                JsValue::UNDEFINED,
            )
            .unwrap(),
            &response::parse_response(api, api.response.example_xml, None),
            "parseResponse",
        );
        let answer = serde_json::json!({ "flag": "success", "code": "0", "message": "ok" });
        if api.protocol == top_logistics::Protocol::Qimen {
            let built = wasm::build_response(
                JsValue::from_str(api.name),
                js(&answer.to_string()),
                JsValue::UNDEFINED,
            )
            .unwrap();
            assert_eq!(
                built,
                response::build_response(api, &answer, top_logistics::spec::WireFormat::Xml)
                    .unwrap()
            );
        }
    }
    let params = js(
        r#"{"method":"taobao.item.seller.get","app_key":"12345678","session":"test","timestamp":"2016-01-01 12:00:00","format":"json","v":"2.0","sign_method":"md5","fields":"num_iid,title,nick,price,num","num_iid":"11223344"}"#,
    );
    assert_eq!(
        wasm::sign(
            params.clone(),
            JsValue::from_str("helloworld"),
            JsValue::from_str("md5"),
            JsValue::UNDEFINED
        )
        .unwrap(),
        "66987CB115214E59E6EC978214934FB8"
    );
    let args = js(
        r#"{"query":{"a":"1","sign":"7B9E1BA2A4E3C3C1F6B0A0C2B2E2D2C2"},"secret":"helloworld"}"#,
    );
    assert!(!wasm::verify_signature(args).unwrap());
}

#[wasm_bindgen_test]
fn arguments_of_the_wrong_type_are_type_errors_not_traps() {
    for bad in [
        JsValue::from_f64(42.0),
        JsValue::UNDEFINED,
        JsValue::NULL,
        js("{}"),
    ] {
        let e = wasm::describe(bad.clone()).expect_err("not a string");
        assert_eq!(string(&e, "name"), "TypeError");
        assert_eq!(string(&e, "code"), "bad_argument");
        let api = JsValue::from_str("taobao.logistics.station.tms.async");
        assert!(wasm::parse_response(api.clone(), bad.clone(), JsValue::UNDEFINED).is_err());
        assert!(wasm::sign(
            js("{}"),
            bad.clone(),
            JsValue::from_str("md5"),
            JsValue::UNDEFINED
        )
        .is_err());
    }
    // The module still answers.
    assert!(wasm::apis().is_ok());
}
