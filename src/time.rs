//! Calendar arithmetic for the two time forms the platform uses: epoch
//! milliseconds and `yyyy-MM-dd HH:mm:ss` in GMT+8. Small enough that a date
//! crate would only add size to the WebAssembly module.

/// The platform's zone: Asia/Shanghai, which has had no daylight saving since 1991.
pub const GMT8_OFFSET_MS: i64 = 8 * 3_600_000;

/// Now, in epoch milliseconds. wasm32 has no system clock; JavaScript's has.
pub fn now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::time::{SystemTime, UNIX_EPOCH};
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Parses `yyyy-MM-dd HH:mm:ss` (exactly 19 characters, a real date and time)
/// into epoch milliseconds, reading it as GMT+8.
pub fn parse_datetime_gmt8(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
        })
    };
    let (y, mo, d) = (num(0..4)? as i64, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59
    {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + (h * 3600 + mi * 60 + se) as i64;
    Some(secs * 1000 - GMT8_OFFSET_MS)
}

/// Writes epoch milliseconds as `yyyy-MM-dd HH:mm:ss` in GMT+8.
pub fn format_gmt8(ms: i64) -> String {
    let secs = (ms + GMT8_OFFSET_MS).div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_instants() {
        // 1656674541000 ms = 2022-07-01 11:22:21 UTC = 19:22:21 in GMT+8 (date -d @1656674541).
        assert_eq!(format_gmt8(1_656_674_541_000), "2022-07-01 19:22:21");
        assert_eq!(
            parse_datetime_gmt8("2022-07-01 19:22:21"),
            Some(1_656_674_541_000)
        );
        assert_eq!(format_gmt8(0), "1970-01-01 08:00:00");
        assert_eq!(
            parse_datetime_gmt8("2024-02-29 00:00:00"),
            Some(1_709_136_000_000)
        );
    }

    #[test]
    fn rejects_unreal_dates() {
        for s in [
            "2023-02-29 00:00:00",
            "2017-13-01 00:00:00",
            "2017-04-31 10:00:00",
            "2017-04-26 24:00:00",
            "2017-04-26 19:17",
            "2017/04/26 19:17:55",
            "2017-04-26T19:17:55",
            "２017-04-26 19:17:55",
        ] {
            assert_eq!(parse_datetime_gmt8(s), None, "{s}");
        }
    }
}
