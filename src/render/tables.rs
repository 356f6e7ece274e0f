//! CSV tables for spreadsheets: `tables/<question id>.csv` and
//! `tables/indicators.csv`, in long (tidy) form so that they filter and pivot
//! in Excel and load into any analysis tool without reshaping.

use anyhow::Result;

use crate::analysis::change::wave_label;
use crate::summary::{QuestionSummary, Summary, Verdict};

/// Neutralises spreadsheet formulas (OWASP CSV injection): a cell that starts
/// with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`.
pub fn safe(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn to_string(rows: Vec<Vec<String>>) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r.iter().map(|c| safe(c)))?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// One question's crosstab: a row per group and option.
pub fn question(q: &QuestionSummary) -> Result<String> {
    let mut rows = vec![
        [
            "question",
            "group",
            "option",
            "count",
            "base",
            "percent",
            "suppressed",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for c in &q.cells {
        rows.push(vec![
            q.id.clone(),
            c.group.clone(),
            c.option.clone(),
            opt(c.count),
            opt(c.base),
            opt(c.percent),
            c.suppressed.to_string(),
        ]);
    }
    to_string(rows)
}

/// Every headline indicator for every group.
pub fn indicators(s: &Summary) -> Result<String> {
    let mut rows = vec![
        [
            "indicator",
            "label",
            "higher_is",
            "group",
            "count",
            "base",
            "percent",
            "ci95_lo",
            "ci95_hi",
            "vs_all",
            "suppressed",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for ind in &s.indicators {
        for c in &ind.cells {
            rows.push(vec![
                ind.id.clone(),
                ind.label.clone(),
                ind.higher_is.as_str().to_string(),
                c.group.clone(),
                opt(c.count),
                opt(c.base),
                opt(c.percent),
                opt(c.ci95.map(|c| c[0])),
                opt(c.ci95.map(|c| c[1])),
                c.vs_all.map_or("", Verdict::as_str).to_string(),
                c.suppressed.to_string(),
            ]);
        }
    }
    to_string(rows)
}

/// The shared headline indicators `ids` across waves, a row per wave, group
/// and indicator (trend.csv).
pub fn trend(waves: &[Summary], ids: &[&str]) -> Result<String> {
    let mut rows = vec![
        [
            "wave",
            "group",
            "indicator",
            "count",
            "base",
            "percent",
            "ci_lo",
            "ci_hi",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for w in waves {
        for id in ids {
            let Some(ind) = w.indicators.iter().find(|i| i.id == *id) else {
                continue;
            };
            for c in &ind.cells {
                rows.push(vec![
                    wave_label(w),
                    c.group.clone(),
                    id.to_string(),
                    opt(c.count),
                    opt(c.base),
                    opt(c.percent),
                    opt(c.ci95.map(|c| c[0])),
                    opt(c.ci95.map(|c| c[1])),
                ]);
            }
        }
    }
    to_string(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for bad in ["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe(bad), format!("'{bad}"));
        }
        assert_eq!(safe("Lambeth"), "Lambeth");
        assert_eq!(safe(""), "");
    }
}
