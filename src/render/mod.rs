//! Presentation. Every renderer reads the `Summary` alone: none touches polars,
//! the template or the raw input, so what a board sees in markdown and what a
//! script reads in JSON cannot drift apart.

pub mod charts;
pub mod document;
pub mod html;
pub mod json;
pub mod markdown;
pub mod tables;
pub mod terminal;

use crate::summary::{Cell, IndicatorCell, InputInfo, Summary};

/// A percentage for people: whole numbers, halves rounded away from zero as
/// spreadsheets do (12.5 -> 13).
pub fn pct(p: f64) -> String {
    format!("{}%", p.round() as i64)
}

/// How a suppressed figure is shown: `<5`.
pub fn small(min_cell: u32) -> String {
    format!("<{min_cell}")
}

/// Marker for a group whose base is too small to show anything.
pub const GROUP_HIDDEN: &str = "*";

/// Marker for a number hidden only so that another cannot be worked out.
pub const SECONDARY: &str = "[c]";

/// How a hidden number is shown: `[c]` when hidden to protect another,
/// `*` for a group too small to show, otherwise `<N`.
pub fn hidden_mark(suppression: Option<&str>, min_cell: u32) -> String {
    match suppression {
        Some("secondary") => SECONDARY.into(),
        Some("group") => GROUP_HIDDEN.into(),
        _ => small(min_cell),
    }
}

/// Text of one crosstab cell: `12 (34%)`, `<5`, `*`, or `0` with no base.
pub fn cell_text(c: &Cell, min_cell: u32) -> String {
    match (c.base, c.count, c.percent) {
        (None, _, _) => GROUP_HIDDEN.into(),
        (Some(_), None, _) => hidden_mark(c.suppression.as_deref(), min_cell),
        (Some(_), Some(n), Some(p)) => format!("{n} ({})", pct(p)),
        (Some(_), Some(n), None) => n.to_string(),
    }
}

/// Text of one headline indicator cell, without the flag: `34% (n=41)`.
pub fn indicator_text(c: &IndicatorCell, min_cell: u32) -> String {
    match (c.base, c.percent) {
        (None, _) => GROUP_HIDDEN.into(),
        (Some(0), _) => "–".into(),
        (Some(b), None) => format!(
            "{} (n={b})",
            hidden_mark(c.suppression.as_deref(), min_cell)
        ),
        (Some(b), Some(p)) => format!("{} (n={b})", pct(p)),
    }
}

/// Flag word beside a cell that differs from All; empty otherwise.
pub fn flag(c: &IndicatorCell) -> &str {
    match c.vs_all.as_deref() {
        Some("worse") => "worse",
        Some("better") => "better",
        _ => "",
    }
}

/// Where an input came from, in words: `Qualtrics CSV (UTF-8, comma)`.
pub fn describe_input(i: &InputInfo) -> String {
    let platform = match i.platform.as_str() {
        "microsoft-forms" => "Microsoft Forms",
        "google-forms" => "Google Forms",
        "surveymonkey" => "SurveyMonkey",
        "qualtrics" => "Qualtrics",
        _ => "",
    };
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
