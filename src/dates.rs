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

/// Exported dates (the text before any time) with how often each was seen,
/// read as civil dates. Day-month order in `a/b/yyyy` dates is read from the
/// data: a first number above 12 means day first (UK), a second above 12
/// means month first (US); when nothing tells, day first. Text that is not a
/// date is skipped.
fn civil<'a>(dates: impl IntoIterator<Item = (&'a str, u64)>) -> Vec<((i64, i64, i64), u64)> {
    let mut iso: Vec<((i64, i64, i64), u64)> = Vec::new();
    let mut slashed: Vec<((i64, i64, i64), u64)> = Vec::new();
    for (d, n) in dates {
        let parts: Vec<i64> = d
            .split(['-', '/', '.'])
            .map(|p| p.trim().parse::<i64>())
            .collect::<Result<_, _>>()
            .ok()
            .filter(|v: &Vec<i64>| v.len() == 3)
            .unwrap_or_default();
        match parts[..] {
            [y, m, d] if y > 31 && (1..=12).contains(&m) && (1..=31).contains(&d) => {
                iso.push(((y, m, d), n))
            }
            [a, b, y] if (1..=31).contains(&a) && (1..=31).contains(&b) => {
                let y = if y < 100 { 2000 + y } else { y };
                slashed.push(((a, b, y), n));
            }
            _ => {}
        }
    }
    let month_first = slashed.iter().any(|((_, b, _), _)| *b > 12)
        && !slashed.iter().any(|((a, _, _), _)| *a > 12);
    for ((a, b, y), n) in slashed {
        let (m, d) = if month_first { (a, b) } else { (b, a) };
        if (1..=12).contains(&m) {
            iso.push(((y, m, d), n));
        }
    }
    iso
}

/// The calendar quarter ("2026 Q3") most of these dates fall in (see
/// [`civil`] for how dates are read).
pub fn main_quarter<'a>(dates: impl IntoIterator<Item = (&'a str, u64)>) -> Option<String> {
    let mut quarters: std::collections::BTreeMap<(i64, i64), u64> =
        std::collections::BTreeMap::new();
    for ((y, m, _), n) in civil(dates) {
        *quarters.entry((y, (m - 1) / 3 + 1)).or_default() += n;
    }
    quarters
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|((y, q), _)| format!("{y} Q{q}"))
}

/// The first and last completion dates, as ISO `YYYY-MM-DD`: the fieldwork
/// period a board paper's cover states.
pub fn fieldwork<'a>(dates: impl IntoIterator<Item = (&'a str, u64)>) -> Option<[String; 2]> {
    let all = civil(dates);
    let iso = |(y, m, d): (i64, i64, i64)| format!("{y:04}-{m:02}-{d:02}");
    let first = all.iter().map(|(d, _)| *d).min()?;
    let last = all.iter().map(|(d, _)| *d).max()?;
    Some([iso(first), iso(last)])
}

/// An ISO date `YYYY-MM-DD` as a reader writes it: `14 July 2026`.
pub fn long(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let p: Vec<usize> = iso.split('-').filter_map(|x| x.parse().ok()).collect();
    match p[..] {
        [y, m @ 1..=12, d] => format!("{d} {} {y}", MONTHS[m - 1]),
        _ => iso.to_string(),
    }
}

/// `--date`: a real calendar date written `YYYY-MM-DD`.
pub fn parse_iso(s: &str) -> Result<String, String> {
    let p: Vec<i64> = s
        .split('-')
        .map(|x| x.parse().map_err(|_| ()))
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    match p[..] {
        [y, m, d]
            if s.len() == 10
                && (1..=12).contains(&m)
                && civil_from_days(days_from_civil(y, m, d)) == (y, m, d) =>
        {
            Ok(s.to_string())
        }
        _ => Err(format!("expected a date written YYYY-MM-DD, found `{s}`")),
    }
}

/// The paper's date when none is given: `SOURCE_DATE_EPOCH` (seconds since
/// 1970, the reproducible-builds convention) when set, else today (UTC).
pub fn paper_date(source_date_epoch: Option<&str>) -> anyhow::Result<String> {
    let secs = match source_date_epoch {
        Some(v) => v.trim().parse::<i64>().map_err(|_| {
            anyhow::anyhow!("SOURCE_DATE_EPOCH: expected whole seconds since 1970, found `{v}`")
        })?,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    Ok(format!("{y:04}-{m:02}-{d:02}"))
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
    fn quarters_from_every_platform_date_style() {
        assert_eq!(
            main_quarter([("2026-07-14", 3), ("2026-10-01", 1)]).as_deref(),
            Some("2026 Q3")
        );
        assert_eq!(
            main_quarter([("14/07/2026", 2), ("03/08/2026", 2)]).as_deref(),
            Some("2026 Q3")
        );
        // 07/14 can only be month first: so 10/01 is 1 October too.
        assert_eq!(
            main_quarter([("07/14/2026", 1), ("10/01/2026", 5)]).as_deref(),
            Some("2026 Q4")
        );
        assert_eq!(
            main_quarter([("2026/10/01", 1)]).as_deref(),
            Some("2026 Q4")
        );
        assert_eq!(
            main_quarter([("01.02.2027", 1)]).as_deref(),
            Some("2027 Q1")
        );
        assert_eq!(main_quarter([("not a date", 4)]), None);
    }

    #[test]
    fn fieldwork_runs_from_the_first_date_to_the_last() {
        assert_eq!(
            fieldwork([("14/07/2026", 2), ("03/08/2026", 1), ("x", 1)]),
            Some(["2026-07-14".to_string(), "2026-08-03".to_string()])
        );
        assert_eq!(fieldwork([("nothing", 1)]), None);
        assert_eq!(long("2026-08-03"), "3 August 2026");
        assert_eq!(long("garbage"), "garbage");
        assert_eq!(parse_iso("2026-12-05").as_deref(), Ok("2026-12-05"));
        assert!(parse_iso("2026-02-30").is_err());
        assert!(parse_iso("5/12/2026").is_err());
        assert_eq!(paper_date(Some("1780617600")).unwrap(), "2026-06-05");
        assert!(paper_date(Some("soon")).is_err());
    }

    #[test]
    fn excel_serials() {
        // Excel shows 46217.4375 as 14/07/2026 10:30.
        assert_eq!(excel_serial_to_iso(46_217.437_5), "2026-07-14 10:30:00");
        assert_eq!(excel_serial_to_iso(1.0), "1899-12-31 00:00:00");
    }
}
