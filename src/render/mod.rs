//! Presentation. Every renderer reads the `Summary` alone: none touches polars,
//! the template or the raw input, so what a board sees in markdown and what a
//! script reads in JSON cannot drift apart.

pub mod brief;
pub mod charts;
pub mod document;
pub mod html;
pub mod json;
pub mod markdown;
pub mod tables;
pub mod terminal;
pub mod xlsx;

use crate::summary::{Cell, IndicatorCell, IndicatorSummary, InputInfo, Summary, Verdict};

/// A percentage for people: whole numbers, halves rounded away from zero as
/// spreadsheets do (12.5 -> 13).
pub fn pct(p: f64) -> String {
    format!("{}%", p.round() as i64)
}

/// The mark for every confidential figure, whatever the reason it is
/// hidden (GSS symbol `[c]`): a reader must not tell a small number from
/// the partner hidden to protect it.
pub const CONFIDENTIAL: &str = "[c]";

/// The mark for a percentage that does not apply because nobody in the
/// group answered (GSS symbol `[z]`).
pub const NOT_APPLICABLE: &str = "[z]";

/// What each mark means, in plain words (legends, HTML `<abbr>` titles).
pub const CONFIDENTIAL_MEANS: &str = "hidden so that nobody can be identified: it is small, or it would let a small number be worked out";
pub const NOT_APPLICABLE_MEANS: &str = "does not apply: nobody in this group answered";

/// Text of one crosstab cell: `12 (34%)`, `[c]`, `12` when the base is
/// hidden (so no percentage), or `0` when nobody answered.
pub fn cell_text(c: &Cell) -> String {
    match (c.count, c.percent) {
        (None, _) => CONFIDENTIAL.into(),
        (Some(n), Some(p)) => format!("{n} ({})", pct(p)),
        (Some(n), None) => n.to_string(),
    }
}

/// Text of one headline indicator cell, without the flag: `34% (n=41)`.
pub fn indicator_text(c: &IndicatorCell) -> String {
    match (c.base, c.percent) {
        (Some(0), _) => NOT_APPLICABLE.into(),
        (Some(b), Some(p)) => format!("{} (n={b})", pct(p)),
        (Some(b), None) => format!("{CONFIDENTIAL} (n={b})"),
        (None, _) => CONFIDENTIAL.into(),
    }
}

/// A group whose headline figures differ clearly from All's. "At a glance",
/// chart captions and alt texts all read this one list, so that no two of
/// them can disagree about which groups stand out.
pub struct Standout<'s> {
    pub group: &'s str,
    pub worse: Vec<&'s IndicatorSummary>,
    pub better: Vec<&'s IndicatorSummary>,
}

/// Said wherever no group stands out.
pub const NO_STANDOUT: &str =
    "No group differs clearly from the overall figures (All) on any headline measure.";

/// The groups that stand out, in report order.
pub fn standouts(s: &Summary) -> Vec<Standout<'_>> {
    s.groups
        .iter()
        .filter_map(|g| {
            let pick = |v: Verdict| -> Vec<&IndicatorSummary> {
                s.indicators
                    .iter()
                    .filter(|i| i.cell(g).is_some_and(|c| flag(c) == Some(v)))
                    .collect()
            };
            let (worse, better) = (pick(Verdict::Worse), pick(Verdict::Better));
            (!worse.is_empty() || !better.is_empty()).then_some(Standout {
                group: g,
                worse,
                better,
            })
        })
        .collect()
}

/// The verdict flagged beside a cell that differs clearly from All (none
/// when it is similar, hidden or not compared).
pub fn flag(c: &IndicatorCell) -> Option<Verdict> {
    c.vs_all.filter(|v| *v != Verdict::Similar)
}

/// Where an input came from, in words: `Qualtrics CSV (UTF-8, comma)`.
pub fn describe_input(i: &InputInfo) -> String {
    let platform = i.platform.name().unwrap_or_default();
    let container = if i.format.ends_with("/xlsx") {
        "Excel workbook"
    } else {
        "CSV"
    };
    let mut details = Vec::new();
    if let Some(e) = &i.encoding {
        details.push(e.clone());
    }
    if let Some(d) = &i.delimiter {
        details.push(
            match d.as_str() {
                "," => "comma",
                ";" => "semicolon",
                "\t" => "tab",
                other => other,
            }
            .to_string(),
        );
    }
    if let Some(s) = &i.sheet {
        details.push(format!("sheet \"{s}\""));
    }
    let mut out = format!("{platform} {container}").trim().to_string();
    if !details.is_empty() {
        out.push_str(&format!(" ({})", details.join(", ")));
    }
    out
}

/// Whether small numbers were suppressed in this summary.
pub fn suppressing(s: &Summary) -> bool {
    s.min_cell > 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(pct(12.5), "13%");
        assert_eq!(pct(12.49), "12%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(100.0), "100%");
    }
}
