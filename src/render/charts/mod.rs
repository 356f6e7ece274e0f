//! Charts for the report, drawn with plotters from the `Summary` alone.
//!
//! Every chart is one layout function drawn twice: once as SVG (embedded in
//! report.md and report.html) and once as a 1600-pixel PNG. Text in PNGs is
//! rendered with the bundled DejaVu Sans through plotters' `ab_glyph`
//! feature, so output is byte-identical on any machine, with no system fonts.

mod draw;
pub mod paint;

use std::path::Path;
use std::sync::Once;

use anyhow::{Result, anyhow};
use plotters::prelude::*;

use crate::render::pct;
use crate::summary::{ALL, Kind, QuestionSummary, Summary};
use crate::text::lower_first;
use paint::{Painter, WIDTH};

static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bundled font is tested; failure here is a build defect.
        for style in [FontStyle::Normal, FontStyle::Bold] {
            plotters::style::register_font(paint::FONT, style, FONT_BYTES)
                .unwrap_or_else(|_| panic!("bundled font is a valid TTF"));
        }
    });
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartKind {
    Indicators,
    Heatmap,
    /// 100% stacked bars of a single-choice question (index into questions).
    Stacked(usize),
    /// Diverging bars of a Likert question.
    Diverging(usize),
    /// Small multiples of a multi-select question.
    Multi(usize),
}

#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem under charts/: `indicators`, `heatmap`, `q-role`.
    pub id: String,
    pub kind: ChartKind,
    pub title: String,
    /// Alt text that states the chart's main finding.
    pub alt: String,
    /// Question id the chart belongs to, if any (where reports place it).
    pub question: Option<String>,
}

/// The charts a summary gets, in report order.
pub fn plan(s: &Summary) -> Vec<Chart> {
    let group = lower_first(&s.group_label);
    let mut out = Vec::new();
    if !s.indicators.is_empty() {
        out.push(Chart {
            id: "indicators".into(),
            kind: ChartKind::Indicators,
            title: format!("Headline indicators by {group}, with 95% intervals"),
            alt: indicators_alt(s),
            question: None,
        });
        out.push(Chart {
            id: "heatmap".into(),
            kind: ChartKind::Heatmap,
            title: format!("Headline indicators at a glance, by {group}"),
            alt: format!(
                "Heatmap of headline indicators by {group}. {}",
                indicators_alt(s)
            ),
            question: None,
        });
    }
    for (i, q) in s.questions.iter().enumerate() {
        let kind = match q.kind {
            Kind::Single => ChartKind::Stacked(i),
            Kind::Likert => ChartKind::Diverging(i),
            Kind::Multi => ChartKind::Multi(i),
            // Free text is quoted, not charted.
            Kind::Text => continue,
        };
        // A report of All alone has nothing to break down by.
        let by = if s.groups.is_empty() {
            String::new()
        } else {
            format!(", by {group}")
        };
        let title = match kind {
            ChartKind::Multi(_) => format!("{} Share choosing each option{by}", sentence(&q.text)),
            _ => format!("{} Answers{}", sentence(&q.text), by.replacen(',', "", 1)),
        };
        out.push(Chart {
            id: format!("q-{}", q.id),
            alt: question_alt(s, q),
            kind,
            title,
            question: Some(q.id.clone()),
        });
    }
    out
}

/// A question as the start of a title: ends in `?`, `.` or gets a `.`.
fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['?', '.', '!']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

fn indicators_alt(s: &Summary) -> String {
    let n = s.indicators.len();
    let parts: Vec<String> = super::standouts(s)
        .iter()
        .map(|o| {
            let mut said = Vec::new();
            if !o.worse.is_empty() {
                said.push(format!(
                    "worse than All on {} of {n} measures",
                    o.worse.len()
                ));
            }
            if !o.better.is_empty() {
                said.push(format!("better than All on {} of {n}", o.better.len()));
            }
            format!("{} is {}", o.group, said.join(" and "))
        })
        .collect();
    if parts.is_empty() {
        super::NO_STANDOUT.into()
    } else {
        format!("{}.", parts.join("; "))
    }
}

fn question_alt(s: &Summary, q: &QuestionSummary) -> String {
    let all = |o: &String| q.cell(ALL, o).and_then(|c| c.percent);
    match q.kind {
        Kind::Likert => {
            let n = q.options.len();
            let top: Vec<&String> = q.options[n.saturating_sub(2)..].iter().collect();
            let share = |g: &str| -> Option<f64> {
                top.iter()
                    .map(|o| q.cell(g, o).and_then(|c| c.percent))
                    .sum::<Option<f64>>()
            };
            let mut by_group: Vec<(&str, f64)> = s
                .groups
                .iter()
                .filter_map(|g| share(g).map(|v| (g.as_str(), v)))
                .collect();
            by_group.sort_by(|a, b| b.1.total_cmp(&a.1));
            let head = match share(ALL) {
                Some(v) => format!(
                    "Overall {} answer {} or {}",
                    pct(v),
                    top[0],
                    top[top.len() - 1]
                ),
                None => "Overall figures are hidden".into(),
            };
            match (by_group.first(), by_group.last()) {
                (Some(hi), Some(lo)) if by_group.len() > 1 => format!(
                    "{head}; highest in {} ({}), lowest in {} ({}).",
                    hi.0,
                    pct(hi.1),
                    lo.0,
                    pct(lo.1)
                ),
                _ => format!("{head}."),
            }
        }
        Kind::Single | Kind::Multi | Kind::Text => {
            let best = q
                .options
                .iter()
                .filter_map(|o| all(o).map(|v| (o, v)))
                .max_by(|a, b| a.1.total_cmp(&b.1));
            match best {
                // A shown 0 beside hidden answers is not "the most common".
                Some((o, v)) if v > 0.0 => {
                    format!("The most common answer overall is \"{o}\" ({}).", pct(v))
                }
                _ => "Overall figures are hidden so that nobody can be identified.".into(),
            }
        }
    }
}

/// What to draw: one of a report's charts, or an indicator's trend across
/// waves. Both go through the same sizing and SVG/PNG output below.
pub enum Plot<'a> {
    Report(&'a Summary, &'a Chart),
    Trend {
        waves: &'a [Summary],
        indicator: &'a str,
        title: &'a str,
    },
}

fn draw_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    plot: &Plot,
) -> Result<i32> {
    let p = Painter { area };
    area.fill(&WHITE)
        .map_err(|e| anyhow!("drawing a chart failed: {e:?}"))?;
    let (s, c) = match plot {
        Plot::Report(s, c) => (*s, *c),
        Plot::Trend {
            waves,
            indicator,
            title,
        } => return draw::trend(&p, waves, indicator, title),
    };
    let bottom = match c.kind {
        ChartKind::Indicators => draw::indicators(&p, s, &c.title),
        ChartKind::Heatmap => draw::heatmap(&p, s, &c.title),
        ChartKind::Stacked(i) => draw::stacked(&p, s, &s.questions[i], &c.title),
        ChartKind::Diverging(i) => draw::diverging_bars(&p, s, &s.questions[i], &c.title),
        ChartKind::Multi(i) => draw::multi_bars(&p, s, &s.questions[i], &c.title),
    }?;
    if draw::needs_key(s) {
        draw::group_key(&p, s, bottom)
    } else {
        Ok(bottom)
    }
}

/// The canvas height a plot needs, from a dry run on a tall SVG canvas.
pub fn height(plot: &Plot) -> Result<u32> {
    register_font();
    let mut scratch = String::new();
    let bottom = {
        let area = SVGBackend::with_string(&mut scratch, (WIDTH, 40_000)).into_drawing_area();
        draw_plot(&area, plot)?
    };
    Ok((bottom + paint::MARGIN).max(200) as u32)
}

/// The plot as an SVG document.
pub fn svg(plot: &Plot) -> Result<String> {
    svg_sized(plot, height(plot)?)
}

/// [`svg`] at a height already worked out with [`height`], so that a chart
/// written as SVG and PNG is laid out once, not twice.
pub fn svg_sized(plot: &Plot, h: u32) -> Result<String> {
    register_font();
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (WIDTH, h)).into_drawing_area();
        draw_plot(&area, plot)?;
        area.present()
            .map_err(|e| anyhow!("drawing a chart failed: {e:?}"))?;
    }
    Ok(out)
}

/// A standalone SVG file with its `<title>` and `<desc>` first inside the
/// root element, so a chart pasted into Word or PowerPoint, or opened on its
/// own, still says what it shows to a screen reader. (report.html labels its
/// inline copies itself.)
pub fn titled(svg: &str, title: &str, desc: &str) -> String {
    let xml = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let Some(start) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(end) = svg[start..].find('>').map(|i| start + i + 1) else {
        return svg.to_string();
    };
    format!(
        "{}\n<title>{}</title>\n<desc>{}</desc>{}",
        &svg[..end],
        xml(title),
        xml(desc),
        &svg[end..]
    )
}

/// The plot as a PNG file at `path`, 1600 pixels wide.
pub fn png(plot: &Plot, path: &Path) -> Result<()> {
    png_sized(plot, path, height(plot)?)
}

/// [`png`] at a height already worked out with [`height`].
pub fn png_sized(plot: &Plot, path: &Path, h: u32) -> Result<()> {
    register_font();
    let area = BitMapBackend::new(path, (WIDTH, h)).into_drawing_area();
    draw_plot(&area, plot)?;
    area.present()
        .map_err(|e| anyhow!("cannot write {}: {e:?}", path.display()))
}
