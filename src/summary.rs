//! The `Summary` model: everything a renderer may know, and summary.json itself.
//!
//! This is the seam between analysis and presentation. Renderers read it alone,
//! analysts script against it, and later waves are compared through it, so field
//! names here are a public contract (schema `survey-lens.summary.v1`): add
//! fields, never rename them.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::survey::{Kind, Polarity};

pub const SCHEMA: &str = "survey-lens.summary.v1";

/// The name of the every-response group in all outputs.
pub const ALL: &str = "All";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Summary {
    pub schema: String,
    pub title: String,
    pub generated_by: String,
    /// Who was surveyed (from the template), for the report's opening line.
    #[serde(default)]
    pub population: String,
    /// Who to ask about the figures (from the template).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact: String,
    /// What a group is called ("Borough").
    pub group_label: String,
    pub min_cell: u32,
    #[serde(default = "Disclosure::unknown")]
    pub disclosure: Disclosure,
    pub inputs: Vec<InputInfo>,
    pub responses: Responses,
    /// Groups present, in report order; "All" is not included.
    pub groups: Vec<String>,
    pub sections: Vec<SectionInfo>,
    pub questions: Vec<QuestionSummary>,
    pub indicators: Vec<IndicatorSummary>,
    pub data_quality: Vec<DataQuality>,
    /// The wave this is, e.g. "2026 Q3": from `--wave`, or the calendar
    /// quarter most responses were completed in.
    #[serde(default)]
    pub wave: Option<String>,
    /// The first and last completion dates among the responses, when the
    /// export has them: the fieldwork period on the paper's cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fieldwork: Option<Fieldwork>,
    /// The date of the paper (ISO `YYYY-MM-DD`): `--date`, else
    /// `SOURCE_DATE_EPOCH`, else today, so a rerun can reproduce a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// What the survey exists to find out (from the template), each with
    /// the indicators and questions that measure it. The brief states them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingInfo>,
    /// Change since an earlier wave (`report --previous`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Comparison>,
}

pub const COMPARISON_SCHEMA: &str = "survey-lens.comparison.v1";

/// Headline indicators compared between two waves (comparison.json).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Comparison {
    pub schema: String,
    pub previous: WaveRef,
    pub current: WaveRef,
    /// Every indicator in both waves x every group in the current wave, and All.
    pub rows: Vec<ChangeRow>,
    /// What could not be compared, and why.
    pub not_compared: Vec<String>,
}

/// The fieldwork period, as ISO dates.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Fieldwork {
    pub first: String,
    pub last: String,
}

/// A finding the template names, and what measures it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct FindingInfo {
    pub id: String,
    pub title: String,
    pub indicators: Vec<String>,
    pub questions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct WaveRef {
    pub label: String,
    pub title: String,
    pub analysed: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct ChangeRow {
    pub indicator: String,
    pub label: String,
    pub higher_is: Polarity,
    pub group: String,
    pub previous: Option<f64>,
    pub current: Option<f64>,
    /// The counts and bases behind the two percentages (null when hidden),
    /// so a script can recompute or pool them.
    #[serde(default)]
    pub previous_count: Option<u64>,
    #[serde(default)]
    pub previous_base: Option<u64>,
    #[serde(default)]
    pub current_count: Option<u64>,
    #[serde(default)]
    pub current_base: Option<u64>,
    /// Current minus previous, in percentage points.
    pub change_pp: Option<f64>,
    /// 95% Newcombe (hybrid Wilson) interval for the change, in points.
    pub ci95: Option<[f64; 2]>,
    /// The two-sided p-value that goes with that interval.
    #[serde(default)]
    pub p_value: Option<f64>,
    /// True when the change is larger than chance after allowing for every
    /// figure compared at once (Holm's method at 5% over this comparison's
    /// p-values), so a table of many figures does not find changes in noise.
    pub significant: Option<bool>,
    /// Null when not compared.
    pub direction: Option<Direction>,
    /// Why no change is shown, when it is not.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct InputInfo {
    /// File name only: full paths can carry user names.
    pub file: String,
    pub sha256: String,
    /// Data rows read, unfinished ones included (header rows and blank lines excluded).
    pub rows: u64,
    /// Detected shape as `<platform>/<container>`, e.g. `qualtrics/csv`.
    pub format: String,
    #[serde(default)]
    pub platform: Platform,
    /// Text encoding of a CSV (null for .xlsx).
    #[serde(default)]
    pub encoding: Option<String>,
    /// Delimiter of a CSV (null for .xlsx).
    #[serde(default)]
    pub delimiter: Option<String>,
    /// Worksheet read from an .xlsx (null for CSV).
    #[serde(default)]
    pub sheet: Option<String>,
    /// Header rows before the first response (SurveyMonkey 2, Qualtrics 3).
    #[serde(default)]
    pub header_rows: u64,
    /// Unfinished responses left out (Qualtrics `Finished` = False/0,
    /// LimeSurvey without a submit date).
    #[serde(default)]
    pub incomplete_excluded: u64,
    /// Qualtrics preview, test and spam responses left out (`Status`).
    #[serde(default)]
    pub screened_excluded: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Responses {
    pub read: u64,
    pub duplicates_removed: u64,
    pub incomplete_excluded: u64,
    /// Qualtrics preview, test and spam responses left out.
    #[serde(default)]
    pub screened_excluded: u64,
    pub analysed: u64,
    /// Responses per group, report order, "All" last. `responses` is null when
    /// the group is small enough to be suppressed.
    pub by_group: Vec<GroupCount>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct GroupCount {
    pub group: String,
    pub responses: Option<u64>,
    pub suppressed: bool,
    /// Never written since survey-lens 0.2 (a reader must not tell a small
    /// figure from its partner); read from older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<String>,
}

/// The disclosure rules applied, so a reader of the JSON knows what was done.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Disclosure {
    pub min_cell: u32,
    /// Published counts rounded to the nearest this (null: exact).
    pub round: Option<u32>,
    /// Whether further numbers were hidden so hidden ones cannot be derived.
    pub secondary_suppression: bool,
    /// False when `--min-cell` is 0 or 1, or when any hidden figure could
    /// not be verified as protected (`unverified_figures`).
    pub safe_to_publish: bool,
    /// Hidden figures the audit could not show to be protected: nothing
    /// more could be hidden for them, and no search found other datasets
    /// that publish the same tables with the figure far enough off its
    /// value. 0 in every report the tests know of; any other number makes
    /// the report not for publication.
    #[serde(default)]
    pub unverified_figures: u64,
    /// Why the report is not for publication, when it is not.
    pub banner: Option<String>,
    /// The rules in words.
    pub method: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct SectionInfo {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub intro: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct QuestionSummary {
    pub id: String,
    pub text: String,
    pub kind: Kind,
    pub section: String,
    pub options: Vec<String>,
    /// The base per group, "All" included; null when suppressed.
    pub answered: IndexMap<String, Option<u64>>,
    /// Every group (and "All") x every option; empty for text questions.
    pub cells: Vec<Cell>,
    /// Redacted free-text answers (text questions, only with `--quotes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<Quote>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Quote {
    pub group: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Cell {
    pub group: String,
    pub option: String,
    pub count: Option<u64>,
    pub base: Option<u64>,
    pub percent: Option<f64>,
    pub suppressed: bool,
    /// Never written since survey-lens 0.2: every hidden figure is `[c]`,
    /// for whatever reason, so that a small figure cannot be told from its
    /// partner. Older files said "small", "group" or "secondary".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct IndicatorSummary {
    pub id: String,
    pub label: String,
    /// The template's short label, for narrow places; none when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
    pub section: String,
    pub question: String,
    /// The answers that count towards it.
    #[serde(default)]
    pub counts: Vec<String>,
    pub higher_is: Polarity,
    pub cells: Vec<IndicatorCell>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct IndicatorCell {
    pub group: String,
    pub count: Option<u64>,
    pub base: Option<u64>,
    pub percent: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    /// Against All; null for All itself, when suppressed, or when the base
    /// is 0.
    pub vs_all: Option<Verdict>,
    pub suppressed: bool,
    /// Never written since survey-lens 0.2 (see `Cell::suppression`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct DataQuality {
    pub kind: NoteKind,
    pub message: String,
    /// How many rows or answers the note is about; null when giving the
    /// number would reveal a hidden figure.
    pub count: Option<u64>,
}

impl Disclosure {
    /// For summaries written before disclosure was recorded.
    fn unknown() -> Disclosure {
        Disclosure {
            min_cell: 0,
            round: None,
            secondary_suppression: false,
            safe_to_publish: false,
            unverified_figures: 0,
            banner: None,
            method: String::new(),
        }
    }
}

impl Summary {
    /// Groups in report order followed by "All": the columns of every table.
    pub fn groups_and_all(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(String::as_str).chain([ALL])
    }

    pub fn questions_in<'a>(
        &'a self,
        section: &'a str,
    ) -> impl Iterator<Item = &'a QuestionSummary> {
        self.questions.iter().filter(move |q| q.section == section)
    }
}

impl QuestionSummary {
    pub fn cell(&self, group: &str, option: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.group == group && c.option == option)
    }
}

impl IndicatorSummary {
    pub fn cell(&self, group: &str) -> Option<&IndicatorCell> {
        self.cells.iter().find(|c| c.group == group)
    }
}

/// How a group's indicator compares with All's: its 95% interval lies
/// wholly on the worse or the better side of All's percentage, or overlaps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Worse,
    Better,
    Similar,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Worse => "worse",
            Verdict::Better => "better",
            Verdict::Similar => "similar",
        }
    }
}

/// How an indicator moved between two waves (Newcombe p-value, Holm across the
/// comparison, for the
/// change excluding 0, read with the indicator's polarity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Direction {
    #[serde(rename = "improved")]
    Improved,
    #[serde(rename = "worsened")]
    Worsened,
    #[serde(rename = "no clear change")]
    NoClearChange,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Improved => "improved",
            Direction::Worsened => "worsened",
            Direction::NoClearChange => "no clear change",
        }
    }
}

/// What a data-quality note is about; scripts select notes by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    DuplicatesRemoved,
    IdentityColumnsDropped,
    UnrecognisedGroup,
    UnrecognisedAnswer,
    AnswerCountedAsOther,
    QuestionsMissing,
    RepeatedColumns,
    UnclaimedColumns,
    ResidualGroupLeftOut,
}

/// The survey platform an export's layout was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum Platform {
    #[serde(rename = "microsoft-forms")]
    MicrosoftForms,
    #[serde(rename = "google-forms")]
    GoogleForms,
    #[serde(rename = "surveymonkey")]
    SurveyMonkey,
    #[serde(rename = "qualtrics")]
    Qualtrics,
    #[serde(rename = "limesurvey")]
    LimeSurvey,
    /// No platform's layout: a plain table with one header row.
    #[default]
    #[serde(rename = "generic")]
    Generic,
}

impl Platform {
    /// As written in summary.json and `<platform>/<container>` formats.
    pub fn label(self) -> &'static str {
        match self {
            Platform::MicrosoftForms => "microsoft-forms",
            Platform::GoogleForms => "google-forms",
            Platform::SurveyMonkey => "surveymonkey",
            Platform::Qualtrics => "qualtrics",
            Platform::LimeSurvey => "limesurvey",
            Platform::Generic => "generic",
        }
    }

    /// As a reader knows it; none for a generic table.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Platform::MicrosoftForms => Some("Microsoft Forms"),
            Platform::GoogleForms => Some("Google Forms"),
            Platform::SurveyMonkey => Some("SurveyMonkey"),
            Platform::Qualtrics => Some("Qualtrics"),
            Platform::LimeSurvey => Some("LimeSurvey"),
            Platform::Generic => None,
        }
    }
}
