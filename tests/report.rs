//! `survey-lens report` end to end, on the bundled sample and on a hand-made
//! messy export whose expected figures were counted by hand from the file.

mod common;

use common::*;
use predicates::prelude::*;
use serde_json::{Value, json};

#[test]
fn sample_report_has_every_output_and_finds_the_planted_differences() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let s = report_all(&[&sample()], &out, &["--quiet"]);

    assert_eq!(s["schema"], "survey-lens.summary.v1");
    assert_eq!(s["min_cell"], 5);
    assert_eq!(s["responses"]["read"], 250);
    assert_eq!(s["responses"]["analysed"], 250);
    assert_eq!(s["inputs"][0]["file"], "sel-stakeholder-survey.csv");
    assert_eq!(s["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    let groups = group_names(&s);
    assert_eq!(
        &groups[..7],
        [
            "Bexley",
            "Bromley",
            "Greenwich",
            "Lambeth",
            "Lewisham",
            "Southwark",
            "Other or not stated"
        ]
    );

    // The generator plants these; the report must flag them.
    assert_eq!(indicator(&s, "feels_isolated", "Bexley")["vs_all"], "worse");
    assert_eq!(indicator(&s, "trained_12m", "Bexley")["vs_all"], "worse");
    assert_eq!(
        indicator(&s, "no_manager_support", "Greenwich")["vs_all"],
        "worse"
    );
    assert_eq!(
        indicator(&s, "role_not_defined", "Lewisham")["vs_all"],
        "worse"
    );
    assert_eq!(indicator(&s, "confident", "Lambeth")["vs_all"], "better");
    assert_eq!(
        indicator(&s, "feels_isolated", "All")["vs_all"],
        Value::Null
    );

    // Every group (and All) x every option, for every non-text question.
    let slots = groups.len() + 1;
    for q in s["questions"].as_array().unwrap() {
        let expected = if q["kind"] == "text" {
            0
        } else {
            slots * q["options"].as_array().unwrap().len()
        };
        assert_eq!(
            q["cells"].as_array().unwrap().len(),
            expected,
            "{}",
            q["id"]
        );
        assert_eq!(
            q["answered"].as_object().unwrap().len(),
            slots,
            "{}",
            q["id"]
        );
    }

    for f in [
        "report.md",
        "summary.json",
        "tables/indicators.csv",
        "tables/role.csv",
        "tables/barriers.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert!(
        !out.join("tables/helps.csv").exists(),
        "text questions have no table"
    );
}

#[test]
fn percentages_bases_and_intervals_are_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let s = report(&[&sample()], &dir.path().join("r"), &["--quiet"]);
    for q in s["questions"].as_array().unwrap() {
        for c in q["cells"].as_array().unwrap() {
            if c["suppressed"] == true {
                assert_eq!(c["count"], Value::Null);
                assert_eq!(c["percent"], Value::Null);
                continue;
            }
            let (n, b) = (c["count"].as_f64().unwrap(), c["base"].as_f64().unwrap());
            assert_eq!(
                b,
                q["answered"][c["group"].as_str().unwrap()]
                    .as_f64()
                    .unwrap()
            );
            assert!((c["percent"].as_f64().unwrap() - 100.0 * n / b).abs() < 1e-9);
        }
    }
    for ind in s["indicators"].as_array().unwrap() {
        for c in ind["cells"].as_array().unwrap() {
            if c["suppressed"] == true {
                assert_eq!(c["ci95"], Value::Null);
                assert_eq!(c["vs_all"], Value::Null);
                continue;
            }
            let p = c["percent"].as_f64().unwrap();
            let ci = c["ci95"].as_array().unwrap();
            assert!(ci[0].as_f64().unwrap() <= p && p <= ci[1].as_f64().unwrap());
        }
    }
}

#[test]
fn messy_export_is_matched_deduplicated_and_counted_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let s = report(
        &[&fixture("messy.csv")],
        &dir.path().join("r"),
        &["--min-cell", "0", "--quiet"],
    );

    // 10 lines: one blank (skipped), one repeat of ID 3 (the later copy kept).
    assert_eq!(s["responses"]["read"], 9);
    assert_eq!(s["responses"]["duplicates_removed"], 1);
    assert_eq!(s["responses"]["analysed"], 8);
    assert_eq!(
        s["groups"],
        json!([
            "Bexley",
            "Greenwich",
            "Lambeth",
            "Cross-borough",
            "Not stated",
            "Other"
        ])
    );
    // "LB Lambeth", " lambeth" and "Lambeth" (the kept copy of ID 3).
    assert_eq!(question(&s, "trained")["answered"]["Lambeth"], 3);
    assert_eq!(cell(&s, "trained", "Lambeth", "Yes")["count"], 3);
    // "Maybe" is no option of `trained`, which has no "Other": left out of the base.
    assert_eq!(question(&s, "trained")["answered"]["All"], 7);
    assert_eq!(cell(&s, "trained", "All", "Yes")["count"], 4);
    // Curly and straight apostrophes are the same answer.
    assert_eq!(
        cell(&s, "providers", "All", "Guy's Cancer Academy")["count"],
        2
    );
    assert_eq!(cell(&s, "providers", "All", "Other")["count"], 1);
    assert_eq!(question(&s, "providers")["answered"]["All"], 6);
    // An option containing commas, joined with ", " and with ";".
    assert_eq!(
        cell(
            &s,
            "activities",
            "All",
            "Screening uptake (bowel, breast, cervical)"
        )["count"],
        2
    );
    assert_eq!(
        cell(&s, "activities", "All", "Cancer care reviews")["count"],
        3
    );
    assert_eq!(question(&s, "activities")["answered"]["All"], 7);
    // Likert answers with odd case and spacing.
    let iso = indicator(&s, "feels_isolated", "All");
    assert_eq!(
        (iso["count"].as_u64(), iso["base"].as_u64()),
        (Some(5), Some(7))
    );
    // Base excludes: two "I have not done any training" leave the base.
    let sd = indicator(&s, "self_directed", "All");
    assert_eq!(
        (sd["count"].as_u64(), sd["base"].as_u64()),
        (Some(3), Some(5))
    );
    // A question absent from the file has base 0 and no percentage.
    let dk = indicator(&s, "dont_know_where_to_start", "All");
    assert_eq!(dk["base"], 0);
    assert_eq!(dk["percent"], Value::Null);
    assert_eq!(dk["vs_all"], Value::Null);

    let dq = serde_json::to_string(&s["data_quality"]).unwrap();
    for expected in [
        "\\\"Maybe\\\" (1)",
        "Hackney",
        "Favourite colour",
        "Home visits",
        "identity_columns_dropped",
        "questions_missing",
    ] {
        assert!(dq.contains(expected), "data quality lacks {expected}: {dq}");
    }
}

#[test]
fn no_personal_data_reaches_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    report(
        &[&fixture("messy.csv"), &sample()],
        &out,
        &["--min-cell", "0", "--quiet"],
    );
    let input = std::fs::read_to_string(sample()).unwrap()
        + &std::fs::read_to_string(fixture("messy.csv")).unwrap();
    // Every email and name in the inputs.
    let mut rdr = csv::Reader::from_reader(input.as_bytes());
    let mut personal: Vec<String> = vec![];
    for r in rdr.records().flatten() {
        for v in r.iter().take(5) {
            if v.contains('@')
                || v.split(' ').count() == 2 && v.chars().next().is_some_and(char::is_uppercase)
            {
                personal.push(v.to_string());
            }
        }
    }
    assert!(
        personal.len() > 100,
        "the test inputs hold personal data to look for"
    );
    for (file, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("@nhs.net"), "{file} has an email address");
        for p in &personal {
            assert!(!text.contains(p.as_str()), "{file} contains {p}");
        }
    }
}

#[test]
fn suppression_hides_small_counts_and_small_groups() {
    let dir = tempfile::tempdir().unwrap();
    let s = report_all(
        &[&fixture("messy.csv")],
        &dir.path().join("r"),
        &["--quiet"],
    );
    assert_eq!(s["min_cell"], 5);
    // Lambeth has 3 answers to `trained`: the whole group is hidden.
    let c = cell(&s, "trained", "Lambeth", "Yes");
    assert_eq!(c["suppressed"], true);
    assert_eq!(c["count"], Value::Null);
    assert_eq!(c["base"], Value::Null);
    assert_eq!(question(&s, "trained")["answered"]["Lambeth"], Value::Null);
    // Cross-borough (1), Not stated (1) and Other (1) combined are still
    // fewer than 5: they are left out of every figure, All included.
    assert_eq!(s["responses"]["analysed"], 5);
    assert!(
        !group_names(&s)
            .iter()
            .any(|g| g == "Other or not stated" || g == "Not stated")
    );
    let left = s["data_quality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "residual_group_left_out")
        .unwrap();
    assert_eq!(left["count"], 3);
    // All's "Yes" is 3 of 5: small, hidden.
    assert_eq!(cell(&s, "trained", "All", "Yes")["count"], Value::Null);
    let md = std::fs::read_to_string(dir.path().join("r/report.md")).unwrap();
    assert!(md.contains("[c]"));
    assert!(md.contains("hidden so that nobody can be identified"));
    assert!(!md.contains("<5"), "one mark for every hidden figure");
    assert!(!md.contains("Not for publication"));
    // Beside hidden answers, a shown 0 is no "most common answer".
    for line in md.lines().filter(|l| l.contains("most common")) {
        assert!(!line.contains("(0%)"), "{line}");
    }
    // A question the export lacks is unanswered, not hidden; and where no
    // group can be compared, the brief must not say the differences could
    // be chance.
    let line = |start: &str| {
        md.lines()
            .find(|l| l.contains(start))
            .unwrap_or_else(|| panic!("no line with {start:?}"))
            .to_string()
    };
    assert!(
        line("involvement in cancer care?").contains("Nobody answered this question"),
        "{}",
        line("involvement in cancer care?")
    );
    assert!(line("No access to peer support:").contains("nobody answered"));
    assert!(line("Feel professionally isolated:").contains("hidden"));
    assert!(!md.contains("could be chance"), "{md}");
}

#[test]
fn min_cell_zero_shows_everything_under_a_banner() {
    let dir = tempfile::tempdir().unwrap();
    let s = report_all(
        &[&fixture("messy.csv")],
        &dir.path().join("r"),
        &["--min-cell", "0", "--quiet"],
    );
    assert!(s["questions"].as_array().unwrap().iter().all(|q| {
        q["cells"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["suppressed"] == false)
    }));
    let md = std::fs::read_to_string(dir.path().join("r/report.md")).unwrap();
    assert!(md.contains("Not for publication: small numbers not suppressed"));
}

#[test]
fn several_inputs_are_one_survey() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(sample()).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    // Split between rows (no cell in the sample spans lines at these points).
    let (a, b) = rows.split_at(100);
    let (pa, pb) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    std::fs::write(&pa, format!("{header}\n{}\n", a.join("\n"))).unwrap();
    std::fs::write(&pb, format!("{header}\n{}\n", b.join("\n"))).unwrap();

    let whole = report(&[&sample()], &dir.path().join("whole"), &["--quiet"]);
    let split = report(&[&pa, &pb], &dir.path().join("split"), &["--quiet"]);
    assert_eq!(whole["questions"], split["questions"]);
    assert_eq!(whole["indicators"], split["indicators"]);
    assert_eq!(split["inputs"].as_array().unwrap().len(), 2);

    // The same file twice: every response is a duplicate of itself.
    let twice = report(
        &[&sample(), &sample()],
        &dir.path().join("twice"),
        &["--quiet"],
    );
    assert_eq!(twice["responses"]["duplicates_removed"], 250);
    assert_eq!(twice["indicators"], whole["indicators"]);
}

#[test]
fn output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    report(&[&sample()], &a, &["--quiet"]);
    report(&[&sample()], &b, &["--quiet"]);
    assert_eq!(tree(&a), tree(&b));
}

#[test]
fn format_selects_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    bin()
        .args(["report", "--format", "json", "--quiet", "--out"])
        .arg(&out)
        .arg(sample())
        .assert()
        .success();
    let files: Vec<String> = tree(&out).into_iter().map(|(f, _)| f).collect();
    assert_eq!(files, ["summary.json"]);

    bin()
        .args(["report", "--format", "md,csv", "--quiet", "--out"])
        .arg(&out)
        .arg(sample())
        .assert()
        .success();
    assert!(out.join("report.md").is_file() && out.join("tables/role.csv").is_file());
    assert!(
        !out.join("summary.json").exists(),
        "the old report is replaced whole"
    );

    bin()
        .args(["report", "--format", "pdf", "--out"])
        .arg(&out)
        .arg(sample())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("md"));
}

#[test]
fn terminal_table_shows_every_group_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    // Wide enough for the full table, with its words and bases.
    let assert = bin()
        .env("COLUMNS", "220")
        .arg("report")
        .arg(sample())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for g in ["Bexley", "Southwark", "All", "worse", "better", "(n=250)"] {
        assert!(stdout.contains(g), "terminal table lacks {g}:\n{stdout}");
    }
    assert!(stdout.lines().all(|l| l.chars().count() <= 220), "{stdout}");
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("Report for 250 responses, wave 2026 Q3 written to")
            && last.ends_with(&format!("open {}", out.join("report.html").display())),
        "{stderr}"
    );
    assert!(!stderr.contains("Not for publication"), "{stderr}");
    let open = bin()
        .arg("report")
        .arg(sample())
        .arg("--out")
        .arg(dir.path().join("open"))
        .args(["--min-cell", "0", "--format", "json"])
        .assert()
        .success();
    let stderr = String::from_utf8(open.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("warning: Not for publication: small numbers not suppressed"),
        "{stderr}"
    );
    assert!(stderr.trim_end().ends_with("summary.json"), "{stderr}");

    let quiet = bin()
        .arg("report")
        .arg(sample())
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    assert!(quiet.get_output().stdout.is_empty() && quiet.get_output().stderr.is_empty());
}

#[test]
fn default_out_is_reports_slash_stem_slash_wave() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("wave 3.csv");
    std::fs::copy(sample(), &input).unwrap();
    bin()
        .current_dir(dir.path())
        .arg("report")
        .arg(&input)
        .arg("-q")
        .assert()
        .success();
    // One folder per wave: next quarter's export of the same name never
    // replaces this quarter's report.
    assert!(
        dir.path()
            .join("reports/wave 3/2026-Q3/summary.json")
            .is_file()
    );
    bin()
        .current_dir(dir.path())
        .arg("report")
        .arg(&input)
        .args(["-q", "--wave", "2026 Q4"])
        .assert()
        .success();
    assert!(
        dir.path()
            .join("reports/wave 3/2026-Q4/summary.json")
            .is_file()
    );
    assert!(
        dir.path()
            .join("reports/wave 3/2026-Q3/summary.json")
            .is_file()
    );
}

#[test]
fn csv_tables_are_long_form_and_match_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let s = report_all(&[&sample()], &out, &["--quiet"]);
    // One naming scheme in every file: these columns first, in this order.
    let common = [
        "group",
        "option",
        "count",
        "base",
        "percent",
        "ci95_lo",
        "ci95_hi",
        "suppressed",
        "wave",
        "question",
    ];
    let one_decimal = |v: &Value| v.as_f64().map(|p| format!("{p:.1}")).unwrap_or_default();
    for q in s["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] != "text")
    {
        let id = q["id"].as_str().unwrap();
        let mut rdr = csv::Reader::from_path(out.join(format!("tables/{id}.csv"))).unwrap();
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header[..10], common, "{id}");
        let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        let cells = q["cells"].as_array().unwrap();
        assert_eq!(rows.len(), cells.len());
        for (r, c) in rows.iter().zip(cells) {
            assert_eq!(r[0], *c["group"].as_str().unwrap());
            assert_eq!(r[1], *c["option"].as_str().unwrap());
            let n = |v: &Value| v.as_u64().map(|n| n.to_string()).unwrap_or_default();
            assert_eq!(
                (&r[2], &r[3]),
                (n(&c["count"]).as_str(), n(&c["base"]).as_str())
            );
            // Rounded to one decimal place; the exact value is in summary.json.
            assert_eq!(r[4], one_decimal(&c["percent"]));
            assert_eq!(r[5].is_empty(), c["count"].is_null() || c["base"].is_null());
            assert_eq!(&r[7] == "true", c["suppressed"] == true);
            assert_eq!((&r[8], &r[9]), ("2026 Q3", q["text"].as_str().unwrap()));
        }
    }
    let mut rdr = csv::Reader::from_path(out.join("tables/indicators.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..10], common);
    assert_eq!(header[10..], ["indicator", "label", "higher_is", "vs_all"]);
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        s["indicators"].as_array().unwrap().len() * (s["groups"].as_array().unwrap().len() + 1)
    );
    for r in &rows {
        let c = indicator(&s, &r[10], &r[0]);
        assert_eq!(r[4], one_decimal(&c["percent"]));
        assert_eq!(
            r[5],
            c["ci95"][0]
                .as_f64()
                .map(|v| format!("{v:.1}"))
                .unwrap_or_default()
        );
    }
}

/// "At a glance", the chart alt texts and the summary's flags name the same
/// groups as standing out, better or worse: a board member who reads only
/// one of them is told what the others say.
#[test]
fn every_verdict_names_the_same_groups() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let s = report(&[&sample()], &out, &["--quiet", "--format", "md,json,svg"]);
    let mut flagged: Vec<String> = group_names(&s)
        .into_iter()
        .filter(|g| {
            s["indicators"].as_array().unwrap().iter().any(|i| {
                i["cells"].as_array().unwrap().iter().any(|c| {
                    c["group"] == g.as_str() && (c["vs_all"] == "worse" || c["vs_all"] == "better")
                })
            })
        })
        .collect();
    flagged.sort();
    assert!(flagged.len() >= 2, "the sample has planted differences");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let glance = md
        .split("## At a glance")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let mut in_glance: Vec<String> = glance
        .lines()
        .filter_map(|l| l.strip_prefix("- **"))
        .filter_map(|l| l.split("**").next())
        .map(str::to_string)
        .collect();
    in_glance.sort();
    assert_eq!(in_glance, flagged, "At a glance");
    let alt = md
        .lines()
        .find_map(|l| l.strip_suffix("](charts/indicators.svg)"))
        .unwrap();
    let mut in_alt: Vec<String> = flagged
        .iter()
        .filter(|g| alt.contains(&format!("{g} on ")))
        .cloned()
        .collect();
    in_alt.sort();
    assert_eq!(in_alt, flagged, "indicator chart alt text: {alt}");
}

/// In an 80-column terminal the headline is compact: numbered indicators
/// with the key below, no line wider than 80 and no word broken.
#[test]
fn headline_fits_eighty_columns_without_breaking_words() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let assert = bin()
        .env("COLUMNS", "80")
        .arg("report")
        .arg(sample())
        .args(["--format", "json", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.lines().all(|l| l.chars().count() <= 80), "{stdout}");
    let s = read_json(&out.join("summary.json"));
    let groups = group_names(&s);
    for g in groups.iter().map(String::as_str).chain(["All"]) {
        assert!(
            stdout.lines().any(|l| l.trim_start().starts_with(g)),
            "{g} is not whole on a line:\n{stdout}"
        );
    }
    for (i, ind) in s["indicators"].as_array().unwrap().iter().enumerate() {
        let key = format!("{}: {}", i + 1, ind["label"].as_str().unwrap());
        assert!(stdout.contains(&key), "{key} missing:\n{stdout}");
    }
    assert!(stdout.lines().count() < 30, "{stdout}");
}

/// `--json` puts summary.json on stdout and nothing else there, so
/// `survey-lens report x.xlsx --json | jq …` works; the folder is written too.
#[test]
fn report_json_prints_the_summary_and_nothing_else_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let a = bin()
        .arg("report")
        .arg(sample())
        .args(["--json", "--format", "json", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let printed: serde_json::Value =
        serde_json::from_str(&stdout).expect("stdout is one JSON document");
    assert_eq!(printed, read_json(&out.join("summary.json")));
    // The last line still goes to stderr, where it does not disturb a pipe.
    let stderr = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("Report for 250 responses"), "{stderr}");
}
