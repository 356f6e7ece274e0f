//! Per-group counts and bases, computed with one polars query.
//!
//! Every figure in a report is a count of coded rows per group, so all of them
//! are expressed as aggregations over a single frame and collected in one
//! pass per grouping (by group, and overall for "All").

use std::collections::HashMap;

use anyhow::Result;
use polars::prelude::*;

use crate::normalise::{Answers, Choices, Coded};
use crate::survey::{Kind, Template};

/// How one indicator is made from its question's options, resolved once from
/// the template: counting and publishing both read it.
#[derive(Debug, Clone)]
pub struct IndicatorPlan {
    /// Index into `Template::analysed_questions()`.
    pub question: usize,
    /// Options whose answers count towards the indicator.
    pub counted: Vec<usize>,
    /// Options whose answers leave a response out of its base.
    pub excluded: Vec<usize>,
}

impl IndicatorPlan {
    /// One plan per `Template::indicators`, in order.
    pub fn resolve(template: &Template) -> Vec<IndicatorPlan> {
        let qs: Vec<_> = template.analysed_questions().collect();
        template
            .indicators
            .iter()
            .map(|ind| {
                let qi = qs
                    .iter()
                    .position(|q| q.id == ind.question)
                    .expect("validated: indicator question exists");
                let excluded = qs[qi].option_indices(&ind.base_excludes);
                let mut counted = qs[qi].option_indices(&ind.counts);
                if qs[qi].kind != Kind::Multi {
                    // One answer each: an excluded answer is never counted.
                    counted.retain(|o| !excluded.contains(o));
                }
                IndicatorPlan {
                    question: qi,
                    counted,
                    excluded,
                }
            })
            .collect()
    }
}

/// Counts per group slot. Slot `i < group_names.len()` is group code `i`;
/// the last slot is "All".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    pub responses: Vec<u64>,
    /// Aligned with `Template::analysed_questions()`.
    pub questions: Vec<QuestionCounts>,
    /// Aligned with `Template::indicators`.
    pub indicators: Vec<IndicatorCounts>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionCounts {
    /// Respondents who answered (multi: ticked at least one option), per slot.
    pub base: Vec<u64>,
    /// `options[o][slot]`; empty for text questions.
    pub options: Vec<Vec<u64>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorCounts {
    pub count: Vec<u64>,
    pub base: Vec<u64>,
}

/// Questions counted by one polars query (see `count_polars`).
pub const QUESTIONS_PER_QUERY: usize = 6;

/// Rows counted by one polars query (see `count_polars`).
pub const ROWS_PER_QUERY: usize = 1 << 20;

/// The rows a group needs on average for each group to be counted by a
/// select of its own rather than by one group_by (see `count_polars`). At a
/// million rows in 7 groups the selects took 30 ms less; at 2,000 rows in
/// 100 groups they took 100 ms more.
const SELECT_ROWS: usize = 10_000;

fn qcol(qi: usize) -> String {
    format!("q{qi}")
}
fn ocol(qi: usize, oi: usize) -> String {
    format!("q{qi}_{oi}")
}

/// A tick-bits literal, four bytes wide when it fits: a question of at
/// most 32 options has a four-byte column (see `ticks`) and every mask of
/// it fits, and a wider literal would make polars widen the whole column
/// for each comparison.
fn bits(mask: u64) -> Expr {
    match u32::try_from(mask) {
        Ok(m) => lit(m),
        Err(_) => lit(mask),
    }
}

/// True where a row's answer is one of `options` (never null). A
/// multi-choice answer is one column of tick bits, tested with one mask:
/// polars does that in place, where a column of booleans per option cost a
/// tenth of a second at a million rows to build.
fn any_of(qi: usize, answers: &Answers, options: &[usize]) -> Expr {
    if let Answers::Multi(_) = answers {
        let mask = options.iter().fold(0u64, |m, &oi| m | 1 << oi);
        return col(qcol(qi)).and(bits(mask)).neq(bits(0));
    }
    let terms = options.iter().map(|&oi| col(qcol(qi)).eq(lit(oi as u32)));
    terms.reduce(|a, b| a.or(b)).unwrap_or_else(|| lit(false))
}

/// A multi-choice question's tick bits as a column, rows `order` of `v`:
/// four bytes a response when its options fit (half the memory: at a
/// million responses the eight-byte columns took the peak over budget).
fn ticks(name: String, v: &[u64], order: &[u32], options: usize) -> Column {
    if options <= 32 {
        let narrow: Vec<u32> = order.iter().map(|&k| v[k as usize] as u32).collect();
        Column::new(name.into(), narrow)
    } else {
        let wide: Vec<u64> = order.iter().map(|&k| v[k as usize]).collect();
        Column::new(name.into(), wide)
    }
}

/// Row positions ordered by group (a counting sort, stable), and each
/// group's run in that order: (group, start, length), empty groups left out.
fn group_order(groups: &[u32], slots: usize) -> (Vec<u32>, Vec<(usize, usize, usize)>) {
    let mut sizes = vec![0usize; slots];
    for &g in groups {
        sizes[g as usize] += 1;
    }
    let mut next = Vec::with_capacity(slots);
    let mut runs = Vec::new();
    let mut start = 0;
    for (group, &n) in sizes.iter().enumerate() {
        next.push(start);
        if n > 0 {
            runs.push((group, start, n));
        }
        start += n;
    }
    let mut order = vec![0u32; groups.len()];
    for (row, &g) in groups.iter().enumerate() {
        let at = &mut next[g as usize];
        order[*at] = row as u32;
        *at += 1;
    }
    (order, runs)
}

fn answered(qi: usize, answers: &Answers) -> Expr {
    match answers {
        Answers::Choice(_) => col(qcol(qi)).neq(lit(Choices::NO_ANSWER)),
        Answers::Multi(_) => col(qcol(qi)).neq(bits(0)),
        Answers::Text(_) => col(qcol(qi)),
    }
}

/// `plans` are the template's indicators as [`IndicatorPlan::resolve`] gives them.
pub fn count(template: &Template, coded: &Coded, plans: &[IndicatorPlan]) -> Result<Counts> {
    anyhow::Context::context(
        count_polars(template, coded, plans, ROWS_PER_QUERY, SELECT_ROWS),
        "counting responses failed",
    )
}

fn count_polars(
    template: &Template,
    coded: &Coded,
    plans: &[IndicatorPlan],
    rows_per_query: usize,
    select_rows: usize,
) -> PolarsResult<Counts> {
    let height = coded.group.len();
    let questions: Vec<_> = template.analysed_questions().collect();
    let slots = coded.group_names.len() + 1;
    let all_slot = slots - 1;
    let mut counted: HashMap<String, Vec<u64>> = HashMap::new();
    // A slice of the rows and a few questions per query: each holds its
    // columns only while it runs, so the peak is a few columns of a slice,
    // not every question's (at a million responses all at once took it over
    // the memory budget), and a group's rows are gathered from columns that
    // fit in cache (at ten million rows, whole columns took counting from
    // 0.18 s to 4 s, against 1.8 s if it grew with the rows).
    let slices: Vec<std::ops::Range<usize>> = if height == 0 {
        std::iter::once(0..0).collect()
    } else {
        (0..height)
            .step_by(rows_per_query)
            .map(|s| s..(s + rows_per_query).min(height))
            .collect()
    };
    let all: Vec<usize> = (0..questions.len()).collect();
    for rows in slices {
        // The slice's rows in group order: each group is then one run of
        // rows (see below).
        let (order, mut runs) = group_order(&coded.group[rows.clone()], slots);
        if runs.is_empty() {
            // No rows: one empty run still names every count, as zero.
            runs.push((all_slot, 0, 0));
        }
        // Large groups: one select per group's run of rows. Polars sums
        // booleans over a column by counting bits, but in a group_by it first
        // turns each into a column of integers (a tenth of a second at a
        // million rows). Many small groups: one group_by, whose key is
        // sorted, so each group is found as a slice of rows (a select per
        // group cost half a millisecond each). A group_by of no rows names no
        // counts: a select does.
        let by_group = (!rows.is_empty() && rows.len() / runs.len() < select_rows).then(|| {
            let mut g = Column::new(
                "g".into(),
                runs.iter()
                    .flat_map(|&(group, _, n)| std::iter::repeat_n(group as u32, n))
                    .collect::<Vec<u32>>(),
            );
            g.set_sorted_flag(polars::series::IsSorted::Ascending);
            g
        });
        for (k, part) in all.chunks(QUESTIONS_PER_QUERY).enumerate() {
            // The group key, when the group_by counts.
            let mut columns: Vec<Column> = by_group.iter().cloned().collect();
            let mut aggs: Vec<Expr> = Vec::new();
            if k == 0 {
                aggs.push(len().alias("n"));
            }
            for &qi in part {
                let (q, ans) = (questions[qi], &coded.answers[qi]);
                let name = qcol(qi);
                columns.push(match ans {
                    Answers::Choice(v) => Column::new(name.into(), v.codes(rows.start, &order)),
                    Answers::Multi(v) => ticks(name, &v[rows.clone()], &order, q.options.len()),
                    Answers::Text(v) => Column::new(
                        name.into(),
                        order
                            .iter()
                            .map(|&k| v[rows.start + k as usize])
                            .collect::<Vec<bool>>(),
                    ),
                });
                if !matches!(ans, Answers::Text(_)) {
                    for oi in 0..q.options.len() {
                        aggs.push(any_of(qi, ans, &[oi]).sum().alias(ocol(qi, oi)));
                    }
                }
                aggs.push(answered(qi, ans).sum().alias(format!("{}_base", qcol(qi))));
            }
            for (ii, plan) in plans.iter().enumerate() {
                let qi = plan.question;
                if !part.contains(&qi) {
                    continue;
                }
                let ans = &coded.answers[qi];
                let in_base = answered(qi, ans).and(any_of(qi, ans, &plan.excluded).not());
                let counted = any_of(qi, ans, &plan.counted);
                aggs.push(in_base.clone().sum().alias(format!("i{ii}_base")));
                aggs.push(in_base.and(counted).sum().alias(format!("i{ii}_n")));
            }
            let frame = DataFrame::new(rows.len(), columns)?;
            // Every row has a group, so All is the groups' sum (a second
            // pass over every row cost a fifth of the counting at a million).
            let mut add = |group: usize, c: &Column, v: u64| {
                let out = counted
                    .entry(c.name().to_string())
                    .or_insert_with(|| vec![0u64; slots]);
                out[group] += v;
                out[all_slot] += v;
            };
            if by_group.is_some() {
                let counted_by = frame.lazy().group_by([col("g")]).agg(aggs).collect()?;
                let codes: Vec<Option<u32>> = counted_by.column("g")?.u32()?.iter().collect();
                for c in counted_by
                    .columns()
                    .iter()
                    .filter(|c| c.name().as_str() != "g")
                {
                    let s = c.cast(&DataType::UInt64)?;
                    for (code, v) in codes.iter().zip(s.u64()?.iter()) {
                        if let (Some(group), Some(v)) = (code, v) {
                            add(*group as usize, c, v);
                        }
                    }
                }
            } else {
                for &(group, start, n) in &runs {
                    let part = frame
                        .slice(start as i64, n)
                        .lazy()
                        .select(aggs.clone())
                        .collect()?;
                    for c in part.columns() {
                        let v = c.cast(&DataType::UInt64)?.u64()?.get(0).unwrap_or(0);
                        add(group, c, v);
                    }
                }
            }
        }
    }
    let mut read = |name: &str| -> PolarsResult<Vec<u64>> {
        counted
            .remove(name)
            .ok_or_else(|| polars_err!(ColumnNotFound: "{name}"))
    };

    let mut qcounts = Vec::new();
    for (qi, (q, ans)) in questions.iter().zip(&coded.answers).enumerate() {
        let options = match ans {
            Answers::Text(_) => vec![],
            _ => (0..q.options.len())
                .map(|oi| read(&ocol(qi, oi)))
                .collect::<PolarsResult<_>>()?,
        };
        qcounts.push(QuestionCounts {
            base: read(&format!("{}_base", qcol(qi)))?,
            options,
        });
    }
    let icounts = (0..plans.len())
        .map(|ii| {
            Ok(IndicatorCounts {
                count: read(&format!("i{ii}_n"))?,
                base: read(&format!("i{ii}_base"))?,
            })
        })
        .collect::<PolarsResult<_>>()?;
    Ok(Counts {
        responses: read("n")?,
        questions: qcounts,
        indicators: icounts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::Rng;
    use crate::text::key;

    /// The same counts by a plain loop over rows: the specification the
    /// polars query must agree with.
    fn count_loop(t: &Template, c: &Coded) -> Counts {
        let slots = c.group_names.len() + 1;
        let all = slots - 1;
        let qs: Vec<_> = t.analysed_questions().collect();
        let mut responses = vec![0; slots];
        let mut questions: Vec<QuestionCounts> = qs
            .iter()
            .zip(&c.answers)
            .map(|(q, a)| QuestionCounts {
                base: vec![0; slots],
                options: match a {
                    Answers::Text(_) => vec![],
                    _ => vec![vec![0; slots]; q.options.len()],
                },
            })
            .collect();
        let mut indicators = vec![
            IndicatorCounts {
                count: vec![0; slots],
                base: vec![0; slots]
            };
            t.indicators.len()
        ];
        for (row, &g) in c.group.iter().enumerate() {
            for slot in [g as usize, all] {
                responses[slot] += 1;
                for (qi, a) in c.answers.iter().enumerate() {
                    let ticked: Vec<usize> = match a {
                        Answers::Choice(v) => v.get(row).map(|o| o as usize).into_iter().collect(),
                        Answers::Multi(v) => (0..64).filter(|o| v[row] >> o & 1 == 1).collect(),
                        Answers::Text(v) => {
                            questions[qi].base[slot] += v[row] as u64;
                            continue;
                        }
                    };
                    if !ticked.is_empty() {
                        questions[qi].base[slot] += 1;
                    }
                    for o in &ticked {
                        questions[qi].options[*o][slot] += 1;
                    }
                    for (ii, ind) in t.indicators.iter().enumerate() {
                        if ind.question != qs[qi].id || ticked.is_empty() {
                            continue;
                        }
                        let is = |list: &[String], o: usize| {
                            list.iter().any(|a| key(a) == key(&qs[qi].options[o]))
                        };
                        if ticked.iter().any(|&o| is(&ind.base_excludes, o)) {
                            continue;
                        }
                        indicators[ii].base[slot] += 1;
                        if ticked.iter().any(|&o| is(&ind.counts, o)) {
                            indicators[ii].count[slot] += 1;
                        }
                    }
                }
            }
        }
        Counts {
            responses,
            questions,
            indicators,
        }
    }

    fn random_coded(t: &Template, rows: usize, rng: &mut Rng) -> Coded {
        let groups = t.group.values.len() + 2;
        let answers = t
            .analysed_questions()
            .map(|q| {
                let n = q.options.len();
                match q.kind {
                    crate::survey::Kind::Multi => {
                        Answers::Multi((0..rows).map(|_| rng.below(1 << n)).collect())
                    }
                    crate::survey::Kind::Text => {
                        Answers::Text((0..rows).map(|_| rng.below(2) == 1).collect())
                    }
                    _ => Answers::Choice(
                        (0..rows)
                            .map(|_| {
                                let v = rng.below(n as u64 + 1);
                                (v < n as u64).then_some(v as u32)
                            })
                            .collect(),
                    ),
                }
            })
            .collect();
        Coded {
            group_names: (0..groups).map(|g| format!("g{g}")).collect(),
            group: (0..rows)
                .map(|_| rng.below(groups as u64 - 1) as u32)
                .collect(),
            answers,
            duplicates_removed: 0,
            notes: vec![],
            texts: vec![],
            names: vec![],
            quarter: None,
            fieldwork: None,
        }
    }

    #[test]
    fn polars_counts_equal_a_plain_loop_on_random_data() {
        let t = Template::builtin();
        let mut rng = Rng::new(7);
        for rows in [0, 1, 13, 500, 4000] {
            let c = random_coded(&t, rows, &mut rng);
            let plans = IndicatorPlan::resolve(&t);
            let expected = count_loop(&t, &c);
            assert_eq!(count(&t, &c, &plans).unwrap(), expected, "rows={rows}");
            // Counted a slice of rows at a time, as a large survey is, and
            // each group by a select of its own or all by one group_by.
            for select_rows in [0, usize::MAX] {
                let sliced = count_polars(&t, &c, &plans, 97, select_rows).unwrap();
                assert_eq!(sliced, expected, "rows={rows} in slices, {select_rows}");
                let whole = count_polars(&t, &c, &plans, ROWS_PER_QUERY, select_rows).unwrap();
                assert_eq!(whole, expected, "rows={rows}, {select_rows}");
            }
        }
    }
}
