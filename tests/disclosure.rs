//! Safe to publish: what a reader can do with the published outputs alone.
//! A hidden count must not be recoverable by any combination of the sums a
//! reader can form (columns add up to their base, groups add up to All, bases
//! add up to All's), and every output hides the same numbers.

mod common;

use common::*;
use serde_json::Value;

/// Rank of a rational matrix (fractions as f64 are exact enough for the small
/// integer systems here; pivots below 1e-9 are zero).
fn rank(mut m: Vec<Vec<f64>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..m.len()).find(|&i| m[i][c].abs() > 1e-9) else {
            continue;
        };
        m.swap(r, p);
        for i in 0..m.len() {
            if i != r {
                let f = m[i][c] / m[r][c];
                let pivot = m[r].clone();
                for (x, y) in m[i].iter_mut().zip(pivot) {
                    *x -= f * y;
                }
            }
        }
        r += 1;
    }
    r
}

/// For one single-choice question: the hidden counts that a reader could
/// solve for from the published table.
fn derivable(q: &Value, groups: &[String], indicators: &[Value]) -> Vec<String> {
    let opts: Vec<&str> = q["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    let mut cols: Vec<String> = groups.to_vec();
    cols.push("All".into());
    // Unknowns: hidden cells and hidden bases.
    let mut unknown: Vec<String> = vec![];
    let cell = |g: &str, o: &str| {
        q["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["group"] == g && c["option"] == o)
            .cloned()
            .unwrap()
    };
    for g in &cols {
        for o in &opts {
            if cell(g, o)["count"].is_null() {
                unknown.push(format!("{g}/{o}"));
            }
        }
        if q["answered"][g].is_null() {
            unknown.push(format!("{g}/base"));
        }
        for ind in indicators {
            let c = ind["cells"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["group"] == *g)
                .unwrap();
            if c["count"].is_null() {
                unknown.push(format!("{g}/ind:{}", ind["id"].as_str().unwrap()));
            }
            if c["base"].is_null() {
                unknown.push(format!("{g}/indbase:{}", ind["id"].as_str().unwrap()));
            }
        }
    }
    let idx = |k: &str| unknown.iter().position(|u| u == k);
    let mut rows: Vec<Vec<f64>> = vec![];
    let mut eq = |terms: Vec<(String, f64)>| {
        let mut r = vec![0.0; unknown.len()];
        for (k, sign) in terms {
            if let Some(i) = idx(&k) {
                r[i] += sign;
            }
        }
        if r.iter().any(|v| *v != 0.0) {
            rows.push(r);
        }
    };
    for g in &cols {
        let mut t: Vec<(String, f64)> = opts.iter().map(|o| (format!("{g}/{o}"), 1.0)).collect();
        t.push((format!("{g}/base"), -1.0));
        eq(t);
    }
    for o in &opts {
        let mut t: Vec<(String, f64)> = groups.iter().map(|g| (format!("{g}/{o}"), 1.0)).collect();
        t.push((format!("All/{o}"), -1.0));
        eq(t);
    }
    let mut t: Vec<(String, f64)> = groups.iter().map(|g| (format!("{g}/base"), 1.0)).collect();
    t.push(("All/base".into(), -1.0));
    eq(t);
    // Headline indicators: count = the counted answers; base = the question's
    // base less the excluded answers.
    for ind in indicators {
        let (id, def) = (ind["id"].as_str().unwrap(), &ind["_def"]);
        for g in &cols {
            let mut t: Vec<(String, f64)> = def["counts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| (format!("{g}/{}", o.as_str().unwrap()), 1.0))
                .collect();
            t.push((format!("{g}/ind:{id}"), -1.0));
            eq(t);
            let mut t: Vec<(String, f64)> = def["base_excludes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| (format!("{g}/{}", o.as_str().unwrap()), 1.0))
                .collect();
            t.push((format!("{g}/indbase:{id}"), 1.0));
            t.push((format!("{g}/base"), -1.0));
            eq(t);
        }
    }
    let base = rank(rows.clone());
    unknown
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            let mut with = rows.clone();
            with.push(
                (0..unknown.len())
                    .map(|k| if k == *i { 1.0 } else { 0.0 })
                    .collect(),
            );
            rank(with) == base
        })
        .map(|(_, u)| u.clone())
        .collect()
}

#[test]
fn no_hidden_count_can_be_solved_for_from_the_published_tables() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (i, (input, min)) in [
        (sample(), "5"),
        (sample(), "10"),
        (fixture("messy.csv"), "5"),
        (fixture("platforms/qualtrics.csv"), "5"),
    ]
    .iter()
    .enumerate()
    {
        let s = report(
            &[input],
            &dir.path().join(i.to_string()),
            &["--quiet", "--min-cell", min],
        );
        let template: toml::Value = toml::from_str(
            &String::from_utf8(bin().arg("template").output().unwrap().stdout).unwrap(),
        )
        .unwrap();
        for q in s["questions"].as_array().unwrap() {
            if q["kind"] != "single" && q["kind"] != "likert" {
                continue;
            }
            let hidden = q["cells"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["suppressed"] == true)
                .count();
            checked += hidden;
            // The indicators published from this question, with their definitions.
            let inds: Vec<Value> = s["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["question"] == q["id"])
                .map(|i| {
                    let def = template["indicators"].as_array().unwrap().iter().find(|d| d["id"].as_str() == i["id"].as_str()).unwrap();
                    let mut i = i.clone();
                    i["_def"] = serde_json::json!({
                        "counts": def["counts"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect::<Vec<_>>(),
                        "base_excludes": def.get("base_excludes").and_then(|b| b.as_array()).map(|b| b.iter().map(|v| v.as_str().unwrap()).collect::<Vec<_>>()).unwrap_or_default(),
                    });
                    i
                })
                .collect();
            let d = derivable(q, &group_names(&s), &inds);
            assert!(
                d.is_empty(),
                "{}: {} can be worked out by subtraction",
                q["id"],
                d.join(", ")
            );
        }
    }
    assert!(
        checked > 100,
        "the inputs must exercise suppression ({checked} hidden cells)"
    );
}

#[test]
fn without_secondary_suppression_the_check_would_fail() {
    // The checker itself must catch a lone hidden cell: take a published
    // table and hide one shown count by hand.
    let dir = tempfile::tempdir().unwrap();
    let mut s = report(
        &[&sample()],
        &dir.path().join("r"),
        &["--quiet", "--min-cell", "0"],
    );
    let g = group_names(&s);
    let q = s["questions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|q| q["id"] == "role")
        .unwrap();
    let c = q["cells"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["group"] == "Bexley" && c["option"] == "Clinical lead")
        .unwrap();
    c["count"] = Value::Null;
    c["suppressed"] = Value::Bool(true);
    assert_eq!(
        derivable(q, &g, &[]),
        vec!["Bexley/Clinical lead".to_string()]
    );
}

#[test]
fn when_one_group_is_hidden_the_next_smallest_goes_too() {
    let dir = tempfile::tempdir().unwrap();
    let s = report(&[&sample()], &dir.path().join("r"), &["--quiet"]);
    // "Not stated" has under 5 responses; Cross-borough (7) is the next smallest.
    let by: Vec<(String, Value, Value)> = s["responses"]["by_group"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["group"].as_str().unwrap().to_string(),
                g["responses"].clone(),
                g["suppression"].clone(),
            )
        })
        .collect();
    let find = |n: &str| by.iter().find(|b| b.0 == n).unwrap().clone();
    assert_eq!(find("Not stated").2, "small");
    assert_eq!(find("Cross-borough").1, Value::Null);
    assert_eq!(find("Cross-borough").2, "secondary");
    let shown: u64 = by
        .iter()
        .filter(|b| b.0 != "All")
        .filter_map(|b| b.1.as_u64())
        .sum();
    assert!(
        shown < s["responses"]["analysed"].as_u64().unwrap(),
        "All minus the rest is more than one group"
    );
    let md = std::fs::read_to_string(dir.path().join("r/report.md")).unwrap();
    assert!(
        md.contains("| Cross-borough | [c] |"),
        "a protected group is not labelled <5"
    );
}

#[test]
fn every_output_hides_the_same_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let s = report(&[&sample()], &out, &["--quiet"]);
    for q in s["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] != "text")
    {
        let mut rdr =
            csv::Reader::from_path(out.join(format!("tables/{}.csv", q["id"].as_str().unwrap())))
                .unwrap();
        for (row, c) in rdr
            .records()
            .map(Result::unwrap)
            .zip(q["cells"].as_array().unwrap())
        {
            assert_eq!(
                row[3].is_empty(),
                c["count"].is_null(),
                "{} {:?}",
                q["id"],
                row
            );
            assert_eq!(&row[6] == "true", c["suppressed"] == true);
        }
    }
    // The markdown never prints a hidden count: every number it shows for
    // Cross-borough (hidden whole) is absent.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("| Cross-borough | 7 |"));
}

#[test]
fn round_publishes_multiples_and_keeps_exact_percentages() {
    let dir = tempfile::tempdir().unwrap();
    let exact = report(&[&sample()], &dir.path().join("a"), &["--quiet"]);
    let rounded = report(
        &[&sample()],
        &dir.path().join("b"),
        &["--quiet", "--round", "5"],
    );
    assert_eq!(rounded["disclosure"]["round"], 5);
    assert!(
        rounded["disclosure"]["method"]
            .as_str()
            .unwrap()
            .contains("rounded to the nearest 5")
    );
    for (qa, qb) in exact["questions"]
        .as_array()
        .unwrap()
        .iter()
        .zip(rounded["questions"].as_array().unwrap())
    {
        for (a, b) in qa["cells"]
            .as_array()
            .unwrap()
            .iter()
            .zip(qb["cells"].as_array().unwrap())
        {
            if let (Some(na), Some(nb)) = (a["count"].as_u64(), b["count"].as_u64()) {
                assert_eq!(nb % 5, 0);
                assert!(na.abs_diff(nb) <= 2, "{na} rounds to {nb}");
                assert_eq!(
                    a["percent"], b["percent"],
                    "percentages come from exact counts"
                );
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
fn the_disclosure_rule_is_recorded_and_the_opt_out_is_loud() {
    let dir = tempfile::tempdir().unwrap();
    let safe = report(&[&sample()], &dir.path().join("a"), &["--quiet"]);
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

    let open = report(
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
