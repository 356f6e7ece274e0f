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
    let mut summary = summarise(&template, &args.inputs, &opts, policy)?;
    if let Some(w) = &args.wave {
        summary.wave = Some(w.clone());
    }
    if let Some(prev) = &args.previous {
        let previous = analysis::change::read_summary(prev)?;
        summary.change = Some(analysis::change::compare(&previous, &summary)?);
    }

    progress.stage("Writing the report");
    let wants = |f: Format| args.format.contains(&f);
    let planned = render::charts::plan(&summary);
    // SVGs are needed by the markdown links and inlined in the HTML.
    let mut charts = Vec::new();
    let drawn = wants(Format::Svg) || wants(Format::Html) || wants(Format::Png);
    // Each chart is laid out once, for both its SVG and its PNG.
    let heights = if drawn {
        on_every_core(&planned, |c| {
            render::charts::height(&render::charts::Plot::Report(&summary, c))
        })?
    } else {
        Vec::new()
    };
    let jobs: Vec<_> = planned.iter().zip(heights).collect();
    if wants(Format::Svg) || wants(Format::Html) {
        let svgs = on_every_core(&jobs, |(c, h)| {
            render::charts::svg_sized(&render::charts::Plot::Report(&summary, c), *h)
        })?;
        for (c, svg) in planned.iter().zip(svgs) {
            if wants(Format::Svg) {
                staged.write(&format!("charts/{}.svg", c.id), svg.as_bytes())?;
            }
            charts.push((c.clone(), svg));
        }
    }
    if wants(Format::Png) {
        let paths = planned
            .iter()
            .map(|c| staged.path(&format!("charts/{}.png", c.id)))
            .collect::<Result<Vec<_>>>()?;
        let jobs: Vec<_> = jobs.iter().zip(&paths).collect();
        on_every_core(&jobs, |((c, h), path)| {
            render::charts::png_sized(&render::charts::Plot::Report(&summary, c), path, *h)
        })?;
    }
    if wants(Format::Html) {
        staged.write(
            "report.html",
            render::html::render(&summary, &charts).as_bytes(),
        )?;
    }
    if wants(Format::Json) {
        staged.write("summary.json", render::json::render(&summary)?.as_bytes())?;
    }
    if wants(Format::Csv) {
        for q in summary.questions.iter().filter(|q| q.kind != Kind::Text) {
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
        let linked: Vec<_> = if wants(Format::Svg) {
            planned.clone()
        } else {
            vec![]
        };
        staged.write(
            "report.md",
            render::markdown::render(&summary, &linked).as_bytes(),
        )?;
    }
    staged.commit()?;
    drop(shown);

    if !args.quiet {
        let stdout = std::io::stdout();
        let tty = stdout.is_terminal();
        let color = use_color(tty, std::env::var_os("NO_COLOR"));
        let mut lock = stdout.lock();
        lock.write_all(
            render::terminal::headline(&summary, terminal_width(tty), color).as_bytes(),
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

/// Reads every input into one survey and analyses it.
pub fn summarise(
    template: &Template,
    inputs: &[PathBuf],
    opts: &load::Options,
    policy: analysis::Policy,
) -> Result<Summary> {
    let mut norm = Normaliser::new(template);
    if policy.quotes > 0 {
        norm = norm.keep_text();
    }
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
    opts.progress.stage("Analysing");
    analysis::analyse(template, norm.finish(), infos, policy)
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

/// `f` over `items` on every core, results in the items' order: a report
/// with a hundred groups draws dozens of large charts, each on its own.
/// Items are dealt round, as charts of one kind sit together and differ in
/// size.
fn on_every_core<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    let cores = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..cores)
            .map(|w| {
                scope.spawn(move || {
                    items
                        .iter()
                        .enumerate()
                        .skip(w)
                        .step_by(cores)
                        .map(|(i, item)| f(item).map(|r| (i, r)))
                        .collect::<Result<Vec<(usize, R)>>>()
                })
            })
            .collect();
        let mut out: Vec<(usize, R)> = Vec::with_capacity(items.len());
        for w in workers {
            out.extend(
                w.join()
                    .map_err(|_| anyhow::anyhow!("drawing the charts failed"))??,
            );
        }
        out.sort_by_key(|(i, _)| *i);
        Ok(out.into_iter().map(|(_, r)| r).collect())
    })
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
