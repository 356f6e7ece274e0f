//! Quarterly waves: labels, `report --previous`, `compare` and `trend`, on
//! three waves made by `sample --wave` with planted changes.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use predicates::prelude::*;
use serde_json::Value;

/// Three waves of the SEL sample: new respondents each wave (a quarter of
/// them repeat) with planted changes on top (Bexley's isolation falls;
/// Greenwich's manager support recovers by 3). 1,000 responses a wave, so a
/// planted change is large beside the sampling noise and no planted figure
/// is small enough to be hidden.
fn three_waves(dir: &Path) -> Vec<PathBuf> {
    (1..=3)
        .map(|w| {
            let csv = dir.join(format!("wave{w}.csv"));
            bin()
                .args([
                    "sample",
                    "--seed",
                    "11",
                    "--rows",
                    "1000",
                    "--wave",
                    &w.to_string(),
                    "-o",
                ])
                .arg(&csv)
                .assert()
                .success();
            let out = dir.join(format!("r{w}"));
            report(&[&csv], &out, &["--quiet"]);
            out
        })
        .collect()
}

/// `compare PREVIOUS CURRENT --out OUT -q`, which must succeed.
fn run_compare(previous: impl AsRef<Path>, current: impl AsRef<Path>, out: &Path) {
    bin()
        .arg("compare")
        .arg(previous.as_ref())
        .arg(current.as_ref())
        .arg("--out")
        .arg(out)
        .arg("-q")
        .assert()
        .success();
}

fn significant(c: &Value) -> BTreeSet<(String, String, String)> {
    c["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["significant"] == true)
        .map(|r| {
            (
                r["indicator"].as_str().unwrap().into(),
                r["group"].as_str().unwrap().into(),
                r["direction"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn waves_are_labelled_by_quarter_or_flag() {
    let dir = tempfile::tempdir().unwrap();
    let waves = three_waves(dir.path());
    let labels: Vec<Value> = waves
        .iter()
        .map(|w| read_json(&w.join("summary.json"))["wave"].clone())
        .collect();
    assert_eq!(labels, ["2026 Q3", "2026 Q4", "2027 Q1"]);
    let s = report(
        &[&dir.path().join("wave1.csv")],
        &dir.path().join("x"),
        &["--quiet", "--wave", "Autumn pilot"],
    );
    assert_eq!(s["wave"], "Autumn pilot");
}

#[test]
fn compare_flags_exactly_the_planted_changes() {
    let dir = tempfile::tempdir().unwrap();
    let waves = three_waves(dir.path());
    let out = dir.path().join("cmp");
    let a = bin()
        .arg("compare")
        .arg(&waves[0])
        .arg(&waves[2])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let c = read_json(&out.join("comparison.json"));
    assert_eq!(c["schema"], "survey-lens.comparison.v1");
    let flagged = significant(&c);
    let planted: BTreeSet<(String, String)> = [
        ("feels_isolated", "Bexley"),
        ("no_manager_support", "Greenwich"),
    ]
    .iter()
    .map(|(i, g)| (i.to_string(), g.to_string()))
    .collect();
    for (i, g) in &planted {
        assert!(
            flagged.contains(&(i.clone(), g.clone(), "improved".into())),
            "{i}/{g} not flagged: {flagged:?}"
        );
    }
    // Nothing else changed, except All, which contains the planted groups.
    for (i, g, _) in &flagged {
        assert!(
            planted.contains(&(i.clone(), g.clone()))
                || (g == "All" && planted.iter().any(|p| &p.0 == i)),
            "unplanted change flagged: {i}/{g}"
        );
    }
    assert!(stdout.contains("improved") && stdout.contains("Bexley"));
    let md = std::fs::read_to_string(out.join("comparison.md")).unwrap();
    assert!(md.contains("# Change from 2026 Q3 to 2027 Q1"));
    assert!(md.contains("**Bexley**: feel professionally isolated improved"));

    // Wave 2's smaller fall in Bexley is not mistaken for certainty, and
    // Greenwich has not changed yet.
    let out2 = dir.path().join("cmp12");
    run_compare(&waves[0], &waves[1], &out2);
    let early = significant(&read_json(&out2.join("comparison.json")));
    assert!(
        early
            .iter()
            .all(|(i, g, _)| i == "feels_isolated" && (g == "Bexley" || g == "All")),
        "{early:?}"
    );
}

#[test]
fn compare_accepts_raw_exports_and_report_previous_adds_a_section() {
    let dir = tempfile::tempdir().unwrap();
    let waves = three_waves(dir.path());
    let out = dir.path().join("raw");
    bin()
        .arg("compare")
        .arg(dir.path().join("wave1.csv"))
        .arg(dir.path().join("wave3.csv"))
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    let from_raw = read_json(&out.join("comparison.json"));
    let out2 = dir.path().join("json");
    bin()
        .arg("compare")
        .arg(waves[0].join("summary.json"))
        .arg(&waves[2])
        .arg("--out")
        .arg(&out2)
        .arg("-q")
        .assert()
        .success();
    assert_eq!(
        from_raw["rows"],
        read_json(&out2.join("comparison.json"))["rows"]
    );

    let r = dir.path().join("with-change");
    let s = report_all(
        &[&dir.path().join("wave3.csv")],
        &r,
        &["--quiet", "--previous", waves[0].to_str().unwrap()],
    );
    assert_eq!(s["change"]["previous"]["label"], "2026 Q3");
    for f in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(r.join(f)).unwrap();
        assert!(text.contains("Change since 2026 Q3"), "{f}");
    }
}

#[test]
fn suppressed_figures_are_never_compared() {
    let dir = tempfile::tempdir().unwrap();
    let waves = three_waves(dir.path());
    let out = dir.path().join("cmp");
    run_compare(&waves[0], &waves[2], &out);
    let c = read_json(&out.join("comparison.json"));
    let hidden: Vec<&Value> = c["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["note"].is_string())
        .collect();
    assert!(!hidden.is_empty(), "the sample has small groups");
    for r in hidden {
        assert_eq!(r["change_pp"], Value::Null);
        assert_eq!(r["significant"], Value::Null);
        assert!(
            r["note"].as_str().unwrap().contains("hidden")
                || r["note"].as_str().unwrap().contains("not in")
        );
    }
}

#[test]
fn template_changes_and_schema_versions() {
    let dir = tempfile::tempdir().unwrap();
    let waves = three_waves(dir.path());
    // An earlier wave without one indicator: the rest are compared, the gap listed.
    let mut old = read_json(&waves[0].join("summary.json"));
    old["indicators"]
        .as_array_mut()
        .unwrap()
        .retain(|i| i["id"] != "self_directed");
    let old_path = dir.path().join("old.json");
    std::fs::write(&old_path, old.to_string()).unwrap();
    let out = dir.path().join("cmp");
    run_compare(&old_path, &waves[2], &out);
    let c = read_json(&out.join("comparison.json"));
    assert!(c["not_compared"].to_string().contains("self_directed"));
    assert!(
        c["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["indicator"] != "self_directed")
    );

    // A different survey shares no indicator ids: refused, clearly.
    let other = dir.path().join("wb");
    let cfg = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/staff-wellbeing.toml");
    report(
        &[&Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/staff-wellbeing.csv")],
        &other,
        &["--quiet", "--config", cfg.to_str().unwrap()],
    );
    bin()
        .arg("compare")
        .arg(&other)
        .arg(&waves[2])
        .arg("--out")
        .arg(dir.path().join("x"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("share no headline indicator ids"));

    // Another schema version is refused by name.
    let mut future = read_json(&waves[0].join("summary.json"));
    future["schema"] = "survey-lens.summary.v9".into();
    let future_path = dir.path().join("future.json");
    std::fs::write(&future_path, future.to_string()).unwrap();
    bin()
        .arg("compare")
        .arg(&future_path)
        .arg(&waves[2])
        .arg("--out")
        .arg(dir.path().join("y"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("survey-lens.summary.v9"));
}

#[test]
fn trend_writes_csv_markdown_and_a_chart_per_indicator() {
    let dir = tempfile::tempdir().unwrap();
    let waves = three_waves(dir.path());
    let out = dir.path().join("trend");
    bin()
        .arg("trend")
        .args(&waves)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    let mut rdr = csv::Reader::from_path(out.join("trend.csv")).unwrap();
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        [
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
            "indicator",
            "label",
            "higher_is",
            "change_from_previous_pp",
            "direction_from_previous",
            "change_from_first_pp",
            "direction_from_first"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let s = read_json(&waves[0].join("summary.json"));
    let per_wave =
        s["indicators"].as_array().unwrap().len() * (s["groups"].as_array().unwrap().len() + 1);
    assert_eq!(rows.len(), 3 * per_wave);
    let bexley: Vec<f64> = rows
        .iter()
        .filter(|r| &r[0] == "Bexley" && &r[10] == "feels_isolated")
        .map(|r| r[4].parse().unwrap())
        .collect();
    assert!(
        bexley[0] > bexley[1] && bexley[1] > bexley[2],
        "Bexley's isolation falls: {bexley:?}"
    );
    let md = std::fs::read_to_string(out.join("trend.md")).unwrap();
    assert!(md.contains("2026 Q3 | 2026 Q4 | 2027 Q1"));
    // Verdicts between waves, as compare gives them: Greenwich's planted
    // recovery in manager support is an improvement by wave 3, from the
    // wave before and from the first; the first wave has no change.
    let greenwich: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| &r[0] == "Greenwich" && &r[10] == "no_manager_support")
        .collect();
    assert_eq!((&greenwich[0][13], &greenwich[0][14]), ("", ""));
    assert_eq!(&greenwich[2][14], "improved");
    assert_eq!(&greenwich[2][16], "improved");
    let change: f64 = greenwich[2][15].parse().unwrap();
    let (first, last): (f64, f64) = (
        greenwich[0][4].parse().unwrap(),
        greenwich[2][4].parse().unwrap(),
    );
    assert!(
        (change - (last - first)).abs() < 0.11,
        "{change} vs {first} -> {last}"
    );
    assert!(md.contains("2026 Q3 to 2027 Q1 (overall)") && md.contains("**improved**"));
    assert!(out.join("trend.html").is_file());
    // --json: the changes on stdout and nothing else.
    let json = bin()
        .arg("trend")
        .args(&waves)
        .arg("--out")
        .arg(dir.path().join("tj"))
        .arg("--json")
        .output()
        .unwrap();
    assert!(json.status.success());
    let t: Value = serde_json::from_slice(&json.stdout).expect("stdout is JSON");
    assert_eq!(t["steps"].as_array().unwrap().len(), 2);
    conforms(&t["first_to_last"], "comparison");
    for id in ["feels_isolated", "confident"] {
        assert!(out.join(format!("charts/trend-{id}.svg")).is_file());
        assert!(out.join(format!("charts/trend-{id}.png")).is_file());
    }
    // Fewer than three waves is a usage error.
    bin().arg("trend").args(&waves[..2]).assert().code(2);
}

/// Scripts act on compare's exit code: 3 with `--fail-on worsened` when a
/// figure worsened (the planted recovery, read backwards), 0 when nothing
/// did; without the flag a worsening still exits 0. The terminal leads with
/// the changes and counts the rest in one line; comparison.json carries
/// both waves' counts and bases.
#[test]
fn compare_fails_on_a_worsening_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let waves = three_waves(dir.path());
    let compare = |from: &Path, to: &Path, out: &str, extra: &[&str]| {
        bin()
            .arg("compare")
            .arg(from)
            .arg(to)
            .arg("--out")
            .arg(dir.path().join(out))
            .args(extra)
            .output()
            .unwrap()
    };
    // Backwards, Greenwich's recovery in manager support is a worsening.
    let back = compare(&waves[2], &waves[0], "back", &["--fail-on", "worsened"]);
    assert_eq!(
        back.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    let c = read_json(&dir.path().join("back/comparison.json"));
    let worse: Vec<&Value> = c["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["direction"] == "worsened")
        .collect();
    assert!(
        worse
            .iter()
            .any(|r| r["indicator"] == "no_manager_support" && r["group"] == "Greenwich")
    );
    let stdout = String::from_utf8_lossy(&back.stdout);
    let first_row = stdout.lines().find(|l| l.contains("Greenwich")).unwrap();
    assert!(first_row.contains("worsened"), "{stdout}");
    assert!(
        stdout.contains(
            "other figures show no clear change or could not be compared (--all shows them)"
        ),
        "{stdout}"
    );
    // The counts and bases behind every compared figure.
    for r in c["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["change_pp"].is_number())
    {
        let (pn, pb) = (
            r["previous_count"].as_u64().unwrap(),
            r["previous_base"].as_u64().unwrap(),
        );
        let (cn, cb) = (
            r["current_count"].as_u64().unwrap(),
            r["current_base"].as_u64().unwrap(),
        );
        let change = 100.0 * (cn as f64 / cb as f64 - pn as f64 / pb as f64);
        assert!(
            (change - r["change_pp"].as_f64().unwrap()).abs() < 1e-9,
            "{r}"
        );
    }
    assert!(dir.path().join("back/comparison.html").is_file());
    // Without the flag a worsening is reported, not failed.
    let plain = compare(&waves[2], &waves[0], "plain", &[]);
    assert_eq!(plain.status.code(), Some(0));
    // Forwards nothing worsened: 0 even with the flag; --all lists everything.
    let fwd = compare(
        &waves[0],
        &waves[2],
        "fwd",
        &["--fail-on", "worsened", "--all"],
    );
    assert_eq!(
        fwd.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fwd.stderr)
    );
    let stdout = String::from_utf8_lossy(&fwd.stdout);
    assert!(stdout.contains("no clear change") && !stdout.contains("--all shows them"));
    // --json: comparison.json on stdout and nothing else there.
    let json = compare(&waves[0], &waves[2], "json", &["--json"]);
    assert_eq!(json.status.code(), Some(0));
    let printed: Value = serde_json::from_slice(&json.stdout).expect("stdout is JSON");
    assert_eq!(printed, read_json(&dir.path().join("json/comparison.json")));
}

/// Two samples of the same population with nothing planted: a figure-by-
/// figure 95% test finds "changes" in the noise (three here), and the
/// verdicts, which allow for every figure compared at once (Holm), find
/// none. Without that allowance `--fail-on worsened` would fire most quarters.
#[test]
fn sampling_noise_alone_is_not_called_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for seed in ["11", "12"] {
        let csv = dir.path().join(format!("s{seed}.csv"));
        bin()
            .args(["sample", "--seed", seed, "-o"])
            .arg(&csv)
            .assert()
            .success();
        let out = dir.path().join(format!("r{seed}"));
        report(
            &[&csv],
            &out,
            &["--quiet", "--wave", &format!("sample {seed}")],
        );
        outs.push(out);
    }
    let out = dir.path().join("cmp");
    let a = bin()
        .arg("compare")
        .args(&outs)
        .args(["--fail-on", "worsened", "--out"])
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(a.status.code(), Some(0));
    let c = read_json(&out.join("comparison.json"));
    let rows = c["rows"].as_array().unwrap();
    let raw = rows
        .iter()
        .filter(|r| r["p_value"].as_f64().is_some_and(|p| p < 0.05))
        .count();
    assert!(raw > 0, "the noise has figures below 5% one by one");
    assert!(significant(&c).is_empty(), "{:?}", significant(&c));
    // Each p-value agrees with its own 95% interval.
    for r in rows.iter().filter(|r| r["p_value"].is_number()) {
        let [lo, hi] = [
            r["ci95"][0].as_f64().unwrap(),
            r["ci95"][1].as_f64().unwrap(),
        ];
        assert_eq!(
            lo > 0.0 || hi < 0.0,
            r["p_value"].as_f64().unwrap() < 0.05,
            "{r}"
        );
    }
}
