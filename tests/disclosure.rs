//! Safe to publish, tested as an adversary would: the attacker in
//! `attacker/` (independent of the defence) solves every published table at
//! once, and no hidden figure may come out pinned, nor a small one narrower
//! than the rule allows. The attacker is first shown to catch real leaks.

mod attacker;
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use attacker::{Key, attack, truth, violations};
use common::*;
use serde_json::Value;

fn sel_template() -> toml::Value {
    let out = bin().arg("template").output().unwrap();
    toml::from_str(&String::from_utf8(out.stdout).unwrap()).unwrap()
}

fn make_sample(dir: &Path, rows: u32, seed: u64) -> std::path::PathBuf {
    let path = dir.join(format!("sample-{rows}-{seed}.csv"));
    bin()
        .args([
            "sample",
            "--rows",
            &rows.to_string(),
            "--seed",
            &seed.to_string(),
            "-o",
        ])
        .arg(&path)
        .assert()
        .success();
    path
}

/// True values for the columns `published` shows: a combined group (Other
/// or not stated) is the sum of the groups it replaced, and All is the sum
/// of the groups shown (a small residual group is left out of it).
fn truth_for(exact: &Value, published: &Value) -> BTreeMap<Key, i64> {
    let mut t = truth(exact);
    let shown = group_names(published);
    let exact_groups = group_names(exact);
    let gone: Vec<&String> = exact_groups.iter().filter(|g| !shown.contains(g)).collect();
    for merged in shown.iter().filter(|g| !exact_groups.contains(g)) {
        let extra: Vec<(Key, i64)> = t
            .iter()
            .filter(|(k, _)| gone.contains(&&k.2))
            .map(|(k, v)| (Key(k.0, k.1.clone(), merged.clone(), k.3.clone()), *v))
            .collect();
        for (k, v) in extra {
            *t.entry(k).or_insert(0) += v;
        }
    }
    let all: Vec<(Key, i64)> = t
        .iter()
        .filter(|(k, _)| k.2 == "All")
        .map(|(k, _)| {
            let sum = shown
                .iter()
                .map(|g| t[&Key(k.0, k.1.clone(), g.clone(), k.3.clone())])
                .sum();
            (k.clone(), sum)
        })
        .collect();
    t.extend(all);
    t
}

fn attack_report(input: &Path, dir: &Path, args: &[&str]) -> (Vec<String>, usize) {
    let tag = args.join("_").replace('-', "");
    let published = report(
        &[input],
        &dir.join(format!("p{tag}")),
        &[&["--quiet", "--format", "json"], args].concat(),
    );
    let exact = report(
        &[input],
        &dir.join(format!("e{tag}")),
        &["--quiet", "--format", "json", "--min-cell", "0"],
    );
    let ranges = attack(&published, &sel_template(), false);
    let t = truth_for(&exact, &published);
    (violations(&ranges, &t, &published), ranges.len())
}

#[test]
fn the_attacker_catches_the_leaks_of_survey_lens_0_1() {
    // The committed sample report as survey-lens 0.1 published it, with its
    // marks (<5, *, [c]) telling a reader what kind of number was hidden.
    let old = read_json(&fixture("disclosure/v0.1-sample-summary.json"));
    let dir = tempfile::tempdir().unwrap();
    let exact = report(
        &[&sample()],
        &dir.path().join("e"),
        &["--quiet", "--format", "json", "--min-cell", "0"],
    );
    let t = truth(&exact);
    let found = violations(
        &attacker::attack_checked(&old, &sel_template(), true, Some(&t)),
        &t,
        &old,
    );
    assert!(
        found.len() >= 3,
        "0.1 leaked: the attacker must find it ({found:?})"
    );
    let pinned = found.iter().filter(|v| {
        let (_, range) = v.split_once("derivable as ").unwrap();
        let (lo, rest) = range.split_once("..").unwrap();
        rest.split(' ').next() == Some(lo)
    });
    println!(
        "survey-lens 0.1 sample report: {} hidden figures narrowed too far, {} of them pinned exactly; e.g. {:?}",
        found.len(),
        pinned.count(),
        &found[..3]
    );
}

#[test]
fn the_attacker_catches_primary_suppression_alone() {
    // A deliberately weak defence: hide only the small counts, no partners.
    let dir = tempfile::tempdir().unwrap();
    let exact = report(
        &[&sample()],
        &dir.path().join("e"),
        &["--quiet", "--format", "json", "--min-cell", "0"],
    );
    let mut weak = exact.clone();
    weak["disclosure"]["min_cell"] = 5.into();
    for q in weak["questions"].as_array_mut().unwrap() {
        for c in q["cells"].as_array_mut().unwrap() {
            if (1..5).contains(&c["count"].as_i64().unwrap()) {
                c["count"] = Value::Null;
                c["percent"] = Value::Null;
            }
        }
    }
    for i in weak["indicators"].as_array_mut().unwrap() {
        for c in i["cells"].as_array_mut().unwrap() {
            if (1..5).contains(&c["count"].as_i64().unwrap()) {
                c["count"] = Value::Null;
                c["percent"] = Value::Null;
                c["ci95"] = Value::Null;
            }
        }
    }
    let found = violations(
        &attack(&weak, &sel_template(), false),
        &truth(&exact),
        &weak,
    );
    assert!(found.len() > 10, "{found:?}");
}

#[test]
fn the_attacker_uses_a_percentage_beside_a_hidden_count() {
    let dir = tempfile::tempdir().unwrap();
    let exact = report(
        &[&sample()],
        &dir.path().join("e"),
        &["--quiet", "--format", "json", "--min-cell", "0"],
    );
    let mut weak = exact.clone();
    weak["disclosure"]["min_cell"] = 5.into();
    let c = weak["questions"][1]["cells"][0].clone();
    assert!(c["count"].as_i64().unwrap() > 0 && c["percent"].is_number());
    weak["questions"][1]["cells"][0]["count"] = Value::Null;
    let ranges = attack(&weak, &sel_template(), false);
    assert_eq!(ranges.len(), 1);
    assert_eq!(ranges[0].lo, ranges[0].hi, "the percentage gives it back");
}

#[test]
fn no_hidden_figure_can_be_narrowed_down() {
    let dir = tempfile::tempdir().unwrap();
    // Up to eighteen independent attacks, on every core: this is the suite's
    // longest test.
    let inputs: Vec<(u32, PathBuf)> = [(30, 1), (60, 2), (120, 3), (240, 4), (600, 5), (250, 2026)]
        .into_iter()
        .map(|(rows, seed)| {
            let sub = dir.path().join(format!("{rows}-{seed}"));
            std::fs::create_dir_all(&sub).unwrap();
            (rows, make_sample(&sub, rows, seed))
        })
        .collect();
    let settings: [&[&str]; 3] = [
        &["--min-cell", "5"],
        &["--min-cell", "10"],
        &["--min-cell", "5", "--round", "5"],
    ];
    // Every input under every setting under CI; elsewhere each input under
    // one setting, the settings taken in turn, so every input and every
    // setting is still attacked (6 attacks, not 18).
    let full = under_ci();
    let jobs: Vec<(u32, &PathBuf, &[&str])> = inputs
        .iter()
        .enumerate()
        .flat_map(|(i, (rows, input))| {
            settings
                .iter()
                .enumerate()
                .filter(move |(k, _)| full || *k == i % settings.len())
                .map(move |(_, args)| (*rows, input, *args))
        })
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..cores)
            .map(|w| {
                let jobs = &jobs;
                scope.spawn(move || {
                    jobs.iter()
                        .skip(w)
                        .step_by(cores)
                        .map(|&(rows, input, args)| {
                            let (v, n) = attack_report(input, input.parent().unwrap(), args);
                            let v = v.into_iter().map(|v| format!("{rows} rows, {args:?}: {v}"));
                            (n, v.collect())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let checked: usize = results.iter().map(|r| r.0).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.1).collect();
    println!("hidden figures attacked: {checked}");
    assert!(
        checked > if full { 500 } else { 150 },
        "the inputs must exercise suppression ({checked})"
    );
    assert!(
        failures.is_empty(),
        "{} leaks:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn real_export_grouped_by_a_column_with_small_groups() {
    // The messy fixture has unknown and blank groups and tiny cells.
    let dir = tempfile::tempdir().unwrap();
    let (v, n) = attack_report(&fixture("messy.csv"), dir.path(), &["--min-cell", "5"]);
    assert!(n > 0);
    assert!(v.is_empty(), "{v:?}");
}

/// Share of detail cells (groups other than All) hidden although their own
/// count is 0 or at least min-cell and their base is at least min-cell.
fn over_hidden(published: &Value, exact: &Value) -> (usize, usize) {
    let t = truth_for(exact, published);
    let (mut over, mut total) = (0, 0);
    for q in published["questions"].as_array().unwrap() {
        let id = q["id"].as_str().unwrap();
        for c in q["cells"].as_array().unwrap() {
            let (g, o) = (c["group"].as_str().unwrap(), c["option"].as_str().unwrap());
            if g == "All" {
                continue;
            }
            total += 1;
            let v = t[&Key("cell", id.into(), g.into(), o.into())];
            let b = t[&Key("base", id.into(), g.into(), String::new())];
            if c["suppressed"] == true && (v == 0 || v >= 5) && b >= 5 {
                over += 1;
            }
        }
    }
    (over, total)
}

#[test]
fn hides_only_what_it_must() {
    let dir = tempfile::tempdir().unwrap();
    for rows in [240, 600] {
        // `survey-lens sample --rows N` with its default seed.
        let input = dir.path().join(format!("default-{rows}.csv"));
        bin()
            .args(["sample", "--rows", &rows.to_string(), "-o"])
            .arg(&input)
            .assert()
            .success();
        let p = report(
            &[&input],
            &dir.path().join(format!("p{rows}")),
            &["--quiet", "--format", "json"],
        );
        let e = report(
            &[&input],
            &dir.path().join(format!("e{rows}")),
            &["--quiet", "--format", "json", "--min-cell", "0"],
        );
        let (over, total) = over_hidden(&p, &e);
        let share = 100.0 * over as f64 / total as f64;
        println!(
            "sample --rows {rows}: {over} of {total} detail cells hidden though not small ({share:.1}%)"
        );
        // Issue 12 asks for at most 4%; this guards against regressions
        // from what the greedy choice of partners achieves today (~11-12%).
        assert!(share <= 15.0, "{share:.1}% over-hidden at {rows} rows");
        // No group of min-cell or more is hidden whole.
        for g in p["responses"]["by_group"].as_array().unwrap() {
            let name = g["group"].as_str().unwrap();
            let size = truth_for(&e, &p)[&Key("resp", String::new(), name.into(), String::new())];
            let whole = p["questions"].as_array().unwrap().iter().all(|q| {
                q["answered"][name].is_null()
                    && q["cells"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|c| c["group"] == name)
                        .all(|c| c["count"].is_null())
            });
            assert!(!(whole && size >= 5), "{name} ({size}) hidden whole");
        }
    }
}

#[test]
fn residual_groups_are_combined_before_anything_is_hidden() {
    // The bundled sample has 2 "Not stated" and a few Cross-borough.
    let dir = tempfile::tempdir().unwrap();
    let s = report(&[&sample()], &dir.path().join("r"), &["--quiet"]);
    let names = group_names(&s);
    assert!(
        names.contains(&"Other or not stated".to_string()),
        "{names:?}"
    );
    assert!(!names.contains(&"Not stated".to_string()));
    assert!(!names.contains(&"Cross-borough".to_string()));
    let merged = s["responses"]["by_group"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "Other or not stated")
        .unwrap();
    assert!(merged["responses"].as_u64().unwrap() >= 5);
    // With suppression off, nothing is combined.
    let open = report(
        &[&sample()],
        &dir.path().join("o"),
        &["--quiet", "--min-cell", "0"],
    );
    assert!(group_names(&open).contains(&"Not stated".to_string()));
}

#[test]
fn every_output_hides_the_same_numbers_with_one_mark() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let s = report_all(&[&sample()], &out, &["--quiet"]);
    let mut hidden = 0;
    for q in s["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] != "text")
    {
        let mut rdr =
            csv::Reader::from_path(out.join(format!("tables/{}.csv", q["id"].as_str().unwrap())))
                .unwrap();
        let header = rdr.headers().unwrap().clone();
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (count, suppressed) = (col("count"), col("suppressed"));
        for (row, c) in rdr
            .records()
            .map(Result::unwrap)
            .zip(q["cells"].as_array().unwrap())
        {
            assert_eq!(
                row[count].is_empty(),
                c["count"].is_null(),
                "{} {:?}",
                q["id"],
                row
            );
            assert_eq!(&row[suppressed] == "true", c["suppressed"] == true);
            // No reason is published, and no percentage beside a hidden figure.
            assert!(c.get("suppression").is_none_or(Value::is_null));
            if c["count"].is_null() || c["base"].is_null() {
                assert!(c["percent"].is_null());
            }
            hidden += usize::from(c["count"].is_null());
        }
    }
    assert!(hidden > 0);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("[c]"));
    assert!(
        !md.contains("<5") && !md.contains("| * |"),
        "one mark for every hidden figure"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<abbr title=\"hidden so that nobody can be identified"));
}

#[test]
fn rounding_rounds_every_derived_figure() {
    let dir = tempfile::tempdir().unwrap();
    let rounded = report(
        &[&sample()],
        &dir.path().join("b"),
        &["--quiet", "--round", "5"],
    );
    assert_eq!(rounded["disclosure"]["round"], 5);
    let mut seen = 0;
    for q in rounded["questions"].as_array().unwrap() {
        for c in q["cells"].as_array().unwrap() {
            if let (Some(n), Some(b), Some(p)) = (
                c["count"].as_u64(),
                c["base"].as_u64(),
                c["percent"].as_f64(),
            ) {
                assert_eq!(n % 5, 0);
                assert_eq!(b % 5, 0);
                let expect = (1000.0 * n as f64 / b as f64).round() / 10.0;
                assert_eq!(p, expect, "percent from the rounded counts, one decimal");
                seen += 1;
            }
        }
    }
    assert!(seen > 50);
    for i in rounded["indicators"].as_array().unwrap() {
        for c in i["cells"].as_array().unwrap() {
            if let Some([lo, hi]) = c["ci95"]
                .as_array()
                .map(|a| [a[0].as_f64().unwrap(), a[1].as_f64().unwrap()])
            {
                assert_eq!(lo, (lo * 10.0).round() / 10.0);
                assert_eq!(hi, (hi * 10.0).round() / 10.0);
            }
        }
    }
    bin()
        .args(["report", "--round", "1", "--out"])
        .arg(dir.path().join("c"))
        .arg(sample())
        .assert()
        .code(2);
}

#[test]
fn bad_disclosure_options_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["report", "--min-cell", "-1", "--out"])
        .arg(dir.path().join("r"))
        .arg(sample())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("--min-cell") && err.contains("found -1"),
        "{err}"
    );
    assert!(!dir.path().join("r").exists());

    let template = String::from_utf8(bin().arg("template").output().unwrap().stdout)
        .unwrap()
        .replace("residual = [\"Cross-borough\"]", "residual = [\"Croydon\"]");
    let config = dir.path().join("t.toml");
    std::fs::write(&config, template).unwrap();
    let out = bin()
        .args(["report", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.path().join("r"))
        .arg(sample())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("group.residual") && err.contains("Croydon"),
        "{err}"
    );
}

#[test]
fn notes_do_not_give_away_hidden_groups() {
    // messy.csv has answers to the group question that match no borough.
    let dir = tempfile::tempdir().unwrap();
    let s = report(
        &[&fixture("messy.csv")],
        &dir.path().join("r"),
        &["--quiet"],
    );
    for d in s["data_quality"].as_array().unwrap() {
        if d["kind"] == "unrecognised_group" || d["kind"] == "answer_counted_as_other" {
            assert!(d["count"].is_null(), "{d}");
            let m = d["message"].as_str().unwrap();
            assert!(!m.chars().any(|c| c.is_ascii_digit()), "no counts: {d}");
            assert!(!m.contains("Hackney"), "no raw values: {d}");
        }
    }
    let open = report(
        &[&fixture("messy.csv")],
        &dir.path().join("o"),
        &["--quiet", "--min-cell", "0"],
    );
    assert!(
        open["data_quality"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "unrecognised_group" && d["count"].is_number()),
        "the fixture has unrecognised groups"
    );
}

#[test]
fn the_disclosure_rule_is_recorded_and_the_opt_out_is_loud() {
    let dir = tempfile::tempdir().unwrap();
    let safe = report_all(&[&sample()], &dir.path().join("a"), &["--quiet"]);
    assert_eq!(safe["disclosure"]["safe_to_publish"], true);
    assert_eq!(safe["disclosure"]["banner"], Value::Null);
    assert!(
        safe["disclosure"]["method"]
            .as_str()
            .unwrap()
            .contains("Counts from 1 to 4 are hidden")
    );
    let md = std::fs::read_to_string(dir.path().join("a/report.md")).unwrap();
    assert!(
        md.contains("Counts from 1 to 4 are hidden"),
        "the method note states the rule"
    );

    let open = report_all(
        &[&sample()],
        &dir.path().join("b"),
        &["--quiet", "--min-cell", "0"],
    );
    assert_eq!(open["disclosure"]["safe_to_publish"], false);
    assert_eq!(
        open["disclosure"]["banner"],
        "Not for publication: small numbers not suppressed"
    );
    for f in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(dir.path().join("b").join(f)).unwrap();
        assert!(
            text.contains("Not for publication: small numbers not suppressed"),
            "{f}"
        );
    }
}

#[test]
fn every_hidden_figure_of_a_real_export_is_verified() {
    // The audit once asked a count of several one-answer options for more
    // room than its base leaves it, and gave up on it: messy.csv came out
    // with 2 figures it could not verify, though the attacker finds no leak.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let s = report(
        &[&fixture("messy.csv")],
        &out,
        &["--quiet", "--format", "json", "--min-cell", "5"],
    );
    let d = &s["disclosure"];
    assert_eq!(d["unverified_figures"], 0, "{d}");
    assert_eq!(d["safe_to_publish"], true);
    assert!(d["banner"].is_null());
}

/// The sample with its borough column replaced by `areas` areas of very
/// different sizes (the k-th about 1/k as large as the first), so that many
/// groups are small, and a template listing them. Returns both paths.
fn many_areas(dir: &Path, rows: u32, areas: usize) -> (PathBuf, PathBuf) {
    let src = make_sample(dir, rows, 7);
    let mut rdr = csv::Reader::from_path(&src).unwrap();
    let head = rdr.headers().unwrap().clone();
    let col = head
        .iter()
        .position(|h| h.to_lowercase().contains("borough"))
        .unwrap();
    let names: Vec<String> = (1..=areas).map(|k| format!("Area {k:02}")).collect();
    // Deterministic and skewed: row i goes to the area its position in a
    // harmonic ladder falls in.
    let weights: Vec<f64> = (1..=areas).map(|k| 1.0 / k as f64).collect();
    let total: f64 = weights.iter().sum();
    let path = dir.join("areas.csv");
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(&head).unwrap();
    for (i, rec) in rdr.records().enumerate() {
        let mut rec: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        let mut at = ((i as f64 * 0.618_034).fract()) * total;
        let k = weights
            .iter()
            .position(|w| {
                at -= w;
                at < 0.0
            })
            .unwrap_or(areas - 1);
        rec[col] = names[k].clone();
        w.write_record(&rec).unwrap();
    }
    w.flush().unwrap();
    let mut t = sel_template();
    // The residual group the template names stays a value.
    t["group"]["values"] = toml::Value::Array(
        names
            .iter()
            .chain(std::iter::once(&"Cross-borough".to_string()))
            .map(|n| {
                let mut v = toml::map::Map::new();
                v.insert("name".into(), toml::Value::String(n.clone()));
                toml::Value::Table(v)
            })
            .collect(),
    );
    let tpath = dir.join("areas.toml");
    std::fs::write(&tpath, toml::to_string(&t).unwrap()).unwrap();
    (path, tpath)
}

/// A report with more hidden figures than the audit's widest window can
/// take (thousands: dozens of groups hidden whole) is searched differently:
/// narrow windows, a group's size a partner only for another size, ties and
/// then the whole frontier hidden at once, a clean-up, and a last resort.
/// Forced into that mode on a report small enough to attack, no hidden
/// figure may come out narrower than the rule allows.
#[test]
fn a_report_searched_as_large_leaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // Under CI, 40 groups: before the clean-up's retry, that report left
    // three cells unverified (their last resort came after the clean-up had
    // shown again what they needed). It takes the attacker two minutes.
    let (rows, areas) = if under_ci() { (800, 40) } else { (600, 24) };
    let (input, template) = many_areas(dir.path(), rows, areas);
    let run = |out: &str, extra: &[&str]| -> Value {
        let out = dir.path().join(out);
        bin()
            .env("SURVEY_LENS_LARGE_FROM", "0")
            .arg("report")
            .arg(&input)
            .arg("--config")
            .arg(&template)
            .arg("--out")
            .arg(&out)
            .args(["--quiet", "--format", "json"])
            .args(extra)
            .assert()
            .success();
        read_json(&out.join("summary.json"))
    };
    let published = run("p", &["--min-cell", "5"]);
    let exact = run("e", &["--min-cell", "0"]);
    let t0 = std::time::Instant::now();
    let tv: toml::Value = toml::from_str(&std::fs::read_to_string(&template).unwrap()).unwrap();
    let ranges = attack(&published, &tv, false);
    let found = violations(&ranges, &truth_for(&exact, &published), &published);
    println!(
        "{} groups, {} hidden figures attacked in {:?}",
        group_names(&published).len(),
        ranges.len(),
        t0.elapsed()
    );
    assert!(
        ranges.len() > 200,
        "the report must hide enough to attack ({})",
        ranges.len()
    );
    assert_eq!(published["disclosure"]["unverified_figures"], 0);
    assert!(
        found.is_empty(),
        "{} leaks:\n{}",
        found.len(),
        found.join("\n")
    );
}
