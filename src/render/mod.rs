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

/// The answer given most often in one group, among the figures shown.
pub struct Leader<'q> {
    /// The shown answers that could be the most common, largest first. More
    /// than one when another shown answer is as large or, with rounded
    /// counts, could be: calling one of them "the most common" would be a
    /// guess.
    pub options: Vec<(&'q str, f64)>,
    /// No hidden answer can be more common. When one could, the answers are
    /// only the most common *shown*, and the words must say so: a published
    /// "most common" that a hidden figure beats is a wrong statement.
    pub certain: bool,
}

impl Leader<'_> {
    /// `“A” (40%)`, or `“A” (40%) and “B” (40%)`, in curly or straight
    /// quotes.
    pub fn names(&self, curly: bool) -> String {
        let (open, close) = if curly {
            ('\u{201c}', '\u{201d}')
        } else {
            ('"', '"')
        };
        let named: Vec<String> = self
            .options
            .iter()
            .map(|(o, p)| format!("{open}{o}{close} ({})", pct(*p)))
            .collect();
        document::join_and(&named)
    }

    /// Whether one answer leads alone.
    pub fn alone(&self) -> bool {
        self.options.len() == 1
    }
}

/// A question's leader in one group (or All), for the brief and the chart
/// alt text alike, so that they cannot disagree. None when nothing above 0
/// is shown: a shown 0 beside hidden answers is not "the most common".
///
/// Worked out on published counts, which may be rounded to the nearest
/// `round` (halves up): a published `p` is then a true count from
/// `p - round/2` to `p + (round-1)/2`, and two answers are told apart only
/// when that slack cannot close the gap.
pub fn leader<'q>(q: &'q QuestionSummary, group: &str, round: Option<u32>) -> Option<Leader<'q>> {
    let step = round.filter(|r| *r > 1).map_or(1, u64::from);
    let (down, up) = (step / 2, (step - 1) / 2);
    let cells: Vec<(&str, &Cell)> = q
        .options
        .iter()
        .filter_map(|o| Some((o.as_str(), q.cell(group, o)?)))
        .collect();
    let shown: Vec<(&str, u64, f64)> = cells
        .iter()
        .filter_map(|(o, c)| Some((*o, c.count?, c.percent?)))
        .collect();
    let top = shown.iter().map(|s| s.1).max().filter(|n| *n > 0)?;
    let mut options: Vec<(&str, u64, f64)> = shown
        .iter()
        .copied()
        .filter(|s| s.1 + up + down >= top)
        .collect();
    options.sort_by_key(|o| std::cmp::Reverse(o.1));
    // The most a hidden answer can be, as a reader works it out. One answer
    // each: what the shown answers leave of the base. In a group: what the
    // other groups' shown counts leave of All's, since the groups make up
    // All. No hidden answer can beat the leader when its most is below the
    // leader's least.
    let one_answer = matches!(q.kind, Kind::Single | Kind::Likert);
    let base = cells
        .iter()
        .find_map(|(_, c)| c.base.filter(|_| c.count.is_some()));
    let row = base
        .filter(|_| one_answer)
        .map(|b| (b + up).saturating_sub(shown.iter().map(|s| s.1.saturating_sub(down)).sum()));
    let column = |o: &str| -> Option<u64> {
        if group == ALL {
            return None;
        }
        let all = q.cell(ALL, o)?.count?;
        let others: u64 = q
            .cells
            .iter()
            .filter(|c| c.option == o && c.group != ALL && c.group != group)
            .filter_map(|c| c.count)
            .map(|n| n.saturating_sub(down))
            .sum();
        Some((all + up).saturating_sub(others))
    };
    let least = top.saturating_sub(down);
    let certain = cells.len() == q.options.len()
        && cells.iter().all(|(o, c)| {
            c.count.is_some()
                || row
                    .into_iter()
                    .chain(column(o))
                    .min()
                    .is_some_and(|m| m < least)
        });
    Some(Leader {
        options: options.iter().map(|(o, _, p)| (*o, *p)).collect(),
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
            leader(&question(kind, shown), ALL, None).map(|l| (l.names(false), l.certain))
        };
        let all_shown = [("A", Some(20.0)), ("B", Some(50.0)), ("C", Some(30.0))];
        assert_eq!(
            l(Kind::Multi, &all_shown),
            Some(("\"B\" (50%)".into(), true))
        );
        // One answer each: the hidden share is at most 100 - 40 - 35 = 25.
        let hidden = [("A", Some(40.0)), ("B", Some(35.0)), ("C", None)];
        assert_eq!(l(Kind::Single, &hidden), Some(("\"A\" (40%)".into(), true)));
        // Likert questions are one answer each too.
        assert_eq!(l(Kind::Likert, &hidden), Some(("\"A\" (40%)".into(), true)));
        // ... but here it could be 60, and with ticks it could be anything.
        let big = [("A", Some(40.0)), ("B", None), ("C", None)];
        assert_eq!(l(Kind::Single, &big), Some(("\"A\" (40%)".into(), false)));
        assert_eq!(l(Kind::Multi, &hidden), Some(("\"A\" (40%)".into(), false)));
        // A remainder equal to the leader could tie it.
        let tie = [("A", Some(40.0)), ("B", Some(20.0)), ("C", None)];
        assert_eq!(l(Kind::Single, &tie), Some(("\"A\" (40%)".into(), false)));
        // A shown 0 beside hidden answers leads nothing.
        let zero = [("A", None), ("None of these", Some(0.0))];
        assert_eq!(l(Kind::Multi, &zero), None);
        // Two answers as large are named together, largest first.
        let two = [("A", Some(20.0)), ("B", Some(40.0)), ("C", Some(40.0))];
        assert_eq!(
            l(Kind::Single, &two),
            Some(("\"B\" (40%) and \"C\" (40%)".into(), true))
        );
    }

    /// A rounded count is within half a step of the truth: answers are told
    /// apart only when published a step or more apart, and the hidden
    /// remainder is counted at its largest.
    #[test]
    fn rounded_counts_are_told_apart_only_beyond_their_slack() {
        let l = |shown: &[_], round| {
            leader(&question(Kind::Single, shown), ALL, Some(round))
                .map(|l| (l.names(false), l.certain))
        };
        // Published 40 and 35 with round 5: true counts 38..42 and 33..37.
        let apart = [("A", Some(40.0)), ("B", Some(35.0)), ("C", Some(25.0))];
        assert_eq!(l(&apart, 5), Some(("\"A\" (40%)".into(), true)));
        let tied = [("A", Some(40.0)), ("B", Some(40.0)), ("C", Some(20.0))];
        assert_eq!(
            l(&tied, 10),
            Some(("\"A\" (40%) and \"B\" (40%)".into(), true))
        );
        // A hidden C: at most 100 + 2 - 38 - 33 = 31, below A's least, 38.
        let hidden = [("A", Some(40.0)), ("B", Some(35.0)), ("C", None)];
        assert_eq!(l(&hidden, 5), Some(("\"A\" (40%)".into(), true)));
        // Exact counts would leave C at most 35, below 40; rounded, C could
        // be 100 + 2 - 38 - 23 = 41, above A's least.
        let close = [("A", Some(40.0)), ("B", Some(25.0)), ("C", None)];
        assert_eq!(
            leader(&question(Kind::Single, &close), ALL, None).map(|l| l.certain),
            Some(true)
        );
        assert_eq!(l(&close, 5), Some(("\"A\" (40%)".into(), false)));
    }

    /// In a group, a hidden tick is at most what the other groups' shown
    /// counts leave of All's.
    #[test]
    fn a_hidden_answer_in_a_group_is_bounded_by_the_other_groups() {
        // Two options, groups G and H; G's "B" is hidden.
        let cell = |group: &str, option: &str, count: Option<u64>, base| Cell {
            group: group.into(),
            option: option.into(),
            count,
            base: Some(base),
            percent: count.map(|n| 100.0 * n as f64 / base as f64),
            suppressed: count.is_none(),
            suppression: None,
        };
        let q = |all_b| QuestionSummary {
            id: "q".into(),
            text: "Q?".into(),
            kind: Kind::Multi,
            section: "S".into(),
            options: vec!["A".into(), "B".into()],
            answered: Default::default(),
            cells: vec![
                cell("G", "A", Some(20), 40),
                cell("G", "B", None, 40),
                cell("H", "A", Some(10), 30),
                cell("H", "B", Some(12), 30),
                cell(ALL, "A", Some(30), 70),
                cell(ALL, "B", Some(all_b), 70),
            ],
            quotes: vec![],
        };
        let certain = |all_b, round| leader(&q(all_b), "G", round).map(|l| l.certain);
        // G's B is 31 - 12 = 19 at most: below 20.
        assert_eq!(certain(31, None), Some(true));
        // 32 - 12 = 20 could tie.
        assert_eq!(certain(32, None), Some(false));
        // Rounded to 5 (counts here need not be multiples; the slack is what
        // is tested): at most 31 + 2 - 10 = 23, above G's least A, 18.
        assert_eq!(certain(31, Some(5)), Some(false));
        // All's own leader has no groups to bound it: B shown, so certain.
        assert_eq!(leader(&q(31), ALL, None).map(|l| l.certain), Some(true));
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(pct(12.5), "13%");
        assert_eq!(pct(12.49), "12%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(100.0), "100%");
    }
}
