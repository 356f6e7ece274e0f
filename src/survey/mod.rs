//! The survey template: which column groups respondents, which questions exist,
//! their options in report order, and the headline indicators.
//!
//! The SEL survey ships built in (`sel.toml`), but it is parsed through the same
//! path as a user's `--config`, so the built-in survey can never rely on anything
//! a user's template cannot express.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::text::key;

/// The built-in SEL stakeholder survey template, embedded at compile time.
pub const BUILTIN_TOML: &str = include_str!("sel.toml");

/// Largest number of options a multi-select question may have: multi-select
/// answers are held as one bit per option in a `u64`.
pub const MAX_MULTI_OPTIONS: usize = 64;

/// One-answer questions are held as two-byte codes (`normalise::Choices`),
/// one code kept for "no answer".
pub const MAX_CHOICE_OPTIONS: usize = u16::MAX as usize;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub title: String,
    /// Who was surveyed, in words a board member would use. Optional.
    #[serde(default)]
    pub population: String,
    /// Who to ask about the figures (a team, an address): the workbook's
    /// cover states it. Optional.
    #[serde(default)]
    pub contact: String,
    /// Left out, nobody is grouped and the report is of All alone.
    #[serde(default)]
    pub group: GroupSpec,
    #[serde(default)]
    pub columns: ColumnSpec,
    pub sections: Vec<Section>,
    pub questions: Vec<Question>,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// What the survey exists to find out, in the order a board paper's
    /// brief states them. Left out, the brief is the headline indicators.
    #[serde(default)]
    pub findings: Vec<Finding>,
}

/// One thing the survey is meant to tell its readers (e.g. "support is
/// uneven"), tied to the indicators and questions that measure it. The
/// template names the finding; its wording in the brief is worked out from
/// the figures on every run, so it can never say more than they do.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    /// The finding as a heading: "Support is uneven and many feel isolated".
    pub title: String,
    /// Indicator ids whose overall figure and differing groups are stated.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// Question ids whose spread within groups and largest difference
    /// between groups are stated.
    #[serde(default)]
    pub questions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Id of the question whose answer puts a respondent in a group; empty
    /// when respondents are not grouped.
    #[serde(default)]
    pub question: String,
    /// What a group is called in reports ("Borough", "PCN", "Region").
    #[serde(default = "default_group_label")]
    pub label: String,
    #[serde(default = "default_not_stated")]
    pub not_stated: String,
    #[serde(default = "default_other")]
    pub other: String,
    /// Prefixes ignored when matching group answers ("London Borough of").
    #[serde(default)]
    pub ignore_prefixes: Vec<String>,
    /// Canonical groups, in report order. Left out, they are the group
    /// question's options, so that choosing another group is one line.
    #[serde(default)]
    pub values: Vec<GroupValue>,
    /// Groups that are not a place or team of their own (besides Not stated
    /// and Other, which always are), e.g. "Cross-borough".
    #[serde(default)]
    pub residual: Vec<String>,
    /// When any residual group has fewer than min-cell responses, they are
    /// all combined into one group called this, before anything is hidden,
    /// so that a few blank answers do not cost a real group its figures.
    /// An empty name keeps them apart.
    #[serde(default = "default_merged")]
    pub merged: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupValue {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Extra names for non-question columns, beyond the built-in ones every
/// platform uses (see `normalise::columns`), so they are neither analysed nor
/// reported as unclaimed.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// Response id columns, used to remove duplicate responses. Never output.
    #[serde(default)]
    pub id: Vec<String>,
    /// Personal data (names, emails, IP addresses). Dropped on read, never output.
    #[serde(default)]
    pub identity: Vec<String>,
    /// Known platform metadata (timestamps) that is not a question.
    #[serde(default)]
    pub metadata: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub intro: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Single,
    Multi,
    Likert,
    Text,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multi => "multi",
            Kind::Likert => "likert",
            Kind::Text => "text",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    /// The column header the export uses for this question.
    pub text: String,
    /// Other header texts that mean the same question (older wordings).
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: Kind,
    /// Section id; may be empty only for the group question.
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub options: Vec<String>,
}

impl Question {
    /// Indices of the options among `answers`, matched as answers are
    /// (case, spacing and curly quotes ignored), in option order.
    pub fn option_indices(&self, answers: &[String]) -> Vec<usize> {
        let keys: Vec<String> = answers.iter().map(|a| key(a)).collect();
        self.options
            .iter()
            .enumerate()
            .filter(|(_, o)| keys.contains(&key(o)))
            .map(|(i, _)| i)
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    Better,
    Worse,
}

impl Polarity {
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Better => "better",
            Polarity::Worse => "worse",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub label: String,
    /// A few short words for narrow places (heatmap columns), e.g. "Feel
    /// isolated". Left out, the label is used.
    #[serde(default)]
    pub short: Option<String>,
    pub section: String,
    pub question: String,
    /// Answers that count towards the indicator.
    pub counts: Vec<String>,
    /// Answers removed from the base (e.g. "I have not done any training").
    #[serde(default)]
    pub base_excludes: Vec<String>,
    pub higher_is: Polarity,
}

impl Default for GroupSpec {
    fn default() -> Self {
        GroupSpec {
            question: String::new(),
            label: default_group_label(),
            not_stated: default_not_stated(),
            other: default_other(),
            ignore_prefixes: Vec::new(),
            values: Vec::new(),
            residual: Vec::new(),
            merged: default_merged(),
        }
    }
}

fn default_group_label() -> String {
    "Group".into()
}
fn default_merged() -> String {
    "Other or not stated".into()
}
fn default_not_stated() -> String {
    "Not stated".into()
}
fn default_other() -> String {
    "Other".into()
}

impl Template {
    pub fn builtin() -> Template {
        // The built-in template is tested; failing here is a build defect, not user input.
        Template::from_toml(BUILTIN_TOML, "built-in template").expect("built-in template is valid")
    }

    /// Loads `--config FILE`, or the built-in template when none is given.
    pub fn load(path: Option<&Path>) -> Result<Template> {
        match path {
            None => Ok(Template::builtin()),
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read config {}", p.display()))?;
                Template::from_toml(&text, &p.display().to_string())
            }
        }
    }

    pub fn from_toml(text: &str, origin: &str) -> Result<Template> {
        let mut t: Template = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("invalid config {origin}: {}", e.to_string().trim()))?;
        if t.group.values.is_empty()
            && let Some(q) = t.question(&t.group.question)
        {
            t.group.values = q
                .options
                .iter()
                .map(|o| GroupValue {
                    name: o.clone(),
                    aliases: Vec::new(),
                })
                .collect();
        }
        t.validate()
            .with_context(|| format!("invalid config {origin}"))?;
        Ok(t)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Whether respondents are grouped at all: a survey with no column
    /// that could group them is reported as All alone.
    pub fn grouped(&self) -> bool {
        !self.group.question.is_empty()
    }

    /// The grouping question, when there is one (validated to exist).
    pub fn group_question(&self) -> Option<&Question> {
        self.question(&self.group.question)
    }

    /// Questions that are analysed (everything but the group question), in order.
    pub fn analysed_questions(&self) -> impl Iterator<Item = &Question> {
        self.questions
            .iter()
            .filter(|q| q.id != self.group.question)
    }

    /// Checks everything serde cannot: references between ids, and answer
    /// lists that must name real options. Each error names the offending key.
    fn validate(&self) -> Result<()> {
        match self.question(&self.group.question) {
            None if !self.grouped() => {}
            None => bail!(
                "group.question: `{}` is not the id of any [[questions]] entry",
                self.group.question
            ),
            Some(q) if q.kind != Kind::Single => bail!(
                "group.question: `{}` must be a single-choice question, it is {}",
                q.id,
                q.kind.as_str()
            ),
            Some(_) => {}
        }
        for r in &self.group.residual {
            if !self.group.values.iter().any(|g| key(&g.name) == key(r)) {
                bail!(
                    "group.residual: `{r}` is not one of the group values ({})",
                    self.group
                        .values
                        .iter()
                        .map(|g| g.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        let mut seen = std::collections::HashSet::new();
        for q in &self.questions {
            if q.id.trim().is_empty() {
                bail!("questions: a question has an empty `id`");
            }
            if !seen.insert(q.id.as_str()) {
                bail!("questions: duplicate question id `{}`", q.id);
            }
            let is_group = q.id == self.group.question;
            match q.kind {
                Kind::Text if !q.options.is_empty() => {
                    bail!("questions.{}.options: a text question has no options", q.id);
                }
                Kind::Text => {}
                _ if q.options.is_empty() && !is_group => {
                    bail!(
                        "questions.{}.options: a {} question needs at least one option",
                        q.id,
                        q.kind.as_str()
                    );
                }
                _ => {}
            }
            if matches!(q.kind, Kind::Single | Kind::Likert) && q.options.len() > MAX_CHOICE_OPTIONS
            {
                bail!(
                    "questions.{}.options: a {} question may have at most {MAX_CHOICE_OPTIONS} options, found {}",
                    q.id,
                    q.kind.as_str(),
                    q.options.len()
                );
            }
            if q.kind == Kind::Multi && q.options.len() > MAX_MULTI_OPTIONS {
                bail!(
                    "questions.{}.options: a multi question may have at most {MAX_MULTI_OPTIONS} options, found {}",
                    q.id,
                    q.options.len()
                );
            }
            let mut opts = std::collections::HashSet::new();
            for o in &q.options {
                if !opts.insert(key(o)) {
                    bail!("questions.{}.options: option `{o}` is listed twice", q.id);
                }
            }
            if !is_group && !self.sections.iter().any(|s| s.id == q.section) {
                bail!(
                    "questions.{}.section: `{}` is not one of the [[sections]] ids ({})",
                    q.id,
                    q.section,
                    self.sections
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        if self.grouped() && self.group.values.is_empty() {
            bail!(
                "group.values: list at least one group, or give question `{}` its options",
                self.group.question
            );
        }
        let mut ind_ids = std::collections::HashSet::new();
        for ind in &self.indicators {
            if !ind_ids.insert(ind.id.as_str()) {
                bail!("indicators: duplicate indicator id `{}`", ind.id);
            }
            let Some(q) = self.question(&ind.question) else {
                bail!(
                    "indicators.{}.question: `{}` is not a question id",
                    ind.id,
                    ind.question
                );
            };
            if q.kind == Kind::Text || q.id == self.group.question {
                bail!(
                    "indicators.{}.question: `{}` cannot be an indicator (it is a text or group question)",
                    ind.id,
                    q.id
                );
            }
            if ind.counts.is_empty() {
                bail!("indicators.{}.counts: list at least one answer", ind.id);
            }
            for (field, list) in [
                ("counts", &ind.counts),
                ("base_excludes", &ind.base_excludes),
            ] {
                for a in list {
                    if !q.options.iter().any(|o| key(o) == key(a)) {
                        bail!(
                            "indicators.{}.{field}: `{a}` is not an option of question `{}`",
                            ind.id,
                            q.id
                        );
                    }
                }
            }
            if !self.sections.iter().any(|s| s.id == ind.section) {
                bail!(
                    "indicators.{}.section: `{}` is not one of the [[sections]] ids",
                    ind.id,
                    ind.section
                );
            }
        }
        let mut finding_ids = std::collections::HashSet::new();
        for f in &self.findings {
            if !finding_ids.insert(f.id.as_str()) {
                bail!("findings: duplicate finding id `{}`", f.id);
            }
            if f.indicators.is_empty() && f.questions.is_empty() {
                bail!(
                    "findings.{}: name at least one of `indicators` or `questions` that measure it",
                    f.id
                );
            }
            for i in &f.indicators {
                if !ind_ids.contains(i.as_str()) {
                    bail!("findings.{}.indicators: `{i}` is not an indicator id", f.id);
                }
            }
            for q in &f.questions {
                match self.question(q) {
                    None => bail!("findings.{}.questions: `{q}` is not a question id", f.id),
                    Some(q) if q.kind == Kind::Text || q.id == self.group.question => bail!(
                        "findings.{}.questions: `{}` is a text or group question, which has no figures to state",
                        f.id,
                        q.id
                    ),
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One-answer codes are two bytes: a question with more options than
    /// they can hold is refused when the template is read, not mid-run.
    #[test]
    fn a_one_answer_question_with_too_many_options_is_refused() {
        let builtin = include_str!("sel.toml");
        let many: Vec<String> = (0..=MAX_CHOICE_OPTIONS)
            .map(|i| format!("\"o{i}\""))
            .collect();
        let at = builtin
            .find("id = \"tenure\"")
            .expect("the SEL template has tenure");
        let opts = at + builtin[at..].find("options = [").unwrap();
        let end = opts + builtin[opts..].find(']').unwrap() + 1;
        let text = format!(
            "{}options = [{}]{}",
            &builtin[..opts],
            many.join(","),
            &builtin[end..]
        );
        let err = format!("{:#}", Template::from_toml(&text, "t.toml").unwrap_err());
        assert!(err.contains("at most 65535 options, found 65536"), "{err}");
    }

    #[test]
    fn builtin_template_has_every_instrument_question_and_indicator() {
        let t = Template::builtin();
        let ids: Vec<_> = t.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "borough",
                "org_type",
                "role",
                "tenure",
                "activities",
                "involvement",
                "confidence",
                "trained",
                "providers",
                "training_route",
                "barriers",
                "peer_support",
                "manager_support",
                "isolation",
                "role_defined",
                "join_cop",
                "helps",
                "comments"
            ]
        );
        assert_eq!(t.indicators.len(), 9);
        assert_eq!(t.group.values.len(), 7);
        // The three findings the survey exists for, each measured by something.
        let findings: Vec<_> = t.findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(findings, ["role_use", "support", "training"]);
    }

    #[test]
    fn a_finding_must_name_real_measures() {
        let bad = BUILTIN_TOML.replace(
            "indicators = [\"feels_isolated\"",
            "indicators = [\"feels_lonely\"",
        );
        let err = format!("{:#}", Template::from_toml(&bad, "x.toml").unwrap_err());
        assert!(
            err.contains("findings.support.indicators") && err.contains("feels_lonely"),
            "{err}"
        );
        let bad = BUILTIN_TOML.replace(
            "questions = [\"involvement\", \"activities\"]",
            "questions = [\"comments\"]",
        );
        let err = format!("{:#}", Template::from_toml(&bad, "x.toml").unwrap_err());
        assert!(err.contains("findings.role_use.questions"), "{err}");
    }

    #[test]
    fn the_minimal_template_in_the_docs_is_valid() {
        let doc = include_str!("../../docs/template.md");
        let start = doc.rfind("```toml\n").expect("docs have a toml example") + 8;
        let end = start + doc[start..].find("```").unwrap();
        let t = Template::from_toml(&doc[start..end], "docs/template.md").unwrap();
        assert_eq!(t.group.label, "PCN");
        assert_eq!(t.analysed_questions().count(), 1);
    }

    #[test]
    fn unknown_key_is_named() {
        let bad = BUILTIN_TOML.replace("higher_is = \"worse\"", "higer_is = \"worse\"");
        let err = format!("{:#}", Template::from_toml(&bad, "x.toml").unwrap_err());
        assert!(err.contains("higer_is"), "{err}");
        assert!(err.contains("x.toml"), "{err}");
    }

    #[test]
    fn indicator_answer_must_be_an_option() {
        let bad = BUILTIN_TOML.replace(
            "counts = [\"Agree\", \"Strongly agree\"]",
            "counts = [\"Agreed\"]",
        );
        let err = format!("{:#}", Template::from_toml(&bad, "x.toml").unwrap_err());
        assert!(err.contains("indicators.feels_isolated.counts"), "{err}");
        assert!(err.contains("Agreed"), "{err}");
    }

    #[test]
    fn group_question_must_exist() {
        let bad = BUILTIN_TOML.replace("question = \"borough\"", "question = \"area\"");
        let err = format!("{:#}", Template::from_toml(&bad, "x.toml").unwrap_err());
        assert!(err.contains("group.question"), "{err}");
    }
}
