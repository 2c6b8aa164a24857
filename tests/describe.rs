//! describe, json_schema, apis and the decisions table, all read from the spec.
#![cfg(not(target_arch = "wasm32"))] // native tests; tests/wasm_*.rs run in wasm

use serde_json::Value;
use top_logistics::describe::{api_list, decisions_markdown, describe, json_schema};

#[test]
fn apis_lists_the_five_with_their_protocols() {
    let list = api_list();
    let names: Vec<(&str, &str)> = list
        .iter()
        .map(|a| {
            (
                a.name,
                if a.protocol == top_logistics::Protocol::Top {
                    "top"
                } else {
                    "qimen"
                },
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("cainiao.endpoint.locker.top.order.tracking.new", "top"),
            ("taobao.logistics.openalibity.write", "top"),
            ("taobao.qimen.returnpackage.report", "qimen"),
            ("taobao.logistics.station.tms.async", "top"),
            ("alibaba.cainiao.whc.warehouse.tradeorder.callback", "top"),
        ]
    );
    assert_eq!(list[3].params, ["station_async_request"]);
    assert_eq!(list[3].title.zh, "驿站信息同步接口");
}

fn find<'a>(fields: &'a [Value], path: &str) -> Option<&'a Value> {
    fields.iter().find_map(|f| {
        if f["path"] == path {
            Some(f)
        } else {
            find(f["fields"].as_array()?, path)
        }
    })
}

#[test]
fn describe_gives_the_field_tree_with_paths_docs_and_notes() {
    let api = top_logistics::api("taobao.logistics.station.tms.async").unwrap();
    let d = serde_json::to_value(describe(api)).unwrap();
    let fields = d["fields"].as_array().unwrap();
    let lat = find(fields, "/station_async_request/address/latitude").expect("latitude");
    assert_eq!(lat["kind"], "string");
    assert_eq!(lat["required"], "error");
    assert_eq!(lat["format"]["name"], "latitude");
    assert!(lat["note"]["en"].as_str().unwrap().contains("113.475732"));
    let status = find(fields, "/station_async_request/status").unwrap();
    assert_eq!(status["enum"][1]["value"], "2");
    assert_eq!(status["enum"][1]["doc"]["zh"], "停用");
    assert_eq!(d["idempotencyKey"], "/station_async_request/request_id");
    assert_eq!(
        d["example"]["station_async_request"]["address"]["latitude"],
        "113.475732"
    );
    // Into JSON-in-a-string fields too.
    let locker = serde_json::to_value(describe(
        top_logistics::api("cainiao.endpoint.locker.top.order.tracking.new").unwrap(),
    ))
    .unwrap();
    let auth = find(
        locker["fields"].as_array().unwrap(),
        "/track_info/extra/auth_code",
    )
    .expect("auth_code");
    assert_eq!(auth["kind"], "string");
}

#[test]
fn json_schema_says_the_error_level_rules() {
    let api = top_logistics::api("taobao.logistics.station.tms.async").unwrap();
    let s = json_schema(api);
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let req = &s["properties"]["station_async_request"];
    assert_eq!(req["additionalProperties"], false);
    let required: Vec<&str> = req["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        required.contains(&"service_type")
            && required.contains(&"address")
            && !required.contains(&"contact")
    );
    assert_eq!(
        req["properties"]["status"]["enum"],
        serde_json::json!([1, 2])
    );
    assert!(
        req["properties"]["address"]["properties"]
            .get("service_type")
            .is_none(),
        "misplaced fields are not in the schema"
    );
    let write = json_schema(top_logistics::api("taobao.logistics.openalibity.write").unwrap());
    let obj = &write["properties"]["general_logistics_data_write_request"];
    assert_eq!(obj["allOf"][0]["anyOf"][1]["required"][0], "openid");
    assert_eq!(
        obj["properties"]["extend_param"]["contentMediaType"],
        "application/json"
    );
    let qimen = json_schema(top_logistics::api("taobao.qimen.returnpackage.report").unwrap());
    let pkg = &qimen["properties"]["request"]["properties"]["packages"]["properties"];
    assert!(
        pkg.get("packageValue").is_some(),
        "the seed's alias is accepted"
    );
    assert_eq!(pkg["package"]["anyOf"][0]["type"], "array");
    assert_eq!(
        pkg["package"]["anyOf"][1]["properties"]["weight"]["pattern"],
        r"^\d{1,15}(\.\d{1,3})?$"
    );
}

#[test]
fn decisions_table_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/DECISIONS.md");
    let want = decisions_markdown();
    if std::env::var_os("UPDATE_DECISIONS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "DECISIONS.md is stale: run UPDATE_DECISIONS=1 cargo test --test describe"
    );
    for api in top_logistics::apis() {
        assert!(
            !api.decisions.is_empty(),
            "{} records no decision",
            api.name
        );
    }
}
