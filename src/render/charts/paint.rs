//! Drawing primitives shared by every chart: palettes, text with wrapping,
//! hatching for hidden figures. Generic over the plotters backend so one layout
//! produces both the SVG and the PNG.

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Every chart is laid out on a canvas 1000 units wide: the width it has,
/// in CSS pixels, in report.html on screen and on an A4 page (186 mm, so one
/// unit prints at about 0.53 pt). The type scale below is in the same units,
/// so the smallest chart text prints above the 8 pt floor for a board
/// paper. SVGs are written at one pixel per unit; PNGs at
/// [`PNG_SCALE`] pixels per unit (1600 px wide), sharp in Word at A4 width.
pub const WIDTH: u32 = 1000;
/// PNG pixels per chart unit.
pub const PNG_SCALE: f64 = 1.6;
pub const MARGIN: i32 = 24;
pub const FONT: &str = "sans-serif";

// The type scale, in chart units (see WIDTH). plotters writes an SVG font
// size as the size asked for divided by 1.24, so 19 units is drawn at 15.3
// and prints at 8.1 pt at A4 width: the smallest text any chart may have.
/// A chart's title.
pub const TYPE_TITLE: u32 = 26;
/// Subtitles, legends, option and indicator headings.
pub const TYPE_HEADING: u32 = 21;
/// Notes under a chart and "no answers" labels.
pub const TYPE_BODY: u32 = 20;
/// Value labels, group labels, keys and flags: the smallest text.
pub const TYPE_LABEL: u32 = 19;

/// Okabe & Ito (2008), the standard colour-blind-safe qualitative palette.
pub const CATEGORICAL: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
];

/// ColorBrewer PuOr (colour-blind safe), negative (orange) to positive (purple).
const DIVERGING_5: [RGBColor; 5] = [
    RGBColor(230, 97, 1),
    RGBColor(253, 184, 99),
    RGBColor(215, 215, 215),
    RGBColor(178, 171, 210),
    RGBColor(94, 60, 153),
];

pub const INK: RGBColor = RGBColor(33, 33, 33);
pub const MUTED: RGBColor = RGBColor(110, 110, 110);
pub const GRID: RGBColor = RGBColor(225, 225, 225);
pub const HIDDEN: RGBColor = RGBColor(245, 245, 245);
/// Worse and better markers: vermillion and blue from the Okabe-Ito palette,
/// always paired with a shape and a word.
pub const WORSE: RGBColor = RGBColor(213, 94, 0);
pub const BETTER: RGBColor = RGBColor(0, 114, 178);

pub fn categorical(i: usize) -> RGBColor {
    CATEGORICAL[i % CATEGORICAL.len()]
}

/// `n` colours from orange through grey to purple.
pub fn diverging(n: usize) -> Vec<RGBColor> {
    match n {
        0 => vec![],
        1 => vec![DIVERGING_5[2]],
        2 => vec![DIVERGING_5[1], DIVERGING_5[3]],
        3 => vec![DIVERGING_5[0], DIVERGING_5[2], DIVERGING_5[4]],
        4 => vec![
            DIVERGING_5[0],
            DIVERGING_5[1],
            DIVERGING_5[3],
            DIVERGING_5[4],
        ],
        5 => DIVERGING_5.to_vec(),
        n => (0..n)
            .map(|i| lerp_stops(&DIVERGING_5, i as f64 / (n - 1) as f64))
            .collect(),
    }
}

fn lerp_stops(stops: &[RGBColor], t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0) * (stops.len() - 1) as f64;
    let i = (t.floor() as usize).min(stops.len() - 2);
    let f = t - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (stops[i], stops[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// WCAG 2 relative luminance of an sRGB colour.
fn luminance(c: RGBColor) -> f64 {
    let lin = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

/// WCAG 2 contrast ratio between two colours (1 to 21).
pub fn contrast(a: RGBColor, b: RGBColor) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Text colour for a label on `bg` with at least 4.5:1 contrast (WCAG AA):
/// the house ink or white where either reaches it, else pure black, which
/// always does where white does not. White on Okabe-Ito orange or sky blue
/// reads at about 2:1, so the choice is by measured contrast, not lightness.
pub fn text_on(bg: RGBColor) -> RGBColor {
    const AA: f64 = 4.5;
    let ink = contrast(INK, bg);
    let white = contrast(WHITE, bg);
    if ink >= AA && ink >= white {
        INK
    } else if white >= AA {
        WHITE
    } else if ink >= AA {
        INK
    } else {
        BLACK
    }
}

/// plotters draws text of size `s` with an em of `s / 1.24` (in both its
/// SVG and its ab_glyph backends), so that is the size to measure with.
const PLOTTERS_EM: f64 = 1.24;

/// Width of `s` at `size` as asked of plotters. An estimate from DejaVu
/// Sans's average advance, so layout is the same for every backend and
/// machine.
pub fn text_width(s: &str, size: u32) -> i32 {
    let units: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '\'' | '.' | ',' | ':' | ';' | '|' | '!' | ' ' => 0.32,
            'm' | 'w' | 'M' | 'W' | '%' => 0.9,
            // The flag shapes and arrows are wide in DejaVu Sans.
            '▲' | '■' | '●' | '↑' | '↓' | '…' => 0.85,
            c if c.is_uppercase() => 0.7,
            _ => 0.6,
        })
        .sum();
    (units * size as f64 / PLOTTERS_EM).ceil() as i32
}

/// Breaks `s` into lines no wider than `width`; a word longer than a line is
/// cut with an ellipsis. At most `max_lines`; the last gets "…" if cut short.
pub fn wrap(s: &str, width: i32, size: u32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if text_width(&candidate, size) <= width {
            cur = candidate;
        } else {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            cur = fit(word, width, size);
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines > 0");
        *last = fit(&format!("{last}…"), width, size);
        if !last.ends_with('…') {
            last.pop();
            last.push('…');
        }
    }
    lines
}

/// `s` shortened with "…" to fit `width`.
pub fn fit(s: &str, width: i32, size: u32) -> String {
    if text_width(s, size) <= width {
        return s.to_string();
    }
    let mut out: String = String::new();
    for c in s.chars() {
        if text_width(&format!("{out}{c}…"), size) > width {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// A drawing area with the few operations the charts need. Layouts work in
/// chart units; `scale` turns them into the backend's pixels (1 for SVG,
/// [`PNG_SCALE`] for PNG), so one layout serves both.
pub struct Painter<'a, DB: DrawingBackend> {
    pub area: &'a DrawingArea<DB, Shift>,
    pub scale: f64,
}

fn err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("drawing a chart failed: {e:?}")
}

impl<DB: DrawingBackend> Painter<'_, DB> {
    fn px(&self, v: i32) -> i32 {
        (v as f64 * self.scale).round() as i32
    }

    fn at(&self, (x, y): (i32, i32)) -> (i32, i32) {
        (self.px(x), self.px(y))
    }

    fn width(&self, w: u32) -> u32 {
        ((w as f64 * self.scale).round() as u32).max(1)
    }

    pub fn text(
        &self,
        s: &str,
        (x, y): (i32, i32),
        size: u32,
        color: RGBColor,
        h: HPos,
        bold: bool,
    ) -> Result<()> {
        let size = size as f64 * self.scale;
        let font = if bold {
            (FONT, size, FontStyle::Bold).into_font()
        } else {
            (FONT, size).into_font()
        };
        let style = font.color(&color).pos(Pos::new(h, VPos::Center));
        self.area
            .draw(&Text::new(s.to_string(), self.at((x, y)), style))
            .map_err(err)
    }

    pub fn rect(&self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), color: RGBColor) -> Result<()> {
        if x1 <= x0 || y1 <= y0 {
            return Ok(());
        }
        self.area
            .draw(&Rectangle::new(
                [self.at((x0, y0)), self.at((x1, y1))],
                color.filled(),
            ))
            .map_err(err)
    }

    pub fn outline(
        &self,
        (x0, y0): (i32, i32),
        (x1, y1): (i32, i32),
        color: RGBColor,
    ) -> Result<()> {
        let w = self.width(1) as i32;
        if w == 1 {
            return self
                .area
                .draw(&Rectangle::new(
                    [self.at((x0, y0)), self.at((x1, y1))],
                    color.stroke_width(1),
                ))
                .map_err(err);
        }
        // Four filled bars: a wide stroke would be drawn as polygons.
        let ((a, b), (c, d)) = (self.at((x0, y0)), self.at((x1, y1)));
        let h = w / 2;
        for bar in [
            [(a - h, b - h), (c + h, b - h + w - 1)],
            [(a - h, d - h), (c + h, d - h + w - 1)],
            [(a - h, b - h), (a - h + w - 1, d + h)],
            [(c - h, b - h), (c - h + w - 1, d + h)],
        ] {
            self.area
                .draw(&Rectangle::new(bar, color.filled()))
                .map_err(err)?;
        }
        Ok(())
    }

    /// A 1-unit stroke from `a` to `b`. In a bitmap a unit is more than one
    /// pixel, and plotters draws a stroke wider than a pixel as a polygon,
    /// slowly; side-by-side 1-pixel lines draw the same stroke several
    /// times faster (a hundred-group report hatches thousands of cells).
    fn hairlines(&self, a: (i32, i32), b: (i32, i32), color: RGBColor) -> Result<()> {
        let (a, b) = (self.at(a), self.at(b));
        for dx in 0..self.width(1) as i32 {
            self.area
                .draw(&PathElement::new(
                    vec![(a.0 + dx, a.1), (b.0 + dx, b.1)],
                    color.stroke_width(1),
                ))
                .map_err(err)?;
        }
        Ok(())
    }

    pub fn line(&self, a: (i32, i32), b: (i32, i32), color: RGBColor, width: u32) -> Result<()> {
        self.area
            .draw(&PathElement::new(
                vec![self.at(a), self.at(b)],
                color.stroke_width(self.width(width)),
            ))
            .map_err(err)
    }

    pub fn dashed(&self, (x, y0): (i32, i32), y1: i32, color: RGBColor) -> Result<()> {
        let mut y = y0;
        while y < y1 {
            self.line((x, y), (x, (y + 6).min(y1)), color, 2)?;
            y += 10;
        }
        Ok(())
    }

    pub fn circle(&self, c: (i32, i32), r: i32, color: RGBColor) -> Result<()> {
        self.area
            .draw(&Circle::new(self.at(c), self.px(r), color.filled()))
            .map_err(err)
    }

    pub fn polygon(&self, pts: Vec<(i32, i32)>, color: RGBColor) -> Result<()> {
        let pts = pts.into_iter().map(|p| self.at(p)).collect::<Vec<_>>();
        self.area
            .draw(&Polygon::new(pts, color.filled()))
            .map_err(err)
    }

    /// A hidden figure: light fill with diagonal hatching and an outline, so
    /// it reads as "not shown" in colour, greyscale and print.
    pub fn hatch(&self, (x0, y0): (i32, i32), (x1, y1): (i32, i32)) -> Result<()> {
        if x1 <= x0 || y1 <= y0 {
            return Ok(());
        }
        self.rect((x0, y0), (x1, y1), HIDDEN)?;
        let h = y1 - y0;
        let mut x = x0 - h;
        while x < x1 {
            // Clip the 45° stroke from (x, y1) to (x + h, y0) to the box.
            let (mut ax, mut ay, mut bx, mut by) = (x, y1, x + h, y0);
            if ax < x0 {
                ay -= x0 - ax;
                ax = x0;
            }
            if bx > x1 {
                by += bx - x1;
                bx = x1;
            }
            if ax < bx {
                self.hairlines((ax, ay), (bx, by), MUTED)?;
            }
            x += 8;
        }
        self.outline((x0, y0), (x1, y1), MUTED)
    }

    /// Text centred on a white box, readable over hatching.
    pub fn boxed_text(&self, s: &str, (x, y): (i32, i32), size: u32) -> Result<()> {
        let w = text_width(s, size) / 2 + 5;
        self.rect(
            (x - w, y - size as i32 / 2 - 3),
            (x + w, y + size as i32 / 2 + 3),
            WHITE,
        )?;
        self.text(s, (x, y), size, INK, HPos::Center, false)
    }

    /// Lines of text from top `y`, `gap` apart; returns the y after the last.
    pub fn lines(
        &self,
        lines: &[String],
        (x, y): (i32, i32),
        size: u32,
        color: RGBColor,
        h: HPos,
        gap: i32,
    ) -> Result<i32> {
        let mut y = y;
        for l in lines {
            self.text(l, (x, y), size, color, h, false)?;
            y += gap;
        }
        Ok(y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_respects_width_and_line_limit() {
        let lines = wrap(
            "Screening uptake (bowel, breast, cervical) and many more words here",
            300,
            20,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| text_width(l, 20) <= 300), "{lines:?}");
        assert!(lines[1].ends_with('…'));
        assert_eq!(wrap("Bexley", 300, 20, 2), vec!["Bexley".to_string()]);
        let long = fit("Averyveryverylongboroughnamethatdoesnotfit", 100, 20);
        assert!(long.ends_with('…') && text_width(&long, 20) <= 100);
    }

    #[test]
    fn palettes_have_contrast_aware_text() {
        assert_eq!(text_on(RGBColor(0, 0, 0)), WHITE);
        assert_eq!(text_on(RGBColor(240, 228, 66)), INK);
        assert_eq!(diverging(5).len(), 5);
        assert_eq!(diverging(7).len(), 7);
        // Every fill a label can sit on gets 4.5:1 or better.
        let fills = CATEGORICAL
            .iter()
            .copied()
            .chain(diverging(5))
            .chain(diverging(7));
        for bg in fills {
            let c = contrast(text_on(bg), bg);
            assert!(c >= 4.5, "{bg:?}: {c:.2}");
        }
        assert!((contrast(WHITE, BLACK) - 21.0).abs() < 1e-9);
    }
}
