//! `survey-lens trend`: headline indicators across three or more waves.

use std::io::Write;

use anyhow::{Result, bail};

use crate::analysis::change::{self, read_summary, wave_label};
use crate::cli::TrendArgs;
use crate::output::Staged;
use crate::render::charts;
use crate::render::document::{self, Block, Document, Section, Span, Table};
use crate::render::{html, indicator_text, markdown, tables};
use crate::summary::{ALL, Comparison, Direction, Summary};

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

    // Each wave against the one before, and the last against the first,
    // with the same Newcombe verdicts as `compare`.
    let steps: Vec<Comparison> = waves
        .windows(2)
        .map(|w| change::compare(&w[0], &w[1]))
        .collect::<Result<_>>()?;
    let from_first: Vec<Comparison> = waves[1..]
        .iter()
        .map(|w| change::compare(&waves[0], w))
        .collect::<Result<_>>()?;
    let overall = from_first.last().expect("three waves at least");

    // trend.csv, long form.
    staged.write(
        "trend.csv",
        tables::trend(&waves, &ids, &steps, &from_first)?.as_bytes(),
    )?;

    // trend.md: a table per indicator, groups by waves, and its chart.
    let labels: Vec<String> = waves.iter().map(wave_label).collect();
    let mut sections = Vec::new();
    let mut svgs = Vec::new();
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
        let svg = charts::svg(&plot)?;
        staged.write(
            &format!("charts/{chart_id}.svg"),
            charts::titled(
                &svg,
                &title,
                &format!("{} by wave, one line per group.", ind.label),
            )
            .as_bytes(),
        )?;
        charts::png(&plot, &staged.path(&format!("charts/{chart_id}.png"))?)?;
        let chart = charts::Chart {
            id: chart_id.clone(),
            kind: charts::ChartKind::Indicators,
            title: title.clone(),
            alt: format!(
                "{} in each wave from {} to {}.",
                ind.label,
                labels[0],
                labels[labels.len() - 1]
            ),
            question: None,
        };
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
                Block::Table(changes_table(id, last, &labels, &steps, overall)),
                Block::Figure(chart.clone()),
            ],
        });
        svgs.push((chart, svg));
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
    staged.write(
        "trend.html",
        html::emit(&doc, &svgs, labels.last().map(String::as_str), None).as_bytes(),
    )?;
    staged.commit()?;
    if args.json {
        // The changes, as scripts want them, on stdout and nothing else.
        let out = serde_json::json!({
            "schema": "survey-lens.trend.v1",
            "waves": labels,
            "steps": steps,
            "first_to_last": overall,
        });
        let mut lock = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut lock, &out)?;
        writeln!(lock)?;
        return Ok(());
    }
    if !args.quiet {
        eprintln!(
            "Trend across {} waves written to {}",
            waves.len(),
            args.out.display()
        );
    }
    Ok(())
}

/// An indicator's changes: each wave against the one before and the last
/// against the first, per group, as change in points and verdict.
fn changes_table(
    id: &str,
    last: &Summary,
    labels: &[String],
    steps: &[Comparison],
    overall: &Comparison,
) -> Table {
    let cell = |c: &Comparison, g: &str| -> document::Runs {
        let Some(r) = c.rows.iter().find(|r| r.indicator == id && r.group == g) else {
            return document::text("–");
        };
        match (r.change_pp, r.direction) {
            (Some(v), Some(d)) if d != Direction::NoClearChange => vec![
                Span::Mark(format!("{} ", document::signed(v))),
                Span::Strong(d.as_str().to_string()),
            ],
            (Some(v), _) => vec![Span::Mark(format!(
                "{} (no clear change)",
                document::signed(v)
            ))],
            _ => document::text(r.note.clone().unwrap_or_else(|| "–".into())),
        }
    };
    let mut header = vec![document::text(&last.group_label)];
    header.extend(
        labels
            .windows(2)
            .map(|w| document::text(format!("{} to {}", w[0], w[1]))),
    );
    header.push(document::text(format!(
        "{} to {} (overall)",
        labels[0],
        labels[labels.len() - 1]
    )));
    let rows = std::iter::once(ALL)
        .chain(last.groups.iter().map(String::as_str))
        .map(|g| {
            std::iter::once(document::text(g))
                .chain(steps.iter().map(|c| cell(c, g)))
                .chain(std::iter::once(cell(overall, g)))
                .collect()
        })
        .collect();
    Table {
        caption: "Change in percentage points, and whether it is larger than chance allowing for every figure compared (Newcombe and Holm, as compare)".into(),
        header,
        rows,
        numeric_from: 1,
        screen_only: false,
    }
}
