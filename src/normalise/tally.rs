//! What was seen while coding, beyond the answers: columns dropped or
//! ignored, answers and groups that matched nothing, questions with no
//! column, and completion dates. Turned into the report's data-quality notes
//! and `inspect`'s list of unmatched answers.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use super::{ColumnPlan, ColumnUse, Unmatched};
use crate::load::Header;
use crate::summary::{DataQuality, NoteKind};
use crate::survey::Template;
use crate::text::plural;

/// Counts kept in ordered maps, so the notes come out in the same order
/// for the same input.
pub(super) struct Tallies {
    other_groups: BTreeMap<String, u64>,
    unrecognised: BTreeMap<(usize, String), u64>,
    as_other: BTreeMap<(usize, String), u64>,
    identity_dropped: BTreeMap<String, u64>,
    unclaimed: BTreeMap<String, u64>,
    repeated: BTreeMap<String, u64>,
    /// Per analysed question: whether some input has a column for it.
    found: Vec<bool>,
    /// Responses per completion day, as written ("14/07/2026").
    dates: HashMap<String, u64>,
}

impl Tallies {
    pub(super) fn new(questions: usize) -> Tallies {
        Tallies {
            other_groups: BTreeMap::new(),
            unrecognised: BTreeMap::new(),
            as_other: BTreeMap::new(),
            identity_dropped: BTreeMap::new(),
            unclaimed: BTreeMap::new(),
            repeated: BTreeMap::new(),
            found: vec![false; questions],
            dates: HashMap::new(),
        }
    }

    /// Adds what a later part of the same file saw (its rows only: the
    /// header was noted once, here).
    pub(super) fn absorb(&mut self, part: Tallies) {
        fn add<K: Ord>(to: &mut BTreeMap<K, u64>, from: BTreeMap<K, u64>) {
            for (k, n) in from {
                *to.entry(k).or_default() += n;
            }
        }
        add(&mut self.other_groups, part.other_groups);
        add(&mut self.unrecognised, part.unrecognised);
        add(&mut self.as_other, part.as_other);
        add(&mut self.identity_dropped, part.identity_dropped);
        add(&mut self.unclaimed, part.unclaimed);
        add(&mut self.repeated, part.repeated);
        for (f, p) in self.found.iter_mut().zip(part.found) {
            *f |= p;
        }
        for (day, n) in part.dates {
            *self.dates.entry(day).or_default() += n;
        }
    }

    /// Notes what a file's columns are used for.
    pub(super) fn columns(&mut self, plan: &ColumnPlan, header: &Header) {
        for (qi, c) in plan.question_cols.iter().enumerate() {
            if c.is_some() {
                self.found[qi] = true;
            }
        }
        for (i, u) in plan.uses.iter().enumerate() {
            let name = header.columns[i].clone();
            match u {
                ColumnUse::Id | ColumnUse::Identity => {
                    *self.identity_dropped.entry(name).or_default() += 1
                }
                ColumnUse::Unclaimed => *self.unclaimed.entry(name).or_default() += 1,
                ColumnUse::Repeat(_) => *self.repeated.entry(name).or_default() += 1,
                ColumnUse::Group | ColumnUse::Question(_) | ColumnUse::Metadata => {}
            }
        }
    }

    /// A group answer that matched no group.
    pub(super) fn other_group(&mut self, raw: &str) {
        *self.other_groups.entry(raw.trim().to_string()).or_default() += 1;
    }

    /// Parts of an answer to question `qi` that matched no option; `as_other`
    /// when the question has an Other option they are counted under.
    pub(super) fn unknown(&mut self, qi: usize, parts: &[String], as_other: bool) {
        let map = if as_other {
            &mut self.as_other
        } else {
            &mut self.unrecognised
        };
        for u in parts {
            *map.entry((qi, u.clone())).or_default() += 1;
        }
    }

    /// A response's completion timestamp; only its date part is kept, which
    /// has few distinct values.
    pub(super) fn date(&mut self, stamp: &str) {
        let day = stamp.trim().split([' ', 'T']).next().unwrap_or("");
        if day.is_empty() {
            return;
        }
        match self.dates.get_mut(day) {
            Some(n) => *n += 1,
            None => {
                self.dates.insert(day.to_string(), 1);
            }
        }
    }

    /// How many of the template's questions (the group aside) some input has.
    pub(super) fn questions_found(&self) -> usize {
        self.found.iter().filter(|f| **f).count()
    }

    /// Answers that matched no option (and group answers that matched no
    /// group), with what was done with them, most frequent first.
    pub(super) fn unmatched(&self, t: &Template) -> Vec<Unmatched> {
        let qids: Vec<&str> = t.analysed_questions().map(|q| q.id.as_str()).collect();
        let mut out: Vec<Unmatched> = self
            .other_groups
            .iter()
            .map(|(v, n)| Unmatched {
                question: t.group.question.clone(),
                answer: v.clone(),
                count: *n,
                treatment: format!("group \"{}\"", t.group.other),
            })
            .collect();
        for (map, treatment) in [
            (&self.as_other, "counted as Other"),
            (&self.unrecognised, "not counted"),
        ] {
            out.extend(map.iter().map(|((qi, v), n)| Unmatched {
                question: qids[*qi].to_string(),
                answer: v.clone(),
                count: *n,
                treatment: treatment.to_string(),
            }));
        }
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.question.cmp(&b.question))
        });
        out
    }

    /// The tallies as data-quality notes, in a fixed order.
    pub(super) fn notes(&self, t: &Template, duplicates_removed: u64) -> Vec<DataQuality> {
        let qids: Vec<&str> = t.analysed_questions().map(|q| q.id.as_str()).collect();
        let mut notes = Vec::new();
        if duplicates_removed > 0 {
            notes.push(DataQuality {
                kind: NoteKind::DuplicatesRemoved,
                message: format!(
                    "{} repeated an earlier response ID; the last copy of each response was kept.",
                    plural(duplicates_removed, "row", "rows")
                ),
                count: Some(duplicates_removed),
            });
        }
        if !self.identity_dropped.is_empty() {
            let n = self.identity_dropped.len() as u64;
            notes.push(DataQuality {
                kind: NoteKind::IdentityColumnsDropped,
                message: format!(
                    "{} dropped before analysis; {} in no output: {}.",
                    plural(n, "identity column was", "identity columns were"),
                    if n == 1 { "it appears" } else { "they appear" },
                    list(self.identity_dropped.keys().map(String::as_str))
                ),
                count: Some(n),
            });
        }
        if !self.other_groups.is_empty() {
            let n: u64 = self.other_groups.values().sum();
            notes.push(DataQuality {
                kind: NoteKind::UnrecognisedGroup,
                message: format!(
                    "{} a {} that matches none of the expected values, counted under \"{}\": {}.",
                    plural(n, "response gave", "responses gave"),
                    crate::text::lower_first(&t.group.label),
                    t.group.other,
                    counted(&self.other_groups)
                ),
                count: Some(n),
            });
        }
        for (kind, map, what) in [
            (
                NoteKind::UnrecognisedAnswer,
                &self.unrecognised,
                "not counted",
            ),
            (
                NoteKind::AnswerCountedAsOther,
                &self.as_other,
                "counted as \"Other\"",
            ),
        ] {
            let mut by_q: BTreeMap<usize, BTreeMap<String, u64>> = BTreeMap::new();
            for ((qi, v), n) in map {
                by_q.entry(*qi).or_default().insert(v.clone(), *n);
            }
            for (qi, vals) in by_q {
                let n: u64 = vals.values().sum();
                notes.push(DataQuality {
                    kind,
                    message: format!(
                        "{}: {} no option, {what}: {}.",
                        qids[qi],
                        plural(n, "answer matches", "answers match"),
                        counted(&vals)
                    ),
                    count: Some(n),
                });
            }
        }
        let missing: Vec<&str> = qids
            .iter()
            .zip(&self.found)
            .filter(|(_, f)| !**f)
            .map(|(q, _)| *q)
            .collect();
        if !missing.is_empty() {
            notes.push(DataQuality {
                kind: NoteKind::QuestionsMissing,
                message: format!(
                    "{} of the template {} no column in the input, so no answers: {}.",
                    plural(missing.len() as u64, "question", "questions"),
                    if missing.len() == 1 { "has" } else { "have" },
                    missing.join(", ")
                ),
                count: Some(missing.len() as u64),
            });
        }
        if !self.repeated.is_empty() {
            let n = self.repeated.len() as u64;
            notes.push(DataQuality {
                kind: NoteKind::RepeatedColumns,
                message: format!(
                    "{} the header of an earlier column; only the first is used: {}.",
                    plural(n, "column repeats", "columns repeat"),
                    list(self.repeated.keys().map(String::as_str))
                ),
                count: Some(n),
            });
        }
        if !self.unclaimed.is_empty() {
            let n = self.unclaimed.len() as u64;
            notes.push(DataQuality {
                kind: NoteKind::UnclaimedColumns,
                message: format!(
                    "{} no question of the template and {} ignored: {}.",
                    plural(n, "column matches", "columns match"),
                    if n == 1 { "was" } else { "were" },
                    list(self.unclaimed.keys().map(String::as_str))
                ),
                count: Some(n),
            });
        }
        notes
    }

    /// The calendar quarter most responses were completed in.
    pub(super) fn quarter(&self) -> Option<String> {
        crate::dates::main_quarter(self.dates.iter().map(|(d, n)| (d.as_str(), *n)))
    }

    /// The first and last completion dates.
    pub(super) fn fieldwork(&self) -> Option<[String; 2]> {
        crate::dates::fieldwork(self.dates.iter().map(|(d, n)| (d.as_str(), *n)))
    }
}

/// `"a", "b"`, at most twenty names (a 5,000-column export stays readable).
fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<String> = items.map(|s| format!("\"{s}\"")).collect();
    match all.len() {
        n if n > 20 => format!("{} and {} more", all[..20].join(", "), n - 20),
        _ => all.join(", "),
    }
}

/// `"a" (3), "b" (1)`, most frequent first, at most ten values.
fn counted(map: &BTreeMap<String, u64>) -> String {
    let mut v: Vec<_> = map.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shown: Vec<String> = v
        .iter()
        .take(10)
        .map(|(k, n)| format!("\"{k}\" ({n})"))
        .collect();
    let more = v.len().saturating_sub(10);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
