//! The board paper: a cover, a brief that states each template finding with
//! this run's figures (and changes its words when the figures change), then
//! the appendix.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// `pct` as the report writes it: whole numbers, halves away from zero.
fn pct(v: &Value) -> String {
    format!("{}%", v.as_f64().unwrap().round() as i64)
}

/// The markdown between `### {title}` and the next heading.
fn finding_text<'a>(md: &'a str, title: &str) -> &'a str {
    let start = md
        .find(&format!("### {title}\n"))
        .unwrap_or_else(|| panic!("the brief has no finding \"{title}\":\n{md}"));
    let rest = &md[start + 4 + title.len()..];
    let end = rest.find("\n#").unwrap_or(rest.len());
    &rest[..end]
}

/// Checks every finding's indicator lines against summary.json: All's
/// figure and base, every group flagged worse or better named with its
/// percentage, and no group named that is not flagged.
fn brief_matches(md: &str, s: &Value) -> usize {
    let brief = md.split("# Appendix").next().unwrap();
    let mut checked = 0;
    for f in s["findings"].as_array().expect("findings in summary.json") {
        let text = finding_text(brief, f["title"].as_str().unwrap());
        for id in f["indicators"].as_array().unwrap() {
            let ind = s["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| &i["id"] == id)
                .unwrap();
            let label = ind["label"].as_str().unwrap();
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("- **{label}:**")))
                .unwrap_or_else(|| panic!("no line for {label} in:\n{text}"));
            let all = indicator(s, id.as_str().unwrap(), "All");
            assert!(
                line.contains(&format!(
                    "{} overall (n={})",
                    pct(&all["percent"]),
                    all["base"]
                )),
                "{line}"
            );
            for g in group_names(s) {
                let c = indicator(s, id.as_str().unwrap(), &g);
                let flagged = matches!(c["vs_all"].as_str(), Some("worse" | "better"));
                let named = line.contains(&format!("{g} ("));
                assert_eq!(named, flagged, "{g} on {label}: {line}");
                if flagged {
                    assert!(
                        line.contains(&format!(
                            "{g} ({}, {})",
                            pct(&c["percent"]),
                            c["vs_all"].as_str().unwrap()
                        )),
                        "{line}"
                    );
                }
            }
            checked += 1;
        }
    }
    checked
}

fn report_md(input: &Path, out: &Path) -> (String, Value) {
    let s = report(&[input], out, &["--quiet", "--format", "md,json"]);
    (std::fs::read_to_string(out.join("report.md")).unwrap(), s)
}

#[test]
fn the_brief_states_each_finding_with_the_figures_of_summary_json() {
    let dir = tempfile::tempdir().unwrap();
    let (md, s) = report_md(&sample(), &dir.path().join("r"));
    // The template's three findings, in order, before the appendix.
    let titles: Vec<&str> = s["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 3);
    let appendix = md.find("# Appendix").expect("an appendix");
    let mut at = 0;
    for t in &titles {
        let i = md.find(&format!("### {t}")).unwrap();
        assert!(
            i > at && i < appendix,
            "{t} out of order or after the appendix"
        );
        at = i;
    }
    assert_eq!(brief_matches(&md, &s), 8);
    // Role use is measured by questions: each is named, with a difference
    // between two named groups.
    let role = finding_text(&md, titles[0]);
    for q in ["involvement", "activities"] {
        let text = question(&s, q)["text"].as_str().unwrap();
        let line = role
            .lines()
            .find(|l| l.contains(text))
            .unwrap_or_else(|| panic!("{q} missing:\n{role}"));
        assert!(
            line.contains("largest difference between boroughs"),
            "{line}"
        );
    }
    // The cover: wave, fieldwork from the responses, the paper's date.
    assert!(md.contains("- **Wave:** 2026 Q3"), "{md}");
    assert!(md.contains("- **Fieldwork:** 1 July 2026 to 28 September 2026"));
    assert!(md.contains("- **Date of this paper:** 1 December 2026"));
    assert_eq!(s["fieldwork"]["first"], "2026-07-01");
}

#[test]
fn the_brief_changes_its_words_when_the_figures_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut briefs = Vec::new();
    for wave in ["1", "3"] {
        let csv = dir.path().join(format!("w{wave}.csv"));
        bin()
            .args(["sample", "--seed", "7", "--wave", wave, "-o"])
            .arg(&csv)
            .assert()
            .success();
        let (md, s) = report_md(&csv, &dir.path().join(format!("r{wave}")));
        assert_eq!(brief_matches(&md, &s), 8, "wave {wave}");
        let line = md
            .lines()
            .find(|l| l.starts_with("- **No manager support for cancer work:**"))
            .unwrap()
            .to_string();
        briefs.push((line, s));
    }
    // Greenwich's planted shortfall in manager support is gone by wave 3:
    // the first brief names it, the second does not.
    let flagged = |s: &Value| indicator(s, "no_manager_support", "Greenwich")["vs_all"] == "worse";
    assert!(flagged(&briefs[0].1) && !flagged(&briefs[1].1));
    assert!(briefs[0].0.contains("Greenwich ("), "{}", briefs[0].0);
    assert!(!briefs[1].0.contains("Greenwich ("), "{}", briefs[1].0);
}

#[test]
fn a_template_without_findings_briefs_its_headline_indicators() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = report(
        &[&root.join("samples/staff-wellbeing.csv")],
        &dir.path().join("r"),
        &[
            "--quiet",
            "--format",
            "md,json",
            "--config",
            root.join("samples/staff-wellbeing.toml").to_str().unwrap(),
        ],
    );
    assert!(s.get("findings").is_none());
    let md = std::fs::read_to_string(dir.path().join("r/report.md")).unwrap();
    let text = finding_text(&md, "Headline indicators");
    for ind in s["indicators"].as_array().unwrap() {
        assert!(
            text.contains(&format!("- **{}:**", ind["label"].as_str().unwrap())),
            "{text}"
        );
    }
}

#[test]
fn paper_date_is_pinned_by_flag_and_refused_when_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let s = report(
        &[&sample()],
        &dir.path().join("r"),
        &["--quiet", "--date", "2027-02-14"],
    );
    assert_eq!(s["date"], "2027-02-14");
    bin()
        .arg("report")
        .arg(sample())
        .args(["--date", "14/02/2027", "--out"])
        .arg(dir.path().join("bad"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("YYYY-MM-DD"));
    assert!(!dir.path().join("bad").exists());
}

/// With suppression off the paper says so on its cover and, printed, at the
/// top of every page.
#[test]
fn an_unsuppressed_paper_says_not_for_publication_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    report(
        &[&sample()],
        &out,
        &["--quiet", "--min-cell", "0", "--format", "md,html,json"],
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let before_findings = md.split("## Findings").next().unwrap();
    assert!(
        before_findings.contains("Not for publication"),
        "{before_findings}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(
        "@page { @top-right { content: \"Not for publication: small numbers not suppressed\";"
    ));
    // A suppressed paper carries no such mark.
    let safe = dir.path().join("safe");
    report(&[&sample()], &safe, &["--quiet", "--format", "html,json"]);
    let html = std::fs::read_to_string(safe.join("report.html")).unwrap();
    assert!(!html.contains("@top-right") && !html.contains("Not for publication"));
}
