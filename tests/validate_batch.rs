//! NDJSON batches validated in one call: counts, codes and line numbers.
#![cfg(not(target_arch = "wasm32"))] // native tests; tests/wasm_*.rs run in wasm

use serde_json::json;
use top_logistics::validate::{validate_lines, Options};

const NOW_MS: i64 = 1_795_320_000_000;

#[test]
fn lines_with_their_api_counted_by_code() {
    let opts = Options {
        now_ms: NOW_MS,
        ..Options::default()
    };
    let station = top_logistics::api("taobao.logistics.station.tms.async").unwrap();
    let valid = top_logistics::sample::sample(station, NOW_MS);
    let mut broken = valid.clone();
    broken["station_async_request"]["address"]["latitude"] = json!("113.475732");
    let line = |api: &str, payload: &serde_json::Value| {
        json!({ "api": api, "payload": payload }).to_string()
    };
    let text = [
        format!("\u{feff}{}", line(station.name, &valid)),
        line(station.name, &broken) + "\r",
        String::new(),
        "{not json".to_string(),
        json!({ "api": station.name }).to_string(),
        line("taobao.no.such.api", &valid),
        "   ".to_string(),
        line(station.name, &valid),
    ]
    .join("\n");
    let b = validate_lines(&text, None, 1, 10, &opts);
    assert_eq!((b.lines, b.valid, b.invalid, b.blank), (8, 2, 4, 2));
    let codes: Vec<(&str, usize)> = b.codes.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    assert_eq!(
        codes,
        [
            ("range", 1),
            ("json", 1),
            ("line_shape", 1),
            ("unknown_api", 1)
        ]
    );
    let lines: Vec<usize> = b.failures.iter().map(|f| f.line).collect();
    assert_eq!(lines, [2, 4, 5, 6]);
    assert_eq!(
        b.failures[0].errors[0].path,
        "/station_async_request/address/latitude"
    );
    // A later chunk keeps counting from its first line, and the cap holds; a
    // byte-order mark past line 1 is not JSON.
    let b = validate_lines(&text, None, 101, 2, &opts);
    assert_eq!(
        b.failures.iter().map(|f| f.line).collect::<Vec<_>>(),
        [101, 102]
    );
    assert_eq!(b.invalid, 5);
    // With the API given, each line is the payload itself; the BOM only on line 1.
    let text = format!("\u{feff}{valid}\n{broken}");
    let b = validate_lines(&text, Some(station), 1, 10, &opts);
    assert_eq!((b.valid, b.invalid), (1, 1));
    let b = validate_lines(&text, Some(station), 2, 10, &opts);
    assert_eq!((b.valid, b.invalid), (0, 2));
}

#[test]
fn counting_only_skips_the_messages() {
    let station = top_logistics::api("taobao.logistics.station.tms.async").unwrap();
    let text = top_logistics::validate::validate_json;
    let quiet = Options {
        now_ms: NOW_MS,
        messages: false,
        ..Options::default()
    };
    let loud = Options {
        now_ms: NOW_MS,
        ..Options::default()
    };
    let (q, l) = (
        text(station, station.example, &quiet),
        text(station, station.example, &loud),
    );
    let codes = |r: &top_logistics::validate::Report| {
        r.errors
            .iter()
            .map(|e| (e.path.clone(), e.code))
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&q), codes(&l));
    assert!(q
        .errors
        .iter()
        .all(|e| e.message.is_empty() && e.params.is_empty()));
    assert!(l.errors.iter().all(|e| !e.message.is_empty()));
}
