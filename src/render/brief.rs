//! The board paper's brief: each finding the template names, stated in plain
//! words from this run's figures.
//!
//! The template says what the survey is meant to find out ("support is
//! uneven and many feel isolated"); it never says what was found. Every
//! sentence here is worked out from the `Summary`: the overall figure, the
//! groups that differ clearly from it (the same verdicts as the headline
//! table), and for questions how spread answers are within groups and the
//! largest difference between them. A paper that said "support is uneven"
//! when this quarter's figures show no difference would be worse than none.

use crate::analysis::stats::{Z95, newcombe};
use crate::render::document::{Block, Runs, Span, join_and};
use crate::render::{leader, pct, standouts};
use crate::summary::{
    ALL, FindingInfo, IndicatorSummary, Kind, Polarity, QuestionSummary, Summary, Verdict,
};
use crate::text::{lower_first, plural, upper_first};

/// A group whose most common answer is given by this share or more is not
/// called mixed.
const MOST: f64 = 75.0;

/// The brief's blocks: one heading, lead sentence and list per finding, or,
/// for a template that names none, the headline indicators alone.
pub fn blocks(s: &Summary) -> Vec<Block> {
    let fallback;
    let findings: &[FindingInfo] = if s.findings.is_empty() {
        fallback = [FindingInfo {
            id: "headline".into(),
            title: "Headline indicators".into(),
            indicators: s.indicators.iter().map(|i| i.id.clone()).collect(),
            questions: vec![],
        }];
        if s.indicators.is_empty() {
            return vec![];
        }
        &fallback
    } else {
        &s.findings
    };
    // Labels from one matrix question are told apart by their own part,
    // and the wording they share is said once per finding.
    let distinct = super::distinct_labels(s);
    let label_of = |ind: &IndicatorSummary| -> String {
        s.indicators
            .iter()
            .position(|i| i.id == ind.id)
            .map_or_else(|| ind.label.clone(), |k| distinct.labels[k].clone())
    };
    let mut out = Vec::new();
    for f in findings {
        out.push(Block::Heading(f.title.clone()));
        let inds: Vec<&IndicatorSummary> = f
            .indicators
            .iter()
            .filter_map(|id| s.indicators.iter().find(|i| &i.id == id))
            .collect();
        let qs: Vec<&QuestionSummary> = f
            .questions
            .iter()
            .filter_map(|id| s.questions.iter().find(|q| &q.id == id))
            .collect();
        let mut lead = lead(s, &inds, &qs);
        if let (Some(wording), false) = (distinct.wording(), inds.is_empty()) {
            lead.push(Span::Text(format!(
                " Each measure is {wording}, with its own words, in bold below, in place of the dots."
            )));
        }
        out.push(Block::Para(lead));
        let mut items: Vec<Runs> = inds
            .iter()
            .map(|i| indicator_line(s, i, &label_of(i)))
            .collect();
        items.extend(qs.iter().map(|q| question_line(s, q)));
        out.push(Block::List(items));
    }
    out
}

/// The groups, in words: "boroughs", from the group label.
pub(crate) fn groups_word(s: &Summary) -> String {
    let l = lower_first(&s.group_label);
    match l.chars().last() {
        Some('y') if !l.ends_with("ay") && !l.ends_with("ey") => {
            format!("{}ies", &l[..l.len() - 1])
        }
        _ if ["s", "x", "z", "ch", "sh"].iter().any(|e| l.ends_with(e)) => format!("{l}es"),
        _ => format!("{l}s"),
    }
}

/// The first sentence under a finding: how many groups differ clearly on
/// its measures, or that none does.
fn lead(s: &Summary, inds: &[&IndicatorSummary], qs: &[&QuestionSummary]) -> Runs {
    let groups = groups_word(s);
    let mut parts = Vec::new();
    if !inds.is_empty() {
        let standing: Vec<(String, usize, usize)> = standouts(s)
            .into_iter()
            .map(|o| {
                let has = |v: &[&IndicatorSummary]| {
                    v.iter()
                        .filter(|i| inds.iter().any(|m| m.id == i.id))
                        .count()
                };
                (o.group.to_string(), has(&o.worse), has(&o.better))
            })
            .filter(|(_, w, b)| w + b > 0)
            .collect();
        if s.groups.len() < 2 {
            parts.push(format!(
                "{} measure{} this.",
                plural(inds.len() as u64, "headline figure", "headline figures"),
                if inds.len() == 1 { "s" } else { "" }
            ));
        } else if standing.is_empty() {
            let group = lower_first(&s.group_label);
            let these = if inds.len() == 1 {
                "this measure".to_string()
            } else {
                format!("these {} measures", inds.len())
            };
            // A measure no group could be compared on says nothing about
            // chance: it was hidden, or nobody answered.
            let compared = inds
                .iter()
                .filter(|i| {
                    s.groups
                        .iter()
                        .any(|g| i.cell(g).is_some_and(|c| c.vs_all.is_some()))
                })
                .count();
            parts.push(if compared == 0 {
                format!(
                    "No {group} can be compared with the overall figure on {these}: the figures are hidden so that nobody can be identified, or nobody answered."
                )
            } else if compared < inds.len() {
                format!(
                    "On the {compared} of {these} that can be compared, no {group} differs clearly from the overall figure: the differences could be chance."
                )
            } else {
                format!(
                    "On {these} no {group} differs clearly from the overall figure: the differences could be chance."
                )
            });
        } else {
            let said: Vec<String> = standing
                .iter()
                .map(|(g, w, b)| match (w, b) {
                    (w, 0) => format!("{g} worse on {w}"),
                    (0, b) => format!("{g} better on {b}"),
                    (w, b) => format!("{g} worse on {w} and better on {b}"),
                })
                .collect();
            parts.push(format!(
                "{} of {} {groups} differ{} clearly from the overall figure on at least one of these {} measures: {}.",
                standing.len(),
                s.groups.len(),
                if standing.len() == 1 { "s" } else { "" },
                inds.len(),
                join_and(&said)
            ));
        }
    }
    if !qs.is_empty() && s.groups.len() >= 2 {
        let gaps: Vec<Gap> = qs.iter().filter_map(|q| largest_gap(s, q)).collect();
        let differing = gaps.iter().filter(|g| g.clear).count();
        let these = if qs.len() == 1 {
            "this question".to_string()
        } else {
            format!("these {} questions", qs.len())
        };
        parts.push(if gaps.is_empty() {
            format!(
                "No two {groups} can be compared on {these}: the figures are hidden so that nobody can be identified, or nobody answered."
            )
        } else if gaps.len() < qs.len() {
            format!(
                "Answers differ clearly between {groups} on {differing} of the {} of {these} that can be compared.",
                gaps.len()
            )
        } else {
            format!(
                "Answers differ clearly between {groups} on {differing} of {} question{}.",
                qs.len(),
                if qs.len() == 1 { "" } else { "s" }
            )
        });
    }
    vec![Span::Text(parts.join(" "))]
}

/// `Feel professionally isolated: 34% overall (n=244); higher in Bexley
/// (61%); lower in Lambeth (24%); other boroughs similar.`
fn indicator_line(s: &Summary, ind: &IndicatorSummary, label: &str) -> Runs {
    let mut r = vec![Span::Strong(format!("{label}:"))];
    let all = ind.cell(ALL);
    match all.and_then(|c| c.percent.zip(c.base)) {
        Some((p, n)) => r.push(Span::Mark(format!(" {} overall (n={n})", pct(p)))),
        None => {
            r.push(Span::Text(if all.is_some_and(|c| c.base == Some(0)) {
                " nobody answered.".into()
            } else {
                " the overall figure is hidden so that nobody can be identified.".into()
            }));
            return r;
        }
    }
    // "Higher" and "lower" are what a reader sees in the numbers; the
    // verdict's polarity says which way is worse.
    let side = |v: Verdict| -> &'static str {
        match (v, ind.higher_is) {
            (Verdict::Worse, Polarity::Worse) | (Verdict::Better, Polarity::Better) => "higher",
            _ => "lower",
        }
    };
    let mut higher = Vec::new();
    let mut lower = Vec::new();
    for g in &s.groups {
        let Some(c) = ind.cell(g) else { continue };
        let (Some(v), Some(p)) = (c.vs_all, c.percent) else {
            continue;
        };
        if v == Verdict::Similar {
            continue;
        }
        let word = if v == Verdict::Worse {
            "worse"
        } else {
            "better"
        };
        let said = format!("{g} ({}, {word})", pct(p));
        if side(v) == "higher" {
            higher.push(said);
        } else {
            lower.push(said);
        }
    }
    if s.groups.len() < 2 {
        r.push(Span::Text(".".into()));
        return r;
    }
    let mut tail = Vec::new();
    if !higher.is_empty() {
        tail.push(format!("higher in {}", join_and(&higher)));
    }
    if !lower.is_empty() {
        tail.push(format!("lower in {}", join_and(&lower)));
    }
    tail.push(if higher.is_empty() && lower.is_empty() {
        format!("no {} differs clearly", lower_first(&s.group_label))
    } else {
        format!("other {} similar or hidden", groups_word(s))
    });
    r.push(Span::Text(format!("; {}.", tail.join("; "))));
    r
}

/// The widest difference between two groups on one answer of a question.
pub struct Gap {
    pub option: String,
    pub high: (String, f64),
    pub low: (String, f64),
    /// Whether the 95% interval for the difference excludes zero (a single
    /// comparison the brief points at, not a table of them).
    pub clear: bool,
}

impl Gap {
    /// Whether the difference could be chance, in words.
    pub fn verdict(&self) -> &'static str {
        if self.clear {
            "larger than chance"
        } else {
            "could be chance"
        }
    }

    /// "the largest difference between boroughs is “X”: 17% in Greenwich
    /// and 0% in Lewisham (larger than chance)": the one wording the brief
    /// and the chart alt texts share.
    pub fn describe(&self, groups: &str) -> String {
        format!(
            "the largest difference between {groups} is \u{201c}{}\u{201d}: {} in {} and {} in {} ({})",
            self.option,
            pct(self.high.1),
            self.high.0,
            pct(self.low.1),
            self.low.0,
            self.verdict()
        )
    }
}

/// The answer on which two groups' published shares are furthest apart.
/// Hidden figures are never used.
pub fn largest_gap(s: &Summary, q: &QuestionSummary) -> Option<Gap> {
    let mut best: Option<Gap> = None;
    let mut best_d = 0.0;
    for o in &q.options {
        let shown: Vec<(&str, u64, u64, f64)> = s
            .groups
            .iter()
            .filter_map(|g| {
                let c = q.cell(g, o)?;
                Some((g.as_str(), c.count?, c.base.filter(|b| *b > 0)?, c.percent?))
            })
            .collect();
        let hi = shown.iter().max_by(|a, b| a.3.total_cmp(&b.3));
        let lo = shown.iter().min_by(|a, b| a.3.total_cmp(&b.3));
        if let (Some(h), Some(l)) = (hi, lo)
            && h.3 - l.3 > best_d
        {
            best_d = h.3 - l.3;
            let clear = newcombe(h.1, h.2, l.1, l.2, Z95).is_some_and(|(lo, _)| lo > 0.0);
            best = Some(Gap {
                option: o.clone(),
                high: (h.0.to_string(), h.3),
                low: (l.0.to_string(), l.3),
                clear,
            });
        }
    }
    best
}

/// The lowest and highest top share, each with its group, and how many
/// groups' tops are known.
type Spread = ((String, f64), (String, f64), usize);

/// How far the most common answer in each group falls short of everyone:
/// the lowest and highest top share over the groups, each with its group.
/// A group where a hidden answer could be larger than every shown one is
/// left out: its top share is not known. None unless two groups are known;
/// with them, how many groups are.
fn spread(s: &Summary, q: &QuestionSummary) -> Option<Spread> {
    let tops: Vec<(String, f64)> = s
        .groups
        .iter()
        .filter_map(|g| {
            let l = leader(q, g, s.disclosure.round).filter(|l| l.certain)?;
            Some((g.clone(), l.options.first()?.1))
        })
        .collect();
    if tops.len() < 2 {
        return None;
    }
    let lo = tops.iter().min_by(|a, b| a.1.total_cmp(&b.1))?.clone();
    let hi = tops.iter().max_by(|a, b| a.1.total_cmp(&b.1))?.clone();
    Some((lo, hi, tops.len()))
}

/// A question's spread within groups and its largest difference between
/// them, in one line.
fn question_line(s: &Summary, q: &QuestionSummary) -> Runs {
    let mut r = vec![Span::Strong(q.text.trim().to_string())];
    let groups = groups_word(s);
    let mut said = Vec::new();
    if let Some((lo, hi, known)) = spread(s, q) {
        let verb = if q.kind == Kind::Multi {
            "chosen"
        } else {
            "given"
        };
        let range = format!("{} to {} ({} to {})", pct(lo.1), pct(hi.1), lo.0, hi.0);
        said.push(if hi.1 < MOST && known == s.groups.len() {
            format!(
                "within every {}, answers are mixed: the most common is {verb} by {range}",
                lower_first(&s.group_label)
            )
        } else if hi.1 < MOST {
            format!(
                "within each of the {known} {groups} where the most common answer is known, answers are mixed: it is {verb} by {range}"
            )
        } else {
            format!(
                "within {groups}, the most common answer is {verb} by {} in {} but {} in {}",
                pct(hi.1),
                hi.0,
                pct(lo.1),
                lo.0
            )
        });
    }
    if let Some(g) = largest_gap(s, q) {
        said.push(g.describe(&groups));
    } else if let Some(l) = leader(q, ALL, s.disclosure.round) {
        let (names, is) = (l.names(true), if l.alone() { "is" } else { "are" });
        said.push(match (l.certain, l.alone()) {
            (true, true) => format!("the most common answer is {names}"),
            (true, false) => format!("the most common answers are {names}"),
            (false, _) => format!("of the answers shown, the most common {is} {names}"),
        });
    }
    if said.is_empty() {
        said.push(if nobody_answered(q) {
            "nobody answered this question".into()
        } else {
            "the figures are hidden so that nobody can be identified".into()
        });
    }
    r.push(Span::Text(format!(" {}.", upper_first(&said.join("; ")))));
    r
}

/// Whether nobody at all answered: the export has no such column, or every
/// answer was blank. That is not hidden, and the brief must not say it is.
fn nobody_answered(q: &QuestionSummary) -> bool {
    q.answered.get(ALL) == Some(&Some(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_labels_become_plural_words() {
        let mut s: Summary = serde_json::from_str(include_str!(
            "../../tests/fixtures/disclosure/v0.1-sample-summary.json"
        ))
        .unwrap();
        for (label, plural) in [
            ("Borough", "boroughs"),
            ("Country", "countries"),
            ("PCN", "PCNs"),
            ("Day", "days"),
            ("Branch", "branches"),
            ("Group", "groups"),
        ] {
            s.group_label = label.into();
            assert_eq!(groups_word(&s), plural);
        }
    }

    /// The spread of top shares quotes only groups whose most common answer
    /// is known: a hidden answer that could be larger leaves a group out.
    #[test]
    fn spread_leaves_out_groups_whose_top_answer_could_be_hidden() {
        let mut s: Summary = serde_json::from_str(include_str!(
            "../../tests/fixtures/disclosure/v0.1-sample-summary.json"
        ))
        .unwrap();
        let at = |s: &Summary| s.questions.iter().position(|q| q.id == "tenure").unwrap();
        let names = |s: &Summary| {
            let (lo, hi, known) = spread(s, &s.questions[at(s)]).unwrap();
            (lo.0, hi.0, known)
        };
        // Southwark shows 13 and 14 of 42; the 15 left could be one answer.
        // Cross-borough and Not stated are hidden whole.
        assert_eq!(names(&s), ("Lambeth".into(), "Bexley".into(), 5));
        // Hide Lambeth's 12: its other answers leave 12 for the hidden one,
        // more than its largest shown, 11.
        let k = at(&s);
        let c = s.questions[k]
            .cells
            .iter_mut()
            .find(|c| c.group == "Lambeth" && c.count == Some(12))
            .unwrap();
        (c.count, c.percent) = (None, None);
        assert_eq!(names(&s), ("Bromley".into(), "Bexley".into(), 4));
    }
}
