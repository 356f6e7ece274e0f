//! From coded responses to the `Summary`: counts, percentages, intervals,
//! comparisons with All, and disclosure control.

pub mod change;
pub mod counts;
pub mod disclosure;
pub mod quotes;
pub mod stats;

use anyhow::Result;
use indexmap::IndexMap;

use crate::normalise::Coded;
use crate::summary::{
    ALL, Cell, DataQuality, Disclosure, Fieldwork, FindingInfo, GroupCount, IndicatorCell,
    IndicatorSummary, InputInfo, NoteKind, QuestionSummary, Quote, Responses, SCHEMA, SectionInfo,
    Summary, Verdict,
};
use crate::survey::{Polarity, Question, Template};
use crate::text::key;
use counts::{Counts, IndicatorPlan};
pub use disclosure::Policy;
use disclosure::tables::{IndicatorInput, Published, QuestionInput, Rows, Shape, publish};
use stats::{Z95, wilson};

/// A percentage as published: from the published (possibly rounded)
/// counts, and to one decimal place when counts are rounded, so that it
/// gives back nothing the rounded counts do not.
fn percent(count: u64, base: u64, p: &Policy) -> Option<f64> {
    let (n, b) = (p.publish(count), p.publish(base));
    (b > 0).then(|| tidy(100.0 * n as f64 / b as f64, p))
}

fn tidy(v: f64, p: &Policy) -> f64 {
    if p.rounding().is_some() {
        (v * 10.0).round() / 10.0
    } else {
        v
    }
}

/// The rules applied, and whether the result may be published: not when
/// small numbers were kept, nor when the audit left figures unverified.
fn disclosure(p: &Policy, unverified: u64) -> Disclosure {
    let method = if p.suppressing() {
        let mut m = format!(
            "Every hidden figure is shown as [c], whatever the reason it is hidden. Counts from 1 to {small} are hidden, \
             and so is every figure of a group with fewer than {n} responses. Blank, unrecognised and cross-cutting \
             answers to the group question are combined into one group when any of them has fewer than {n}. Then \
             every published figure is audited together, as a reader who solves all the sums at once would attack \
             it, and more figures are hidden until no hidden figure other than 0 can be worked out exactly and no \
             hidden count from 1 to {small} can be narrowed to fewer than {n} possible values.",
            small = p.min_cell - 1,
            n = p.min_cell
        );
        if let Some(r) = p.rounding() {
            m.push_str(&format!(
                " Published counts are rounded to the nearest {r}; percentages and intervals are worked out from the rounded counts."
            ));
        }
        m
    } else {
        "Small numbers are not suppressed (--min-cell 0 or 1).".to_string()
    };
    Disclosure {
        min_cell: p.min_cell,
        round: p.rounding().map(|r| r as u32),
        secondary_suppression: p.suppressing(),
        safe_to_publish: p.suppressing() && unverified == 0,
        unverified_figures: unverified,
        banner: if !p.suppressing() {
            Some(NOT_FOR_PUBLICATION.to_string())
        } else if unverified > 0 {
            Some(format!(
                "Not for publication: {} could not be verified as protected",
                crate::text::plural(unverified, "hidden figure", "hidden figures")
            ))
        } else {
            None
        },
        method,
    }
}

pub const NOT_FOR_PUBLICATION: &str = "Not for publication: small numbers not suppressed";

/// The report's columns: each a list of count slots added together, the
/// name shown for it, All last; and how many responses were left out.
///
/// Residual groups (Not stated, Other and the template's `residual` list) are
/// combined into one column when any of them is small and there is more than
/// one. A residual column that is still small is left out of the report
/// altogether, All included: it is nobody's group, and publishing it, even
/// hidden, would cost a real group its figures (All minus the groups would
/// give it back unless another group's size were hidden too). A data-quality
/// note says how many were left out: that number is about people who gave no
/// usable group, and none of their answers is in any figure.
fn columns(template: &Template, coded: &Coded, c: &Counts, p: &Policy) -> Columns {
    let all_slot = coded.group_names.len();
    if !template.grouped() {
        return Columns {
            slots: vec![vec![all_slot]],
            names: vec![ALL.to_string()],
            left_out: 0,
        };
    }
    let g = &template.group;
    let residual = |slot: usize| {
        let name = &coded.group_names[slot];
        slot >= g.values.len() || g.residual.iter().any(|r| key(r) == key(name))
    };
    let present: Vec<usize> = (0..all_slot).filter(|&s| c.responses[s] > 0).collect();
    let residuals: Vec<usize> = present.iter().copied().filter(|&s| residual(s)).collect();
    let merge = p.suppressing()
        && !g.merged.trim().is_empty()
        && residuals.len() > 1
        && residuals.iter().any(|&s| p.small(c.responses[s]));
    let mut cols: Vec<(Vec<usize>, String)> = Vec::new();
    for &s in &present {
        if merge && residuals.contains(&s) {
            continue;
        }
        cols.push((vec![s], coded.group_names[s].clone()));
    }
    if merge {
        cols.push((residuals.clone(), g.merged.clone()));
    }
    let size = |slots: &[usize]| -> u64 { slots.iter().map(|&s| c.responses[s]).sum() };
    let (kept, dropped): (Vec<_>, Vec<_>) = cols.into_iter().partition(|(slots, _)| {
        !(p.suppressing() && slots.iter().all(|s| residuals.contains(s)) && p.small(size(slots)))
    });
    let left_out: u64 = dropped.iter().map(|(slots, _)| size(slots)).sum();
    let all: Vec<usize> = if left_out == 0 {
        vec![all_slot]
    } else {
        kept.iter()
            .flat_map(|(slots, _)| slots.iter().copied())
            .collect()
    };
    let (mut slots, mut names): (Vec<Vec<usize>>, Vec<String>) = kept.into_iter().unzip();
    slots.push(all);
    names.push(ALL.to_string());
    Columns {
        slots,
        names,
        left_out,
    }
}

/// The report's columns, resolved once: every table is laid out over them.
struct Columns {
    /// Per column, the count slots added together; All last.
    slots: Vec<Vec<usize>>,
    /// The name shown for each column; "All" last.
    names: Vec<String>,
    /// Responses in residual groups too small to show, left out everywhere.
    left_out: u64,
}

impl Columns {
    /// The index of All.
    fn all(&self) -> usize {
        self.slots.len() - 1
    }
}

/// The published figures, read as the report shows them.
struct Figures<'a> {
    published: &'a Published,
    policy: &'a Policy,
}

impl Figures<'_> {
    fn shown(&self, i: usize) -> bool {
        self.published.shown(i)
    }

    /// A figure as published: its (rounded) value, or None when hidden.
    fn figure(&self, i: usize) -> Option<u64> {
        self.shown(i)
            .then(|| self.policy.publish(self.published.value(i)))
    }

    /// The percentage of figure `count` in figure `base`, when both are shown.
    fn percent(&self, count: usize, base: usize) -> Option<f64> {
        let v = |i| self.published.value(i);
        (self.shown(count) && self.shown(base))
            .then(|| percent(v(count), v(base), self.policy))
            .flatten()
    }
}

/// Data-quality notes that would give away hidden figures (the size of a
/// small Other group, how many wrote in an answer) or people (the raw
/// values) are replaced by a pointer to `inspect` when suppressing.
fn safe_notes(notes: &[DataQuality], p: &Policy) -> Vec<DataQuality> {
    notes
        .iter()
        .map(|d| {
            if !p.suppressing() {
                return d.clone();
            }
            let message = match d.kind {
                NoteKind::UnrecognisedGroup => "Some responses gave a group that matches none of the expected values; \
                     they are counted with the other or not-stated answers. Run `survey-lens inspect` on the \
                     export to see them (they are not listed here, so that no hidden figure can be worked out)."
                    .to_string(),
                NoteKind::UnrecognisedAnswer | NoteKind::AnswerCountedAsOther => {
                    let q = d.message.split(':').next().unwrap_or_default();
                    let what = if d.kind == NoteKind::UnrecognisedAnswer {
                        "not counted"
                    } else {
                        "counted as \"Other\""
                    };
                    format!(
                        "{q}: some answers match no option and are {what}. Run `survey-lens inspect` on the \
                         export to see them (they are not listed here, so that no hidden figure can be worked out)."
                    )
                }
                NoteKind::DuplicatesRemoved
                | NoteKind::IdentityColumnsDropped
                | NoteKind::QuestionsMissing
                | NoteKind::RepeatedColumns
                | NoteKind::UnclaimedColumns
                | NoteKind::ResidualGroupLeftOut => return d.clone(),
            };
            DataQuality {
                kind: d.kind,
                message,
                count: None,
            }
        })
        .collect()
}

pub fn analyse(
    template: &Template,
    coded: Coded,
    inputs: Vec<InputInfo>,
    policy: Policy,
) -> Result<Summary> {
    let plans = IndicatorPlan::resolve(template);
    let c: Counts = counts::count(template, &coded, &plans)?;
    let everyone = c.responses[coded.group_names.len()];
    if policy.suppressing() && everyone < u64::from(policy.min_cell) {
        anyhow::bail!(
            "only {} analysed: fewer than --min-cell {}, so every figure would be hidden and there is nothing to \
             publish. For a look inside the organisation, run with --min-cell 0 (the report is then marked not for \
             publication).",
            crate::text::plural(everyone, "response was", "responses were"),
            policy.min_cell
        );
    }
    let cols = columns(template, &coded, &c, &policy);
    let qs: Vec<&Question> = template.analysed_questions().collect();
    let published: Published = publish(
        &c.responses,
        &cols.slots,
        &qs.iter()
            .zip(&c.questions)
            .map(|(q, qc)| QuestionInput {
                shape: Shape::of(q.kind),
                counts: qc,
            })
            .collect::<Vec<_>>(),
        &plans
            .iter()
            .zip(&c.indicators)
            .map(|(m, ic)| IndicatorInput {
                question: m.question,
                counted: m.counted.clone(),
                excluded: m.excluded.clone(),
                counts: ic,
            })
            .collect::<Vec<_>>(),
        Some(Rows {
            slot: &coded.group,
            answers: &coded.answers,
        }),
        &policy,
    );
    let figs = Figures {
        published: &published,
        policy: &policy,
    };
    let mut data_quality = safe_notes(&coded.notes, &policy);
    if cols.left_out > 0 {
        data_quality.push(DataQuality {
            kind: NoteKind::ResidualGroupLeftOut,
            message: format!(
                "{} no usable {} (blank or not recognised): too few to show as a group of their own, so they \
                 are left out of every figure, All included.",
                crate::text::plural(cols.left_out, "response gave", "responses gave"),
                crate::text::lower_first(&template.group.label)
            ),
            count: Some(cols.left_out),
        });
    }
    Ok(Summary {
        schema: SCHEMA.into(),
        title: template.title.clone(),
        generated_by: format!("survey-lens {}", env!("CARGO_PKG_VERSION")),
        population: template.population.clone(),
        contact: template.contact.clone(),
        group_label: template.group.label.clone(),
        min_cell: policy.min_cell,
        disclosure: disclosure(&policy, published.cost.unresolved as u64),
        responses: responses(&inputs, &coded, everyone, &cols, &figs),
        inputs,
        groups: cols.names[..cols.all()].to_vec(),
        sections: template
            .sections
            .iter()
            .map(|s| SectionInfo {
                id: s.id.clone(),
                title: s.title.clone(),
                intro: s.intro.clone(),
            })
            .collect(),
        questions: questions(&qs, &coded, &cols, &figs),
        indicators: indicators(template, &cols, &figs),
        data_quality,
        wave: coded.quarter.clone(),
        fieldwork: coded
            .fieldwork
            .clone()
            .map(|[first, last]| Fieldwork { first, last }),
        date: None,
        findings: template
            .findings
            .iter()
            .map(|f| FindingInfo {
                id: f.id.clone(),
                title: f.title.clone(),
                indicators: f.indicators.clone(),
                questions: f.questions.clone(),
            })
            .collect(),
        change: None,
    })
}

/// How many were read, left out and analysed, and each column's size.
fn responses(
    inputs: &[InputInfo],
    coded: &Coded,
    everyone: u64,
    cols: &Columns,
    figs: &Figures,
) -> Responses {
    let published = &figs.published;
    Responses {
        read: inputs.iter().map(|i| i.rows).sum(),
        duplicates_removed: coded.duplicates_removed,
        incomplete_excluded: inputs.iter().map(|i| i.incomplete_excluded).sum(),
        screened_excluded: inputs.iter().map(|i| i.screened_excluded).sum(),
        analysed: everyone - cols.left_out,
        by_group: cols
            .names
            .iter()
            .enumerate()
            .map(|(j, g)| GroupCount {
                group: g.clone(),
                responses: figs.figure(published.responses[j]),
                suppressed: !figs.shown(published.responses[j]),
                suppression: None,
            })
            .collect(),
    }
}

/// Every analysed question's table: its base per column and a cell per
/// column and option.
fn questions(
    qs: &[&Question],
    coded: &Coded,
    cols: &Columns,
    figs: &Figures,
) -> Vec<QuestionSummary> {
    qs.iter()
        .zip(&figs.published.questions)
        .enumerate()
        .map(|(qi, (q, qf))| {
            let answered: IndexMap<String, Option<u64>> = cols
                .names
                .iter()
                .enumerate()
                .map(|(j, g)| (g.clone(), figs.figure(qf.base[j])))
                .collect();
            let mut cells = Vec::new();
            for (j, g) in cols.names.iter().enumerate() {
                for (oi, opt) in q.options.iter().enumerate().take(qf.cells.len()) {
                    let (ci, bi) = (qf.cells[oi][j], qf.base[j]);
                    cells.push(Cell {
                        group: g.clone(),
                        option: opt.clone(),
                        count: figs.figure(ci),
                        base: figs.figure(bi),
                        percent: figs.percent(ci, bi),
                        suppressed: !figs.shown(ci),
                        suppression: None,
                    });
                }
            }
            QuestionSummary {
                id: q.id.clone(),
                text: q.text.clone(),
                kind: q.kind,
                section: q.section.clone(),
                options: q.options.clone(),
                quotes: pick_quotes(coded, qi, cols, figs, qf.base.as_slice()),
                answered,
                cells,
            }
        })
        .collect()
}

/// Every indicator per column, with its interval and its verdict against All.
fn indicators(template: &Template, cols: &Columns, figs: &Figures) -> Vec<IndicatorSummary> {
    let (published, policy, all) = (figs.published, figs.policy, cols.all());
    template
        .indicators
        .iter()
        .zip(&published.indicators)
        .map(|(ind, inf)| {
            let all_pct = figs.percent(inf.count[all], inf.base[all]);
            let cells = cols
                .names
                .iter()
                .enumerate()
                .map(|(j, name)| {
                    let pct = figs.percent(inf.count[j], inf.base[j]);
                    let shown = figs.shown(inf.count[j]) && figs.shown(inf.base[j]);
                    let ci = shown
                        .then(|| {
                            let n = policy.publish(published.value(inf.count[j]));
                            let b = policy.publish(published.value(inf.base[j]));
                            wilson(n.min(b), b, Z95)
                                .map(|(l, h)| [tidy(100.0 * l, policy), tidy(100.0 * h, policy)])
                        })
                        .flatten();
                    let vs_all = match (j == all, ci, all_pct) {
                        (false, Some([lo, hi]), Some(p)) => Some(compare(lo, hi, p, ind.higher_is)),
                        _ => None,
                    };
                    IndicatorCell {
                        group: name.clone(),
                        count: figs.figure(inf.count[j]),
                        base: figs.figure(inf.base[j]),
                        percent: pct,
                        ci95: ci,
                        vs_all,
                        suppressed: !shown,
                        suppression: None,
                    }
                })
                .collect();
            IndicatorSummary {
                id: ind.id.clone(),
                label: ind.label.clone(),
                short: ind.short.clone(),
                section: ind.section.clone(),
                question: ind.question.clone(),
                counts: ind.counts.clone(),
                higher_is: ind.higher_is,
                cells,
            }
        })
        .collect()
}

/// Redacted quotes for text question `qi`, only from groups whose number of
/// answers to it is published and at least min-cell (never from a small
/// group, nor from one whose size is hidden).
fn pick_quotes(
    coded: &Coded,
    qi: usize,
    cols: &Columns,
    figs: &Figures,
    answered: &[usize],
) -> Vec<Quote> {
    let (pub_, policy, names) = (figs.published, figs.policy, &cols.names);
    let Some(texts) = coded
        .texts
        .get(qi)
        .filter(|t| !t.is_empty() && policy.quotes > 0)
    else {
        return vec![];
    };
    let all = cols.all();
    let publishable = |code: u32| -> Option<usize> {
        let j = cols.slots[..all]
            .iter()
            .position(|c| c.contains(&(code as usize)))?;
        let ok = pub_.shown(pub_.responses[j])
            && pub_.shown(answered[j])
            && !policy.small(pub_.value(answered[j]))
            && pub_.value(answered[j]) > 0;
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
            group: names[publishable(coded.group[row]).expect("filtered")].clone(),
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
fn compare(lo: f64, hi: f64, all_pct: f64, higher_is: Polarity) -> Verdict {
    let higher = lo > all_pct;
    let lower = hi < all_pct;
    match (higher, lower, higher_is) {
        (true, _, Polarity::Better) | (_, true, Polarity::Worse) => Verdict::Better,
        (true, _, Polarity::Worse) | (_, true, Polarity::Better) => Verdict::Worse,
        _ => Verdict::Similar,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparison_follows_polarity() {
        assert_eq!(compare(40.0, 60.0, 30.0, Polarity::Worse), Verdict::Worse);
        assert_eq!(compare(40.0, 60.0, 30.0, Polarity::Better), Verdict::Better);
        assert_eq!(compare(10.0, 20.0, 30.0, Polarity::Worse), Verdict::Better);
        assert_eq!(compare(10.0, 20.0, 30.0, Polarity::Better), Verdict::Worse);
        assert_eq!(
            compare(20.0, 40.0, 30.0, Polarity::Better),
            Verdict::Similar
        );
    }

    #[test]
    fn percentages_from_rounded_counts_have_one_decimal() {
        let p = Policy {
            min_cell: 5,
            round: Some(5),
            quotes: 0,
        };
        // 7 of 13 publishes as 5 of 15: 33.3%, not 53.8...%.
        assert_eq!(percent(7, 13, &p), Some(33.3));
        let exact = Policy { round: None, ..p };
        assert_eq!(percent(1, 3, &exact), Some(100.0 / 3.0));
    }

    #[test]
    fn unverified_figures_make_a_report_not_for_publication() {
        let p = Policy {
            min_cell: 5,
            round: None,
            quotes: 0,
        };
        let verified = disclosure(&p, 0);
        assert!(verified.safe_to_publish);
        assert_eq!(verified.banner, None);
        let not = disclosure(&p, 3);
        assert!(!not.safe_to_publish);
        assert_eq!(not.unverified_figures, 3);
        assert_eq!(
            not.banner.as_deref(),
            Some("Not for publication: 3 hidden figures could not be verified as protected")
        );
        // Suppression turned off says so first.
        let off = disclosure(&Policy { min_cell: 0, ..p }, 0);
        assert_eq!(off.banner.as_deref(), Some(NOT_FOR_PUBLICATION));
    }
}
