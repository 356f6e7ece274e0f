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

use csv::StringRecord;

use crate::normalise::text::key;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    MicrosoftForms,
    GoogleForms,
    SurveyMonkey,
    Qualtrics,
    Generic,
}

impl Platform {
    pub fn label(self) -> &'static str {
        match self {
            Platform::MicrosoftForms => "microsoft-forms",
            Platform::GoogleForms => "google-forms",
            Platform::SurveyMonkey => "surveymonkey",
            Platform::Qualtrics => "qualtrics",
            Platform::Generic => "generic",
        }
    }
}

/// Where a logical column's cell comes from in a raw row.
#[derive(Debug, Clone)]
enum Source {
    Raw(usize),
    /// SurveyMonkey multi-select: raw columns, each holding its option's text
    /// when ticked. `true` marks an "Other (please specify)" column whose text
    /// is free text, ticked as "Other".
    Options(Vec<(usize, bool)>),
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub platform: Platform,
    pub header_rows: usize,
    /// Logical column headers (question text where the platform has it).
    pub columns: Vec<String>,
    /// Other names of each column (Qualtrics field ids such as `IPAddress`).
    pub alt: Vec<Option<String>>,
    sources: Vec<Source>,
    /// Qualtrics `Finished` column: rows with False/0 are unfinished.
    finished: Option<usize>,
    /// Number of raw columns the header has.
    pub raw_width: usize,
    passthrough: bool,
}

const SELECTED_CHOICE: &str = " - selected choice";

impl Layout {
    /// Recognises the platform from up to three leading raw rows.
    pub fn detect(rows: &[StringRecord]) -> Layout {
        let r0 = &rows[0];
        let keys0: Vec<String> = r0.iter().map(key).collect();
        let has0 = |k: &str| keys0.iter().any(|h| h == k);
        if rows.len() >= 3
            && rows[2]
                .iter()
                .any(|c| c.trim_start().starts_with("{\"ImportId\""))
        {
            return Layout::qualtrics(rows);
        }
        if rows.len() >= 2
            && has0("respondent id")
            && rows[1]
                .iter()
                .any(|c| matches!(key(c).as_str(), "response" | "open-ended response"))
        {
            return Layout::surveymonkey(rows);
        }
        let platform = if keys0
            .first()
            .is_some_and(|k| k.trim_start_matches('\u{feff}') == "timestamp")
        {
            Platform::GoogleForms
        } else if has0("completion time") || has0("start time") {
            Platform::MicrosoftForms
        } else {
            Platform::Generic
        };
        Layout::plain(platform, r0)
    }

    fn plain(platform: Platform, r0: &StringRecord) -> Layout {
        let columns: Vec<String> = r0.iter().map(|h| h.trim().to_string()).collect();
        Layout {
            platform,
            header_rows: 1,
            alt: vec![None; columns.len()],
            sources: (0..columns.len()).map(Source::Raw).collect(),
            finished: None,
            raw_width: columns.len(),
            columns,
            passthrough: true,
        }
    }

    fn qualtrics(rows: &[StringRecord]) -> Layout {
        let (ids, labels) = (&rows[0], &rows[1]);
        let mut columns = Vec::new();
        let mut alt = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let label = labels.get(i).unwrap_or("").trim();
            // "<question> - Selected Choice" is the question itself.
            let label = match label.to_lowercase().rfind(SELECTED_CHOICE) {
                Some(p) if p + SELECTED_CHOICE.len() == label.len() => &label[..p],
                _ => label,
            };
            columns.push(if label.is_empty() { id.trim() } else { label }.to_string());
            alt.push(Some(id.trim().to_string()));
        }
        let finished = ids.iter().position(|h| key(h) == "finished");
        Layout {
            platform: Platform::Qualtrics,
            header_rows: 3,
            sources: (0..columns.len()).map(Source::Raw).collect(),
            raw_width: ids.len(),
            columns,
            alt,
            finished,
            passthrough: true,
        }
    }

    fn surveymonkey(rows: &[StringRecord]) -> Layout {
        let (r0, r1) = (&rows[0], &rows[1]);
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
        let sub = |i: usize| key(r1.get(i).unwrap_or(""));
        let mut columns = Vec::new();
        let mut sources = Vec::new();
        for (name, cols) in groups {
            let first = sub(cols[0]);
            if cols.len() == 1 || first == "response" || first == "open-ended response" {
                // One answer column; any further ones are "please specify" text.
                columns.push(name.clone());
                sources.push(Source::Raw(cols[0]));
                for &c in &cols[1..] {
                    columns.push(format!("{name} - {}", r1.get(c).unwrap_or("").trim()));
                    sources.push(Source::Raw(c));
                }
            } else {
                columns.push(name);
                sources.push(Source::Options(
                    cols.iter()
                        .map(|&c| {
                            let s = sub(c);
                            (
                                c,
                                s.starts_with("other")
                                    && (s.contains("specify") || s.contains("please")),
                            )
                        })
                        .collect(),
                ));
            }
        }
        Layout {
            platform: Platform::SurveyMonkey,
            header_rows: 2,
            alt: vec![None; columns.len()],
            columns,
            sources,
            finished: None,
            raw_width: width,
            passthrough: false,
        }
    }

    /// Whether a raw data row is an unfinished response to leave out.
    pub fn is_unfinished(&self, raw: &StringRecord) -> bool {
        self.finished
            .and_then(|c| raw.get(c))
            .is_some_and(|v| matches!(key(v).as_str(), "false" | "0"))
    }

    /// The logical row for a raw data row.
    pub fn apply<'r>(&self, raw: &'r StringRecord) -> Cow<'r, StringRecord> {
        if self.passthrough {
            return Cow::Borrowed(raw);
        }
        let mut out = StringRecord::with_capacity(raw.as_slice().len(), self.sources.len());
        let mut cell = String::new();
        for s in &self.sources {
            match s {
                Source::Raw(c) => out.push_field(raw.get(*c).unwrap_or("")),
                Source::Options(cols) => {
                    cell.clear();
                    for &(c, is_other) in cols {
                        let v = raw.get(c).unwrap_or("").trim();
                        if v.is_empty() {
                            continue;
                        }
                        cell.push_str(if is_other { "Other" } else { v });
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

    fn rec(cells: &[&str]) -> StringRecord {
        StringRecord::from(cells.to_vec())
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
        let l = Layout::detect(&rows);
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
        let l = Layout::detect(&rows);
        assert_eq!(l.platform, Platform::Qualtrics);
        assert_eq!(l.header_rows, 3);
        assert_eq!(l.columns[4], "Which activities?");
        assert_eq!(l.alt[2].as_deref(), Some("ResponseId"));
        assert!(l.is_unfinished(&rec(&["x", "False", "R_1", "", ""])));
        assert!(l.is_unfinished(&rec(&["x", "0", "R_1", "", ""])));
        assert!(!l.is_unfinished(&rec(&["x", "True", "R_1", "", ""])));
    }

    #[test]
    fn forms_shapes() {
        assert_eq!(
            Layout::detect(&[rec(&["Timestamp", "Email Address", "Q"])]).platform,
            Platform::GoogleForms
        );
        assert_eq!(
            Layout::detect(&[rec(&["Id", "Start time", "Completion time"])]).platform,
            Platform::MicrosoftForms
        );
        assert_eq!(
            Layout::detect(&[rec(&["a", "b"])]).platform,
            Platform::Generic
        );
    }
}
