//! `survey-lens compare PREVIOUS CURRENT`: what changed between two waves.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::analysis::{self, change};
use crate::cli::{CompareArgs, FailOn};
use crate::load;
use crate::output::Staged;
use crate::render;
use crate::summary::{Direction, Summary};
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

/// `compare`'s exit code when an indicator worsened and `--fail-on worsened`
/// was given (0 success, 1 error and 2 usage are taken).
pub const WORSENED: u8 = 3;

pub fn run(args: CompareArgs) -> Result<ExitCode> {
    let staged = Staged::new(&args.out, &[args.previous.clone(), args.current.clone()])?;
    let previous = wave(&args.previous, &args)?;
    let current = wave(&args.current, &args)?;
    let c = change::compare(&previous, &current)?;
    let mut json = serde_json::to_string_pretty(&c)?;
    json.push('\n');
    staged.write("comparison.json", json.as_bytes())?;
    let doc = render::document::comparison(&c);
    staged.write("comparison.md", render::markdown::emit(&doc).as_bytes())?;
    staged.write(
        "comparison.html",
        render::html::emit(&doc, &[], Some(&c.current.label), None).as_bytes(),
    )?;
    staged.commit()?;
    if args.json {
        let mut lock = std::io::stdout().lock();
        lock.write_all(json.as_bytes())?;
        lock.flush()?;
    } else if !args.quiet {
        let stdout = std::io::stdout();
        let width = render::terminal::width(stdout.is_terminal());
        let mut lock = stdout.lock();
        lock.write_all(render::terminal::comparison(&c, width, args.all).as_bytes())?;
        lock.flush()?;
        eprintln!("Comparison written to {}", args.out.display());
    }
    let worsened = c
        .rows
        .iter()
        .filter(|r| r.direction == Some(Direction::Worsened))
        .count();
    Ok(match args.fail_on {
        Some(FailOn::Worsened) if worsened > 0 => {
            if !args.quiet {
                eprintln!(
                    "{} worsened: exit code {WORSENED} (--fail-on worsened)",
                    crate::text::plural(worsened as u64, "figure", "figures")
                );
            }
            ExitCode::from(WORSENED)
        }
        _ => ExitCode::SUCCESS,
    })
}
