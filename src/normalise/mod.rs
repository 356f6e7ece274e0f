//! From raw text cells to coded answers.
//!
//! Each file's headers are matched to template questions once; each row is then
//! coded into small integers (group index, option index, multi-select bitmask)
//! so that analysis never sees free-form text. Text decisions are cached per
//! distinct cell value, so a million rows with twenty distinct answers cost
//! twenty matches, not a million.

pub mod columns;

use std::collections::BTreeMap;

// A fast non-cryptographic hash: these maps are looked up once per cell of a
// possibly million-row export, and their keys are never attacker-chosen in a
// way that matters (a slow report is the worst case).
use foldhash::{HashMap, HashMapExt};

use anyhow::{Result, bail};

use crate::load::{Header, RowNo, Sink};
use crate::summary::{DataQuality, NoteKind};
use crate::survey::{Kind, Template};
use crate::text::{group_key, header_key, key, plural, split_multi};

/// Coded answers to one question, one entry per kept response.
#[derive(Debug, Clone, PartialEq)]
pub enum Answers {
    /// Option index; `None` = not answered (or unrecognised, not counted).
    Choice(Vec<Option<u32>>),
    /// Bit i = option i ticked; 0 = not answered.
    Multi(Vec<u64>),
    /// Whether the free-text answer is non-blank.
    Text(Vec<bool>),
}

impl Answers {
    fn new(kind: Kind) -> Answers {
        match kind {
            Kind::Single | Kind::Likert => Answers::Choice(Vec::new()),
            Kind::Multi => Answers::Multi(Vec::new()),
            Kind::Text => Answers::Text(Vec::new()),
        }
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
}

/// How one file's columns map onto the template.
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The number an id is, when it is written the one way that number is
/// written: "0042" and "42" are different ids, so a leading zero is text.
fn canonical_number(id: &str) -> Option<u64> {
    let b = id.as_bytes();
    let plain = (1..=19).contains(&b.len())
        && b.iter().all(u8::is_ascii_digit)
        && (b[0] != b'0' || b.len() == 1);
    if plain { id.parse().ok() } else { None }
}

/// What one raw cell means, decided once per distinct value and cached.
struct Decision {
    coded: Coding,
    /// Parts of the cell that matched no option, as written.
    unknown: Vec<String>,
}

#[derive(Clone, Copy)]
enum Coding {
    Choice(Option<u32>),
    Multi(u64),
}

/// A cached decision: the coding, and where its unmatched pieces (if any)
/// are kept. Copy, so a cache hit costs one lookup and no borrow.
#[derive(Clone, Copy)]
struct Cached {
    coded: Coding,
    /// Index into `Normaliser::unknown_lists`; 0 is the empty list.
    unknown: u32,
}

pub struct Normaliser<'t> {
    template: &'t Template,
    kinds: Vec<Kind>,
    option_keys: Vec<Vec<String>>,
    /// Per question: index of an option called "Other", if any.
    other_option: Vec<Option<u32>>,
    group_keys: HashMap<String, u32>,
    prefix_keys: Vec<String>,
    group_cache: HashMap<String, u32>,
    caches: Vec<HashMap<String, Cached>>,
    /// Unmatched pieces of cached cells; entry 0 is the empty list.
    unknown_lists: Vec<Vec<String>>,
    plan: Option<FilePlan>,
    file: String,
    /// Where each response id was put, for last-wins deduplication. Numeric
    /// ids (as every platform but Google Forms writes) are kept as numbers:
    /// a million ids as strings cost a million allocations.
    seen_numbers: HashMap<u64, usize>,
    seen_ids: HashMap<String, usize>,
    out: Coded,
    // Data-quality tallies, keyed so output order is deterministic.
    other_groups: BTreeMap<String, u64>,
    unrecognised: BTreeMap<(usize, String), u64>,
    as_other: BTreeMap<(usize, String), u64>,
    identity_dropped: BTreeMap<String, u64>,
    unclaimed: BTreeMap<String, u64>,
    repeated: BTreeMap<String, u64>,
    found: Vec<bool>,
    keep_text: bool,
    dates: HashMap<String, u64>,
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
        let option_keys: Vec<Vec<String>> = qs
            .iter()
            .map(|q| q.options.iter().map(|o| key(o)).collect())
            .collect();
        let other_option = option_keys
            .iter()
            .map(|ks| ks.iter().position(|k| k == "other").map(|i| i as u32))
            .collect();
        let prefix_keys: Vec<String> = template
            .group
            .ignore_prefixes
            .iter()
            .map(|p| key(p))
            .collect();
        let mut group_keys = HashMap::new();
        for (i, g) in template.group.values.iter().enumerate() {
            for name in std::iter::once(&g.name).chain(&g.aliases) {
                group_keys
                    .entry(group_key(name, &prefix_keys))
                    .or_insert(i as u32);
            }
        }
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
            kinds: qs.iter().map(|q| q.kind).collect(),
            caches: qs.iter().map(|_| HashMap::new()).collect(),
            unknown_lists: vec![Vec::new()],
            found: vec![false; qs.len()],
            out: Coded {
                group_names,
                group: Vec::new(),
                answers: qs.iter().map(|q| Answers::new(q.kind)).collect(),
                duplicates_removed: 0,
                notes: Vec::new(),
                texts: vec![Vec::new(); qs.len()],
                names: Vec::new(),
                quarter: None,
            },
            keep_text: false,
            dates: HashMap::new(),
            option_keys,
            other_option,
            group_keys,
            prefix_keys,
            group_cache: HashMap::new(),
            plan: None,
            file: String::new(),
            seen_numbers: HashMap::new(),
            seen_ids: HashMap::new(),
            other_groups: BTreeMap::new(),
            unrecognised: BTreeMap::new(),
            as_other: BTreeMap::new(),
            identity_dropped: BTreeMap::new(),
            unclaimed: BTreeMap::new(),
            repeated: BTreeMap::new(),
        }
    }

    fn not_stated_code(&self) -> u32 {
        self.template.group.values.len() as u32
    }

    fn other_code(&self) -> u32 {
        self.template.group.values.len() as u32 + 1
    }
}

impl Sink for Normaliser<'_> {
    /// Matches a file's headers to the template. Fails when the group column
    /// is missing, because without it no breakdown is possible.
    fn header(&mut self, header: &Header) -> Result<()> {
        let t = self.template;
        let plan = ColumnPlan::new(t, header);
        let group_col = plan.group_col;
        if group_col.is_none() && t.grouped() {
            bail!("{}", missing_group_message(t, header));
        }
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
                _ => {}
            }
        }
        self.file = header.file.clone();
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
            group_col,
            id_col: plan.id_col,
            name_cols,
            date_col,
            question_cols: plan.question_cols,
        });
        Ok(())
    }

    /// Codes one response. A repeated response id replaces the earlier row, so
    /// the last one read is kept.
    fn row(&mut self, _row: RowNo, rec: &csv::StringRecord) -> Result<()> {
        let plan = self.plan.take().expect("begin_file called before push_row");
        let target = match plan.id_col.map(|c| rec.get(c).unwrap_or("").trim()) {
            Some(id) if !id.is_empty() => self.place(id),
            _ => self.out.group.len(),
        };
        let g = match plan.group_col {
            Some(c) => self.group_code(rec.get(c).unwrap_or("")),
            None => self.not_stated_code(),
        };
        put(&mut self.out.group, target, g);
        for (qi, col) in plan.question_cols.iter().enumerate() {
            let cell = col.and_then(|c| rec.get(c)).unwrap_or("");
            self.code_answer(qi, cell, target);
        }
        if let Some(d) = plan.date_col.and_then(|c| rec.get(c)) {
            // The date part only ("14/07/2026", "2026-07-14"): few distinct values.
            let day = d.trim().split([' ', 'T']).next().unwrap_or("");
            if !day.is_empty() {
                match self.dates.get_mut(day) {
                    Some(n) => *n += 1,
                    None => {
                        self.dates.insert(day.to_string(), 1);
                    }
                }
            }
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

impl Normaliser<'_> {
    /// The row index for a response with this id: a new row, or the row of
    /// the earlier response with the same id, which this one replaces.
    fn place(&mut self, id: &str) -> usize {
        let next = self.out.group.len();
        let earlier = match canonical_number(id) {
            Some(n) => *self.seen_numbers.entry(n).or_insert(next),
            None => match self.seen_ids.get(id) {
                Some(&idx) => idx,
                None => {
                    self.seen_ids.insert(id.to_string(), next);
                    next
                }
            },
        };
        if earlier != next {
            self.out.duplicates_removed += 1;
        }
        earlier
    }

    fn group_code(&mut self, raw: &str) -> u32 {
        if let Some(&g) = self.group_cache.get(raw) {
            if g == self.other_code() {
                *self.other_groups.entry(raw.trim().to_string()).or_default() += 1;
            }
            return g;
        }
        let g = if raw.trim().is_empty() {
            self.not_stated_code()
        } else {
            match self.group_keys.get(&group_key(raw, &self.prefix_keys)) {
                Some(&g) => g,
                None => {
                    *self.other_groups.entry(raw.trim().to_string()).or_default() += 1;
                    self.other_code()
                }
            }
        };
        self.group_cache.insert(raw.to_string(), g);
        g
    }

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
        let d = match self.caches[qi].get(cell) {
            Some(&d) => d,
            None => {
                let decided = self.decide(qi, cell);
                let unknown = if decided.unknown.is_empty() {
                    0
                } else {
                    self.unknown_lists.push(decided.unknown);
                    (self.unknown_lists.len() - 1) as u32
                };
                let d = Cached {
                    coded: decided.coded,
                    unknown,
                };
                self.caches[qi].insert(cell.to_string(), d);
                d
            }
        };
        // Unmatched text is tallied per occurrence, not per distinct value.
        if d.unknown != 0 {
            let sink = if self.other_option[qi].is_some() {
                &mut self.as_other
            } else {
                &mut self.unrecognised
            };
            for u in &self.unknown_lists[d.unknown as usize] {
                *sink.entry((qi, u.clone())).or_default() += 1;
            }
        }
        match (&mut self.out.answers[qi], d.coded) {
            (Answers::Choice(v), Coding::Choice(c)) => put(v, target, c),
            (Answers::Multi(v), Coding::Multi(b)) => put(v, target, b),
            _ => unreachable!("coding kind follows question kind"),
        }
    }

    fn decide(&self, qi: usize, cell: &str) -> Decision {
        let keys = &self.option_keys[qi];
        let other = self.other_option[qi];
        match self.kinds[qi] {
            Kind::Multi => {
                let m = split_multi(cell, keys);
                let mut bits = m.bits;
                if !m.unknown.is_empty()
                    && let Some(o) = other
                {
                    bits |= 1 << o;
                }
                Decision {
                    coded: Coding::Multi(bits),
                    unknown: m.unknown,
                }
            }
            _ => {
                let k = key(cell);
                if k.is_empty() {
                    return Decision {
                        coded: Coding::Choice(None),
                        unknown: vec![],
                    };
                }
                match keys.iter().position(|o| *o == k) {
                    Some(i) => Decision {
                        coded: Coding::Choice(Some(i as u32)),
                        unknown: vec![],
                    },
                    None => Decision {
                        coded: Coding::Choice(other),
                        unknown: vec![cell.trim().to_string()],
                    },
                }
            }
        }
    }

    /// How many of the template's questions (the group aside) some input has.
    pub fn questions_found(&self) -> usize {
        self.found.iter().filter(|f| **f).count()
    }

    /// Answers that matched no option (and group answers that matched no
    /// group), with what was done with them, most frequent first.
    pub fn unmatched(&self) -> Vec<Unmatched> {
        let qids: Vec<&str> = self
            .template
            .analysed_questions()
            .map(|q| q.id.as_str())
            .collect();
        let mut out: Vec<Unmatched> = self
            .other_groups
            .iter()
            .map(|(v, n)| Unmatched {
                question: self.template.group.question.clone(),
                answer: v.clone(),
                count: *n,
                treatment: format!("group \"{}\"", self.template.group.other),
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

    /// Finishes coding and turns the tallies into data-quality notes.
    pub fn finish(mut self) -> Coded {
        let t = self.template;
        let qids: Vec<&str> = t.analysed_questions().map(|q| q.id.as_str()).collect();
        let mut notes = Vec::new();
        if self.out.duplicates_removed > 0 {
            notes.push(DataQuality {
                kind: NoteKind::DuplicatesRemoved,
                message: format!(
                    "{} repeated an earlier response ID; the last copy of each response was kept.",
                    plural(self.out.duplicates_removed, "row", "rows")
                ),
                count: Some(self.out.duplicates_removed),
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
        self.out.notes = notes;
        self.out.quarter =
            crate::dates::main_quarter(self.dates.iter().map(|(d, n)| (d.as_str(), *n)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_ids_only_when_written_plainly() {
        assert_eq!(canonical_number("0"), Some(0));
        assert_eq!(canonical_number("42"), Some(42));
        assert_eq!(canonical_number("0042"), None);
        assert_eq!(canonical_number("4 2"), None);
        assert_eq!(canonical_number("-42"), None);
        assert_eq!(canonical_number("+42"), None);
        assert_eq!(canonical_number("R_3kZ"), None);
        assert_eq!(canonical_number("18446744073709551615"), None);
        assert_eq!(
            canonical_number("9999999999999999999"),
            Some(9999999999999999999)
        );
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
            let rec = csv::StringRecord::from(vec![*id, *borough]);
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
