//! From coded responses to the `Summary`: counts, percentages, intervals,
//! comparisons with All, and small-number suppression.

pub mod change;
pub mod counts;
pub mod disclosure;
pub mod protect;
pub mod quotes;
pub mod stats;

use anyhow::Result;
use indexmap::IndexMap;

use crate::normalise::Coded;
use crate::summary::{
    ALL, Cell, Disclosure, GroupCount, IndicatorCell, IndicatorSummary, InputInfo, QuestionSummary,
    Quote, Responses, SCHEMA, SectionInfo, Summary,
};
use crate::survey::{Kind, Polarity, Question, Template};
use counts::Counts;
use disclosure::{Hidden, Table};
pub use protect::Policy;
use stats::{Z95, wilson};

fn percent(count: u64, base: u64) -> Option<f64> {
    (base > 0).then(|| 100.0 * count as f64 / base as f64)
}

/// How a headline indicator is computed and protected.
struct IndicatorPlan {
    /// Index into the analysed questions.
    question: usize,
    counted: Vec<usize>,
    excluded: Vec<usize>,
    /// Position among its question's indicator links, when it is a plain sum
    /// of that question's cells (published from the question's table).
    link: Option<usize>,
}

fn disclosure(p: &Policy) -> Disclosure {
    let method = if p.suppressing() {
        let mut m = format!(
            "Counts from 1 to {} are hidden, and so are all figures of a group with fewer than {} answers. \
             Where a hidden number could be worked out by subtraction (from a row or column total, or from All \
             minus the other groups), the next smallest number is hidden too. When exactly one group is hidden, \
             the next smallest group is hidden with it, because the groups' totals add up to All's.",
            p.min_cell - 1,
            p.min_cell
        );
        if let Some(r) = p.round.filter(|r| *r > 1) {
            m.push_str(&format!(
                " Published counts are rounded to the nearest {r}; percentages are worked out from the exact counts."
            ));
        }
        m
    } else {
        "Small numbers are not suppressed (--min-cell 0 or 1).".to_string()
    };
    Disclosure {
        min_cell: p.min_cell,
        round: p.round.filter(|r| *r > 1),
        secondary_suppression: p.suppressing(),
        safe_to_publish: p.suppressing(),
        banner: (!p.suppressing()).then(|| NOT_FOR_PUBLICATION.to_string()),
        method,
    }
}

pub const NOT_FOR_PUBLICATION: &str = "Not for publication: small numbers not suppressed";

pub fn analyse(
    template: &Template,
    coded: Coded,
    inputs: Vec<InputInfo>,
    policy: Policy,
) -> Result<Summary> {
    let c: Counts = counts::count(template, &coded)?;
    let all_slot = coded.group_names.len();
    // Groups present, report order, each with its count slot; then All.
    let present: Vec<(usize, &str)> = coded
        .group_names
        .iter()
        .enumerate()
        .filter(|(i, _)| c.responses[*i] > 0)
        .map(|(i, g)| (i, g.as_str()))
        .collect();
    let slot_ids: Vec<usize> = present.iter().map(|(s, _)| *s).chain([all_slot]).collect();
    let names: Vec<&str> = present.iter().map(|(_, g)| *g).chain([ALL]).collect();
    let shown = |t: &Table, i: usize| t.hidden[i].is_none();
    let why = |t: &Table, i: usize| t.hidden[i].map(|h| h.as_str().to_string());

    let rt = protect::responses(&c.responses, &slot_ids, &policy);
    let by_group = names
        .iter()
        .enumerate()
        .map(|(j, g)| GroupCount {
            group: g.to_string(),
            responses: shown(&rt, j).then(|| policy.publish(rt.values[j])),
            suppressed: !shown(&rt, j),
            suppression: why(&rt, j),
        })
        .collect();

    let qs: Vec<&Question> = template.analysed_questions().collect();
    // Each indicator: its question, option sets, and whether it is a plain
    // sum of that question's cells (published from the question's table):
    // then `link` is its position among that table's indicator links.
    let mut links_per_question = vec![0usize; qs.len()];
    let ind_meta: Vec<IndicatorPlan> = template
        .indicators
        .iter()
        .map(|ind| {
            let qi = qs
                .iter()
                .position(|q| q.id == ind.question)
                .expect("validated");
            let (counted, excluded) = (
                qs[qi].option_indices(&ind.counts),
                qs[qi].option_indices(&ind.base_excludes),
            );
            let linear = qs[qi].kind != Kind::Multi || (counted.len() == 1 && excluded.is_empty());
            let link = linear.then(|| {
                links_per_question[qi] += 1;
                links_per_question[qi] - 1
            });
            IndicatorPlan {
                question: qi,
                counted,
                excluded,
                link,
            }
        })
        .collect();
    let grids: Vec<Option<protect::Grid>> = qs
        .iter()
        .zip(&c.questions)
        .enumerate()
        .map(|(qi, (q, qc))| {
            let links: Vec<protect::Link> = ind_meta
                .iter()
                .zip(&c.indicators)
                .filter(|(m, _)| m.question == qi && m.link.is_some())
                .map(|(m, ic)| protect::Link {
                    counts: ic,
                    counted: m.counted.clone(),
                    excluded: m.excluded.clone(),
                })
                .collect();
            (q.kind != Kind::Text)
                .then(|| protect::question(qc, &slot_ids, q.kind != Kind::Multi, &links, &policy))
        })
        .collect();

    let questions = qs
        .iter()
        .zip(&c.questions)
        .zip(&grids)
        .enumerate()
        .map(|(qi, ((q, qc), grid))| {
            let answered: IndexMap<String, Option<u64>> = names
                .iter()
                .enumerate()
                .map(|(j, g)| {
                    let b = qc.base[slot_ids[j]];
                    let hidden = match grid {
                        Some(gr) => gr.base_hidden(j).is_some(),
                        None => policy.small(b),
                    };
                    (g.to_string(), (!hidden).then(|| policy.publish(b)))
                })
                .collect();
            let mut cells = Vec::new();
            if let Some(gr) = grid {
                for (j, g) in names.iter().enumerate() {
                    let b = qc.base[slot_ids[j]];
                    let base_shown = gr.base_hidden(j).is_none();
                    for (oi, opt) in q.options.iter().enumerate() {
                        let n = qc.options[oi][slot_ids[j]];
                        let hidden = gr.cell_hidden(oi, j);
                        cells.push(Cell {
                            group: g.to_string(),
                            option: opt.clone(),
                            count: hidden.is_none().then(|| policy.publish(n)),
                            base: base_shown.then(|| policy.publish(b)),
                            percent: if hidden.is_none() {
                                percent(n, b)
                            } else {
                                None
                            },
                            suppressed: hidden.is_some(),
                            suppression: hidden.map(|h| h.as_str().to_string()),
                        });
                    }
                }
            }
            QuestionSummary {
                id: q.id.clone(),
                text: q.text.clone(),
                kind: q.kind.as_str().into(),
                section: q.section.clone(),
                options: q.options.clone(),
                quotes: pick_quotes(&coded, qi, qc, &slot_ids, &names, &rt, &policy),
                answered,
                cells,
            }
        })
        .collect();

    let indicators = template
        .indicators
        .iter()
        .zip(&c.indicators)
        .zip(&ind_meta)
        .map(|((ind, ic), m)| {
            let grid = grids[m.question]
                .as_ref()
                .expect("indicators are never on text questions");
            // (count hidden?, base hidden?) per column.
            let status: Vec<(Option<Hidden>, Option<Hidden>)> = if let Some(link) = m.link {
                let (count, base) = &grid.links[link];
                (0..names.len())
                    .map(|j| (grid.t.hidden[count[j]], grid.t.hidden[base[j]]))
                    .collect()
            } else {
                let g = protect::indicator(ic, &slot_ids, grid, &m.counted, &m.excluded, &policy);
                (0..names.len())
                    .map(|j| (g.cell_hidden(0, j), g.base_hidden(j)))
                    .collect()
            };
            let all = names.len() - 1;
            let all_pct = status[all]
                .0
                .is_none()
                .then(|| percent(ic.count[all_slot], ic.base[all_slot]))
                .flatten();
            let cells = names
                .iter()
                .enumerate()
                .map(|(j, name)| {
                    let (n, b) = (ic.count[slot_ids[j]], ic.base[slot_ids[j]]);
                    let (hidden, base_hidden) = status[j];
                    let hidden = hidden.or(base_hidden);
                    let base_shown = base_hidden.is_none();
                    let ci = if hidden.is_some() {
                        None
                    } else {
                        wilson(n, b, Z95).map(|(l, h)| [100.0 * l, 100.0 * h])
                    };
                    let vs_all = match (j == all, ci, all_pct) {
                        (false, Some([lo, hi]), Some(p)) => Some(compare(lo, hi, p, ind.higher_is)),
                        _ => None,
                    };
                    IndicatorCell {
                        group: name.to_string(),
                        count: hidden.is_none().then(|| policy.publish(n)),
                        base: base_shown.then(|| policy.publish(b)),
                        percent: if hidden.is_none() {
                            percent(n, b)
                        } else {
                            None
                        },
                        ci95: ci,
                        vs_all: vs_all.map(str::to_string),
                        suppressed: hidden.is_some(),
                        suppression: hidden.map(|h| h.as_str().to_string()),
                    }
                })
                .collect();
            IndicatorSummary {
                id: ind.id.clone(),
                label: ind.label.clone(),
                section: ind.section.clone(),
                question: ind.question.clone(),
                higher_is: ind.higher_is.as_str().into(),
                cells,
            }
        })
        .collect();

    let read = inputs.iter().map(|i| i.rows).sum();
    let incomplete_excluded = inputs.iter().map(|i| i.incomplete_excluded).sum();
    Ok(Summary {
        schema: SCHEMA.into(),
        title: template.title.clone(),
        generated_by: format!("survey-lens {}", env!("CARGO_PKG_VERSION")),
        population: template.population.clone(),
        group_label: template.group.label.clone(),
        min_cell: policy.min_cell,
        disclosure: disclosure(&policy),
        inputs,
        responses: Responses {
            read,
            duplicates_removed: coded.duplicates_removed,
            incomplete_excluded,
            analysed: c.responses[all_slot],
            by_group,
        },
        groups: present.iter().map(|(_, g)| g.to_string()).collect(),
        sections: template
            .sections
            .iter()
            .map(|s| SectionInfo {
                id: s.id.clone(),
                title: s.title.clone(),
                intro: s.intro.clone(),
            })
            .collect(),
        questions,
        indicators,
        data_quality: coded.notes.clone(),
        wave: coded.quarter.clone(),
        change: None,
    })
}

/// Redacted quotes for text question `qi`, only from groups whose figures
/// are published for it (never from a group below min-cell).
fn pick_quotes(
    coded: &Coded,
    qi: usize,
    qc: &counts::QuestionCounts,
    slot_ids: &[usize],
    names: &[&str],
    responses: &Table,
    policy: &Policy,
) -> Vec<Quote> {
    let Some(texts) = coded
        .texts
        .get(qi)
        .filter(|t| !t.is_empty() && policy.quotes > 0)
    else {
        return vec![];
    };
    let publishable = |code: u32| -> Option<usize> {
        let j = slot_ids.iter().position(|&s| s == code as usize)?;
        let ok = responses.hidden[j].is_none()
            && !policy.small(qc.base[slot_ids[j]])
            && qc.base[slot_ids[j]] > 0;
        ok.then_some(j)
    };
    let candidates: Vec<(usize, &str)> = texts
        .iter()
        .enumerate()
        .filter_map(|(row, t)| Some((row, t.as_deref()?)))
        .filter(|(row, _)| publishable(coded.group[*row]).is_some())
        .collect();
    let everyone = quotes::Names::new(coded.names.iter().flatten());
    quotes::choose(candidates, policy.quotes)
        .into_iter()
        .map(|row| Quote {
            group: names[publishable(coded.group[row]).expect("filtered")].to_string(),
            text: quotes::redact(
                texts[row].as_deref().unwrap_or_default(),
                coded.names.get(row).map_or(&[][..], Vec::as_slice),
                &everyone,
            ),
        })
        .collect()
}

/// "worse"/"better" when the group's interval lies wholly on one side of All's
/// percentage, "similar" when it overlaps.
fn compare(lo: f64, hi: f64, all_pct: f64, higher_is: Polarity) -> &'static str {
    let higher = lo > all_pct;
    let lower = hi < all_pct;
    match (higher, lower, higher_is) {
        (true, _, Polarity::Better) | (_, true, Polarity::Worse) => "better",
        (true, _, Polarity::Worse) | (_, true, Polarity::Better) => "worse",
        _ => "similar",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_number_rule() {
        let p = |min_cell| Policy {
            min_cell,
            round: None,
            quotes: 0,
        };
        assert!(!p(5).small(0));
        assert!(p(5).small(1));
        assert!(p(5).small(4));
        assert!(!p(5).small(5));
        assert!(!p(0).small(1));
        assert!(!p(1).small(1));
        assert!(p(2).small(1));
    }

    #[test]
    fn comparison_follows_polarity() {
        assert_eq!(compare(40.0, 60.0, 30.0, Polarity::Worse), "worse");
        assert_eq!(compare(40.0, 60.0, 30.0, Polarity::Better), "better");
        assert_eq!(compare(10.0, 20.0, 30.0, Polarity::Worse), "better");
        assert_eq!(compare(10.0, 20.0, 30.0, Polarity::Better), "worse");
        assert_eq!(compare(20.0, 40.0, 30.0, Polarity::Better), "similar");
    }
}
