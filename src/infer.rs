//! Guessing a starter template from an unknown survey export, for `init`.
//!
//! Every guess is written with a comment above it saying what was guessed and
//! why, so that a person can check it; the result is a valid template as it
//! stands, so `report --config` runs on it at once.

use std::collections::HashMap;
use std::fmt::Write;

use anyhow::Result;

use crate::normalise::columns::{self, Role};
use crate::survey::{ColumnSpec, Kind, Polarity};
use crate::text::key;

/// Answer scales recognised as Likert questions, in scale order.
const SCALES: &[&[&str]] = &[
    &[
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ],
    &[
        "Not at all confident",
        "Slightly confident",
        "Somewhat confident",
        "Fairly confident",
        "Very confident",
    ],
    &[
        "Not at all confident",
        "Not very confident",
        "Fairly confident",
        "Very confident",
    ],
    &[
        "Very dissatisfied",
        "Dissatisfied",
        "Neither satisfied nor dissatisfied",
        "Satisfied",
        "Very satisfied",
    ],
    &[
        "Very unlikely",
        "Unlikely",
        "Neither likely nor unlikely",
        "Likely",
        "Very likely",
    ],
    &["Never", "Rarely", "Sometimes", "Often", "Always"],
    &["Very poor", "Poor", "Fair", "Good", "Very good"],
];

/// Words that mark a header as the grouping question, strongest first:
/// "borough" beats "practice" (which also appears in "community of practice").
const GROUP_WORDS: &[&str] = &[
    "borough",
    "pcn",
    "icb",
    "region",
    "country",
    "locality",
    "neighbourhood",
    "district",
    "county",
    "city",
    "ward",
    "area",
    "location",
    "place",
    "site",
    "trust",
    "department",
    "directorate",
    "team",
    "practice",
];

/// The rank of the strongest group word in a header, if any.
fn group_word_rank(header: &str) -> Option<usize> {
    let k = key(header);
    let words: Vec<&str> = k.split(|c: char| !c.is_alphanumeric()).collect();
    GROUP_WORDS.iter().position(|w| words.contains(w))
}

/// What one column's answers look like.
#[derive(Debug, Default)]
pub struct Profile {
    pub header: String,
    pub answered: u64,
    /// Distinct answers in first-seen order, with counts (capped).
    values: Vec<(String, u64)>,
    index: HashMap<String, usize>,
    total_len: u64,
    with_semicolon: u64,
    /// Multi-select pieces in first-seen order.
    pieces: Vec<String>,
    piece_index: HashMap<String, usize>,
}

const MAX_DISTINCT: usize = 500;

impl Profile {
    pub fn new(header: &str) -> Profile {
        Profile {
            header: header.trim().to_string(),
            ..Profile::default()
        }
    }

    pub fn add(&mut self, cell: &str) {
        let v = cell.trim();
        if v.is_empty() {
            return;
        }
        self.answered += 1;
        self.total_len += v.chars().count() as u64;
        if v.contains(';') {
            self.with_semicolon += 1;
        }
        for p in v.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            if self.pieces.len() < MAX_DISTINCT && !self.piece_index.contains_key(&key(p)) {
                self.piece_index.insert(key(p), self.pieces.len());
                self.pieces.push(p.to_string());
            }
        }
        match self.index.get(&key(v)) {
            Some(&i) => self.values[i].1 += 1,
            None if self.values.len() < MAX_DISTINCT => {
                self.index.insert(key(v), self.values.len());
                self.values.push((v.to_string(), 1));
            }
            None => {}
        }
    }

    fn distinct(&self) -> usize {
        self.values.len()
    }

    /// The number of different answers, in words (the profile stops
    /// counting at `MAX_DISTINCT`).
    fn distinct_words(&self) -> String {
        if self.distinct() >= MAX_DISTINCT {
            format!("more than {MAX_DISTINCT}")
        } else {
            self.distinct().to_string()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Guess {
    Single(Vec<String>),
    Likert(Vec<String>),
    Multi(Vec<String>),
    Text,
}

/// Header words that mark an open question.
const TEXT_CUES: &[&str] = &[
    "comment",
    "anything else",
    "tell us",
    "please explain",
    "why",
    "describe",
    "suggest",
];

/// Words that make "agree" the worse answer, for an indicator's polarity.
const NEGATIVE_CUES: &[&str] = &[
    "burnt out",
    "burned out",
    "burnout",
    "stress",
    "isolated",
    "anxious",
    "worried",
    "overwhelm",
    "exhausted",
    "unsafe",
    "bullied",
    "harass",
    "leave",
    "quit",
];

/// Checkbox answers joined with `, ` (Google Forms and Sheets), found from
/// the answers alone: cut every answer at `, `, glue back pieces that always
/// appear together and in the same order (an option whose text holds `, `),
/// and call the pieces that several people gave the options. A question is
/// multi-select when one answer in five holds two options or more and the
/// options make up two pieces in three (free text, cut at its commas, makes
/// pieces nobody else wrote); the rest are write-ins, counted as
/// "Other". Returns the options in first-seen order and how many answers
/// combine several.
fn comma_joined_options(p: &Profile) -> Option<(Vec<String>, u64)> {
    let mut cells: Vec<(Vec<String>, u64)> = p
        .values
        .iter()
        .map(|(v, n)| {
            let pieces = v.split(", ").map(str::trim).filter(|f| !f.is_empty());
            (pieces.map(str::to_string).collect(), *n)
        })
        .collect();
    if cells.iter().all(|(f, _)| f.len() < 2) {
        return None;
    }
    loop {
        let mut alone: HashMap<&str, u64> = HashMap::new();
        let mut pairs: HashMap<(&str, &str), u64> = HashMap::new();
        for (f, n) in &cells {
            for (i, piece) in f.iter().enumerate() {
                *alone.entry(piece).or_default() += n;
                if let Some(next) = f.get(i + 1) {
                    *pairs.entry((piece, next)).or_default() += n;
                }
            }
        }
        // The first pair, in answer order, that (nearly) never comes apart:
        // one write-in such as "Twitter, Slack, Reddit" must not split an
        // option that 738 people chose whole.
        let together =
            |c: u64, a: u64, b: u64| c == a.max(b) || (c >= 10 && c * 20 >= a.max(b) * 19);
        let glue = cells.iter().find_map(|(f, _)| {
            f.windows(2).find_map(|w| {
                let c = pairs[&(w[0].as_str(), w[1].as_str())];
                (w[0] != w[1] && together(c, alone[w[0].as_str()], alone[w[1].as_str()]))
                    .then(|| (w[0].clone(), w[1].clone()))
            })
        });
        let Some((a, b)) = glue else { break };
        for (f, _) in &mut cells {
            let mut i = 0;
            while i + 1 < f.len() {
                if f[i] == a && f[i + 1] == b {
                    f[i] = format!("{a}, {b}");
                    f.remove(i + 1);
                }
                i += 1;
            }
        }
    }
    // Pieces that differ only in case or spacing are one option.
    let mut weight: HashMap<String, u64> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for (f, n) in &cells {
        for piece in f {
            let w = weight.entry(key(piece)).or_default();
            if *w == 0 {
                order.push(piece);
            }
            *w += n;
        }
    }
    let is_option = |piece: &str| weight[&key(piece)] >= MIN_OPTION_ANSWERS;
    let total: u64 = cells.iter().map(|(f, n)| f.len() as u64 * n).sum();
    let covered: u64 = cells
        .iter()
        .map(|(f, n)| f.iter().filter(|p| is_option(p)).count() as u64 * n)
        .sum();
    let combined: u64 = cells
        .iter()
        .filter(|(f, _)| f.iter().filter(|p| is_option(p)).count() >= 2)
        .map(|(_, n)| n)
        .sum();
    let mut options: Vec<String> = order
        .iter()
        .filter(|p| is_option(p))
        .map(|p| p.to_string())
        .collect();
    if covered < total && !options.iter().any(|o| key(o) == "other") {
        options.push("Other".into());
    }
    // A multi-select uses its combinations: more different answers than
    // options. "Yes, by phone" / "Yes, by letter" / "No" is one choice.
    let combos: std::collections::HashSet<Vec<String>> = cells
        .iter()
        .map(|(f, _)| f.iter().filter(|p| is_option(p)).map(|p| key(p)).collect())
        .collect();
    let multi = combined * 5 >= p.answered
        && covered * 3 >= total * 2
        && combos.len() > options.len()
        && (2..=crate::survey::MAX_MULTI_OPTIONS).contains(&options.len());
    multi.then_some((options, combined))
}

fn guess(p: &Profile) -> (Guess, String) {
    let n = p.answered.max(1);
    let distinct = p.distinct();
    let hk = key(&p.header);
    // The header's words decide only between a long list and open text:
    // "Describe..." with four fixed answers is a choice.
    let all_different = distinct >= 3 && distinct as u64 == p.answered;
    // Answers written as sentences, not picked as phrases.
    let sentences = p
        .values
        .iter()
        .filter(|(v, _)| v.ends_with(['.', '!']) || v.split_whitespace().count() > 8)
        .count()
        * 2
        >= distinct.max(1);
    if TEXT_CUES.iter().any(|c| hk.contains(c))
        && (all_different || sentences || (distinct >= 10 && distinct as u64 * 4 > n))
        && p.with_semicolon * 5 < n
    {
        return (Guess::Text, "the header asks for an open answer".into());
    }
    if p.with_semicolon * 5 >= n && p.pieces.len() <= crate::survey::MAX_MULTI_OPTIONS {
        return (
            Guess::Multi(p.pieces.clone()),
            format!(
                "{} of {} answers are lists of choices separated by `;`; options in first-seen order",
                p.with_semicolon, p.answered
            ),
        );
    }
    if let Some((options, combined)) = comma_joined_options(p) {
        return (
            Guess::Multi(options),
            format!(
                "{combined} of {} answers combine several choices joined with `, `; options in first-seen order, \
                 answers given by one person only counted as Other",
                p.answered
            ),
        );
    }
    let avg_len = p.total_len / n;
    if avg_len > 60 || (distinct >= 10 && distinct as u64 * 2 > p.answered) {
        return (
            Guess::Text,
            format!(
                "{} different answers in {} responses, {avg_len} characters on average",
                p.distinct_words(),
                p.answered
            ),
        );
    }
    let keys: Vec<String> = p.values.iter().map(|(v, _)| key(v)).collect();
    for scale in SCALES {
        let scale_keys: Vec<String> = scale.iter().map(|s| key(s)).collect();
        if keys.len() >= 2 && keys.iter().all(|k| scale_keys.contains(k)) {
            return (
                Guess::Likert(scale.iter().map(|s| s.to_string()).collect()),
                format!(
                    "answers are on the \"{}\" ... \"{}\" scale",
                    scale[0],
                    scale[scale.len() - 1]
                ),
            );
        }
    }
    // Nobody gave the same answer twice: open text, whatever the header
    // says, and never a list of options that would print each one.
    // (Five at least: three different PCNs among three answers is a choice.)
    if all_different && distinct >= 5 && p.with_semicolon * 5 < n {
        return (Guess::Text, format!("all {distinct} answers are different"));
    }
    if distinct <= MAX_GUESSED_OPTIONS {
        let mut options: Vec<String> = p.values.iter().map(|(v, _)| v.clone()).collect();
        // Numbers (a 1-6 ranking, a 0-10 score) read in numeric order.
        let numbers: Option<Vec<f64>> = options.iter().map(|v| v.trim().parse().ok()).collect();
        if let Some(mut numbered) =
            numbers.map(|n| n.into_iter().zip(options.clone()).collect::<Vec<_>>())
        {
            numbered.sort_by(|a, b| a.0.total_cmp(&b.0));
            options = numbered.into_iter().map(|(_, v)| v).collect();
            return (
                Guess::Single(options),
                format!("{distinct} different answers, all numbers; options in numeric order"),
            );
        }
        return (
            Guess::Single(options),
            format!("{distinct} different answers; options in first-seen order"),
        );
    }
    long_tail(p)
}

/// Most options a guessed single-choice question lists in full.
const MAX_GUESSED_OPTIONS: usize = 30;
/// Most options kept from a long tail of answers (a country question has
/// a couple of hundred).
const MAX_TAIL_OPTIONS: usize = 300;

/// Fewest people giving an answer for it to be an option of a long list.
const MIN_OPTION_ANSWERS: u64 = 2;

/// A column with many different answers: a choice with write-ins (most
/// answers given by several people each, the rest by one each) keeps the
/// answers given by at least `MIN_OPTION_ANSWERS` people as options and
/// counts the rest under "Other"; when those do not cover nine answers in
/// ten, it is an open question. Never a truncated option list.
fn long_tail(p: &Profile) -> (Guess, String) {
    let least = MIN_OPTION_ANSWERS;
    let mut by_count: Vec<&(String, u64)> = p.values.iter().filter(|(_, n)| *n >= least).collect();
    by_count.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    by_count.truncate(MAX_TAIL_OPTIONS);
    let covered: u64 = by_count.iter().map(|(_, n)| n).sum();
    let shown = p.distinct_words();
    if covered * 10 < p.answered * 9 {
        return (
            Guess::Text,
            format!(
                "{shown} different answers in {} responses, too many for a choice question (the {} most common cover {}%)",
                p.answered,
                by_count.len(),
                covered * 100 / p.answered.max(1)
            ),
        );
    }
    let mut options: Vec<String> = by_count.iter().map(|(v, _)| v.clone()).collect();
    if !options.iter().any(|o| key(o) == key("Other")) {
        options.push("Other".into());
    }
    (
        Guess::Single(options),
        format!(
            "{shown} different answers: the {} given by at least {least} people are options, most common first; \
             the other {} of {} answers are counted as Other",
            by_count.len(),
            p.answered - covered,
            p.answered
        ),
    )
}

/// Text for a `#` comment: a header may hold line breaks, which would end
/// the comment and break the TOML.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(v: &[String]) -> String {
    format!(
        "[{}]",
        v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

/// A short stable id from a header: `which_borough_do_you_mainly_work_in`.
fn slug(header: &str, taken: &mut Vec<String>) -> String {
    let mut s = String::new();
    for c in key(header).chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('_') && !s.is_empty() {
            s.push('_');
        }
    }
    let mut s: String = s.trim_end_matches('_').to_string();
    if s.len() > 40 {
        let cut = s[..40].rfind('_').unwrap_or(40);
        s.truncate(cut);
    }
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("q_{s}");
    }
    let mut id = s.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{s}_{n}");
        n += 1;
    }
    taken.push(id.clone());
    id
}

/// Writes a starter template for columns profiled from the input.
/// `rows`: the responses read (a column repeated under one header is one
/// profile with more cells than that).
pub fn template(title: &str, profiles: &[Profile], rows: u64) -> Result<String> {
    let mut skipped = Vec::new();
    let mut candidates: Vec<(usize, Guess, String)> = Vec::new();
    for (i, p) in profiles.iter().enumerate() {
        if let Some(role) = columns::classify(&p.header, None, &ColumnSpec::default()) {
            skipped.push(format!(
                "{} ({})",
                p.header,
                match role {
                    Role::Id => "response id",
                    Role::Identity => "personal data",
                    Role::Metadata => "platform metadata",
                }
            ));
            continue;
        }
        if p.answered == 0 {
            skipped.push(format!("{} (always blank)", p.header));
            continue;
        }
        let (g, why) = guess(p);
        candidates.push((i, g, why));
    }

    // The group column: a single-choice column nearly everyone answered
    // (a question most skipped would leave most responses "Not stated"),
    // whose header names a place; failing that, the one with fewest values.
    let choices = |most: usize| {
        candidates.iter().filter_map(move |(i, g, _)| match g {
            Guess::Single(opts) if (2..=most).contains(&opts.len()) => Some((*i, opts.len())),
            _ => None,
        })
    };
    let singles =
        choices(MAX_TAIL_OPTIONS + 1).filter(|&(i, _)| profiles[i].answered * 10 >= rows * 9);
    // A header that names a place may have been skipped by a few more: three
    // in four answering is still nearly everyone's group.
    let named = choices(MAX_TAIL_OPTIONS + 1)
        .filter(|&(i, _)| profiles[i].answered * 4 >= rows * 3)
        .filter_map(|(i, n)| group_word_rank(&profiles[i].header).map(|r| (r, i, n)))
        .min_by_key(|(r, i, _)| (*r, *i))
        .map(|(_, i, n)| (i, n));
    let group: Option<(usize, String)> = match named {
        Some((i, n)) => Some((
            i,
            format!("its header names a place and it has {n} different answers"),
        )),
        // Unnamed, a yes/no question is not a grouping; fewest answers
        // otherwise, as groups are meant to be few.
        None => match singles.filter(|&(_, n)| n >= 3).min_by_key(|(_, n)| *n) {
            Some((i, n)) => Some((
                i,
                format!("it is the single-choice column with the fewest different answers ({n})"),
            )),
            // Nothing nearly everyone answered: the least bad column, said
            // plainly so that the user chooses; or nobody is grouped.
            None => choices(MAX_GUESSED_OPTIONS)
                .filter(|&(i, _)| profiles[i].answered * 2 >= rows)
                .max_by_key(|&(i, n)| (n >= 3, profiles[i].answered, std::cmp::Reverse(n)))
                .map(|(i, n)| {
                    (
                        i,
                        format!(
                            "no column that nine in ten answered looks like a grouping; this one has {n} different \
                             answers and {} of {rows} answered it. CHOOSE THE GROUP BY HAND",
                            profiles[i].answered
                        ),
                    )
                }),
        },
    };

    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Starter template written by `survey-lens init`. Every guess has a comment"
    );
    let _ = writeln!(o, "# above it: check them, rename ids and labels, then run");
    let _ = writeln!(o, "#   survey-lens report FILE --config THIS.toml");
    let _ = writeln!(o, "# The format is described in docs/template.md.");
    if !skipped.is_empty() {
        let _ = writeln!(o, "#\n# Columns left out of the analysis:");
        for s in &skipped {
            let _ = writeln!(o, "#   {}", one_line(s));
        }
    }
    let _ = writeln!(o, "\n# GUESS: the title, from the file name.");
    let _ = writeln!(o, "title = {}\n", q(title));

    let mut taken = Vec::new();
    let ids: Vec<String> = profiles
        .iter()
        .map(|p| slug(&p.header, &mut taken))
        .collect();
    match &group {
        Some((group_i, why_group)) => {
            let _ = writeln!(
                o,
                "# GUESS: responses are grouped by \"{}\" because {}.",
                one_line(&profiles[*group_i].header),
                one_line(why_group)
            );
            let _ = writeln!(
                o,
                "# The groups are that question's options, in their order: reorder them there as reports should\n\
                 # show them. To group by another question, put its id here; nothing else changes. To merge\n\
                 # spellings, list the groups: values = [{{ name = \"North\", aliases = [\"N\"] }}, ...]"
            );
            let label = group_word_rank(&profiles[*group_i].header)
                .map(|r| GROUP_WORDS[r])
                .map(|w| match w {
                    "pcn" | "icb" => w.to_uppercase(),
                    w => format!("{}{}", w[..1].to_uppercase(), &w[1..]),
                })
                .unwrap_or_else(|| "Group".into());
            let _ = writeln!(
                o,
                "[group]\nquestion = {}\nlabel = {}\n",
                q(&ids[*group_i]),
                q(&label)
            );
        }
        None => {
            let _ = writeln!(
                o,
                "# GUESS: nobody is grouped, because no column could group respondents (a single-choice\n\
                 # question with 2 to 30 answers, such as borough, PCN or region): the report shows All alone.\n\
                 # To break it down, add\n#   [group]\n#   question = \"<id of a single-choice question below>\"\n"
            );
        }
    }

    let has_text = candidates.iter().any(|(_, g, _)| *g == Guess::Text);
    let _ = writeln!(o, "[[sections]]\nid = \"results\"\ntitle = \"Results\"\n");
    if has_text {
        let _ = writeln!(
            o,
            "[[sections]]\nid = \"free_text\"\ntitle = \"Free text\"\nintro = \"Open answers are counted, not quoted.\"\n"
        );
    }

    let mut indicators = String::new();
    for (i, g, why) in &candidates {
        let p = &profiles[*i];
        let id = &ids[*i];
        let (kind, opts) = match g {
            Guess::Single(v) => (Kind::Single, Some(v)),
            Guess::Likert(v) => (Kind::Likert, Some(v)),
            Guess::Multi(v) => (Kind::Multi, Some(v)),
            Guess::Text => (Kind::Text, None),
        };
        let kind_name = kind.as_str();
        let _ = writeln!(o, "# GUESS: {kind_name}, because {}.", one_line(why));
        let _ = writeln!(
            o,
            "[[questions]]\nid = {}\ntext = {}\nkind = \"{kind_name}\"",
            q(id),
            q(&p.header)
        );
        // The group question gets a section too, so that grouping by
        // another question leaves it an ordinary one.
        let section = if kind == Kind::Text {
            "free_text"
        } else {
            "results"
        };
        let _ = writeln!(o, "section = \"{section}\"");
        if let Some(opts) = opts {
            let _ = writeln!(o, "options = {}", list(opts));
        }
        o.push('\n');
        if let Guess::Likert(scale) = g {
            let top: Vec<String> = scale[scale.len() - 2..].to_vec();
            let hk = key(&p.header);
            let negative = NEGATIVE_CUES.iter().any(|c| hk.contains(c));
            let polarity = if negative {
                Polarity::Worse
            } else {
                Polarity::Better
            };
            let _ = writeln!(
                indicators,
                "# GUESS: the share answering {} or {}; higher is {} because the statement {}. Check higher_is.",
                q(&top[0]),
                q(&top[1]),
                polarity.as_str(),
                if negative {
                    "describes a problem"
                } else {
                    "reads as a good thing"
                },
            );
            let _ = writeln!(
                indicators,
                "[[indicators]]\nid = {}\nlabel = {}\nsection = \"results\"\nquestion = {}\ncounts = {}\nhigher_is = \"{}\"\n",
                q(&format!("{id}_top2")),
                q(&format!("{}: {} or {}", p.header, top[0], top[1])),
                q(id),
                list(&top),
                polarity.as_str()
            );
        }
    }
    o.push_str(&indicators);
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(header: &str, cells: &[&str]) -> Profile {
        let mut p = Profile::new(header);
        for c in cells {
            p.add(c);
        }
        p
    }

    /// A country question: 80 countries given by 2 to 40 people each and 20
    /// given by one. A choice with write-ins, not an open question, and no
    /// answer is dropped: the one-offs are counted as Other.
    fn countries() -> Vec<String> {
        let mut cells = Vec::new();
        for c in 0..80 {
            for _ in 0..(2 + c % 39) {
                cells.push(format!("Country {c}"));
            }
        }
        cells.extend((0..20).map(|c| format!("Lone country {c}")));
        cells
    }

    #[test]
    fn many_answers_become_options_with_other_or_text_never_a_truncated_list() {
        let cells = countries();
        let p = profile(
            "Country",
            &cells.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let Guess::Single(options) = guess(&p).0 else {
            panic!("a choice with write-ins: {:?}", guess(&p));
        };
        assert_eq!(options.len(), 81, "80 countries and Other");
        assert_eq!(options.last().unwrap(), "Other");
        assert!(guess(&p).1.contains("the other 20 of"), "{}", guess(&p).1);
        // The most common first.
        assert_eq!(options[0], "Country 38");

        // 600 different short answers: more than the profile keeps, so an
        // open question (never the first 500 as options).
        let free: Vec<String> = (0..600).map(|i| format!("answer {i}")).collect();
        let p = profile(
            "Job title",
            &free.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let (g, why) = guess(&p);
        assert_eq!(g, Guess::Text, "{why}");
        assert!(why.contains("more than 500"), "{why}");
    }

    #[test]
    fn comma_joined_checkboxes_are_found_from_the_answers() {
        // Options with ", " inside, ticked in many combinations, one stray
        // write-in that splits an option's words, and one-off write-ins.
        let opts = [
            "Email lists such as r-help, r-packages, or r-pkg-devel",
            "Books",
            "Social media such as blogs, Twitter, Slack, or GitHub",
        ];
        let mut cells: Vec<String> = Vec::new();
        for i in 0..60 {
            let mut ticked: Vec<String> = opts
                .iter()
                .enumerate()
                .filter(|(o, _)| (i >> o) & 1 == 1 || (i % 7 == *o))
                .map(|(_, t)| t.to_string())
                .collect();
            if i % 10 == 3 {
                ticked.push(format!("my own answer {i}"));
            }
            cells.push(ticked.join(", "));
        }
        cells.push("Twitter, Slack, Mastodon".into());
        let p = profile(
            "Where do you go for help?",
            &cells.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let (g, why) = guess(&p);
        let Guess::Multi(found) = g else {
            panic!("multi-select expected: {why}");
        };
        for o in opts {
            assert!(found.iter().any(|f| f == o), "{o} in {found:?}");
        }
        assert_eq!(found.last().map(String::as_str), Some("Other"), "{found:?}");
        assert!(!found.iter().any(|f| f.starts_with("my own")), "{found:?}");
    }

    #[test]
    fn a_choice_whose_answers_hold_commas_is_not_multi_select() {
        let mut cells = Vec::new();
        for i in 0..50 {
            cells.push(
                [
                    "Yes, the system one",
                    "Yes, both kinds",
                    "No",
                    "Yes, a language one",
                ][i % 4],
            );
        }
        let (g, why) = guess(&profile("Did you use a package manager?", &cells));
        assert!(
            matches!(g, Guess::Single(ref o) if o.len() == 4),
            "{g:?}: {why}"
        );
        // Free text with commas is open text.
        let free: Vec<String> = (0..40)
            .map(|i| format!("I think, on balance {i}, that it works, mostly"))
            .collect();
        let (g, why) = guess(&profile(
            "Thoughts",
            &free.iter().map(String::as_str).collect::<Vec<_>>(),
        ));
        assert_eq!(g, Guess::Text, "{why}");
    }

    #[test]
    fn a_survey_with_nothing_to_group_by_gets_a_template_of_all_alone() {
        let consent = profile("I agree", &["Yes"; 20]);
        let free: Vec<String> = (0..20).map(|i| format!("thought number {i}")).collect();
        let open = profile(
            "Thoughts",
            &free.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let t = template("t", &[consent, open], 20).unwrap();
        assert!(!t.lines().any(|l| l == "[group]"), "{t}");
        assert!(t.contains("nobody is grouped"), "{t}");
        let parsed = crate::survey::Template::from_toml(&t, "init").unwrap();
        assert!(!parsed.grouped());
    }

    #[test]
    fn the_group_is_a_column_nearly_everyone_answered() {
        // A place-named column most people skipped loses to one everyone
        // answered; a yes/no column is never the group.
        let n = 100;
        let mut region = Profile::new("Region");
        let mut team = Profile::new("Which team are you in?");
        let mut yes = Profile::new("Do you use R?");
        for i in 0..n {
            region.add(if i < 8 { "North" } else { "" });
            team.add(["Red", "Blue", "Green"][i % 3]);
            yes.add(if i % 2 == 0 { "Yes" } else { "No" });
        }
        let t = template("t", &[yes, region, team], n as u64).unwrap();
        assert!(
            t.contains("question = \"which_team_are_you_in\""),
            "{}",
            t.lines()
                .filter(|l| l.contains("GUESS: responses"))
                .collect::<String>()
        );
    }

    #[test]
    fn guesses_each_kind() {
        let agree = profile(
            "I feel valued",
            &["Agree", "strongly agree", "Disagree", ""],
        );
        assert!(
            matches!(guess(&agree).0, Guess::Likert(ref s) if s.len() == 5 && s[0] == "Strongly disagree")
        );
        let multi = profile(
            "Supports",
            &["Peer group;Coaching;", "Coaching;", "Nothing", "EAP;"],
        );
        assert_eq!(
            guess(&multi).0,
            Guess::Multi(vec![
                "Peer group".into(),
                "Coaching".into(),
                "Nothing".into(),
                "EAP".into()
            ])
        );
        let long: Vec<String> = (0..20).map(|i| format!("free answer number {i}")).collect();
        let text = profile(
            "Comments",
            &long.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert_eq!(guess(&text).0, Guess::Text);
        let google = profile(
            "Which supports have you used?",
            &[
                "EAP",
                "Flexible working, including compressed hours",
                "EAP, Coaching",
                "Coaching",
                "EAP, Flexible working, including compressed hours",
            ],
        );
        assert_eq!(
            guess(&google).0,
            Guess::Multi(vec![
                "EAP".into(),
                "Flexible working, including compressed hours".into(),
                "Coaching".into()
            ])
        );
        let comments = profile(
            "Any other comments?",
            &["Thanks.", "More staff please.", "None"],
        );
        assert_eq!(guess(&comments).0, Guess::Text);
        let single = profile("Role", &["GP", "Nurse", "GP", "Admin"]);
        assert_eq!(
            guess(&single).0,
            Guess::Single(vec!["GP".into(), "Nurse".into(), "Admin".into()])
        );
    }

    #[test]
    fn slugs_are_short_unique_ids() {
        let mut taken = vec![];
        assert_eq!(
            slug("Which PCN do you work in?", &mut taken),
            "which_pcn_do_you_work_in"
        );
        assert_eq!(
            slug("Which PCN do you work in?", &mut taken),
            "which_pcn_do_you_work_in_2"
        );
        assert_eq!(slug("2. Role", &mut taken), "q_2_role");
        assert!(slug(&"word ".repeat(30), &mut taken).len() <= 40);
    }

    #[test]
    fn starter_template_is_valid_and_picks_the_place_column() {
        let profiles = vec![
            profile("Email", &["a@x.org", "b@x.org", "c@x.org"]),
            profile("Role", &["GP", "Nurse", "GP"]),
            profile("Which PCN do you work in?", &["North", "South", "East"]),
            profile("I feel valued", &["Agree", "Disagree", "Strongly agree"]),
        ];
        let toml = template("Pulse \"Q3\"", &profiles, 3).unwrap();
        let t = crate::survey::Template::from_toml(&toml, "init").unwrap();
        assert_eq!(t.group.question, "which_pcn_do_you_work_in");
        assert_eq!(t.group.label, "PCN");
        assert_eq!(t.indicators.len(), 1);
        assert!(toml.contains("Email (personal data)"));
        assert!(t.question("email").is_none());
    }
}
