//! The typed payload and response structs generated from the specs hold
//! exactly what the specs describe: every valid sample deserialises into its
//! struct and serialises back unchanged, and each seed's response example
//! (parsed) fits its response struct.
#![cfg(not(target_arch = "wasm32"))] // native tests; tests/wasm_*.rs run in wasm

use serde::{de::DeserializeOwned, Serialize};
use top_logistics::types::*;

const NOW_MS: i64 = 1_795_320_000_000;

fn round_trip<P: ApiPayload + DeserializeOwned>() {
    let api = top_logistics::api(P::API).unwrap();
    let sample = top_logistics::sample::sample(api, NOW_MS);
    let typed: P =
        serde_json::from_value(sample.clone()).unwrap_or_else(|e| panic!("{}: {e}", P::API));
    assert_eq!(serde_json::to_value(&typed).unwrap(), sample, "{}", P::API);
}

fn response_fits<R: DeserializeOwned + Serialize>(api: &str) {
    let api = top_logistics::api(api).unwrap();
    let parsed = top_logistics::response::parse_response(api, api.response.example_xml, None);
    let data = parsed.data.expect("the example has data");
    let typed: R =
        serde_json::from_value(data.clone()).unwrap_or_else(|e| panic!("{}: {e}", api.name));
    assert_eq!(serde_json::to_value(&typed).unwrap(), data, "{}", api.name);
}

#[test]
fn payload_structs_match_the_specs() {
    round_trip::<LockerTrackingPayload>();
    round_trip::<OpenalibityWritePayload>();
    round_trip::<ReturnPackageReportPayload>();
    round_trip::<StationTmsAsyncPayload>();
    round_trip::<TradeorderCallbackPayload>();
}

#[test]
fn response_structs_match_the_examples() {
    response_fits::<LockerTrackingResponse>("cainiao.endpoint.locker.top.order.tracking.new");
    response_fits::<OpenalibityWriteResponse>("taobao.logistics.openalibity.write");
    response_fits::<ReturnPackageReportResponse>("taobao.qimen.returnpackage.report");
    response_fits::<StationTmsAsyncResponse>("taobao.logistics.station.tms.async");
    response_fits::<TradeorderCallbackResponse>(
        "alibaba.cainiao.whc.warehouse.tradeorder.callback",
    );
}

#[test]
fn a_single_object_or_the_seed_alias_where_a_list_is_allowed() {
    let json = serde_json::json!({ "request": { "order": { "orderCode": "R1", "warehouseCode": "W1", "outBizCode": "B1", "ownerCode": "O1" },
        "packages": { "packageValue": { "logisticsCode": "SF", "signUserName": "张三" } } } });
    let typed: ReturnPackageReportPayload = serde_json::from_value(json).unwrap();
    let packages = typed.request.packages.expect("packages");
    assert_eq!(packages.package.len(), 1);
    assert_eq!(packages.package[0].logistics_code, "SF");
}
