//! The wasm build in headless Chromium:
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --test wasm_browser`
//! (Chrome's flags are in `webdriver.json`).
#![cfg(target_arch = "wasm32")]

mod wasm_shared;

use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn runs_in_a_browser_page() {
    let document = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("document")).unwrap();
    assert!(document.is_object(), "no `document`: not a browser page");
}
