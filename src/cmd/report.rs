//! `survey-lens report`: load, normalise, analyse, render, and write the
//! report folder in one step.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::cli::{Format, ReportArgs};
use crate::normalise::Normaliser;
use crate::output::Staged;
use crate::render;
use crate::summary::Summary;
use crate::survey::{Kind, Template};
use crate::{analysis, load};

pub fn run(args: ReportArgs) -> Result<()> {
    let template = Template::load(args.config.as_deref())?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.inputs[0]));
    // Refuse an unsafe destination before spending time on the inputs.
    let staged = Staged::new(&out, &args.inputs)?;
    let opts = load::Options {
        sheet: args.sheet.clone(),
    };
    let summary = summarise(&template, &args.inputs, &opts, args.min_cell)?;

    let wants = |f: Format| args.format.contains(&f);
    if wants(Format::Json) {
        staged.write("summary.json", render::json::render(&summary)?.as_bytes())?;
    }
    if wants(Format::Csv) {
        for q in summary
            .questions
            .iter()
            .filter(|q| q.kind != Kind::Text.as_str())
        {
            staged.write(
                &format!("tables/{}.csv", q.id),
                render::tables::question(q)?.as_bytes(),
            )?;
        }
        staged.write(
            "tables/indicators.csv",
            render::tables::indicators(&summary)?.as_bytes(),
        )?;
    }
    if wants(Format::Md) {
        staged.write("report.md", render::markdown::render(&summary).as_bytes())?;
    }
    staged.commit()?;

    if !args.quiet {
        let stdout = std::io::stdout();
        let width = terminal_width(stdout.is_terminal());
        let mut lock = stdout.lock();
        lock.write_all(render::terminal::headline(&summary, width).as_bytes())?;
        lock.flush()?;
        eprintln!(
            "Report for {} responses written to {}",
            summary.responses.analysed,
            out.display()
        );
    }
    Ok(())
}

/// Reads every input into one survey and analyses it.
pub fn summarise(
    template: &Template,
    inputs: &[PathBuf],
    opts: &load::Options,
    min_cell: u32,
) -> Result<Summary> {
    let mut norm = Normaliser::new(template);
    let mut infos = Vec::with_capacity(inputs.len());
    for path in inputs {
        infos.push(load::read(path, opts, &mut norm)?);
    }
    if norm.questions_found() == 0 {
        bail!(
            "{}: the header row matches none of the {} questions of the template \"{}\" (only the group column was found). \
             Run `survey-lens inspect` to see how the columns were read, or pass --config for a different survey",
            infos
                .iter()
                .map(|i| i.file.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            template.analysed_questions().count(),
            template.title
        );
    }
    analysis::analyse(template, norm.finish(), infos, min_cell)
}

/// `reports/<stem of the first input>/`.
fn default_out(first: &Path) -> PathBuf {
    let stem = first
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "report".into());
    Path::new("reports").join(stem)
}

/// The terminal's width when printing to one; otherwise `COLUMNS` or 120, so
/// piped and tested output does not depend on the machine.
pub fn terminal_width(is_tty: bool) -> u16 {
    if is_tty && let Some(w) = comfy_table::Table::new().width() {
        return w;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(120)
}
