//! Calendar arithmetic without a date library: the few conversions the tool
//! needs (synthetic timestamps, Excel date cells) are exact integer formulas.

/// Days since 1970-01-01 for a civil date (Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date for days since 1970-01-01 (Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
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

/// An Excel date serial (1900 system, days since 1899-12-30) as ISO 8601
/// `YYYY-MM-DD HH:MM:SS`, rounded to the second.
pub fn excel_serial_to_iso(serial: f64) -> String {
    let secs = (serial * 86_400.0).round() as i64 + days_from_civil(1899, 12, 30) * 86_400;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        for days in [-1000, 0, 19_000, 20_635, 40_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(days_from_civil(2026, 7, 1)), (2026, 7, 1));
    }

    #[test]
    fn excel_serials() {
        // Excel shows 46217.4375 as 14/07/2026 10:30.
        assert_eq!(excel_serial_to_iso(46_217.437_5), "2026-07-14 10:30:00");
        assert_eq!(excel_serial_to_iso(1.0), "1899-12-31 00:00:00");
    }
}
