//! The native ceiling of the batch benchmark: the core's `validate_json` over
//! every line of the NDJSON file `make bench` generates, on one thread, with
//! no JavaScript and no wasm. What `validate --ndjson` could reach if the
//! whole batch ran inside the core (one call per chunk of lines instead of
//! one call per line). Not a criterion bench: one timed pass over the file
//! (read into memory first, so the disk is not timed).
//!
//!   cargo bench --bench ndjson -- [FILE]   (default bench-output/batch.ndjson)

use std::time::Instant;
use top_logistics::validate::{validate_json, Options};

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`
    // and unoptimised: only time the file under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("ndjson: a benchmark; run it with cargo bench --bench ndjson");
        return;
    }
    let file = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_else(|| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/bench-output/batch.ndjson").to_string()
        });
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            println!("ndjson: {file}: {e} (make bench generates it)");
            return;
        }
    };
    let opts = Options::default();
    let (mut lines, mut valid, mut invalid) = (0u64, 0u64, 0u64);
    let start = Instant::now();
    for line in text.lines() {
        lines += 1;
        // Lines are {"api":"<name>","payload":<payload>} as gen-ndjson.mjs
        // writes them; anything else counts as invalid, as the CLI would.
        let parsed = line
            .strip_prefix("{\"api\":\"")
            .and_then(|rest| rest.split_once("\",\"payload\":"))
            .and_then(|(api, rest)| Some((api, rest.strip_suffix('}')?)));
        let ok = match parsed.and_then(|(api, payload)| Some((top_logistics::api(api)?, payload))) {
            Some((api, payload)) => validate_json(api, payload, &opts).ok,
            None => false,
        };
        if ok {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = text.len() as f64 / 1e6;
    println!(
        "native core, validate_json per line, one thread: {:.1} MB in {secs:.2} s = {:.1} MB/s ({lines} lines: {valid} valid, {invalid} invalid)",
        mb,
        mb / secs
    );
}
