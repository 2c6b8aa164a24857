//! The wasm build under Node: `wasm-pack test --node -- --test wasm_node`.
#![cfg(target_arch = "wasm32")]

mod wasm_shared;

use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn runs_under_node() {
    let process = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("process")).unwrap();
    assert!(process.is_object(), "no `process`: not Node");
}
