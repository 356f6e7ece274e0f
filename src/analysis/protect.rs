//! Applying disclosure control to the report's tables: each table is built as
//! a `disclosure::Table` with the sums a reader can form from it, small
//! counts and small groups are hidden, and the audit adds what subtraction
//! would otherwise give back. Every output (markdown, HTML, CSV, JSON, charts)
//! is rendered from the result, so they all hide the same numbers.

use super::counts::{IndicatorCounts, QuestionCounts};
use super::disclosure::{Hidden, Table};

/// The publication rules for one report.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Counts from 1 to `min_cell - 1` are hidden; 0 or 1 turns this off.
    pub min_cell: u32,
    /// Publish counts rounded to the nearest `round` (percentages are still
    /// computed from the exact counts).
    pub round: Option<u32>,
    /// Redacted free-text quotes per open question (0: none).
    pub quotes: usize,
}

impl Policy {
    pub fn small(&self, n: u64) -> bool {
        self.min_cell > 1 && n >= 1 && n < u64::from(self.min_cell)
    }

    pub fn suppressing(&self) -> bool {
        self.min_cell > 1
    }

    /// A count as published: rounded to the nearest `round`, halves up.
    pub fn publish(&self, n: u64) -> u64 {
        match self.round {
            Some(r) if r > 1 => {
                let r = u64::from(r);
                (n + r / 2) / r * r
            }
            _ => n,
        }
    }
}

/// A protected groups x options table: `cell[o][j]`, `base[j]`; the last
/// column `j` is All. `links[l]` holds the headline indicators published from
/// this table, as `(count[j], base[j])` indices.
pub struct Grid {
    pub t: Table,
    pub cell: Vec<Vec<usize>>,
    pub base: Vec<usize>,
    pub links: Vec<(Vec<usize>, Vec<usize>)>,
}

/// An indicator that is a plain sum of a question's cells: its count is the
/// sum of the `counted` options, its base the question's base less the
/// `excluded` options.
pub struct Link<'a> {
    pub counts: &'a IndicatorCounts,
    pub counted: Vec<usize>,
    pub excluded: Vec<usize>,
}

impl Grid {
    pub fn cell_hidden(&self, o: usize, j: usize) -> Option<Hidden> {
        self.t.hidden[self.cell[o][j]]
    }

    pub fn base_hidden(&self, j: usize) -> Option<Hidden> {
        self.t.hidden[self.base[j]]
    }
}

/// When exactly one group is hidden, All minus the others gives it back
/// (through the bases, which add up to All's): hide the next smallest group
/// too. `sizes[j]` for the groups (All excluded).
fn hide_next_smallest_group(sizes: &[u64], hidden: &mut [bool]) {
    if hidden.iter().filter(|h| **h).count() != 1 {
        return;
    }
    if let Some(j) = (0..sizes.len())
        .filter(|&j| !hidden[j] && sizes[j] > 0)
        .min_by_key(|&j| (sizes[j], j))
    {
        hidden[j] = true;
    }
}

/// Protects one question's crosstab. `slots` are the count slots of the
/// groups shown, All last. Single-choice columns add up to their base;
/// multi-select ones do not (people tick several options).
///
/// Headline indicators computed from the table are part of it: their counts
/// and bases are published too, so they join the sums, marked as numbers to
/// keep. The audit then hides a detail cell rather than the headline figure.
pub fn question(
    qc: &QuestionCounts,
    slots: &[usize],
    columns_add_up: bool,
    links: &[Link],
    p: &Policy,
) -> Grid {
    let k = slots.len();
    let all = k - 1;
    let mut t = Table::default();
    let cell: Vec<Vec<usize>> = qc
        .options
        .iter()
        .map(|row| (0..k).map(|j| t.push(row[slots[j]], j == all)).collect())
        .collect();
    let base: Vec<usize> = (0..k).map(|j| t.push(qc.base[slots[j]], true)).collect();
    if columns_add_up {
        for (j, &b) in base.iter().enumerate() {
            t.sum(b, cell.iter().map(|r| r[j]).collect());
        }
    }
    for r in &cell {
        t.sum(r[all], r[..all].to_vec());
    }
    t.sum(base[all], base[..all].to_vec());
    let mut linked = Vec::new();
    for l in links {
        // An indicator of one answer is that answer's cell: the same number,
        // so it is kept rather than hidden as a complement.
        let count: Vec<usize> = (0..k)
            .map(|j| match l.counted[..] {
                [o] => {
                    t.avoid[cell[o][j]] = true;
                    cell[o][j]
                }
                _ => t.push(l.counts.count[slots[j]], true),
            })
            .collect();
        let ibase: Vec<usize> = (0..k)
            .map(|j| {
                if l.excluded.is_empty() {
                    base[j]
                } else {
                    t.push(l.counts.base[slots[j]], true)
                }
            })
            .collect();
        for j in 0..k {
            if l.counted.len() > 1 {
                t.sum(count[j], l.counted.iter().map(|&o| cell[o][j]).collect());
            }
            if !l.excluded.is_empty() {
                let mut parts = vec![ibase[j]];
                parts.extend(l.excluded.iter().map(|&o| cell[o][j]));
                t.sum(base[j], parts);
            }
        }
        if l.counted.len() > 1 {
            t.sum(count[all], count[..all].to_vec());
        }
        linked.push((count, ibase));
    }
    let mut g = Grid {
        t,
        cell,
        base,
        links: linked,
    };
    if !p.suppressing() {
        return g;
    }
    let sizes: Vec<u64> = (0..all).map(|j| qc.base[slots[j]]).collect();
    let mut group_hidden: Vec<bool> = sizes.iter().map(|&n| p.small(n)).collect();
    let primary = group_hidden.clone();
    hide_next_smallest_group(&sizes, &mut group_hidden);
    group_hidden.push(p.small(qc.base[slots[all]]));
    for (j, &h) in group_hidden.iter().enumerate() {
        if h {
            let why = if j == all || primary[j] {
                Hidden::Group
            } else {
                Hidden::Secondary
            };
            g.t.hide(g.base[j], why);
            for r in &g.cell {
                g.t.hide(r[j], why);
            }
            for (count, ibase) in &g.links {
                g.t.hide(count[j], why);
                g.t.hide(ibase[j], why);
            }
        }
    }
    for r in &g.cell {
        for &c in r {
            if p.small(g.t.values[c]) {
                g.t.hide(c, Hidden::Small);
            }
        }
    }
    for (count, ibase) in &g.links {
        for j in 0..k {
            if p.small(g.t.values[ibase[j]]) {
                g.t.hide(ibase[j], Hidden::Group);
                g.t.hide(count[j], Hidden::Group);
            }
            if p.small(g.t.values[count[j]]) {
                g.t.hide(count[j], Hidden::Small);
            }
        }
    }
    protect_columns(&mut g);
    g
}

/// Runs the audit; a column whose base had to be hidden is hidden whole, as
/// a percentage and its count together give the base back (and likewise an
/// indicator whose base is hidden).
fn protect_columns(g: &mut Grid) {
    loop {
        g.t.protect();
        let mut changed = false;
        for j in 0..g.base.len() {
            let mut follow = |base: usize, parts: Vec<usize>, t: &mut Table| {
                if t.hidden[base].is_some() {
                    for c in parts {
                        if t.hidden[c].is_none() {
                            t.hide(c, Hidden::Secondary);
                            changed = true;
                        }
                    }
                }
            };
            let mut column: Vec<usize> = g.cell.iter().map(|r| r[j]).collect();
            column.extend(
                g.links
                    .iter()
                    .flat_map(|(count, ibase)| [count[j], ibase[j]]),
            );
            follow(g.base[j], column, &mut g.t);
            for (count, ibase) in &g.links {
                follow(ibase[j], vec![count[j]], &mut g.t);
            }
        }
        if !changed {
            return;
        }
    }
}

/// Protects a headline indicator. It is computed from one question, so it
/// is hidden wherever the numbers it is made of are hidden in that question's
/// table; then its own sums across groups are audited, since a multi-select
/// indicator is not simply a sum of table cells.
pub fn indicator(
    ic: &IndicatorCounts,
    slots: &[usize],
    question: &Grid,
    counted: &[usize],
    excluded: &[usize],
    p: &Policy,
) -> Grid {
    let k = slots.len();
    let all = k - 1;
    let mut t = Table::default();
    let count: Vec<usize> = (0..k)
        .map(|j| t.push(ic.count[slots[j]], j == all))
        .collect();
    let base: Vec<usize> = (0..k).map(|j| t.push(ic.base[slots[j]], true)).collect();
    t.sum(count[all], count[..all].to_vec());
    t.sum(base[all], base[..all].to_vec());
    let mut g = Grid {
        t,
        cell: vec![count],
        base,
        links: vec![],
    };
    if !p.suppressing() {
        return g;
    }
    for j in 0..k {
        let qbase = question.base_hidden(j);
        let excl = excluded.iter().find_map(|&o| question.cell_hidden(o, j));
        if let Some(why) = qbase.or(excl) {
            g.t.hide(g.base[j], why);
            g.t.hide(g.cell[0][j], why);
        } else if p.small(g.t.values[g.base[j]]) {
            g.t.hide(g.base[j], Hidden::Group);
            g.t.hide(g.cell[0][j], Hidden::Group);
        }
        if let Some(why) = counted.iter().find_map(|&o| question.cell_hidden(o, j)) {
            g.t.hide(g.cell[0][j], why);
        }
        if p.small(g.t.values[g.cell[0][j]]) {
            g.t.hide(g.cell[0][j], Hidden::Small);
        }
    }
    protect_columns(&mut g);
    g
}

/// Protects the responses-per-group table: a count per group, adding up to All.
pub fn responses(counts: &[u64], slots: &[usize], p: &Policy) -> Table {
    let k = slots.len();
    let all = k - 1;
    let mut t = Table::default();
    let n: Vec<usize> = (0..k).map(|j| t.push(counts[slots[j]], j == all)).collect();
    t.sum(n[all], n[..all].to_vec());
    if !p.suppressing() {
        return t;
    }
    let sizes: Vec<u64> = (0..all).map(|j| counts[slots[j]]).collect();
    let mut hidden: Vec<bool> = sizes.iter().map(|&v| p.small(v)).collect();
    let primary = hidden.clone();
    hide_next_smallest_group(&sizes, &mut hidden);
    for (j, h) in hidden.iter().enumerate() {
        if *h {
            t.hide(
                n[j],
                if primary[j] {
                    Hidden::Small
                } else {
                    Hidden::Secondary
                },
            );
        }
    }
    if p.small(counts[slots[all]]) {
        t.hide(n[all], Hidden::Small);
    }
    t.protect();
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qc(options: Vec<Vec<u64>>) -> QuestionCounts {
        let slots = options[0].len();
        let base = (0..slots)
            .map(|s| options.iter().map(|r| r[s]).sum())
            .collect();
        QuestionCounts { base, options }
    }

    const P: Policy = Policy {
        min_cell: 5,
        round: None,
        quotes: 0,
    };

    #[test]
    fn one_small_group_takes_the_next_smallest_with_it() {
        // Groups A (3 answers), B (20), C (9); slot 3 is All.
        let q = qc(vec![vec![2, 12, 5, 19], vec![1, 8, 4, 13]]);
        let g = question(&q, &[0, 1, 2, 3], true, &[], &P);
        assert_eq!(g.base_hidden(0), Some(Hidden::Group));
        assert_eq!(
            g.base_hidden(2),
            Some(Hidden::Secondary),
            "C is the next smallest"
        );
        assert_eq!(g.base_hidden(1), None);
        assert!(g.t.exposed().is_empty());
    }

    #[test]
    fn rounding_to_five() {
        let p = Policy {
            min_cell: 5,
            round: Some(5),
            quotes: 0,
        };
        assert_eq!(
            [0, 2, 3, 7, 8, 12, 13].map(|n| p.publish(n)),
            [0, 0, 5, 5, 10, 10, 15]
        );
        assert_eq!(P.publish(13), 13);
    }

    #[test]
    fn a_headline_indicator_is_kept_and_a_detail_cell_hidden_instead() {
        // Groups A, B, C and All. "Fairly" (7) + "Very" (3) confident = 10 in
        // A. Very is small; the indicator (10) is kept, so Fairly must go.
        let q = qc(vec![
            vec![20, 30, 25, 75],
            vec![7, 25, 20, 52],
            vec![3, 9, 8, 20],
        ]);
        let ic = IndicatorCounts {
            count: vec![10, 34, 28, 72],
            base: vec![30, 64, 53, 147],
        };
        let link = Link {
            counts: &ic,
            counted: vec![1, 2],
            excluded: vec![],
        };
        let g = question(&q, &[0, 1, 2, 3], true, &[link], &P);
        assert_eq!(g.cell_hidden(2, 0), Some(Hidden::Small));
        assert_eq!(g.cell_hidden(1, 0), Some(Hidden::Secondary));
        for j in 0..4 {
            assert_eq!(
                g.t.hidden[g.links[0].0[j]], None,
                "the headline figure is published"
            );
        }
        assert!(g.t.exposed().is_empty());
    }
}
