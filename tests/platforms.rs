//! Real export shapes: the same 60 responses exported by Microsoft Forms
//! (.xlsx), Excel (UTF-8 with BOM, and Windows-1252 with `;`), Google Forms,
//! SurveyMonkey and Qualtrics must give identical figures, with no flags.
//! The fixtures are made by tests/fixtures/platforms/make_fixtures.py.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use predicates::prelude::*;
use serde_json::Value;

fn platform(name: &str) -> PathBuf {
    fixture(&format!("platforms/{name}"))
}

/// file, format, encoding, delimiter, header rows
type Shape = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    u64,
);

const SHAPES: &[Shape] = &[
    ("forms.xlsx", "microsoft-forms/xlsx", None, None, 1),
    (
        "excel-utf8-bom.csv",
        "microsoft-forms/csv",
        Some("UTF-8 with BOM"),
        Some(","),
        1,
    ),
    (
        "excel-1252-semicolon.csv",
        "microsoft-forms/csv",
        Some("Windows-1252"),
        Some(";"),
        1,
    ),
    (
        "google-forms.csv",
        "google-forms/csv",
        Some("UTF-8"),
        Some(","),
        1,
    ),
    (
        "surveymonkey.csv",
        "surveymonkey/csv",
        Some("UTF-8"),
        Some(","),
        2,
    ),
    (
        "qualtrics.csv",
        "qualtrics/csv",
        Some("UTF-8 with BOM"),
        Some(","),
        3,
    ),
    // Made by tests/fixtures/xlsx/make_fixtures.py: the last question is a
    // multi-select, so the first header row is shorter than the second.
    ("surveymonkey.xlsx", "surveymonkey/xlsx", None, None, 2),
];

fn run(inputs: &[&Path], dir: &Path, name: &str) -> Value {
    report(inputs, &dir.join(name), &["--quiet", "--min-cell", "0"])
}

#[test]
fn every_platform_gives_identical_questions_and_indicators() {
    let dir = tempfile::tempdir().unwrap();
    let base = run(&[&platform("excel-utf8-bom.csv")], dir.path(), "base");
    assert_eq!(base["responses"]["analysed"], 60);
    for (file, format, encoding, delimiter, header_rows) in SHAPES {
        let s = run(&[&platform(file)], dir.path(), file);
        let input = &s["inputs"][0];
        assert_eq!(input["format"], *format, "{file}");
        assert_eq!(input["encoding"].as_str(), *encoding, "{file}");
        assert_eq!(input["delimiter"].as_str(), *delimiter, "{file}");
        assert_eq!(input["header_rows"], *header_rows, "{file}");
        assert_eq!(s["responses"]["analysed"], 60, "{file}");
        assert!(
            s["questions"] == base["questions"],
            "{file}: questions differ from the Excel CSV"
        );
        assert!(
            s["indicators"] == base["indicators"],
            "{file}: indicators differ from the Excel CSV"
        );
        let dq = serde_json::to_string(&s["data_quality"]).unwrap();
        for kind in [
            "unrecognised_answer",
            "unclaimed_columns",
            "questions_missing",
            "unrecognised_group",
        ] {
            assert!(!dq.contains(kind), "{file}: {kind} in {dq}");
        }
    }
}

#[test]
fn curly_apostrophes_and_windows_1252_match_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let s = run(&[&platform("excel-1252-semicolon.csv")], dir.path(), "r");
    let guys = cell(&s, "providers", "All", "Guy's Cancer Academy")["count"]
        .as_u64()
        .unwrap();
    // Count the answers in the raw bytes: 0x92 is the curly apostrophe.
    let raw = std::fs::read(platform("excel-1252-semicolon.csv")).unwrap();
    let curly = raw.windows(4).filter(|w| w == b"Guy\x92").count();
    let straight = raw.windows(4).filter(|w| w == b"Guy'").count();
    assert!(curly > 0 && straight > 0, "the fixture has both spellings");
    assert_eq!(guys as usize, curly + straight);
}

#[test]
fn windows_1252_far_into_a_file_is_still_decoded() {
    let dir = tempfile::tempdir().unwrap();
    // 250 ASCII rows (well past the sniffed head), then one Excel row with 0x92.
    let mut bytes = std::fs::read(sample()).unwrap();
    assert!(bytes.len() > 64 * 1024 && bytes.is_ascii());
    bytes.extend_from_slice(
        b"9999,01/09/2026 10:00,01/09/2026 10:05,anonymous,,,Lambeth,GP practice,Care coordinator,1 to 2 years,\
          Cancer care reviews;,Mainly patient-facing,Very confident,Yes,Guy\x92s Cancer Academy;,I found it myself,\
          Cost;,No,No,Agree,No,Yes,,\n",
    );
    let f = dir.path().join("late.csv");
    std::fs::write(&f, bytes).unwrap();
    let before = report(
        &[&sample()],
        &dir.path().join("a"),
        &["--quiet", "--min-cell", "0"],
    );
    let after = report(
        &[&f],
        &dir.path().join("b"),
        &["--quiet", "--min-cell", "0"],
    );
    let n = |s: &Value| {
        cell(s, "providers", "All", "Guy's Cancer Academy")["count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(n(&after), n(&before) + 1);
    assert_eq!(after["inputs"][0]["encoding"], "Windows-1252");
}

#[test]
fn qualtrics_unfinished_responses_are_excluded_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let s = run(&[&platform("qualtrics.csv")], dir.path(), "q");
    assert_eq!(s["responses"]["read"], 64);
    assert_eq!(s["responses"]["incomplete_excluded"], 4);
    assert_eq!(s["responses"]["analysed"], 60);
    assert_eq!(s["inputs"][0]["incomplete_excluded"], 4);
}

#[test]
fn identity_columns_of_every_platform_are_dropped_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let expect: &[(&str, &[&str])] = &[
        ("forms.xlsx", &["Id", "Email", "Name"]),
        ("google-forms.csv", &["Email Address"]),
        (
            "surveymonkey.csv",
            &[
                "Respondent ID",
                "IP Address",
                "Email Address",
                "First Name",
                "Last Name",
            ],
        ),
        (
            "qualtrics.csv",
            &[
                "IP Address",
                "Recipient Email",
                "Recipient First Name",
                "Location Latitude",
            ],
        ),
    ];
    for (file, names) in expect {
        let out = dir.path().join(file);
        let s = report(&[&platform(file)], &out, &["--quiet", "--min-cell", "0"]);
        let note = s["data_quality"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == "identity_columns_dropped")
            .unwrap_or_else(|| panic!("{file}: no identity note"));
        for n in *names {
            assert!(
                note["message"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("\"{n}\"")),
                "{file}: {n} not listed: {note}"
            );
        }
        // The values never reach an output.
        for (f, bytes) in tree(&out) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("@nhs.net") && !text.contains("81.2."),
                "{file}: {f} leaks personal data"
            );
        }
    }
}

#[test]
fn several_platforms_at_once_and_duplicates_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let base = run(&[&platform("excel-utf8-bom.csv")], dir.path(), "base");
    // The xlsx and the Excel CSV hold the same response IDs: each counts once.
    let both = run(
        &[&platform("forms.xlsx"), &platform("excel-utf8-bom.csv")],
        dir.path(),
        "both",
    );
    assert_eq!(both["responses"]["read"], 120);
    assert_eq!(both["responses"]["duplicates_removed"], 60);
    assert_eq!(both["questions"], base["questions"]);
    // Qualtrics ids differ from Forms ids: two platforms, 120 responses.
    let mixed = run(
        &[&platform("qualtrics.csv"), &platform("forms.xlsx")],
        dir.path(),
        "mixed",
    );
    assert_eq!(mixed["responses"]["analysed"], 120);
    assert_eq!(mixed["responses"]["incomplete_excluded"], 4);
    let formats: Vec<&str> = mixed["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["qualtrics/csv", "microsoft-forms/xlsx"]);
    assert_eq!(
        cell(&mixed, "role", "All", "Care coordinator")["count"]
            .as_u64()
            .unwrap(),
        2 * cell(&base, "role", "All", "Care coordinator")["count"]
            .as_u64()
            .unwrap()
    );
}

#[test]
fn xlsx_sheets_are_chosen_by_header_or_by_name() {
    let dir = tempfile::tempdir().unwrap();
    // forms.xlsx starts with a one-cell "Read me" sheet, which is skipped.
    let s = run(&[&platform("forms.xlsx")], dir.path(), "auto");
    assert_eq!(s["inputs"][0]["sheet"], "Form1");
    let out = dir.path().join("named");
    bin()
        .arg("report")
        .arg(platform("forms.xlsx"))
        .args(["--sheet", "form1", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    bin()
        .arg("report")
        .arg(platform("forms.xlsx"))
        .args(["--sheet", "Responses", "--out"])
        .arg(dir.path().join("x"))
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("no sheet named \"Responses\"")
                .and(predicate::str::contains("\"Read me\", \"Form1\"")),
        );
}

fn fails_with(bytes: &[u8], name: &str, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join(name);
    std::fs::write(&f, bytes).unwrap();
    let a = bin()
        .arg("report")
        .arg(&f)
        .arg("--out")
        .arg(dir.path().join("r"))
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    for e in expected {
        assert!(err.contains(e), "{name}: expected {e:?} in {err}");
    }
    assert!(!dir.path().join("r").exists());
}

#[test]
fn damaged_and_foreign_files_get_clear_errors() {
    let xlsx = std::fs::read(platform("forms.xlsx")).unwrap();
    fails_with(
        &xlsx[..xlsx.len() / 2],
        "cut.xlsx",
        &["cut.xlsx", "not a readable Excel workbook"],
    );
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.resize(4096, 0);
    fails_with(&ole, "locked.xlsx", &["locked.xlsx", "password-protected"]);
    fails_with(
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n",
        "results.pdf",
        &["results.pdf", "PDF"],
    );
    // A zip that is not a workbook.
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";
    fails_with(zip, "photos.zip", &["photos.zip", "zip archive"]);
}

#[test]
fn uneven_rows_name_file_and_row_in_every_delimiter() {
    let text = std::fs::read(platform("excel-1252-semicolon.csv")).unwrap();
    let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    lines[7] = b"99;Lambeth;Yes\r";
    fails_with(
        &lines.join(&b'\n'),
        "short.csv",
        &["short.csv row 8", "found 3"],
    );
}
