//! Arbitrary bytes (lossy UTF-8) as a payload's JSON text, for every API:
//! `validate_json` returns a report, never panics, and the report agrees
//! with itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use top_logistics::validate::validate_json;
use top_logistics_fuzz::{options, pointer_tokens};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let opts = options();
    for api in top_logistics::apis() {
        let report = validate_json(api, &text, &opts);
        assert_eq!(report.ok, report.errors.is_empty());
        for issue in report.errors.iter().chain(&report.warnings) {
            assert!(pointer_tokens(&issue.path).is_some(), "{issue:?}");
        }
    }
});
