//! The report as a small document model, built once from the `Summary`.
//!
//! report.md and report.html say exactly the same things; only their markup
//! differs. So the wording, order and tables live here, and `markdown.rs` and
//! `html.rs` only decide how each block is written (and how survey text is
//! escaped for each).

use crate::render::charts::Chart;
use crate::render::{
    CONFIDENTIAL, CONFIDENTIAL_MEANS, NOT_APPLICABLE, NOT_APPLICABLE_MEANS, cell_text,
    describe_input, flag, indicator_text, pct, suppressing,
};
use crate::summary::{
    ALL, Comparison, Direction, IndicatorSummary, Kind, Polarity, QuestionSummary, Summary,
};
use crate::text::lower_first;
use crate::text::plural;

/// A run of text with one style. Survey text is held raw and escaped by the
/// emitter.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// Survey or prose text: escaped by each emitter.
    Text(String),
    /// The report's own figures and marks (`12 (34%)`, `<5`, `*`): never
    /// survey text, so markdown writes them as they are.
    Mark(String),
    Strong(String),
    Em(String),
    Code(String),
}

pub type Runs = Vec<Span>;

pub fn text(s: impl Into<String>) -> Runs {
    vec![Span::Text(s.into())]
}

fn mark(s: impl Into<String>) -> Runs {
    vec![Span::Mark(s.into())]
}

fn strong(s: impl Into<String>) -> Runs {
    vec![Span::Strong(s.into())]
}

#[derive(Debug, Clone)]
pub struct Table {
    /// Says what the table shows; HTML's `<caption>`.
    pub caption: String,
    pub header: Vec<Runs>,
    /// The first cell of each row heads the row.
    pub rows: Vec<Vec<Runs>>,
    /// Columns from this index hold numbers (right-aligned).
    pub numeric_from: usize,
    /// Left out of the printed paper because a chart beside it shows the
    /// same figures (the paper must stay short enough for a board); on
    /// screen, in report.md and in the CSVs it is always there.
    pub screen_only: bool,
}

#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Para(Runs),
    List(Vec<Runs>),
    Table(Table),
    Figure(Chart),
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    /// The cover's facts, label and value (wave, fieldwork, responses, date
    /// of the paper): what a board member checks before reading on.
    pub cover: Vec<(String, String)>,
    /// The not-for-publication warning, when small numbers are shown.
    pub banner: Option<Runs>,
    pub lede: Runs,
    pub sections: Vec<Section>,
    /// Sections from this index on are the appendix: detail a board member
    /// may skip, which starts on a page of its own when printed.
    pub appendix_from: Option<usize>,
    pub footer: Runs,
}

/// The appendix's heading, in every format.
pub const APPENDIX: &str = "Appendix: detailed results";

/// Builds the report. `charts` appear where they belong (none when no SVGs
/// are written).
pub fn build(s: &Summary, charts: &[Chart]) -> Document {
    let unverified = s.disclosure.unverified_figures;
    let banner = if !suppressing(s) {
        Some(vec![
            Span::Strong("Not for publication: small numbers not suppressed.".into()),
            Span::Text(" This report was made with ".into()),
            Span::Code(format!("--min-cell {}", s.min_cell)),
            Span::Text(
                " and may identify individuals. Share it only inside the organisation.".into(),
            ),
        ])
    } else if unverified > 0 {
        Some(vec![
            Span::Strong(format!(
                "Not for publication: {} could not be verified as protected.",
                crate::text::plural(unverified, "hidden figure", "hidden figures")
            )),
            Span::Text(
                " Someone could possibly work out a hidden number from the ones shown. Share it only inside \
                 the organisation, and report the problem to survey-lens's maintainers."
                    .into(),
            ),
        ])
    } else {
        None
    };
    let n_groups = s.groups.len();
    let lede = vec![
        Span::Text("This report summarises ".into()),
        Span::Strong(format!("{} responses", s.responses.analysed)),
        Span::Text(format!(
            " from {}, {}. Every percentage shows the number of people it is based on (n).",
            if s.population.is_empty() {
                "the survey"
            } else {
                &s.population
            },
            if n_groups == 0 {
                "all together (they are not broken down into groups)".to_string()
            } else {
                format!(
                    "broken down by {} ({n_groups} group{})",
                    lower_first(&s.group_label),
                    if n_groups == 1 { "" } else { "s" }
                )
            },
        )),
    ];

    let mut sections = Vec::new();
    let brief = crate::render::brief::blocks(s);
    if !brief.is_empty() {
        sections.push(Section {
            id: "findings".into(),
            title: "Findings".into(),
            blocks: brief,
        });
    }
    if !s.indicators.is_empty() {
        sections.push(at_a_glance(s));
        // The heatmap (the table's figures coloured by verdict) leads; the
        // table with its bases follows, then the intervals.
        let mut headline = headline(s);
        let mut overview = charts.iter().filter(|c| c.question.is_none()).cloned();
        if let Some(first) = overview.next() {
            headline.blocks.insert(0, Block::Figure(first));
        }
        headline.blocks.extend(overview.map(Block::Figure));
        sections.push(headline);
    }
    let appendix_from = Some(sections.len());
    if let Some(c) = &s.change {
        sections.push(change_section(c));
    }
    sections.push(responses_by_group(s));
    for sec in &s.sections {
        let qs: Vec<&QuestionSummary> = s.questions_in(&sec.id).collect();
        if qs.is_empty() {
            continue;
        }
        let mut blocks = Vec::new();
        if !sec.intro.is_empty() {
            blocks.push(Block::Para(text(&sec.intro)));
        }
        for q in qs {
            let charted: Vec<Block> = charts
                .iter()
                .filter(|c| c.question.as_deref() == Some(q.id.as_str()))
                .cloned()
                .map(Block::Figure)
                .collect();
            blocks.extend(question(s, q, !charted.is_empty()));
            blocks.extend(charted);
        }
        sections.push(Section {
            id: format!("section-{}", sec.id),
            title: sec.title.clone(),
            blocks,
        });
    }
    sections.push(data_quality(s));
    sections.push(inputs(s));
    sections.push(method(s));
    Document {
        title: s.title.clone(),
        cover: cover(s),
        banner,
        lede,
        sections,
        appendix_from,
        footer: vec![Span::Em(format!("Made by {}.", s.generated_by))],
    }
}

/// The cover's facts, each only when the summary knows it.
fn cover(s: &Summary) -> Vec<(String, String)> {
    use crate::dates::long;
    let mut c = Vec::new();
    if !s.population.is_empty() {
        c.push(("Who was surveyed".into(), s.population.clone()));
    }
    // A paper always says which wave it is, even when it cannot tell.
    c.push((
        "Wave".into(),
        s.wave.clone().unwrap_or_else(|| {
            "not named: the export has no completion dates (name it with --wave)".into()
        }),
    ));
    c.push((
        "Fieldwork".into(),
        match &s.fieldwork {
            Some(f) if f.first == f.last => long(&f.first),
            Some(f) => format!("{} to {}", long(&f.first), long(&f.last)),
            None => "not known: the export has no completion dates".into(),
        },
    ));
    let by = match s.groups.len() {
        0 => String::new(),
        n if lower_first(&s.group_label) == "group" => format!(" in {n} groups"),
        n => format!(
            ", by {} ({})",
            lower_first(&s.group_label),
            plural(n as u64, "group", "groups")
        ),
    };
    c.push((
        "Responses".into(),
        format!("{} analysed{by}", s.responses.analysed),
    ));
    if let Some(d) = &s.date {
        c.push(("Date of this paper".into(), long(d)));
    }
    c
}

/// `+5`, `−3`, `0`: a change in whole points, with a true minus sign.
pub fn signed(v: f64) -> String {
    match v.round() as i64 {
        0 => "0".into(),
        n if n > 0 => format!("+{n}"),
        n => format!("\u{2212}{}", -n),
    }
}

/// "Change since <previous wave>": the changes larger than chance in plain
/// words, then a table per indicator.
pub fn change_section(c: &Comparison) -> Section {
    let mut blocks = Vec::new();
    let found: Vec<Runs> = c
        .rows
        .iter()
        .filter(|r| r.significant == Some(true))
        .map(|r| {
            vec![
                Span::Strong(r.group.clone()),
                Span::Text(format!(
                    ": {} {} ({} to {}, {} points).",
                    lower_first(&r.label),
                    r.direction.map_or("", Direction::as_str),
                    r.previous.map(pct).unwrap_or_default(),
                    r.current.map(pct).unwrap_or_default(),
                    r.change_pp.map(signed).unwrap_or_default()
                )),
            ]
        })
        .collect();
    if found.is_empty() {
        blocks.push(Block::Para(text(format!(
            "No headline figure changed by more than chance since {}.",
            c.previous.label
        ))));
    } else {
        blocks.push(Block::List(found));
    }
    blocks.push(Block::Para(text(
        "A change is called improved or worsened only when it is larger than chance even allowing for every figure \
         compared here at once (Newcombe's method for each change, Holm's method across them), so that a table of many \
         figures does not find changes in sampling noise; the 95% interval is shown for each. \
         Figures hidden in either wave are not compared.",
    )));
    let mut seen: Vec<&str> = Vec::new();
    for r in &c.rows {
        if seen.contains(&r.indicator.as_str()) {
            continue;
        }
        seen.push(&r.indicator);
        let rows = c
            .rows
            .iter()
            .filter(|x| x.indicator == r.indicator)
            .map(|x| {
                let verdict = match (&x.direction, &x.note) {
                    (Some(d), _) if x.significant == Some(true) => {
                        vec![Span::Strong(d.as_str().to_string())]
                    }
                    (Some(d), _) => mark(d.as_str().to_string()),
                    (None, Some(n)) => text(n.clone()),
                    _ => vec![],
                };
                vec![
                    group_head(&x.group),
                    mark(x.previous.map(pct).unwrap_or_else(|| "–".into())),
                    mark(x.current.map(pct).unwrap_or_else(|| "–".into())),
                    mark(x.change_pp.map(signed).unwrap_or_default()),
                    mark(
                        x.ci95
                            .map(|[l, h]| format!("{} to {}", signed(l), signed(h)))
                            .unwrap_or_default(),
                    ),
                    verdict,
                ]
            })
            .collect();
        blocks.push(Block::Heading(format!(
            "{} ({} is better)",
            r.label,
            higher_or_lower(r.higher_is)
        )));
        blocks.push(Block::Table(Table {
            caption: format!(
                "{}: {} and {}, change in percentage points with its 95% interval",
                r.label, c.previous.label, c.current.label
            ),
            header: vec![
                text("Group"),
                text(c.previous.label.clone()),
                text(c.current.label.clone()),
                text("Change (points)"),
                text("95% interval"),
                text("Verdict"),
            ],
            rows,
            numeric_from: 1,
            screen_only: false,
        }));
    }
    if !c.not_compared.is_empty() {
        blocks.push(Block::Para(text("Not compared:")));
        blocks.push(Block::List(c.not_compared.iter().map(text).collect()));
    }
    Section {
        id: "change".into(),
        title: format!("Change since {}", c.previous.label),
        blocks,
    }
}

/// comparison.md as a document of its own.
pub fn comparison(c: &Comparison) -> Document {
    Document {
        title: format!("Change from {} to {}", c.previous.label, c.current.label),
        banner: None,
        lede: text(format!(
            "{} responses in {} compared with {} in {}.",
            c.current.analysed, c.current.label, c.previous.analysed, c.previous.label
        )),
        cover: vec![],
        sections: vec![change_section(c)],
        appendix_from: None,
        footer: vec![Span::Em(format!(
            "Made by survey-lens {}.",
            env!("CARGO_PKG_VERSION")
        ))],
    }
}

/// Plain sentences: which groups stand out, on which indicators.
fn at_a_glance(s: &Summary) -> Section {
    let phrase = |g: &str, ind: &IndicatorSummary| -> Option<String> {
        let (c, a) = (ind.cell(g)?, ind.cell(ALL)?);
        Some(format!(
            "{} ({} vs {} overall)",
            lower_first(&ind.label),
            pct(c.percent?),
            pct(a.percent?)
        ))
    };
    let mut items = Vec::new();
    for o in crate::render::standouts(s) {
        let said = |inds: &[&IndicatorSummary]| -> Vec<String> {
            inds.iter().filter_map(|i| phrase(o.group, i)).collect()
        };
        let (worse, better) = (said(&o.worse), said(&o.better));
        if worse.is_empty() && better.is_empty() {
            continue;
        }
        let mut line = String::from(":");
        if !worse.is_empty() {
            line.push_str(&format!(" worse than overall on {}", join_and(&worse)));
        }
        if !better.is_empty() {
            line.push_str(&format!(
                "{} better than overall on {}",
                if worse.is_empty() { "" } else { ";" },
                join_and(&better)
            ));
        }
        line.push('.');
        items.push(vec![Span::Strong(o.group.to_string()), Span::Text(line)]);
    }
    if items.is_empty() {
        items.push(text(format!(
            "{} Differences in the tables below may be due to chance.",
            crate::render::NO_STANDOUT
        )));
    }
    Section {
        id: "at-a-glance".into(),
        title: "At a glance".into(),
        blocks: vec![
            Block::List(items),
            Block::Para(text(
                "\"Worse\" and \"better\" are used only where the difference is too large to be \
                 explained by chance (the group's 95% interval does not include the overall figure).",
            )),
        ],
    }
}

fn group_head(g: &str) -> Runs {
    if g == ALL { strong(ALL) } else { text(g) }
}

fn headline(s: &Summary) -> Section {
    let mut header = vec![text(&s.group_label)];
    // Short labels keep ten columns within an A4 page; the paragraph under
    // the table gives each in full.
    let distinct = super::distinct_labels(s);
    let heads = distinct.headings(s);
    header.extend(heads.iter().map(text));
    let rows = s
        .groups_and_all()
        .map(|g| {
            std::iter::once(group_head(g))
                .chain(s.indicators.iter().map(|ind| match ind.cell(g) {
                    None => vec![],
                    Some(c) => match flag(c) {
                        None => mark(indicator_text(c)),
                        Some(f) => vec![
                            Span::Mark(format!("{} ", indicator_text(c))),
                            Span::Strong(f.as_str().to_string()),
                        ],
                    },
                }))
                .collect()
        })
        .collect();
    let polarity: Vec<String> = s
        .indicators
        .iter()
        .zip(heads.iter().zip(&distinct.labels))
        .map(|(i, (head, own))| {
            let better = higher_or_lower(i.higher_is);
            if *head == i.label || (distinct.shared.is_some() && head == own) {
                // The label itself, or its own part when the shared wording
                // is given once below.
                format!("{} ({better} is better)", lower_first(head))
            } else {
                format!("{head}: {} ({better} is better)", lower_first(&i.label))
            }
        })
        .collect();
    let mut blocks = vec![
        Block::Table(Table {
            caption: format!(
                "Headline indicators by {}: percentage, number answering (n), and whether the group differs from All",
                lower_first(&s.group_label)
            ),
            header,
            rows,
            numeric_from: 1,
            screen_only: false,
        }),
        Block::Para(text(format!("For each measure: {}.", polarity.join("; ")))),
    ];
    if let Some(wording) = distinct.wording() {
        blocks.push(Block::Para(text(format!(
            "The measures share their wording, {wording}; each heading is the part in place of the dots."
        ))));
    }
    if suppressing(s) {
        blocks.push(Block::Para(suppression_key(s)));
    }
    Section {
        id: "headline".into(),
        title: "Headline indicators".into(),
        blocks,
    }
}

fn suppression_key(_s: &Summary) -> Runs {
    vec![
        Span::Code(CONFIDENTIAL.into()),
        Span::Text(format!(": {CONFIDENTIAL_MEANS}. ")),
        Span::Code(NOT_APPLICABLE.into()),
        Span::Text(format!(": {NOT_APPLICABLE_MEANS}.")),
    ]
}

fn responses_by_group(s: &Summary) -> Section {
    let total = s.responses.analysed;
    let rows = s
        .responses
        .by_group
        .iter()
        .map(|g| match g.responses {
            Some(n) => vec![
                group_head(&g.group),
                mark(n.to_string()),
                mark(pct(100.0 * n as f64 / total.max(1) as f64)),
            ],
            None => vec![group_head(&g.group), mark(CONFIDENTIAL), vec![]],
        })
        .collect();
    let label = lower_first(&s.group_label);
    let by = if s.groups.is_empty() {
        String::new()
    } else {
        format!(" by {label}")
    };
    Section {
        id: "responses".into(),
        title: format!("Responses{by}"),
        blocks: vec![Block::Table(Table {
            caption: format!("Number and share of responses{by}"),
            header: vec![text(&s.group_label), text("Responses"), text("Share")],
            rows,
            numeric_from: 1,
            screen_only: false,
        })],
    }
}

/// A question's heading, table and notes. `charted`: a chart of it follows,
/// so the printed paper may leave the table out.
fn question(s: &Summary, q: &QuestionSummary, charted: bool) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(q.text.clone())];
    if q.kind == Kind::Text {
        let answered = q.answered.get(ALL).copied().flatten();
        let n = answered.map_or_else(|| CONFIDENTIAL.to_string(), |n| n.to_string());
        if q.quotes.is_empty() {
            blocks.push(Block::Para(text(format!(
                "{n} people answered this open question. Their answers are not reproduced here because free text can identify people."
            ))));
        } else {
            blocks.push(Block::Para(text(format!(
                "{n} people answered this open question. {} of their answers, chosen at random and with names, \
                 email addresses, phone numbers, NHS numbers and postcodes removed automatically:",
                q.quotes.len()
            ))));
            blocks.push(Block::List(
                q.quotes
                    .iter()
                    .map(|qt| {
                        vec![
                            Span::Text(format!("\u{201c}{}\u{201d} ", qt.text)),
                            Span::Em(format!("({})", qt.group)),
                        ]
                    })
                    .collect(),
            ));
        }
        return blocks;
    }
    let mut header = vec![text("Answer")];
    header.extend(s.groups_and_all().map(group_head));
    let mut rows: Vec<Vec<Runs>> = q
        .options
        .iter()
        .map(|opt| {
            std::iter::once(text(opt))
                .chain(
                    s.groups_and_all()
                        .map(|g| mark(q.cell(g, opt).map(cell_text).unwrap_or_default())),
                )
                .collect()
        })
        .collect();
    rows.push(
        std::iter::once(strong("Base (answered)"))
            .chain(s.groups_and_all().map(|g| {
                mark(match q.answered.get(g).copied().flatten() {
                    Some(n) => n.to_string(),
                    None => CONFIDENTIAL.to_string(),
                })
            }))
            .collect(),
    );
    blocks.push(Block::Table(Table {
        // The question is the heading just above: the caption says how to
        // read the table.
        caption: format!(
            "Number choosing each answer (and percentage of those who answered), by {}",
            lower_first(&s.group_label)
        ),
        header,
        rows,
        numeric_from: 1,
        screen_only: charted,
    }));
    if q.kind == Kind::Multi {
        blocks.push(Block::Para(text(
            "People could choose more than one answer, so percentages can add up to more than 100%.",
        )));
    }
    blocks
}

fn data_quality(s: &Summary) -> Section {
    let r = &s.responses;
    let mut removed = vec![
        plural(r.duplicates_removed, "duplicate", "duplicates"),
        plural(
            r.incomplete_excluded,
            "unfinished response",
            "unfinished responses",
        ),
    ];
    if r.screened_excluded > 0 {
        removed.push(plural(
            r.screened_excluded,
            "preview, test or spam response",
            "preview, test or spam responses",
        ));
    }
    let last = removed.pop().expect("two reasons at least");
    let mut blocks = vec![Block::Para(text(format!(
        "{} read. Removed: {} and {last}. Analysed: {}.",
        plural(r.read, "row was", "rows were"),
        removed.join(", "),
        plural(r.analysed, "response", "responses"),
    )))];
    if s.data_quality.is_empty() {
        blocks.push(Block::Para(text(
            "No other problems were found in the input.",
        )));
    } else {
        blocks.push(Block::List(
            s.data_quality.iter().map(|d| text(&d.message)).collect(),
        ));
    }
    Section {
        id: "data-quality".into(),
        title: "Data quality".into(),
        blocks,
    }
}

fn inputs(s: &Summary) -> Section {
    let rows = s
        .inputs
        .iter()
        .map(|i| {
            vec![
                text(&i.file),
                mark(i.rows.to_string()),
                text(describe_input(i)),
                vec![Span::Code(i.sha256[..12.min(i.sha256.len())].to_string())],
            ]
        })
        .collect();
    Section {
        id: "inputs".into(),
        title: "Inputs".into(),
        blocks: vec![Block::Table(Table {
            caption: "Input files, rows read, where they came from, and the start of each file's SHA-256 fingerprint".into(),
            header: vec![text("File"), text("Rows"), text("Source"), text("SHA-256 (start)")],
            rows,
            numeric_from: 1,
            screen_only: false,
        })],
    }
}

fn method(s: &Summary) -> Section {
    let mut items = vec![
        vec![
            Span::Strong("Base (n).".into()),
            Span::Text(
                " A percentage is the share of the people in a group who answered that question. \
                 People who left a question blank are not in its base. For questions where more than one answer \
                 could be chosen, the base is everyone who chose at least one."
                    .into(),
            ),
        ],
        vec![
            Span::Strong("Intervals and flags.".into()),
            Span::Text(
                " Each headline figure has a 95% Wilson score interval: the range in which \
                 the true figure very probably lies. A group is flagged "
                    .into(),
            ),
            Span::Em("worse".into()),
            Span::Text(" or ".into()),
            Span::Em("better".into()),
            Span::Text(
                " only when that whole range is on one side of the overall figure (All); otherwise it is treated as similar."
                    .into(),
            ),
        ],
    ];
    items.push(if suppressing(s) {
        vec![
            Span::Strong("Small numbers.".into()),
            Span::Text(format!(" {} Marks: ", s.disclosure.method)),
            Span::Code(CONFIDENTIAL.into()),
            Span::Text(format!(" {CONFIDENTIAL_MEANS}; ")),
            Span::Code(NOT_APPLICABLE.into()),
            Span::Text(format!(" {NOT_APPLICABLE_MEANS}.")),
        ]
    } else {
        vec![
            Span::Strong("Small numbers.".into()),
            Span::Text(" Not suppressed (".into()),
            Span::Code("--min-cell".into()),
            Span::Text(" 0 or 1): this report is not for publication.".into()),
        ]
    });
    items.push(vec![
        Span::Strong("Matching.".into()),
        Span::Text(
            " Answers are matched to the survey's options ignoring capitals, spacing and curly \
             apostrophes. Repeated response IDs count once (the last copy is kept). Names, email addresses and \
             IDs are dropped before analysis and appear nowhere in this report."
                .into(),
        ),
    ]);
    Section {
        id: "method".into(),
        title: "Method".into(),
        blocks: vec![Block::List(items)],
    }
}

pub(crate) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "higher" or "lower", for "(higher is better)".
fn higher_or_lower(p: Polarity) -> &'static str {
    match p {
        Polarity::Better => "higher",
        Polarity::Worse => "lower",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_naturally() {
        let v: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(join_and(&v), "a, b and c");
        assert_eq!(join_and(&v[..1]), "a");
    }

    #[test]
    fn a_report_with_unverified_figures_opens_with_a_warning() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/reports/sel-stakeholder-survey/2026-Q3/summary.json"
        );
        let mut s: Summary = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(build(&s, &[]).banner.is_none(), "the sample is verified");
        s.disclosure.unverified_figures = 1;
        let banner = build(&s, &[]).banner.expect("a banner");
        let Span::Strong(lead) = &banner[0] else {
            panic!("{banner:?}")
        };
        assert_eq!(
            lead,
            "Not for publication: 1 hidden figure could not be verified as protected."
        );
    }
}
