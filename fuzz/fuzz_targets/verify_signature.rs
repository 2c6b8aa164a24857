//! Signatures: `verify_signature` of arbitrary query pairs, body and secret
//! never panics; a query signed with `sign` (sign_method included, as
//! `build_request` does) always verifies; a one-character change in a
//! signed value or in the body makes it fail.
//!
//! An input starting with `Q` is text: a form-encoded query, a newline, the
//! body, a newline, the secret (the committed seeds); anything else is read
//! with `arbitrary`.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use top_logistics::sign::{is_blank, sign, verify_signature, SignMethod};

/// The pairs as `(name, value)` items, the shape `sign` and `verify_signature` take.
fn kv(pairs: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

const METHODS: [SignMethod; 3] = [SignMethod::Md5, SignMethod::Hmac, SignMethod::HmacSha256];

/// `s` with its `i`-th character (mod length) replaced by a different one.
fn change_one(s: &str, i: usize, by: char) -> Option<String> {
    let n = s.chars().count();
    if n == 0 {
        return None;
    }
    let i = i % n;
    let mut chars: Vec<char> = s.chars().collect();
    chars[i] = if chars[i] == by { 'Ω' } else { by };
    if chars[i] == s.chars().nth(i)? {
        chars[i] = '#';
    }
    Some(chars.into_iter().collect())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (pairs, body, secret): (Vec<(String, String)>, Option<String>, String) =
        if data.first() == Some(&b'Q') {
            let text = String::from_utf8_lossy(&data[1..]).into_owned();
            let mut parts = text.splitn(3, '\n');
            let query = parts.next().unwrap_or("");
            let body = parts.next().map(str::to_string);
            let secret = parts.next().unwrap_or("secret").to_string();
            let pairs = form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            (pairs, body, secret)
        } else {
            match u.arbitrary() {
                Ok(t) => t,
                Err(_) => return,
            }
        };
    // 1. Anything: an answer, never a panic.
    let _ = verify_signature(kv(&pairs), body.as_deref(), &secret);

    // 2. Signed as build_request does: sign_method among the parameters.
    let method = METHODS[usize::from(u.int_in_range(0..=2u8).unwrap_or(0))];
    let mut query: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "sign").collect();
    query.push(("sign_method".into(), method.as_str().into()));
    let signature = sign(kv(&query), &secret, method, body.as_deref());
    let mut signed = query.clone();
    signed.push(("sign".into(), signature.clone()));
    let verifies = verify_signature(kv(&signed), body.as_deref(), &secret);
    assert_eq!(verifies, !is_blank(&secret), "{signed:?} {body:?}");
    if is_blank(&secret) {
        return;
    }
    // A lower-case hex signature verifies too.
    let mut lower = query.clone();
    lower.push(("sign".into(), signature.to_ascii_lowercase()));
    assert!(verify_signature(kv(&lower), body.as_deref(), &secret));

    // 3. One character changed in a value that is signed (the last value of
    //    a name that is not blank, not `sign`) or in the body: refused.
    let by = u.arbitrary::<char>().unwrap_or('x');
    let at = u.arbitrary::<usize>().unwrap_or(0);
    let effective: BTreeMap<&str, (usize, &str)> = query
        .iter()
        .enumerate()
        .map(|(i, (k, v))| (k.as_str(), (i, v.as_str())))
        .collect();
    let candidates: Vec<usize> = effective
        .iter()
        .filter(|(k, (_, v))| !is_blank(k) && !is_blank(v))
        .map(|(_, (i, _))| *i)
        .collect();
    if !candidates.is_empty() {
        let i = candidates[at % candidates.len()];
        let mut tampered = signed.clone();
        if let Some(changed) = change_one(&tampered[i].1, at / 7, by) {
            tampered[i].1 = changed;
            assert!(
                !verify_signature(kv(&tampered), body.as_deref(), &secret),
                "changed {:?}: {tampered:?}",
                signed[i]
            );
        }
    }
    if let Some(b) = &body {
        if let Some(changed) = change_one(b, at / 3, by) {
            assert!(
                !verify_signature(kv(&signed), Some(&changed), &secret),
                "body {b:?} -> {changed:?}"
            );
        }
    }
});
