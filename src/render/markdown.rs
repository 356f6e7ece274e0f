//! report.md: the board-readable report.
//!
//! Written for readers without statistics training: the headline and plain
//! sentences come first, every percentage carries its base, and the method
//! note at the end explains flags and hidden numbers in ordinary words.

use std::fmt::Write;

use crate::normalise::plural;
use crate::normalise::text::lower_first;
use crate::render::{
    GROUP_HIDDEN, cell_text, describe_input, flag, indicator_text, pct, small, suppressing,
};
use crate::summary::{ALL, QuestionSummary, Summary};

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

fn row(out: &mut String, cells: impl IntoIterator<Item = String>) {
    out.push('|');
    for c in cells {
        let _ = write!(out, " {c} |");
    }
    out.push('\n');
}

fn table(out: &mut String, header: Vec<String>, right_from: usize, rows: Vec<Vec<String>>) {
    let n = header.len();
    row(out, header);
    row(
        out,
        (0..n).map(|i| if i >= right_from { "---:" } else { "---" }.to_string()),
    );
    for r in rows {
        row(out, r);
    }
    out.push('\n');
}

pub fn render(s: &Summary) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", esc(&s.title));
    if !suppressing(s) {
        o.push_str("> **Not for publication: small numbers not suppressed.** This report was made with `--min-cell ");
        let _ = writeln!(
            o,
            "{}` and may identify individuals. Share it only inside the organisation.\n",
            s.min_cell
        );
    }
    let n_groups = s.groups.len();
    let _ = writeln!(
        o,
        "This report summarises **{} responses** from {}, broken down by {} ({} group{}). \
         Every percentage shows the number of people it is based on (n).\n",
        s.responses.analysed,
        if s.population.is_empty() {
            "the survey".to_string()
        } else {
            esc(&s.population)
        },
        esc(&lower_first(&s.group_label)),
        n_groups,
        if n_groups == 1 { "" } else { "s" },
    );

    at_a_glance(&mut o, s);
    headline(&mut o, s);
    responses_by_group(&mut o, s);

    for sec in &s.sections {
        let qs: Vec<&QuestionSummary> = s.questions_in(&sec.id).collect();
        if qs.is_empty() {
            continue;
        }
        let _ = writeln!(o, "## {}\n", esc(&sec.title));
        if !sec.intro.is_empty() {
            let _ = writeln!(o, "{}\n", esc(&sec.intro));
        }
        for q in qs {
            question(&mut o, s, q);
        }
    }

    data_quality(&mut o, s);
    inputs(&mut o, s);
    method(&mut o, s);
    o
}

/// Plain sentences: which groups stand out, on which indicators.
fn at_a_glance(o: &mut String, s: &Summary) {
    if s.indicators.is_empty() {
        return;
    }
    o.push_str("## At a glance\n\n");
    let mut any = false;
    for g in &s.groups {
        let mut worse = Vec::new();
        let mut better = Vec::new();
        for ind in &s.indicators {
            let (Some(c), Some(a)) = (ind.cell(g), ind.cell(ALL)) else {
                continue;
            };
            let (Some(p), Some(pa)) = (c.percent, a.percent) else {
                continue;
            };
            let phrase = format!(
                "{} ({} vs {} overall)",
                esc(&lower_first(&ind.label)),
                pct(p),
                pct(pa)
            );
            match flag(c) {
                "worse" => worse.push(phrase),
                "better" => better.push(phrase),
                _ => {}
            }
        }
        if worse.is_empty() && better.is_empty() {
            continue;
        }
        any = true;
        let _ = write!(o, "- **{}**:", esc(g));
        if !worse.is_empty() {
            let _ = write!(o, " worse than overall on {}", join_and(&worse));
        }
        if !better.is_empty() {
            let _ = write!(
                o,
                "{} better than overall on {}",
                if worse.is_empty() { "" } else { ";" },
                join_and(&better)
            );
        }
        o.push_str(".\n");
    }
    if !any {
        o.push_str(
            "- No group differs clearly from the overall figures on any headline measure. \
             Differences in the tables below may be due to chance.\n",
        );
    }
    o.push_str(
        "\n\"Worse\" and \"better\" are used only where the difference is too large to be \
         explained by chance (the group's 95% interval does not include the overall figure).\n\n",
    );
}

fn headline(o: &mut String, s: &Summary) {
    if s.indicators.is_empty() {
        return;
    }
    o.push_str("## Headline indicators\n\n");
    let mut header = vec![esc(&s.group_label)];
    header.extend(s.indicators.iter().map(|i| esc(&i.label)));
    let rows = s
        .groups_and_all()
        .map(|g| {
            let name = if g == ALL {
                format!("**{ALL}**")
            } else {
                esc(g)
            };
            std::iter::once(name)
                .chain(s.indicators.iter().map(|ind| match ind.cell(g) {
                    None => String::new(),
                    Some(c) => match flag(c) {
                        "" => indicator_text(c, s.min_cell),
                        f => format!("{} **{f}**", indicator_text(c, s.min_cell)),
                    },
                }))
                .collect()
        })
        .collect();
    table(o, header, 1, rows);
    let polarity: Vec<String> = s
        .indicators
        .iter()
        .map(|i| {
            format!(
                "{} ({} is better)",
                esc(&lower_first(&i.label)),
                if i.higher_is == "better" {
                    "higher"
                } else {
                    "lower"
                }
            )
        })
        .collect();
    let _ = writeln!(o, "For each measure: {}.\n", polarity.join("; "));
    footnote(o, s);
}

fn responses_by_group(o: &mut String, s: &Summary) {
    let _ = writeln!(o, "## Responses by {}\n", esc(&lower_first(&s.group_label)));
    let total = s.responses.analysed;
    let rows = s
        .responses
        .by_group
        .iter()
        .map(|g| {
            let name = if g.group == ALL {
                format!("**{ALL}**")
            } else {
                esc(&g.group)
            };
            match g.responses {
                Some(n) => vec![
                    name,
                    n.to_string(),
                    pct(100.0 * n as f64 / total.max(1) as f64),
                ],
                None => vec![name, small(s.min_cell), String::new()],
            }
        })
        .collect();
    table(
        o,
        vec![esc(&s.group_label), "Responses".into(), "Share".into()],
        1,
        rows,
    );
}

fn question(o: &mut String, s: &Summary, q: &QuestionSummary) {
    let _ = writeln!(o, "### {}\n", esc(&q.text));
    if q.kind == "text" {
        let answered = q.answered.get(ALL).copied().flatten();
        let _ = writeln!(
            o,
            "{} people answered this open question. Their answers are not reproduced here because free text can identify people.\n",
            answered.map_or_else(|| small(s.min_cell), |n| n.to_string())
        );
        return;
    }
    let mut header = vec!["Answer".to_string()];
    header.extend(s.groups_and_all().map(|g| {
        if g == ALL {
            format!("**{ALL}**")
        } else {
            esc(g)
        }
    }));
    let mut rows: Vec<Vec<String>> = q
        .options
        .iter()
        .map(|opt| {
            std::iter::once(esc(opt))
                .chain(s.groups_and_all().map(|g| {
                    q.cell(g, opt)
                        .map(|c| cell_text(c, s.min_cell))
                        .unwrap_or_default()
                }))
                .collect()
        })
        .collect();
    rows.push(
        std::iter::once("**Base (answered)**".to_string())
            .chain(
                s.groups_and_all()
                    .map(|g| match q.answered.get(g).copied().flatten() {
                        Some(n) => n.to_string(),
                        None => small(s.min_cell),
                    }),
            )
            .collect(),
    );
    table(o, header, 1, rows);
    if q.kind == "multi" {
        o.push_str("People could choose more than one answer, so percentages can add up to more than 100%.\n\n");
    }
}

fn footnote(o: &mut String, s: &Summary) {
    if suppressing(s) {
        let _ = writeln!(
            o,
            "`{}`: fewer than {} people; the number is hidden so that nobody can be identified. \
             `{GROUP_HIDDEN}`: fewer than {} people in this group answered, so all its figures are hidden. \
             `–`: nobody answered.\n",
            small(s.min_cell),
            s.min_cell,
            s.min_cell
        );
    }
}

fn data_quality(o: &mut String, s: &Summary) {
    o.push_str("## Data quality\n\n");
    let r = &s.responses;
    let _ = writeln!(
        o,
        "{} read. Removed: {} and {}. Analysed: {}.\n",
        plural(r.read, "row was", "rows were"),
        plural(r.duplicates_removed, "duplicate", "duplicates"),
        plural(
            r.incomplete_excluded,
            "unfinished response",
            "unfinished responses"
        ),
        plural(r.analysed, "response", "responses"),
    );
    if s.data_quality.is_empty() {
        o.push_str("No other problems were found in the input.\n\n");
    }
    for d in &s.data_quality {
        let _ = writeln!(o, "- {}", esc(&d.message));
    }
    if !s.data_quality.is_empty() {
        o.push('\n');
    }
}

fn inputs(o: &mut String, s: &Summary) {
    o.push_str("## Inputs\n\n");
    let rows = s
        .inputs
        .iter()
        .map(|i| {
            vec![
                esc(&i.file),
                i.rows.to_string(),
                esc(&describe_input(i)),
                format!("`{}`", &i.sha256[..12.min(i.sha256.len())]),
            ]
        })
        .collect();
    table(
        o,
        vec![
            "File".into(),
            "Rows".into(),
            "Source".into(),
            "SHA-256 (start)".into(),
        ],
        1,
        rows,
    );
}

fn method(o: &mut String, s: &Summary) {
    o.push_str("## Method\n\n");
    o.push_str(
        "- **Base (n).** A percentage is the share of the people in a group who answered that question. \
         People who left a question blank are not in its base. For questions where more than one answer \
         could be chosen, the base is everyone who chose at least one.\n",
    );
    o.push_str(
        "- **Intervals and flags.** Each headline figure has a 95% Wilson score interval: the range in which \
         the true figure very probably lies. A group is flagged *worse* or *better* only when that whole range \
         is on one side of the overall figure (All); otherwise it is treated as similar.\n",
    );
    if suppressing(s) {
        let _ = writeln!(
            o,
            "- **Small numbers.** Any count from 1 to {} is hidden and shown as `{}`. A group with fewer than {} \
             answers to a question has all its figures for that question hidden (`{GROUP_HIDDEN}`).",
            s.min_cell - 1,
            small(s.min_cell),
            s.min_cell
        );
    } else {
        o.push_str("- **Small numbers.** Not suppressed (`--min-cell` 0 or 1): this report is not for publication.\n");
    }
    o.push_str(
        "- **Matching.** Answers are matched to the survey's options ignoring capitals, spacing and curly \
         apostrophes. Repeated response IDs count once (the last copy is kept). Names, email addresses and \
         IDs are dropped before analysis and appear nowhere in this report.\n",
    );
    let _ = writeln!(o, "\n_Made by {}._", esc(&s.generated_by));
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
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

    #[test]
    fn lists_read_naturally() {
        let v: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(join_and(&v), "a, b and c");
    }
}
