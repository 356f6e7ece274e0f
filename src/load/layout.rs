//! The shapes survey platforms give their exports, recognised from the header
//! rows, and turned into one logical table: one header per question and one
//! cell per answer.
//!
//! - Microsoft Forms and Google Forms: one header row, one column per question.
//! - SurveyMonkey: two header rows; a multi-select question spreads over one
//!   column per option, which is folded back into one `a;b;` cell here.
//! - Qualtrics: three header rows (field ids, labels, ImportId JSON);
//!   unfinished responses are left out and counted.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::Record;

pub use crate::summary::Platform;
use crate::text::{header_key, key};

/// How a multi-select option column says its option was ticked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tick {
    /// The cell holds the option's text (SurveyMonkey expanded).
    Text,
    /// A yes-word (`Yes`, `Y`, `Ja`...) ticks it; no-words and `N/A` do not
    /// (LimeSurvey).
    YesNo,
    /// Free text, which ticks "Other" ("Other (please specify)").
    Other,
    /// `1` ticks it, blank does not (Qualtrics' numeric export).
    One,
}

/// Where a logical column's cell comes from in a raw row.
#[derive(Debug, Clone)]
enum Source {
    Raw(usize),
    /// A multi-select spread over one raw column per option, folded into one
    /// `a;b;` cell: (column, option text, how a tick is written).
    Options(Vec<(usize, String, Tick)>),
}

/// The column that tells which rows are not (yet) responses.
#[derive(Debug, Clone, Copy)]
enum Gate {
    /// Qualtrics `Finished`: False/0 is unfinished.
    Finished(usize),
    /// LimeSurvey `submitdate`: empty is unfinished.
    Submitted(usize),
}

/// Why a raw row is left out of the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// Started but never finished or submitted.
    Unfinished,
    /// A Qualtrics preview, test or spam response (`Status`).
    Screened,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub platform: Platform,
    pub header_rows: usize,
    /// Logical column headers (question text where the platform has it),
    /// unique: a repeated header gets " (2)", " (3)"... so every column can
    /// be named by a template.
    pub columns: Vec<String>,
    /// Other names of each column (Qualtrics field ids such as `IPAddress`).
    pub alt: Vec<Option<String>>,
    sources: Vec<Source>,
    gate: Option<Gate>,
    /// Qualtrics `Status` column, when it holds labels rather than codes.
    status: Option<usize>,
    /// Number of raw columns the header has.
    pub raw_width: usize,
    /// The fewest cells a row may have: a trailing comma in the header adds
    /// an empty column that rows may lack.
    pub min_width: usize,
    passthrough: bool,
}

/// Rows read before the layout is decided: enough to tell a closed set of
/// answers from labels, few enough to cost nothing.
pub const SAMPLE_ROWS: usize = 200;

/// SurveyMonkey's second-row words under an answer column, in English:
/// the cue for exports too short to judge from their answers.
const RESPONSE_WORDS: &[&str] = &["response", "open-ended response"];

/// Google Forms' first header, in the languages of the accounts it is
/// most often exported from.
const TIMESTAMP: &[&str] = &[
    "timestamp",
    "tijdstempel",
    "zeitstempel",
    "horodateur",
    "marca temporal",
    "informazioni cronologiche",
    "carimbo de data/hora",
];

const SELECTED_CHOICE: &str = " - selected choice";

/// What a row's cells say about it: how many look like labels (repeat the
/// header, or lie outside their column's closed set of answers below) and
/// how many like answers (inside it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    pub labels: usize,
    pub answers: usize,
    /// Up to three cells that look like labels, for messages.
    pub examples: [Option<usize>; 3],
}

impl Evidence {
    /// Clearly a header row: labels outnumber answers three to one.
    pub fn is_header(&self) -> bool {
        self.labels >= 2 && self.labels > 3 * self.answers
    }

    /// Too much like a header row to read as a response without asking:
    /// more label-like cells than answer-like ones, and at least three, so
    /// that a first response with two rare answers is still read.
    pub fn is_doubtful(&self) -> bool {
        self.labels >= 3 && self.labels > self.answers
    }
}

/// Judges `row` as a header row or a response against the rows `below` it.
/// Only `cols` count: the caller leaves out columns whose header row holds
/// answer texts anyway (SurveyMonkey's option columns).
fn evidence(row: &Record, header: &Record, below: &[Record], cols: &[usize]) -> Evidence {
    let mut e = Evidence::default();
    for &c in cols {
        let cell = row.get(c).unwrap_or("").trim();
        if cell.is_empty() {
            continue;
        }
        let label = if header.get(c).is_some_and(|h| h.trim() == cell) {
            true
        } else {
            let vals: Vec<&str> = below
                .iter()
                .filter_map(|r| r.get(c))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect();
            let distinct: HashSet<&str> = vals.iter().copied().collect();
            // Only a closed set of answers, each given several times, says
            // what an answer in this column looks like.
            if vals.len() < 8 || distinct.len() * 4 > vals.len() {
                continue;
            }
            !distinct.contains(cell)
        };
        if label {
            if let Some(slot) = e.examples.iter_mut().find(|s| s.is_none()) {
                *slot = Some(c);
            }
            e.labels += 1;
        } else {
            e.answers += 1;
        }
    }
    e
}

/// The words LimeSurvey (and similar tools) write in an option column, in the
/// languages exports most often come in.
const YES: &[&str] = &["yes", "y", "ja", "oui", "sí", "si", "sim", "tak", "da"];
const NO: &[&str] = &["no", "n", "nein", "non", "nee", "não", "nao", "nie", "ne"];
const NOT_SHOWN: &[&str] = &["n/a", "na", "not shown", "-"];

/// A header "Question [Option]" split into its question and option.
fn bracketed(h: &str) -> Option<(&str, &str)> {
    let h = h.trim();
    let inner = h.strip_suffix(']')?;
    let open = inner.rfind('[')?;
    let stem = inner[..open].trim_end();
    let option = inner[open + 1..].trim();
    (!stem.is_empty() && !option.is_empty()).then_some((stem, option))
}

/// A header row of field codes rather than questions (`V1`, `Q2_3`,
/// `ResponseID`): nearly every cell one short word.
fn is_code_row(r: &Record) -> bool {
    let named: Vec<&str> = r.iter().map(str::trim).filter(|h| !h.is_empty()).collect();
    let codes = named
        .iter()
        .filter(|h| h.len() <= 32 && !h.contains(char::is_whitespace))
        .count();
    !named.is_empty() && codes * 10 >= named.len() * 9
}

fn is_v_code(h: &str) -> bool {
    let h = h.trim();
    h.len() >= 2 && h.starts_with('V') && h[1..].bytes().all(|b| b.is_ascii_digit())
}

impl Layout {
    /// A layout with no columns yet: every shape starts here and pushes its
    /// columns.
    fn new(platform: Platform, header_rows: usize, raw_width: usize, min_width: usize) -> Layout {
        Layout {
            platform,
            header_rows,
            columns: Vec::new(),
            alt: Vec::new(),
            sources: Vec::new(),
            gate: None,
            status: None,
            raw_width,
            min_width,
            passthrough: false,
        }
    }

    /// Qualtrics' `Finished` and `Status` columns, named in any of the
    /// header rows given (field ids, labels).
    fn find_gates(&mut self, rows: &[&Record]) {
        let field = |name: &str| {
            (0..self.raw_width).find(|&c| rows.iter().any(|r| key(r.get(c).unwrap_or("")) == name))
        };
        self.gate = field("finished").map(Gate::Finished);
        self.status = field("status");
    }

    /// Recognises the layout from the leading raw rows (up to
    /// [`SAMPLE_ROWS`], blank rows left out): from the structure of the
    /// header rows and how they compare with the rows below, so that a
    /// German or Dutch export is read as an English one is. `forced` is the
    /// user's `--header-rows`.
    pub fn detect(rows: &[Record], forced: Option<usize>) -> Layout {
        let r0 = &rows[0];
        let import_ids = rows.len() >= 3
            && rows[2].iter().any(|c| {
                let c = c.trim_start();
                c.starts_with('{') && c.contains("ImportId")
            });
        let fold_cols = Layout::continuation_columns(rows);
        let single: Vec<usize> = if fold_cols.is_empty() {
            (0..r0.len()).collect()
        } else {
            Layout::single_columns(r0)
        };
        // A second row of labels is read only in the shapes that say what it
        // means: continuation columns (SurveyMonkey), or field codes above
        // labels (Qualtrics Legacy). Any other is left to the first-row check.
        let second_is_header = rows.len() >= 2
            && (!fold_cols.is_empty() || is_code_row(r0))
            && (evidence(&rows[1], r0, &rows[2..], &single).is_header()
                || (!fold_cols.is_empty() && Layout::says_response(&rows[1], &single)));
        let layout = match forced {
            Some(n) if n >= 3 && rows.len() >= 2 => Layout::qualtrics(rows, n),
            Some(2) if rows.len() >= 2 => Layout::two_rows(rows, !fold_cols.is_empty()),
            Some(_) => Layout::one_row(rows),
            None if import_ids => Layout::qualtrics(rows, 3),
            None if second_is_header => Layout::two_rows(rows, !fold_cols.is_empty()),
            None => Layout::one_row(rows),
        };
        layout.finish()
    }

    /// The first data row when it looks like one more header row: the
    /// layout is then in doubt, and the caller stops rather than count it.
    pub fn doubtful_first_row(&self, rows: &[Record]) -> Option<Evidence> {
        let h = self.header_rows;
        let first = rows.get(h)?;
        let single: Vec<usize> = match self.platform {
            Platform::SurveyMonkey => Layout::single_columns(&rows[0]),
            _ => (0..first.len()).collect(),
        };
        let e = evidence(first, &rows[h - 1], &rows[h + 1..], &single);
        e.is_doubtful().then_some(e)
    }

    /// Raw columns under an empty first-row header whose second row names
    /// something: SurveyMonkey's continuation columns.
    fn continuation_columns(rows: &[Record]) -> Vec<usize> {
        let Some(r1) = rows.get(1) else {
            return Vec::new();
        };
        let r0 = &rows[0];
        (1..r0.len().max(r1.len()))
            .filter(|&c| {
                r0.get(c).unwrap_or("").trim().is_empty()
                    && !r1.get(c).unwrap_or("").trim().is_empty()
            })
            .collect()
    }

    /// Columns that are a question of their own in a two-row header: a named
    /// first-row header not followed by continuation columns.
    fn single_columns(r0: &Record) -> Vec<usize> {
        let named = |c: usize| !r0.get(c).unwrap_or("").trim().is_empty();
        (0..r0.len())
            .filter(|&c| named(c) && (c + 1 >= r0.len() || named(c + 1)))
            .collect()
    }

    /// The second row writes SurveyMonkey's "Response" under answer columns:
    /// a cue for exports too short to judge from their answers.
    fn says_response(r1: &Record, single: &[usize]) -> bool {
        single
            .iter()
            .any(|&c| RESPONSE_WORDS.contains(&key(r1.get(c).unwrap_or("")).as_str()))
    }

    fn one_row(rows: &[Record]) -> Layout {
        let r0 = &rows[0];
        let keys: Vec<String> = r0.iter().map(key).collect();
        let has = |k: &[&str]| keys.iter().any(|h| k.contains(&h.as_str()));
        let submitted = keys
            .iter()
            .position(|h| matches!(h.as_str(), "submitdate" | "date submitted"));
        let platform = if keys
            .first()
            .is_some_and(|k| TIMESTAMP.contains(&k.trim_start_matches('\u{feff}')))
        {
            Platform::GoogleForms
        } else if has(&["completion time", "start time"]) {
            Platform::MicrosoftForms
        } else if submitted.is_some() && has(&["lastpage", "last page"]) {
            Platform::LimeSurvey
        } else {
            Platform::Generic
        };
        let mut layout = Layout::new(platform, 1, r0.len(), r0.len());
        layout.gate = submitted
            .filter(|_| platform == Platform::LimeSurvey)
            .map(Gate::Submitted);
        let below = &rows[1..];
        let mut c = 0;
        while c < r0.len() {
            // "Question [Option]" columns holding yes/no words are one
            // multi-select question.
            if let Some((stem, _)) = bracketed(&r0[c]) {
                let mut end = c + 1;
                while end < r0.len() && bracketed(&r0[end]).is_some_and(|(s, _)| s == stem) {
                    end += 1;
                }
                if let Some(opts) = Layout::yes_no_options(r0, below, c..end) {
                    layout.push(stem.to_string(), None, Source::Options(opts));
                    c = end;
                    continue;
                }
            }
            layout.push(r0[c].trim().to_string(), None, Source::Raw(c));
            c += 1;
        }
        layout
    }

    /// The option columns `range` as one multi-select, when every answer in
    /// them is a yes-word, a no-word or "not shown" and some are yes. An
    /// option column of free text is the "Other" write-in.
    fn yes_no_options(
        r0: &Record,
        below: &[Record],
        range: std::ops::Range<usize>,
    ) -> Option<Vec<(usize, String, Tick)>> {
        if range.len() < 2 {
            return None;
        }
        let mut opts = Vec::new();
        let mut any_yes = false;
        for c in range {
            let option = bracketed(&r0[c]).map(|(_, o)| o.to_string())?;
            let (mut yes_no, mut free) = (true, false);
            for v in below.iter().filter_map(|r| r.get(c)) {
                let k = key(v);
                if k.is_empty() || NO.contains(&k.as_str()) || NOT_SHOWN.contains(&k.as_str()) {
                    continue;
                }
                if YES.contains(&k.as_str()) {
                    any_yes = true;
                } else {
                    yes_no = false;
                    free = true;
                }
            }
            let tick = if yes_no { Tick::YesNo } else { Tick::Other };
            if free && opts.iter().any(|(_, _, t)| *t == Tick::Other) {
                return None;
            }
            opts.push((c, option, tick));
        }
        let yes_no = opts.iter().filter(|(_, _, t)| *t == Tick::YesNo).count();
        (any_yes && yes_no >= 2).then_some(opts)
    }

    /// Two header rows. With continuation columns (`fold`) the first row
    /// holds questions and the second option labels (SurveyMonkey);
    /// otherwise the first holds field codes and the second labels
    /// (Qualtrics Legacy `V1…`, or any "names + labels" export).
    fn two_rows(rows: &[Record], fold: bool) -> Layout {
        if fold {
            return Layout::surveymonkey(rows);
        }
        let (r0, r1) = (&rows[0], &rows[1]);
        let v_codes = r0.iter().take(10).filter(|h| is_v_code(h)).count() >= 5;
        // Codes above labels: the labels name the columns. Questions above
        // anything else (a layout the user vouched for with --header-rows 2):
        // the questions do.
        let labels_first = is_code_row(r0);
        let platform = if v_codes {
            Platform::Qualtrics
        } else {
            Platform::Generic
        };
        let mut layout = Layout::new(platform, 2, r0.len().max(r1.len()), r0.len());
        for c in 0..layout.raw_width {
            let (mut code, mut label) = (
                r0.get(c).unwrap_or("").trim(),
                r1.get(c).unwrap_or("").trim(),
            );
            if !labels_first {
                std::mem::swap(&mut code, &mut label);
            }
            let name = if label.is_empty() { code } else { label };
            let alt = (!code.is_empty() && code != name).then(|| code.to_string());
            layout.push(name.to_string(), alt, Source::Raw(c));
        }
        layout.find_gates(&[r0, r1]);
        if v_codes {
            layout.fold_ones(&rows[2..]);
        }
        layout
    }

    /// Qualtrics: field ids, labels, then ImportIds in JSON (current) or
    /// Python-dict form (2016 "Insights"); `n` header rows in all.
    fn qualtrics(rows: &[Record], n: usize) -> Layout {
        let (ids, labels) = (&rows[0], &rows[1]);
        let mut layout = Layout::new(Platform::Qualtrics, n, ids.len(), ids.len());
        for (i, id) in ids.iter().enumerate() {
            let label = labels.get(i).unwrap_or("").trim();
            // "<question> - Selected Choice" is the question itself.
            let label = match label.to_lowercase().rfind(SELECTED_CHOICE) {
                Some(p) if p + SELECTED_CHOICE.len() == label.len() => &label[..p],
                _ => label,
            };
            let name = if label.is_empty() { id.trim() } else { label };
            layout.push(
                name.to_string(),
                Some(id.trim().to_string()),
                Source::Raw(i),
            );
        }
        layout.find_gates(&[ids]);
        layout.fold_ones(&rows[n.min(rows.len())..]);
        layout
    }

    /// Qualtrics' numeric export writes a multi-select as one column per
    /// option, labelled "<question>-<option>", holding 1 when ticked and
    /// nothing otherwise (a matrix of ticks: "<question>-<row>-<column>").
    /// Consecutive such columns with the same label up to the last `-`, whose
    /// answers below are only 1 or blank, are one multi-select question.
    fn fold_ones(&mut self, below: &[Record]) {
        let stem = |label: &str| -> Option<(String, String)> {
            let (q, o) = label.rsplit_once('-')?;
            let (q, o) = (q.trim(), o.trim());
            (!q.is_empty() && !o.is_empty()).then(|| (q.to_string(), o.to_string()))
        };
        let ones = |c: usize| -> (bool, bool) {
            let mut any = false;
            for v in below.iter().filter_map(|r| r.get(c)).map(str::trim) {
                match v {
                    "" => {}
                    "1" => any = true,
                    _ => return (false, false),
                }
            }
            (true, any)
        };
        let (columns, alt, sources) = (
            std::mem::take(&mut self.columns),
            std::mem::take(&mut self.alt),
            std::mem::take(&mut self.sources),
        );
        let mut i = 0;
        while i < columns.len() {
            let run = match (&sources[i], stem(&columns[i])) {
                (Source::Raw(_), Some((q, _))) => {
                    let mut end = i;
                    while end < columns.len()
                        && matches!(sources[end], Source::Raw(c) if ones(c).0)
                        && stem(&columns[end]).is_some_and(|(qe, _)| qe == q)
                    {
                        end += 1;
                    }
                    let ticked =
                        (i..end).any(|k| matches!(sources[k], Source::Raw(c) if ones(c).1));
                    // The whole question or nothing: a matrix of ratings
                    // whose first rows happen to hold only 1s is not ticks.
                    let same = |k: usize| stem(&columns[k]).is_some_and(|(qk, _)| qk == q);
                    let whole = (i == 0 || !same(i - 1)) && (end == columns.len() || !same(end));
                    (end - i >= 2 && ticked && whole).then_some((q, end))
                }
                _ => None,
            };
            match run {
                Some((q, end)) => {
                    let opts = (i..end)
                        .map(|k| {
                            let Source::Raw(c) = sources[k] else {
                                unreachable!("raw run")
                            };
                            (c, stem(&columns[k]).expect("in the run").1, Tick::One)
                        })
                        .collect();
                    self.push(q, None, Source::Options(opts));
                    i = end;
                }
                None => {
                    self.push(columns[i].clone(), alt[i].clone(), sources[i].clone());
                    i += 1;
                }
            }
        }
    }

    fn surveymonkey(rows: &[Record]) -> Layout {
        let (r0, r1) = (&rows[0], &rows[1]);
        let below = &rows[2.min(rows.len())..];
        // A workbook stores no trailing empty cells, so when the last question
        // has several option columns the first row ends before the second.
        let width = r0.len().max(r1.len());
        // Columns belong to the question above the first of them.
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for i in 0..width {
            let top = r0.get(i).unwrap_or("").trim();
            if !top.is_empty() || groups.is_empty() {
                groups.push((top.to_string(), vec![i]));
            } else if let Some(g) = groups.last_mut() {
                g.1.push(i);
            }
        }
        let label = |i: usize| r1.get(i).unwrap_or("").trim();
        // A second-row word under several one-column questions ("Response",
        // "Antwort") names no option.
        let mut firsts: HashMap<String, usize> = HashMap::new();
        for (_, cols) in groups.iter().filter(|(_, cols)| cols.len() == 1) {
            *firsts.entry(key(label(cols[0]))).or_default() += 1;
        }
        let generic = |i: usize| {
            let k = key(label(i));
            k.is_empty()
                || firsts.get(&k).copied().unwrap_or(0) >= 2
                || RESPONSE_WORDS.contains(&k.as_str())
        };
        // An option column holds its own label when ticked, nothing else;
        // "Other (please specify)" holds what was typed.
        let holds_label = |i: usize| {
            let l = key(label(i));
            let specify = l.starts_with("other") && (l.contains("specify") || l.contains("please"));
            !l.is_empty()
                && !specify
                && below
                    .iter()
                    .filter_map(|r| r.get(i))
                    .all(|v| v.trim().is_empty() || key(v) == l)
        };
        let mut layout = Layout::new(Platform::SurveyMonkey, 2, width, r0.len().min(width));
        for (name, cols) in groups {
            let options = cols.iter().filter(|&&c| holds_label(c)).count();
            if cols.len() >= 2 && options >= 2 {
                // At most one column of typed text: the "Other" write-in.
                if cols.len() - options <= 1 {
                    let opts = cols
                        .iter()
                        .map(|&c| {
                            let tick = if holds_label(c) {
                                Tick::Text
                            } else {
                                Tick::Other
                            };
                            (c, label(c).to_string(), tick)
                        })
                        .collect();
                    layout.push(name, None, Source::Options(opts));
                    continue;
                }
            }
            // One column per answer: a single question, its "please specify"
            // text, or the rows of a matrix or ranking.
            for (n, &c) in cols.iter().enumerate() {
                let column = if n == 0 && generic(c) {
                    name.clone()
                } else {
                    format!("{name} - {}", label(c))
                };
                layout.push(column, None, Source::Raw(c));
            }
        }
        layout
    }

    fn push(&mut self, column: String, alt: Option<String>, source: Source) {
        self.columns.push(column);
        self.alt.push(alt);
        self.sources.push(source);
    }

    /// Names left blank become their spreadsheet column ("Column F"); empty
    /// columns at the end (a trailing comma) are dropped; repeated names
    /// are numbered; a layout that maps raw columns one to one passes rows
    /// through untouched.
    fn finish(mut self) -> Layout {
        while let (Some(last), Some(Source::Raw(c))) = (self.columns.last(), self.sources.last()) {
            if !last.is_empty() {
                break;
            }
            self.min_width = self.min_width.min(*c);
            self.columns.pop();
            self.alt.pop();
            self.sources.pop();
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, col) in self.columns.iter_mut().enumerate() {
            if col.is_empty() {
                let raw = match &self.sources[i] {
                    Source::Raw(c) => *c,
                    Source::Options(o) => o[0].0,
                };
                *col = format!("Column {}", super::column_name(raw as u32));
            }
            let n = seen.entry(header_key(col)).or_default();
            *n += 1;
            if *n > 1 {
                *col = format!("{col} ({n})");
            }
        }
        self.passthrough = self.columns.len() == self.raw_width
            && self
                .sources
                .iter()
                .enumerate()
                .all(|(i, s)| matches!(s, Source::Raw(c) if *c == i));
        self
    }

    /// Whether a raw data row is to be left out, and why.
    pub fn left_out(&self, raw: &Record) -> Option<Left> {
        if let Some(c) = self.status
            && let Some(v) = raw.get(c)
            && matches!(key(v).as_str(), "survey preview" | "survey test" | "spam")
        {
            return Some(Left::Screened);
        }
        let unfinished = match self.gate? {
            Gate::Finished(c) => raw
                .get(c)
                .is_some_and(|v| matches!(key(v).as_str(), "false" | "0")),
            Gate::Submitted(c) => raw.get(c).is_none_or(|v| v.trim().is_empty()),
        };
        unfinished.then_some(Left::Unfinished)
    }

    /// The logical row for a raw data row.
    pub fn apply<'r>(&self, raw: &'r Record) -> Cow<'r, Record> {
        if self.passthrough {
            return Cow::Borrowed(raw);
        }
        let mut out = Record::with_capacity(raw.text_len(), self.sources.len());
        let mut cell = String::new();
        for s in &self.sources {
            match s {
                Source::Raw(c) => out.push_field(raw.get(*c).unwrap_or("")),
                Source::Options(cols) => {
                    cell.clear();
                    for (c, option, tick) in cols {
                        let v = raw.get(*c).unwrap_or("").trim();
                        let ticked = match tick {
                            Tick::Text | Tick::Other => !v.is_empty(),
                            Tick::YesNo => YES.contains(&key(v).as_str()),
                            Tick::One => v == "1",
                        };
                        if !ticked {
                            continue;
                        }
                        cell.push_str(match tick {
                            Tick::Text => v,
                            Tick::YesNo | Tick::One => option,
                            Tick::Other => "Other",
                        });
                        cell.push(';');
                    }
                    out.push_field(&cell);
                }
            }
        }
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(cells: &[&str]) -> Record {
        Record::from(cells.to_vec())
    }

    #[test]
    fn surveymonkey_multi_select_is_folded_into_one_cell() {
        let rows = [
            rec(&[
                "Respondent ID",
                "IP Address",
                "Which borough?",
                "Which activities?",
                "",
                "",
                "Any comments?",
            ]),
            rec(&[
                "",
                "",
                "Response",
                "Cancer care reviews",
                "Screening uptake (bowel, breast, cervical)",
                "Other (please specify)",
                "Open-Ended Response",
            ]),
        ];
        let l = Layout::detect(&rows, None);
        assert_eq!(l.platform, Platform::SurveyMonkey);
        assert_eq!(l.header_rows, 2);
        assert_eq!(
            l.columns,
            [
                "Respondent ID",
                "IP Address",
                "Which borough?",
                "Which activities?",
                "Any comments?"
            ]
        );
        let raw = rec(&[
            "11",
            "1.2.3.4",
            "Lambeth",
            "",
            "Screening uptake (bowel, breast, cervical)",
            "home visits",
            "ok",
        ]);
        let row = l.apply(&raw);
        assert_eq!(&row[3], "Screening uptake (bowel, breast, cervical);Other;");
        assert_eq!(&row[4], "ok");
    }

    #[test]
    fn qualtrics_uses_labels_and_flags_unfinished_rows() {
        let rows = [
            rec(&["StartDate", "Finished", "ResponseId", "Q1", "Q2"]),
            rec(&[
                "Start Date",
                "Finished",
                "Response ID",
                "Which borough?",
                "Which activities? - Selected Choice",
            ]),
            rec(&[
                "{\"ImportId\":\"startDate\"}",
                "{\"ImportId\":\"finished\"}",
                "{\"ImportId\":\"_recordId\"}",
                "{\"ImportId\":\"QID1\"}",
                "{\"ImportId\":\"QID2\"}",
            ]),
        ];
        let l = Layout::detect(&rows, None);
        assert_eq!(l.platform, Platform::Qualtrics);
        assert_eq!(l.header_rows, 3);
        assert_eq!(l.columns[4], "Which activities?");
        assert_eq!(l.alt[2].as_deref(), Some("ResponseId"));
        assert_eq!(
            l.left_out(&rec(&["x", "False", "R_1", "", ""])),
            Some(Left::Unfinished)
        );
        assert_eq!(
            l.left_out(&rec(&["x", "0", "R_1", "", ""])),
            Some(Left::Unfinished)
        );
        assert_eq!(l.left_out(&rec(&["x", "True", "R_1", "", ""])), None);
    }

    /// Ten responses in four closed columns, after `first`.
    fn below(first: &[&str]) -> Vec<Record> {
        let mut rows = vec![
            rec(&["Which area?", "Your role?", "Trained?", "How often?"]),
            rec(first),
        ];
        for i in 0..10 {
            rows.push(rec(&[
                ["North", "South"][i % 2],
                ["Coach", "Coordinator"][i % 2],
                ["Yes", "No"][i % 2],
                ["Daily", "Weekly"][i % 2],
            ]));
        }
        rows
    }

    #[test]
    fn a_label_row_is_doubted_and_a_first_response_with_rare_answers_is_not() {
        let labels = below(&["Single choice", "Single choice", "Yes/No", "Single choice"]);
        let l = Layout::detect(&labels, None);
        assert_eq!(l.header_rows, 1, "no shape explains a second row here");
        let e = l.doubtful_first_row(&labels).expect("doubted");
        assert_eq!(e.labels, 4);
        // Two answers nobody else gave, two ordinary ones: a response.
        let rare = below(&["East", "Manager", "Yes", "Daily"]);
        assert_eq!(Layout::detect(&rare, None).doubtful_first_row(&rare), None);
        // The user decides: two header rows, questions named from the first.
        let forced = Layout::detect(&labels, Some(2));
        assert_eq!(forced.header_rows, 2);
        assert_eq!(forced.columns[0], "Which area?");
        // Field codes above the same row: a codes-and-labels export, two
        // header rows (never a response).
        let mut coded = labels.clone();
        coded[0] = rec(&["area", "role", "trained", "often"]);
        assert_eq!(Layout::detect(&coded, None).header_rows, 2);
    }

    #[test]
    fn qualtrics_legacy_codes_above_labels_with_a_trailing_comma() {
        let mut rows = vec![
            rec(&[
                "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "Q1", "",
            ]),
            rec(&[
                "ResponseID",
                "ResponseSet",
                "Name",
                "ExternalDataReference",
                "EmailAddress",
                "IPAddress",
                "Status",
                "StartDate",
                "EndDate",
                "Finished",
                "Which area?",
                "",
            ]),
        ];
        for i in 0..12 {
            let id = format!("R_{i}");
            rows.push(rec(&[
                &id,
                "Default Response Set",
                "A Person",
                "",
                "a@b.org",
                "1.2.3.4",
                "0",
                "2014-01-01",
                "2014-01-01",
                ["1", "0"][i % 2],
                ["North", "South"][i % 3 % 2],
                "",
            ]));
        }
        let l = Layout::detect(&rows, None);
        assert_eq!((l.platform, l.header_rows), (Platform::Qualtrics, 2));
        assert_eq!(l.columns.len(), 11, "the trailing empty column is dropped");
        assert_eq!(l.columns[10], "Which area?");
        assert_eq!(l.alt[2].as_deref(), Some("V3"));
        assert_eq!(l.left_out(&rows[3]), Some(Left::Unfinished));
        assert_eq!(l.left_out(&rows[2]), None);
    }

    #[test]
    fn forms_shapes() {
        assert_eq!(
            Layout::detect(&[rec(&["Timestamp", "Email Address", "Q"])], None).platform,
            Platform::GoogleForms
        );
        assert_eq!(
            Layout::detect(&[rec(&["Id", "Start time", "Completion time"])], None).platform,
            Platform::MicrosoftForms
        );
        assert_eq!(
            Layout::detect(&[rec(&["a", "b"])], None).platform,
            Platform::Generic
        );
    }
}
