//! Request signatures for TOP `router/rest` and Qimen, following the Java SDK's
//! `TaobaoUtils.signTopRequest` (and `SpiUtils.checkSign` for the receiving side).
//!
//! Nothing here panics (a panic kills the WebAssembly module) and the secret never
//! leaves this module: only digests (upper-case hex) and booleans are returned.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The `sign_method` system parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SignMethod {
    /// `MD5(secret + s + secret)`.
    #[serde(rename = "md5")]
    Md5,
    /// HMAC-MD5 keyed with the secret.
    #[serde(rename = "hmac")]
    Hmac,
    /// HMAC-SHA256 keyed with the secret.
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
}

impl SignMethod {
    /// The wire name: `md5`, `hmac` or `hmac-sha256`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignMethod::Md5 => "md5",
            SignMethod::Hmac => "hmac",
            SignMethod::HmacSha256 => "hmac-sha256",
        }
    }

    /// Parses a wire name, ignoring ASCII case (`MD5`, `HMAC-SHA256` are seen in the wild).
    pub fn parse(s: &str) -> Option<SignMethod> {
        [SignMethod::Md5, SignMethod::Hmac, SignMethod::HmacSha256]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
    }
}

/// Java's `Character.isWhitespace` (checked against Java 17): unlike Rust's
/// `char::is_whitespace` it excludes the no-break spaces U+00A0, U+2007, U+202F and
/// U+0085, and includes the separators U+001C..U+001F.
fn is_java_whitespace(c: char) -> bool {
    matches!(c,
        '\u{09}'..='\u{0D}' | '\u{1C}'..='\u{20}' | '\u{1680}'
        | '\u{2000}'..='\u{2006}' | '\u{2008}'..='\u{200A}'
        | '\u{2028}' | '\u{2029}' | '\u{205F}' | '\u{3000}')
}

/// Whether a value is "empty" in the Java SDK's sense (`StringUtils.isEmpty`: empty or
/// only Java white space). Such names/values are dropped from signing AND from sending,
/// so what is signed is what is sent.
pub fn is_blank(s: &str) -> bool {
    // Answered at the first byte for the usual value, which starts with a
    // printable ASCII character (never Java white space).
    match s.as_bytes().first() {
        Some(b'!'..=b'~') => false,
        _ => s.chars().all(is_java_whitespace),
    }
}

/// Signs pairs in any order, a name given twice counting once with its last
/// value (see [`sign`]): sorted in place, no map and no string to sign built.
pub(crate) fn sign_pairs(
    mut pairs: Vec<(&str, &str)>,
    secret: &str,
    method: SignMethod,
    body: Option<&str>,
) -> String {
    // Reversed, a stable sort puts each name's last value first in its run,
    // which is the one `dedup_by` keeps.
    pairs.reverse();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs.dedup_by(|later, first| later.0 == first.0);
    digest(signed(pairs.into_iter(), body), secret, method)
}

/// The string to sign, as pieces: name, value, name, value, ..., body.
fn signed<'a>(
    sorted: impl Iterator<Item = (&'a str, &'a str)>,
    body: Option<&'a str>,
) -> impl Iterator<Item = &'a str> {
    sorted
        .filter(|(k, v)| *k != "sign" && !is_blank(k) && !is_blank(v))
        .flat_map(|(k, v)| [k, v])
        .chain(body)
}

fn digest<'a>(pieces: impl Iterator<Item = &'a str>, secret: &str, method: SignMethod) -> String {
    match method {
        SignMethod::Md5 => {
            let mut h = Md5::new();
            h.update(secret);
            pieces.for_each(|p| h.update(p));
            h.update(secret);
            hex_upper(&h.finalize())
        }
        SignMethod::Hmac => hmac_hex::<Hmac<Md5>>(secret, pieces),
        SignMethod::HmacSha256 => hmac_hex::<Hmac<Sha256>>(secret, pieces),
    }
}

fn hmac_hex<'a, M: Mac + KeyInit>(secret: &str, pieces: impl Iterator<Item = &'a str>) -> String {
    match <M as KeyInit>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            pieces.for_each(|p| mac.update(p.as_bytes()));
            hex_upper(&mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length, so this cannot happen; avoid a panic path anyway.
        // An empty string never verifies (a blank `sign` is rejected before comparing).
        Err(_) => String::new(),
    }
}

fn hex_upper(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    bytes
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 0x0F)]])
        .map(char::from)
        .collect()
}

/// TOP rule: every parameter except `sign`, dropping names/values that are empty or only
/// white space in Java's sense ([`is_blank`]), sorted by name in byte order, `name + value`
/// concatenated, then `body` appended if given (Qimen: the request body is appended after
/// the sorted parameters), then:
/// md5: MD5(secret + s + secret); hmac: HMAC-MD5(key=secret, s);
/// hmac-sha256: HMAC-SHA256(key=secret, s); upper-case hex over UTF-8 bytes.
///
/// A name given more than once counts once, with its last value (Java's `Map::put`); if that
/// last value is blank the parameter is dropped even when an earlier value was not.
pub fn sign<I, K, V>(params: I, secret: &str, method: SignMethod, body: Option<&str>) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let pairs: Vec<(K, V)> = params.into_iter().collect();
    sign_pairs(
        pairs
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .collect(),
        secret,
        method,
        body,
    )
}

/// For a server that RECEIVES a signed request (a Qimen request at a WMS/ERP, or a platform
/// push): reads `sign` and `sign_method` (default md5) from `query`, signs the other query
/// params (+ body when given) and compares in constant time, ignoring the case of the hex.
///
/// Receivers see Qimen method names both with and without the `taobao.` prefix, so when the
/// signature does not verify with `method` as sent, the other form is tried too.
///
/// Returns false when `sign` is missing or blank, `sign_method` is unknown, or the secret is
/// blank (a misconfigured receiver must not accept requests signed with an empty key).
/// Duplicate names: the last one wins, as in [`sign`].
pub fn verify_signature<I, K, V>(query: I, body: Option<&str>, secret: &str) -> bool
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    if is_blank(secret) {
        return false;
    }
    let pairs: Vec<(K, V)> = query.into_iter().collect();
    let mut params: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    // A name's last value is the one that counts, as when signing.
    let last = |name: &str| {
        params
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    };
    let given = match last("sign") {
        Some(s) if !is_blank(s) => s.to_ascii_uppercase(),
        _ => return false,
    };
    // A blank sign_method is not sent by the SDK (blank values are dropped): default md5.
    let method = match last("sign_method") {
        Some(m) if !is_blank(m) => match SignMethod::parse(m) {
            Some(m) => m,
            None => return false,
        },
        _ => SignMethod::Md5,
    };
    let matches = |p: Vec<(&str, &str)>| -> bool {
        sign_pairs(p, secret, method, body)
            .as_bytes()
            .ct_eq(given.as_bytes())
            .into()
    };
    if matches(params.clone()) {
        return true;
    }
    let alternative = match last("method") {
        Some(m) => match m.strip_prefix("taobao.") {
            Some(rest) => rest.to_owned(),
            None => format!("taobao.{m}"),
        },
        None => return false,
    };
    params.push(("method", &alternative));
    matches(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_method_names_round_trip() {
        for m in [SignMethod::Md5, SignMethod::Hmac, SignMethod::HmacSha256] {
            assert_eq!(SignMethod::parse(m.as_str()), Some(m));
        }
        assert_eq!(
            SignMethod::parse("HMAC-SHA256"),
            Some(SignMethod::HmacSha256)
        );
        assert_eq!(SignMethod::parse("MD5"), Some(SignMethod::Md5));
        assert_eq!(SignMethod::parse("sha256"), None);
        assert_eq!(SignMethod::parse(""), None);
    }

    #[test]
    fn sign_hex_is_upper_case() {
        assert_eq!(hex_upper(&[0x00, 0x0f, 0xa5, 0xff]), "000FA5FF");
    }
}
