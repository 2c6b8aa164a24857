//! The WebAssembly binding: the only module that knows about JavaScript.
//!
//! Every export has the same shape: convert the arguments with [`from_js`],
//! call the core, convert the result with [`to_js`]; failures become a real
//! JS `Error` built by [`js_error`]. No logic lives here. The TypeScript type
//! of a `JsValue` result is given with `unchecked_return_type` (the named
//! types come from the core's `tsify::Tsify` derives), so the generated
//! `.d.ts` stays typed.
//!
//! `pkg/index.js` and `pkg/index.cjs` re-export every export of this module
//! (scripts/pkg.sh reads the list from the wasm-bindgen output), so adding a
//! function here is all it takes to publish it.

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Every API this library knows: method name, protocol (`top` or `qimen`),
/// title in Chinese and English, and the top-level request parameters.
#[wasm_bindgen(unchecked_return_type = "ApiInfo[]")]
pub fn apis() -> Result<JsValue, JsValue> {
    to_js(&crate::describe::api_list())
}

// --- conversions ------------------------------------------------------------

/// A Rust value as a plain JS value, the way `JSON.parse` would give it:
/// maps become objects, `None` becomes `null`.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            js_error(
                "TopLogisticsError",
                &format!("cannot convert the result: {e}"),
                &Code { code: "internal" },
            )
        })
}

/// A JS argument as a Rust value; a `TypeError` with `code: "bad_argument"`
/// and `argument: what` when it has the wrong shape.
pub fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        #[derive(Serialize)]
        struct BadArgument<'a> {
            code: &'a str,
            argument: &'a str,
        }
        js_error(
            "TypeError",
            &format!("{what}: {e}"),
            &BadArgument {
                code: "bad_argument",
                argument: what,
            },
        )
    })
}

#[derive(Serialize)]
struct Code<'a> {
    code: &'a str,
}

/// A real JS `Error` (`instanceof Error`, with a stack) named `name`, whose
/// own enumerable properties are those of `data` serialised like any result,
/// e.g. `{ code: "invalid", issues: [...] }`. Never throw a bare string.
/// A `data` that is not an object is attached as `error.data`.
pub fn js_error<D: Serialize + ?Sized>(name: &str, message: &str, data: &D) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    let data = data
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED);
    if data.is_object() && !js_sys::Array::is_array(&data) {
        for key in js_sys::Object::keys(data.unchecked_ref()).iter() {
            if let Ok(value) = js_sys::Reflect::get(&data, &key) {
                let _ = js_sys::Reflect::set(&error, &key, &value);
            }
        }
    } else if !data.is_undefined() && !data.is_null() {
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str("data"), &data);
    }
    error.into()
}
