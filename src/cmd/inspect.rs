//! `survey-lens inspect`: what the tool sees in an export before it reports on
//! it. This is the first thing to run on a file that does not work, or on a
//! survey that is not the built-in one.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

use anyhow::{Result, bail};
use comfy_table::{Cell, CellAlignment};
use csv::StringRecord;

use crate::cli::InspectArgs;
use crate::load::{self, Header, RowNo, Sink};
use crate::normalise::{ColumnPlan, ColumnUse, Normaliser, missing_group_message};
use crate::render::describe_input;
use crate::render::terminal::table;
use crate::survey::Template;

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

    fn row(&mut self, row: RowNo, record: &StringRecord) -> Result<()> {
        for (n, cell) in self.answered.iter_mut().zip(record.iter()) {
            *n += u64::from(!cell.trim().is_empty());
        }
        if self.analysable {
            self.norm.row(row, record)?;
        }
        Ok(())
    }
}

pub fn run(args: InspectArgs) -> Result<()> {
    let template = Template::load(args.config.as_deref())?;
    let (progress, shown) = crate::progress::for_inputs(&args.inputs, false);
    let opts = args.read.options(progress);
    let width = crate::render::terminal::width(std::io::stdout().is_terminal());
    let questions: Vec<_> = template.analysed_questions().collect();
    let mut ins = Inspector {
        template: &template,
        norm: Normaliser::new(&template),
        header: None,
        plan: None,
        answered: vec![],
        analysable: true,
    };
    let mut out = String::new();
    let mut missing_group = Vec::new();
    for path in &args.inputs {
        let info = load::read(path, &opts, &mut ins)?;
        let (header, plan) = (
            ins.header.take().expect("header seen"),
            ins.plan.take().expect("planned"),
        );
        let _ = writeln!(out, "{}", info.file);
        let _ = writeln!(
            out,
            "  {} · {} header row{} · {} responses{}",
            describe_input(&info),
            info.header_rows,
            if info.header_rows == 1 { "" } else { "s" },
            info.rows - info.incomplete_excluded - info.screened_excluded,
            left_out(&info)
        );
        let mut t = table(width);
        t.set_header(["Column", "Maps to", "Kind", "Answered"]);
        let mut identity = Vec::new();
        let mut unclaimed = Vec::new();
        for (i, name) in header.columns.iter().enumerate() {
            let (maps, kind) = match plan.uses[i] {
                ColumnUse::Group => (
                    format!("{} (group)", template.group.question),
                    "single".to_string(),
                ),
                ColumnUse::Question(qi) => (
                    questions[qi].id.clone(),
                    questions[qi].kind.as_str().to_string(),
                ),
                ColumnUse::Repeat(qi) => (
                    format!("repeat of {}, ignored", questions[qi].id),
                    String::new(),
                ),
                ColumnUse::Id => {
                    identity.push(name.clone());
                    ("response id (dropped)".into(), String::new())
                }
                ColumnUse::Identity => {
                    identity.push(name.clone());
                    ("personal data (dropped)".into(), String::new())
                }
                ColumnUse::Metadata => ("platform metadata (ignored)".into(), String::new()),
                ColumnUse::Unclaimed => {
                    unclaimed.push(name.clone());
                    ("—".into(), String::new())
                }
            };
            t.add_row(vec![
                Cell::new(name),
                Cell::new(maps),
                Cell::new(kind),
                Cell::new(ins.answered[i]).set_alignment(CellAlignment::Right),
            ]);
        }
        let _ = writeln!(out, "{t}");
        let _ = writeln!(
            out,
            "  Identity columns dropped: {}",
            list_or_none(&identity)
        );
        let _ = writeln!(
            out,
            "  Columns no question claims: {}",
            list_or_none(&unclaimed)
        );
        let absent: Vec<String> = questions
            .iter()
            .zip(&plan.question_cols)
            .filter(|(_, c)| c.is_none())
            .map(|(q, _)| q.id.clone())
            .collect();
        let _ = writeln!(
            out,
            "  Template questions not in this file: {}",
            list_or_none(&absent)
        );
        if plan.group_col.is_none() && template.grouped() {
            let _ = writeln!(
                out,
                "  ✗ {}",
                missing_group_message(&template, &header).replace('\n', "\n  ")
            );
            missing_group.push(info.file.clone());
        }
        out.push('\n');
    }
    let unmatched = ins.norm.unmatched();
    if unmatched.is_empty() {
        out.push_str("Every answer matches a known option.\n");
    } else {
        out.push_str("Answers that match no known option:\n");
        let mut t = table(width);
        t.set_header(["Question", "Answer", "Count", "Treated as"]);
        for u in &unmatched {
            t.add_row(vec![
                Cell::new(&u.question),
                Cell::new(&u.answer),
                Cell::new(u.count).set_alignment(CellAlignment::Right),
                Cell::new(&u.treatment),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    drop(shown);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    if !missing_group.is_empty() {
        bail!(
            "no group column in {}: `report` cannot break these responses down",
            missing_group.join(", ")
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
