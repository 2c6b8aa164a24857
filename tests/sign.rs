//! Signature tests. Every expected digest was computed independently with Python 3
//! (the one-liner is quoted above each literal); none comes from the code under test.
#![cfg(not(target_arch = "wasm32"))] // native tests; tests/wasm_*.rs run in wasm

use proptest::prelude::*;
use top_logistics::sign::{is_blank, sign, verify_signature, SignMethod};

/// The published md5 vector (PROTOCOL.md, TOP doc article 101617).
const PUBLISHED: [(&str, &str); 9] = [
    ("method", "taobao.item.seller.get"),
    ("app_key", "12345678"),
    ("session", "test"),
    ("timestamp", "2016-01-01 12:00:00"),
    ("format", "json"),
    ("v", "2.0"),
    ("sign_method", "md5"),
    ("fields", "num_iid,title,nick,price,num"),
    ("num_iid", "11223344"),
];

const SECRET: &str = "test-secret-密钥";

/// Chinese text, `& = +` and spaces, emoji, an upper-case name (sorts before lower case in
/// byte order), U+00A0 alone (kept: not white space for Java), plus an empty value, a
/// white-space-only value (incl. U+001C and U+3000) and a blank name, all three dropped.
fn rich(sign_method: &str) -> Vec<(&str, &str)> {
    vec![
        ("method", "taobao.logistics.online.send"),
        ("app_key", "12345678"),
        ("timestamp", "2024-05-01 08:30:00"),
        ("format", "json"),
        ("v", "2.0"),
        ("sign_method", sign_method),
        ("receiver_name", "张三"),
        ("address", "北京市朝阳区 a&b=c+d"),
        ("memo", "📦 ok 😀"),
        ("Zkey", "upper"),
        ("empty", ""),
        ("blank", " \t\r\n\u{1C}\u{3000}"),
        ("nbsp", "\u{00A0}"),
        (" ", "blank name"),
    ]
}

const QIMEN_SECRET: &str = "qimen-secret";
const QIMEN_BODY: &str = "<request><orderCode>RO-1</orderCode><warehouseCode>WH01</warehouseCode><remark>退货包裹 &amp; 备注</remark></request>";

fn qimen(method: &str, sign_method: &str) -> Vec<(String, String)> {
    [
        ("method", method),
        ("timestamp", "2024-05-01 08:30:00"),
        ("format", "xml"),
        ("app_key", "12345678"),
        ("v", "2.0"),
        ("sign_method", sign_method),
        ("customerId", "C001"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn with_sign<K: ToString, V: ToString>(params: &[(K, V)], sign: &str) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([("sign".to_owned(), sign.to_owned())])
        .collect()
}

// python3 -c 'import hashlib;p={"method":"taobao.item.seller.get","app_key":"12345678","session":"test","timestamp":"2016-01-01 12:00:00","format":"json","v":"2.0","sign_method":"md5","fields":"num_iid,title,nick,price,num","num_iid":"11223344"};s="".join(k+v for k,v in sorted(p.items()));k="helloworld";print(hashlib.md5((k+s+k).encode()).hexdigest().upper())'
const PUBLISHED_SIGN: &str = "66987CB115214E59E6EC978214934FB8";

// python3 -c 'import hashlib;p={"method":"taobao.logistics.online.send","app_key":"12345678","timestamp":"2024-05-01 08:30:00","format":"json","v":"2.0","sign_method":"md5","receiver_name":"张三","address":"北京市朝阳区 a&b=c+d","memo":"📦 ok 😀","Zkey":"upper","nbsp":"\u00a0"};s="".join(k+v for k,v in sorted(p.items()));k="test-secret-密钥";print(hashlib.md5((k+s+k).encode()).hexdigest().upper())'
const RICH_MD5: &str = "474417D4C5DF595CB5C6F8C9CDB9D9FD";

// python3 -c 'import hashlib,hmac;p={"method":"taobao.logistics.online.send","app_key":"12345678","timestamp":"2024-05-01 08:30:00","format":"json","v":"2.0","sign_method":"hmac","receiver_name":"张三","address":"北京市朝阳区 a&b=c+d","memo":"📦 ok 😀","Zkey":"upper","nbsp":"\u00a0"};s="".join(k+v for k,v in sorted(p.items()));print(hmac.new("test-secret-密钥".encode(),s.encode(),hashlib.md5).hexdigest().upper())'
const RICH_HMAC: &str = "09F40C3A91475791F1D1855E7FEC9AA2";

// python3 -c 'import hashlib,hmac;p={"method":"taobao.logistics.online.send","app_key":"12345678","timestamp":"2024-05-01 08:30:00","format":"json","v":"2.0","sign_method":"hmac-sha256","receiver_name":"张三","address":"北京市朝阳区 a&b=c+d","memo":"📦 ok 😀","Zkey":"upper","nbsp":"\u00a0"};s="".join(k+v for k,v in sorted(p.items()));print(hmac.new("test-secret-密钥".encode(),s.encode(),hashlib.sha256).hexdigest().upper())'
const RICH_HMAC_SHA256: &str = "98DF1E0FDD3B4E4EA3E85F2396E5B58F0B6A4B4108DDE45531DAB128C054F752";

// python3 -c 'import hashlib;p={"method":"taobao.qimen.returnpackage.report","timestamp":"2024-05-01 08:30:00","format":"xml","app_key":"12345678","v":"2.0","sign_method":"md5","customerId":"C001"};b="<request><orderCode>RO-1</orderCode><warehouseCode>WH01</warehouseCode><remark>退货包裹 &amp; 备注</remark></request>";s="".join(k+v for k,v in sorted(p.items()));k="qimen-secret";print(hashlib.md5((k+s+b+k).encode()).hexdigest().upper())'
const QIMEN_MD5_PREFIXED: &str = "1E3E8DCA1222F33518E022F6642FFFA5";

// Same as above with "method":"qimen.returnpackage.report".
const QIMEN_MD5_UNPREFIXED: &str = "0979E786FD924649D039201D30565ED7";

// python3 -c 'import hashlib,hmac;p={"method":"taobao.qimen.returnpackage.report","timestamp":"2024-05-01 08:30:00","format":"xml","app_key":"12345678","v":"2.0","sign_method":"hmac-sha256","customerId":"C001"};b="<request><orderCode>RO-1</orderCode><warehouseCode>WH01</warehouseCode><remark>退货包裹 &amp; 备注</remark></request>";s="".join(k+v for k,v in sorted(p.items()));print(hmac.new(b"qimen-secret",(s+b).encode(),hashlib.sha256).hexdigest().upper())'
const QIMEN_HMAC_SHA256: &str = "6B13F03CA9CC36C4CBF6E7E10E62CDA0C4CC44F8CE576EADE78AE34AD1C250AD";

// Same as above with "sign_method":"hmac" and hashlib.md5.
const QIMEN_HMAC: &str = "4544BFCAA2D5329C5F6C022F40DEA9FF";

#[test]
fn sign_published_vector() {
    assert_eq!(
        sign(PUBLISHED, "helloworld", SignMethod::Md5, None),
        PUBLISHED_SIGN
    );
}

#[test]
fn sign_rich_values_all_methods() {
    assert_eq!(sign(rich("md5"), SECRET, SignMethod::Md5, None), RICH_MD5);
    assert_eq!(
        sign(rich("hmac"), SECRET, SignMethod::Hmac, None),
        RICH_HMAC
    );
    assert_eq!(
        sign(rich("hmac-sha256"), SECRET, SignMethod::HmacSha256, None),
        RICH_HMAC_SHA256
    );
}

#[test]
fn sign_ignores_existing_sign_param_and_input_order() {
    let mut params = rich("md5");
    params.reverse();
    params.push(("sign", "WHATEVER"));
    assert_eq!(sign(params, SECRET, SignMethod::Md5, None), RICH_MD5);
}

#[test]
fn sign_qimen_body_appended() {
    let p = qimen("taobao.qimen.returnpackage.report", "md5");
    assert_eq!(
        sign(
            p.iter().map(|(k, v)| (k, v)),
            QIMEN_SECRET,
            SignMethod::Md5,
            Some(QIMEN_BODY)
        ),
        QIMEN_MD5_PREFIXED
    );
    let p = qimen("taobao.qimen.returnpackage.report", "hmac-sha256");
    assert_eq!(
        sign(p, QIMEN_SECRET, SignMethod::HmacSha256, Some(QIMEN_BODY)),
        QIMEN_HMAC_SHA256
    );
    let p = qimen("taobao.qimen.returnpackage.report", "hmac");
    assert_eq!(
        sign(p, QIMEN_SECRET, SignMethod::Hmac, Some(QIMEN_BODY)),
        QIMEN_HMAC
    );
}

#[test]
fn sign_duplicate_names_last_wins() {
    // python3 -c 'import hashlib;s="a1tid2";k="dup";print(hashlib.md5((k+s+k).encode()).hexdigest().upper())'
    let params = [("tid", "1"), ("a", "1"), ("tid", "2")];
    assert_eq!(
        sign(params, "dup", SignMethod::Md5, None),
        "3814D7D1F1EBBA187D9CC7B38DA1463C"
    );
    // The last value is blank, so the name is dropped altogether (Java: put, then isEmpty).
    // python3 -c 'import hashlib;s="a1";k="dup";print(hashlib.md5((k+s+k).encode()).hexdigest().upper())'
    let params = [("tid", "2"), ("a", "1"), ("tid", " ")];
    assert_eq!(
        sign(params, "dup", SignMethod::Md5, None),
        "5091BA252712473589F3E9131E1E768A"
    );
}

#[test]
fn sign_is_blank_matches_java_character_is_whitespace() {
    // Expected set printed by Java 17 itself:
    // for (int c = 0; c < 0x110000; c++) if (Character.isWhitespace(c)) print(hex(c))
    const JAVA: &str =
        "0009 000A 000B 000C 000D 001C 001D 001E 001F 0020 1680 2000 2001 2002 2003 2004 \
                        2005 2006 2008 2009 200A 2028 2029 205F 3000";
    let java: Vec<u32> = JAVA
        .split_whitespace()
        .filter_map(|h| u32::from_str_radix(h, 16).ok())
        .collect();
    assert_eq!(java.len(), 25);
    for c in (0..0x11_0000).filter_map(char::from_u32) {
        assert_eq!(
            is_blank(c.encode_utf8(&mut [0; 4])),
            java.contains(&(c as u32)),
            "U+{:04X}",
            c as u32
        );
    }
    assert!(is_blank(""));
    assert!(is_blank(" \t\u{1F}\u{3000}"));
    for kept in [
        "\u{00A0}", "\u{2007}", "\u{202F}", "\u{0085}", "\u{200B}", " x ",
    ] {
        assert!(!is_blank(kept), "{kept:?}");
    }
}

#[test]
fn verify_accepts_correct_signatures() {
    assert!(verify_signature(
        with_sign(&PUBLISHED, PUBLISHED_SIGN),
        None,
        "helloworld"
    ));
    assert!(verify_signature(
        with_sign(&rich("md5"), RICH_MD5),
        None,
        SECRET
    ));
    assert!(verify_signature(
        with_sign(&rich("hmac"), RICH_HMAC),
        None,
        SECRET
    ));
    assert!(verify_signature(
        with_sign(&rich("hmac-sha256"), RICH_HMAC_SHA256),
        None,
        SECRET
    ));
    let q = with_sign(
        &qimen("taobao.qimen.returnpackage.report", "md5"),
        QIMEN_MD5_PREFIXED,
    );
    assert!(verify_signature(q, Some(QIMEN_BODY), QIMEN_SECRET));
    let q = with_sign(
        &qimen("taobao.qimen.returnpackage.report", "hmac-sha256"),
        QIMEN_HMAC_SHA256,
    );
    assert!(verify_signature(q, Some(QIMEN_BODY), QIMEN_SECRET));
    let q = with_sign(
        &qimen("taobao.qimen.returnpackage.report", "hmac"),
        QIMEN_HMAC,
    );
    assert!(verify_signature(q, Some(QIMEN_BODY), QIMEN_SECRET));
}

#[test]
fn verify_defaults_to_md5_without_sign_method() {
    // python3 -c 'import hashlib;p={"method":"taobao.item.seller.get","app_key":"12345678","session":"test","timestamp":"2016-01-01 12:00:00","format":"json","v":"2.0","fields":"num_iid,title,nick,price,num","num_iid":"11223344"};s="".join(k+v for k,v in sorted(p.items()));k="helloworld";print(hashlib.md5((k+s+k).encode()).hexdigest().upper())'
    let q: Vec<_> = PUBLISHED
        .iter()
        .filter(|(k, _)| *k != "sign_method")
        .collect();
    let q: Vec<_> = q.iter().map(|(k, v)| (*k, *v)).collect();
    assert!(verify_signature(
        with_sign(&q, "FDCF629E159E33081F0BADACEC016CD5"),
        None,
        "helloworld"
    ));
}

#[test]
fn verify_accepts_lower_case_hex() {
    assert!(verify_signature(
        with_sign(&PUBLISHED, &PUBLISHED_SIGN.to_lowercase()),
        None,
        "helloworld"
    ));
    assert!(verify_signature(
        with_sign(&rich("hmac-sha256"), &RICH_HMAC_SHA256.to_lowercase()),
        None,
        SECRET
    ));
}

#[test]
fn verify_accepts_both_qimen_method_forms() {
    // Signed with the prefixed name, received unprefixed...
    let q = with_sign(
        &qimen("qimen.returnpackage.report", "md5"),
        QIMEN_MD5_PREFIXED,
    );
    assert!(verify_signature(q, Some(QIMEN_BODY), QIMEN_SECRET));
    // ...and vice versa.
    let q = with_sign(
        &qimen("taobao.qimen.returnpackage.report", "md5"),
        QIMEN_MD5_UNPREFIXED,
    );
    assert!(verify_signature(q, Some(QIMEN_BODY), QIMEN_SECRET));
    // As sent, of course.
    let q = with_sign(
        &qimen("qimen.returnpackage.report", "md5"),
        QIMEN_MD5_UNPREFIXED,
    );
    assert!(verify_signature(q, Some(QIMEN_BODY), QIMEN_SECRET));
    // A different method name is still a mismatch.
    let q = with_sign(
        &qimen("taobao.qimen.entryorder.confirm", "md5"),
        QIMEN_MD5_PREFIXED,
    );
    assert!(!verify_signature(q, Some(QIMEN_BODY), QIMEN_SECRET));
}

#[test]
fn verify_rejects_tampering_and_bad_input() {
    // Tampered value.
    let mut q = with_sign(&PUBLISHED, PUBLISHED_SIGN);
    q[7].1 = "num_iid,title,nick,price".to_owned();
    assert!(!verify_signature(q, None, "helloworld"));
    // Extra parameter.
    let mut q = with_sign(&PUBLISHED, PUBLISHED_SIGN);
    q.push(("extra".to_owned(), "1".to_owned()));
    assert!(!verify_signature(q, None, "helloworld"));
    // Wrong secret; empty secret.
    assert!(!verify_signature(
        with_sign(&PUBLISHED, PUBLISHED_SIGN),
        None,
        "helloworlD"
    ));
    assert!(!verify_signature(
        with_sign(&PUBLISHED, PUBLISHED_SIGN),
        None,
        ""
    ));
    // Tampered, missing or unexpected body.
    let q = || {
        with_sign(
            &qimen("taobao.qimen.returnpackage.report", "md5"),
            QIMEN_MD5_PREFIXED,
        )
    };
    let tampered = QIMEN_BODY.replace("RO-1", "RO-2");
    assert!(!verify_signature(q(), Some(&tampered), QIMEN_SECRET));
    assert!(!verify_signature(q(), None, QIMEN_SECRET));
    assert!(!verify_signature(
        with_sign(&PUBLISHED, PUBLISHED_SIGN),
        Some("<request/>"),
        "helloworld"
    ));
    // Missing or blank sign.
    assert!(!verify_signature(PUBLISHED, None, "helloworld"));
    assert!(!verify_signature(
        with_sign(&PUBLISHED, ""),
        None,
        "helloworld"
    ));
    // Unknown sign_method (signature otherwise right for md5).
    let q: Vec<_> = with_sign(&PUBLISHED, PUBLISHED_SIGN)
        .into_iter()
        .map(|(k, v)| {
            if k == "sign_method" {
                (k, "sha1".to_owned())
            } else {
                (k, v)
            }
        })
        .collect();
    assert!(!verify_signature(q, None, "helloworld"));
    // Signature computed with another method than the one declared.
    let q = with_sign(&rich("hmac"), RICH_MD5);
    assert!(!verify_signature(q, None, SECRET));
    // Truncated signature.
    assert!(!verify_signature(
        with_sign(&PUBLISHED, &PUBLISHED_SIGN[..31]),
        None,
        "helloworld"
    ));
    // A later duplicate `sign` wins, like the Java map.
    let mut q = with_sign(&PUBLISHED, PUBLISHED_SIGN);
    q.push((
        "sign".to_owned(),
        "00000000000000000000000000000000".to_owned(),
    ));
    assert!(!verify_signature(q, None, "helloworld"));
}

#[test]
fn sign_secret_not_in_debug_or_output() {
    // The module's only public type carries no secret; outputs are digests only.
    let secret = "super-secret-value";
    for m in [SignMethod::Md5, SignMethod::Hmac, SignMethod::HmacSha256] {
        assert!(!format!("{m:?}").contains(secret));
        let out = sign(PUBLISHED, secret, m, Some(secret));
        assert!(!out.contains(secret));
        assert!(
            out.chars()
                .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)),
            "{out}"
        );
        assert_eq!(out.len(), if m == SignMethod::HmacSha256 { 64 } else { 32 });
    }
}

#[test]
fn sign_method_serde_names() {
    for (m, s) in [
        (SignMethod::Md5, "md5"),
        (SignMethod::Hmac, "hmac"),
        (SignMethod::HmacSha256, "hmac-sha256"),
    ] {
        assert_eq!(serde_json::to_string(&m).ok(), Some(format!("\"{s}\"")));
        assert_eq!(
            serde_json::from_str::<SignMethod>(&format!("\"{s}\"")).ok(),
            Some(m)
        );
        assert_eq!(m.as_str(), s);
    }
    assert_eq!(
        SignMethod::parse("Hmac-SHA256"),
        Some(SignMethod::HmacSha256)
    );
    assert_eq!(SignMethod::parse("MD5"), Some(SignMethod::Md5));
    assert_eq!(SignMethod::parse("sha1"), None);
}

proptest! {
    // No input may panic (a panic kills the WebAssembly module), and whatever `sign`
    // produces verifies with the same secret (self-consistency, not an expected value).
    #[test]
    fn sign_never_panics_and_round_trips(
        params in prop::collection::vec(("[a-z_]{0,6}|\\PC{0,4}", "\\PC{0,8}"), 0..8),
        body in prop::option::of("\\PC{0,16}"),
        secret in "\\PC{1,12}",
        raw_method in "\\PC{0,12}",
    ) {
        let _ = verify_signature(params.clone(), body.as_deref(), &secret);
        let _ = SignMethod::parse(&raw_method);
        let params: Vec<_> = params.into_iter().filter(|(k, _)| !k.starts_with("sign")).collect();
        for m in [SignMethod::Md5, SignMethod::Hmac, SignMethod::HmacSha256] {
            let mut q = params.clone();
            q.push(("sign_method".to_owned(), m.as_str().to_owned()));
            let s = sign(q.clone(), &secret, m, body.as_deref());
            q.push(("sign".to_owned(), s));
            prop_assert_eq!(verify_signature(q, body.as_deref(), &secret), !is_blank(&secret));
        }
    }
}
