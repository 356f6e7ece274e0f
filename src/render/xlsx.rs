//! report.xlsx: the figures as a workbook for analysts, laid out as the
//! Government Analysis Function asks statistics in spreadsheets to be
//! (cover, contents, notes, then one table per sheet).
//!
//! The guidance exists because spreadsheets are read by screen readers and
//! by programs as much as by eyes: one header row per table, no merged cells
//! and no blank rows inside a table, every table an Excel table with a name,
//! numbers stored as numbers, and confidential figures as the text `[c]`
//! explained on the notes sheet. Percentages are stored as fractions with a
//! one-decimal percent format, so Excel shows 34.1% and a formula sees
//! 0.341. The same input gives the same bytes: the document's dates are the
//! paper's date, never the clock.

use anyhow::{Context, Result};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Table, TableColumn, Workbook, Worksheet,
};

use crate::render::{CONFIDENTIAL, CONFIDENTIAL_MEANS, NOT_APPLICABLE, NOT_APPLICABLE_MEANS};
use crate::summary::{Kind, QuestionSummary, Summary};

/// Excel's limit on a sheet name's length.
const SHEET_NAME_MAX: usize = 31;

/// A cell of a table: a number (with or without the percent format) or
/// text (labels, and the `[c]` and `[z]` marks).
enum Value {
    Text(String),
    Count(f64),
    Percent(f64),
}

impl Value {
    fn count(v: Option<u64>, hidden: &str) -> Value {
        v.map_or_else(|| Value::Text(hidden.into()), |n| Value::Count(n as f64))
    }

    /// A percentage (0-100) stored as a fraction; hidden or not applicable
    /// as its mark.
    fn percent(v: Option<f64>, base: Option<u64>) -> Value {
        match (v, base) {
            (_, Some(0)) => Value::Text(NOT_APPLICABLE.into()),
            (Some(p), _) => Value::Percent(p / 100.0),
            (None, _) => Value::Text(CONFIDENTIAL.into()),
        }
    }
}

/// One table on its own sheet.
struct Sheet {
    name: String,
    /// What the table shows: the sheet's first cell and its contents entry.
    title: String,
    table_name: String,
    header: Vec<&'static str>,
    rows: Vec<Vec<Value>>,
}

/// The workbook's bytes.
pub fn render(s: &Summary) -> Result<Vec<u8>> {
    let mut sheets = vec![headline(s), responses(s)];
    let mut used: Vec<String> = sheets.iter().map(|t| t.name.clone()).collect();
    for q in s.questions.iter().filter(|q| q.kind != Kind::Text) {
        let name = sheet_name(&q.id, &used);
        used.push(name.clone());
        sheets.push(question(s, q, name));
    }
    sheets.retain(|t| !t.rows.is_empty());
    // Table names must differ (ignoring case) across the workbook; two ids
    // that differ only in punctuation ("q-1", "q_1") would not.
    let mut names: Vec<String> = vec!["tbl_contents".into(), "tbl_notes".into()];
    for t in &mut sheets {
        let base = t.table_name.clone();
        let mut k = 1;
        while names.iter().any(|n| n.eq_ignore_ascii_case(&t.table_name)) {
            k += 1;
            t.table_name = format!("{base}_{k}");
        }
        names.push(t.table_name.clone());
    }

    let mut wb = Workbook::new();
    let date = s.date.as_deref().unwrap_or("2000-01-01");
    let ymd: Vec<u16> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    let created = match ymd[..] {
        [y, m, d] => ExcelDateTime::from_ymd(y, m as u8, d as u8),
        _ => ExcelDateTime::from_ymd(2000, 1, 1),
    }
    .context("the paper's date as a workbook date")?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&s.title)
            .set_author(&s.generated_by)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(15);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let link = Format::new()
        .set_font_color("#0563C1")
        .set_underline(rust_xlsxwriter::FormatUnderline::Single);

    cover(wb.add_worksheet(), s, &title, &bold, &wrap)?;
    contents(wb.add_worksheet(), &sheets, &title, &link)?;
    notes(wb.add_worksheet(), s, &title, &wrap)?;
    for t in &sheets {
        table_sheet(wb.add_worksheet(), t, &title)?;
    }
    wb.save_to_buffer().context("writing report.xlsx")
}

fn xl<T>(r: Result<T, rust_xlsxwriter::XlsxError>) -> Result<T> {
    r.map_err(|e| anyhow::anyhow!("writing report.xlsx: {e}"))
}

/// Cover: what the workbook is, whom it is about, when, from what, and who
/// to ask.
fn cover(
    ws: &mut Worksheet,
    s: &Summary,
    title: &Format,
    bold: &Format,
    wrap: &Format,
) -> Result<()> {
    xl(ws.set_name("Cover"))?;
    xl(ws.write_string_with_format(0, 0, &s.title, title))?;
    let mut facts: Vec<(&str, String)> = vec![(
        "About this workbook",
        "The survey's figures, one table per sheet: see Contents and Notes.".into(),
    )];
    if !s.population.is_empty() {
        facts.push(("Who was surveyed", s.population.clone()));
    }
    facts.push(("Wave", s.wave.clone().unwrap_or_else(|| "not named".into())));
    if let Some(f) = &s.fieldwork {
        facts.push(("Fieldwork", format!("{} to {}", f.first, f.last)));
    }
    facts.push(("Responses analysed", s.responses.analysed.to_string()));
    facts.push((
        "Source files",
        s.inputs
            .iter()
            .map(|i| {
                format!(
                    "{} (SHA-256 {})",
                    i.file,
                    &i.sha256[..12.min(i.sha256.len())]
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    ));
    if let Some(d) = &s.date {
        facts.push(("Date of publication", d.clone()));
    }
    if let Some(b) = &s.disclosure.banner {
        facts.push(("Status", b.clone()));
    }
    if !s.contact.is_empty() {
        facts.push(("Contact", s.contact.clone()));
    }
    facts.push(("Made by", s.generated_by.clone()));
    for (i, (k, v)) in facts.iter().enumerate() {
        let row = 2 + i as u32;
        xl(ws.write_string_with_format(row, 0, *k, bold))?;
        xl(ws.write_string_with_format(row, 1, v, wrap))?;
        xl(ws.set_row_height(row, 15 * wrapped_lines(v, 90)))?;
    }
    xl(ws.set_column_width(0, 24))?;
    xl(ws.set_column_width(1, 90))?;
    Ok(())
}

/// Contents: a table of the tables, each sheet name a link to its sheet.
fn contents(ws: &mut Worksheet, sheets: &[Sheet], title: &Format, link: &Format) -> Result<()> {
    xl(ws.set_name("Contents"))?;
    xl(ws.write_string_with_format(0, 0, "Contents", title))?;
    xl(ws.write_string(
        1,
        0,
        "This worksheet contains one table. Each sheet name links to its sheet.",
    ))?;
    let top = 3;
    for (i, t) in sheets.iter().enumerate() {
        let row = top + 1 + i as u32;
        xl(ws.write_url_with_format(
            row,
            0,
            rust_xlsxwriter::Url::new(format!("internal:'{}'!A1", t.name)).set_text(&t.name),
            link,
        ))?;
        xl(ws.write_string(row, 1, &t.title))?;
    }
    let table = Table::new().set_name("tbl_contents").set_columns(&[
        TableColumn::new().set_header("Sheet"),
        TableColumn::new().set_header("Table"),
    ]);
    xl(ws.add_table(top, 0, top + sheets.len() as u32, 1, &table))?;
    xl(ws.set_column_width(0, 32))?;
    xl(ws.set_column_width(1, 100))?;
    Ok(())
}

/// Notes: the marks, the bases, the intervals and the disclosure rules.
fn notes(ws: &mut Worksheet, s: &Summary, title: &Format, wrap: &Format) -> Result<()> {
    xl(ws.set_name("Notes"))?;
    xl(ws.write_string_with_format(0, 0, "Notes", title))?;
    xl(ws.write_string(
        1,
        0,
        "This worksheet contains one table of notes on the marks and methods.",
    ))?;
    let notes = [
        (CONFIDENTIAL.to_string(), format!("Confidential: {CONFIDENTIAL_MEANS}.")),
        (NOT_APPLICABLE.to_string(), format!("Not applicable: {NOT_APPLICABLE_MEANS}.")),
        (
            "Base".into(),
            "A percentage is the share of the people in a group who answered the question; people who left it blank \
             are not in its base. For questions where more than one answer could be chosen, the base is everyone who \
             chose at least one, and percentages can add up to more than 100%."
                .into(),
        ),
        (
            "Intervals".into(),
            "Each headline figure has a 95% Wilson score interval. A group is marked worse or better than All only \
             when that whole interval lies on one side of All's figure."
                .into(),
        ),
        (
            "Disclosure".into(),
            if s.disclosure.method.is_empty() {
                "Small numbers were not suppressed: not for publication.".into()
            } else {
                s.disclosure.method.clone()
            },
        ),
    ];
    let top = 3;
    for (i, (mark, text)) in notes.iter().enumerate() {
        let row = top + 1 + i as u32;
        xl(ws.write_string(row, 0, mark))?;
        xl(ws.write_string_with_format(row, 1, text, wrap))?;
        xl(ws.set_row_height(row, 15 * wrapped_lines(text, 110)))?;
    }
    let table = Table::new().set_name("tbl_notes").set_columns(&[
        TableColumn::new().set_header("Mark or term"),
        TableColumn::new().set_header("Meaning"),
    ]);
    xl(ws.add_table(top, 0, top + notes.len() as u32, 1, &table))?;
    xl(ws.set_column_width(0, 16))?;
    xl(ws.set_column_width(1, 110))?;
    Ok(())
}

/// A table's sheet: its title in A1, a line on what it holds, the table
/// from row 4.
fn table_sheet(ws: &mut Worksheet, t: &Sheet, title: &Format) -> Result<()> {
    xl(ws.set_name(&t.name))?;
    xl(ws.write_string_with_format(0, 0, &t.title, title))?;
    xl(ws.write_string(
        1,
        0,
        format!(
            "This worksheet contains one table. {CONFIDENTIAL} marks a figure hidden so that nobody can be identified; \
             {NOT_APPLICABLE} a percentage that does not apply. See the Notes sheet."
        ),
    ))?;
    let pct = Format::new().set_num_format("0.0%");
    let count = Format::new().set_num_format("0");
    let top = 3;
    for (i, row) in t.rows.iter().enumerate() {
        let r = top + 1 + i as u32;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            match v {
                Value::Text(text) => xl(ws.write_string(r, c, text))?,
                Value::Count(n) => xl(ws.write_number_with_format(r, c, *n, &count))?,
                Value::Percent(p) => xl(ws.write_number_with_format(r, c, *p, &pct))?,
            };
        }
    }
    let columns: Vec<TableColumn> = t
        .header
        .iter()
        .map(|h| TableColumn::new().set_header(*h))
        .collect();
    let table = Table::new().set_name(&t.table_name).set_columns(&columns);
    xl(ws.add_table(
        top,
        0,
        top + t.rows.len() as u32,
        t.header.len() as u16 - 1,
        &table,
    ))?;
    xl(ws.set_column_width(0, 28))?;
    xl(ws.set_column_width(1, 40))?;
    Ok(())
}

fn headline(s: &Summary) -> Sheet {
    let mut rows = Vec::new();
    for ind in &s.indicators {
        for c in &ind.cells {
            let bound = |i: usize| Value::percent(c.ci95.map(|b| b[i]), c.base);
            let (lo, hi) = (bound(0), bound(1));
            rows.push(vec![
                Value::Text(ind.id.clone()),
                Value::Text(ind.label.clone()),
                Value::Text(ind.higher_is.as_str().into()),
                Value::Text(c.group.clone()),
                Value::count(c.count, CONFIDENTIAL),
                Value::count(c.base, CONFIDENTIAL),
                Value::percent(c.percent, c.base),
                lo,
                hi,
                Value::Text(c.vs_all.map_or_else(String::new, |v| v.as_str().into())),
            ]);
        }
    }
    Sheet {
        name: "Headline".into(),
        title: format!(
            "Headline indicators by {}: count, base, percentage and 95% interval, and how each group compares with All",
            crate::text::lower_first(&s.group_label)
        ),
        table_name: "tbl_headline".into(),
        header: vec![
            "Indicator",
            "Label",
            "Higher is",
            "Group",
            "Count",
            "Base",
            "Percent",
            "95% interval low",
            "95% interval high",
            "Compared with All",
        ],
        rows,
    }
}

fn responses(s: &Summary) -> Sheet {
    let total = s.responses.analysed.max(1) as f64;
    let rows = s
        .responses
        .by_group
        .iter()
        .map(|g| {
            vec![
                Value::Text(g.group.clone()),
                Value::count(g.responses, CONFIDENTIAL),
                g.responses.map_or_else(
                    || Value::Text(CONFIDENTIAL.into()),
                    |n| Value::Percent(n as f64 / total),
                ),
            ]
        })
        .collect();
    Sheet {
        name: "Responses".into(),
        title: format!(
            "Responses by {}: number analysed and share of all",
            crate::text::lower_first(&s.group_label)
        ),
        table_name: "tbl_responses".into(),
        header: vec!["Group", "Responses", "Share"],
        rows,
    }
}

fn question(s: &Summary, q: &QuestionSummary, name: String) -> Sheet {
    let mut rows = Vec::new();
    for g in s.groups_and_all() {
        for o in &q.options {
            let Some(c) = q.cell(g, o) else { continue };
            rows.push(vec![
                Value::Text(g.to_string()),
                Value::Text(o.clone()),
                Value::count(c.count, CONFIDENTIAL),
                Value::count(c.base, CONFIDENTIAL),
                Value::percent(c.percent, c.base),
            ]);
        }
    }
    let multi = if q.kind == Kind::Multi {
        " (more than one answer could be chosen)"
    } else {
        ""
    };
    Sheet {
        table_name: format!("tbl_{}", table_ident(&name)),
        name,
        title: format!(
            "{}{multi}: count, base and percentage by group",
            q.text.trim()
        ),
        header: vec!["Group", "Answer", "Count", "Base", "Percent"],
        rows,
    }
}

/// How many lines `text` takes wrapped in a column `width` characters wide:
/// rows are given that height, as a spreadsheet does not grow a row for
/// wrapped text it did not type itself.
fn wrapped_lines(text: &str, width: usize) -> u16 {
    let mut lines = 1;
    let mut used = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if used > 0 && used + 1 + n > width {
            lines += 1;
            used = n;
        } else {
            used += n + usize::from(used > 0);
        }
    }
    lines
}

/// A sheet name from a question id: Excel forbids `[]:*?/\`, allows 31
/// characters, and names must differ (ignoring case); a clash gets `~2`.
fn sheet_name(id: &str, used: &[String]) -> String {
    let clean: String = id
        .chars()
        .map(|c| if "[]:*?/\\'".contains(c) { '_' } else { c })
        .collect();
    let base: String = clean.chars().take(SHEET_NAME_MAX).collect();
    let taken = |n: &str| used.iter().any(|u| u.eq_ignore_ascii_case(n));
    if !taken(&base) && !base.is_empty() {
        return base;
    }
    (2..)
        .map(|k| {
            let tail = format!("~{k}");
            let head: String = clean.chars().take(SHEET_NAME_MAX - tail.len()).collect();
            format!("{head}{tail}")
        })
        .find(|n| !taken(n))
        .expect("some suffix is free")
}

/// An Excel table name: letters, digits and `_` only.
fn table_ident(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel_and_never_clash() {
        let used = vec!["Headline".to_string(), "Responses".to_string()];
        assert_eq!(sheet_name("role", &used), "role");
        assert_eq!(sheet_name("headline", &used), "headline~2");
        let long = "a_question_id_that_is_far_longer_than_excel_allows";
        let n = sheet_name(long, &used);
        assert_eq!(n.chars().count(), SHEET_NAME_MAX);
        let mut more = used.clone();
        more.push(n.clone());
        let m = sheet_name(long, &more);
        assert!(m.chars().count() <= SHEET_NAME_MAX && m != n, "{m}");
        assert_eq!(sheet_name("a/b:c", &used), "a_b_c");
    }

    #[test]
    fn ids_that_differ_only_in_punctuation_still_make_a_workbook() {
        let mut s: Summary = serde_json::from_str(include_str!(
            "../../tests/fixtures/disclosure/v0.1-sample-summary.json"
        ))
        .unwrap();
        let mut twin = s.questions[1].clone();
        s.questions[1].id = "q-1".into();
        twin.id = "q_1".into();
        s.questions.push(twin);
        let bytes = render(&s).expect("a workbook");
        assert!(bytes.starts_with(b"PK"));
    }
}
