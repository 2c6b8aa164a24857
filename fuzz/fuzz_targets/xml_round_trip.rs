//! The Qimen XML body: `build_request` (validate: false, format xml) of a
//! structured payload, then `parse_request` of the body.
//!
//! What must hold, exactly (`qimen_xml_read_back`, which models the writer
//! and the reader element by element): after `build_request`'s normalisation
//! (nulls and misplaced fields dropped, aliases renamed, one value in a list
//! field wrapped) the body is written with documented fields first, lists as
//! repeated elements, strings trimmed and stripped of characters XML 1.0
//! forbids; a list in a list, a key that is not an XML name or nesting of 64
//! levels is refused with an error, never a broken body. The receiver reads
//! back exactly the model's value. For payloads shaped like the spec the
//! model is also the simple contract: the payload as sent with nulls, null
//! list items and empty lists dropped and strings trimmed and cleaned
//! (`simply_normalised`). The signature over query + body always verifies.
//!
//! Keys are mostly XML names; one input in 16 draws arbitrary keys.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};
use top_logistics::request::{
    build_request, parse_request, BodyFormat, BuildOptions, Secret, Timestamp,
};
use top_logistics::sign::verify_signature;
use top_logistics::spec::WireFormat;
use top_logistics_fuzz::{
    options, qimen_xml_read_back, sent_object, simply_normalised, spec_shaped, Gen, NOW_MS,
};

const SECRET: &str = "s3cr3t-密钥";

fuzz_target!(|data: &[u8]| {
    let Some(api) = top_logistics::api("taobao.qimen.returnpackage.report") else {
        return;
    };
    let mut u = Unstructured::new(data);
    // One byte in 16 asks for arbitrary (possibly non-XML) unknown names.
    let any_names = u.int_in_range(0..=15u8).unwrap_or(0) == 15;
    let payload = if data.get(1) == Some(&b'{') {
        match serde_json::from_slice::<Value>(&data[1..]) {
            Ok(v) => v,
            Err(_) => return,
        }
    } else {
        match Gen::new(&mut u, !any_names).payload(api) {
            Ok(v) => v,
            Err(_) => return,
        }
    };
    let opts = BuildOptions {
        app_key: "12345678".into(),
        app_secret: Secret::new(SECRET),
        timestamp: Some(Timestamp::Millis(NOW_MS as f64)),
        customer_id: Some("C001".into()),
        format: Some(WireFormat::Xml),
        validate: Some(false),
        ..BuildOptions::default()
    };
    let expected = qimen_xml_read_back(api, &payload);
    let req = match (build_request(api, &payload, &opts), &expected) {
        (Ok(req), Ok(_)) => req,
        (Err(e), Err(_)) => {
            assert_eq!(e.code, "invalid_payload", "{e:?}");
            return;
        }
        (Ok(req), Err(_)) => panic!("written although unwritable: {payload}\nbody: {}", req.body),
        (Err(e), Ok(_)) => panic!("refused: {payload}: {e:?}"),
    };
    assert!(verify_signature(&req.query, Some(&req.body), SECRET));
    let parsed = parse_request(api, &req.body, Some(BodyFormat::Xml), &options());
    let Ok(expected) = expected else { return };
    assert_eq!(
        parsed.payload, expected,
        "\npayload: {payload}\nbody: {}\nreport: {:?}",
        req.body, parsed.report
    );
    // The simple contract, for payloads shaped like the spec.
    let sent = sent_object(payload.as_object().unwrap_or(&Map::new()), api.params);
    if let (1, Some(Value::Object(request))) = (sent.len(), sent.get("request")) {
        if spec_shaped(request, api.params[0].fields) {
            let simple = json!({ "request": simply_normalised(&Value::Object(request.clone())) });
            assert_eq!(
                parsed.payload, simple,
                "\npayload: {payload}\nbody: {}",
                req.body
            );
        }
    }
});
