//! `survey-lens report`: load, normalise, analyse, render, and write the
//! report folder in one step.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::ReportArgs;
use crate::output::Staged;
use crate::survey::Template;
use crate::{analysis, pipeline, render};

pub fn run(args: ReportArgs) -> Result<()> {
    let min_cell = crate::cli::min_cell(args.min_cell)?;
    let template = Template::load(args.config.as_deref())?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.inputs[0]));
    // Refuse an unsafe destination before spending time on the inputs.
    let staged = Staged::new(&out, &args.inputs)?;
    crate::budget::check(&args.inputs, &template, args.quotes > 0, args.max_memory)?;
    let (progress, shown) = crate::progress::for_inputs(&args.inputs, args.quiet);
    let opts = args.read.options(progress.clone());
    let policy = analysis::Policy {
        min_cell,
        round: args.round,
        quotes: args.quotes,
    };
    let mut summary = pipeline::summarise(&template, &args.inputs, &opts, policy)?;
    if let Some(w) = &args.wave {
        summary.wave = Some(w.clone());
    }
    if let Some(prev) = &args.previous {
        let previous = analysis::change::read_summary(prev)?;
        summary.change = Some(analysis::change::compare(&previous, &summary)?);
    }

    progress.stage("Writing the report");
    pipeline::write(&summary, &args.format, &staged)?;
    staged.commit()?;
    drop(shown);

    if !args.quiet {
        let stdout = std::io::stdout();
        let tty = stdout.is_terminal();
        let color = use_color(tty, std::env::var_os("NO_COLOR"));
        let mut lock = stdout.lock();
        lock.write_all(
            render::terminal::headline(&summary, render::terminal::width(tty), color).as_bytes(),
        )?;
        lock.flush()?;
        eprintln!(
            "Report for {} responses written to {}",
            summary.responses.analysed,
            out.display()
        );
    }
    Ok(())
}

/// Colour only on a terminal, and never when `NO_COLOR` is set to anything
/// (no-color.org): piped output and logs stay plain.
fn use_color(is_tty: bool, no_color: Option<std::ffi::OsString>) -> bool {
    is_tty && no_color.is_none_or(|v| v.is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(use_color(true, None));
        assert!(!use_color(false, None));
        assert!(!use_color(true, Some("1".into())));
        assert!(use_color(true, Some("".into())));
    }
}
