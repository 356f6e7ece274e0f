//! The chart layouts. Each draws from the top of the canvas and returns the y
//! where it ended, which sizes the final canvas (see `mod.rs`).

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::paint::*;
use crate::render::{CONFIDENTIAL, Distinct, NOT_APPLICABLE, distinct_labels, flag, pct};
use crate::summary::{ALL, Kind, Polarity, QuestionSummary, Summary, Verdict};
use crate::text::lower_first;

const RIGHT: i32 = WIDTH as i32 - MARGIN;

/// Row pitch of the bar charts, and the label column beside them.
const ROW: i32 = 26;
const LABEL_COL: i32 = 200;
/// Row pitch and label column of the two-column small multiples.
const SMALL_ROW: i32 = 19;
const SMALL_LABEL_COL: i32 = 124;
/// The narrowest column a group's name is shortened to (small multiples).
const NARROWEST_LABEL: i32 = SMALL_LABEL_COL - 6;
/// Size of a value label inside a bar.
const IN_BAR: u32 = TYPE_LABEL;

/// Title (bold, wrapped) and a muted explanatory subtitle.
pub fn header<DB: DrawingBackend>(p: &Painter<DB>, title: &str, subtitle: &str) -> Result<i32> {
    let w = RIGHT - MARGIN;
    let mut y = MARGIN + 12;
    for l in wrap(title, w, TYPE_TITLE, 3) {
        p.text(&l, (MARGIN, y), TYPE_TITLE, INK, HPos::Left, true)?;
        y += 28;
    }
    y = p.lines(
        &wrap(subtitle, w, TYPE_BODY, 4),
        (MARGIN, y + 2),
        TYPE_BODY,
        MUTED,
        HPos::Left,
        21,
    )?;
    Ok(y + 8)
}

/// Legend items flowed across lines: a swatch (or hatch) and its text.
fn legend<DB: DrawingBackend>(
    p: &Painter<DB>,
    items: &[(Option<RGBColor>, String)],
    y: i32,
) -> Result<i32> {
    let (mut x, mut y) = (MARGIN, y);
    for (color, label) in items {
        let label = fit(label, 560, TYPE_LABEL);
        let w = 18 + 6 + text_width(&label, TYPE_LABEL) + 18;
        if x + w > RIGHT && x > MARGIN {
            x = MARGIN;
            y += 22;
        }
        match color {
            Some(c) => {
                p.rect((x, y - 8), (x + 18, y + 8), *c)?;
                p.outline((x, y - 8), (x + 18, y + 8), MUTED)?;
            }
            None => p.hatch((x, y - 8), (x + 18, y + 8))?,
        }
        p.text(&label, (x + 24, y), TYPE_LABEL, INK, HPos::Left, false)?;
        x += w;
    }
    Ok(y + 22)
}

/// Percentage ticks along the bottom of a plot from `x0` to `x1`.
fn x_axis<DB: DrawingBackend>(
    p: &Painter<DB>,
    (x0, x1): (i32, i32),
    y: i32,
    ticks: &[(f64, String)],
    title: &str,
    size: u32,
) -> Result<i32> {
    p.line((x0, y), (x1, y), MUTED, 1)?;
    for (t, label) in ticks {
        let x = x0 + ((x1 - x0) as f64 * t).round() as i32;
        p.line((x, y), (x, y + 4), MUTED, 1)?;
        p.text(label, (x, y + 15), size, MUTED, HPos::Center, false)?;
    }
    if !title.is_empty() {
        p.text(
            title,
            ((x0 + x1) / 2, y + 35),
            size,
            INK,
            HPos::Center,
            false,
        )?;
        return Ok(y + 54);
    }
    Ok(y + 34)
}

fn grid<DB: DrawingBackend>(
    p: &Painter<DB>,
    (x0, x1): (i32, i32),
    (y0, y1): (i32, i32),
    steps: usize,
) -> Result<()> {
    for i in 0..=steps {
        let x = x0 + (x1 - x0) * i as i32 / steps as i32;
        p.line((x, y0), (x, y1), GRID, 1)?;
    }
    Ok(())
}

fn percent_ticks(steps: usize) -> Vec<(f64, String)> {
    (0..=steps)
        .map(|i| (i as f64 / steps as f64, format!("{}%", 100 * i / steps)))
        .collect()
}

/// Whether group names shortened to the narrowest label column would become
/// the same. Then every chart numbers its groups and prints the full names
/// in a key, so that they stay distinguishable; otherwise a shortened name
/// ("Other or not st…") is still one group, and the key would only cost the
/// printed paper space.
pub fn needs_key(s: &Summary) -> bool {
    let mut seen = std::collections::HashSet::new();
    !s.groups
        .iter()
        .all(|g| seen.insert(fit(g, NARROWEST_LABEL, TYPE_LABEL)))
}

/// A muted note beside or in place of a group's bar ("no answers", "[z]",
/// "n=41", a hidden value): grey, left-aligned, never bold.
fn muted<DB: DrawingBackend>(p: &Painter<DB>, s: &str, at: (i32, i32), size: u32) -> Result<()> {
    p.text(s, at, size, MUTED, HPos::Left, false)
}

fn group_label<DB: DrawingBackend>(
    p: &Painter<DB>,
    s: &Summary,
    g: &str,
    (x, y): (i32, i32),
    width: i32,
    size: u32,
) -> Result<()> {
    let label = match s.groups.iter().position(|n| n == g) {
        Some(i) if needs_key(s) => {
            let prefix = format!("{}. ", i + 1);
            format!(
                "{prefix}{}",
                fit(g, width - text_width(&prefix, size), size)
            )
        }
        _ => fit(g, width, size),
    };
    p.text(&label, (x, y), size, INK, HPos::Left, g == ALL)
}

/// The key of numbered group names, under the chart; returns the new bottom.
pub fn group_key<DB: DrawingBackend>(p: &Painter<DB>, s: &Summary, y: i32) -> Result<i32> {
    let mut y = y + 8;
    p.text("Key:", (MARGIN, y), TYPE_LABEL, INK, HPos::Left, true)?;
    for (i, g) in s.groups.iter().enumerate() {
        let lines = wrap(
            &format!("{}. {g}", i + 1),
            RIGHT - MARGIN - 44,
            TYPE_LABEL,
            3,
        );
        y = p.lines(&lines, (MARGIN + 44, y), TYPE_LABEL, INK, HPos::Left, 20)?;
    }
    Ok(y)
}

/// 100% stacked horizontal bars: one bar per group, one segment per option.
pub fn stacked<DB: DrawingBackend>(
    p: &Painter<DB>,
    s: &Summary,
    q: &QuestionSummary,
    title: &str,
) -> Result<i32> {
    let group = lower_first(&s.group_label);
    let mut y = header(
        p,
        title,
        &format!(
            "Share of people in each {group} who answered, by answer. n is the number who answered."
        ),
    )?;
    let items: Vec<_> = q
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| (Some(categorical(i)), o.clone()))
        .chain(std::iter::once((
            None,
            format!("{CONFIDENTIAL} hidden answers (confidential), in their place"),
        )))
        .collect();
    y = legend(p, &items, y + 6)?;
    let (x0, x1) = (MARGIN + LABEL_COL + 10, RIGHT - 64);
    let rows: Vec<&str> = s.groups_and_all().collect();
    let top = y;
    grid(p, (x0, x1), (top, top + rows.len() as i32 * ROW), 5)?;
    for g in rows {
        let yc = y + ROW / 2;
        group_label(p, s, g, (MARGIN, yc), LABEL_COL, TYPE_HEADING)?;
        let (b0, b1) = (yc - 10, yc + 10);
        match q.answered.get(g).copied().flatten() {
            None => {
                p.hatch((x0, b0), (x1, b1))?;
                p.boxed_text(
                    &format!("{CONFIDENTIAL} hidden"),
                    ((x0 + x1) / 2, yc),
                    TYPE_BODY,
                )?;
            }
            Some(0) => muted(p, "no answers", (x0 + 8, yc), TYPE_BODY)?,
            Some(n) => {
                // The hidden answers together take what the shown ones
                // leave of 100%: one hatched segment where the first of them
                // would be, so every shown answer keeps its colour and order.
                let pcts: Vec<Option<f64>> = q
                    .options
                    .iter()
                    .map(|o| q.cell(g, o).and_then(|c| c.percent))
                    .collect();
                let hidden_share = (100.0 - pcts.iter().flatten().sum::<f64>()).max(0.0);
                let first_hidden = pcts.iter().position(Option::is_none);
                let at = |v: f64| x0 + ((x1 - x0) as f64 * v / 100.0).round() as i32;
                let mut cum = 0.0;
                for (i, pc) in pcts.iter().enumerate() {
                    if Some(i) == first_hidden {
                        let (xa, xb) = (at(cum), at(cum + hidden_share));
                        cum += hidden_share;
                        p.hatch((xa, b0), (xb, b1))?;
                        if xb - xa >= 34 {
                            p.boxed_text(CONFIDENTIAL, ((xa + xb) / 2, yc), IN_BAR)?;
                        }
                    }
                    let Some(pc) = *pc else { continue };
                    let (xa, xb) = (at(cum), at(cum + pc));
                    cum += pc;
                    let color = categorical(i);
                    p.rect((xa, b0), (xb, b1), color)?;
                    if xb - xa >= 44 {
                        p.text(
                            &pct(pc),
                            ((xa + xb) / 2, yc),
                            IN_BAR,
                            text_on(color),
                            HPos::Center,
                            false,
                        )?;
                    }
                }
                muted(p, &format!("n={n}"), (x1 + 8, yc), TYPE_LABEL)?;
            }
        }
        y += ROW;
    }
    x_axis(p, (x0, x1), y + 4, &percent_ticks(5), "", TYPE_LABEL)
}

/// Diverging stacked bars for an ordered scale, centred on the neutral answer
/// (split across the centre), the positive end to the right.
pub fn diverging_bars<DB: DrawingBackend>(
    p: &Painter<DB>,
    s: &Summary,
    q: &QuestionSummary,
    title: &str,
) -> Result<i32> {
    let n = q.options.len();
    let neutral = (n % 2 == 1).then_some(n / 2);
    let colors = diverging(n);
    let group = lower_first(&s.group_label);
    let mut y = header(
        p,
        title,
        &format!(
            "Percentage of people who answered, centred on the middle of the scale: \"{}\" to the left, \"{}\" to the right. n is the number in each {group} who answered.",
            q.options[0],
            q.options[n - 1]
        ),
    )?;
    let items: Vec<_> = q
        .options
        .iter()
        .zip(&colors)
        .map(|(o, c)| (Some(*c), o.clone()))
        .collect();
    y = legend(p, &items, y + 6)?;
    let rows: Vec<&str> = s.groups_and_all().collect();
    // Each side's share per row, to choose the axis extent.
    let split = |g: &str| -> Option<(f64, f64, Vec<Option<f64>>)> {
        let pcts: Vec<Option<f64>> = q
            .options
            .iter()
            .map(|o| q.cell(g, o).and_then(|c| c.percent))
            .collect();
        let half = neutral.map_or(0.0, |m| pcts[m].unwrap_or(0.0) / 2.0);
        let lo_end = neutral.unwrap_or(n / 2);
        let hi_start = neutral.map_or(n / 2, |m| m + 1);
        let left: f64 = pcts[..lo_end].iter().flatten().sum::<f64>() + half;
        let right: f64 = pcts[hi_start..].iter().flatten().sum::<f64>() + half;
        Some((left, right, pcts))
    };
    // Hidden answers are drawn too (with their combined share), on either
    // side: leave room for them.
    let extent = rows
        .iter()
        .filter_map(|g| split(g))
        .map(|(l, r, pcts)| {
            let hidden = if pcts.iter().any(Option::is_some) {
                (100.0 - pcts.iter().flatten().sum::<f64>()).max(0.0)
            } else {
                0.0
            };
            (l + hidden).max(r + hidden)
        })
        .fold(40.0_f64, f64::max);
    let extent = ((extent / 20.0).ceil() * 20.0).min(100.0);
    let (x0, x1) = (MARGIN + LABEL_COL + 10, RIGHT - 64);
    let xc = (x0 + x1) / 2;
    let scale = (x1 - x0) as f64 / (2.0 * extent);
    let top = y;
    let steps = (extent / 20.0) as i32;
    for i in -steps..=steps {
        let x = xc + (i as f64 * 20.0 * scale).round() as i32;
        p.line((x, top), (x, top + rows.len() as i32 * ROW), GRID, 1)?;
    }
    p.line(
        (xc, top - 6),
        (xc, top + rows.len() as i32 * ROW + 4),
        INK,
        2,
    )?;
    for g in &rows {
        let yc = y + ROW / 2;
        group_label(p, s, g, (MARGIN, yc), LABEL_COL, TYPE_HEADING)?;
        let (b0, b1) = (yc - 10, yc + 10);
        match q.answered.get(*g).copied().flatten() {
            None => {
                p.hatch((x0, b0), (x1, b1))?;
                p.boxed_text(&format!("{CONFIDENTIAL} hidden"), (xc, yc), TYPE_BODY)?;
            }
            Some(0) => muted(p, "no answers", (x0 + 8, yc), TYPE_BODY)?,
            Some(nb) if split(g).is_some_and(|(_, _, v)| v.iter().all(Option::is_none)) => {
                p.hatch((x0, b0), (x1, b1))?;
                p.boxed_text(
                    &format!("{CONFIDENTIAL} every answer hidden"),
                    (xc, yc),
                    TYPE_BODY,
                )?;
                muted(p, &format!("n={nb}"), (x1 + 8, yc), TYPE_LABEL)?;
            }
            Some(nb) => {
                let (_, _, pcts) = split(g).expect("computed above");
                let at = |v: f64| xc + (v * scale).round() as i32;
                let seg = |a: f64, b: f64, i: usize| -> Result<()> {
                    let (xa, xb) = (at(a.min(b)), at(a.max(b)));
                    p.rect((xa, b0), (xb, b1), colors[i])?;
                    if xb - xa >= 44 {
                        let v = pcts[i].unwrap_or(0.0);
                        p.text(
                            &pct(v),
                            ((xa + xb) / 2, yc),
                            IN_BAR,
                            text_on(colors[i]),
                            HPos::Center,
                            false,
                        )?;
                    }
                    Ok(())
                };
                // Hidden answers together take what the shown ones leave of
                // 100%. Drawn where they belong: on their side when they are
                // all on one side, across the middle otherwise (with a hidden
                // neutral answer, or when the split between sides is not
                // known), so no side looks smaller than it is.
                let hidden_share = (100.0 - pcts.iter().flatten().sum::<f64>()).max(0.0);
                let lo_end = neutral.unwrap_or(n / 2);
                let first_right = neutral.map_or(n / 2, |m| m + 1);
                let left_hidden = pcts[..lo_end].iter().any(Option::is_none);
                let right_hidden = pcts[first_right..].iter().any(Option::is_none);
                let centre_hidden = neutral.is_some_and(|m| pcts[m].is_none());
                let (hid_left, hid_mid, hid_right) =
                    match (left_hidden, centre_hidden, right_hidden) {
                        (true, false, false) => (hidden_share, 0.0, 0.0),
                        (false, false, true) => (0.0, 0.0, hidden_share),
                        _ => (0.0, hidden_share, 0.0),
                    };
                let hatch = |a: f64, b: f64| -> Result<()> {
                    let (xa, xb) = (at(a.min(b)), at(a.max(b)));
                    p.hatch((xa, b0), (xb, b1))?;
                    if xb - xa >= 34 {
                        p.boxed_text(CONFIDENTIAL, ((xa + xb) / 2, yc), IN_BAR)?;
                    }
                    Ok(())
                };
                let half = neutral.map_or(0.0, |m| pcts[m].unwrap_or(0.0) / 2.0) + hid_mid / 2.0;
                if hid_mid > 0.0 {
                    hatch(-hid_mid / 2.0, hid_mid / 2.0)?;
                }
                if let Some(m) = neutral
                    && let Some(v) = pcts[m]
                {
                    seg(-half, -hid_mid / 2.0, m)?;
                    seg(hid_mid / 2.0, hid_mid / 2.0 + v / 2.0, m)?;
                }
                // Positive answers stack rightwards from the centre, negative
                // ones leftwards, each starting next to the middle; a side's
                // hidden answers sit where the first of them would be.
                let mut edge = half;
                let mut pending = hid_right;
                for (i, v) in pcts.iter().enumerate().skip(first_right) {
                    match v {
                        Some(v) => {
                            seg(edge, edge + v, i)?;
                            edge += v;
                        }
                        None if pending > 0.0 => {
                            hatch(edge, edge + pending)?;
                            edge += pending;
                            pending = 0.0;
                        }
                        None => {}
                    }
                }
                let mut edge = -half;
                let mut pending = hid_left;
                for (i, v) in pcts.iter().enumerate().take(lo_end).rev() {
                    match v {
                        Some(v) => {
                            seg(edge - v, edge, i)?;
                            edge -= v;
                        }
                        None if pending > 0.0 => {
                            hatch(edge - pending, edge)?;
                            edge -= pending;
                            pending = 0.0;
                        }
                        None => {}
                    }
                }
                muted(p, &format!("n={nb}"), (x1 + 8, yc), TYPE_LABEL)?;
            }
        }
        y += ROW;
    }
    let ticks: Vec<(f64, String)> = (-steps..=steps)
        .map(|i| {
            (
                0.5 + i as f64 * 20.0 / (2.0 * extent),
                format!("{}%", (i * 20).abs()),
            )
        })
        .collect();
    let y = x_axis(p, (x0, x1), y + 4, &ticks, "", TYPE_LABEL)?;
    let note = format!(
        "Hatched {CONFIDENTIAL}: answers hidden so that nobody can be identified, drawn with their combined share."
    );
    muted(p, &note, (MARGIN, y + 2), TYPE_LABEL)?;
    Ok(y + 22)
}

/// A multi-select question as a grid of shares: one row per option and one
/// column per group (All last), each cell the share who chose it as a
/// number beside a bar on a track that it would fill at 100%. Options are
/// compared down a column and groups across a row, in a fraction of the
/// height small multiples take, which keeps a board paper short. With too
/// many groups for columns, groups are the rows instead.
pub fn multi_bars<DB: DrawingBackend>(
    p: &Painter<DB>,
    s: &Summary,
    q: &QuestionSummary,
    title: &str,
) -> Result<i32> {
    let group = lower_first(&s.group_label);
    let adds_up = if q.kind == Kind::Multi {
        "People could choose more than one, so shares add up to more than 100%."
    } else {
        "People chose one answer each, so a group's shares add up to 100%."
    };
    let mut y = header(
        p,
        title,
        &format!(
            "Each cell is the share of people in the {group} who chose the option, with a bar that would fill its grey track at 100%. {adds_up} Hatched {CONFIDENTIAL}: hidden so that nobody can be identified."
        ),
    )?;
    let groups: Vec<&str> = s.groups_and_all().collect();
    let options: Vec<&str> = q.options.iter().map(String::as_str).collect();
    let label_w = 190;
    let x0 = MARGIN + label_w + 10;
    // A cell needs room for "100%" at least.
    let fits = |n: usize| (RIGHT - x0) / n.max(1) as i32 >= 46;
    let by_group_column = fits(groups.len()) || !fits(options.len());
    let (rows, cols) = if by_group_column {
        (&options, &groups)
    } else {
        (&groups, &options)
    };
    let cell = |r: &str, c: &str| {
        if by_group_column {
            q.cell(c, r)
        } else {
            q.cell(r, c)
        }
    };
    // A group's name as a row or column label: numbered when names need a
    // key, and All in bold.
    let name = |g: &str, width: i32, lines: usize| -> Vec<String> {
        match s.groups.iter().position(|n| n == g) {
            Some(i) if needs_key(s) => vec![fit(&format!("{}. {g}", i + 1), width, TYPE_LABEL)],
            _ => wrap(g, width, TYPE_LABEL, lines),
        }
    };
    let cw = (RIGHT - x0) / cols.len().max(1) as i32;
    let heads: Vec<Vec<String>> = cols
        .iter()
        .map(|c| match by_group_column {
            true if needs_key(s) && *c != ALL => {
                vec![format!(
                    "{}.",
                    s.groups.iter().position(|n| n == c).unwrap_or(0) + 1
                )]
            }
            true => name(c, cw, 2),
            false => wrap(c, cw, TYPE_LABEL, 4),
        })
        .collect();
    let head_rows = heads.iter().map(Vec::len).max().unwrap_or(1) as i32;
    for (i, lines) in heads.iter().enumerate() {
        let cx = x0 + i as i32 * cw + cw / 2;
        let top = y + 8 + 18 * (head_rows - lines.len() as i32);
        p.lines(lines, (cx, top), TYPE_LABEL, INK, HPos::Center, 18)?;
    }
    y += 18 * head_rows + 4;
    p.line((x0, y), (RIGHT, y), MUTED, 1)?;
    for r in rows.iter() {
        let lines = if by_group_column {
            wrap(r, label_w, TYPE_LABEL, 3)
        } else {
            name(r, label_w, 2)
        };
        let row_h = 18 * lines.len() as i32 + 8;
        let yc = y + row_h / 2;
        let first = yc - 9 * (lines.len() as i32 - 1);
        if *r == ALL {
            p.text(ALL, (MARGIN, yc), TYPE_LABEL, INK, HPos::Left, true)?;
        } else {
            p.lines(&lines, (MARGIN, first), TYPE_LABEL, INK, HPos::Left, 18)?;
        }
        for (i, c) in cols.iter().enumerate() {
            let (xa, xb) = (x0 + i as i32 * cw + 3, x0 + (i as i32 + 1) * cw - 3);
            let all = *r == ALL || *c == ALL;
            match cell(r, c) {
                Some(c) if c.base == Some(0) => {
                    p.text(
                        NOT_APPLICABLE,
                        (xb, yc),
                        TYPE_LABEL,
                        MUTED,
                        HPos::Right,
                        false,
                    )?;
                }
                Some(c) => match c.percent {
                    None => {
                        p.hatch((xa, yc - 9), (xb, yc + 9))?;
                        p.boxed_text(CONFIDENTIAL, ((xa + xb) / 2, yc), TYPE_LABEL)?;
                    }
                    Some(v) => {
                        let color = if all { CATEGORICAL[0] } else { CATEGORICAL[4] };
                        // The bar's track on the left, the number to its
                        // right on white, so no number sits on a bar's edge.
                        let track = xb - 42;
                        if track - xa >= 12 {
                            p.rect((xa, yc - 7), (track, yc + 7), HIDDEN)?;
                            let xv = xa + ((track - xa) as f64 * v / 100.0).round() as i32;
                            p.rect((xa, yc - 7), (xv, yc + 7), color)?;
                        }
                        p.text(&pct(v), (xb, yc), TYPE_LABEL, INK, HPos::Right, all)?;
                    }
                },
                None => {}
            }
        }
        y += row_h;
        p.line((MARGIN, y), (RIGHT, y), GRID, 1)?;
    }
    Ok(y + 6)
}

/// Lays out `n` panels in `cols` columns; `draw(i, (x, y), width)` returns
/// the panel's bottom. Returns the bottom of the last row.
fn panels(
    n: usize,
    cols: usize,
    top: i32,
    mut draw: impl FnMut(usize, (i32, i32), i32) -> Result<i32>,
) -> Result<i32> {
    let gap = 30;
    let pw = (RIGHT - MARGIN - gap * (cols as i32 - 1)) / cols as i32;
    let mut y = top;
    for row in 0..n.div_ceil(cols) {
        let mut bottom = y;
        for col in 0..cols {
            let i = row * cols + col;
            if i >= n {
                break;
            }
            let x = MARGIN + col as i32 * (pw + gap);
            bottom = bottom.max(draw(i, (x, y), pw)?);
        }
        y = bottom + 14;
    }
    Ok(y)
}

/// The wording the indicators' labels share, when their headings leave it
/// out (see [`distinct_labels`]): a chart copied into another document
/// still says what its columns measure.
fn shared_wording(labels: &Distinct) -> String {
    labels.wording().map_or_else(String::new, |w| {
        format!(" Each measure is {w}, its own words heading it.")
    })
}

/// Headline indicators: per indicator, each group's percentage as a dot with
/// its 95% interval, against a dashed line at All. Flags are shapes and words.
pub fn indicators<DB: DrawingBackend>(p: &Painter<DB>, s: &Summary, title: &str) -> Result<i32> {
    let group = lower_first(&s.group_label);
    let labels = distinct_labels(s);
    let y = header(
        p,
        title,
        &format!(
            "Dot: the {group}'s percentage. Line: its 95% interval. Dashed line: All. ▲ worse and ■ better than All (the interval lies wholly on one side); ● similar.{}",
            shared_wording(&labels)
        ),
    )?;
    let rows: Vec<&str> = s.groups_and_all().collect();
    // Small multiples that share one column of group names: up to five
    // indicators side by side, so nine take two rows, not five.
    let cols = s.indicators.len().clamp(1, 5);
    let gap = 16;
    let x_start = MARGIN + SMALL_LABEL_COL;
    let pw = (RIGHT - x_start - gap * (cols as i32 - 1)) / cols as i32;
    let heading_of = |i: usize| wrap(&labels.labels[i], pw, TYPE_LABEL, 4);
    let mut y = y;
    for chunk in (0..s.indicators.len()).collect::<Vec<_>>().chunks(cols) {
        let head_lines = chunk
            .iter()
            .map(|&i| heading_of(i).len())
            .max()
            .unwrap_or(1) as i32;
        let top = y + 10 + head_lines * 18 + 18;
        for (k, &i) in chunk.iter().enumerate() {
            let ind = &s.indicators[i];
            let px = x_start + k as i32 * (pw + gap);
            p.lines(
                &heading_of(i),
                (px, y + 10),
                TYPE_LABEL,
                INK,
                HPos::Left,
                18,
            )?;
            let pol = match ind.higher_is {
                Polarity::Better => "(higher is better)",
                Polarity::Worse => "(lower is better)",
            };
            muted(p, pol, (px, top - 12), TYPE_LABEL)?;
            indicator_panel(p, ind, &rows, (px, px + pw - 52), top)?;
        }
        let mut ry = top;
        for g in &rows {
            group_label(
                p,
                s,
                g,
                (MARGIN, ry + SMALL_ROW / 2),
                NARROWEST_LABEL,
                TYPE_LABEL,
            )?;
            ry += SMALL_ROW;
        }
        y = ry + 28 + 12;
    }
    Ok(y)
}

/// One indicator's dots and intervals from `top`, a row per group, the
/// values in a column right of `x1`; returns the bottom of its axis.
fn indicator_panel<DB: DrawingBackend>(
    p: &Painter<DB>,
    ind: &crate::summary::IndicatorSummary,
    rows: &[&str],
    (x0, x1): (i32, i32),
    top: i32,
) -> Result<i32> {
    let at = |v: f64| x0 + ((x1 - x0) as f64 * v / 100.0).round() as i32;
    let mut y = top;
    grid(p, (x0, x1), (top, top + rows.len() as i32 * SMALL_ROW), 2)?;
    if let Some(all) = ind.cell(ALL).and_then(|c| c.percent) {
        p.dashed((at(all), top), top + rows.len() as i32 * SMALL_ROW, INK)?;
    }
    for g in rows {
        let yc = y + SMALL_ROW / 2;
        if let Some(c) = ind.cell(g) {
            match (c.percent, c.ci95, c.base) {
                // In the value column, clear of the dashed line.
                (_, _, Some(0)) => muted(p, NOT_APPLICABLE, (x1 + 6, yc), TYPE_LABEL)?,
                (None, _, _) => muted(p, CONFIDENTIAL, (x1 + 6, yc), TYPE_LABEL)?,
                (Some(v), ci, _) => {
                    if let Some([lo, hi]) = ci {
                        p.line((at(lo), yc), (at(hi), yc), MUTED, 2)?;
                        p.line((at(lo), yc - 4), (at(lo), yc + 4), MUTED, 1)?;
                        p.line((at(hi), yc - 4), (at(hi), yc + 4), MUTED, 1)?;
                    }
                    let (x, flagged) = (at(v), flag(c));
                    match flagged {
                        Some(Verdict::Worse) => {
                            p.polygon(vec![(x, yc - 7), (x - 7, yc + 6), (x + 7, yc + 6)], WORSE)?
                        }
                        Some(Verdict::Better) => {
                            p.rect((x - 6, yc - 6), (x + 6, yc + 6), BETTER)?
                        }
                        _ if *g == ALL => p.polygon(
                            vec![(x, yc - 7), (x + 7, yc), (x, yc + 7), (x - 7, yc)],
                            INK,
                        )?,
                        _ => p.circle((x, yc), 5, MUTED)?,
                    }
                    // The flag's shape again beside the figure: the
                    // subtitle says which shape means what.
                    let label = match flagged {
                        Some(Verdict::Worse) => format!("{} ▲", pct(v)),
                        Some(Verdict::Better) => format!("{} ■", pct(v)),
                        Some(Verdict::Similar) | None => pct(v),
                    };
                    let color = match flagged {
                        Some(Verdict::Worse) => WORSE,
                        Some(Verdict::Better) => BETTER,
                        Some(Verdict::Similar) | None => INK,
                    };
                    p.text(
                        &label,
                        (x1 + 6, yc),
                        TYPE_LABEL,
                        color,
                        HPos::Left,
                        flagged.is_some(),
                    )?;
                }
            }
        }
        y += SMALL_ROW;
    }
    x_axis(p, (x0, x1), y + 2, &percent_ticks(2), "", TYPE_LABEL)
}

/// Groups x indicators, coloured by percentage, with the value in each cell.
pub fn heatmap<DB: DrawingBackend>(p: &Painter<DB>, s: &Summary, title: &str) -> Result<i32> {
    let group = lower_first(&s.group_label);
    let labels = distinct_labels(s);
    let mut y = header(
        p,
        title,
        &format!(
            "Each cell is the percentage of people in the {group} for that measure. Colour and symbol say whether the {group} is clearly worse or better than All on it, whichever way is better for that measure.{}",
            shared_wording(&labels)
        ),
    )?;
    let n = s.indicators.len().max(1) as i32;
    let x0 = MARGIN + 150;
    let cw = (RIGHT - x0) / n;
    // Column headings (the indicators' short labels), wrapped to the column,
    // with an arrow for which way is better.
    let heads: Vec<Vec<String>> = labels
        .headings(s)
        .iter()
        .map(|h| wrap(h, cw - 6, TYPE_LABEL, 4))
        .collect();
    let head_h = heads.iter().map(Vec::len).max().unwrap_or(1) as i32 * 19 + 22;
    for (i, (ind, lines)) in s.indicators.iter().zip(&heads).enumerate() {
        let cx = x0 + i as i32 * cw + cw / 2;
        p.lines(lines, (cx, y + 8), TYPE_LABEL, INK, HPos::Center, 19)?;
        let pol = match ind.higher_is {
            Polarity::Better => "↑ better",
            Polarity::Worse => "↓ better",
        };
        p.text(
            pol,
            (cx, y + head_h - 6),
            TYPE_LABEL,
            MUTED,
            HPos::Center,
            false,
        )?;
    }
    y += head_h + 6;
    for g in s.groups_and_all() {
        if needs_key(s) || g == ALL {
            group_label(p, s, g, (MARGIN, y + 20), 144, TYPE_LABEL)?;
        } else {
            // Up to two lines, centred on the row.
            let lines = wrap(g, 144, TYPE_LABEL, 2);
            let top = y + 20 - 9 * (lines.len() as i32 - 1);
            p.lines(&lines, (MARGIN, top), TYPE_LABEL, INK, HPos::Left, 18)?;
        }
        for (i, ind) in s.indicators.iter().enumerate() {
            let (xa, xb) = (x0 + i as i32 * cw + 1, x0 + (i as i32 + 1) * cw - 1);
            let (ya, yb) = (y + 1, y + 39);
            let cx = (xa + xb) / 2;
            let Some(c) = ind.cell(g) else { continue };
            match (c.percent, c.base) {
                (_, Some(0)) => {
                    p.outline((xa, ya), (xb, yb), GRID)?;
                    p.text(
                        NOT_APPLICABLE,
                        (cx, y + 20),
                        TYPE_BODY,
                        MUTED,
                        HPos::Center,
                        false,
                    )?;
                }
                (None, _) => {
                    p.hatch((xa, ya), (xb, yb))?;
                    p.boxed_text(CONFIDENTIAL, (cx, y + 20), TYPE_LABEL)?;
                }
                (Some(v), _) => {
                    let color = verdict_fill(flag(c));
                    p.rect((xa, ya), (xb, yb), color)?;
                    let mark = flag(c).map(verdict_mark);
                    let ty = if mark.is_some() { y + 12 } else { y + 20 };
                    p.text(
                        &pct(v),
                        (cx, ty),
                        TYPE_HEADING,
                        text_on(color),
                        HPos::Center,
                        g == ALL,
                    )?;
                    if let Some(m) = mark {
                        p.text(
                            m,
                            (cx, y + 29),
                            TYPE_LABEL,
                            text_on(color),
                            HPos::Center,
                            true,
                        )?;
                    }
                }
            }
        }
        y += 41;
    }
    // Legend: what each colour and symbol means, and the hatch.
    let mut y = y + 16;
    let mut x = MARGIN;
    let keys = [Some(Verdict::Worse), Some(Verdict::Better), None]
        .map(|v| {
            let said = match v {
                Some(v) => format!("{} than All", verdict_mark(v)),
                None => "similar to All (or All itself)".into(),
            };
            (Some(verdict_fill(v)), said)
        })
        .into_iter()
        .chain([(
            None,
            format!("{CONFIDENTIAL} hidden so that nobody can be identified"),
        )]);
    for (fill, said) in keys {
        let w = 34 + text_width(&said, TYPE_BODY) + 24;
        if x + w > RIGHT && x > MARGIN {
            x = MARGIN;
            y += 26;
        }
        match fill {
            Some(f) => {
                p.rect((x, y), (x + 26, y + 18), f)?;
                p.outline((x, y), (x + 26, y + 18), MUTED)?;
            }
            None => p.hatch((x, y), (x + 26, y + 18))?,
        }
        p.text(&said, (x + 34, y + 9), TYPE_BODY, INK, HPos::Left, false)?;
        x += w;
    }
    Ok(y + 18 + 14)
}

/// A heatmap cell's fill: the verdict against All, never the raw
/// percentage, so that colour means the same in every column (a high
/// "confident" and a high "isolated" are opposite news). Light tints keep
/// dark text at well over 4.5:1.
pub fn verdict_fill(v: Option<Verdict>) -> RGBColor {
    match v {
        Some(Verdict::Worse) => RGBColor(248, 196, 160),
        Some(Verdict::Better) => RGBColor(176, 212, 238),
        Some(Verdict::Similar) | None => RGBColor(242, 242, 242),
    }
}

/// The symbol and word for a verdict, so it is never told by colour alone.
fn verdict_mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Worse => "▲ worse",
        Verdict::Better => "■ better",
        Verdict::Similar => "similar",
    }
}

/// One headline indicator across waves: a panel per group (All first), each
/// wave's percentage as a point on a line with its 95% interval, and All as a
/// dashed reference line in every panel.
pub fn trend<DB: DrawingBackend>(
    p: &Painter<DB>,
    waves: &[Summary],
    indicator: &str,
    title: &str,
) -> Result<i32> {
    let last = waves.last().expect("at least three waves");
    let group = lower_first(&last.group_label);
    let y = header(
        p,
        title,
        &format!(
            "Each panel is one {group}: its percentage in each wave, with the 95% interval as a bar. The dashed line is All. Gaps are figures hidden to protect small numbers."
        ),
    )?;
    let groups: Vec<&str> = std::iter::once(ALL)
        .chain(last.groups.iter().map(String::as_str))
        .collect();
    let cell = |w: &Summary, g: &str| {
        w.indicators
            .iter()
            .find(|i| i.id == indicator)
            .and_then(|i| i.cell(g).cloned())
    };
    let labels: Vec<String> = waves
        .iter()
        .map(|w| w.wave.clone().unwrap_or_else(|| w.title.clone()))
        .collect();
    panels(groups.len(), 2, y, |i, (px, py), pw| {
        let g = groups[i];
        p.text(
            &fit(g, pw, TYPE_HEADING),
            (px, py + 12),
            TYPE_HEADING,
            INK,
            HPos::Left,
            g == ALL,
        )?;
        let (x0, x1) = (px + 56, px + pw - 34);
        let (top, bottom) = (py + 36, py + 210);
        let at_y = |v: f64| bottom - ((bottom - top) as f64 * v / 100.0).round() as i32;
        let at_x = |k: usize| x0 + (x1 - x0) * k as i32 / (waves.len() as i32 - 1).max(1);
        for t in [0, 25, 50, 75, 100] {
            let yy = at_y(t as f64);
            p.line((x0, yy), (x1, yy), GRID, 1)?;
            p.text(
                &format!("{t}%"),
                (x0 - 8, yy),
                TYPE_LABEL,
                MUTED,
                HPos::Right,
                false,
            )?;
        }
        // All, dashed, for reference.
        let all: Vec<Option<f64>> = waves
            .iter()
            .map(|w| cell(w, ALL).and_then(|c| c.percent))
            .collect();
        for k in 1..waves.len() {
            if let (Some(a), Some(b)) = (all[k - 1], all[k]) {
                let steps = 12;
                for s in (0..steps).step_by(2) {
                    let f0 = s as f64 / steps as f64;
                    let f1 = (s + 1) as f64 / steps as f64;
                    let (xa, xb) = (at_x(k - 1), at_x(k));
                    let lerp = |f: f64| (xa + ((xb - xa) as f64 * f) as i32, at_y(a + (b - a) * f));
                    p.line(lerp(f0), lerp(f1), MUTED, 2)?;
                }
            }
        }
        let color = if g == ALL { INK } else { CATEGORICAL[0] };
        let pts: Vec<Option<(f64, Option<[f64; 2]>)>> = waves
            .iter()
            .map(|w| cell(w, g).and_then(|c| Some((c.percent?, c.ci95))))
            .collect();
        for k in 1..pts.len() {
            if let (Some((a, _)), Some((b, _))) = (pts[k - 1], pts[k]) {
                p.line((at_x(k - 1), at_y(a)), (at_x(k), at_y(b)), color, 3)?;
            }
        }
        for (k, pt) in pts.iter().enumerate() {
            let x = at_x(k);
            match pt {
                Some((v, ci)) => {
                    if let Some([lo, hi]) = ci {
                        p.line((x, at_y(*lo)), (x, at_y(*hi)), color, 2)?;
                    }
                    p.circle((x, at_y(*v)), 6, color)?;
                }
                None => {
                    // Keep the word clear of the axis labels at either end.
                    let (hx, h) = match k {
                        0 => (x + 8, HPos::Left),
                        k if k + 1 == pts.len() => (x - 8, HPos::Right),
                        _ => (x, HPos::Center),
                    };
                    p.text(
                        "hidden",
                        (hx, (top + bottom) / 2),
                        TYPE_LABEL,
                        MUTED,
                        h,
                        false,
                    )?
                }
            }
            p.text(
                &fit(&labels[k], (x1 - x0) / waves.len() as i32, TYPE_LABEL),
                (x, bottom + 16),
                TYPE_LABEL,
                MUTED,
                HPos::Center,
                false,
            )?;
        }
        Ok(bottom + 34)
    })
}
