//! Choosing what to hide: the small figures first, then, while the audit
//! finds a figure a reader could narrow down, the partners that cost least
//! among those that actually free it.

use super::audit::Audit;
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
    /// Findings no shown figure could fix; zero in every case the tests
    /// know of (the attacker test would fail on any).
    pub unresolved: usize,
}

/// Partner sets tried per failing figure before settling for the cheapest
/// that helps.
const TRIALS: usize = 10;
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
    let mut cost = Cost::default();
    let mut audit = Audit::new(f);
    let mut stuck = vec![false; f.figs.len()];
    let mut partners: Vec<usize> = Vec::new();
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
            let room = x
                .required
                .saturating_sub(audit.hi[x.figure].abs_diff(audit.lo[x.figure]));
            let sets = partner_sets(f, x.figure, room);
            let now = audit.width(x.figure);
            let mut helps: Option<usize> = None;
            let mut chosen: Option<usize> = None;
            for (k, set) in sets.iter().enumerate().take(TRIALS) {
                let w = audit.trial(f, x.figure, set);
                if w >= x.required {
                    chosen = Some(k);
                    break;
                }
                if w > now && helps.is_none() {
                    helps = Some(k);
                }
            }
            match chosen.or(helps).or((!sets.is_empty()).then_some(0)) {
                Some(k) => {
                    if std::env::var_os("SL_TRACE2").is_some() {
                        let d = |i: usize| format!("{:?}{}c{}={}{}", f.figs[i].role, if f.figs[i].headline {"H"} else {""}, f.figs[i].column, f.figs[i].value, if f.figs[i].hidden {"*"} else {""});
                        eprintln!("x {} need {} width {} rels {:?} -> {:?} (chosen {:?} helps {:?} of {})", d(x.figure), x.required, now,
                            f.member_of[x.figure].iter().map(|&r| f.rels[r].terms.iter().map(|&(i,c)| format!("{c}:{}", d(i))).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>(),
                            sets[k].iter().map(|&i| d(i)).collect::<Vec<_>>(), chosen, helps, sets.len());
                    }
                    for &c in &sets[k] {
                        f.hide(c);
                        partners.push(c);
                    }
                }
                None => {
                    stuck[x.figure] = true;
                    cost.unresolved += 1;
                }
            }
        }
    }
    let last = last_column(f);
    partners.sort_by_key(|&i| {
        let g = &f.figs[i];
        std::cmp::Reverse((g.column == last, g.role, g.headline, g.value, i))
    });
    partners.dedup();
    for c in partners {
        if audit.try_show(f, c, min_cell) {
            cost.undone += 1;
        } else {
            cost.partners += 1;
        }
    }
    cost.solves = audit.solves;
    cost
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
fn partner_sets(f: &Figures, x: usize, room: u64) -> Vec<Vec<usize>> {
    let last = last_column(f);
    // All's responses are published again as the number analysed.
    let hideable = |i: usize| {
        !f.figs[i].hidden && !(f.figs[i].role == Role::Responses && f.figs[i].column == last)
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
        for y in others(r, x).into_iter().filter(|&y| hideable(y)).take(PER_RELATION) {
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
                            f.member_of[w]
                                .iter()
                                .any(|r| *r != r2 && f.member_of[z].contains(r) && f.rels[*r].op == Op::Eq)
                        })
                        .min_by_key(|&w| (f.figs[w].hidden, loss(f, w, room, last), w));
                    let Some(w) = corner else { continue };
                    let set: Vec<usize> = [y, z, w].into_iter().filter(|&i| !f.figs[i].hidden).collect();
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
