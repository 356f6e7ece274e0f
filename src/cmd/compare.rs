//! `survey-lens compare PREVIOUS CURRENT`: what changed between two waves.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::analysis::{self, change};
use crate::cli::CompareArgs;
use crate::load;
use crate::output::Staged;
use crate::render;
use crate::summary::Summary;
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
    let policy = analysis::Policy::new(args.min_cell, None, 0)?;
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
        lock.write_all(render::terminal::comparison(&c, width).as_bytes())?;
        lock.flush()?;
        eprintln!("Comparison written to {}", args.out.display());
    }
    Ok(())
}
