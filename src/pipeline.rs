//! The pipeline the commands share: read the inputs into one survey and
//! analyse it (`summarise`, used by `report` and by `compare` on raw
//! exports), then write a report folder from the `Summary` alone (`write`).
//! `trend` starts from summaries already written, so it needs neither.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::cli::{Format, ReadArgs, ReportArgs};
use crate::normalise::Normaliser;
use crate::output::Staged;
use crate::render;
use crate::summary::Summary;
use crate::survey::{Kind, Template};
use crate::{analysis, load};

/// What one `report` run will do, resolved once from the command line
/// (validated numbers, the template read, the default folder chosen), so the
/// steps below never look at raw arguments.
pub struct Plan {
    pub template: Template,
    pub inputs: Vec<PathBuf>,
    /// `--out`; without it the folder is chosen per wave once the wave is
    /// known (see [`Plan::out`]).
    out: Option<PathBuf>,
    pub formats: Vec<Format>,
    pub policy: analysis::Policy,
    pub wave: Option<String>,
    /// The date printed on the paper.
    pub date: String,
    pub previous: Option<PathBuf>,
    pub max_memory: Option<u64>,
    pub quiet: bool,
    /// Print summary.json on stdout instead of the headline table.
    pub json: bool,
    read: ReadArgs,
}

impl Plan {
    pub fn resolve(args: ReportArgs) -> Result<Plan> {
        let policy = analysis::Policy::new(args.min_cell, args.round, args.quotes)?;
        let template = Template::load(args.config.as_deref())?;
        let date = match args.date {
            Some(d) => d,
            None => crate::dates::paper_date(
                std::env::var("SOURCE_DATE_EPOCH")
                    .ok()
                    .filter(|v| !v.is_empty())
                    .as_deref(),
            )?,
        };
        Ok(Plan {
            template,
            inputs: args.inputs,
            out: args.out,
            date,
            formats: args.format,
            policy,
            wave: args.wave,
            previous: args.previous,
            max_memory: args.max_memory,
            quiet: args.quiet,
            json: args.json,
            read: args.read,
        })
    }

    /// How to read the inputs, reporting to `progress`.
    pub fn read_options(&self, progress: crate::progress::Progress) -> load::Options {
        self.read.options(progress)
    }
}

impl Plan {
    /// The folder given with `--out`, if any: checked before the inputs are
    /// read, so a bad destination costs nothing.
    pub fn explicit_out(&self) -> Option<&Path> {
        self.out.as_deref()
    }

    /// Where the report goes: `--out`, or `reports/<stem of the first
    /// input>/<wave>/`, so that next quarter's `responses.xlsx` never
    /// replaces this quarter's report.
    pub fn out(&self, wave: Option<&str>) -> PathBuf {
        if let Some(o) = &self.out {
            return o.clone();
        }
        let stem = self.inputs[0]
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "report".into());
        Path::new("reports").join(stem).join(wave_folder(wave))
    }
}

/// A wave label as a folder name: `2026 Q3` -> `2026-Q3`; characters that
/// are unsafe in a file name become `-`; no wave (no dates) -> `undated`.
pub fn wave_folder(wave: Option<&str>) -> String {
    let slug: String = wave
        .unwrap_or_default()
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches(['-', '.']).to_string();
    if slug.is_empty() {
        "undated".into()
    } else {
        slug
    }
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
        infos.push(load::read_split(path, opts, &mut norm)?);
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

/// Writes every format asked for into the staged folder, from the summary
/// alone. Each chart is laid out once and drawn once per image format.
pub fn write(summary: &Summary, formats: &[Format], staged: &Staged) -> Result<()> {
    let wants = |f: Format| formats.contains(&f);
    let planned = render::charts::plan(summary);
    // SVGs are needed by the markdown links and inlined in the HTML.
    let mut charts = Vec::new();
    let drawn = wants(Format::Svg) || wants(Format::Html) || wants(Format::Png);
    // Each chart is laid out once, for both its SVG and its PNG.
    let heights = if drawn {
        on_every_core(&planned, |c| {
            render::charts::height(&render::charts::Plot::Report(summary, c))
        })?
    } else {
        Vec::new()
    };
    let jobs: Vec<_> = planned.iter().zip(heights).collect();
    if wants(Format::Svg) || wants(Format::Html) {
        let svgs = on_every_core(&jobs, |(c, h)| {
            render::charts::svg_sized(&render::charts::Plot::Report(summary, c), *h)
        })?;
        for (c, svg) in planned.iter().zip(svgs) {
            if wants(Format::Svg) {
                let file = render::charts::titled(&svg, &c.title, &c.alt);
                staged.write(&format!("charts/{}.svg", c.id), file.as_bytes())?;
            }
            charts.push((c.clone(), svg));
        }
    }
    // The PNGs take longest (a report with 70 groups draws 200 million
    // pixels), so they are drawn on their own threads while this one writes
    // the text formats.
    std::thread::scope(|scope| {
        let pngs = wants(Format::Png).then(|| {
            let (planned, jobs) = (&planned, &jobs);
            scope.spawn(move || -> Result<()> {
                let paths = planned
                    .iter()
                    .map(|c| staged.path(&format!("charts/{}.png", c.id)))
                    .collect::<Result<Vec<_>>>()?;
                let jobs: Vec<_> = jobs.iter().zip(&paths).collect();
                on_every_core(&jobs, |((c, h), path)| {
                    render::charts::png_sized(&render::charts::Plot::Report(summary, c), path, *h)
                })?;
                Ok(())
            })
        });
        let text = write_text(summary, formats, staged, &planned, &charts);
        if let Some(pngs) = pngs {
            pngs.join()
                .map_err(|_| anyhow::anyhow!("drawing the charts failed"))??;
        }
        text
    })
}

/// The formats that are text (and the workbook), from the summary and the
/// drawn SVGs.
fn write_text(
    summary: &Summary,
    formats: &[Format],
    staged: &Staged,
    planned: &[render::charts::Chart],
    charts: &[(render::charts::Chart, String)],
) -> Result<()> {
    let wants = |f: Format| formats.contains(&f);
    if wants(Format::Html) {
        staged.write(
            "report.html",
            render::html::render(summary, charts).as_bytes(),
        )?;
    }
    if wants(Format::Json) {
        staged.write("summary.json", render::json::render(summary)?.as_bytes())?;
    }
    if wants(Format::Xlsx) {
        staged.write("report.xlsx", &render::xlsx::render(summary)?)?;
    }
    if wants(Format::Csv) {
        for q in summary.questions.iter().filter(|q| q.kind != Kind::Text) {
            staged.write(
                &format!("tables/{}.csv", q.id),
                render::tables::question(summary, q)?.as_bytes(),
            )?;
        }
        staged.write(
            "tables/indicators.csv",
            render::tables::indicators(summary)?.as_bytes(),
        )?;
    }
    if wants(Format::Md) {
        let linked: Vec<_> = if wants(Format::Svg) {
            planned.to_vec()
        } else {
            vec![]
        };
        staged.write(
            "report.md",
            render::markdown::render(summary, &linked).as_bytes(),
        )?;
    }
    Ok(())
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
