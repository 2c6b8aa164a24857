//! Long integers in JSON responses.
//!
//! Why a pre-scan: without serde_json's `arbitrary_precision` feature (not
//! enabled, and enabling it would change number handling for the whole
//! crate), serde_json turns a number into `u64`/`i64`/`f64` *before* any
//! visitor sees it, and a number above `u64::MAX` arrives as an already
//! rounded `f64`. Only the text still holds every digit. So this lexer walks
//! the text once, skipping strings, and puts quotes around each integer of 16
//! or more digits that stands in a value position (after `:`, `[`, or a `,`
//! inside an array, or at the top level); a number in a key position is left
//! alone so that invalid JSON stays invalid. It is not a parser: serde_json
//! still checks the result, so a mistake here can only make valid JSON hold a
//! string where it held a number, never make invalid JSON pass.

use std::borrow::Cow;

/// The digit count from which an integer is kept as a string. 16 digits is
/// where JavaScript numbers (2^53 ≈ 9.007e15) start to lose digits; one rule
/// for every such number, like the official Node SDK.
pub(crate) const LONG_DIGITS: usize = 16;

/// Whether `token` is an integer (`-?[1-9][0-9]*`) of 16 or more digits.
pub(crate) fn is_long_integer(token: &str) -> bool {
    let digits = token.strip_prefix('-').unwrap_or(token);
    digits.len() >= LONG_DIGITS
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// `text` with every long integer in a value position turned into a string.
pub(crate) fn quote_long_integers(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    // Open containers, `{` or `[`.
    let mut stack: Vec<u8> = Vec::new();
    // The last structural byte outside strings (0: none yet).
    let mut prev = 0u8;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => break,
                        Some(b'\\') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                prev = b'"';
            }
            b'{' | b'[' => {
                stack.push(b);
                prev = b;
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                prev = b;
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while let Some(c) = bytes.get(i) {
                    if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E') {
                        i += 1;
                    } else {
                        break;
                    }
                }
                let value_position = match prev {
                    0 | b':' | b'[' => true,
                    b',' => stack.last() == Some(&b'['),
                    _ => false,
                };
                // `start..i` holds ASCII bytes only, so both ends are char boundaries.
                if let Some(token) = text.get(start..i) {
                    if value_position && is_long_integer(token) {
                        let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
                        buf.push_str(text.get(copied..start).unwrap_or(""));
                        buf.push('"');
                        buf.push_str(token);
                        buf.push('"');
                        copied = i;
                    }
                }
                prev = b'0';
            }
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => {
                prev = b;
                i += 1;
            }
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut buf) => {
            buf.push_str(text.get(copied..).unwrap_or(""));
            Cow::Owned(buf)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_long_integers_in_value_positions() {
        let t = r#"{"a":12345678901234567,"b":[1,-12345678901234567, 1234567890123456.5],"c":"12345678901234567 \" 99999999999999999","d":123456789012345}"#;
        assert_eq!(
            quote_long_integers(t),
            r#"{"a":"12345678901234567","b":[1,"-12345678901234567", 1234567890123456.5],"c":"12345678901234567 \" 99999999999999999","d":123456789012345}"#
        );
        assert_eq!(
            quote_long_integers("{12345678901234567:1}"),
            "{12345678901234567:1}"
        );
        assert!(matches!(quote_long_integers("{\"a\":1}"), Cow::Borrowed(_)));
    }
}
