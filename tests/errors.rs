//! Bad input: every case ends in a clear one-line error and a non-zero exit,
//! never a panic, and never a half-written or clobbered report.

mod common;

use std::path::Path;

use common::*;
use predicates::prelude::*;

/// Runs `report` expecting failure; returns stderr. Asserts no panic and that
/// `out` was not created.
fn fails(input: &Path, extra: &[&str], dir: &Path) -> String {
    let out = dir.join("out");
    let a = bin()
        .arg("report")
        .arg(input)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .assert()
        .code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.starts_with("Error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.exists(), "a failed run must not leave a report");
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folder left behind");
    err
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let err = fails(&dir.path().join("nope.csv"), &[], dir.path());
    assert!(
        err.contains("nope.csv") && err.contains("No such file"),
        "{err}"
    );
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("empty.csv");
    std::fs::write(&f, "").unwrap();
    let err = fails(&f, &[], dir.path());
    assert!(err.contains("empty.csv is empty"), "{err}");
}

#[test]
fn header_only() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("header.csv");
    let first = std::fs::read_to_string(sample())
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    std::fs::write(&f, format!("{first}\n")).unwrap();
    let err = fails(&f, &[], dir.path());
    assert!(err.contains("header row but no responses"), "{err}");
}

#[test]
fn no_group_column_lists_headers_and_suggests_config() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("other.csv");
    std::fs::write(&f, "ID,Practice,Score\n1,A,3\n2,B,4\n").unwrap();
    let err = fails(&f, &[], dir.path());
    assert!(
        err.contains("\"Practice\"") && err.contains("\"Score\""),
        "{err}"
    );
    assert!(err.contains("--config"), "{err}");
    assert!(
        err.contains("Which borough do you mainly work in?"),
        "{err}"
    );
}

#[test]
fn invalid_config_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    let text = survey_template().replace("higher_is = \"better\"", "higher_is = \"sideways\"");
    std::fs::write(&cfg, text).unwrap();
    let err = fails(&sample(), &["--config", cfg.to_str().unwrap()], dir.path());
    assert!(
        err.contains("bad.toml") && err.contains("higher_is"),
        "{err}"
    );

    std::fs::write(&cfg, "title = \"x\"\n[group]\nquestion = 3\n").unwrap();
    let err = fails(&sample(), &["--config", cfg.to_str().unwrap()], dir.path());
    assert!(
        err.contains("group.question") || err.contains("question"),
        "{err}"
    );

    let err = fails(
        &sample(),
        &["--config", "/nonexistent/survey.toml"],
        dir.path(),
    );
    assert!(err.contains("cannot read config"), "{err}");
}

#[test]
fn uneven_row_names_file_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("cut.csv");
    let text = std::fs::read_to_string(sample()).unwrap();
    let mut lines: Vec<String> = text.lines().take(6).map(String::from).collect();
    lines[4] = "99,too,short".into();
    std::fs::write(&f, lines.join("\n")).unwrap();
    let err = fails(&f, &[], dir.path());
    assert!(err.contains("cut.csv row 5"), "{err}");
    assert!(err.contains("found 3"), "{err}");
}

#[test]
fn header_that_matches_no_question() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("only-borough.csv");
    std::fs::write(
        &f,
        "ID,Which borough do you mainly work in?,Colour\n1,Lambeth,red\n",
    )
    .unwrap();
    let err = fails(&f, &[], dir.path());
    assert!(
        err.contains("only-borough.csv") && err.contains("matches none of the 17 questions"),
        "{err}"
    );
    assert!(err.contains("inspect"), "{err}");
}

#[test]
fn folder_as_input() {
    let dir = tempfile::tempdir().unwrap();
    let err = fails(dir.path(), &[], dir.path());
    assert!(err.contains("is a folder"), "{err}");
}

#[test]
fn a_failed_run_keeps_the_previous_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    report(&[&sample()], &out, &["--quiet"]);
    let before = tree(&out);
    let bad = dir.path().join("empty.csv");
    std::fs::write(&bad, "").unwrap();
    bin()
        .arg("report")
        .arg(&bad)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    assert_eq!(tree(&out), before);
}

#[test]
fn refuses_to_replace_a_folder_that_is_not_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let precious = dir.path().join("documents");
    std::fs::create_dir(&precious).unwrap();
    std::fs::write(precious.join("minutes.docx"), "board minutes").unwrap();
    bin()
        .arg("report")
        .arg(sample())
        .arg("--out")
        .arg(&precious)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a survey-lens report folder"));
    assert_eq!(
        std::fs::read_to_string(precious.join("minutes.docx")).unwrap(),
        "board minutes"
    );
}

/// Every format leaves a folder that a later run recognises and replaces,
/// charts alone included; a folder with something else beside the charts
/// is still refused.
#[test]
fn a_report_of_any_one_format_can_be_replaced() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["png", "svg", "html", "xlsx", "md", "json", "csv"] {
        let out = dir.path().join(format);
        for _ in 0..2 {
            bin()
                .args(["report", "--quiet", "--format", format, "--out"])
                .arg(&out)
                .arg(sample())
                .assert()
                .success();
        }
    }
    let mixed = dir.path().join("png");
    std::fs::write(mixed.join("notes.txt"), "mine").unwrap();
    bin()
        .args(["report", "--quiet", "--format", "png", "--out"])
        .arg(&mixed)
        .arg(sample())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a survey-lens report folder"));
    assert_eq!(
        std::fs::read_to_string(mixed.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn input_is_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::copy(sample(), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    report(&[&input], &dir.path().join("r"), &["--quiet"]);
    assert_eq!(std::fs::read(&input).unwrap(), before);
    // An output folder that holds the input is refused.
    let inside = dir.path().join("reports");
    std::fs::create_dir(&inside).unwrap();
    std::fs::write(inside.join("summary.json"), "{}").unwrap();
    let nested = inside.join("in.csv");
    std::fs::copy(sample(), &nested).unwrap();
    bin()
        .arg("report")
        .arg(&nested)
        .arg("--out")
        .arg(&inside)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("contains the input"));
    assert!(nested.is_file());
}

fn survey_template() -> String {
    let o = bin().arg("template").output().unwrap();
    String::from_utf8(o.stdout).unwrap()
}
