//! Presentation. Every renderer reads the `Summary` alone: none touches polars,
//! the template or the raw input, so what a board sees in markdown and what a
//! script reads in JSON cannot drift apart.

pub mod brief;
pub mod charts;
pub mod document;
pub mod html;
pub mod json;
pub mod markdown;
pub mod tables;
pub mod terminal;
pub mod xlsx;

use crate::summary::{
    ALL, Cell, IndicatorCell, IndicatorSummary, InputInfo, Kind, QuestionSummary, Summary, Verdict,
};

/// A percentage for people: whole numbers, halves rounded away from zero as
/// spreadsheets do (12.5 -> 13).
pub fn pct(p: f64) -> String {
    format!("{}%", p.round() as i64)
}

/// The mark for every confidential figure, whatever the reason it is
/// hidden (GSS symbol `[c]`): a reader must not tell a small number from
/// the partner hidden to protect it.
pub const CONFIDENTIAL: &str = "[c]";

/// The mark for a percentage that does not apply because nobody in the
/// group answered (GSS symbol `[z]`).
pub const NOT_APPLICABLE: &str = "[z]";

/// What each mark means, in plain words (legends, HTML `<abbr>` titles).
pub const CONFIDENTIAL_MEANS: &str = "hidden so that nobody can be identified: it is small, or it would let a small number be worked out";
pub const NOT_APPLICABLE_MEANS: &str = "does not apply: nobody in this group answered";

/// Text of one crosstab cell: `12 (34%)`, `[c]`, `12` when the base is
/// hidden (so no percentage), or `0` when nobody answered.
pub fn cell_text(c: &Cell) -> String {
    match (c.count, c.percent) {
        (None, _) => CONFIDENTIAL.into(),
        (Some(n), Some(p)) => format!("{n} ({})", pct(p)),
        (Some(n), None) => n.to_string(),
    }
}

/// Text of one headline indicator cell, without the flag: `34% (n=41)`.
pub fn indicator_text(c: &IndicatorCell) -> String {
    match (c.base, c.percent) {
        (Some(0), _) => NOT_APPLICABLE.into(),
        (Some(b), Some(p)) => format!("{} (n={b})", pct(p)),
        (Some(b), None) => format!("{CONFIDENTIAL} (n={b})"),
        (None, _) => CONFIDENTIAL.into(),
    }
}

/// The answer given most often overall, among the figures shown.
pub struct Leader<'q> {
    pub option: &'q str,
    pub percent: f64,
    /// No hidden answer can be more common. When one could, the answer is
    /// only the most common *shown*, and the words must say so: a published
    /// "most common" that a hidden figure beats is a wrong statement.
    pub certain: bool,
}

/// The overall leader of a question, for the brief and the chart alt text
/// alike, so that they cannot disagree. None when nothing above 0 is shown:
/// a shown 0 beside hidden answers is not "the most common".
pub fn leader(q: &QuestionSummary) -> Option<Leader<'_>> {
    let shown: Vec<(&str, f64)> = q
        .options
        .iter()
        .filter_map(|o| Some((o.as_str(), q.cell(ALL, o)?.percent?)))
        .collect();
    let (option, percent) = shown
        .iter()
        .copied()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|(_, p)| *p > 0.0)?;
    let hidden = shown.len() < q.options.len();
    // One answer each: the hidden answers share what the shown ones leave of
    // 100%, which a reader can work out anyway, so no hidden one can beat the
    // leader when that remainder is below it.
    let remainder = 100.0 - shown.iter().map(|(_, p)| p).sum::<f64>();
    let certain = !hidden || (q.kind == Kind::Single && remainder < percent);
    Some(Leader {
        option,
        percent,
        certain,
    })
}

/// A group whose headline figures differ clearly from All's. "At a glance",
/// chart captions and alt texts all read this one list, so that no two of
/// them can disagree about which groups stand out.
pub struct Standout<'s> {
    pub group: &'s str,
    pub worse: Vec<&'s IndicatorSummary>,
    pub better: Vec<&'s IndicatorSummary>,
}

/// Said wherever no group stands out.
pub const NO_STANDOUT: &str =
    "No group differs clearly from the overall figures (All) on any headline measure.";

/// The groups that stand out, in report order.
pub fn standouts(s: &Summary) -> Vec<Standout<'_>> {
    s.groups
        .iter()
        .filter_map(|g| {
            let pick = |v: Verdict| -> Vec<&IndicatorSummary> {
                s.indicators
                    .iter()
                    .filter(|i| i.cell(g).is_some_and(|c| flag(c) == Some(v)))
                    .collect()
            };
            let (worse, better) = (pick(Verdict::Worse), pick(Verdict::Better));
            (!worse.is_empty() || !better.is_empty()).then_some(Standout {
                group: g,
                worse,
                better,
            })
        })
        .collect()
}

/// The verdict flagged beside a cell that differs clearly from All (none
/// when it is similar, hidden or not compared).
pub fn flag(c: &IndicatorCell) -> Option<Verdict> {
    c.vs_all.filter(|v| *v != Verdict::Similar)
}

/// Where an input came from, in words: `Qualtrics CSV (UTF-8, comma)`.
pub fn describe_input(i: &InputInfo) -> String {
    let platform = i.platform.name().unwrap_or_default();
    let container = if i.format.ends_with("/xlsx") {
        "Excel workbook"
    } else {
        "CSV"
    };
    let mut details = Vec::new();
    if let Some(e) = &i.encoding {
        details.push(e.clone());
    }
    if let Some(d) = &i.delimiter {
        details.push(
            match d.as_str() {
                "," => "comma",
                ";" => "semicolon",
                "\t" => "tab",
                other => other,
            }
            .to_string(),
        );
    }
    if let Some(s) = &i.sheet {
        details.push(format!("sheet \"{s}\""));
    }
    let mut out = format!("{platform} {container}").trim().to_string();
    if !details.is_empty() {
        out.push_str(&format!(" ({})", details.join(", ")));
    }
    out
}

/// Shared text shorter than this is left in a label: "Feel " in "Feel
/// isolated" and "Feel supported" is part of what each says.
const SHARED_AT_LEAST: usize = 12;

/// The indicators' labels told apart: see [`distinct_labels`].
pub struct Distinct {
    /// Each label without the wording they all share.
    pub labels: Vec<String>,
    /// The shared wording cut from the start and the end of every label,
    /// when any was.
    pub shared: Option<(String, String)>,
}

/// Each indicator's label without the long text every label shares at its
/// start and end, so that labels written from one matrix question ("28 -
/// Regarding the use of C++ package managers, to what extent ...? [I could
/// give up my preferred IDE ...]: Agree or Strongly agree") still tell the
/// columns of a chart apart when wrapped to a few lines. A cut falls at a
/// word (or inside the item's brackets), and a label with nothing left is
/// kept whole. With one indicator, or labels that share little, every label
/// is unchanged.
pub fn distinct_labels(s: &Summary) -> Distinct {
    let labels: Vec<&str> = s.indicators.iter().map(|i| i.label.as_str()).collect();
    distinct(&labels)
}

fn distinct(labels: &[&str]) -> Distinct {
    let whole = |labels: &[&str]| Distinct {
        labels: labels.iter().map(|l| l.to_string()).collect(),
        shared: None,
    };
    let Some((first, rest)) = labels.split_first() else {
        return whole(labels);
    };
    if rest.is_empty() {
        return whole(labels);
    }
    // Byte lengths of the shared start and end, on character boundaries.
    let shared = |a: &mut dyn Iterator<Item = (usize, char)>, others: &[Vec<char>]| -> usize {
        let mut n = 0;
        for (k, (at, c)) in a.enumerate() {
            if others.iter().any(|o| o.get(k) != Some(&c)) {
                break;
            }
            n = at + c.len_utf8();
        }
        n
    };
    let fwd: Vec<Vec<char>> = rest.iter().map(|l| l.chars().collect()).collect();
    let rev: Vec<Vec<char>> = rest.iter().map(|l| l.chars().rev().collect()).collect();
    let head = shared(&mut first.char_indices(), &fwd);
    let tail = shared(
        &mut first.chars().rev().scan(0, |n, c| {
            let at = *n;
            *n += c.len_utf8();
            Some((at, c))
        }),
        &rev,
    );
    // A label that is all shared wording (one label the start of another)
    // leaves nothing to tell it by: all stay whole.
    if labels.iter().any(|l| l.len() == head || l.len() == tail) {
        return whole(labels);
    }
    let head = &first[..head];
    let cut_head = if head.len() < SHARED_AT_LEAST {
        0
    } else if let Some(i) = head.rfind('[') {
        i + 1
    } else {
        head.rfind(char::is_whitespace).map_or(0, |i| i + 1)
    };
    let tail = &first[first.len() - tail..];
    // An item in brackets ends at its closing bracket, however short the
    // rest ("]: Agree").
    let bracketed = first[..cut_head].ends_with('[');
    let cut_tail = if let (true, Some(i)) = (bracketed, tail.find(']')) {
        tail.len() - i
    } else if tail.len() < SHARED_AT_LEAST {
        0
    } else if let Some(i) = tail.find(']') {
        tail.len() - i
    } else {
        tail.find(char::is_whitespace).map_or(0, |i| tail.len() - i)
    };
    let mids: Vec<Option<&str>> = labels
        .iter()
        .map(|l| {
            let end = l.len() - cut_tail;
            let mid = if cut_head < end {
                &l[cut_head..end]
            } else {
                ""
            };
            let mid = mid.trim_matches(|c: char| c.is_whitespace() || ":;,-–".contains(c));
            (!mid.is_empty()).then_some(mid)
        })
        .collect();
    // A label with nothing of its own left (it is the shared wording) keeps
    // every label whole.
    if cut_head + cut_tail == 0 || mids.iter().any(Option::is_none) {
        return whole(labels);
    }
    Distinct {
        labels: mids.into_iter().flatten().map(str::to_string).collect(),
        shared: Some((
            first[..cut_head].to_string(),
            first[first.len() - cut_tail..].to_string(),
        )),
    }
}

impl Distinct {
    /// The shared wording as one quotation with dots where each label's own
    /// part goes ("Regarding …? […]: Agree"), when any was cut.
    pub fn wording(&self) -> Option<String> {
        self.shared
            .as_ref()
            .map(|(start, end)| format!("\"{}…{}\"", start.trim_end(), end.trim_start()))
    }

    /// Column headings for the indicators of `s` (whose labels these are)
    /// where room is short (the heatmap and the headline table): the
    /// template's `short` label, else the label's own part.
    pub fn headings(&self, s: &Summary) -> Vec<String> {
        s.indicators
            .iter()
            .zip(&self.labels)
            .map(|(i, d)| i.short.clone().unwrap_or_else(|| d.clone()))
            .collect()
    }
}

/// Whether small numbers were suppressed in this summary.
pub fn suppressing(s: &Summary) -> bool {
    s.min_cell > 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels written from one matrix question differ only inside their
    /// brackets: that part is what tells them apart, and the shared wording
    /// is kept to be said once. Labels that share little stay whole.
    #[test]
    fn labels_are_told_apart_by_what_they_do_not_share() {
        let q = "28 - Regarding the use of C++ package managers, to what extent do you agree?";
        let matrix: Vec<String> = ["I could give up my IDE", "I could give up my build system"]
            .iter()
            .map(|item| format!("{q} [{item}]: Agree or Strongly agree"))
            .collect();
        let m: Vec<&str> = matrix.iter().map(String::as_str).collect();
        let d = distinct(&m);
        assert_eq!(
            d.labels,
            ["I could give up my IDE", "I could give up my build system"]
        );
        assert_eq!(
            d.shared,
            Some((format!("{q} ["), "]: Agree or Strongly agree".to_string()))
        );
        // A long shared start without brackets is cut at a word.
        let d = distinct(&[
            "Share of staff who say that they feel isolated",
            "Share of staff who say that they feel supported",
        ]);
        assert_eq!(d.labels, ["isolated", "supported"]);
        // Little shared, one label, or a label that is all shared wording:
        // unchanged.
        let few = ["Feel isolated", "Feel supported"];
        assert_eq!(distinct(&few).labels, few);
        assert!(distinct(&few).shared.is_none());
        assert_eq!(distinct(&[m[0]]).labels, [m[0]]);
        let prefix = [q, m[0]];
        assert_eq!(distinct(&prefix).labels, prefix);
        // Characters of more than one byte on either side of a cut.
        let d = distinct(&[
            "Gwasanaethau ar gyfer pobl ifanc – cymorth ‘iechyd’ ✓",
            "Gwasanaethau ar gyfer pobl ifanc – cyngor ‘iechyd’ ✓",
        ]);
        assert_eq!(d.labels, ["cymorth", "cyngor"]);
    }

    /// All's figures for one question: `None` is a hidden figure.
    fn question(kind: Kind, shown: &[(&str, Option<f64>)]) -> QuestionSummary {
        QuestionSummary {
            id: "q".into(),
            text: "Q?".into(),
            kind,
            section: "S".into(),
            options: shown.iter().map(|(o, _)| o.to_string()).collect(),
            answered: Default::default(),
            cells: shown
                .iter()
                .map(|(o, p)| Cell {
                    group: ALL.into(),
                    option: o.to_string(),
                    count: p.map(|p| p as u64),
                    base: Some(100),
                    percent: *p,
                    suppressed: p.is_none(),
                    suppression: None,
                })
                .collect(),
            quotes: vec![],
        }
    }

    /// "The most common answer" must be true of the hidden figures too, and
    /// never a shown 0.
    #[test]
    fn the_leader_is_called_most_common_only_when_nothing_hidden_can_beat_it() {
        let l = |kind, shown: &[_]| {
            leader(&question(kind, shown)).map(|l| (l.option.to_string(), l.percent, l.certain))
        };
        let all_shown = [("A", Some(20.0)), ("B", Some(50.0)), ("C", Some(30.0))];
        assert_eq!(l(Kind::Multi, &all_shown), Some(("B".into(), 50.0, true)));
        // One answer each: the hidden share is at most 100 - 40 - 35 = 25.
        let hidden = [("A", Some(40.0)), ("B", Some(35.0)), ("C", None)];
        assert_eq!(l(Kind::Single, &hidden), Some(("A".into(), 40.0, true)));
        // ... but here it could be 60, and with ticks it could be anything.
        let big = [("A", Some(40.0)), ("B", None), ("C", None)];
        assert_eq!(l(Kind::Single, &big), Some(("A".into(), 40.0, false)));
        assert_eq!(l(Kind::Multi, &hidden), Some(("A".into(), 40.0, false)));
        // A shown 0 beside hidden answers leads nothing.
        let zero = [("A", None), ("None of these", Some(0.0))];
        assert_eq!(l(Kind::Multi, &zero), None);
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(pct(12.5), "13%");
        assert_eq!(pct(12.49), "12%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(100.0), "100%");
    }
}
