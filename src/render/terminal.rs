//! Tables for the terminal: the headline table printed after a report, the
//! comparison printed by `compare`, and the one table style every command
//! uses.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};

use crate::render::{
    CONFIDENTIAL, CONFIDENTIAL_MEANS, NOT_APPLICABLE, NOT_APPLICABLE_MEANS, flag, indicator_text,
    pct,
};
use crate::summary::{ChangeRow, Comparison, Direction, Summary, Verdict};

/// An empty table in the house style, wrapped to `width` columns (fixed, so
/// output is the same in a pipe, a test and a terminal).
pub fn table(width: u16) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    t
}

/// One row per group plus All, one column per indicator, `NN% (n=B)` with
/// "worse"/"better" beside cells that differ from All. `width` fixes the
/// table width so output is the same in a pipe, a test and a terminal.
/// `color` adds red and cyan to flagged cells; the caller decides (only on a
/// terminal, and never when `NO_COLOR` is set).
pub fn headline(s: &Summary, width: u16, color: bool) -> String {
    if !fits_whole_words(s, width) {
        return compact_headline(s, width, color);
    }
    let mut t = table(width);
    if color {
        t.enforce_styling();
    }
    let mut header = vec![Cell::new(&s.group_label)];
    header.extend(s.indicators.iter().map(|i| Cell::new(&i.label)));
    t.set_header(header);
    for g in s.groups_and_all() {
        let mut row = vec![Cell::new(g)];
        for ind in &s.indicators {
            let text = match ind.cell(g) {
                None => String::new(),
                Some(c) => match flag(c) {
                    None => indicator_text(c),
                    Some(f) => format!("{} {}", indicator_text(c), f.as_str()),
                },
            };
            let cell = Cell::new(text).set_alignment(CellAlignment::Right);
            row.push(verdict_cell(cell, ind.cell(g).and_then(flag), color));
        }
        t.add_row(row);
    }
    let mut out = t.to_string();
    out.push('\n');
    out.push_str("worse/better: the group's 95% interval lies wholly on one side of All.");
    if s.min_cell > 1 {
        out.push_str(&format!(
            "\n{CONFIDENTIAL}: {CONFIDENTIAL_MEANS}.\n{NOT_APPLICABLE}: {NOT_APPLICABLE_MEANS}."
        ));
    }
    out.push('\n');
    out
}

/// A headline cell in red (worse) or cyan (better) when colour is on.
fn verdict_cell(cell: Cell, verdict: Option<Verdict>, color: bool) -> Cell {
    if !color {
        return cell;
    }
    match verdict {
        Some(Verdict::Worse) => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Some(Verdict::Better) => cell.fg(Color::Cyan).add_attribute(Attribute::Bold),
        Some(Verdict::Similar) | None => cell,
    }
}

/// Whether the wide headline table fits in `width` without breaking a word:
/// every column at least as wide as its longest word, plus its border and
/// padding (3 characters), and the closing border.
fn fits_whole_words(s: &Summary, width: u16) -> bool {
    let longest = |t: &str| {
        t.split_whitespace()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0)
    };
    let group_col = s
        .groups_and_all()
        .map(longest)
        .chain([longest(&s.group_label)])
        .max()
        .unwrap_or(0);
    let indicator_cols: usize = s
        .indicators
        .iter()
        .map(|ind| {
            s.groups_and_all()
                .filter_map(|g| ind.cell(g))
                .map(|c| longest(&indicator_text(c)).max(flag(c).map_or(0, |f| f.as_str().len())))
                .chain([longest(&ind.label)])
                .max()
                .unwrap_or(0)
        })
        .map(|w| w + 3)
        .sum();
    // Strictly less: the closing border takes one more character.
    group_col + 3 + indicator_cols < usize::from(width)
}

/// The headline for a narrow terminal: indicators numbered, with the key
/// below; each cell the percentage and a one-character mark, so no word is
/// broken across lines (an 80-column terminal holds nine indicators).
fn compact_headline(s: &Summary, width: u16, color: bool) -> String {
    let mut t = Table::new();
    t.load_style(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    if color {
        t.enforce_styling();
    }
    let mut header = vec![Cell::new(&s.group_label)];
    header
        .extend((1..=s.indicators.len()).map(|i| Cell::new(i).set_alignment(CellAlignment::Right)));
    t.set_header(header);
    for g in s.groups_and_all() {
        let mut row = vec![Cell::new(g)];
        for ind in &s.indicators {
            let c = ind.cell(g);
            let text = match c {
                None => String::new(),
                Some(c) => {
                    let value = match (c.base, c.percent) {
                        (Some(0), _) => NOT_APPLICABLE.to_string(),
                        (Some(_), Some(p)) => pct(p),
                        (Some(_), None) | (None, _) => CONFIDENTIAL.to_string(),
                    };
                    let mark = match flag(c) {
                        Some(Verdict::Worse) => "▲",
                        Some(Verdict::Better) => "■",
                        Some(Verdict::Similar) | None => " ",
                    };
                    format!("{value}{mark}")
                }
            };
            let cell = Cell::new(text).set_alignment(CellAlignment::Right);
            row.push(verdict_cell(cell, c.and_then(flag), color));
        }
        t.add_row(row);
    }
    let mut out = t.to_string();
    out.push('\n');
    let mut key = Vec::new();
    for (i, ind) in s.indicators.iter().enumerate() {
        key.push(format!("{}: {}", i + 1, ind.label));
    }
    key.push(
        "▲ worse, ■ better: the group's 95% interval lies wholly on one side of All. \
         Bases (n) are in report.md and report.html."
            .to_string(),
    );
    if s.min_cell > 1 {
        key.push(format!("{CONFIDENTIAL}: {CONFIDENTIAL_MEANS}."));
        key.push(format!("{NOT_APPLICABLE}: {NOT_APPLICABLE_MEANS}."));
    }
    for line in key {
        out.push_str(&wrap_words(&line, usize::from(width)));
    }
    out
}

/// `text` in lines of at most `width` characters, broken between words only
/// (a word longer than the line has a line to itself).
fn wrap_words(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        let fits = line.chars().count() + 1 + w.chars().count() <= width;
        if !line.is_empty() && !fits {
            out.push_str(&line);
            out.push('\n');
            line.clear();
            line.push_str("   ");
        }
        if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The terminal's width when printing to one that knows its size; otherwise
/// `COLUMNS` or 80, so piped and tested output does not depend on the
/// machine. A terminal that reports a width of 0 (a serial console, some CI
/// runners) counts as not knowing it: squeezing every column to one
/// character would be useless.
pub fn width(is_tty: bool) -> u16 {
    if is_tty
        && let Some(w) = comfy_table::Table::new().width()
        && w >= 20
    {
        return w;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 20)
        .unwrap_or(80)
}

/// The comparison for the terminal: one row per indicator and group.
pub fn comparison(c: &Comparison, width: u16, all: bool) -> String {
    // The changes larger than chance first (worsened, then improved); the
    // rest only when asked for, as one line otherwise.
    let rank = |r: &&ChangeRow| match r.direction {
        Some(Direction::Worsened) => 0,
        Some(Direction::Improved) => 1,
        _ => 2,
    };
    let mut rows: Vec<&ChangeRow> = c.rows.iter().collect();
    rows.sort_by_key(rank);
    let clear = rows.iter().filter(|r| rank(r) < 2).count();
    let shown: Vec<_> = if all {
        rows
    } else {
        rows.into_iter().take(clear).collect()
    };
    let rest = c.rows.len() - clear;
    let tail = match (all, rest) {
        (_, 0) => String::new(),
        (true, _) => String::new(),
        (false, n) => format!(
            "{} no clear change or could not be compared (--all shows them).\n",
            crate::text::plural(n as u64, "other figure shows", "other figures show")
        ),
    };
    if shown.is_empty() {
        return format!(
            "No headline figure changed by more than chance between {} and {}.\n{tail}",
            c.previous.label, c.current.label
        );
    }
    let mut t = table(width);
    t.set_header([
        "Indicator",
        "Group",
        &c.previous.label,
        &c.current.label,
        "Change (points)",
        "Verdict",
    ]);
    for r in shown {
        let num = |v: Option<f64>| {
            Cell::new(v.map(pct).unwrap_or_else(|| "–".into())).set_alignment(CellAlignment::Right)
        };
        let verdict = match (&r.direction, &r.note) {
            (Some(d), _) => d.as_str().to_string(),
            (None, Some(n)) => n.clone(),
            _ => String::new(),
        };
        t.add_row(vec![
            Cell::new(&r.label),
            Cell::new(&r.group),
            num(r.previous),
            num(r.current),
            Cell::new(r.change_pp.map(|v| format!("{v:+.0}")).unwrap_or_default())
                .set_alignment(CellAlignment::Right),
            Cell::new(verdict),
        ]);
    }
    format!("{t}\n{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_marks_flagged_cells_only_when_asked() {
        let s: Summary = serde_json::from_str(include_str!(
            "../../reports/sel-stakeholder-survey/2026-Q3/summary.json"
        ))
        .unwrap();
        let plain = headline(&s, 120, false);
        let coloured = headline(&s, 120, true);
        assert!(!plain.contains('\x1b'));
        assert!(coloured.contains("\x1b["), "{coloured}");
        assert!(plain.contains("worse") && coloured.contains("worse"));
    }
}
