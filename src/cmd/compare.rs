//! `survey-lens compare PREVIOUS CURRENT`: what changed between two waves.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use comfy_table::{Cell, CellAlignment};

use crate::analysis::{self, change};
use crate::cli::CompareArgs;
use crate::load;
use crate::output::Staged;
use crate::render::{self, pct};
use crate::summary::{Comparison, Summary};
use crate::survey::Template;

/// A wave from a summary.json, a report folder, or the export itself.
fn wave(path: &Path, args: &CompareArgs) -> Result<Summary> {
    let is_summary = path.is_dir()
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_summary {
        return change::read_summary(path);
    }
    let template = Template::load(args.config.as_deref())?;
    crate::budget::check(&[PathBuf::from(path)], &template, false, None)?;
    let policy = analysis::Policy {
        min_cell: crate::cli::min_cell(args.min_cell)?,
        round: None,
        quotes: 0,
    };
    crate::pipeline::summarise(
        &template,
        &[PathBuf::from(path)],
        &load::Options::default(),
        policy,
    )
}

pub fn run(args: CompareArgs) -> Result<()> {
    let staged = Staged::new(&args.out, &[args.previous.clone(), args.current.clone()])?;
    let previous = wave(&args.previous, &args)?;
    let current = wave(&args.current, &args)?;
    let c = change::compare(&previous, &current)?;
    let mut json = serde_json::to_string_pretty(&c)?;
    json.push('\n');
    staged.write("comparison.json", json.as_bytes())?;
    staged.write(
        "comparison.md",
        render::markdown::emit(&render::document::comparison(&c)).as_bytes(),
    )?;
    staged.commit()?;
    if !args.quiet {
        let stdout = std::io::stdout();
        let width = render::terminal::width(stdout.is_terminal());
        let mut lock = stdout.lock();
        lock.write_all(table(&c, width).as_bytes())?;
        lock.flush()?;
        eprintln!("Comparison written to {}", args.out.display());
    }
    Ok(())
}

/// The comparison for the terminal: one row per indicator and group.
pub fn table(c: &Comparison, width: u16) -> String {
    let mut t = render::terminal::table(width);
    t.set_header([
        "Indicator",
        "Group",
        &c.previous.label,
        &c.current.label,
        "Change (points)",
        "Verdict",
    ]);
    for r in &c.rows {
        let num = |v: Option<f64>| {
            Cell::new(v.map(pct).unwrap_or_else(|| "–".into())).set_alignment(CellAlignment::Right)
        };
        let verdict = match (&r.direction, &r.note) {
            (Some(d), _) => d.as_str().to_string(),
            (None, Some(n)) => n.clone(),
            _ => String::new(),
        };
        t.add_row(vec![
            Cell::new(&r.label),
            Cell::new(&r.group),
            num(r.previous),
            num(r.current),
            Cell::new(r.change_pp.map(|v| format!("{v:+.0}")).unwrap_or_default())
                .set_alignment(CellAlignment::Right),
            Cell::new(verdict),
        ]);
    }
    format!("{t}\n")
}
