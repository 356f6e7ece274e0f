//! The sample generator's contract, the built-in template round trip, and
//! snapshots of what a reader sees.

mod common;

use common::*;

fn sample_bytes(args: &[&str]) -> Vec<u8> {
    bin().arg("sample").args(args).output().unwrap().stdout
}

#[test]
fn same_seed_same_bytes_and_committed_sample_is_the_default() {
    let a = sample_bytes(&["--rows", "300", "--seed", "9"]);
    assert_eq!(a, sample_bytes(&["--rows", "300", "--seed", "9"]));
    assert_ne!(a, sample_bytes(&["--rows", "300", "--seed", "10"]));
    assert_eq!(
        sample_bytes(&[]),
        std::fs::read(sample()).unwrap(),
        "samples/sel-stakeholder-survey.csv must be `survey-lens sample` output; regenerate it"
    );
}

#[test]
fn sample_rows_and_file_output() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.csv");
    bin()
        .args(["sample", "--rows", "1000", "--seed", "2", "-o"])
        .arg(&f)
        .assert()
        .success();
    let mut rdr = csv::Reader::from_path(&f).unwrap();
    assert_eq!(rdr.headers().unwrap().get(0), Some("ID"));
    assert_eq!(rdr.records().count(), 1000);
    let s = report(&[&f], &dir.path().join("r"), &["--quiet"]);
    assert_eq!(s["responses"]["analysed"], 1000);
    // The planted isolation gap holds at any size.
    assert_eq!(indicator(&s, "feels_isolated", "Bexley")["vs_all"], "worse");
}

#[test]
fn printed_template_is_a_working_config() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("survey.toml");
    bin().args(["template", "-o"]).arg(&cfg).assert().success();
    let with = report(
        &[&sample()],
        &dir.path().join("a"),
        &["--quiet", "--config", cfg.to_str().unwrap()],
    );
    let without = report(&[&sample()], &dir.path().join("b"), &["--quiet"]);
    assert_eq!(with, without);
}

#[test]
fn report_md_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    report_all(&[&sample()], &out, &["--quiet"]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    insta::assert_snapshot!("sample_report_md", md);
}

#[test]
fn messy_report_md_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    report_all(&[&fixture("messy.csv")], &out, &["--quiet"]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    insta::assert_snapshot!("messy_report_md", md);
}

#[test]
fn terminal_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let a = bin()
        .arg("report")
        .arg(sample())
        .arg("--out")
        .arg(dir.path().join("r"))
        .assert()
        .success();
    insta::assert_snapshot!(
        "sample_terminal",
        String::from_utf8(a.get_output().stdout.clone()).unwrap()
    );
}

#[test]
fn committed_sample_report_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("reports/sel-stakeholder-survey/2026-Q3");
    // The paper's date is the day it was made: rerun with the committed one.
    let made = read_json(&committed.join("summary.json"));
    let date = made["date"]
        .as_str()
        .expect("the committed report is dated");
    report_all(&[&sample()], &out, &["--quiet", "--date", date]);
    // PNGs are not committed (see .gitignore); everything else must match.
    let no_png = |d: &std::path::Path| {
        tree(d)
            .into_iter()
            .filter(|(f, _)| !f.ends_with(".png"))
            .collect::<Vec<_>>()
    };
    assert!(
        no_png(&out) == no_png(&committed),
        "reports/sel-stakeholder-survey/2026-Q3 is stale: run `cargo run --release -- report samples/sel-stakeholder-survey.csv`"
    );
}
