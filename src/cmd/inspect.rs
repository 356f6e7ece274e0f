//! `survey-lens inspect`: what the tool sees in an export before it reports on
//! it. This is the first thing to run on a file that does not work, or on a
//! survey that is not the built-in one.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

use anyhow::{Result, bail};
use comfy_table::{Cell, CellAlignment};

use serde::Serialize;

use crate::cli::InspectArgs;
use crate::load::{self, Header, Record, RowNo, Sink};
use crate::normalise::{ColumnPlan, ColumnUse, Normaliser, Unmatched, missing_group_message};
use crate::render::describe_input;
use crate::render::terminal::table;
use crate::summary::InputInfo;
use crate::survey::{Kind, Template};

/// Counts answered cells per column and passes rows on to the normaliser
/// when the file can be analysed at all.
struct Inspector<'t> {
    template: &'t Template,
    norm: Normaliser<'t>,
    header: Option<Header>,
    plan: Option<ColumnPlan>,
    answered: Vec<u64>,
    analysable: bool,
}

impl Sink for Inspector<'_> {
    fn header(&mut self, header: &Header) -> Result<()> {
        let plan = ColumnPlan::new(self.template, header);
        self.analysable = plan.group_col.is_some() || !self.template.grouped();
        if self.analysable {
            self.norm.header(header)?;
        }
        self.answered = vec![0; header.columns.len()];
        self.header = Some(header.clone());
        self.plan = Some(plan);
        Ok(())
    }

    fn row(&mut self, row: RowNo, record: &Record) -> Result<()> {
        for (n, cell) in self.answered.iter_mut().zip(record.iter()) {
            *n += u64::from(!cell.trim().is_empty());
        }
        if self.analysable {
            self.norm.row(row, record)?;
        }
        Ok(())
    }
}

/// What `inspect` saw, for people (the tables below) and for scripts
/// (`inspect --json`): one model, so the two never disagree.
#[derive(Debug, Serialize)]
pub struct Inspection {
    pub schema: &'static str,
    pub files: Vec<FileInspection>,
    /// Answers that match no option of their question, over all files.
    pub unmatched: Vec<Unmatched>,
}

#[derive(Debug, Serialize)]
pub struct FileInspection {
    pub input: InputInfo,
    /// Responses after unfinished and preview/test/spam rows are left out.
    pub responses: u64,
    pub columns: Vec<ColumnInspection>,
    pub identity_dropped: Vec<String>,
    pub unclaimed: Vec<String>,
    /// Template questions with no column in this file.
    pub questions_absent: Vec<String>,
    /// Why `report` cannot group this file's responses, when it cannot.
    pub group_missing: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ColumnInspection {
    pub column: String,
    pub role: Role,
    /// The question it maps to (or repeats), if any.
    pub question: Option<String>,
    pub kind: Option<Kind>,
    /// Rows with anything in this column.
    pub answered: u64,
}

/// What a column is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Group,
    Question,
    Repeat,
    ResponseId,
    PersonalData,
    Metadata,
    Unclaimed,
}

/// Reads every input and says what was seen.
fn inspect(args: &InspectArgs, template: &Template) -> Result<Inspection> {
    let (progress, shown) = crate::progress::for_inputs(&args.inputs, args.json);
    let opts = args.read.options(progress);
    let questions: Vec<_> = template.analysed_questions().collect();
    let mut ins = Inspector {
        template,
        norm: Normaliser::new(template),
        header: None,
        plan: None,
        answered: vec![],
        analysable: true,
    };
    let mut files = Vec::new();
    for path in &args.inputs {
        let info = load::read(path, &opts, &mut ins)?;
        let (header, plan) = (
            ins.header.take().expect("header seen"),
            ins.plan.take().expect("planned"),
        );
        let columns: Vec<ColumnInspection> = header
            .columns
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let (role, q) = match plan.uses[i] {
                    ColumnUse::Group => (Role::Group, None),
                    ColumnUse::Question(qi) => (Role::Question, Some(questions[qi])),
                    ColumnUse::Repeat(qi) => (Role::Repeat, Some(questions[qi])),
                    ColumnUse::Id => (Role::ResponseId, None),
                    ColumnUse::Identity => (Role::PersonalData, None),
                    ColumnUse::Metadata => (Role::Metadata, None),
                    ColumnUse::Unclaimed => (Role::Unclaimed, None),
                };
                let (question, kind) = match (role, q) {
                    (Role::Group, _) => (Some(template.group.question.clone()), Some(Kind::Single)),
                    (Role::Question, Some(q)) => (Some(q.id.clone()), Some(q.kind)),
                    (_, Some(q)) => (Some(q.id.clone()), None),
                    _ => (None, None),
                };
                ColumnInspection {
                    column: name.clone(),
                    role,
                    question,
                    kind,
                    answered: ins.answered[i],
                }
            })
            .collect();
        let named = |r: &[Role]| -> Vec<String> {
            columns
                .iter()
                .filter(|c| r.contains(&c.role))
                .map(|c| c.column.clone())
                .collect()
        };
        let group_missing = (plan.group_col.is_none() && template.grouped())
            .then(|| missing_group_message(template, &header));
        files.push(FileInspection {
            responses: info.rows - info.incomplete_excluded - info.screened_excluded,
            identity_dropped: named(&[Role::ResponseId, Role::PersonalData]),
            unclaimed: named(&[Role::Unclaimed]),
            questions_absent: questions
                .iter()
                .zip(&plan.question_cols)
                .filter(|(_, c)| c.is_none())
                .map(|(q, _)| q.id.clone())
                .collect(),
            group_missing,
            columns,
            input: info,
        });
    }
    drop(shown);
    Ok(Inspection {
        schema: "survey-lens.inspection.v1",
        files,
        unmatched: ins.norm.unmatched(),
    })
}

/// The inspection as the terminal shows it.
fn render(ins: &Inspection, width: u16) -> String {
    let mut out = String::new();
    for f in &ins.files {
        let info = &f.input;
        let _ = writeln!(out, "{}", info.file);
        let _ = writeln!(
            out,
            "  {} · {} header row{} · {} responses{}",
            describe_input(info),
            info.header_rows,
            if info.header_rows == 1 { "" } else { "s" },
            f.responses,
            left_out(info)
        );
        let mut t = table(width);
        t.set_header(["Column", "Maps to", "Kind", "Answered"]);
        for c in &f.columns {
            let q = c.question.as_deref().unwrap_or_default();
            let maps = match c.role {
                Role::Group => format!("{q} (group)"),
                Role::Question => q.to_string(),
                Role::Repeat => format!("repeat of {q}, ignored"),
                Role::ResponseId => "response id (dropped)".into(),
                Role::PersonalData => "personal data (dropped)".into(),
                Role::Metadata => "platform metadata (ignored)".into(),
                Role::Unclaimed => "—".into(),
            };
            t.add_row(vec![
                Cell::new(&c.column),
                Cell::new(maps),
                Cell::new(c.kind.map_or("", Kind::as_str)),
                Cell::new(c.answered).set_alignment(CellAlignment::Right),
            ]);
        }
        let _ = writeln!(out, "{t}");
        let _ = writeln!(
            out,
            "  Identity columns dropped: {}",
            list_or_none(&f.identity_dropped)
        );
        let _ = writeln!(
            out,
            "  Columns no question claims: {}",
            list_or_none(&f.unclaimed)
        );
        let _ = writeln!(
            out,
            "  Template questions not in this file: {}",
            list_or_none(&f.questions_absent)
        );
        if let Some(m) = &f.group_missing {
            let _ = writeln!(out, "  ✗ {}", m.replace('\n', "\n  "));
        }
        out.push('\n');
    }
    if ins.unmatched.is_empty() {
        out.push_str("Every answer matches a known option.\n");
    } else {
        out.push_str("Answers that match no known option:\n");
        let mut t = table(width);
        t.set_header(["Question", "Answer", "Count", "Treated as"]);
        for u in &ins.unmatched {
            t.add_row(vec![
                Cell::new(&u.question),
                Cell::new(&u.answer),
                Cell::new(u.count).set_alignment(CellAlignment::Right),
                Cell::new(&u.treatment),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    out
}

pub fn run(args: InspectArgs) -> Result<()> {
    let template = Template::load(args.config.as_deref())?;
    let ins = inspect(&args, &template)?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &ins)?;
        writeln!(stdout)?;
    } else {
        let width = crate::render::terminal::width(std::io::stdout().is_terminal());
        stdout.write_all(render(&ins, width).as_bytes())?;
    }
    stdout.flush()?;
    let missing: Vec<&str> = ins
        .files
        .iter()
        .filter(|f| f.group_missing.is_some())
        .map(|f| f.input.file.as_str())
        .collect();
    if !missing.is_empty() {
        bail!(
            "no group column in {}: `report` cannot break these responses down",
            missing.join(", ")
        );
    }
    Ok(())
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// " (4 unfinished, 2 preview, test or spam left out)", or nothing.
fn left_out(info: &crate::summary::InputInfo) -> String {
    let mut parts = Vec::new();
    if info.incomplete_excluded > 0 {
        parts.push(format!("{} unfinished", info.incomplete_excluded));
    }
    if info.screened_excluded > 0 {
        parts.push(format!("{} preview, test or spam", info.screened_excluded));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({} left out)", parts.join(", "))
    }
}
