//! Surveys that are not the built-in one: `inspect`, `init`, and the second
//! bundled sample (a staff wellbeing pulse grouped by PCN) end to end.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use predicates::prelude::*;

fn root(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn stdout_of(args: &[&str], files: &[&Path]) -> (bool, String, String) {
    let o = bin().args(args).args(files).output().unwrap();
    (
        o.status.success(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[test]
fn wellbeing_sample_end_to_end_with_its_own_template() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = root("samples/staff-wellbeing.toml");
    let s = report_all(
        &[&root("samples/staff-wellbeing.csv")],
        &dir.path().join("r"),
        &["--quiet", "--config", cfg.to_str().unwrap()],
    );
    assert_eq!(
        s["title"],
        "Primary care staff wellbeing pulse, October 2026"
    );
    assert_eq!(s["group_label"], "PCN");
    // 3 of 180 gave no PCN: too few to show, so left out of every figure.
    assert_eq!(s["responses"]["read"], 180);
    assert_eq!(s["responses"]["analysed"], 177);
    let note = s["data_quality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "residual_group_left_out")
        .expect("the left-out responses are reported");
    assert_eq!(note["count"], 3);
    assert!(!group_names(&s).contains(&"Not stated".to_string()));
    let groups = group_names(&s);
    assert_eq!(
        &groups[..6],
        [
            "Aplos PCN",
            "Clockhouse PCN",
            "Crayford PCN",
            "Frontier PCN",
            "North Bexley PCN",
            "Sidcup PCN"
        ]
    );
    // Planted by samples/make-staff-wellbeing.py.
    assert_eq!(
        indicator(&s, "feel_valued", "North Bexley PCN")["vs_all"],
        "worse"
    );
    assert_eq!(
        indicator(&s, "burnt_out", "North Bexley PCN")["vs_all"],
        "worse"
    );
    // ", "-joined checkboxes with a comma inside an option, counted over
    // every response (unsuppressed, so none is left out).
    let every = report_all(
        &[&root("samples/staff-wellbeing.csv")],
        &dir.path().join("every"),
        &[
            "--quiet",
            "--format",
            "json",
            "--min-cell",
            "0",
            "--config",
            cfg.to_str().unwrap(),
        ],
    );
    let flex = cell(
        &every,
        "supports",
        "All",
        "Flexible working, including compressed hours",
    )["count"]
        .as_u64()
        .unwrap();
    let raw = std::fs::read_to_string(root("samples/staff-wellbeing.csv")).unwrap();
    assert_eq!(
        flex as usize,
        raw.matches("Flexible working, including compressed hours")
            .count()
    );
    let md = std::fs::read_to_string(dir.path().join("r/report.md")).unwrap();
    assert!(
        md.contains("broken down by PCN"),
        "acronyms stay upper case"
    );
    assert!(!md.contains("example.nhs.uk"));
}

#[test]
fn init_writes_a_template_that_report_runs_on_as_it_stands() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("survey.toml");
    let input = root("samples/staff-wellbeing.csv");
    init(&input, &cfg, &[]);
    let toml = std::fs::read_to_string(&cfg).unwrap();
    assert!(
        toml.contains(
            "# GUESS: responses are grouped by \"Which Primary Care Network (PCN) do you work in?\""
        ),
        "{toml}"
    );
    assert!(toml.contains("label = \"PCN\""));
    assert!(
        toml.contains("kind = \"multi\""),
        "comma-joined checkboxes become multi-select"
    );
    assert!(toml.contains("kind = \"likert\""));
    assert!(toml.contains("kind = \"text\""));
    assert!(toml.contains("Email Address (personal data)"));
    // Every question and indicator has a comment above it.
    for block in ["[[questions]]", "[[indicators]]"] {
        for (i, _) in toml.match_indices(block) {
            let before = toml[..i].trim_end().lines().last().unwrap();
            assert!(
                before.starts_with("# GUESS"),
                "no comment above {block}: {before}"
            );
        }
    }
    let s = report(
        &[&input],
        &dir.path().join("r"),
        &["--quiet", "--config", cfg.to_str().unwrap()],
    );
    // 3 of 180 gave no PCN: too few to show, so left out of every figure.
    assert_eq!(s["responses"]["read"], 180);
    assert_eq!(s["responses"]["analysed"], 177);
    let note = s["data_quality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "residual_group_left_out")
        .expect("the left-out responses are reported");
    assert_eq!(note["count"], 3);
    assert!(!group_names(&s).contains(&"Not stated".to_string()));
    assert_eq!(s["group_label"], "PCN");
    let burnt = s["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["question"] == "i_often_feel_burnt_out")
        .unwrap();
    assert_eq!(burnt["higher_is"], "worse");
}

#[test]
fn init_works_on_every_platform_shape_of_the_sel_survey() {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "forms.xlsx",
        "google-forms.csv",
        "surveymonkey.csv",
        "qualtrics.csv",
        "excel-1252-semicolon.csv",
    ] {
        let input = fixture(&format!("platforms/{f}"));
        let cfg = dir.path().join(format!("{f}.toml"));
        bin()
            .arg("init")
            .arg(&input)
            .arg("-o")
            .arg(&cfg)
            .assert()
            .success();
        let toml = std::fs::read_to_string(&cfg).unwrap();
        assert!(toml.contains("label = \"Borough\""), "{f}: {toml}");
        // Suppression on one shape only, and under CI only: on 60 responses
        // with init's long template each protected run takes 15-20 s, and
        // the shapes differ in reading, not in what is hidden.
        let protected = f == "forms.xlsx" && under_ci();
        let mut args = vec!["--quiet", "--config", cfg.to_str().unwrap()];
        if !protected {
            args.extend(["--min-cell", "0"]);
        }
        let s = if protected {
            // Every group here is hidden whole; the audit must free every
            // hidden figure (a bounded search once left a group's size
            // narrowed to 2..4 where the rule needs 1..4).
            let out = bin()
                .env("SURVEY_LENS_DEBUG_DISCLOSURE", "1")
                .arg("report")
                .arg(&input)
                .args(["--format", "json", "--out"])
                .arg(dir.path().join(f))
                .args(&args)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{err}");
            assert!(err.contains("unresolved: 0"), "{err}");
            read_json(&dir.path().join(f).join("summary.json"))
        } else {
            report(&[&input], &dir.path().join(f), &args)
        };
        // 60 responses, less any with no usable borough, too few to show.
        let left_out = s["data_quality"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == "residual_group_left_out")
            .map_or(0, |d| d["count"].as_u64().unwrap());
        assert_eq!(
            s["responses"]["analysed"].as_u64().unwrap() + left_out,
            60,
            "{f}"
        );
    }
}

#[test]
fn init_never_overwrites_without_force_and_never_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::copy(root("samples/staff-wellbeing.csv"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    bin()
        .arg("init")
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .arg("--force")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is one of the inputs"));
    assert_eq!(std::fs::read(&input).unwrap(), before);
    let cfg = dir.path().join("survey.toml");
    std::fs::write(&cfg, "keep me").unwrap();
    bin()
        .arg("init")
        .arg(&input)
        .arg("-o")
        .arg(&cfg)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), "keep me");
    bin()
        .arg("init")
        .arg(&input)
        .arg("-o")
        .arg(&cfg)
        .arg("--force")
        .assert()
        .success();
}

#[test]
fn init_without_a_grouping_column_reports_all_alone() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("scores.csv");
    std::fs::write(&f, "Comment\nfine\nok then\nnot great really\n").unwrap();
    let cfg = dir.path().join("t.toml");
    init(&f, &cfg, &[]);
    let toml = std::fs::read_to_string(&cfg).unwrap();
    assert!(toml.contains("nobody is grouped"), "{toml}");
    let s = report(
        &[&f],
        &dir.path().join("out"),
        &[
            "--quiet",
            "--min-cell",
            "0",
            "--config",
            cfg.to_str().unwrap(),
        ],
    );
    assert!(group_names(&s).is_empty());
    assert_eq!(s["responses"]["by_group"][0]["group"], "All");
    assert_eq!(s["responses"]["analysed"], 3);
}

#[test]
fn inspect_shows_platform_columns_identity_and_unmatched_answers() {
    let (ok, out, _) = stdout_of(
        &["inspect"],
        &[&fixture("platforms/qualtrics.csv"), &fixture("messy.csv")],
    );
    assert!(ok);
    for expected in [
        "Qualtrics CSV (UTF-8 with BOM, comma) · 3 header rows · 60 responses (4 unfinished left out)",
        "personal data (dropped)",
        "Identity columns dropped: \"IP Address\"",
        "Columns no question claims: \"Favourite colour\"",
        "Hackney",
        "group \"Other\"",
        "Maybe",
        "not counted",
    ] {
        assert!(out.contains(expected), "inspect lacks {expected:?}:\n{out}");
    }
}

#[test]
fn inspect_fails_when_the_group_column_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("other.csv");
    std::fs::write(&f, "ID,Practice,Score\n1,A,3\n").unwrap();
    let (ok, out, err) = stdout_of(&["inspect"], &[&f]);
    assert!(!ok);
    assert!(
        out.contains("no column matches the group question"),
        "{out}"
    );
    assert!(err.contains("no group column in other.csv"), "{err}");
    // With the right template, the same file is fine.
    let cfg = dir.path().join("t.toml");
    std::fs::write(
        &cfg,
        "title = \"t\"\n[group]\nquestion = \"practice\"\nvalues = [{ name = \"A\" }]\n[[sections]]\nid = \"s\"\ntitle = \"S\"\n\
         [[questions]]\nid = \"practice\"\ntext = \"Practice\"\nkind = \"single\"\noptions = [\"A\"]\n",
    )
    .unwrap();
    let (ok, out, _) = stdout_of(&["inspect", "--config", cfg.to_str().unwrap()], &[&f]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Columns no question claims: \"Score\""),
        "{out}"
    );
}

#[test]
fn inspect_snapshots_of_every_platform() {
    for f in [
        "forms.xlsx",
        "excel-utf8-bom.csv",
        "excel-1252-semicolon.csv",
        "google-forms.csv",
        "surveymonkey.csv",
        "qualtrics.csv",
    ] {
        let (ok, out, _) = stdout_of(&["inspect"], &[&fixture(&format!("platforms/{f}"))]);
        assert!(ok, "{f}");
        insta::assert_snapshot!(format!("inspect_{f}"), out);
    }
}

/// `inspect --json`: what the tables show, as JSON on stdout and nothing
/// else there; the same model the terminal view is drawn from.
#[test]
fn inspect_json_describes_every_column() {
    let a = bin()
        .arg("inspect")
        .arg(fixture("messy.csv"))
        .arg("--json")
        .assert()
        .success();
    let v: serde_json::Value =
        serde_json::from_slice(&a.get_output().stdout).expect("stdout is one JSON document");
    assert_eq!(v["schema"], "survey-lens.inspection.v1");
    let f = &v["files"][0];
    let header = std::fs::read_to_string(fixture("messy.csv")).unwrap();
    let first = header
        .lines()
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}');
    let n = csv::Reader::from_reader(first.as_bytes())
        .headers()
        .unwrap()
        .len();
    assert_eq!(f["columns"].as_array().unwrap().len(), n);
    let role = |name: &str| {
        f["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["column"] == name)
            .unwrap_or_else(|| panic!("{name}"))["role"]
            .clone()
    };
    assert_eq!(role("which borough do you mainly work in"), "group");
    assert_eq!(role("Email"), "personal_data");
    assert!(
        f["identity_dropped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "Email")
    );
    assert!(f["group_missing"].is_null());
    assert!(
        !v["unmatched"].as_array().unwrap().is_empty(),
        "messy has stray answers"
    );
    // The terminal view of the same file names the same dropped columns.
    let plain = bin()
        .arg("inspect")
        .arg(fixture("messy.csv"))
        .assert()
        .success();
    let text = String::from_utf8(plain.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("Identity columns dropped: \"Email\""),
        "{text}"
    );
}
