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

use crate::request::{BodyFormat, BuildOptions};
use crate::spec::{Api, WireFormat};
use crate::validate::Limits;
use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/payloads_ts.rs"));

/// Every API this library knows: method name, protocol (`top` or `qimen`),
/// title in Chinese and English, and the top-level request parameters.
#[wasm_bindgen(unchecked_return_type = "ApiInfo[]")]
pub fn apis() -> Result<JsValue, JsValue> {
    to_js(&crate::describe::api_list())
}

/// The field tree of an API, for building forms.
#[wasm_bindgen(unchecked_return_type = "Description")]
pub fn describe(
    #[wasm_bindgen(unchecked_param_type = "ApiName")] api: JsValue,
) -> Result<JsValue, JsValue> {
    to_js(&crate::describe::describe(find_api(&api)?))
}

/// JSON Schema 2020-12 of an API's payload.
#[wasm_bindgen(js_name = jsonSchema, unchecked_return_type = "Record<string, unknown>")]
pub fn json_schema(
    #[wasm_bindgen(unchecked_param_type = "ApiName")] api: JsValue,
) -> Result<JsValue, JsValue> {
    to_js(&crate::describe::json_schema(find_api(&api)?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Now {
    now: Option<f64>,
}

/// A complete, valid payload built from each field's example (epoch
/// milliseconds set to `now`): what forms and tests start from.
#[wasm_bindgen(unchecked_return_type = "Payloads[ApiName]")]
pub fn sample(
    #[wasm_bindgen(unchecked_param_type = "ApiName")] api: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ now?: number }")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let api = find_api(&api)?;
    let o: Now = optional(options, "options")?;
    let now = validate_options(o.now).now_ms;
    to_js(&crate::sample::sample(api, now))
}

#[derive(Default)]
struct ValidateOptions {
    /// Epoch milliseconds the time checks compare with (default now).
    now: Option<f64>,
    limits: Option<Limits>,
}

#[wasm_bindgen]
extern "C" {
    /// `validate`'s options read property by property: the common `{ now }`
    /// then costs two property reads instead of a JSON round trip.
    type ValidateOptionsObject;
    #[wasm_bindgen(method, getter, catch)]
    fn now(this: &ValidateOptionsObject) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn limits(this: &ValidateOptionsObject) -> Result<JsValue, JsValue>;
}

/// The usual cases are tested first: each test is a call into JavaScript.
fn validate_options_of(options: &JsValue) -> Result<ValidateOptions, JsValue> {
    let bad = || bad_argument("options", "options: expected an object { now?, limits? }");
    if !options.is_object() {
        if options.is_undefined() || options.is_null() {
            return Ok(ValidateOptions::default());
        }
        return Err(bad());
    }
    if js_sys::Array::is_array(options) {
        return Err(bad());
    }
    let object: &ValidateOptionsObject = options.unchecked_ref();
    let now = object.now().map_err(|_| bad())?;
    let now = match now.as_f64() {
        Some(ms) => Some(ms),
        None if now.is_undefined() || now.is_null() => None,
        None => {
            return Err(bad_argument(
                "options",
                "options.now: expected epoch milliseconds",
            ))
        }
    };
    let limits = object.limits().map_err(|_| bad())?;
    let limits = if limits.is_undefined() || limits.is_null() {
        None
    } else {
        Some(from_js(limits, "options.limits")?)
    };
    Ok(ValidateOptions { now, limits })
}

/// Every problem of a payload (an object or JSON text) at once.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "ApiName")] api: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Payloads[ApiName] | string")] payload: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ now?: number; limits?: Partial<Limits> }")]
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let api = find_api(&api)?;
    let o = validate_options_of(&options)?;
    let mut opts = validate_options(o.now);
    if let Some(limits) = o.limits {
        opts.limits = limits;
    }
    let text = payload_text(&payload)?;
    to_js(&crate::validate::validate_json(api, &text, &opts))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct LinesOptions {
    /// Each line is this API's payload; without it, `{"api", "payload"}`.
    api: Option<String>,
    first_line: Option<usize>,
    max_failures: Option<usize>,
    now: Option<f64>,
}

/// Many NDJSON lines in one call (a batch pays the crossing once per chunk):
/// counts, errors per code and the first failing lines. The lines may be
/// UTF-8 bytes as read from a file or socket (invalid sequences become
/// U+FFFD, as `Buffer.toString` would make them).
#[wasm_bindgen(js_name = validateLines, unchecked_return_type = "Batch")]
pub fn validate_lines(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "{ api?: ApiName; firstLine?: number; maxFailures?: number; now?: number }"
    )]
    options: JsValue,
) -> Result<JsValue, JsValue> {
    // Bytes cross with one memory copy; a string is encoded on the way.
    let text = match text.dyn_ref::<js_sys::Uint8Array>() {
        Some(bytes) => match String::from_utf8(bytes.to_vec()) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        },
        None => text_arg(&text, "text")?,
    };
    let o: LinesOptions = optional(options, "options")?;
    let api = match &o.api {
        Some(name) => Some(find_api(&JsValue::from_str(name))?),
        None => None,
    };
    let opts = validate_options(o.now);
    let batch = crate::validate::validate_lines(
        &text,
        api,
        o.first_line.unwrap_or(1),
        o.max_failures.unwrap_or(20),
        &opts,
    );
    to_js(&batch)
}

/// Validates, serialises and signs a call: `{ url, method, headers, query, body, sign }`.
/// Throws an `Error` with `code` (`invalid_payload` with `report`, or `invalid_option`).
#[wasm_bindgen(js_name = buildRequest, unchecked_return_type = "BuiltRequest")]
pub fn build_request(
    #[wasm_bindgen(unchecked_param_type = "ApiName")] api: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Payloads[ApiName] | string")] payload: JsValue,
    #[wasm_bindgen(unchecked_param_type = "BuildOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let api = find_api(&api)?;
    // Validated and serialised from the text, no Value.
    let text = payload_text(&payload)?;
    let options = dates_to_millis(options, "timestamp");
    let opts: BuildOptions = from_js(options, "options")?;
    match crate::request::build_request_json(api, &text, &opts) {
        Ok(req) => to_js(&req),
        // Text that is not JSON is a wrong argument, as for any other export.
        Err(e) => match &e.not_json {
            Some(detail) => Err(bad_argument("payload", &format!("payload: {detail}"))),
            None => Err(js_error("TopLogisticsError", &e.message, &e)),
        },
    }
}

/// The signature of a parameter set (and a Qimen body), upper-case hex.
#[wasm_bindgen]
pub fn sign(
    #[wasm_bindgen(unchecked_param_type = "Record<string, string | number | boolean>")]
    params: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] secret: JsValue,
    #[wasm_bindgen(js_name = signMethod, unchecked_param_type = "\"md5\" | \"hmac\" | \"hmac-sha256\"")]
    sign_method: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | undefined")] body: JsValue,
) -> Result<String, JsValue> {
    let params = param_pairs(params, "params")?;
    let secret = string_arg(&secret, "secret")?;
    let body = optional_string(&body, "body")?;
    let sign_method = string_arg(&sign_method, "signMethod")?;
    let method = crate::sign::SignMethod::parse(&sign_method).ok_or_else(|| {
        bad_argument(
            "signMethod",
            &format!("signMethod: `{sign_method}` is not md5, hmac or hmac-sha256"),
        )
    })?;
    Ok(crate::sign::sign(params, &secret, method, body.as_deref()))
}

#[derive(Deserialize)]
struct VerifyArgs {
    query: serde_json::Value,
    body: Option<String>,
    secret: String,
}

/// Whether a received request's `sign` is right (constant-time comparison).
#[wasm_bindgen(js_name = verifySignature)]
pub fn verify_signature(
    #[wasm_bindgen(
        unchecked_param_type = "{ query: Record<string, string> | string; body?: string; secret: string }"
    )]
    args: JsValue,
) -> Result<bool, JsValue> {
    let args: VerifyArgs = from_js(args, "args")?;
    let query = match args.query {
        serde_json::Value::String(q) => {
            form_urlencoded::parse(q.trim_start_matches('?').as_bytes())
                .into_owned()
                .collect()
        }
        other => param_pairs(to_js(&other)?, "query")?,
    };
    Ok(crate::sign::verify_signature(
        query,
        args.body.as_deref(),
        &args.secret,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RequestFormat {
    format: Option<BodyFormat>,
    now: Option<f64>,
}

/// An incoming body (XML, JSON or a TOP form) back into the payload, with its report.
#[wasm_bindgen(js_name = parseRequest, unchecked_return_type = "ParsedRequest")]
pub fn parse_request(
    #[wasm_bindgen(unchecked_param_type = "ApiName")] api: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] body: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "{ format?: \"xml\" | \"json\" | \"form\"; now?: number }"
    )]
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let api = find_api(&api)?;
    let o: RequestFormat = optional(options, "options")?;
    let opts = validate_options(o.now);
    let body = text_arg(&body, "body")?;
    to_js(&crate::request::parse_request(api, &body, o.format, &opts))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResponseFormat {
    format: Option<WireFormat>,
}

/// The answer a server writes: Qimen `{ flag, code, message }`, a TOP
/// `{ error: {...} }`, or TOP response data in its envelope.
#[wasm_bindgen(js_name = buildResponse)]
pub fn build_response(
    #[wasm_bindgen(unchecked_param_type = "ApiName")] api: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ format?: \"json\" | \"xml\" }")] options: JsValue,
) -> Result<String, JsValue> {
    let api = find_api(&api)?;
    let value: serde_json::Value = from_js(value, "value")?;
    let o: ResponseFormat = optional(options, "options")?;
    let format = o.format.unwrap_or(match api.protocol {
        crate::Protocol::Qimen => WireFormat::Xml,
        crate::Protocol::Top => WireFormat::Json,
    });
    crate::response::build_response(api, &value, format)
        .map_err(|e| js_error("TopLogisticsError", &e.message, &e))
}

/// A response body into `{ ok: true, data, requestId }` or `{ ok: false, error }`.
#[wasm_bindgen(js_name = parseResponse, unchecked_return_type = "ParsedResponse")]
pub fn parse_response(
    #[wasm_bindgen(unchecked_param_type = "ApiName")] api: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ format?: \"json\" | \"xml\" }")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let api = find_api(&api)?;
    let o: ResponseFormat = optional(options, "options")?;
    let text = text_arg(&text, "text")?;
    to_js(&crate::response::parse_response(api, &text, o.format))
}

/// A string argument. Every string parameter is taken as a `JsValue` and
/// checked here: wasm-bindgen's `&str` glue does not check the type, and a
/// number passed where a string is expected corrupts memory (a trap).
fn string_arg(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| bad_argument(what, &format!("{what}: expected a string")))
}

/// A string argument that is usually long (a payload, a body): copied with
/// [`text_of`].
fn text_arg(value: &JsValue, what: &str) -> Result<String, JsValue> {
    text_of(value).ok_or_else(|| bad_argument(what, &format!("{what}: expected a string")))
}

#[wasm_bindgen]
extern "C" {
    /// The engine's UTF-8 encoder; lone surrogates become U+FFFD, so what
    /// it writes is always valid UTF-8.
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, text: &JsValue, into: &js_sys::Uint8Array) -> Written;
    type Written;
    #[wasm_bindgen(method, getter)]
    fn written(this: &Written) -> usize;
}

thread_local! {
    static UTF8: TextEncoder = TextEncoder::new();
}

/// A JS string's text, `None` for anything else. wasm-bindgen's own copy
/// (`as_string`) writes ASCII one character at a time in JavaScript, which is
/// fastest for short strings; a payload-sized one is copied by the engine's
/// encoder instead (about 0.6 µs less for 400 characters).
fn text_of(value: &JsValue) -> Option<String> {
    let text: &js_sys::JsString = value.dyn_ref()?;
    let units = text.length() as usize;
    // A UTF-16 unit never takes more than 3 bytes of UTF-8.
    let mut bytes = Vec::<u8>::new();
    if units < 128 || bytes.try_reserve_exact(units * 3).is_err() {
        return value.as_string();
    }
    // SAFETY: the view covers the vector's spare capacity and is gone before
    // the vector is touched again; nothing in between allocates in wasm
    // memory (which could grow it and detach the view).
    let written = unsafe {
        let view = js_sys::Uint8Array::view_mut_raw(bytes.as_mut_ptr(), bytes.capacity());
        UTF8.with(|utf8| utf8.encode_into(value, &view).written())
    };
    // SAFETY: encodeInto initialised `written` bytes, never more than the view.
    unsafe { bytes.set_len(written.min(bytes.capacity())) };
    String::from_utf8(bytes).ok()
}

/// An optional string argument: `undefined` and `null` are `None`.
fn optional_string(value: &JsValue, what: &str) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    string_arg(value, what).map(Some)
}

/// Validation options at `now` (epoch milliseconds; default the clock).
fn validate_options(now: Option<f64>) -> crate::validate::Options {
    crate::validate::Options {
        // The clock is a call into JavaScript: only when `now` is not given.
        now_ms: now.map_or_else(crate::time::now_ms, |now| now as i64),
        limits: Limits::default(),
        messages: true,
    }
}

thread_local! {
    /// The API named last, and its name as a JS string: the usual call names
    /// the same API as the one before, and `===` on the name costs one call
    /// into JavaScript where copying the name into wasm costs several.
    static LAST_API: std::cell::RefCell<Option<(JsValue, &'static Api)>> =
        const { std::cell::RefCell::new(None) };
}

fn find_api(name: &JsValue) -> Result<&'static Api, JsValue> {
    let last = LAST_API.with(|last| match &*last.borrow() {
        Some((known, api)) if known == name => Some(*api),
        _ => None,
    });
    if let Some(api) = last {
        return Ok(api);
    }
    let api = find_api_named(name)?;
    LAST_API.with(|last| *last.borrow_mut() = Some((name.clone(), api)));
    Ok(api)
}

fn find_api_named(name: &JsValue) -> Result<&'static Api, JsValue> {
    let name = &string_arg(name, "api")?;
    crate::spec::api(name).ok_or_else(|| {
        #[derive(Serialize)]
        struct UnknownApi<'a> {
            code: &'a str,
            api: &'a str,
        }
        js_error(
            "TopLogisticsError",
            &format!("unknown API `{name}`"),
            &UnknownApi {
                code: "unknown_api",
                api: name,
            },
        )
    })
}

/// A payload given as JSON text or as an object: its JSON text.
fn payload_text(payload: &JsValue) -> Result<String, JsValue> {
    match text_of(payload) {
        Some(text) => Ok(text),
        None => json_text(payload, "payload"),
    }
}

/// Parameters as name/value text pairs: scalars written as their text. In
/// the order given (signing sorts them itself; keys of a JSON object are
/// unique): serde_json's own map, no extra `BTreeMap` instantiation.
fn param_pairs(value: JsValue, what: &str) -> Result<Vec<(String, String)>, JsValue> {
    let map: serde_json::Map<String, serde_json::Value> = from_js(value, what)?;
    Ok(map
        .into_iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::String(s) => Some((k, s)),
            serde_json::Value::Null => None,
            other => Some((k, other.to_string())),
        })
        .collect())
}

/// Options that may be left out: `undefined` and `null` are the defaults.
fn optional<T: DeserializeOwned + Default>(value: JsValue, what: &str) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    from_js(value, what)
}

/// A `Date` property as epoch milliseconds (serde sees no `Date`).
fn dates_to_millis(options: JsValue, key: &str) -> JsValue {
    let key = JsValue::from_str(key);
    if let Ok(date) =
        js_sys::Reflect::get(&options, &key).and_then(|v| v.dyn_into::<js_sys::Date>())
    {
        let copy = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref());
        let _ = js_sys::Reflect::set(&copy, &key, &JsValue::from_f64(date.get_time()));
        return copy.into();
    }
    options
}

fn bad_argument(what: &str, message: &str) -> JsValue {
    #[derive(Serialize)]
    struct BadArgument<'a> {
        code: &'a str,
        argument: &'a str,
    }
    js_error(
        "TypeError",
        message,
        &BadArgument {
            code: "bad_argument",
            argument: what,
        },
    )
}

// --- conversions ------------------------------------------------------------

/// A Rust value as a plain JS value, the way `JSON.parse` would give it:
/// maps become objects, `None` becomes `null`.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    json_to_js(serde_json::to_string(value).map_err(|e| e.to_string()))
}

/// The non-generic half of [`to_js`] (one copy, not one per result type).
fn json_to_js(text: Result<String, String>) -> Result<JsValue, JsValue> {
    text.and_then(|text| {
        js_sys::JSON::parse(&text).map_err(|_| "JSON.parse refused it".to_string())
    })
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
///
/// Arguments cross as JSON text: `JSON.stringify` in JavaScript, then serde_json,
/// whose recursion limit bounds any nesting (walking a deep JS object field by
/// field would overflow the wasm stack, a trap that kills the instance).
pub fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    let text = json_text(&value, what)?;
    serde_json::from_str(&text).map_err(|e| parse_error(&e, what))
}

/// The non-generic half of [`from_js`]'s failure (one copy, not one per type).
fn parse_error(e: &serde_json::Error, what: &str) -> JsValue {
    bad_argument(what, &format!("{what}: {}", unquoted(&e.to_string())))
}

/// serde's message without the values it quotes between backticks: an
/// option object may hold the app secret, and no error may echo it.
fn unquoted(message: &str) -> String {
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { "…" } else { part })
        .collect::<Vec<_>>()
        .join("`")
}

/// `JSON.stringify(value)`; `undefined` (and functions) become `null`, and
/// what JSON cannot hold (cycles, BigInt) is a `TypeError`.
fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    match js_sys::JSON::stringify(value) {
        Ok(s) => Ok(text_of(&s).unwrap_or_else(|| "null".to_string())),
        Err(e) => {
            let detail = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_default();
            Err(bad_argument(what, &format!("{what}: not JSON: {detail}")))
        }
    }
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
    error_with(name, message, serde_json::to_string(data).ok())
}

/// The non-generic half of [`js_error`]: `data` is the JSON text of the data.
fn error_with(name: &str, message: &str, data: Option<String>) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    let data = data
        .and_then(|t| js_sys::JSON::parse(&t).ok())
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
