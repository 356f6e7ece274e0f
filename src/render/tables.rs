//! CSV tables for spreadsheets: `tables/<question id>.csv` and
//! `tables/indicators.csv`, in long (tidy) form so that they filter and pivot
//! in Excel and load into any analysis tool without reshaping.

use anyhow::Result;

use crate::analysis::change::wave_label;
use crate::analysis::stats;
use crate::summary::{
    Comparison, Direction, IndicatorCell, IndicatorSummary, QuestionSummary, Summary, Verdict,
};

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

/// A percentage as a spreadsheet wants it: one decimal place (the exact
/// value stays in summary.json).
fn pct1(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_default()
}

/// A plain number (`-15.2`): spreadsheets read it as the number it is, so
/// it needs no guard, and a `'` would turn a negative change into text.
fn plain_number(cell: &str) -> bool {
    cell.parse::<f64>().is_ok()
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
}

fn to_string(rows: Vec<Vec<String>>) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(
            r.iter()
                .map(|c| if plain_number(c) { c.clone() } else { safe(c) }),
        )?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// The columns every table starts with, in this order, in every file.
const COMMON: [&str; 10] = [
    "group",
    "option",
    "count",
    "base",
    "percent",
    "ci95_lo",
    "ci95_hi",
    "suppressed",
    "wave",
    "question",
];

fn header(extra: &[&str]) -> Vec<String> {
    COMMON.iter().chain(extra).map(|h| h.to_string()).collect()
}

/// The common columns of one figure. A question cell's 95% Wilson interval
/// is worked out here from its published count and base; none for a hidden
/// figure.
#[allow(clippy::too_many_arguments)]
fn common(
    group: &str,
    option: &str,
    count: Option<u64>,
    base: Option<u64>,
    percent: Option<f64>,
    ci95: Option<[f64; 2]>,
    suppressed: bool,
    wave: &str,
    question: &str,
) -> Vec<String> {
    vec![
        group.to_string(),
        option.to_string(),
        opt(count),
        opt(base),
        pct1(percent),
        pct1(ci95.map(|c| c[0])),
        pct1(ci95.map(|c| c[1])),
        suppressed.to_string(),
        wave.to_string(),
        question.to_string(),
    ]
}

fn wilson(count: Option<u64>, base: Option<u64>) -> Option<[f64; 2]> {
    let (lo, hi) = stats::wilson(count?, base?, stats::Z95)?;
    Some([100.0 * lo, 100.0 * hi])
}

fn wave_of(s: &Summary) -> String {
    s.wave.clone().unwrap_or_default()
}

/// One question's crosstab: a row per group and option.
pub fn question(s: &Summary, q: &QuestionSummary) -> Result<String> {
    let mut rows = vec![header(&["question_id"])];
    for c in &q.cells {
        let mut row = common(
            &c.group,
            &c.option,
            c.count,
            c.base,
            c.percent,
            wilson(c.count, c.base),
            c.suppressed,
            &wave_of(s),
            &q.text,
        );
        row.push(q.id.clone());
        rows.push(row);
    }
    to_string(rows)
}

/// The question text an indicator counts answers of.
fn question_text<'s>(s: &'s Summary, ind: &IndicatorSummary) -> &'s str {
    s.questions
        .iter()
        .find(|q| q.id == ind.question)
        .map_or("", |q| q.text.as_str())
}

/// One indicator cell on the common columns (`option` is the answers it
/// counts), then its id, label and polarity.
fn indicator_row(
    s: &Summary,
    wave: &str,
    ind: &IndicatorSummary,
    c: &IndicatorCell,
) -> Vec<String> {
    let mut row = common(
        &c.group,
        &ind.counts.join("; "),
        c.count,
        c.base,
        c.percent,
        c.ci95,
        c.suppressed,
        wave,
        question_text(s, ind),
    );
    row.extend([
        ind.id.clone(),
        ind.label.clone(),
        ind.higher_is.as_str().to_string(),
    ]);
    row
}

/// Every headline indicator for every group: `option` is the answers it
/// counts.
pub fn indicators(s: &Summary) -> Result<String> {
    let mut rows = vec![header(&["indicator", "label", "higher_is", "vs_all"])];
    for ind in &s.indicators {
        for c in &ind.cells {
            let mut row = indicator_row(s, &wave_of(s), ind, c);
            row.push(c.vs_all.map_or("", Verdict::as_str).to_string());
            rows.push(row);
        }
    }
    to_string(rows)
}

/// The shared headline indicators `ids` across waves, a row per wave, group
/// and indicator (trend.csv), with the change from the wave before and from
/// the first wave: `steps[k]` compares wave k with k+1, `from_first[k]` the
/// first with wave k+1.
pub fn trend(
    waves: &[Summary],
    ids: &[&str],
    steps: &[Comparison],
    from_first: &[Comparison],
) -> Result<String> {
    let mut rows = vec![header(&[
        "indicator",
        "label",
        "higher_is",
        "change_from_previous_pp",
        "direction_from_previous",
        "change_from_first_pp",
        "direction_from_first",
    ])];
    // A change in points to one decimal, and its verdict (empty where not
    // compared: the first wave, or a figure hidden in either).
    let change = |c: Option<&Comparison>, id: &str, g: &str| -> [String; 2] {
        let r = c.and_then(|c| c.rows.iter().find(|r| r.indicator == id && r.group == g));
        [
            pct1(r.and_then(|r| r.change_pp)),
            r.and_then(|r| r.direction)
                .map_or("", Direction::as_str)
                .to_string(),
        ]
    };
    for (k, w) in waves.iter().enumerate() {
        for id in ids {
            let Some(ind) = w.indicators.iter().find(|i| i.id == *id) else {
                continue;
            };
            for c in &ind.cells {
                let mut row = indicator_row(w, &wave_label(w), ind, c);
                let before = k.checked_sub(1);
                row.extend(change(before.and_then(|b| steps.get(b)), id, &c.group));
                row.extend(change(before.and_then(|b| from_first.get(b)), id, &c.group));
                rows.push(row);
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
        // Our own numbers pass as numbers; anything formula-like does not.
        assert!(plain_number("-15.2") && plain_number("33"));
        assert!(!plain_number("-2+3") && !plain_number("=1") && !plain_number("1e5"));
        assert_eq!(safe(""), "");
    }
}
