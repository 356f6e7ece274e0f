//! Survey text that tries to break out: formula injection in CSV, markup in
//! markdown and HTML, scripts in free text, and personal details in quotes.

mod common;

use std::fmt::Write;
use std::path::Path;

use common::*;

const TEAMS: [&str; 5] = [
    "=cmd|' /C calc'!A0",
    "Team <b>B</b>",
    "Team | C",
    "Team_D *bold* # x",
    "Tiny team",
];
const OPTIONS: [&str; 4] = [
    "<script>alert(1)</script>",
    "a|b",
    "+SUM(1,2)",
    "`code` [link](http://x)",
];

fn write_hostile(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut toml = String::from(
        "title = \"Hostile <i>survey</i> | test\"\n[group]\nquestion = \"team\"\nlabel = \"Team\"\nvalues = [",
    );
    toml.push_str(
        &TEAMS
            .iter()
            .map(|t| format!("{{ name = {} }}", q(t)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    toml.push_str("]\n[[sections]]\nid = \"s\"\ntitle = \"Section\"\n");
    let _ = write!(
        toml,
        "[[questions]]\nid = \"team\"\ntext = \"Team\"\nkind = \"single\"\n\
         [[questions]]\nid = \"pick\"\ntext = \"Pick one\"\nkind = \"single\"\nsection = \"s\"\noptions = [{}]\n\
         [[questions]]\nid = \"comments\"\ntext = \"Comments\"\nkind = \"text\"\nsection = \"s\"\n",
        OPTIONS.iter().map(|o| q(o)).collect::<Vec<_>>().join(", ")
    );
    let comments = [
        "<script>alert(1)</script>",
        "Call me on 07700 900123 please",
        "I'm Priya and my email is priya.patel@nhs.net",
        "=HYPERLINK(\"http://evil\",\"click\")",
        "Patient NHS number 943 476 5919 was confused | line\nbreak",
        "We are based at SE1 7EH",
    ];
    let mut csv = String::from("ID,Name,Team,Pick one,Comments\n");
    let mut id = 0;
    for (t, team) in TEAMS.iter().enumerate() {
        let n = if t == 4 { 3 } else { 12 };
        for k in 0..n {
            id += 1;
            let name = if k % 2 == 0 {
                "Priya Patel"
            } else {
                "Sam Okafor"
            };
            let comment = if t == 4 {
                "SECRET from the tiny team".to_string()
            } else {
                comments[(t + k) % comments.len()].to_string()
            };
            let mut w = csv::Writer::from_writer(vec![]);
            w.write_record([
                id.to_string(),
                name.into(),
                team.to_string(),
                OPTIONS[(t + k) % 4].into(),
                comment,
            ])
            .unwrap();
            csv.push_str(&String::from_utf8(w.into_inner().unwrap()).unwrap());
        }
    }
    let (tp, cp) = (dir.join("hostile.toml"), dir.join("hostile.csv"));
    std::fs::write(&tp, toml).unwrap();
    std::fs::write(&cp, csv).unwrap();
    (tp, cp)
}

#[test]
fn hostile_text_is_inert_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let (toml, csv) = write_hostile(dir.path());
    let out = dir.path().join("r");
    let s = report_all(
        &[&csv],
        &out,
        &[
            "--quiet",
            "--quotes",
            "10",
            "--config",
            toml.to_str().unwrap(),
        ],
    );

    // CSV: formulas are neutralised.
    let pick = std::fs::read_to_string(out.join("tables/pick.csv")).unwrap();
    assert!(pick.contains("'=cmd|"), "{pick}");
    assert!(pick.contains("'+SUM(1,2)"), "{pick}");
    for line in pick.lines() {
        for cell in csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes())
            .records()
            .flatten()
            .flat_map(|r| r.iter().map(String::from).collect::<Vec<_>>())
        {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
    }

    // Markdown: every table row has as many unescaped pipes as its header.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("<script>") && md.contains("\\<script\\>"));
    let pipes = |l: &str| l.replace("\\|", "").matches('|').count();
    let mut table_width = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = pipes(line);
            assert_eq!(
                *table_width.get_or_insert(n),
                n,
                "a cell broke its table: {line}"
            );
        } else {
            table_width = None;
        }
    }
    assert!(
        !md.contains("[link](") && md.contains("\\[link\\]"),
        "no live links from survey text"
    );

    // HTML: escaped everywhere, no script runs.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script>alert(1)"), "raw script in HTML");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<b>B</b>") && !html.contains("<i>survey</i>"));

    // SVG charts: text escaped by the SVG writer.
    for (f, bytes) in tree(&out.join("charts")) {
        if f.ends_with(".svg") {
            assert!(!String::from_utf8_lossy(&bytes).contains("<script"), "{f}");
        }
    }

    // Quotes: redacted, and never from the tiny team (3 people).
    let quotes = question(&s, "comments")["quotes"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!quotes.is_empty());
    let all: String = quotes
        .iter()
        .map(|q| q["text"].as_str().unwrap().to_string() + "\n")
        .collect();
    for leak in [
        "07700",
        "priya.patel@",
        "943 476 5919",
        "SE1 7EH",
        "Priya",
        "SECRET",
    ] {
        assert!(!all.contains(leak), "{leak} leaked into quotes: {all}");
    }
    assert!(quotes.iter().all(|q| q["group"] != "Tiny team"));
    for mark in ["[phone]", "[email]", "[name]"] {
        assert!(all.contains(mark), "{mark} missing: {all}");
    }
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;\u{201d}") || all.contains("<script>"),
        "the script quote is shown as text"
    );
}

#[test]
fn quotes_are_off_by_default_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (toml, csv) = write_hostile(dir.path());
    let cfg = toml.to_str().unwrap();
    let off = report_all(
        &[&csv],
        &dir.path().join("a"),
        &["--quiet", "--config", cfg],
    );
    assert!(question(&off, "comments").get("quotes").is_none());
    let md = std::fs::read_to_string(dir.path().join("a/report.md")).unwrap();
    assert!(!md.contains("Call me"));
    let a = report_all(
        &[&csv],
        &dir.path().join("b"),
        &["--quiet", "--quotes", "2", "--config", cfg],
    );
    let b = report_all(
        &[&csv],
        &dir.path().join("c"),
        &["--quiet", "--quotes", "2", "--config", cfg],
    );
    assert_eq!(
        question(&a, "comments")["quotes"],
        question(&b, "comments")["quotes"]
    );
    assert_eq!(
        question(&a, "comments")["quotes"].as_array().unwrap().len(),
        2
    );
}
