//! report.md: the document written as GitHub-flavoured markdown.

use std::fmt::Write;

use crate::render::charts::Chart;
use crate::render::document::{self, Block, Runs, Span, Table};
use crate::summary::Summary;

/// Escapes survey text for a markdown table cell or line: it must not break
/// the table or inject markup, and line breaks become spaces.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '*' | '_' | '#' | '<' | '>' | '`' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
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
            Span::Mark(t) => o.push_str(t),
            Span::Strong(t) => {
                let _ = write!(o, "**{}**", esc(t));
            }
            Span::Em(t) => {
                let _ = write!(o, "*{}*", esc(t));
            }
            // Code spans hold our own notation (`<5`, `--min-cell 0`), never survey text.
            Span::Code(t) => {
                let _ = write!(o, "`{t}`");
            }
        }
    }
    o
}

fn table(o: &mut String, t: &Table) {
    let row = |o: &mut String, cells: &[Runs]| {
        o.push('|');
        for c in cells {
            let _ = write!(o, " {} |", runs(c));
        }
        o.push('\n');
    };
    row(o, &t.header);
    o.push('|');
    for i in 0..t.header.len() {
        o.push_str(if i >= t.numeric_from {
            " ---: |"
        } else {
            " --- |"
        });
    }
    o.push('\n');
    for r in &t.rows {
        row(o, r);
    }
    o.push('\n');
}

/// The report; `charts` are linked where they belong (none when SVGs are
/// not written).
pub fn render(s: &Summary, charts: &[Chart]) -> String {
    emit(&document::build(s, charts))
}

/// Any document as markdown.
pub fn emit(d: &document::Document) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", esc(&d.title));
    for (label, value) in &d.cover {
        let _ = writeln!(o, "- **{}:** {}", esc(label), esc(value));
    }
    if !d.cover.is_empty() {
        o.push('\n');
    }
    if let Some(b) = &d.banner {
        let _ = writeln!(o, "> {}\n", runs(b));
    }
    let _ = writeln!(o, "{}\n", runs(&d.lede));
    for (i, sec) in d.sections.iter().enumerate() {
        if d.appendix_from == Some(i) {
            let _ = writeln!(o, "---\n\n# {}\n", document::APPENDIX);
        }
        let _ = writeln!(o, "## {}\n", esc(&sec.title));
        for b in &sec.blocks {
            match b {
                Block::Heading(h) => {
                    let _ = writeln!(o, "### {}\n", esc(h));
                }
                Block::Para(r) => {
                    let _ = writeln!(o, "{}\n", runs(r));
                }
                Block::List(items) => {
                    for i in items {
                        let _ = writeln!(o, "- {}", runs(i));
                    }
                    o.push('\n');
                }
                Block::Table(t) => table(&mut o, t),
                Block::Figure(c) => {
                    let _ = writeln!(
                        o,
                        "![{}](charts/{}.svg)\n",
                        esc(&c.alt).replace(['[', ']'], ""),
                        c.id
                    );
                }
            }
        }
    }
    let _ = writeln!(o, "{}", runs(&d.footer));
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_tables_intact() {
        assert_eq!(esc("a|b"), "a\\|b");
        assert_eq!(esc("line\nbreak"), "line break");
        assert_eq!(esc("<script>"), "\\<script\\>");
        assert_eq!(
            esc("**bold** _x_ # `c`"),
            "\\*\\*bold\\*\\* \\_x\\_ \\# \\`c\\`"
        );
    }
}
