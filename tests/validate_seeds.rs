//! Each seed document's own example payload, validated: the report holds
//! exactly the problems the example really has, and nothing else.
#![cfg(not(target_arch = "wasm32"))] // native tests; tests/wasm_*.rs run in wasm

use top_logistics::validate::{validate_json, Issue, Options, Report};

/// 2026-11-22 12:00:00 GMT+8, so that time plausibility is reproducible.
pub const NOW_MS: i64 = 1_795_320_000_000;

fn opts() -> Options {
    Options {
        now_ms: NOW_MS,
        ..Options::default()
    }
}

fn report(api: &str) -> Report {
    let api = top_logistics::api(api).expect("known api");
    validate_json(api, api.example, &opts())
}

fn summary(issues: &[Issue]) -> Vec<(String, &'static str)> {
    issues.iter().map(|i| (i.path.clone(), i.code)).collect()
}

fn expect(issues: &[Issue], want: &[(&str, &str)]) {
    let got = summary(issues);
    let want: Vec<(String, &str)> = want.iter().map(|(p, c)| (p.to_string(), *c)).collect();
    assert_eq!(got, want, "\nfull issues: {issues:#?}");
}

#[test]
fn station_example_has_a_copied_latitude_and_a_stale_time() {
    let r = report("taobao.logistics.station.tms.async");
    expect(
        &r.errors,
        &[("/station_async_request/address/latitude", "range")],
    );
    expect(
        &r.warnings,
        &[
            ("/station_async_request/request_time", "time_range"),
            ("/station_async_request/contact/contact_tel", "format"),
        ],
    );
    assert!(!r.ok);
}

#[test]
fn every_api_sample_is_clean() {
    for api in top_logistics::apis() {
        let sample = top_logistics::sample::sample(api, NOW_MS);
        let r = top_logistics::validate::validate_value(api, &sample, &opts());
        assert!(
            r.errors.is_empty() && r.warnings.is_empty(),
            "{}: {sample}\n{r:#?}",
            api.name
        );
    }
}

#[test]
fn locker_example_has_an_11_digit_time_and_an_unlisted_carrier() {
    let r = report("cainiao.endpoint.locker.top.order.tracking.new");
    expect(&r.errors, &[("/track_info/action_time", "format")]);
    expect(&r.warnings, &[("/track_info/cp_code", "enum")]);
}

#[test]
fn openalibity_example_has_a_placeholder_openid() {
    let r = report("taobao.logistics.openalibity.write");
    expect(&r.errors, &[]);
    expect(
        &r.warnings,
        &[(
            "/general_logistics_data_write_request/openid",
            "placeholder",
        )],
    );
    assert!(r.ok);
}

#[test]
fn qimen_example_of_placeholder_texts_fails_on_every_formatted_field() {
    let r = report("taobao.qimen.returnpackage.report");
    let pkg = "/request/packages/package/0";
    let errors: Vec<(String, &str)> = [
        ("/logisticsCode", "max_length"),
        ("/logisticsCode", "format"),
        ("/weight", "format"),
        ("/signTime", "max_length"),
        ("/signTime", "format"),
        ("/items/item/0/quantity", "format"),
        ("/items/item/0/price", "format"),
        ("/items/item/0/amount", "format"),
    ]
    .iter()
    .map(|(p, c)| (format!("{pkg}{p}"), *c))
    .collect();
    let want: Vec<(&str, &str)> = errors.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    expect(&r.errors, &want);
    expect(
        &r.warnings,
        &[
            ("/request/order/orderType", "enum"),
            (&format!("{pkg}/status"), "enum"),
        ],
    );
}

#[test]
fn whc_example_has_a_non_json_attribute_and_space_prefixed_keys() {
    let r = report("alibaba.cainiao.whc.warehouse.tradeorder.callback");
    expect(&r.errors, &[("/callback_order/attribute", "type")]);
    let content = "/callback_order/callback_units/0/callback_contents/0/attribute/exchangeGoods/0";
    let unit = "/callback_order/callback_units/0/attribute/exchangeGoods/0";
    let keys = [" skuname", " actualSaleQuantity", " actualStockQuantity"];
    let paths: Vec<String> = [content, unit]
        .iter()
        .flat_map(|base| keys.iter().map(move |k| format!("{base}/{k}")))
        .collect();
    let want: Vec<(&str, &str)> = paths
        .iter()
        .map(|p| (p.as_str(), "unknown_field"))
        .collect();
    expect(&r.warnings, &want);
    assert_eq!(r.warnings[1].params["suggestion"], "actualSaleQuantity");
}
