//! From raw text cells to coded answers.
//!
//! Each file's headers are matched to template questions once; each row is then
//! coded into small integers (group index, option index, multi-select bitmask)
//! so that analysis never sees free-form text. Text decisions are cached per
//! distinct cell value, so a million rows with twenty distinct answers cost
//! twenty matches, not a million.

mod coding;
pub mod columns;
mod dedupe;
mod tally;

use anyhow::{Result, bail};

use crate::load::{Forking, Header, RowNo, Sink};
use crate::summary::DataQuality;
use crate::survey::{Kind, Template};
use crate::text::{header_key, key};
use coding::{Coder, Coding};
use dedupe::Ids;
use tally::Tallies;

/// Coded answers to one question, one entry per kept response.
#[derive(Debug, Clone, PartialEq)]
pub enum Answers {
    /// Option index, or none: not answered (or unrecognised, not counted).
    Choice(Choices),
    /// Bit i = option i ticked; 0 = not answered.
    Multi(Vec<u64>),
    /// Whether the free-text answer is non-blank.
    Text(Vec<bool>),
}

impl Answers {
    fn new(kind: Kind) -> Answers {
        match kind {
            Kind::Single | Kind::Likert => Answers::Choice(Choices::default()),
            Kind::Multi => Answers::Multi(Vec::new()),
            Kind::Text => Answers::Text(Vec::new()),
        }
    }
}

/// One-answer codes, one per response, in two bytes each: a million
/// responses to a dozen such questions hold 24 MB, where `Option<u32>` held
/// 96 MB. The template allows at most
/// [`crate::survey::MAX_CHOICE_OPTIONS`] options, so
/// every index fits beside the "none" code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Choices(Vec<u16>);

/// The code of "no answer".
const NONE: u16 = u16::MAX;

impl Choices {
    /// Response `r`'s option index, if it gave one.
    pub fn get(&self, r: usize) -> Option<u32> {
        let c = self.0[r];
        (c != NONE).then_some(u32::from(c))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The code of "no answer" in [`Choices::codes`].
    pub const NO_ANSWER: u32 = NONE as u32;

    /// The codes of responses `first + k` for each k of `order`, widened for
    /// polars (which has no two-byte integers without a feature that costs
    /// build time), "no answer" as [`Choices::NO_ANSWER`] rather than a
    /// null: a column without a validity mask is a plain copy, where one
    /// with nulls was built value by value (80 ms at a million responses to
    /// the SEL survey).
    pub fn codes(&self, first: usize, order: &[u32]) -> Vec<u32> {
        let rows = &self.0[first..];
        order.iter().map(|&k| u32::from(rows[k as usize])).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<u32>> + '_ {
        (0..self.0.len()).map(|r| self.get(r))
    }

    fn put(&mut self, idx: usize, value: Option<u32>) {
        let code = value.map_or(NONE, |v| {
            u16::try_from(v)
                .ok()
                .filter(|&c| c != NONE)
                .expect("the template allows at most MAX_CHOICE_OPTIONS options")
        });
        put(&mut self.0, idx, code);
    }
}

impl FromIterator<Option<u32>> for Choices {
    fn from_iter<I: IntoIterator<Item = Option<u32>>>(iter: I) -> Self {
        let mut c = Choices::default();
        for (i, v) in iter.into_iter().enumerate() {
            c.put(i, v);
        }
        c
    }
}

/// The analysable survey: one entry per kept response in every vector.
#[derive(Debug, Clone)]
pub struct Coded {
    /// Names of every group code: template groups, then Not stated, then Other.
    pub group_names: Vec<String>,
    pub group: Vec<u32>,
    /// Aligned with `Template::analysed_questions()`.
    pub answers: Vec<Answers>,
    pub duplicates_removed: u64,
    pub notes: Vec<DataQuality>,
    /// Free-text answers per analysed question and row (text questions only,
    /// and only when quotes were asked for).
    pub texts: Vec<Vec<Option<String>>>,
    /// Each row's own name parts, for redacting quotes (only with quotes).
    pub names: Vec<Vec<String>>,
    /// The calendar quarter most responses were completed in ("2026 Q3").
    pub quarter: Option<String>,
    /// The first and last completion dates (ISO).
    pub fieldwork: Option<[String; 2]>,
}

/// How one file's columns map onto the template.
#[derive(Clone)]
struct FilePlan {
    /// None when the template groups nobody.
    group_col: Option<usize>,
    id_col: Option<usize>,
    /// Identity columns holding a person's name, for redaction.
    name_cols: Vec<usize>,
    /// When the response was completed, for the wave label.
    date_col: Option<usize>,
    /// Per analysed question: the column holding it in this file.
    question_cols: Vec<Option<usize>>,
}

/// An answer that matched no option, for `inspect`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unmatched {
    pub question: String,
    pub answer: String,
    pub count: u64,
    pub treatment: String,
}

/// Timestamp columns, most preferred first (compact keys).
const DATE_COLUMNS: &[&str] = &[
    "completiontime",
    "enddate",
    "recordeddate",
    "timestamp",
    "starttime",
    "startdate",
];

/// What a column of an input is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnUse {
    Group,
    /// Index into `Template::analysed_questions()`.
    Question(usize),
    /// A second column with the header of question `qi`; the first one is used.
    Repeat(usize),
    Id,
    Identity,
    Metadata,
    Unclaimed,
}

/// How one file's columns map onto the template: what `report` uses and what
/// `inspect` shows.
#[derive(Debug, Clone)]
pub struct ColumnPlan {
    pub group_col: Option<usize>,
    pub id_col: Option<usize>,
    pub question_cols: Vec<Option<usize>>,
    pub uses: Vec<ColumnUse>,
}

impl ColumnPlan {
    pub fn new(t: &Template, header: &Header) -> ColumnPlan {
        let keys: Vec<String> = header.columns.iter().map(|c| header_key(c)).collect();
        let matches = |q: &crate::survey::Question, k: &str| {
            std::iter::once(&q.text)
                .chain(&q.aliases)
                .any(|t| header_key(t) == k)
        };
        let mut uses = vec![ColumnUse::Unclaimed; keys.len()];
        let group_col = t
            .group_question()
            .and_then(|gq| keys.iter().position(|k| matches(gq, k)));
        if let Some(g) = group_col {
            uses[g] = ColumnUse::Group;
        }
        let mut question_cols = Vec::new();
        for (qi, q) in t.analysed_questions().enumerate() {
            let mut first = None;
            for (i, k) in keys.iter().enumerate() {
                if uses[i] != ColumnUse::Unclaimed || !matches(q, k) {
                    continue;
                }
                if first.is_none() {
                    first = Some(i);
                    uses[i] = ColumnUse::Question(qi);
                } else {
                    uses[i] = ColumnUse::Repeat(qi);
                }
            }
            question_cols.push(first);
        }
        let mut id_col = None;
        for (i, u) in uses.iter_mut().enumerate() {
            if *u != ColumnUse::Unclaimed {
                continue;
            }
            let alt = header.alt.get(i).and_then(|a| a.as_deref());
            *u = match columns::classify(&header.columns[i], alt, &t.columns) {
                Some(columns::Role::Id) => {
                    id_col.get_or_insert(i);
                    ColumnUse::Id
                }
                Some(columns::Role::Identity) => ColumnUse::Identity,
                Some(columns::Role::Metadata) => ColumnUse::Metadata,
                None => ColumnUse::Unclaimed,
            };
        }
        ColumnPlan {
            group_col,
            id_col,
            question_cols,
            uses,
        }
    }
}

/// The error for a file without the group column: what was expected, what
/// was found, and what to do.
pub fn missing_group_message(t: &Template, header: &Header) -> String {
    format!(
        "{}: no column matches the group question \"{}\".\n  Headers found: {}\n  If this is a different survey, \
         describe it in a template and pass --config FILE (`survey-lens init {}` writes a starter; see docs/template.md).",
        header.file,
        t.group_question().map_or("", |q| q.text.as_str()),
        header
            .columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", "),
        header.file
    )
}

/// Codes responses as they are read: the [`Sink`] that `report` and
/// `inspect` hand to `load`. Each concern keeps its own state: the coder
/// (what cells mean), the ids seen (deduplication) and the tallies (data
/// quality), so this type only routes a row's cells between them.
pub struct Normaliser<'t> {
    template: &'t Template,
    coder: Coder,
    ids: Ids,
    tallies: Tallies,
    /// The current file's columns, set by `header`.
    plan: Option<FilePlan>,
    keep_text: bool,
    out: Coded,
}

impl<'t> Normaliser<'t> {
    /// Also keeps free-text answers and respondents' names, for `--quotes`.
    /// Off by default: free text is personal data and costs memory.
    pub fn keep_text(mut self) -> Self {
        self.keep_text = true;
        self
    }

    pub fn new(template: &'t Template) -> Self {
        let qs: Vec<_> = template.analysed_questions().collect();
        let mut group_names: Vec<String> = template
            .group
            .values
            .iter()
            .map(|g| g.name.clone())
            .collect();
        group_names.push(template.group.not_stated.clone());
        group_names.push(template.group.other.clone());
        Normaliser {
            template,
            coder: Coder::new(template),
            ids: Ids::new(),
            tallies: Tallies::new(qs.len()),
            plan: None,
            keep_text: false,
            out: Coded {
                group_names,
                group: Vec::new(),
                answers: qs.iter().map(|q| Answers::new(q.kind)).collect(),
                duplicates_removed: 0,
                notes: Vec::new(),
                texts: vec![Vec::new(); qs.len()],
                names: Vec::new(),
                quarter: None,
                fieldwork: None,
            },
        }
    }
}

impl Sink for Normaliser<'_> {
    /// Matches a file's headers to the template. Fails when the group column
    /// is missing, because without it no breakdown is possible.
    fn header(&mut self, header: &Header) -> Result<()> {
        let t = self.template;
        let plan = ColumnPlan::new(t, header);
        if plan.group_col.is_none() && t.grouped() {
            bail!("{}", missing_group_message(t, header));
        }
        self.tallies.columns(&plan, header);
        let name_cols = (0..header.columns.len())
            .filter(|&i| {
                plan.uses[i] == ColumnUse::Identity && key(&header.columns[i]).contains("name")
            })
            .collect();
        // The completion time is preferred; any response timestamp will do.
        let date_col = DATE_COLUMNS.iter().find_map(|want| {
            (0..header.columns.len()).find(|&i| {
                plan.uses[i] == ColumnUse::Metadata
                    && std::iter::once(header.columns[i].as_str())
                        .chain(header.alt.get(i).and_then(|a| a.as_deref()))
                        .any(|h| key(h).replace(' ', "") == *want)
            })
        });
        self.plan = Some(FilePlan {
            group_col: plan.group_col,
            id_col: plan.id_col,
            name_cols,
            date_col,
            question_cols: plan.question_cols,
        });
        Ok(())
    }

    /// Codes one response. A repeated response id replaces the earlier row, so
    /// the last one read is kept.
    fn row(&mut self, _row: RowNo, rec: &crate::load::Record) -> Result<()> {
        let plan = self.plan.take().expect("header is called before row");
        let next = self.out.group.len();
        let target = match plan.id_col.map(|c| rec.get(c).unwrap_or("").trim()) {
            Some(id) if !id.is_empty() => self.ids.place(id, next),
            _ => next,
        };
        let g = match plan.group_col {
            Some(c) => {
                let raw = rec.get(c).unwrap_or("");
                let g = self.coder.group(raw);
                if g == self.coder.other {
                    self.tallies.other_group(raw);
                }
                g
            }
            None => self.coder.not_stated,
        };
        put(&mut self.out.group, target, g);
        for (qi, col) in plan.question_cols.iter().enumerate() {
            let cell = col.and_then(|c| rec.get(c)).unwrap_or("");
            self.code_answer(qi, cell, target);
        }
        if let Some(d) = plan.date_col.and_then(|c| rec.get(c)) {
            self.tallies.date(d);
        }
        if self.keep_text {
            let name: Vec<String> = plan
                .name_cols
                .iter()
                .filter_map(|&c| rec.get(c))
                .flat_map(|n| n.split_whitespace())
                .filter(|w| w.chars().count() >= 2 && !w.eq_ignore_ascii_case("anonymous"))
                .map(str::to_string)
                .collect();
            put(&mut self.out.names, target, name);
        }
        self.plan = Some(plan);
        Ok(())
    }
}

/// A later part of a file is coded into a fork on another thread, and
/// absorbed as if its rows had followed: rows are appended in order, and a
/// row whose response id was seen before replaces the earlier one, as when
/// it is read in one pass.
impl Forking for Normaliser<'_> {
    fn fork(&self) -> Self {
        let mut part = Normaliser::new(self.template);
        part.keep_text = self.keep_text;
        part.plan = self.plan.clone();
        part
    }

    fn expect(&mut self, rows: usize) {
        let more = rows.saturating_sub(self.out.group.len());
        let out = &mut self.out;
        out.group.reserve(more);
        for a in &mut out.answers {
            match a {
                Answers::Choice(v) => v.0.reserve(more),
                Answers::Multi(v) => v.reserve(more),
                Answers::Text(v) => v.reserve(more),
            }
        }
    }

    fn absorb(&mut self, part: Self) {
        let Normaliser {
            ids, tallies, out, ..
        } = part;
        self.tallies.absorb(tallies);
        let base = self.out.group.len();
        let targets: Option<Vec<usize>> = match self.ids.append(ids, base) {
            None => None,
            Some(ids) => {
                let (keys, removed) = ids.into_keys(out.group.len());
                self.ids.removed += removed;
                let mut next = base;
                let targets: Vec<usize> = keys
                    .into_iter()
                    .map(|k| {
                        let t = k.map_or(next, |k| self.ids.place_key(k, next));
                        if t == next {
                            next += 1;
                        }
                        t
                    })
                    .collect();
                let appended = targets.iter().enumerate().all(|(j, &t)| t == base + j);
                (!appended).then_some(targets)
            }
        };
        let mine = &mut self.out;
        let Some(targets) = targets else {
            // No id seen before: the part's rows follow these.
            mine.group.extend(out.group);
            for (a, b) in mine.answers.iter_mut().zip(out.answers) {
                match (a, b) {
                    (Answers::Choice(a), Answers::Choice(b)) => a.0.extend(b.0),
                    (Answers::Multi(a), Answers::Multi(b)) => a.extend(b),
                    (Answers::Text(a), Answers::Text(b)) => a.extend(b),
                    _ => unreachable!("a fork has the same questions"),
                }
            }
            for (a, b) in mine.texts.iter_mut().zip(out.texts) {
                a.extend(b);
            }
            mine.names.extend(out.names);
            return;
        };
        for (j, &t) in targets.iter().enumerate() {
            put(&mut mine.group, t, out.group[j]);
            for (a, b) in mine.answers.iter_mut().zip(&out.answers) {
                match (a, b) {
                    (Answers::Choice(a), Answers::Choice(b)) => a.put(t, b.get(j)),
                    (Answers::Multi(a), Answers::Multi(b)) => put(a, t, b[j]),
                    (Answers::Text(a), Answers::Text(b)) => put(a, t, b[j]),
                    _ => unreachable!("a fork has the same questions"),
                }
            }
            for (a, b) in mine.texts.iter_mut().zip(&out.texts) {
                if let Some(text) = b.get(j) {
                    put(a, t, text.clone());
                }
            }
            if let Some(name) = out.names.get(j) {
                put(&mut mine.names, t, name.clone());
            }
        }
    }
}

impl Normaliser<'_> {
    fn code_answer(&mut self, qi: usize, cell: &str, target: usize) {
        if let Answers::Text(v) = &mut self.out.answers[qi] {
            // Free text is never cached: nearly every value is distinct.
            put(v, target, !cell.trim().is_empty());
            if self.keep_text {
                let text = Some(cell.trim())
                    .filter(|t| !t.is_empty())
                    .map(str::to_string);
                put(&mut self.out.texts[qi], target, text);
            }
            return;
        }
        let as_other = self.coder.has_other(qi);
        let (coded, unknown) = self.coder.answer(qi, cell);
        // Unmatched text is tallied per occurrence, not per distinct value.
        if !unknown.is_empty() {
            self.tallies.unknown(qi, unknown, as_other);
        }
        match (&mut self.out.answers[qi], coded) {
            (Answers::Choice(v), Coding::Choice(c)) => v.put(target, c),
            (Answers::Multi(v), Coding::Multi(b)) => put(v, target, b),
            _ => unreachable!("coding kind follows question kind"),
        }
    }

    /// How many of the template's questions (the group aside) some input has.
    pub fn questions_found(&self) -> usize {
        self.tallies.questions_found()
    }

    /// Answers that matched no option (and group answers that matched no
    /// group), with what was done with them, most frequent first.
    pub fn unmatched(&self) -> Vec<Unmatched> {
        self.tallies.unmatched(self.template)
    }

    /// Finishes coding and turns the tallies into data-quality notes.
    pub fn finish(mut self) -> Coded {
        self.out.duplicates_removed = self.ids.removed;
        self.out.notes = self.tallies.notes(self.template, self.ids.removed);
        self.out.quarter = self.tallies.quarter();
        self.out.fieldwork = self.tallies.fieldwork();
        self.out
    }
}

/// Writes `value` at `idx`, appending when `idx` is one past the end.
fn put<T>(v: &mut Vec<T>, idx: usize, value: T) {
    if idx == v.len() {
        v.push(value);
    } else {
        v[idx] = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two-byte codes give back every option index the template allows,
    /// and "no answer" stays distinct from all of them; a later response
    /// with the same id overwrites in place.
    #[test]
    fn choices_keep_every_index_and_no_answer() {
        let top = (crate::survey::MAX_CHOICE_OPTIONS - 1) as u32;
        let mut c: Choices = [Some(0), None, Some(top), Some(7)].into_iter().collect();
        assert_eq!(c.len(), 4);
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            [Some(0), None, Some(top), Some(7)]
        );
        c.put(1, Some(3));
        c.put(3, None);
        assert_eq!((c.get(1), c.get(3)), (Some(3), None));
    }

    /// The later response with an id replaces the earlier one, whether the id
    /// is kept as a number or as text, and "07" is not "7".
    #[test]
    fn the_last_response_with_an_id_wins() {
        let t = Template::builtin();
        let mut n = Normaliser::new(&t);
        n.header(&Header {
            file: "x.csv".into(),
            columns: vec!["ID".into(), t.group_question().unwrap().text.clone()],
            alt: vec![None, None],
        })
        .unwrap();
        let rows = [
            ("7", "Bexley"),
            ("07", "Bromley"),
            ("R_1", "Greenwich"),
            ("7", "Lambeth"),
            ("R_1", "Lewisham"),
            ("", "Southwark"),
            ("", "Southwark"),
        ];
        for (i, (id, borough)) in rows.iter().enumerate() {
            let rec = crate::load::Record::from(vec![*id, *borough]);
            n.row(i as RowNo + 2, &rec).unwrap();
        }
        let coded = n.finish();
        let names: Vec<&str> = coded
            .group
            .iter()
            .map(|&g| coded.group_names[g as usize].as_str())
            .collect();
        assert_eq!(
            names,
            ["Lambeth", "Bromley", "Lewisham", "Southwark", "Southwark"]
        );
        assert_eq!(coded.duplicates_removed, 2);
    }
}
