//! Response bodies: arbitrary text, and JSON/XML-shaped text assembled from
//! fragments (envelope names, field names, list markers, entities, CDATA,
//! DOCTYPE, long integers, HTML), parsed for every API with each `format`
//! (json, xml, none). Never panics, and the result is consistent: `ok`
//! exactly when there is no error; malformed bodies have a sub-code.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use top_logistics::response::parse_response;
use top_logistics::spec::WireFormat;
use top_logistics_fuzz::all_names;

const FRAGMENTS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
    "<!--top011.na61-->",
    "<!DOCTYPE x [<!ENTITY a \"b\">]>",
    "<![CDATA[",
    "]]>",
    " list=\"true\"",
    " list='true'",
    "&amp;",
    "&lt;",
    "&#x0;",
    "&#1114112;",
    "&bogus;",
    "&",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "\":",
    ":",
    ",",
    "true",
    "false",
    "null",
    "12345678901234567",
    "-12345678901234567890",
    "1e400",
    "0.5",
    "-0",
    "\\u0000",
    "\\ud800",
    "\\",
    " ",
    "\n",
    "\u{feff}",
    "<html><title>502 Bad Gateway</title>",
    "<!doctype html>",
    "error_response",
    "response",
    "code",
    "msg",
    "sub_code",
    "sub_msg",
    "request_id",
    "flag",
    "success",
    "failure",
    "isp.",
    "isv.",
    "7",
    "15",
    "ban 60 seconds",
    "result",
    "测试",
    "😀",
    "\u{1}",
    "=",
    "'",
];

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    // A body-like start (the committed seeds) is taken as it is.
    let raw = matches!(data.first(), Some(b'<' | b'{' | b'[' | b' ' | b'\n' | 0xEF));
    let text = match if raw { Ok(2) } else { u.int_in_range(0..=2u8) } {
        // Assembled from fragments and names (roots, fields).
        Ok(0) | Ok(1) => {
            let mut roots: Vec<String> = top_logistics::apis()
                .iter()
                .map(|a| a.response_root())
                .collect();
            roots.extend(all_names().iter().map(|s| s.to_string()));
            let mut s = String::new();
            let n = u.int_in_range(0..=64u8).unwrap_or(0);
            for _ in 0..n {
                match u.int_in_range(0..=3u8) {
                    Ok(0) => s.push_str(u.choose(&roots).map(String::as_str).unwrap_or("")),
                    _ => s.push_str(u.choose(FRAGMENTS).copied().unwrap_or("")),
                }
            }
            s
        }
        _ if raw => String::from_utf8_lossy(data).into_owned(),
        _ => String::from_utf8_lossy(u.take_rest()).into_owned(),
    };
    for api in top_logistics::apis() {
        for format in [None, Some(WireFormat::Json), Some(WireFormat::Xml)] {
            let r = parse_response(api, &text, format);
            assert_eq!(r.ok, r.error.is_none(), "{text:?}");
            if let Some(e) = &r.error {
                if e.code == "malformed_response" {
                    assert!(e.sub_code.is_some() && r.data.is_none(), "{text:?}");
                }
            }
        }
    }
});
