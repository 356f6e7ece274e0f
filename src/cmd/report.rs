//! `survey-lens report`: load, normalise, analyse, render, and write the
//! report folder in one step.

use std::io::{IsTerminal, Write};

use anyhow::Result;

use crate::cli::ReportArgs;
use crate::output::Staged;
use crate::{analysis, pipeline, render};

pub fn run(args: ReportArgs) -> Result<()> {
    let plan = pipeline::Plan::resolve(args)?;
    // Refuse an unsafe destination before spending time on the inputs.
    let early = plan
        .explicit_out()
        .map(|out| Staged::new(out, &plan.inputs))
        .transpose()?;
    crate::budget::check(
        &plan.inputs,
        &plan.template,
        plan.policy.quotes > 0,
        plan.max_memory,
    )?;
    let (progress, shown) = crate::progress::for_inputs(&plan.inputs, plan.quiet);
    let opts = plan.read_options(progress.clone());
    let mut summary = pipeline::summarise(&plan.template, &plan.inputs, &opts, plan.policy)?;
    if let Some(w) = &plan.wave {
        summary.wave = Some(w.clone());
    }
    summary.date = Some(plan.date.clone());
    let out = plan.out(summary.wave.as_deref());
    let staged = match early {
        Some(s) => s,
        None => Staged::new(&out, &plan.inputs)?,
    };
    if let Some(prev) = &plan.previous {
        let previous = analysis::change::read_summary(prev)?;
        summary.change = Some(analysis::change::compare(&previous, &summary)?);
    }

    progress.stage("Writing the report");
    pipeline::write(&summary, &plan.formats, &staged)?;
    staged.commit()?;
    drop(shown);

    let stdout = std::io::stdout();
    if plan.json {
        // summary.json on stdout, nothing else there: `| jq` just works.
        let mut lock = stdout.lock();
        lock.write_all(render::json::render(&summary)?.as_bytes())?;
        lock.flush()?;
    } else if !plan.quiet {
        let tty = stdout.is_terminal();
        let color = use_color(tty, std::env::var_os("NO_COLOR"));
        let mut lock = stdout.lock();
        lock.write_all(
            render::terminal::headline(&summary, render::terminal::width(tty), color).as_bytes(),
        )?;
        lock.flush()?;
    }
    // Figures the audit could not verify are worth a line even under
    // --quiet: the report says it is not for publication, and a script
    // that publishes whatever is written would not read it.
    let d = &summary.disclosure;
    if let Some(banner) = &d.banner
        && (!plan.quiet || d.unverified_figures > 0)
    {
        eprintln!("warning: {banner}");
    }
    if !plan.quiet {
        eprintln!("{}", last_line(&summary, &plan, &out));
    }
    Ok(())
}

/// What a user needs last: how many responses, which wave, and the file to
/// open (report.html when it was written), so the path can be clicked or
/// copied from the end of the output.
fn last_line(s: &crate::summary::Summary, plan: &pipeline::Plan, out: &std::path::Path) -> String {
    use crate::cli::Format;
    let wave = s
        .wave
        .as_deref()
        .map(|w| format!(", wave {w}"))
        .unwrap_or_default();
    let has = |f: Format| plan.formats.contains(&f);
    let open = [
        (Format::Html, "report.html"),
        (Format::Md, "report.md"),
        (Format::Json, "summary.json"),
        (Format::Csv, "tables"),
    ]
    .into_iter()
    .find(|(f, _)| has(*f))
    .map_or("charts", |(_, name)| name);
    let place = out.join(open).display().to_string();
    format!(
        "Report for {}{wave} written to {}: open {place}",
        crate::text::plural(s.responses.analysed, "response", "responses"),
        out.display(),
    )
}

/// Colour only on a terminal, and never when `NO_COLOR` is set to anything
/// (no-color.org): piped output and logs stay plain.
fn use_color(is_tty: bool, no_color: Option<std::ffi::OsString>) -> bool {
    is_tty && no_color.is_none_or(|v| v.is_empty())
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
