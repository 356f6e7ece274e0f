//! report.xlsx read back by calamine (and, under CI, by LibreOffice): every
//! figure equals summary.json, `[c]` stands exactly where a figure is
//! hidden, tables are named Excel tables, nothing is merged, and the same
//! input gives the same bytes.

mod common;

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;
use serde_json::Value;

/// A sheet's table: the header row and the rows below it, as calamine reads
/// them (the table starts on row 4).
fn table(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .skip_while(
            |r| !matches!(r.first(), Some(Data::String(s)) if s == "Group" || s == "Indicator"),
        )
        .map(<[Data]>::to_vec)
        .collect()
}

/// A count cell against summary.json: the number, or `[c]` when hidden.
fn same_count(cell: &Data, want: &Value, at: &str) {
    match (cell, want.as_u64()) {
        (Data::Float(f), Some(n)) => assert_eq!(*f, n as f64, "{at}"),
        (Data::String(s), None) => assert_eq!(s, "[c]", "{at}"),
        (c, w) => panic!("{at}: {c:?} against {w:?}"),
    }
}

/// A percentage cell (a fraction) against summary.json's 0-100 figure.
fn same_percent(cell: &Data, want: &Value, base: &Value, at: &str) {
    match (cell, want.as_f64()) {
        (Data::Float(f), Some(p)) => assert!((f * 100.0 - p).abs() < 1e-9, "{at}: {f} vs {p}"),
        (Data::String(s), None) if base.as_u64() == Some(0) => assert_eq!(s, "[z]", "{at}"),
        (Data::String(s), None) => assert_eq!(s, "[c]", "{at}"),
        (c, w) => panic!("{at}: {c:?} against {w:?}"),
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        other => panic!("expected text, found {other:?}"),
    }
}

fn write(out: &Path) -> Value {
    report(&[&sample()], out, &["--quiet", "--format", "json,xlsx"])
}

#[test]
fn every_figure_in_the_workbook_equals_summary_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let s = write(&out);
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let names = wb.sheet_names();
    let charted: Vec<&str> = s["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] != "text")
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    let mut want = vec!["Cover", "Contents", "Notes", "Headline", "Responses"];
    want.extend(&charted);
    assert_eq!(names, want);
    assert!(names.iter().all(|n| n.chars().count() <= 31));

    // Headline: one row per indicator and group.
    let rows = table(&mut wb, "Headline");
    assert_eq!(text(&rows[0][0]), "Indicator");
    let mut seen = 0;
    let mut hidden = 0;
    for r in &rows[1..] {
        let (id, group) = (text(&r[0]), text(&r[3]));
        let c = indicator(&s, &id, &group);
        let at = format!("Headline {id}/{group}");
        same_count(&r[4], &c["count"], &at);
        same_count(&r[5], &c["base"], &at);
        same_percent(&r[6], &c["percent"], &c["base"], &at);
        hidden += usize::from(c["suppressed"] == true);
        seen += 1;
    }
    let cells: usize = s["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["cells"].as_array().unwrap().len())
        .sum();
    assert_eq!(seen, cells);
    assert!(hidden > 0, "the sample hides some headline figures");

    // Every question: one row per group and answer.
    for q in &charted {
        let rows = table(&mut wb, q);
        assert_eq!(
            rows[0].iter().map(text).collect::<Vec<_>>(),
            ["Group", "Answer", "Count", "Base", "Percent"]
        );
        assert_eq!(
            rows.len() - 1,
            question(&s, q)["cells"].as_array().unwrap().len(),
            "{q}"
        );
        for r in &rows[1..] {
            let (g, o) = (text(&r[0]), text(&r[1]));
            let c = cell(&s, q, &g, &o);
            let at = format!("{q} {g}/{o}");
            same_count(&r[2], &c["count"], &at);
            same_count(&r[3], &c["base"], &at);
            same_percent(&r[4], &c["percent"], &c["base"], &at);
        }
    }

    // Named Excel tables, one per sheet; no merged cells anywhere.
    wb.load_tables().unwrap();
    for n in &names {
        assert_eq!(
            wb.table_names_in_sheet(n).len(),
            usize::from(*n != "Cover"),
            "{n}"
        );
        let merged = wb.merge_cells_by_sheet_name(n).unwrap();
        assert!(merged.is_empty(), "{n} has merged cells");
    }
    assert!(wb.table_names().iter().any(|t| *t == "tbl_headline"));
}

#[test]
fn the_same_input_gives_the_same_workbook_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    write(&a);
    write(&b);
    let (x, y) = (
        std::fs::read(a.join("report.xlsx")).unwrap(),
        std::fs::read(b.join("report.xlsx")).unwrap(),
    );
    assert!(x.starts_with(b"PK"));
    assert!(x == y, "report.xlsx differs between two runs");
}

/// LibreOffice, a second reader written by other people, sees the same
/// figures. Under CI only (`.ci/run` installs Debian's libreoffice-calc).
#[test]
fn libreoffice_reads_the_same_headline_figures() {
    if !under_ci() {
        eprintln!("skipping the LibreOffice test: it runs under CI (set CI=1 to run it here)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let s = write(&out);
    let csv_dir = dir.path().join("csv");
    // Sheet 4 is Headline: the filter's last token picks it (1-based).
    let o = std::process::Command::new("soffice")
        .args(["--headless", "--norestore", "--convert-to"])
        .arg("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,4")
        .arg("--outdir")
        .arg(&csv_dir)
        .arg(out.join("report.xlsx"))
        .env("HOME", dir.path())
        .output()
        .expect("CI has LibreOffice (soffice): .ci/run installs libreoffice-calc");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file = std::fs::read_dir(&csv_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "csv"))
        .expect("LibreOffice wrote a CSV");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&file)
        .unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let start = rows
        .iter()
        .position(|r| r.get(0) == Some("Indicator"))
        .expect("the Headline table's header row");
    let mut checked = 0;
    for r in &rows[start + 1..] {
        let c = indicator(&s, &r[0], &r[3]);
        let count = c["count"]
            .as_u64()
            .map_or_else(|| "[c]".to_string(), |n| n.to_string());
        assert_eq!(&r[4], count, "{} {}", &r[0], &r[3]);
        if let Some(p) = c["percent"].as_f64() {
            // Shown as formatted: one decimal place and a percent sign.
            assert_eq!(&r[6], format!("{p:.1}%"), "{} {}", &r[0], &r[3]);
        }
        checked += 1;
    }
    assert!(checked > 50, "{checked} rows");
}
