//! From coded responses to the `Summary`: counts, percentages, intervals,
//! comparisons with All, and small-number suppression.

pub mod counts;
pub mod stats;

use anyhow::Result;
use indexmap::IndexMap;

use crate::normalise::Coded;
use crate::summary::{
    ALL, Cell, GroupCount, IndicatorCell, IndicatorSummary, InputInfo, QuestionSummary, Responses,
    SCHEMA, SectionInfo, Summary,
};
use crate::survey::{Kind, Polarity, Template};
use counts::Counts;
use stats::{Z95, wilson};

/// The small-number rule: counts from 1 to `min_cell - 1` are not published.
/// `min_cell` 0 or 1 turns suppression off.
pub fn is_small(n: u64, min_cell: u32) -> bool {
    min_cell > 1 && n >= 1 && n < u64::from(min_cell)
}

fn percent(count: u64, base: u64) -> Option<f64> {
    (base > 0).then(|| 100.0 * count as f64 / base as f64)
}

pub fn analyse(
    template: &Template,
    coded: Coded,
    inputs: Vec<InputInfo>,
    min_cell: u32,
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
    let slots: Vec<(usize, &str)> = present.iter().copied().chain([(all_slot, ALL)]).collect();

    let by_group = slots
        .iter()
        .map(|&(s, g)| {
            let n = c.responses[s];
            let small = is_small(n, min_cell);
            GroupCount {
                group: g.to_string(),
                responses: (!small).then_some(n),
                suppressed: small,
            }
        })
        .collect();

    let questions = template
        .analysed_questions()
        .zip(&c.questions)
        .map(|(q, qc)| {
            let answered: IndexMap<String, Option<u64>> = slots
                .iter()
                .map(|&(s, g)| {
                    (
                        g.to_string(),
                        (!is_small(qc.base[s], min_cell)).then_some(qc.base[s]),
                    )
                })
                .collect();
            let mut cells = Vec::new();
            if q.kind != Kind::Text {
                for &(s, g) in &slots {
                    let base = qc.base[s];
                    let group_small = is_small(base, min_cell);
                    for (oi, opt) in q.options.iter().enumerate() {
                        let n = qc.options[oi][s];
                        let small = group_small || is_small(n, min_cell);
                        cells.push(Cell {
                            group: g.to_string(),
                            option: opt.clone(),
                            count: (!small).then_some(n),
                            base: (!group_small).then_some(base),
                            percent: if small { None } else { percent(n, base) },
                            suppressed: small,
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
                answered,
                cells,
            }
        })
        .collect();

    let indicators = template
        .indicators
        .iter()
        .zip(&c.indicators)
        .map(|(ind, ic)| {
            let all_n = ic.count[all_slot];
            let all_b = ic.base[all_slot];
            let all_hidden = is_small(all_b, min_cell) || is_small(all_n, min_cell);
            let all_pct = if all_hidden {
                None
            } else {
                percent(all_n, all_b)
            };
            let cells = slots
                .iter()
                .map(|&(s, g)| {
                    let (n, b) = (ic.count[s], ic.base[s]);
                    let base_small = is_small(b, min_cell);
                    let small = base_small || is_small(n, min_cell);
                    let ci = if small {
                        None
                    } else {
                        wilson(n, b, Z95).map(|(l, h)| [100.0 * l, 100.0 * h])
                    };
                    let vs_all = match (s == all_slot, ci, all_pct) {
                        (false, Some([lo, hi]), Some(p)) => Some(compare(lo, hi, p, ind.higher_is)),
                        _ => None,
                    };
                    IndicatorCell {
                        group: g.to_string(),
                        count: (!small).then_some(n),
                        base: (!base_small).then_some(b),
                        percent: if small { None } else { percent(n, b) },
                        ci95: ci,
                        vs_all: vs_all.map(str::to_string),
                        suppressed: small,
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
        min_cell,
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
        data_quality: coded.notes,
    })
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
        assert!(!is_small(0, 5));
        assert!(is_small(1, 5));
        assert!(is_small(4, 5));
        assert!(!is_small(5, 5));
        assert!(!is_small(1, 0));
        assert!(!is_small(1, 1));
        assert!(is_small(1, 2));
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
