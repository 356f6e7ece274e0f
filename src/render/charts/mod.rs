//! Charts for the report, drawn with plotters from the `Summary` alone.
//!
//! Every chart is one layout function drawn twice: once as SVG (embedded in
//! report.md and report.html, 1000 units wide) and once as a 1600-pixel PNG. Text in PNGs is
//! rendered with the bundled DejaVu Sans through plotters' `ab_glyph`
//! feature, so output is byte-identical on any machine, with no system fonts.

mod draw;
pub mod paint;

use std::path::Path;
use std::sync::Once;

use anyhow::{Result, anyhow};
use plotters::prelude::*;

use crate::render::{leader, pct};
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
    /// A grid of shares, group by option: a multi-select question, or a
    /// single-choice one with more options than the palette has colours
    /// (stacked bars would repeat a colour, and the legend could not say
    /// which segment is which).
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
            id: "heatmap".into(),
            kind: ChartKind::Heatmap,
            title: format!("Headline indicators at a glance, by {group}"),
            alt: format!(
                "Heatmap of headline indicators by {group}. {}",
                indicators_alt(s)
            ),
            question: None,
        });
        out.push(Chart {
            id: "indicators".into(),
            kind: ChartKind::Indicators,
            title: format!("Headline indicators by {group}, with 95% intervals"),
            alt: indicators_alt(s),
            question: None,
        });
    }
    for (i, q) in s.questions.iter().enumerate() {
        let kind = match q.kind {
            Kind::Single if q.options.len() > paint::CATEGORICAL.len() => ChartKind::Multi(i),
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

/// The headline charts' alt text: which groups are worse and which better
/// than All, by name and on how many measures, and the range of All's own
/// figures, so a reader who cannot see the chart learns what it shows.
fn indicators_alt(s: &Summary) -> String {
    let n = s.indicators.len();
    let outs = super::standouts(s);
    let named = |pick: fn(&super::Standout) -> usize| -> Vec<String> {
        outs.iter()
            .filter(|o| pick(o) > 0)
            .map(|o| format!("{} on {} of {n}", o.group, pick(o)))
            .collect()
    };
    let (worse, better) = (named(|o| o.worse.len()), named(|o| o.better.len()));
    let mut said = Vec::new();
    let overall: Vec<(&str, f64)> = s
        .indicators
        .iter()
        .filter_map(|i| Some((i.label.as_str(), i.cell(ALL)?.percent?)))
        .collect();
    let lo = overall.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    let hi = overall.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    if let (Some(lo), Some(hi)) = (lo, hi)
        && overall.len() > 1
    {
        said.push(format!(
            "Overall figures run from {} ({}) to {} ({})",
            pct(lo.1),
            lower_first(lo.0),
            pct(hi.1),
            lower_first(hi.0)
        ));
    }
    if worse.is_empty() && better.is_empty() {
        said.push(super::NO_STANDOUT.trim_end_matches('.').to_string());
    } else {
        if !worse.is_empty() {
            said.push(format!(
                "Worse than All: {}",
                super::document::join_and(&worse)
            ));
        }
        if !better.is_empty() {
            said.push(format!(
                "Better than All: {}",
                super::document::join_and(&better)
            ));
        }
        said.push(format!(
            "other {} are similar to All or hidden",
            super::brief::groups_word(s)
        ));
    }
    format!("{}.", said.join(". ").replace(". other", "; other"))
}

/// A question chart's alt text: the overall figure, and the largest
/// difference between groups with the groups above and below named.
fn question_alt(s: &Summary, q: &QuestionSummary) -> String {
    let all = |o: &String| q.cell(ALL, o).and_then(|c| c.percent);
    let head = match q.kind {
        Kind::Likert => {
            let n = q.options.len();
            let top = &q.options[n.saturating_sub(2)..];
            top.iter().map(all).sum::<Option<f64>>().map(|v| {
                format!(
                    "Overall {} answer {} or {}",
                    pct(v),
                    lower_first(&top[0]),
                    lower_first(&top[top.len() - 1])
                )
            })
        }
        Kind::Single | Kind::Multi | Kind::Text => leader(q, ALL, s.disclosure.round).map(|l| {
            let (names, is) = (l.names(false), if l.alone() { "is" } else { "are" });
            match (l.certain, l.alone()) {
                (true, true) => format!("The most common answer overall is {names}"),
                (true, false) => format!("The most common answers overall are {names}"),
                (false, _) => {
                    format!("Of the answers shown, the most common overall {is} {names}")
                }
            }
        }),
    };
    let mut said =
        vec![head.unwrap_or_else(|| {
            "Overall figures are hidden so that nobody can be identified".into()
        })];
    if let Some(g) = super::brief::largest_gap(s, q) {
        let overall = all(&g.option)
            .map(|v| format!("; {} overall", pct(v)))
            .unwrap_or_default();
        let gap = g.describe(&super::brief::groups_word(s));
        said.push(format!("{}{overall}", crate::text::upper_first(&gap)));
    }
    format!("{}.", said.join(". "))
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
    scale: f64,
) -> Result<i32> {
    let p = Painter { area, scale };
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
        draw_plot(&area, plot, 1.0)?
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
        draw_plot(&area, plot, 1.0)?;
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

/// The plot as a PNG file at `path`, 1600 pixels wide (see `paint::PNG_SCALE`).
pub fn png(plot: &Plot, path: &Path) -> Result<()> {
    png_sized(plot, path, height(plot)?)
}

/// [`png`] at a height already worked out with [`height`].
///
/// Drawn into memory and encoded here rather than by plotters, for the
/// encoder's settings: fast deflate (fdeflate) with the Paeth filter
/// encodes these flat-coloured charts about four times faster than the
/// default settings, and the files come out about the same size.
pub fn png_sized(plot: &Plot, path: &Path, h: u32) -> Result<()> {
    register_font();
    let px = |v: u32| (v as f64 * paint::PNG_SCALE).round() as u32;
    let (w, h) = (px(WIDTH), px(h));
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        draw_plot(&area, plot, paint::PNG_SCALE)?;
        area.present()
            .map_err(|e| anyhow!("drawing {}: {e:?}", path.display()))?;
    }
    let cannot = |e: &dyn std::fmt::Display| anyhow!("cannot write {}: {e}", path.display());
    let file = std::fs::File::create(path).map_err(|e| cannot(&e))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::FilterType::Paeth);
    let mut writer = encoder.write_header().map_err(|e| cannot(&e))?;
    writer.write_image_data(&pixels).map_err(|e| cannot(&e))?;
    writer.finish().map_err(|e| cannot(&e))
}
