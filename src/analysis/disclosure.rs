//! Disclosure control: which published numbers to hide so that no hidden
//! number can be worked out from the ones shown.
//!
//! A published table is modelled as numbers plus the sums that tie them
//! together (each column of a single-choice question adds up to its base; each
//! row adds up to the All column). Hiding a small count is not enough: if it
//! is the only hidden number in a sum whose total is shown, subtraction gives
//! it back. So after the small counts are hidden, the table is audited with
//! exact linear algebra: a hidden number is exposed exactly when its unit
//! vector lies in the row space of the published sums. While any is exposed,
//! the smallest shown number that shares a sum with it is hidden too
//! ("secondary suppression"), and the audit runs again.

/// Why a number is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// A count from 1 to min-cell - 1.
    Small,
    /// Part of a group too small to show at all.
    Group,
    /// Hidden so that another hidden number cannot be worked out.
    Secondary,
}

impl Hidden {
    pub fn as_str(self) -> &'static str {
        match self {
            Hidden::Small => "small",
            Hidden::Group => "group",
            Hidden::Secondary => "secondary",
        }
    }
}

/// Numbers and the published sums that link them.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub values: Vec<u64>,
    pub hidden: Vec<Option<Hidden>>,
    /// `(total, parts)`: `values[total] == sum of values[parts]`.
    pub sums: Vec<(usize, Vec<usize>)>,
    /// Numbers that are only hidden as a last resort (totals, bases).
    pub avoid: Vec<bool>,
}

impl Table {
    pub fn push(&mut self, value: u64, avoid: bool) -> usize {
        self.values.push(value);
        self.hidden.push(None);
        self.avoid.push(avoid);
        self.values.len() - 1
    }

    pub fn sum(&mut self, total: usize, parts: Vec<usize>) {
        self.sums.push((total, parts));
    }

    pub fn hide(&mut self, i: usize, why: Hidden) {
        if self.hidden[i].is_none() {
            self.hidden[i] = Some(why);
        }
    }

    /// Hidden numbers whose value follows from the published ones.
    pub fn exposed(&self) -> Vec<usize> {
        let unknown: Vec<usize> = (0..self.values.len())
            .filter(|&i| self.hidden[i].is_some())
            .collect();
        if unknown.is_empty() {
            return vec![];
        }
        let col = |i: usize| unknown.iter().position(|&u| u == i);
        // One equation per sum, over the hidden numbers only.
        let mut rows: Vec<Vec<f64>> = Vec::new();
        for (total, parts) in &self.sums {
            let mut r = vec![0.0; unknown.len()];
            let mut any = false;
            for &p in parts {
                if let Some(c) = col(p) {
                    r[c] += 1.0;
                    any = true;
                }
            }
            if let Some(c) = col(*total) {
                r[c] -= 1.0;
                any = true;
            }
            if any {
                rows.push(r);
            }
        }
        let pivots = rref(&mut rows, unknown.len());
        // A pivot variable is determined when its row has no free variable.
        let mut out = Vec::new();
        for (r, &pc) in pivots.iter().enumerate() {
            let free = rows[r]
                .iter()
                .enumerate()
                .any(|(c, v)| c != pc && v.abs() > 1e-9 && !pivots.contains(&c));
            if !free {
                out.push(unknown[pc]);
            }
        }
        out.sort_unstable();
        out
    }

    /// Hides more numbers until no hidden one is exposed.
    ///
    /// First, every sum with exactly one hidden number gets a second: the
    /// smallest other shown number in that sum (preferring counts over
    /// totals, and non-zero counts). That settles the usual cases cheaply and
    /// keeps the extra hiding local. If the audit still finds an exposed
    /// number (a longer chain of sums), the number to hide is chosen by
    /// trying each candidate linked to it and keeping the one that leaves
    /// fewest exposed.
    pub fn protect(&mut self) {
        loop {
            let mut changed = false;
            for s in 0..self.sums.len() {
                let members = self.members(s);
                if members
                    .iter()
                    .filter(|&&i| self.hidden[i].is_some())
                    .count()
                    == 1
                    && let Some(c) = self.cheapest(&members)
                {
                    self.hide(c, Hidden::Secondary);
                    changed = true;
                }
            }
            if changed {
                continue;
            }
            let exposed = self.exposed();
            let Some(&x) = exposed.first() else { return };
            let linked: Vec<usize> = (0..self.sums.len())
                .filter(|&s| self.members(s).contains(&x))
                .flat_map(|s| self.members(s))
                .filter(|&i| self.hidden[i].is_none())
                .collect();
            let best = linked.iter().copied().min_by_key(|&i| {
                let mut trial = self.clone();
                trial.hide(i, Hidden::Secondary);
                (trial.exposed().len(), self.rank(i))
            });
            match best {
                Some(i) => self.hide(i, Hidden::Secondary),
                // Nothing linked to x is shown, so nothing can expose it.
                None => return,
            }
        }
    }

    /// The numbers in sum `s`: its parts and its total.
    fn members(&self, s: usize) -> Vec<usize> {
        let (t, parts) = &self.sums[s];
        parts.iter().copied().chain(std::iter::once(*t)).collect()
    }

    /// Preference order for hiding: counts before totals, non-zero before
    /// zero, smaller before larger, then position (for determinism).
    fn rank(&self, i: usize) -> (bool, bool, u64, usize) {
        (self.avoid[i], self.values[i] == 0, self.values[i], i)
    }

    fn cheapest(&self, members: &[usize]) -> Option<usize> {
        members
            .iter()
            .copied()
            .filter(|&i| self.hidden[i].is_none())
            .min_by_key(|&i| self.rank(i))
    }
}

/// Reduces `rows` to reduced row echelon form in place; returns the pivot
/// column of each leading row.
fn rref(rows: &mut Vec<Vec<f64>>, cols: usize) -> Vec<usize> {
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..cols {
        let Some(p) =
            (r..rows.len()).max_by(|&a, &b| rows[a][c].abs().total_cmp(&rows[b][c].abs()))
        else {
            break;
        };
        if rows[p][c].abs() < 1e-9 {
            continue;
        }
        rows.swap(r, p);
        let lead = rows[r][c];
        for v in rows[r].iter_mut() {
            *v /= lead;
        }
        for i in 0..rows.len() {
            if i != r && rows[i][c].abs() > 1e-12 {
                let f = rows[i][c];
                let (src, dst) = if i < r {
                    let (a, b) = rows.split_at_mut(r);
                    (&b[0], &mut a[i])
                } else {
                    let (a, b) = rows.split_at_mut(i);
                    (&a[r], &mut b[0])
                };
                for (d, s) in dst.iter_mut().zip(src.iter()) {
                    *d -= f * s;
                }
            }
        }
        pivots.push(c);
        r += 1;
        if r == rows.len() {
            break;
        }
    }
    rows.truncate(r);
    pivots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::Rng;

    /// A crosstab: `cells[o][g]`, column totals (bases), row totals (All),
    /// and the grand total, all linked by sums.
    struct Crosstab {
        t: Table,
        cells: Vec<Vec<usize>>,
    }

    fn crosstab(counts: &[Vec<u64>], columns_sum: bool) -> Crosstab {
        let mut t = Table::default();
        let groups = counts[0].len();
        let cells: Vec<Vec<usize>> = counts
            .iter()
            .map(|r| r.iter().map(|&v| t.push(v, false)).collect())
            .collect();
        let col_tot: Vec<usize> = (0..groups)
            .map(|g| t.push(counts.iter().map(|r| r[g]).sum(), true))
            .collect();
        let row_tot: Vec<usize> = counts
            .iter()
            .map(|r| t.push(r.iter().sum(), true))
            .collect();
        let grand = t.push(counts.iter().flatten().sum(), true);
        if columns_sum {
            for g in 0..groups {
                t.sum(col_tot[g], cells.iter().map(|r| r[g]).collect());
            }
            t.sum(grand, row_tot.clone());
        }
        for (o, r) in cells.iter().enumerate() {
            t.sum(row_tot[o], r.clone());
        }
        t.sum(grand, col_tot.clone());
        Crosstab { t, cells }
    }

    fn primary(t: &mut Table, min: u64) {
        for i in 0..t.values.len() {
            if (1..min).contains(&t.values[i]) {
                t.hide(i, Hidden::Small);
            }
        }
    }

    #[test]
    fn a_lone_small_cell_in_a_row_is_exposed_and_then_protected() {
        // Row 0: 3 + 10 + 12 = 25 shown, so the 3 follows by subtraction.
        let mut x = crosstab(&[vec![3, 10, 12], vec![20, 30, 40]], true);
        primary(&mut x.t, 5);
        assert_eq!(x.t.exposed(), vec![x.cells[0][0]]);
        x.t.protect();
        assert!(x.t.exposed().is_empty());
        // The complement in row 0 is the next smallest cell, 10; in column 0
        // it is 20: both are hidden as secondary.
        assert_eq!(x.t.hidden[x.cells[0][1]], Some(Hidden::Secondary));
        assert_eq!(x.t.hidden[x.cells[1][0]], Some(Hidden::Secondary));
        assert_eq!(x.t.hidden[x.cells[0][0]], Some(Hidden::Small));
    }

    #[test]
    fn a_rectangle_of_hidden_cells_is_safe() {
        let mut x = crosstab(&[vec![3, 4, 12], vec![2, 1, 40], vec![9, 9, 9]], true);
        primary(&mut x.t, 5);
        assert!(x.t.exposed().is_empty(), "{:?}", x.t.exposed());
    }

    #[test]
    fn chains_of_sums_are_followed() {
        // v5 is alone in its sum; knowing it exposes v4 through another sum,
        // while the four cells of the rectangle stay undetermined.
        let mut t = Table::default();
        let v: Vec<usize> = (0..9).map(|i| t.push(10 + i, false)).collect();
        let tot: Vec<usize> = (0..6).map(|_| t.push(0, true)).collect();
        t.sum(tot[0], vec![v[0], v[1]]);
        t.sum(tot[1], vec![v[2], v[3]]);
        t.sum(tot[2], vec![v[0], v[2]]);
        t.sum(tot[3], vec![v[1], v[3], v[4]]);
        t.sum(tot[4], vec![v[4], v[5]]);
        t.sum(tot[5], vec![v[5]]);
        for i in [0, 1, 2, 3, 4, 5] {
            t.hide(v[i], Hidden::Small);
        }
        assert_eq!(t.exposed(), vec![v[4], v[5]]);
    }

    /// For random tables, after protection no hidden number can be derived
    /// from the published ones: row and column sums, and All minus the
    /// other groups (the row totals are the All column).
    #[test]
    fn property_no_hidden_value_is_derivable_after_protection() {
        let mut rng = Rng::new(2026);
        for case in 0..400 {
            let rows = 1 + rng.below(6) as usize;
            let groups = 1 + rng.below(8) as usize;
            let counts: Vec<Vec<u64>> = (0..rows)
                .map(|_| {
                    (0..groups)
                        .map(|_| {
                            if rng.chance(0.4) {
                                rng.below(5)
                            } else {
                                rng.below(40)
                            }
                        })
                        .collect()
                })
                .collect();
            let columns_sum = rng.chance(0.7);
            let mut x = crosstab(&counts, columns_sum);
            let min = 2 + rng.below(9);
            primary(&mut x.t, min);
            x.t.protect();
            assert!(
                x.t.exposed().is_empty(),
                "case {case}: {counts:?} exposed {:?}",
                x.t.exposed()
            );
            // Every small count is hidden.
            for r in &x.cells {
                for &c in r {
                    if (1..min).contains(&x.t.values[c]) {
                        assert!(x.t.hidden[c].is_some());
                    }
                }
            }
            // And the audit is not vacuous: a hidden cell alone in a shown
            // sum is reported.
            let mut probe = crosstab(&counts, columns_sum);
            if let Some(&c) = probe
                .cells
                .iter()
                .flatten()
                .find(|&&c| probe.t.values[c] > 0)
            {
                probe.t.hide(c, Hidden::Small);
                assert_eq!(probe.t.exposed(), vec![c], "case {case}");
            }
        }
    }

    /// Rank of an integer matrix by fraction-free elimination (Bareiss),
    /// independent of the floating-point code under test.
    fn rank(mut m: Vec<Vec<i128>>) -> usize {
        let cols = m.first().map_or(0, Vec::len);
        let mut r = 0;
        let mut prev = 1i128;
        for c in 0..cols {
            let Some(p) = (r..m.len()).find(|&i| m[i][c] != 0) else {
                continue;
            };
            m.swap(r, p);
            for i in r + 1..m.len() {
                for j in c + 1..cols {
                    m[i][j] = (m[r][c] * m[i][j] - m[i][c] * m[r][j]) / prev;
                }
                m[i][c] = 0;
            }
            prev = m[r][c];
            r += 1;
        }
        r
    }

    #[test]
    fn exposed_agrees_with_an_exact_rank_test() {
        let mut rng = Rng::new(99);
        for case in 0..300 {
            let rows = 1 + rng.below(5) as usize;
            let groups = 1 + rng.below(6) as usize;
            let counts: Vec<Vec<u64>> = (0..rows)
                .map(|_| (0..groups).map(|_| rng.below(12)).collect())
                .collect();
            let mut x = crosstab(&counts, rng.chance(0.6));
            for i in 0..x.t.values.len() {
                if rng.chance(0.3) {
                    x.t.hide(i, Hidden::Small);
                }
            }
            let unknown: Vec<usize> = (0..x.t.values.len())
                .filter(|&i| x.t.hidden[i].is_some())
                .collect();
            let a: Vec<Vec<i128>> = x
                .t
                .sums
                .iter()
                .map(|(t, parts)| {
                    unknown
                        .iter()
                        .map(|u| {
                            parts.iter().filter(|p| *p == u).count() as i128 - i128::from(t == u)
                        })
                        .collect()
                })
                .collect();
            let base = rank(a.clone());
            let expected: Vec<usize> = unknown
                .iter()
                .enumerate()
                .filter(|(j, _)| {
                    let mut with = a.clone();
                    with.push((0..unknown.len()).map(|k| i128::from(k == *j)).collect());
                    rank(with) == base
                })
                .map(|(_, &u)| u)
                .collect();
            assert_eq!(x.t.exposed(), expected, "case {case}: {counts:?}");
        }
    }
}
