//! Choosing what to hide: the small figures first, then, while the audit
//! finds a figure a reader could narrow down, the partners that cost least
//! among those that actually free it.

use super::audit::{Audit, required_width};
use super::figures::{Figures, Op, Role};

/// How much protecting cost, for the closing figures of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Rounds of audit and extra hiding.
    pub rounds: usize,
    /// Figures hidden only to protect others, in the end.
    pub partners: usize,
    /// Partners shown again by the clean-up pass (hidden on the way, but not
    /// needed in the end).
    pub undone: usize,
    /// Integer and linear programmes solved.
    pub solves: usize,
    /// Figures nothing more could be hidden for, given the last resort
    /// (a wider search after the clean-up).
    pub last_resorts: usize,
    /// Hidden figures neither a partner nor the widest search could free:
    /// the report is then not for publication (`unverified_figures`).
    pub unresolved: usize,
}

/// Partner sets tried per failing figure before settling for the cheapest
/// that helps.
const TRIALS: usize = 10;
/// Rounds in which one figure of a large report is given partner sets
/// before everything tied to it is hidden at once. (A small report keeps
/// choosing partners one set at a time: hiding everything at once costs its
/// headline figures, and its rounds are cheap.)
const MAX_TRIES: u8 = 3;
/// Shown figures considered per relation when building partner sets.
const PER_RELATION: usize = 4;

/// Hides partners until every hidden figure passes the audit.
///
/// A figure pinned in a table needs more than one partner: hiding one more
/// cell in its column frees it only if that cell can move too, which needs a
/// cell in its row, and so on round a cycle. So the candidates are small
/// sets, as in the hypercube method: one figure from a sum of the failing
/// figure, or one from each of two of its sums plus the figure where their
/// other sums cross (a rectangle of cells in a table). Sets are ordered by
/// least loss (no figure in the All column; cells, then indicator figures,
/// then bases, then group sizes, in the order of `Role`; detail before
/// headline; fewest new figures; smallest values; a figure already hidden
/// costs nothing), tried with the linear relaxation near the
/// figure, and the first that frees it is hidden; if none does, the first
/// that widens it at all, else the cheapest.
///
/// Greedy choices made early can be made redundant by later ones, so a
/// clean-up pass then tries showing each partner again, the most valuable
/// first, and keeps it shown when the audit still passes.
pub fn protect(f: &mut Figures, min_cell: u32) -> Cost {
    protect_audited(f, min_cell).0
}

/// `protect`, also returning the audit with its certificates.
pub fn protect_audited(f: &mut Figures, min_cell: u32) -> (Cost, Audit) {
    let audit = Audit::new(f);
    protect_with(f, min_cell, audit)
}

/// `protect_audited` with an audit set up by the caller (the tests vary
/// how it searches, which must not change what is hidden).
fn protect_with(f: &mut Figures, min_cell: u32, mut audit: Audit) -> (Cost, Audit) {
    let mut cost = Cost::default();
    let mut stuck = vec![false; f.figs.len()];
    let mut tries = vec![0u8; f.figs.len()];
    let mut partners: Vec<Vec<usize>> = Vec::new();
    loop {
        let findings: Vec<_> = audit
            .failing(f, min_cell)
            .into_iter()
            .filter(|x| !stuck[x.figure])
            .collect();
        if findings.is_empty() {
            break;
        }
        cost.rounds += 1;
        for x in findings {
            if audit.check(f, x.figure, x.required) {
                continue; // an earlier partner this round freed it
            }
            tries[x.figure] = tries[x.figure].saturating_add(1);
            // A figure partners chosen one set at a time have not freed in a
            // large report gets wider sets at once: after three tries every
            // figure it is tied to (but no group's size: that would pull in
            // every table); after a fourth, when its ties did not free it
            // either (the audit's windows see too little of what does),
            // every shown figure around its hidden component (group sizes
            // aside, unless it is one), where one partner a round took a
            // hundred rounds to get there. The clean-up shows again what
            // was not needed.
            let wider: Vec<usize> = match tries[x.figure] {
                t if t == MAX_TRIES + 1 && audit.large() => f.member_of[x.figure]
                    .iter()
                    .flat_map(|&r| f.rels[r].terms.iter().map(|t| t.0))
                    .filter(|&i| !f.figs[i].hidden && f.figs[i].role != Role::Responses)
                    .collect(),
                t if t == MAX_TRIES + 2 && audit.large() => {
                    let own = f.figs[x.figure].role == Role::Responses;
                    frontier(f, x.figure, 0)
                        .into_iter()
                        .filter(|&i| own || f.figs[i].role != Role::Responses)
                        .collect()
                }
                _ => Vec::new(),
            };
            if !wider.is_empty() {
                for &c in &wider {
                    f.hide(c);
                }
                partners.push(wider);
                continue;
            }
            // A group's size hidden as a partner is freed only by moving a
            // person, which changes a figure of every question they
            // answered; in a large report the audit's windows are too
            // narrow to find that, so a size hidden beside a base failed in
            // turn and took another group's size, round after round (the
            // 100-group survey hid all but one figure before the clean-up
            // showed 3,735 again). Only a size may take a size there: a
            // lone small group's size needs one.
            let sizes = !audit.large() || f.figs[x.figure].role == Role::Responses;
            let room = x
                .required
                .saturating_sub(audit.hi[x.figure].abs_diff(audit.lo[x.figure]));
            let sets = partner_sets(f, x.figure, room, sizes);
            let now = audit.width(x.figure);
            let mut helps: Option<usize> = None;
            let mut chosen: Option<usize> = None;
            for (k, set) in sets.iter().enumerate().take(TRIALS) {
                let w = audit.trial(f, x.figure, set, x.required);
                if w >= x.required {
                    chosen = Some(k);
                    break;
                }
                if w > now && helps.is_none() {
                    helps = Some(k);
                }
            }
            let mut sets = sets;
            let mut pick = chosen.or(helps).or((!sets.is_empty()).then_some(0));
            let last = last_column(f);
            let in_all = |set: &Vec<usize>| set.iter().any(|&i| f.figs[i].column == last);
            if pick.is_some_and(|k| in_all(&sets[k])) {
                // Only an overall figure was to hand: look further afield
                // for a detail figure that helps before giving one up.
                let (far, k) = afield(f, &mut audit, x.figure, (room, now, x.required), |c| {
                    c.column != last && (sizes || c.role != Role::Responses)
                });
                if k.is_some() {
                    sets = far;
                    pick = k;
                }
            }
            if pick.is_none() {
                // Nothing beside it can be hidden: widen to every shown
                // figure tied to its component, cheapest first.
                let (far, k) = afield(f, &mut audit, x.figure, (room, now, x.required), |c| {
                    sizes || c.role != Role::Responses
                });
                pick = k.or((!far.is_empty()).then_some(0));
                sets = far;
            }
            match pick {
                Some(k) => {
                    for &c in &sets[k] {
                        f.hide(c);
                    }
                    partners.push(sets[k].clone());
                }
                None => {
                    stuck[x.figure] = true;
                }
            }
        }
    }
    let (mut shown, mut kept) = clean_up(f, &mut audit, &partners, min_cell);
    // Figures nothing more could be hidden for get the widest search last,
    // after the clean-up (which may have shown them again, as partners not
    // needed): its witnesses move much of a component, and kept earlier
    // they would stop the clean-up showing any figure they move.
    let stuck: Vec<usize> = (0..f.figs.len()).filter(|&x| stuck[x]).collect();
    cost.last_resorts = stuck.iter().filter(|&&x| f.figs[x].hidden).count();
    let mut failed = last_resorts(f, &mut audit, &stuck, min_cell);
    if !failed.is_empty() && !shown.is_empty() {
        // The clean-up showed again what such a figure needed (nothing it
        // had been certified by moved it, so nothing stopped it): hide all
        // of that again, certify the figure first, and clean up again, its
        // witnesses now in place to keep what it needs. (A 40-group report
        // searched as large left two cells unverified without this.)
        for &c in &shown {
            audit.hide_again(f, c);
        }
        last_resorts(f, &mut audit, &failed, min_cell);
        (shown, kept) = clean_up(f, &mut audit, &partners, min_cell);
        failed = last_resorts(f, &mut audit, &stuck, min_cell);
    }
    (cost.undone, cost.partners) = (shown.len(), kept);
    cost.unresolved = failed.len();
    cost.solves = audit.solves;
    debug_assert_eq!(
        audit.broken(f),
        0,
        "every witness kept fits the final tables"
    );
    (cost, audit)
}

/// Shows again what the rounds hid but no longer need: sets hidden together
/// are shown again together (a pair in one column is needed or not as a
/// pair), the most valuable first; then each figure left on its own.
/// Returns the figures shown again and how many partners stay hidden.
fn clean_up(
    f: &mut Figures,
    audit: &mut Audit,
    partners: &[Vec<usize>],
    min_cell: u32,
) -> (Vec<usize>, usize) {
    let last = last_column(f);
    let value = |s: &Vec<usize>| {
        s.iter()
            .map(|&i| {
                let g = &f.figs[i];
                (g.column == last, g.role, g.headline, g.value, i)
            })
            .max()
    };
    let mut partners = partners.to_vec();
    partners.sort_by_key(|s| std::cmp::Reverse(value(s)));
    let (mut shown, mut kept) = (Vec::new(), 0);
    for set in &partners {
        let set: Vec<usize> = set.iter().copied().filter(|&c| f.figs[c].hidden).collect();
        if set.len() > 1 && audit.try_show(f, &set, min_cell) {
            shown.extend(set);
        }
    }
    let mut singles: Vec<usize> = partners
        .into_iter()
        .flatten()
        .filter(|&c| f.figs[c].hidden)
        .collect();
    singles.sort_by_key(|&i| {
        let g = &f.figs[i];
        std::cmp::Reverse((g.column == last, g.role, g.headline, g.value, i))
    });
    singles.dedup();
    for c in singles {
        if audit.try_show(f, &[c], min_cell) {
            shown.push(c);
        } else {
            kept += 1;
        }
    }
    (shown, kept)
}

/// The last resort for each of `figures` still hidden; returns those it
/// could not certify.
fn last_resorts(f: &Figures, audit: &mut Audit, figures: &[usize], min_cell: u32) -> Vec<usize> {
    figures
        .iter()
        .copied()
        .filter(|&x| f.figs[x].hidden && !audit.last_resort(f, x, required_width(f, x, min_cell)))
        .collect()
}

/// Single-figure sets from `x`'s frontier that `keep` allows, and the first
/// of them (within `TRIALS`) that widens `x` beyond `now`.
fn afield(
    f: &mut Figures,
    audit: &mut Audit,
    x: usize,
    (room, now, need): (u64, u64, u64),
    keep: impl Fn(&super::figures::Figure) -> bool,
) -> (Vec<Vec<usize>>, Option<usize>) {
    let sets: Vec<Vec<usize>> = frontier(f, x, room)
        .into_iter()
        .filter(|&c| keep(&f.figs[c]))
        .map(|c| vec![c])
        .collect();
    let first = sets
        .iter()
        .take(TRIALS)
        .position(|set| audit.trial(f, x, set, need) > now);
    (sets, first)
}

/// Shown figures in any relation of `x`'s hidden component, cheapest
/// first (All's responses excepted: they are published as the number
/// analysed).
fn frontier(f: &Figures, x: usize, room: u64) -> Vec<usize> {
    let last = last_column(f);
    let mut seen = vec![false; f.figs.len()];
    let mut stack = vec![x];
    seen[x] = true;
    let mut out = Vec::new();
    while let Some(i) = stack.pop() {
        for &r in &f.member_of[i] {
            for &(j, _) in &f.rels[r].terms {
                if std::mem::replace(&mut seen[j], true) {
                    continue;
                }
                if f.figs[j].hidden {
                    stack.push(j);
                } else if !(f.figs[j].role == Role::Responses && f.figs[j].column == last) {
                    out.push(j);
                }
            }
        }
    }
    out.sort_by_key(|&i| (loss(f, i, room, last), i));
    out
}

fn last_column(f: &Figures) -> usize {
    f.figs.iter().map(|g| g.column).max().unwrap_or(0)
}

/// What hiding figure `i` costs, in order of preference.
type Loss = (bool, Role, bool, bool, u64);

fn loss(f: &Figures, i: usize, room: u64, last: usize) -> Loss {
    let g = &f.figs[i];
    (
        g.column == last,
        g.role,
        g.headline,
        g.value < room,
        g.value,
    )
}

/// Candidate partner sets for `x`, cheapest first.
fn partner_sets(f: &Figures, x: usize, room: u64, sizes: bool) -> Vec<Vec<usize>> {
    let last = last_column(f);
    // All's responses are published again as the number analysed.
    let hideable = |i: usize| {
        let g = &f.figs[i];
        !(g.hidden || g.role == Role::Responses && (g.column == last || !sizes))
    };
    let others = |r: usize, not: usize| -> Vec<usize> {
        let mut v: Vec<usize> = f.rels[r]
            .terms
            .iter()
            .map(|&(i, _)| i)
            .filter(|&i| i != not && i != x)
            .collect();
        v.sort_by_key(|&i| (f.figs[i].hidden, loss(f, i, room, last), i));
        v
    };
    let sums: Vec<usize> = f.member_of[x]
        .iter()
        .copied()
        .filter(|&r| f.rels[r].op == Op::Eq)
        .collect();
    let mut sets: Vec<Vec<usize>> = Vec::new();
    for &r in &f.member_of[x] {
        for y in others(r, x)
            .into_iter()
            .filter(|&y| hideable(y))
            .take(PER_RELATION)
        {
            sets.push(vec![y]);
        }
    }
    for (a, &r1) in sums.iter().enumerate() {
        for &r2 in &sums[a + 1..] {
            let ys: Vec<usize> = others(r1, x).into_iter().take(PER_RELATION + 2).collect();
            let zs: Vec<usize> = others(r2, x).into_iter().take(PER_RELATION + 2).collect();
            for &y in &ys {
                for &z in &zs {
                    if y == z {
                        continue;
                    }
                    // The corner: shares a sum with y (other than r1) and
                    // one with z (other than r2).
                    let corner = f.member_of[y]
                        .iter()
                        .filter(|&&r| r != r1 && f.rels[r].op == Op::Eq)
                        .flat_map(|&r| f.rels[r].terms.iter().map(|&(i, _)| i))
                        .filter(|&w| w != y && w != z && w != x)
                        .filter(|&w| {
                            f.member_of[w].iter().any(|r| {
                                *r != r2 && f.member_of[z].contains(r) && f.rels[*r].op == Op::Eq
                            })
                        })
                        .min_by_key(|&w| (f.figs[w].hidden, loss(f, w, room, last), w));
                    let Some(w) = corner else { continue };
                    let set: Vec<usize> = [y, z, w]
                        .into_iter()
                        .filter(|&i| !f.figs[i].hidden)
                        .collect();
                    if set.iter().all(|&i| hideable(i)) && !set.is_empty() {
                        sets.push(set);
                    }
                }
            }
        }
    }
    // Cheapest first: the worst figure a set adds, then how many, then
    // their total.
    sets.iter_mut().for_each(|s| {
        s.sort_unstable();
        s.dedup();
    });
    sets.sort_by_key(|s| {
        let worst = s.iter().map(|&i| loss(f, i, room, last)).max();
        let total: u64 = s.iter().map(|&i| f.figs[i].value).sum();
        (worst, s.len(), total, s.clone())
    });
    sets.dedup();
    sets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::disclosure::audit::required_width;
    use crate::sample::Rng;

    /// A one-answer crosstab with bases and an All column: `cells[o][j]`.
    fn crosstab(counts: &[Vec<u64>]) -> (Figures, Vec<Vec<usize>>) {
        let mut f = Figures::default();
        let k = counts[0].len() + 1;
        let cells: Vec<Vec<usize>> = counts
            .iter()
            .map(|r| {
                let mut row: Vec<u64> = r.clone();
                row.push(r.iter().sum());
                row.iter()
                    .enumerate()
                    .map(|(j, &v)| f.push(v, Role::Cell, j))
                    .collect()
            })
            .collect();
        let base: Vec<usize> = (0..k)
            .map(|j| {
                let v = cells.iter().map(|r| f.figs[r[j]].value).sum();
                f.push(v, Role::Base, j)
            })
            .collect();
        for r in &cells {
            f.sum(r[k - 1], &r[..k - 1]);
        }
        for j in 0..k {
            let col: Vec<usize> = cells.iter().map(|r| r[j]).collect();
            f.sum(base[j], &col);
        }
        f.sum(base[k - 1], &base[..k - 1]);
        (f, cells)
    }

    /// A table of counts, each small (below 5) with chance `small`, else
    /// below 30.
    fn random_counts(rng: &mut Rng, rows: usize, groups: usize, small: f64) -> Vec<Vec<u64>> {
        (0..rows)
            .map(|_| {
                (0..groups)
                    .map(|_| {
                        if rng.chance(small) {
                            rng.below(5)
                        } else {
                            rng.below(30)
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn hide_small(f: &mut Figures, n: u64) {
        for i in 0..f.figs.len() {
            if (1..n).contains(&f.figs[i].value) {
                f.hide(i);
            }
        }
    }

    fn assert_protected(f: &Figures, audit: &Audit, n: u32) {
        assert_eq!(audit.broken(f), 0, "every certificate fits the final table");
        for i in 0..f.figs.len() {
            if f.figs[i].hidden {
                assert!(
                    audit.width(i) >= required_width(f, i, n),
                    "figure {i} ({:?}) range {}..{}",
                    f.figs[i],
                    audit.lo[i],
                    audit.hi[i]
                );
            }
        }
    }

    #[test]
    fn a_lone_small_cell_is_protected_by_a_rectangle() {
        // The 2 in the corner is alone in its row and column.
        let (mut f, cells) = crosstab(&[vec![2, 10, 12], vec![20, 30, 40], vec![9, 8, 7]]);
        hide_small(&mut f, 5);
        let (cost, audit) = protect_audited(&mut f, 5);
        assert_protected(&f, &audit, 5);
        assert_eq!(cost.unresolved, 0);
        // Three partners close the cycle: no more, and none in All.
        let hidden: Vec<usize> = (0..f.figs.len()).filter(|&i| f.figs[i].hidden).collect();
        assert_eq!(hidden.len(), 4, "{hidden:?}");
        assert!(
            hidden
                .iter()
                .all(|&i| f.figs[i].column < 3 && f.figs[i].role == Role::Cell)
        );
        assert!(f.figs[cells[0][0]].hidden);
    }

    /// The audit searches large systems up and down at once on two cores;
    /// it must hide exactly what it hides on one, and certify the same.
    #[test]
    fn two_cores_hide_exactly_what_one_does() {
        let mut rng = Rng::new(5);
        let counts: Vec<Vec<u64>> = (0..6)
            .map(|_| {
                (0..30)
                    .map(|_| {
                        if rng.chance(0.6) {
                            rng.below(5)
                        } else {
                            rng.below(40)
                        }
                    })
                    .collect()
            })
            .collect();
        let runs: Vec<(Vec<bool>, Audit)> = [1, 2]
            .map(|cores| {
                let (mut f, _) = crosstab(&counts);
                hide_small(&mut f, 10);
                // Every search paired, however small, to exercise it.
                let audit = Audit::new(&f).on_cores(cores).pairing_from(1);
                let (_, audit) = protect_with(&mut f, 10, audit);
                assert_protected(&f, &audit, 10);
                (f.figs.iter().map(|g| g.hidden).collect(), audit)
            })
            .into();
        assert_eq!(runs[0].1.paired, 0);
        assert!(runs[1].1.paired > 0, "the two-core search was not used");
        assert_eq!(runs[0].0, runs[1].0, "the same figures hidden");
        assert_eq!(
            (&runs[0].1.lo, &runs[0].1.hi),
            (&runs[1].1.lo, &runs[1].1.hi)
        );
    }

    #[test]
    fn random_tables_are_protected_and_every_certificate_fits() {
        let mut rng = Rng::new(12);
        for case in 0..60 {
            let rows = 2 + rng.below(4) as usize;
            let groups = 2 + rng.below(5) as usize;
            let counts = random_counts(&mut rng, rows, groups, 0.3);
            let n = if rng.chance(0.5) { 5 } else { 10 };
            let (mut f, _) = crosstab(&counts);
            hide_small(&mut f, n);
            let (cost, audit) = protect_audited(&mut f, n as u32);
            assert_eq!(cost.unresolved, 0, "case {case}: {counts:?}");
            assert_protected(&f, &audit, n as u32);
        }
    }

    /// `crosstab` with each group's size above it: the base of a group is
    /// at most its size (some skipped the question), and All's size is the
    /// sum of the groups'. Returns the figures and the sizes' indices.
    fn with_sizes(counts: &[Vec<u64>], skipped: &[u64]) -> (Figures, Vec<usize>) {
        let (mut f, _) = crosstab(counts);
        let k = counts[0].len() + 1;
        let base: Vec<usize> = (0..f.figs.len())
            .filter(|&i| f.figs[i].role == Role::Base)
            .collect();
        let sizes: Vec<usize> = (0..k)
            .map(|j| {
                let extra = if j < k - 1 {
                    skipped[j]
                } else {
                    skipped.iter().sum()
                };
                let v = f.figs[base[j]].value + extra;
                let r = f.push(v, Role::Responses, j);
                f.figs[r].floor = 1;
                r
            })
            .collect();
        for j in 0..k {
            f.at_most(base[j], sizes[j]);
        }
        f.sum(sizes[k - 1], &sizes[..k - 1]);
        (f, sizes)
    }

    /// The search of a large report (narrow windows, ties hidden at once,
    /// a group's size a partner only for another size) must protect every
    /// hidden figure and leave none unverified: forced into that mode,
    /// random tables with group sizes, small ones among them, are protected
    /// as in the ordinary mode, and a size that is not small is hidden only
    /// when a small one is.
    #[test]
    fn a_large_report_protects_without_hiding_group_sizes() {
        let mut rng = Rng::new(31);
        for case in 0..150 {
            let rows = 2 + rng.below(3) as usize;
            let groups = 3 + rng.below(5) as usize;
            let counts = random_counts(&mut rng, rows, groups, 0.5);
            // A group is listed only when someone is in it.
            let skipped: Vec<u64> = (0..groups)
                .map(|j| {
                    let empty = counts.iter().all(|r| r[j] == 0);
                    if empty || !rng.chance(0.7) {
                        1 + rng.below(2)
                    } else {
                        0
                    }
                })
                .collect();
            for large in [false, true] {
                let (mut f, sizes) = with_sizes(&counts, &skipped);
                hide_small(&mut f, 5);
                let audit = Audit::new(&f);
                let audit = if large { audit.as_large() } else { audit };
                let (cost, audit) = protect_with(&mut f, 5, audit);
                assert_eq!(cost.unresolved, 0, "case {case}: {counts:?}");
                assert_protected(&f, &audit, 5);
                let partners = sizes
                    .iter()
                    .filter(|&&s| f.figs[s].hidden && f.figs[s].value >= 5)
                    .count();
                let small = sizes.iter().any(|&s| f.figs[s].value < 5);
                if large && !small {
                    assert_eq!(partners, 0, "case {case} hid a group's size");
                }
            }
        }
    }
}
