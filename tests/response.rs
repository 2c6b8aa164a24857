//! Responses: the seeds' examples (XML verbatim, and the same content as the
//! platform sends it in JSON), every error envelope, the retry rules of
//! PROTOCOL.md, malformed bodies, and build -> parse round trips. Every
//! expected value is written by hand from the documents.
#![cfg(not(target_arch = "wasm32"))] // native tests; tests/wasm_*.rs run in wasm

use proptest::prelude::*;
use serde_json::{json, Value};
use top_logistics::response::{build_response, parse_response, ParsedResponse, ResponseError};
use top_logistics::spec::{Api, Field, Kind, WireFormat};

const LOCKER: &str = "cainiao.endpoint.locker.top.order.tracking.new";
const OPENALIBITY: &str = "taobao.logistics.openalibity.write";
const QIMEN: &str = "taobao.qimen.returnpackage.report";
const STATION: &str = "taobao.logistics.station.tms.async";
const WHC: &str = "alibaba.cainiao.whc.warehouse.tradeorder.callback";
const ALL: [&str; 5] = [LOCKER, OPENALIBITY, QIMEN, STATION, WHC];

/// The 异常示例 of every seed, verbatim.
const SEED_ERROR_XML: &str = "<error_response>
    <code>50</code>
    <msg>Remote service error</msg>
    <sub_code>isv.invalid-parameter</sub_code>
    <sub_msg>非法参数</sub_msg>
</error_response>";

/// The same error as the platform sends it in JSON (the code is a number).
const SEED_ERROR_JSON: &str = r#"{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"非法参数","request_id":"zt8h1fwjxa0u"}}"#;

fn api(name: &str) -> &'static Api {
    top_logistics::api(name).expect("known api")
}

fn parse(name: &str, text: &str) -> ParsedResponse {
    parse_response(api(name), text, None)
}

fn error(r: &ParsedResponse) -> &ResponseError {
    assert!(!r.ok, "expected a failure: {r:#?}");
    r.error.as_ref().expect("an error")
}

fn assert_ok(r: &ParsedResponse, data: Value) {
    assert!(r.ok, "expected success: {r:#?}");
    assert_eq!(r.error, None);
    assert_eq!(r.data.as_ref(), Some(&data));
}

/// A TOP error_response for the locker API, in JSON.
fn top_error(
    code: i64,
    msg: &str,
    sub_code: Option<&str>,
    sub_msg: Option<&str>,
) -> ParsedResponse {
    let mut e = json!({ "code": code, "msg": msg, "request_id": "rid-1" });
    if let Some(s) = sub_code {
        e["sub_code"] = json!(s);
    }
    if let Some(s) = sub_msg {
        e["sub_msg"] = json!(s);
    }
    parse(LOCKER, &json!({ "error_response": e }).to_string())
}

// --- the seeds' examples -------------------------------------------------------

#[test]
fn locker_example_xml_and_json() {
    let want =
        json!({ "result": { "error_desc": "调用成功", "error_code": "200", "success": true } });
    let a = api(LOCKER);
    assert_ok(
        &parse_response(a, a.response.example_xml, Some(WireFormat::Xml)),
        want.clone(),
    );
    let r = parse(
        LOCKER,
        r#"{"cainiao_endpoint_locker_top_order_tracking_new_response":{"result":{"error_desc":"调用成功","error_code":"200","success":true},"request_id":"16mhb6a5fq3ax"}}"#,
    );
    assert_ok(&r, want);
    assert_eq!(r.request_id.as_deref(), Some("16mhb6a5fq3ax"));
}

#[test]
fn openalibity_example_is_ok_because_the_flags_are_true() {
    // The example carries error codes (500) but both flags say true: flags decide.
    let want = json!({
        "result_msg": "exceedLimit",
        "write_response": { "success": true, "error_code": "500", "error_msg": "invalidParam" },
        "result_code": "500",
        "result_success": true
    });
    let a = api(OPENALIBITY);
    assert_ok(
        &parse_response(a, a.response.example_xml, None),
        want.clone(),
    );
    let r = parse(
        OPENALIBITY,
        r#"{"logistics_openalibity_write_response":{"result_msg":"exceedLimit","write_response":{"success":true,"error_code":"500","error_msg":"invalidParam"},"result_code":"500","result_success":true,"request_id":"3x9b2kq"}}"#,
    );
    assert_ok(&r, want);
}

#[test]
fn qimen_example_placeholder_flag_is_not_success() {
    // The document's flag is the placeholder `success|failure`: not `success`.
    let want = json!({ "flag": "success|failure", "code": "响应码", "message": "响应信息" });
    let a = api(QIMEN);
    for r in [
        parse_response(a, a.response.example_xml, Some(WireFormat::Xml)),
        parse(
            QIMEN,
            r#"{"response":{"flag":"success|failure","code":"响应码","message":"响应信息"}}"#,
        ),
    ] {
        let e = error(&r);
        assert_eq!(r.data.as_ref(), Some(&want));
        assert_eq!((e.code.as_str(), e.msg.as_str()), ("响应码", "响应信息"));
        assert!(!e.retryable);
    }
}

#[test]
fn station_example_xml_and_json() {
    let want = json!({ "station_async_response": { "success": true, "code": "200", "message": "SUCCESS", "is_retry": false } });
    let a = api(STATION);
    assert_ok(
        &parse_response(a, a.response.example_xml, None),
        want.clone(),
    );
    assert_ok(
        &parse(
            STATION,
            r#"{"logistics_station_tms_async_response":{"station_async_response":{"success":true,"code":"200","message":"SUCCESS","is_retry":false},"request_id":"15rp4x0cddyq5"}}"#,
        ),
        want,
    );
}

#[test]
fn whc_example_is_a_business_failure() {
    let want = json!({ "result": { "res_msg": "1001", "res_code": "1001", "success": false } });
    let a = api(WHC);
    for r in [
        parse_response(a, a.response.example_xml, None),
        parse(
            WHC,
            r#"{"alibaba_cainiao_whc_warehouse_tradeorder_callback_response":{"result":{"res_msg":"1001","res_code":"1001","success":false},"request_id":"ra7vq4"}}"#,
        ),
    ] {
        let e = error(&r);
        assert_eq!(
            r.data.as_ref(),
            Some(&want),
            "a business failure keeps its data"
        );
        assert_eq!((e.code.as_str(), e.msg.as_str()), ("1001", "1001"));
        assert!(!e.retryable);
        assert!(e.hint.contains("result.success is false"), "{}", e.hint);
    }
}

#[test]
fn seed_error_example_xml_and_json() {
    for (r, rid) in [
        (parse(LOCKER, SEED_ERROR_XML), None),
        (parse(LOCKER, SEED_ERROR_JSON), Some("zt8h1fwjxa0u")),
    ] {
        let e = error(&r);
        assert_eq!(r.data, None);
        assert_eq!(e.code, "50");
        assert_eq!(e.msg, "Remote service error");
        assert_eq!(e.sub_code.as_deref(), Some("isv.invalid-parameter"));
        assert_eq!(e.sub_msg.as_deref(), Some("非法参数"));
        assert_eq!(e.request_id.as_deref(), rid);
        assert_eq!(r.request_id.as_deref(), rid);
        assert!(!e.retryable);
        assert_eq!(e.retry_after_ms, None);
        assert!(e.hint.contains("validate()"), "{}", e.hint);
        assert!(e.hint_zh.contains("validate()"), "{}", e.hint_zh);
    }
}

#[test]
fn every_api_reads_the_error_envelope_qimen_included() {
    for name in ALL {
        let e = error(&parse(name, SEED_ERROR_XML)).clone();
        assert_eq!(e.code, "50", "{name}");
        assert_eq!(error(&parse(name, SEED_ERROR_JSON)).code, "50", "{name}");
    }
}

// --- envelope variations ---------------------------------------------------------

#[test]
fn simplify_mode_fields_at_the_root() {
    let r = parse(
        STATION,
        r#"{"station_async_response":{"success":true,"code":"200","message":"SUCCESS","is_retry":false},"request_id":"abc"}"#,
    );
    assert_ok(
        &r,
        json!({ "station_async_response": { "success": true, "code": "200", "message": "SUCCESS", "is_retry": false } }),
    );
    assert_eq!(r.request_id.as_deref(), Some("abc"));
    // A business failure is one in simplify mode too.
    let r = parse(
        WHC,
        r#"{"result":{"res_code":"1001","res_msg":"no","success":false}}"#,
    );
    assert_eq!(error(&r).code, "1001");
    // An error in simplify mode has its members at the root.
    let r = parse(
        LOCKER,
        r#"{"code":15,"msg":"Remote service error","sub_code":"isp.unknown-error","request_id":"r9"}"#,
    );
    let e = error(&r);
    assert_eq!((e.code.as_str(), e.retryable), ("15", true));
    assert_eq!(r.request_id.as_deref(), Some("r9"));
}

#[test]
fn xml_declaration_trailing_comment_and_whitespace() {
    let body = "\u{feff}\n  <?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<logistics_station_tms_async_response>\n  <station_async_response>\n    <success>true</success>\n    <code>200</code>\n    <message>SUCCESS</message>\n    <is_retry>false</is_retry>\n  </station_async_response>\n  <request_id>3t4kmz1pv9e0</request_id>\n</logistics_station_tms_async_response><!--top011023105124.center.na61-->\n\n";
    let r = parse(STATION, body);
    assert_ok(
        &r,
        json!({ "station_async_response": { "success": true, "code": "200", "message": "SUCCESS", "is_retry": false } }),
    );
    assert_eq!(r.request_id.as_deref(), Some("3t4kmz1pv9e0"));
    let e = parse(
        LOCKER,
        "<?xml version=\"1.0\" encoding=\"utf-8\" ?><error_response><code>27</code><msg>Invalid session</msg><sub_code>invalid-sessionkey</sub_code><request_id>z1</request_id></error_response><!--top011023105124.center.na61-->",
    );
    assert_eq!(error(&e).code, "27");
    assert_eq!(e.request_id.as_deref(), Some("z1"));
}

#[test]
fn xml_entities_and_cdata_are_text() {
    let r = parse(
        LOCKER,
        "<cainiao_endpoint_locker_top_order_tracking_new_response><result><error_desc>a &lt;b&gt; &amp; &#x4E2D;<![CDATA[ <c> ]]></error_desc><error_code>200</error_code><success>TRUE</success></result></cainiao_endpoint_locker_top_order_tracking_new_response>",
    );
    assert_ok(
        &r,
        json!({ "result": { "error_desc": "a <b> & 中 <c> ", "error_code": "200", "success": true } }),
    );
}

#[test]
fn format_is_detected_from_the_body() {
    // JSON was asked for, the gateway answered XML (as it does for code 23).
    let r = parse_response(api(LOCKER), SEED_ERROR_XML, Some(WireFormat::Json));
    assert_eq!(error(&r).code, "50");
}

// --- retry classification --------------------------------------------------------

#[test]
fn code_7_waits_the_stated_seconds() {
    let r = top_error(
        7,
        "App Call Limited",
        Some("accesscontrol.limited-by-app-access-count"),
        Some("This ban will last for 3 more seconds"),
    );
    let e = error(&r);
    assert!(e.retryable);
    assert_eq!(e.retry_after_ms, Some(3000));
    assert!(e.hint.contains("retryAfterMs"), "{}", e.hint);
    let e = error(&top_error(
        7,
        "App Call Limited",
        None,
        Some("禁止调用时长还剩12秒"),
    ))
    .clone();
    assert_eq!(e.retry_after_ms, Some(12_000));
    // No number stated: one second.
    let e = error(&top_error(
        7,
        "App Call Limited",
        Some("accesscontrol.limited-by-api-access-count"),
        None,
    ))
    .clone();
    assert_eq!((e.retryable, e.retry_after_ms), (true, Some(1000)));
}

#[test]
fn isp_sub_codes_are_retryable() {
    for code in [15, 50, 999] {
        let r = top_error(
            code,
            "Remote service error",
            Some("isp.remote-service-timeout"),
            None,
        );
        let e = error(&r);
        assert!(e.retryable, "{code}");
        assert!(e.hint.contains("isp.*"), "{}", e.hint);
    }
}

#[test]
fn codes_10_and_15_are_retryable_unless_isv() {
    for code in [10, 15] {
        assert!(error(&top_error(code, "x", None, None)).retryable, "{code}");
        assert!(
            !error(&top_error(code, "x", Some("isv.item-not-exist"), None)).retryable,
            "{code}"
        );
    }
    let e = error(&top_error(
        15,
        "Remote service error",
        Some("isv.invalid-parameter"),
        Some("非法参数"),
    ))
    .clone();
    assert!(e.hint.contains("validate()"), "{}", e.hint);
    // The idempotency key is named where a retry is allowed and the API has one.
    let r = parse(
        STATION,
        r#"{"error_response":{"code":10,"msg":"Service Currently Unavailable"}}"#,
    );
    assert!(
        error(&r).hint.contains("/station_async_request/request_id"),
        "{r:#?}"
    );
}

#[test]
fn signature_session_and_argument_errors_are_never_retryable() {
    let cases: [(i64, &str, &str); 9] = [
        (25, "app secret", "UTF-8"),
        (26, "session", "session"),
        (27, "re-authorise", "重新授权"),
        (28, "app_key", "app_key"),
        (29, "app_key", "app_key"),
        (31, "GMT+8", "10 分钟"),
        (40, "validate()", "validate()"),
        (41, "validate()", "validate()"),
        (21, "method", "method"),
    ];
    for (code, en, zh) in cases {
        // Even an isp.* sub-code does not make these retryable.
        for sub in [None, Some("isp.whatever")] {
            let r = top_error(code, "x", sub, None);
            let e = error(&r);
            assert!(!e.retryable, "{code} {sub:?}");
            assert_eq!(e.retry_after_ms, None);
            assert!(e.hint.contains(en), "{code}: {}", e.hint);
            assert!(e.hint_zh.contains(zh), "{code}: {}", e.hint_zh);
        }
    }
    let e = error(&top_error(25, "Invalid signature", None, None)).clone();
    assert!(
        e.hint.contains("sign method") || e.hint.contains("signing method"),
        "{}",
        e.hint
    );
    let e = error(&top_error(31, "Invalid timestamp", None, None)).clone();
    assert!(
        e.hint.contains("yyyy-MM-dd HH:mm:ss") && e.hint.contains("10 minutes"),
        "{}",
        e.hint
    );
}

#[test]
fn isv_sub_codes_are_never_retryable() {
    let r = top_error(
        50,
        "Remote service error",
        Some("isv.logistics-order-not-exist"),
        Some("订单不存在"),
    );
    let e = error(&r);
    assert!(!e.retryable);
    assert!(e.hint.contains("isv.*"), "{}", e.hint);
}

#[test]
fn every_protocol_code_has_a_hint() {
    for code in [
        7, 9, 10, 11, 12, 15, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 40, 41, 42,
        43, 50,
    ] {
        let r = top_error(code, "x", None, None);
        let e = error(&r);
        assert!(!e.hint.contains("does not know"), "{code}: {}", e.hint);
        assert!(!e.hint_zh.contains("未知"), "{code}: {}", e.hint_zh);
    }
    let e = error(&top_error(4242, "x", None, None)).clone();
    assert!(!e.retryable && e.hint.contains("does not know"));
}

#[test]
fn station_is_retry_decides() {
    let body = |is_retry: bool| {
        format!(
            r#"{{"logistics_station_tms_async_response":{{"station_async_response":{{"success":false,"code":"SYSTEM_BUSY","message":"busy","is_retry":{is_retry}}},"request_id":"q1"}}}}"#
        )
    };
    let r = parse(STATION, &body(true));
    let e = error(&r);
    assert_eq!(
        (e.code.as_str(), e.msg.as_str(), e.retryable),
        ("SYSTEM_BUSY", "busy", true)
    );
    assert_eq!(e.request_id.as_deref(), Some("q1"));
    assert!(
        e.hint.contains("/station_async_request/request_id"),
        "{}",
        e.hint
    );
    let r = parse(STATION, &body(false));
    assert!(!error(&r).retryable);
    // The same in XML, where the booleans are text.
    let xml = "<logistics_station_tms_async_response><station_async_response><success>false</success><code>E1</code><message>m</message><is_retry>true</is_retry></station_async_response></logistics_station_tms_async_response>";
    assert!(error(&parse(STATION, xml)).retryable);
}

#[test]
fn documented_business_codes_give_their_hint() {
    let r = parse(
        OPENALIBITY,
        r#"{"logistics_openalibity_write_response":{"result_success":true,"write_response":{"success":false,"error_code":"findNoPackage","error_msg":"no package"}}}"#,
    );
    let e = error(&r);
    assert_eq!(e.code, "findNoPackage");
    assert!(!e.retryable);
    assert!(e.hint.contains("can be ignored"), "{}", e.hint);
    assert!(e.hint_zh.contains("淘外包裹"), "{}", e.hint_zh);
    // The first failing flag in the spec's order wins.
    let r = parse(
        OPENALIBITY,
        r#"{"logistics_openalibity_write_response":{"result_success":false,"result_code":"exceedLimit","result_msg":"too many","write_response":{"success":false,"error_code":"x"}}}"#,
    );
    assert_eq!(error(&r).code, "exceedLimit");
}

// --- Qimen ---------------------------------------------------------------------

#[test]
fn qimen_success_and_failure_xml_and_json() {
    for r in [
        parse(
            QIMEN,
            "<response><flag>success</flag><code>0</code><message>ok</message></response>",
        ),
        parse(
            QIMEN,
            r#"{"response":{"flag":"success","code":"0","message":"ok"}}"#,
        ),
        parse(QIMEN, r#"{"flag":"success","code":"0","message":"ok"}"#),
    ] {
        assert_ok(
            &r,
            json!({ "flag": "success", "code": "0", "message": "ok" }),
        );
    }
    for r in [
        parse(QIMEN, "<response><flag>failure</flag><code>sign-check-failure</code><message>Illegal request</message></response>"),
        parse(QIMEN, r#"{"response":{"flag":"failure","code":"sign-check-failure","message":"Illegal request"}}"#),
    ] {
        let e = error(&r);
        assert_eq!((e.code.as_str(), e.msg.as_str()), ("sign-check-failure", "Illegal request"));
        assert!(!e.retryable);
        assert!(e.hint.contains("signature"), "{}", e.hint);
    }
    let r = parse(QIMEN, "<response><flag>failure</flag><code>E001</code><message>仓库编码不存在</message></response>");
    let e = error(&r);
    assert_eq!((e.code.as_str(), e.retryable), ("E001", false));
    assert!(e.hint.contains("flag=failure"), "{}", e.hint);
}

// --- malformed bodies ------------------------------------------------------------

fn malformed(name: &str, text: &str) -> ResponseError {
    let r = parse(name, text);
    let e = error(&r).clone();
    assert_eq!(e.code, "malformed_response", "{text:?}: {e:#?}");
    assert_eq!(r.data, None);
    assert!(!e.hint.is_empty() && !e.hint_zh.is_empty());
    e
}

#[test]
fn empty_and_whitespace_bodies() {
    for text in ["", "   \n\t ", "\u{feff}"] {
        let e = malformed(LOCKER, text);
        assert_eq!(e.sub_code.as_deref(), Some("empty"));
        assert!(!e.retryable);
    }
}

#[test]
fn html_pages() {
    let gateway = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>";
    let e = malformed(LOCKER, gateway);
    assert_eq!(e.sub_code.as_deref(), Some("html"));
    assert!(e.retryable, "a proxy's 5xx page is retryable");
    assert!(e.msg.contains("<html>"), "{}", e.msg);
    let e = malformed(STATION, "<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head></html>");
    assert!(e.retryable);
    let e = malformed(LOCKER, "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>width=500px</body></html>");
    assert_eq!(e.sub_code.as_deref(), Some("html"));
    assert!(!e.retryable, "a 404 page is not");
}

#[test]
fn truncated_json_and_xml() {
    let e = malformed(
        STATION,
        r#"{"logistics_station_tms_async_response":{"station_async_response":{"success":tr"#,
    );
    assert_eq!(e.sub_code.as_deref(), Some("truncated"));
    assert!(!e.retryable);
    assert!(
        e.hint.contains("/station_async_request/request_id"),
        "{}",
        e.hint
    );
    let e = malformed(
        STATION,
        "<logistics_station_tms_async_response><station_async_response><success>true</success>",
    );
    assert_eq!(e.sub_code.as_deref(), Some("truncated"));
    let e = malformed(
        STATION,
        "<logistics_station_tms_async_response><station_async_response><succ",
    );
    assert!(!e.retryable);
    let e = malformed(STATION, r#"{"a":1} trailing"#);
    assert_eq!(e.sub_code.as_deref(), Some("syntax"));
    let e = malformed(STATION, "<a></b>");
    assert_eq!(e.sub_code.as_deref(), Some("syntax"));
}

#[test]
fn doctype_and_entities_are_refused_unexpanded() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><cainiao_endpoint_locker_top_order_tracking_new_response><result><error_desc>&lol2;</error_desc></result></cainiao_endpoint_locker_top_order_tracking_new_response>"#;
    let e = malformed(LOCKER, bomb);
    assert_eq!(e.sub_code.as_deref(), Some("doctype"));
    assert!(!e.retryable);
    assert!(!e.msg.contains("lollol"));
    let xxe = r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><response><flag>&x;</flag></response>"#;
    assert_eq!(malformed(QIMEN, xxe).sub_code.as_deref(), Some("doctype"));
    // An undeclared entity is an error, not an expansion.
    assert_eq!(
        malformed(QIMEN, "<response><flag>&x;</flag></response>")
            .sub_code
            .as_deref(),
        Some("syntax")
    );
}

#[test]
fn another_apis_envelope_is_refused() {
    let station = api(STATION).response.example_xml;
    let e = malformed(LOCKER, station);
    assert_eq!(e.sub_code.as_deref(), Some("wrong_envelope"));
    assert!(
        e.msg
            .contains("cainiao_endpoint_locker_top_order_tracking_new_response"),
        "{}",
        e.msg
    );
    assert!(
        e.msg.contains("<logistics_station_tms_async_response>"),
        "{}",
        e.msg
    );
    let e = malformed(
        LOCKER,
        r#"{"logistics_station_tms_async_response":{"station_async_response":{"success":true}}}"#,
    );
    assert_eq!(e.sub_code.as_deref(), Some("wrong_envelope"));
    // A TOP answer to Qimen, and a Qimen answer to TOP.
    assert_eq!(
        malformed(QIMEN, station).sub_code.as_deref(),
        Some("wrong_envelope")
    );
    assert_eq!(
        malformed(QIMEN, r#"{"logistics_station_tms_async_response":{}}"#)
            .sub_code
            .as_deref(),
        Some("wrong_envelope")
    );
    let qimen = api(QIMEN).response.example_xml;
    assert_eq!(
        malformed(STATION, qimen).sub_code.as_deref(),
        Some("wrong_envelope")
    );
    assert_eq!(
        malformed(STATION, r#"{"response":{"flag":"success"}}"#)
            .sub_code
            .as_deref(),
        Some("wrong_envelope")
    );
    assert_eq!(
        malformed(STATION, "{}").sub_code.as_deref(),
        Some("wrong_envelope")
    );
}

#[test]
fn other_shapes() {
    assert_eq!(
        malformed(LOCKER, "Service Unavailable").sub_code.as_deref(),
        Some("not_json_or_xml")
    );
    assert_eq!(
        malformed(LOCKER, "[1,2]").sub_code.as_deref(),
        Some("shape")
    );
    assert_eq!(
        malformed(
            LOCKER,
            r#"{"cainiao_endpoint_locker_top_order_tracking_new_response":"x"}"#
        )
        .sub_code
        .as_deref(),
        Some("shape")
    );
    let deep = format!("{}{}", "<a>".repeat(200), "</a>".repeat(200));
    assert_eq!(malformed(LOCKER, &deep).sub_code.as_deref(), Some("syntax"));
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    assert_eq!(malformed(LOCKER, &deep).sub_code.as_deref(), Some("syntax"));
}

#[test]
fn malformed_messages_quote_at_most_80_characters() {
    let body = format!("服务不可用{}", "错".repeat(300));
    let e = malformed(LOCKER, &body);
    let quoted = format!("\"服务不可用{}\"…", "错".repeat(75));
    assert!(e.msg.ends_with(&quoted), "{}", e.msg);
    let e = malformed(LOCKER, "oops");
    assert!(e.msg.ends_with("\"oops\""), "{}", e.msg);
}

// --- long integers ---------------------------------------------------------------

/// The locker API with response fields of every kind, for typing tests.
fn typed_api() -> &'static Api {
    let base = api(LOCKER);
    let template = base.response.fields[0];
    let mk = |name: &'static str, kind: Kind, list: bool| Field {
        name,
        kind,
        list,
        fields: &[],
        type_name: None,
        ..template
    };
    let fields: &'static [Field] = Box::leak(
        vec![
            mk("waybill_id", Kind::Int, false),
            mk("count", Kind::Int, false),
            mk("codes", Kind::String, true),
            mk("flags", Kind::Bool, true),
            template,
        ]
        .into_boxed_slice(),
    );
    let mut a = *base;
    a.response.fields = fields;
    Box::leak(Box::new(a))
}

#[test]
fn seventeen_digit_integers_stay_strings() {
    let a = typed_api();
    let xml = "<cainiao_endpoint_locker_top_order_tracking_new_response><waybill_id>12345678901234567</waybill_id><count>42</count><other_id>98765432109876543</other_id></cainiao_endpoint_locker_top_order_tracking_new_response>";
    let r = parse_response(a, xml, None);
    assert_ok(
        &r,
        json!({ "waybill_id": "12345678901234567", "count": 42, "other_id": "98765432109876543" }),
    );
    let j = r#"{"cainiao_endpoint_locker_top_order_tracking_new_response":{"waybill_id":12345678901234567,"count":42,"big":[123456789012345678901234567890,-1234567890123456],"small":123456789012345,"text":"12345678901234567","f":1.5}}"#;
    let r = parse_response(a, j, None);
    assert_ok(
        &r,
        json!({
            "waybill_id": "12345678901234567",
            "count": 42,
            "big": ["123456789012345678901234567890", "-1234567890123456"],
            "small": 123456789012345u64,
            "text": "12345678901234567",
            "f": 1.5
        }),
    );
    // Also through the real APIs, on a field the spec does not know.
    let r = parse(
        STATION,
        r#"{"logistics_station_tms_async_response":{"trace_id":20240501123456789}}"#,
    );
    assert_ok(&r, json!({ "trace_id": "20240501123456789" }));
}

#[test]
fn lists_in_the_platforms_style() {
    let a = typed_api();
    let xml = r#"<cainiao_endpoint_locker_top_order_tracking_new_response><codes list="true"><string>a</string><string>b</string></codes><flags><boolean>true</boolean></flags></cainiao_endpoint_locker_top_order_tracking_new_response>"#;
    // `flags` has no list marker, but the spec says it is a list of booleans.
    assert_ok(
        &parse_response(a, xml, None),
        json!({ "codes": ["a", "b"], "flags": [true] }),
    );
    let xml = "<cainiao_endpoint_locker_top_order_tracking_new_response><codes>a</codes><codes>b</codes><flags>false</flags></cainiao_endpoint_locker_top_order_tracking_new_response>";
    assert_ok(
        &parse_response(a, xml, None),
        json!({ "codes": ["a", "b"], "flags": [false] }),
    );
    let j = r#"{"cainiao_endpoint_locker_top_order_tracking_new_response":{"codes":{"string":["a","b"]},"flags":[true,false]}}"#;
    assert_ok(
        &parse_response(a, j, None),
        json!({ "codes": ["a", "b"], "flags": [true, false] }),
    );
    for format in [WireFormat::Json, WireFormat::Xml] {
        let data = json!({ "codes": ["x", "y<z"], "flags": [false, true], "count": 7 });
        let text = build_response(a, &data, format).expect("builds");
        assert_ok(&parse_response(a, &text, Some(format)), data);
    }
}

// --- build_response --------------------------------------------------------------

/// Success data for each API (what the documents describe, plus a request id
/// for the TOP ones).
fn success_data(name: &str) -> Value {
    match name {
        LOCKER => {
            json!({ "result": { "error_desc": "调用成功 <&>", "error_code": "200", "success": true } })
        }
        OPENALIBITY => json!({
            "result_msg": "", "result_code": "0", "result_success": true,
            "write_response": { "success": true, "error_code": "0", "error_msg": "ok" }
        }),
        QIMEN => json!({ "flag": "success", "code": "0", "message": "处理成功" }),
        STATION => {
            json!({ "station_async_response": { "success": true, "code": "200", "message": "SUCCESS", "is_retry": false } })
        }
        WHC => json!({ "result": { "res_msg": "ok", "res_code": "0", "success": true } }),
        _ => unreachable!(),
    }
}

#[test]
fn round_trips_success_data_for_every_api() {
    for name in ALL {
        let a = api(name);
        for format in [WireFormat::Json, WireFormat::Xml] {
            let data = success_data(name);
            let text = build_response(a, &data, format).expect("builds");
            let r = parse_response(a, &text, Some(format));
            assert_ok(&r, data.clone());
            if a.protocol == top_logistics::Protocol::Top {
                let mut with_id = data.clone();
                with_id["request_id"] = json!("rid-42");
                let text = build_response(a, &with_id, format).expect("builds");
                let r = parse_response(a, &text, Some(format));
                assert_ok(&r, data);
                assert_eq!(r.request_id.as_deref(), Some("rid-42"));
                if format == WireFormat::Xml {
                    assert!(
                        text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><"),
                        "{text}"
                    );
                    assert!(text.contains(&format!("<{}>", a.response_root())), "{text}");
                } else {
                    assert!(
                        text.starts_with(&format!("{{\"{}\":{{", a.response_root())),
                        "{text}"
                    );
                }
            }
        }
    }
}

#[test]
fn round_trips_top_errors_for_every_api() {
    for name in ALL {
        let a = api(name);
        for format in [WireFormat::Json, WireFormat::Xml] {
            let v = json!({ "error": { "code": 15, "msg": "Remote service error", "sub_code": "isv.invalid-parameter", "sub_msg": "非法参数 <x>", "request_id": "r-1" } });
            let text = build_response(a, &v, format).expect("builds");
            let r = parse_response(a, &text, None);
            let e = error(&r);
            assert_eq!(
                (
                    e.code.as_str(),
                    e.msg.as_str(),
                    e.sub_code.as_deref(),
                    e.sub_msg.as_deref(),
                    e.request_id.as_deref()
                ),
                (
                    "15",
                    "Remote service error",
                    Some("isv.invalid-parameter"),
                    Some("非法参数 <x>"),
                    Some("r-1")
                ),
                "{name} {format:?}: {text}"
            );
            assert!(!e.retryable);
            // The code given as text is sent as a number, as the gateway does.
            let text = build_response(a, &json!({ "error": { "code": "7", "msg": "App Call Limited", "sub_msg": "This ban will last for 5 more seconds" } }), format).expect("builds");
            if format == WireFormat::Json {
                assert!(text.contains("\"code\":7"), "{text}");
            }
            assert_eq!(
                error(&parse_response(a, &text, None)).retry_after_ms,
                Some(5000)
            );
        }
    }
}

#[test]
fn round_trips_business_and_qimen_failures() {
    for format in [WireFormat::Json, WireFormat::Xml] {
        let a = api(QIMEN);
        let v = json!({ "flag": "failure", "code": "sign-check-failure", "message": "Illegal request" });
        let text = build_response(a, &v, format).expect("builds");
        if format == WireFormat::Xml {
            assert_eq!(text, "<response><flag>failure</flag><code>sign-check-failure</code><message>Illegal request</message></response>");
        } else {
            assert_eq!(
                serde_json::from_str::<Value>(&text).ok(),
                Some(json!({ "response": v }))
            );
        }
        let r = parse_response(a, &text, Some(format));
        let e = error(&r);
        assert_eq!(
            (e.code.as_str(), e.retryable),
            ("sign-check-failure", false)
        );
        assert_eq!(r.data.as_ref(), Some(&v));

        let a = api(STATION);
        let v = json!({ "station_async_response": { "success": false, "code": "BUSY", "message": "稍后重试", "is_retry": true } });
        let r = parse_response(a, &build_response(a, &v, format).expect("builds"), None);
        assert_eq!(r.data.as_ref(), Some(&v));
        assert!(error(&r).retryable);
    }
}

#[test]
fn build_refuses_values_of_the_wrong_shape() {
    let top = api(LOCKER);
    let qimen = api(QIMEN);
    let cases: [(&Api, Value, WireFormat, &str); 7] = [
        (top, json!([1]), WireFormat::Json, ""),
        (top, json!({ "error": "boom" }), WireFormat::Xml, "/error"),
        (
            top,
            json!({ "error": { "msg": "no code" } }),
            WireFormat::Json,
            "/error/code",
        ),
        (
            top,
            json!({ "error": { "code": 15, "extra": 1 } }),
            WireFormat::Json,
            "/error/extra",
        ),
        (qimen, json!({ "flag": "maybe" }), WireFormat::Xml, "/flag"),
        (top, json!({ "bad name": 1 }), WireFormat::Xml, "/bad name"),
        (top, json!({ "x": [[1]] }), WireFormat::Xml, "/x/0"),
    ];
    for (a, v, format, path) in cases {
        let e = build_response(a, &v, format).expect_err("refused");
        assert_eq!(e.path, path, "{v}");
        assert!(!e.message.is_empty() && !e.message_zh.is_empty());
        assert!(!e.to_string().is_empty());
    }
    let mut deep = json!(1);
    for _ in 0..100 {
        deep = json!({ "a": deep });
    }
    for format in [WireFormat::Json, WireFormat::Xml] {
        assert!(build_response(top, &deep, format).is_err());
    }
    // XML 1.0 forbids control characters: dropped, as the Java SDK does.
    let text = build_response(
        top,
        &json!({ "result": { "error_desc": "a\u{1}b" } }),
        WireFormat::Xml,
    )
    .expect("builds");
    assert!(text.contains("<error_desc>ab</error_desc>"), "{text}");
}

#[test]
fn serialises_in_camel_case() {
    let r = top_error(
        7,
        "App Call Limited",
        None,
        Some("This ban will last for 2 more seconds"),
    );
    let v = serde_json::to_value(&r).expect("serialises");
    assert_eq!(v["ok"], json!(false));
    assert!(v.get("data").is_none());
    assert_eq!(v["requestId"], json!("rid-1"));
    assert_eq!(v["error"]["retryAfterMs"], json!(2000));
    assert_eq!(v["error"]["subCode"], Value::Null);
    assert!(v["error"]["hintZh"].is_string());
}

// --- never a panic ---------------------------------------------------------------

fn all_bodies() -> Vec<String> {
    let mut v: Vec<String> = ALL
        .iter()
        .map(|n| api(n).response.example_xml.to_string())
        .collect();
    v.push(SEED_ERROR_XML.to_string());
    v.push(SEED_ERROR_JSON.to_string());
    for n in ALL {
        for f in [WireFormat::Json, WireFormat::Xml] {
            if let Ok(t) = build_response(api(n), &success_data(n), f) {
                v.push(t);
            }
        }
    }
    v
}

fn check_invariants(r: &ParsedResponse) {
    assert_eq!(r.ok, r.error.is_none());
    if let Some(e) = &r.error {
        assert!(!e.code.is_empty() && !e.hint.is_empty() && !e.hint_zh.is_empty());
        assert!(e.retry_after_ms.is_none() || e.retryable);
    }
}

#[test]
fn every_prefix_of_every_body_parses_without_panic() {
    for body in all_bodies() {
        for (i, _) in body.char_indices() {
            for name in ALL {
                let r = parse(name, body.get(..i).unwrap_or(""));
                check_invariants(&r);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        for name in ALL {
            check_invariants(&parse(name, &s));
        }
    }

    #[test]
    fn mutated_bodies_never_panic(i in 0usize..20, at in any::<prop::sample::Index>(), insert in "[<>&\"{}\\[\\]:,0-9a-z!\\-]{0,6}") {
        let bodies = all_bodies();
        let body = &bodies[i % bodies.len()];
        let cut = body.char_indices().map(|(k, _)| k).nth(at.index(body.chars().count().max(1))).unwrap_or(0);
        let mutated = format!("{}{}{}", &body[..cut], insert, &body[cut..]);
        for name in ALL {
            check_invariants(&parse(name, &mutated));
        }
    }
}
