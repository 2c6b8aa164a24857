//! The value formats of `spec::Format`, each a small pure check. A check
//! returns the problems it finds; the walker in `mod.rs` attaches paths.

use super::Problem;
use crate::spec::Level;
use crate::time;

const DAY_MS: i64 = 86_400_000;

/// Epoch milliseconds: 13 digits, and near enough to now.
pub fn epoch_millis(
    v: i64,
    now_ms: i64,
    past_days: u32,
    future_days: u32,
    out: &mut Vec<(Level, Problem)>,
) {
    let digits = if v <= 0 { 0 } else { v.ilog10() + 1 };
    if digits != 13 {
        let hint = match digits {
            10 => Hint::LooksLikeSeconds,
            _ => Hint::Digits13,
        };
        out.push((
            Level::Error,
            Problem::Format {
                format: "epoch_millis",
                hint,
            },
        ));
        return;
    }
    let (min, max) = (
        now_ms - past_days as i64 * DAY_MS,
        now_ms + future_days as i64 * DAY_MS,
    );
    if v < min || v > max {
        out.push((
            Level::Warning,
            Problem::TimeRange {
                min,
                max,
                actual: v,
            },
        ));
    }
}

/// `yyyy-MM-dd HH:mm:ss`, a real date.
pub fn datetime(s: &str, out: &mut Vec<(Level, Problem)>) {
    if time::parse_datetime_gmt8(s).is_none() {
        out.push((
            Level::Error,
            Problem::Format {
                format: "datetime",
                hint: Hint::DateTime,
            },
        ));
    }
}

/// A coordinate: within ±`limit`, with 6 to 14 decimals.
pub fn coordinate(s: &str, format: &'static str, limit: f64, out: &mut Vec<(Level, Problem)>) {
    let Some((int, frac)) = split_decimal(s.strip_prefix('-').unwrap_or(s)) else {
        out.push((
            Level::Error,
            Problem::Format {
                format,
                hint: Hint::Coordinate,
            },
        ));
        return;
    };
    match s.parse::<f64>() {
        Ok(v) if v.abs() <= limit => {}
        _ => out.push((
            Level::Error,
            Problem::Range {
                min: (-limit).into(),
                max: limit.into(),
                actual: s.into(),
            },
        )),
    }
    if !(6..=14).contains(&frac.len()) || int.is_empty() {
        out.push((
            Level::Error,
            Problem::Format {
                format,
                hint: Hint::Coordinate,
            },
        ));
    }
}

/// A non-negative decimal; `precision` digits in all, `scale` after the point.
pub fn decimal(s: &str, precision: u8, scale: u8, out: &mut Vec<(Level, Problem)>) {
    let Some((int, frac)) = split_decimal(s).filter(|(i, _)| !i.is_empty()) else {
        out.push((
            Level::Error,
            Problem::Format {
                format: "decimal",
                hint: Hint::Decimal { precision, scale },
            },
        ));
        return;
    };
    let too_precise = scale > 0 && frac.len() > scale as usize;
    let too_large =
        precision > 0 && int.trim_start_matches('0').len() > (precision - scale) as usize;
    if too_precise || too_large {
        out.push((
            Level::Error,
            Problem::Format {
                format: "decimal",
                hint: Hint::Decimal { precision, scale },
            },
        ));
    }
}

/// A non-negative integer in a string.
pub fn quantity(s: &str, out: &mut Vec<(Level, Problem)>) {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        out.push((
            Level::Error,
            Problem::Format {
                format: "quantity",
                hint: Hint::Quantity,
            },
        ));
    }
}

pub fn pickup_code(s: &str, out: &mut Vec<(Level, Problem)>) {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        out.push((
            Level::Error,
            Problem::Format {
                format: "pickup_code",
                hint: Hint::PickupCode,
            },
        ));
    }
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum PhoneKind {
    Mobile,
    Landline,
    ServiceNumber,
    /// A landline of 7 or 8 digits without its area code.
    LocalOnly,
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && all_digits(s)
}

/// `138****1234`: the platform's masked form.
fn is_masked_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b[2].is_ascii_digit()
        && &b[3..7] == b"****"
        && b[7..].iter().all(u8::is_ascii_digit)
}

fn classify_phone(raw: &str) -> Option<PhoneKind> {
    let s = raw.trim();
    let s = s
        .strip_prefix("+86")
        .or_else(|| s.strip_prefix("0086"))
        .map(str::trim_start)
        .unwrap_or(s);
    // A privacy (virtual) number: 11 digits, a separator, a 1 to 6 digit extension.
    let main = match s.find(['-', '_', ',', '#', '转']) {
        Some(i) if i == 11 && all_digits(&s[i + s[i..].chars().next()?.len_utf8()..]) => &s[..11],
        _ => s,
    };
    if is_mobile(main) || is_masked_mobile(main) {
        return Some(PhoneKind::Mobile);
    }
    let compact: String = s.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if (compact.starts_with("400") || compact.starts_with("800"))
        && compact.len() == 10
        && all_digits(&compact)
    {
        return Some(PhoneKind::ServiceNumber);
    }
    // 0 + 2 or 3 digit area code, then 7 or 8 digits, then an optional extension.
    let mut parts = s.splitn(3, '-');
    let (a, b, ext) = (parts.next()?, parts.next(), parts.next());
    let ext_ok = ext.is_none_or(|e| all_digits(e) && e.len() <= 6);
    match b {
        Some(b) if a.starts_with('0') && (3..=4).contains(&a.len()) && all_digits(a) => {
            (all_digits(b) && (7..=8).contains(&b.len()) && ext_ok).then_some(PhoneKind::Landline)
        }
        None if all_digits(a) && a.starts_with('0') && (10..=12).contains(&a.len()) => {
            Some(PhoneKind::Landline)
        }
        None if all_digits(a) && (7..=8).contains(&a.len()) => Some(PhoneKind::LocalOnly),
        _ => None,
    }
}

/// Which numbers a phone field takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PhoneField {
    Any,
    Mobile,
    Landline,
}

pub fn phone(s: &str, field: PhoneField, out: &mut Vec<(Level, Problem)>) {
    let format = match field {
        PhoneField::Any => "phone",
        PhoneField::Mobile => "mobile",
        PhoneField::Landline => "landline",
    };
    match (classify_phone(s), field) {
        (None, _)
        | (
            Some(PhoneKind::Landline | PhoneKind::ServiceNumber | PhoneKind::LocalOnly),
            PhoneField::Mobile,
        ) => out.push((
            Level::Error,
            Problem::Format {
                format,
                hint: Hint::Phone(field),
            },
        )),
        (Some(PhoneKind::LocalOnly), _) => out.push((
            Level::Warning,
            Problem::Format {
                format,
                hint: Hint::NoAreaCode,
            },
        )),
        (Some(PhoneKind::Mobile), PhoneField::Landline) => out.push((
            Level::Warning,
            Problem::Format {
                format,
                hint: Hint::MobileInLandline,
            },
        )),
        _ => {}
    }
}

/// An ASCII carrier code (`ZTO`), never the company's Chinese name.
/// Returns false when the value is not code-shaped (the enum check is then skipped).
pub fn carrier_code(s: &str, out: &mut Vec<(Level, Problem)>) -> bool {
    let ok = s
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if !ok
        && !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        out.push((
            Level::Error,
            Problem::Format {
                format: "carrier_code",
                hint: Hint::CarrierCode,
            },
        ));
        return false;
    }
    true
}

/// `123.456` -> ("123", "456"); None unless digits with at most one point.
fn split_decimal(s: &str) -> Option<(&str, &str)> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    (digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty()) && !s.ends_with('.'))
        .then_some((int, frac))
}

/// What a format problem tells the caller to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hint {
    Digits13,
    LooksLikeSeconds,
    DateTime,
    Coordinate,
    Decimal { precision: u8, scale: u8 },
    Quantity,
    PickupCode,
    Phone(PhoneField),
    NoAreaCode,
    MobileInLandline,
    CarrierCode,
}

impl Hint {
    pub fn text(self) -> (String, String) {
        let (en, zh): (&str, &str) = match self {
            Hint::Digits13 => ("expected epoch milliseconds: 13 digits", "应为毫秒时间戳(13 位数字)"),
            Hint::LooksLikeSeconds => (
                "this looks like epoch seconds; multiply by 1000 for milliseconds",
                "看起来是秒级时间戳,请乘以 1000 换算成毫秒",
            ),
            Hint::DateTime => ("expected a real date and time as yyyy-MM-dd HH:mm:ss", "应为真实存在的时间,格式 yyyy-MM-dd HH:mm:ss"),
            Hint::Coordinate => ("expected a decimal number with 6 to 14 decimals", "应为小数点后 6 到 14 位的小数"),
            Hint::Decimal { precision: 0, .. } => ("expected a non-negative decimal number", "应为非负小数"),
            Hint::Decimal { precision, scale } => {
                return (
                    format!("expected a non-negative decimal with at most {} integer digits and {scale} decimals", precision - scale),
                    format!("应为非负小数,整数部分最多 {} 位,小数最多 {scale} 位", precision - scale),
                )
            }
            Hint::Quantity => ("expected a non-negative whole number, as a string", "应为非负整数(字符串)"),
            Hint::PickupCode => ("expected a 6-digit code", "应为 6 位数字"),
            Hint::Phone(PhoneField::Mobile) => (
                "expected a mainland mobile number (11 digits starting 13-19), a masked one (138****1234) or a privacy number with extension",
                "应为手机号(1 开头 11 位)、脱敏号码(138****1234)或带分机号的隐私号",
            ),
            Hint::Phone(PhoneField::Landline) => (
                "expected a landline such as 0571-88888888 or a 400/800 number",
                "应为固定电话(如 0571-88888888)或 400/800 号码",
            ),
            Hint::Phone(PhoneField::Any) => (
                "expected a mobile, landline (0571-88888888), 400/800, masked (138****1234) or privacy number with extension",
                "应为手机号、固定电话(0571-88888888)、400/800 号码、脱敏号码(138****1234)或带分机号的隐私号",
            ),
            Hint::NoAreaCode => ("a landline without its area code cannot be dialled from elsewhere", "固定电话缺少区号,外地无法拨通"),
            Hint::MobileInLandline => ("a mobile number in a landline field", "在固定电话字段中填写了手机号"),
            Hint::CarrierCode => (
                "expected the carrier's English code (e.g. ZTO), not its name",
                "只传承运商英文编码(如 ZTO),不要传公司名称",
            ),
        };
        (en.to_string(), zh.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: impl Fn(&mut Vec<(Level, Problem)>)) -> Vec<Level> {
        let mut out = Vec::new();
        f(&mut out);
        out.into_iter().map(|(l, _)| l).collect()
    }

    #[test]
    fn phones() {
        use PhoneField::*;
        for ok in [
            "13200010001",
            "+86 13566754333",
            "138****1234",
            "13800138000-1234",
            "13800138000转1234",
            "0571-88389760",
            "010-12345678-123",
            "02188889999",
            "400-820-8820",
            "8008208820",
        ] {
            assert!(check(|o| phone(ok, Any, o)).is_empty(), "{ok}");
        }
        for bad in [
            "12345",
            "1280013800",
            "23800138000",
            "abc",
            "138-0013-8000x",
            "0571-123",
        ] {
            assert_eq!(check(|o| phone(bad, Any, o)), [Level::Error], "{bad}");
        }
        assert_eq!(check(|o| phone("8838976", Landline, o)), [Level::Warning]);
        assert_eq!(check(|o| phone("0571-88389760", Mobile, o)), [Level::Error]);
        assert_eq!(
            check(|o| phone("13566754333", Landline, o)),
            [Level::Warning]
        );
    }

    #[test]
    fn coordinates() {
        assert!(check(|o| coordinate("30.281284", "latitude", 90.0, o)).is_empty());
        assert!(check(|o| coordinate("-120.12345678901234", "longitude", 180.0, o)).is_empty());
        assert_eq!(
            check(|o| coordinate("113.475732", "latitude", 90.0, o)),
            [Level::Error]
        );
        assert_eq!(
            check(|o| coordinate("30.28", "latitude", 90.0, o)),
            [Level::Error]
        );
        assert_eq!(
            check(|o| coordinate("300.28", "latitude", 90.0, o)),
            [Level::Error, Level::Error]
        );
        assert_eq!(
            check(|o| coordinate("30.123456789012345", "latitude", 90.0, o)),
            [Level::Error]
        );
        assert_eq!(
            check(|o| coordinate("north", "latitude", 90.0, o)),
            [Level::Error]
        );
    }

    #[test]
    fn decimals_and_quantities() {
        assert!(check(|o| decimal("12.345", 18, 3, o)).is_empty());
        assert!(check(|o| decimal("0", 18, 3, o)).is_empty());
        assert_eq!(check(|o| decimal("12.3456", 18, 3, o)), [Level::Error]);
        assert_eq!(
            check(|o| decimal("1234567890123456", 18, 3, o)),
            [Level::Error]
        );
        assert_eq!(check(|o| decimal("-1.5", 18, 3, o)), [Level::Error]);
        assert_eq!(check(|o| decimal(".5", 0, 0, o)), [Level::Error]);
        assert!(check(|o| quantity("0", o)).is_empty());
        assert_eq!(check(|o| quantity("-1", o)), [Level::Error]);
        assert_eq!(check(|o| quantity("1.0", o)), [Level::Error]);
    }

    #[test]
    fn epoch_millis_units() {
        let now = 1_795_000_000_000;
        assert!(check(|o| epoch_millis(now - 1000, now, 30, 1, o)).is_empty());
        assert_eq!(
            check(|o| epoch_millis(14_424_776_121, now, 30, 1, o)),
            [Level::Error]
        );
        assert_eq!(
            check(|o| epoch_millis(1_795_000_000, now, 30, 1, o)),
            [Level::Error]
        );
        assert_eq!(
            check(|o| epoch_millis(now - 31 * DAY_MS, now, 30, 1, o)),
            [Level::Warning]
        );
    }
}
