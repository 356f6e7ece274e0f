//! The report's tables as `Figures`: every number each output publishes,
//! with the relations a reader can write down between them, and the primary
//! suppression (small figures and small groups) applied before the audit.

use super::Policy;
use super::figures::{Figures, Microdata, Role};
use super::suppress::{Cost, protect};
use crate::analysis::counts::{IndicatorCounts, QuestionCounts};
use crate::normalise::Answers;
use crate::survey::Kind;

/// How one question's answers are shaped, for the relations between cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One answer each: a column of cells adds up to its base.
    OneAnswer,
    /// Tick all that apply: each cell is at most the base, and the base at
    /// most the cells' sum.
    Ticks,
    /// Free text: only the number who answered is published.
    Text,
}

impl Shape {
    pub fn of(kind: Kind) -> Shape {
        match kind {
            Kind::Single | Kind::Likert => Shape::OneAnswer,
            Kind::Multi => Shape::Ticks,
            Kind::Text => Shape::Text,
        }
    }
}

/// A question's counts, with their shape, per column (All last).
pub struct QuestionInput<'a> {
    pub shape: Shape,
    pub counts: &'a QuestionCounts,
}

/// A headline indicator: a share of one question's answers.
pub struct IndicatorInput<'a> {
    pub question: usize,
    /// Options that count (already without those excluded from the base).
    pub counted: Vec<usize>,
    /// Options whose people are left out of the base.
    pub excluded: Vec<usize>,
    pub counts: &'a IndicatorCounts,
}

/// The coded rows the counts were made from: each row's group slot, and
/// its answers per question (aligned with `questions`).
#[derive(Clone, Copy)]
pub struct Rows<'a> {
    pub slot: &'a [u32],
    pub answers: &'a [Answers],
}

/// Figure indices for one question: `base[j]` ("answered" for text) and
/// `cells[o][j]`.
#[derive(Debug, Clone)]
pub struct QuestionFigs {
    pub base: Vec<usize>,
    pub cells: Vec<Vec<usize>>,
}

#[derive(Debug, Clone)]
pub struct IndicatorFigs {
    pub count: Vec<usize>,
    pub base: Vec<usize>,
}

/// Everything a report publishes, protected.
pub struct Published {
    pub figs: Figures,
    pub responses: Vec<usize>,
    pub questions: Vec<QuestionFigs>,
    pub indicators: Vec<IndicatorFigs>,
    pub cost: Cost,
}

impl Published {
    pub fn shown(&self, i: usize) -> bool {
        !self.figs.hidden(i)
    }
    pub fn value(&self, i: usize) -> u64 {
        self.figs.figs[i].value
    }
}

/// Builds every published table over `columns` (per column, the count slots
/// it adds up; All last), hides small figures and small groups, and protects
/// them with the audit.
pub fn publish(
    responses: &[u64],
    columns: &[Vec<usize>],
    questions: &[QuestionInput],
    indicators: &[IndicatorInput],
    rows: Option<Rows>,
    policy: &Policy,
) -> Published {
    let k = columns.len();
    let all = k - 1;
    let at = |v: &[u64], j: usize| -> u64 { columns[j].iter().map(|&s| v[s]).sum() };
    let mut f = Figures::default();

    let resp: Vec<usize> = (0..k)
        .map(|j| f.push(at(responses, j), Role::Responses, j))
        .collect();
    for &r in &resp {
        // Groups with no responses are not listed.
        f.figs[r].floor = 1;
    }
    f.sum(resp[all], &resp[..all]);

    let mut qfigs = Vec::new();
    for q in questions {
        let role = if q.shape == Shape::Text {
            Role::Answered
        } else {
            Role::Base
        };
        let base: Vec<usize> = (0..k)
            .map(|j| f.push(at(&q.counts.base, j), role, j))
            .collect();
        for j in 0..k {
            f.at_most(base[j], resp[j]);
        }
        f.sum(base[all], &base[..all]);
        let cells: Vec<Vec<usize>> = q
            .counts
            .options
            .iter()
            .map(|row| (0..k).map(|j| f.push(at(row, j), Role::Cell, j)).collect())
            .collect();
        for row in &cells {
            f.sum(row[all], &row[..all]);
        }
        match q.shape {
            Shape::OneAnswer => {
                for j in 0..k {
                    let col: Vec<usize> = cells.iter().map(|r| r[j]).collect();
                    f.sum(base[j], &col);
                }
            }
            Shape::Ticks => {
                for j in 0..k {
                    let col: Vec<(usize, i64)> = cells.iter().map(|r| (r[j], 1)).collect();
                    for &(c, _) in &col {
                        f.at_most(c, base[j]);
                    }
                    f.sum_at_most(&[(base[j], 1)], &col);
                }
            }
            Shape::Text => {}
        }
        qfigs.push(QuestionFigs { base, cells });
    }

    let mut ifigs = Vec::new();
    for ind in indicators {
        let q = &qfigs[ind.question];
        let shape = questions[ind.question].shape;
        let cell = |o: usize, j: usize| q.cells[o][j];
        let base: Vec<usize> = if ind.excluded.is_empty() {
            q.base.clone()
        } else {
            let b: Vec<usize> = (0..k)
                .map(|j| f.push(at(&ind.counts.base, j), Role::IndicatorBase, j))
                .collect();
            for (j, &bj) in b.iter().enumerate() {
                let excl: Vec<(usize, i64)> =
                    ind.excluded.iter().map(|&o| (cell(o, j), 1)).collect();
                if shape == Shape::OneAnswer {
                    let mut parts = vec![bj];
                    parts.extend(excl.iter().map(|e| e.0));
                    f.sum(q.base[j], &parts);
                } else {
                    // Ticking an excluded option leaves a person out.
                    f.at_most(bj, q.base[j]);
                    for &e in &excl {
                        f.sum_at_most(&[(bj, 1), e], &[(q.base[j], 1)]);
                    }
                    let mut high = vec![(bj, 1)];
                    high.extend(excl);
                    f.sum_at_most(&[(q.base[j], 1)], &high);
                }
            }
            f.sum(b[all], &b[..all]);
            b
        };
        let single =
            ind.counted.len() == 1 && (shape == Shape::OneAnswer || ind.excluded.is_empty());
        let count: Vec<usize> = if single {
            (0..k).map(|j| cell(ind.counted[0], j)).collect()
        } else {
            let c: Vec<usize> = (0..k)
                .map(|j| f.push(at(&ind.counts.count, j), Role::IndicatorCount, j))
                .collect();
            for j in 0..k {
                let parts: Vec<usize> = ind.counted.iter().map(|&o| cell(o, j)).collect();
                if shape == Shape::OneAnswer {
                    f.sum(c[j], &parts);
                    f.implied_at_most(c[j], base[j]);
                } else {
                    f.at_most(c[j], base[j]);
                    let high: Vec<(usize, i64)> = parts.iter().map(|&p| (p, 1)).collect();
                    f.sum_at_most(&[(c[j], 1)], &high);
                    let excl: Vec<(usize, i64)> =
                        ind.excluded.iter().map(|&o| (cell(o, j), 1)).collect();
                    for &p in &parts {
                        let mut high = vec![(c[j], 1)];
                        high.extend(excl.iter().copied());
                        f.sum_at_most(&[(p, 1)], &high);
                    }
                }
            }
            f.sum(c[all], &c[..all]);
            c
        };
        for &i in count.iter().chain(&base) {
            f.figs[i].headline = true;
        }
        // An excluded answer's cell is published too, as the question's
        // base less the indicator's: hiding it costs one of those.
        if !ind.excluded.is_empty() {
            for &o in &ind.excluded {
                for j in 0..k {
                    f.figs[q.cells[o][j]].headline = true;
                }
            }
        }
        ifigs.push(IndicatorFigs { count, base });
    }
    debug_assert!(f.consistent(), "the published relations hold for the data");

    let mut cost = Cost::default();
    if policy.suppressing() {
        let small_columns = primary(&mut f, &resp, policy);
        if let Some((layout, position)) = Microdata::layout(&f) {
            block_rooms(&mut f, &resp, &small_columns, &layout, policy);
            // People are only ever moved between groups hidden whole, so
            // only theirs are listed, and only when there are two such
            // groups: a list of everyone cost 100 bytes per response.
            if let Some(rows) = rows.filter(|_| small_columns.len() >= 2) {
                let column_of = slot_columns(columns, &small_columns);
                let people = people(rows, &column_of, &resp, &qfigs, indicators, &ifigs, &f);
                let m = Microdata {
                    layout,
                    position,
                    people,
                };
                debug_assert!(m.fits(&f), "every row adds up to its column's figures");
                f.micro = m.fits(&f).then_some(m);
            }
        }
        cost = protect(&mut f, policy.min_cell);
        // What protection cost, for tuning (figure counts only, no data).
        if std::env::var_os("SURVEY_LENS_DEBUG_DISCLOSURE").is_some() {
            let hidden = f.figs.iter().filter(|g| g.hidden).count();
            eprintln!(
                "disclosure: {} figures, {hidden} hidden, {cost:?}",
                f.figs.len()
            );
        }
    }
    Published {
        figs: f,
        responses: resp,
        questions: qfigs,
        indicators: ifigs,
        cost,
    }
}

/// Each count slot's column, for the groups' columns in `only` (None
/// elsewhere: All, which counts everyone, and slots left out of every figure).
fn slot_columns(columns: &[Vec<usize>], only: &[usize]) -> Vec<Option<usize>> {
    let slots = columns.iter().flatten().max().map_or(0, |&s| s + 1);
    let all = columns.len() - 1;
    let mut column_of = vec![None; slots];
    for &j in only.iter().filter(|&&j| j != all) {
        for &s in &columns[j] {
            column_of[s] = Some(j);
        }
    }
    column_of
}

/// Where each row of a column in `column_of` (see `slot_columns`) is
/// counted: its column, and the figures of that column it adds one to.
fn people(
    rows: Rows,
    column_of: &[Option<usize>],
    resp: &[usize],
    qfigs: &[QuestionFigs],
    indicators: &[IndicatorInput],
    ifigs: &[IndicatorFigs],
    f: &Figures,
) -> Vec<(usize, Vec<usize>)> {
    let answered = |a: &Answers, r: usize| match a {
        Answers::Choice(v) => v.get(r).is_some(),
        Answers::Multi(v) => v[r] != 0,
        Answers::Text(v) => v[r],
    };
    let has = |a: &Answers, r: usize, o: usize| match a {
        Answers::Choice(v) => v.get(r) == Some(o as u32),
        Answers::Multi(v) => v[r] >> o & 1 == 1,
        Answers::Text(_) => false,
    };
    let mut people = Vec::new();
    for (r, &slot) in rows.slot.iter().enumerate() {
        let Some(j) = column_of.get(slot as usize).copied().flatten() else {
            continue;
        };
        let mut figs = vec![resp[j]];
        for (q, a) in qfigs.iter().zip(rows.answers) {
            if answered(a, r) {
                figs.push(q.base[j]);
            }
            for (o, cells) in q.cells.iter().enumerate() {
                if has(a, r, o) {
                    figs.push(cells[j]);
                }
            }
        }
        // An indicator's own figures (where it is not a cell or the
        // question's base, which are counted above).
        for (ind, fi) in indicators.iter().zip(ifigs) {
            let a = &rows.answers[ind.question];
            let in_base = answered(a, r) && !ind.excluded.iter().any(|&o| has(a, r, o));
            let counted = in_base && ind.counted.iter().any(|&o| has(a, r, o));
            if counted && f.figs[fi.count[j]].role == Role::IndicatorCount {
                figs.push(fi.count[j]);
            }
            if in_base && f.figs[fi.base[j]].role == Role::IndicatorBase {
                figs.push(fi.base[j]);
            }
        }
        people.push((j, figs));
    }
    people
}

/// Hides what is small: every figure from 1 to min-cell − 1, and every
/// figure of a group with fewer than min-cell responses. The rules say so
/// publicly, so a reader knows a group hidden whole is that small: that is
/// recorded as the figure's `rule_cap`, for the audit.
/// Returns the columns of the groups hidden whole.
fn primary(f: &mut Figures, resp: &[usize], policy: &Policy) -> Vec<usize> {
    let small_columns: Vec<usize> = resp
        .iter()
        .filter(|&&r| policy.small(f.figs[r].value))
        .map(|&r| f.figs[r].column)
        .collect();
    for &r in resp {
        if small_columns.contains(&f.figs[r].column) {
            f.figs[r].rule_cap = Some(u64::from(policy.min_cell) - 1);
        }
    }
    for i in 0..f.figs.len() {
        if policy.small(f.figs[i].value) || small_columns.contains(&f.figs[i].column) {
            f.hide(i);
        }
    }
    small_columns
}

/// How wide a figure of a group hidden whole can range at most (see
/// `Figure::block_room`), from the same figure in every such group.
fn block_rooms(
    f: &mut Figures,
    resp: &[usize],
    small_columns: &[usize],
    layout: &[Vec<usize>],
    policy: &Policy,
) {
    // The same figure in each group hidden whole, position by position.
    let blocks = (0..layout.first().map_or(0, Vec::len))
        .map(|p| -> Vec<usize> { small_columns.iter().map(|&j| layout[j][p]).collect() });
    for block in blocks {
        let total: u64 = block.iter().map(|&i| f.figs[i].value).sum();
        let floors: u64 = block.iter().map(|&i| f.figs[i].floor).sum();
        // What the rules cap each one at (a hidden group's size), if anything.
        let caps: Option<u64> = block
            .iter()
            .map(|&i| f.figs[i].rule_cap)
            .sum::<Option<u64>>();
        for &i in &block {
            let g = &f.figs[i];
            let mut room = u64::MAX;
            if block.len() >= 2 {
                // The others hold at least their floors and at most their caps.
                let hi = total - (floors - g.floor);
                let hi = g.rule_cap.map_or(hi, |c| hi.min(c));
                let others_cap = caps.map(|c| c - g.rule_cap.unwrap_or(0));
                let lo = others_cap.map_or(g.floor, |c| g.floor.max(total.saturating_sub(c)));
                room = hi.saturating_sub(lo);
            }
            f.figs[i].block_room = Some(room);
        }
    }
    // A count of everyone in the group (a question all of them answered)
    // ranges no wider than the group's size does.
    for &j in small_columns {
        let s = resp[j];
        let size_room = f.figs[s]
            .block_room
            .unwrap_or(u64::MAX)
            .min(u64::from(policy.min_cell) - 2);
        for &i in &layout[j] {
            let g = &f.figs[i];
            if matches!(g.role, Role::Base | Role::Answered | Role::IndicatorBase)
                && g.value == f.figs[s].value
            {
                f.figs[i].block_room = Some(g.block_room.unwrap_or(u64::MAX).min(size_room));
            }
        }
    }
}
