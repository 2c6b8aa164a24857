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
