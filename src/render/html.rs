//! report.html: one self-contained file for boards. Inline SVG charts, inline
//! CSS, no scripts and no external requests (a Content-Security-Policy makes
//! sure of it), accessible tables, and print CSS for A4 board papers.

use std::fmt::Write;

use crate::render::charts::Chart;
use crate::render::document::{self, Block, Runs, Span, Table};
use crate::summary::Summary;

/// Escapes text for HTML content and attribute values.
/// Our own marks (`[c]`, `[z]`) explained on hover and to screen readers,
/// as the GSS guidance asks. Applied to escaped text of our own notation only.
fn abbreviate(escaped: &str) -> String {
    use crate::render::{CONFIDENTIAL, CONFIDENTIAL_MEANS, NOT_APPLICABLE, NOT_APPLICABLE_MEANS};
    escaped
        .replace(
            CONFIDENTIAL,
            &format!(
                "<abbr title=\"{}\">{CONFIDENTIAL}</abbr>",
                esc(CONFIDENTIAL_MEANS)
            ),
        )
        .replace(
            NOT_APPLICABLE,
            &format!(
                "<abbr title=\"{}\">{NOT_APPLICABLE}</abbr>",
                esc(NOT_APPLICABLE_MEANS)
            ),
        )
}

pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn runs(r: &Runs) -> String {
    let mut o = String::new();
    for span in r {
        match span {
            Span::Text(t) => o.push_str(&esc(t)),
            // `34% (n=41)` keeps its base on its line: a printed headline
            // table then wraps only before the verdict word.
            Span::Mark(t) => o.push_str(&abbreviate(&esc(t).replace(" (n=", "\u{a0}(n="))),
            Span::Strong(t) => {
                let _ = write!(o, "<strong>{}</strong>", esc(t));
            }
            Span::Em(t) => {
                let _ = write!(o, "<em>{}</em>", esc(t));
            }
            Span::Code(t) => {
                let _ = write!(o, "<code>{}</code>", abbreviate(&esc(t)));
            }
        }
    }
    o
}

/// Classes for a cell: numbers align right, flags stand out.
fn cell_class(r: &Runs, numeric: bool) -> &'static str {
    let flagged = |w: &str| r.iter().any(|s| matches!(s, Span::Strong(t) if t == w));
    match (numeric, flagged("worse"), flagged("better")) {
        (true, true, _) => " class=\"num worse\"",
        (true, _, true) => " class=\"num better\"",
        (true, _, _) => " class=\"num\"",
        _ => "",
    }
}

fn table(o: &mut String, t: &Table) {
    let _ = writeln!(
        o,
        "<div class=\"table-wrap{}\"><table>\n<caption>{}</caption>",
        if t.screen_only { " screen-only" } else { "" },
        esc(&t.caption)
    );
    o.push_str("<thead><tr>");
    for (i, h) in t.header.iter().enumerate() {
        let _ = write!(
            o,
            "<th scope=\"col\"{}>{}</th>",
            if i >= t.numeric_from {
                " class=\"num\""
            } else {
                ""
            },
            runs(h)
        );
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in &t.rows {
        o.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            if i == 0 {
                let _ = write!(o, "<th scope=\"row\">{}</th>", runs(c));
            } else {
                let _ = write!(
                    o,
                    "<td{}>{}</td>",
                    cell_class(c, i >= t.numeric_from),
                    runs(c)
                );
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table></div>\n");
}

/// An SVG chart made accessible and scalable for inline use.
fn figure(o: &mut String, c: &Chart, svg: &str) {
    let body = svg.trim_start_matches(|ch| ch != '<');
    let body = body.strip_prefix("<?xml").map_or(body, |rest| {
        rest.split_once("?>")
            .map_or(rest, |(_, after)| after.trim_start())
    });
    let labelled = body.replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" aria-labelledby=\"{0}-title\" preserveAspectRatio=\"xMidYMin meet\" ",
            c.id
        ),
        1,
    );
    let labelled = labelled.replacen(
        '>',
        &format!(
            "><title id=\"{}-title\">{}. {}</title>",
            c.id,
            esc(&c.title),
            esc(&c.alt)
        ),
        1,
    );
    let _ = writeln!(
        o,
        "<figure class=\"chart\" id=\"chart-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
        c.id,
        labelled.trim_end(),
        esc(&c.alt)
    );
}

const CSS: &str = r#"
:root { --ink: #212121; --muted: #5f5f5f; --rule: #d9d9d9; --worse: #b34700; --better: #005a8c; --band: #f4f6f8; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink); margin: 0; line-height: 1.45; font-size: 15px; }
main, header.report { max-width: 1100px; margin: 0 auto; padding: 0 24px; }
header.report { padding-top: 24px; }
h1 { font-size: 1.8rem; margin: 0 0 .4rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.6rem; }
.lede { font-size: 1.05rem; }
.banner { border: 3px solid var(--worse); background: #fff3e8; padding: .8rem 1rem; font-size: 1.05rem; }
.summary-box { background: var(--band); border-left: 6px solid var(--better); padding: .6rem 1rem; }
.table-wrap { overflow-x: auto; margin: .6rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .82rem; }
caption { text-align: left; color: var(--muted); font-size: .85rem; padding-bottom: .3rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .4rem; vertical-align: top; overflow-wrap: anywhere; }
thead th { border-bottom: 2px solid var(--ink); text-align: left; }
th { overflow-wrap: normal; hyphens: manual; }
th[scope=row] { text-align: left; font-weight: normal; min-width: 7.5em; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.worse { color: var(--worse); font-weight: bold; }
td.better { color: var(--better); font-weight: bold; }
figure.chart { margin: 1rem 0 1.6rem; }
figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .3rem; }
code { font-family: inherit; background: var(--band); padding: 0 .2em; }
footer { max-width: 1100px; margin: 2rem auto; padding: 0 24px; color: var(--muted); }
dl.cover { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.2rem; margin: 1rem 0 1.2rem; padding: .8rem 1rem; background: var(--band); }
dl.cover dt { font-weight: bold; }
dl.cover dd { margin: 0; }
.print-only { display: none; }
h1.appendix { margin-top: 3rem; border-top: 4px solid var(--ink); padding-top: .6rem; }
@page { size: A4; margin: 14mm 12mm 13mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-family: "DejaVu Sans", Arial, sans-serif; font-size: 8pt; color: #5f5f5f; }
}
@media print {
  body { font-size: 9.5pt; line-height: 1.35; }
  .lede, .summary-box { font-size: 10.5pt; }
  main, header.report, footer { max-width: none; padding: 0; }
  header.report { padding-top: 0; }
  h1.appendix { break-before: page; margin-top: 0; }
  .screen-only { display: none; }
  .print-only { display: block; }
  h2 { margin-top: 1.1rem; }
  h2, h3, h2 + p { break-after: avoid; }
  h1, h2, h3 { break-inside: avoid; }
  td.num { overflow-wrap: normal; }
  /* Printed tables are short (the long ones are screen-only): keep each
     whole, so no header is left alone at the foot of a page. */
  figure.chart, tr, .table-wrap { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  table { font-size: 7pt; line-height: 1.25; }
  th, td { padding: .1rem .15rem; }
  figcaption { font-size: 8pt; }
  h3 { margin: .8rem 0 .25rem; }
  p { margin: .4rem 0; }
  figure.chart { margin: .5rem 0 .8rem; }
  .table-wrap { margin: .3rem 0 .6rem; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Print CSS that heads every page but the first with the paper's title
/// and wave, and marks every page "Not for publication" when small numbers
/// are shown. The text goes into a CSS string, so it is escaped for CSS
/// (and `<` so that survey text cannot close the style element).
fn running_head(title: &str, wave: Option<&str>, banner: Option<&str>) -> String {
    let css = |t: &str| {
        let mut o = String::new();
        for c in t.chars() {
            match c {
                '\\' | '"' => {
                    o.push('\\');
                    o.push(c);
                }
                '<' => o.push_str("\\3C "),
                '\n' | '\r' => o.push(' '),
                c => o.push(c),
            }
        }
        o
    };
    let head = match wave {
        Some(w) => format!("{title} \u{2013} {w}"),
        None => title.to_string(),
    };
    let mut o = format!(
        "@page {{ @top-left {{ content: \"{}\"; font-family: \"DejaVu Sans\", Arial, sans-serif; font-size: 8pt; color: #5f5f5f; }} }}\n@page :first {{ @top-left {{ content: none; }} }}\n",
        css(&head)
    );
    if let Some(b) = banner {
        let _ = writeln!(
            o,
            "@page {{ @top-right {{ content: \"{}\"; font-family: \"DejaVu Sans\", Arial, sans-serif; font-size: 8pt; font-weight: bold; color: #b34700; }} }}",
            css(b)
        );
    }
    o
}

/// The report as one HTML page; `charts` holds each chart with its SVG.
pub fn render(s: &Summary, charts: &[(Chart, String)]) -> String {
    let plan: Vec<Chart> = charts.iter().map(|(c, _)| c.clone()).collect();
    emit(
        &document::build(s, &plan),
        charts,
        s.wave.as_deref(),
        s.disclosure.banner.as_deref(),
    )
}

/// Any document as one self-contained page in the report's style (the
/// board paper, comparison.html, trend.html): `charts` holds each figure's
/// SVG, `wave` and `banner` go into the printed running head.
pub fn emit(
    d: &document::Document,
    charts: &[(Chart, String)],
    wave: Option<&str>,
    banner: Option<&str>,
) -> String {
    let svg_of = |c: &Chart| {
        charts
            .iter()
            .find(|(p, _)| p.id == c.id)
            .map(|(_, svg)| svg.as_str())
    };
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing may be fetched: the page must work offline and leak nothing.
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    let _ = writeln!(
        o,
        "<title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>",
        esc(&d.title),
        running_head(&d.title, wave, banner)
    );
    let _ = writeln!(o, "<header class=\"report\">\n<h1>{}</h1>", esc(&d.title));
    if !d.cover.is_empty() {
        o.push_str("<dl class=\"cover\">\n");
        for (label, value) in &d.cover {
            let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(value));
        }
        o.push_str("</dl>\n");
    }
    if let Some(b) = &d.banner {
        let _ = writeln!(o, "<p class=\"banner\" role=\"alert\">{}</p>", runs(b));
    }
    let _ = writeln!(
        o,
        "<p class=\"lede\">{}</p>\n</header>\n<main>",
        runs(&d.lede)
    );
    for (i, sec) in d.sections.iter().enumerate() {
        if d.appendix_from == Some(i) {
            let _ = writeln!(
                o,
                "<h1 class=\"appendix\" id=\"appendix\">{}</h1>",
                esc(document::APPENDIX)
            );
            let screen_only = d
                .sections
                .iter()
                .flat_map(|s| &s.blocks)
                .any(|b| matches!(b, Block::Table(t) if t.screen_only));
            if screen_only {
                o.push_str(
                    "<p class=\"print-only\">On paper each question is shown as a chart; its table of counts \
                     is left out to keep the paper short. The tables are in the on-screen version of this paper \
                     (report.html), in report.md and in the tables folder.</p>\n",
                );
            }
        }
        let _ = writeln!(
            o,
            "<section id=\"{}\" aria-labelledby=\"{}-h\">",
            esc(&sec.id),
            esc(&sec.id)
        );
        let _ = writeln!(o, "<h2 id=\"{}-h\">{}</h2>", esc(&sec.id), esc(&sec.title));
        let boxed = sec.id == "at-a-glance";
        if boxed {
            o.push_str("<div class=\"summary-box\">\n");
        }
        for b in &sec.blocks {
            match b {
                Block::Heading(h) => {
                    let _ = writeln!(o, "<h3>{}</h3>", esc(h));
                }
                Block::Para(r) => {
                    let _ = writeln!(o, "<p>{}</p>", runs(r));
                }
                Block::List(items) => {
                    o.push_str("<ul>\n");
                    for i in items {
                        let _ = writeln!(o, "<li>{}</li>", runs(i));
                    }
                    o.push_str("</ul>\n");
                }
                Block::Table(t) => table(&mut o, t),
                Block::Figure(c) => {
                    if let Some(svg) = svg_of(c) {
                        figure(&mut o, c, svg);
                    }
                }
            }
        }
        if boxed {
            o.push_str("</div>\n");
        }
        o.push_str("</section>\n");
    }
    let _ = writeln!(
        o,
        "</main>\n<footer><p>{}</p></footer>\n</body>\n</html>",
        runs(&d.footer)
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything() {
        assert_eq!(
            esc("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(esc("Guy's \"A&B\""), "Guy&#39;s &quot;A&amp;B&quot;");
    }
}
