//! `survey-lens trend`: headline indicators across three or more waves.

use anyhow::{Result, bail};

use crate::analysis::change::{read_summary, wave_label};
use crate::cli::TrendArgs;
use crate::output::Staged;
use crate::render::charts;
use crate::render::document::{self, Block, Document, Section, Span, Table};
use crate::render::{indicator_text, markdown, tables};
use crate::summary::{ALL, Summary};

pub fn run(args: TrendArgs) -> Result<()> {
    let staged = Staged::new(&args.out, &args.waves)?;
    let waves: Vec<Summary> = args
        .waves
        .iter()
        .map(|p| read_summary(p))
        .collect::<Result<_>>()?;
    let last = waves.last().expect("clap requires three");
    let ids: Vec<&str> = last
        .indicators
        .iter()
        .map(|i| i.id.as_str())
        .filter(|id| {
            waves
                .iter()
                .all(|w| w.indicators.iter().any(|i| i.id == *id))
        })
        .collect();
    if ids.is_empty() {
        bail!(
            "the waves share no headline indicator ids; were they made with different templates?"
        );
    }

    // trend.csv, long form.
    staged.write("trend.csv", tables::trend(&waves, &ids)?.as_bytes())?;

    // trend.md: a table per indicator, groups by waves, and its chart.
    let labels: Vec<String> = waves.iter().map(wave_label).collect();
    let mut sections = Vec::new();
    for id in &ids {
        let ind = last
            .indicators
            .iter()
            .find(|i| i.id == *id)
            .expect("filtered");
        let title = format!("{}, by wave", ind.label);
        let chart_id = format!("trend-{id}");
        let plot = charts::Plot::Trend {
            waves: &waves,
            indicator: id,
            title: &title,
        };
        staged.write(
            &format!("charts/{chart_id}.svg"),
            charts::titled(
                &charts::svg(&plot)?,
                &title,
                &format!("{} by wave, one line per group.", ind.label),
            )
            .as_bytes(),
        )?;
        charts::png(&plot, &staged.path(&format!("charts/{chart_id}.png"))?)?;
        let mut header = vec![document::text(&last.group_label)];
        header.extend(labels.iter().map(document::text));
        let rows = std::iter::once(ALL)
            .chain(last.groups.iter().map(String::as_str))
            .map(|g| {
                std::iter::once(document::text(g))
                    .chain(waves.iter().map(|w| {
                        let cell = w
                            .indicators
                            .iter()
                            .find(|i| i.id == *id)
                            .and_then(|i| i.cell(g));
                        vec![Span::Mark(
                            cell.map(indicator_text).unwrap_or_else(|| "–".into()),
                        )]
                    }))
                    .collect()
            })
            .collect();
        sections.push(Section {
            id: format!("trend-{id}"),
            title: ind.label.clone(),
            blocks: vec![
                Block::Table(Table {
                    caption: format!("{}: percentage and number answering, by wave", ind.label),
                    header,
                    rows,
                    numeric_from: 1,
                    screen_only: false,
                }),
                Block::Figure(charts::Chart {
                    id: chart_id,
                    kind: charts::ChartKind::Indicators,
                    title,
                    alt: format!(
                        "{} in each wave from {} to {}.",
                        ind.label,
                        labels[0],
                        labels[labels.len() - 1]
                    ),
                    question: None,
                }),
            ],
        });
    }
    let doc = Document {
        title: format!(
            "{}: trends from {} to {}",
            last.title,
            labels[0],
            labels[labels.len() - 1]
        ),
        cover: vec![],
        banner: None,
        lede: document::text(format!(
            "Headline indicators across {} waves ({}).",
            waves.len(),
            labels.join(", ")
        )),
        sections,
        appendix_from: None,
        footer: vec![Span::Em(format!(
            "Made by survey-lens {}.",
            env!("CARGO_PKG_VERSION")
        ))],
    };
    staged.write("trend.md", markdown::emit(&doc).as_bytes())?;
    staged.commit()?;
    if !args.quiet {
        eprintln!(
            "Trend across {} waves written to {}",
            waves.len(),
            args.out.display()
        );
    }
    Ok(())
}
