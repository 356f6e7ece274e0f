//! The audit: for every hidden figure, how far can a reader narrow it down?
//!
//! A reader with unlimited computing sets up one integer programme over
//! every published figure and relation, and minimises and maximises each
//! hidden number. The audit asks the same question, but it only needs a
//! *certificate* that a figure is safe, not its exact range: two whole-number
//! assignments of all hidden figures that satisfy every relation and give
//! the figure values at least `required` apart. The true data is one such
//! assignment; the solver (microlp, branch and bound) looks for the other by
//! pushing the figure up, then down. Every assignment found is checked
//! exactly, in integers, before it is believed, so a solver that stops early
//! or rounds badly can only make the audit hide more, never less.
//!
//! Hidden figures only interact through relations that contain them, so the
//! programme splits into independent components (typically one question's
//! table, or the groups hidden whole and everything tied to them), and each
//! assignment found certifies every figure of its component that it moves
//! far enough.

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem, SolveOptions};

use super::figures::{Figures, Op};
use super::moves::{Moved, Moves};

/// A hidden figure a reader can narrow down too far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub figure: usize,
    /// The narrowest range the audit could certify (it may be wider in truth
    /// if the solver stopped early; then more is hidden than strictly needed).
    pub lo: u64,
    pub hi: u64,
    pub required: u64,
}

/// How wide a hidden figure's derivable range must be.
///
/// Zero: a hidden 0 may be pinned (it is hidden only as another's partner).
/// At least `min_cell`: it must not be pinned to one value. Small (1 to
/// min-cell − 1): at least min-cell − 1 wide, or as wide as it can possibly
/// be when the sums it belongs to, or the rules, leave less room than that.
pub fn required_width(f: &Figures, i: usize, min_cell: u32) -> u64 {
    let n = u64::from(min_cell);
    let fig = &f.figs[i];
    if n <= 1 || fig.value == 0 {
        return 0;
    }
    if fig.value >= n {
        return 1;
    }
    let cap = f.upper[i]
        .iter()
        .map(|&(u, less)| f.figs[u].value.saturating_sub(less))
        .chain(fig.rule_cap)
        .min()
        .unwrap_or(u64::MAX);
    (n - 1)
        .min(cap.saturating_sub(fig.floor))
        .min(fig.block_room.unwrap_or(u64::MAX))
}

/// The hidden figures tied to `x` through relations (its component),
/// nearest first, at most `limit` of them and at most `per_relation` from
/// any one relation.
///
/// A search over part of a component, with the rest held at their true
/// values, still finds valid assignments of the whole (the truth satisfies
/// every relation), so the audit looks near `x` first, where the partners
/// that free it usually are, and takes more only when that fails. A long
/// relation (a row across 90 groups, a question with 500 answers) would fill
/// the window on its own with figures that cannot help, so each relation
/// gives its total first, then its largest parts (a part that can give
/// some up), and the window spreads to the relations beyond, where the
/// cycles that free a figure close.
/// Also says whether that is the whole component.
fn component(f: &Figures, x: usize, limit: usize, per_relation: usize) -> (Vec<usize>, bool) {
    let mut seen = vec![false; f.figs.len()];
    let mut seen_rel = vec![false; f.rels.len()];
    let mut out = vec![x];
    seen[x] = true;
    let mut k = 0;
    let mut terms: Vec<(bool, u64, usize)> = Vec::new();
    let mut whole = true;
    while k < out.len() {
        let i = out[k];
        k += 1;
        for &r in &f.member_of[i] {
            if std::mem::replace(&mut seen_rel[r], true) {
                continue;
            }
            terms.clear();
            terms.extend(
                f.rels[r]
                    .terms
                    .iter()
                    .filter(|&&(j, _)| f.figs[j].hidden && !seen[j])
                    .map(|&(j, c)| (c > 0, u64::MAX - f.figs[j].value, j)),
            );
            terms.sort_unstable();
            let room = per_relation.min(limit - out.len());
            whole &= terms.len() <= room;
            for &(_, _, j) in terms.iter().take(room) {
                seen[j] = true;
                out.push(j);
            }
        }
    }
    out.sort_unstable();
    (out, whole)
}

/// Is `x` the only hidden figure of a sum? Then it is the total less the
/// shown parts: pinned, whatever a programme would say, so no programme is
/// needed to tell.
fn pinned_by_a_sum(f: &Figures, x: usize) -> bool {
    f.member_of[x].iter().any(|&r| {
        f.rels[r].op == Op::Eq
            && f.rels[r]
                .terms
                .iter()
                .all(|&(j, _)| j == x || !f.figs[j].hidden)
    })
}

/// A relation's comparison, as the solver writes it.
fn comparison(op: Op) -> ComparisonOp {
    match op {
        Op::Eq => ComparisonOp::Eq,
        Op::Le => ComparisonOp::Le,
    }
}

/// A figure's rise and fall in [`System::relaxation`].
type RiseFall = (Option<microlp::Variable>, Option<microlp::Variable>);

/// `Σ coef · x (op) rhs` over a system's variables.
type Row = (Vec<(usize, i64)>, Op, i64);

/// One component as a system over its hidden figures.
struct System {
    vars: Vec<usize>,
    rows: Vec<Row>,
    lower: Vec<i64>,
    upper: Vec<i64>,
    truth: Vec<i64>,
}

impl System {
    /// `big`: one more than the largest figure (see `Audit::big`). `vars`
    /// is sorted, so a figure's place in it is a binary search.
    fn new(f: &Figures, vars: Vec<usize>, big: i64) -> System {
        let mut rels: Vec<usize> = vars
            .iter()
            .flat_map(|&i| f.member_of[i].iter().copied())
            .collect();
        rels.sort_unstable();
        rels.dedup();
        let rows = rels
            .iter()
            .map(|&r| {
                let rel = &f.rels[r];
                let mut terms = Vec::new();
                let mut constant = 0i64;
                for &(i, c) in &rel.terms {
                    match vars.binary_search(&i) {
                        Ok(k) => terms.push((k, c)),
                        Err(_) => constant += c * f.figs[i].value as i64,
                    }
                }
                (terms, rel.op, -constant)
            })
            .collect();
        let lower = vars.iter().map(|&i| f.figs[i].floor as i64).collect();
        let upper = vars
            .iter()
            .map(|&i| f.figs[i].rule_cap.map_or(big, |c| c as i64))
            .collect();
        let truth = vars.iter().map(|&i| f.figs[i].value as i64).collect();
        System {
            vars,
            rows,
            lower,
            upper,
            truth,
        }
    }

    /// Exact check of an assignment, in integers.
    fn feasible(&self, x: &[i64]) -> bool {
        x.iter()
            .zip(self.lower.iter().zip(&self.upper))
            .all(|(v, (lo, hi))| lo <= v && v <= hi)
            && self.rows.iter().all(|(terms, op, rhs)| {
                let lhs: i64 = terms.iter().map(|&(k, c)| c * x[k]).sum();
                match op {
                    Op::Eq => lhs == *rhs,
                    Op::Le => lhs <= *rhs,
                }
            })
    }

    /// Figure `j`'s bounds as the solver takes them (32-bit, not below 0).
    fn bounds(&self, j: usize) -> (i64, i64) {
        (
            self.lower[j].clamp(0, i32::MAX as i64),
            self.upper[j].clamp(0, i32::MAX as i64),
        )
    }

    /// The whole-number programme, for when the relaxation's answer is
    /// fractional: the figure pushed kept within `reach` of its truth, as in
    /// [`System::relaxation`].
    fn integer_problem(
        &self,
        k: usize,
        direction: OptimizationDirection,
        reach: i64,
    ) -> (Problem, Vec<microlp::Variable>) {
        let mut p = Problem::new(direction);
        let vars: Vec<_> = (0..self.vars.len())
            .map(|j| {
                let (mut lo, mut hi) = self.bounds(j);
                let obj = if j == k {
                    let t = self.truth[j];
                    (lo, hi) = (lo.max(t - reach.max(1)), hi.min(t + reach.max(1)));
                    1.0
                } else {
                    0.0
                };
                p.add_integer_var(obj, (lo as i32, hi as i32))
            })
            .collect();
        for (terms, op, rhs) in &self.rows {
            let mut e = LinearExpr::empty();
            for &(j, c) in terms {
                e.add(vars[j], c as f64);
            }
            p.add_constraint(e, comparison(*op), *rhs as f64);
        }
        (p, vars)
    }

    /// The linear relaxation, written as moves away from the truth: each
    /// figure is its true value plus a rise and less a fall, both at least
    /// 0. With every move at 0 the truth satisfies every relation, so the
    /// simplex starts from a feasible point (only the figure pushed starts
    /// at a bound) instead of searching for one: that search was half the
    /// time of every programme. The figure pushed moves at most `reach`
    /// either way: a hidden figure passes when its range is `reach` wide,
    /// which never needs more than `reach` on one side of the truth, and a
    /// start far out at a loose bound (one more than the largest figure)
    /// cost the search for a feasible point another eighth of the run.
    /// Returns the problem and, per figure, its rise and fall (none where a
    /// bound leaves no room that way).
    fn relaxation(
        &self,
        k: usize,
        direction: OptimizationDirection,
        reach: i64,
    ) -> (Problem, Vec<RiseFall>) {
        let mut p = Problem::new(direction);
        let moves: Vec<RiseFall> = (0..self.vars.len())
            .map(|j| {
                let t = self.truth[j];
                let (lo, hi) = self.bounds(j);
                let (obj, reach) = if j == k {
                    (1.0, reach.max(1))
                } else {
                    (0.0, i64::MAX)
                };
                let up = (hi > t).then(|| p.add_var(obj, (0.0, (hi - t).min(reach) as f64)));
                let down = (lo < t).then(|| p.add_var(-obj, (0.0, (t - lo).min(reach) as f64)));
                (up, down)
            })
            .collect();
        for (terms, op, rhs) in &self.rows {
            let mut e = LinearExpr::empty();
            let mut at_truth = 0i64;
            for &(j, c) in terms {
                at_truth += c * self.truth[j];
                if let Some(u) = moves[j].0 {
                    e.add(u, c as f64);
                }
                if let Some(d) = moves[j].1 {
                    e.add(d, -(c as f64));
                }
            }
            p.add_constraint(e, comparison(*op), (*rhs - at_truth) as f64);
        }
        (p, moves)
    }

    /// Figure `j`'s value in a solution of [`System::relaxation`].
    fn relaxed_value(&self, sol: &microlp::Solution, moves: &[RiseFall], j: usize) -> f64 {
        let (up, down) = moves[j];
        self.truth[j] as f64 + up.map_or(0.0, |u| sol.var_value(u))
            - down.map_or(0.0, |d| sol.var_value(d))
    }

    /// An assignment that takes variable `k` to `goal` or beyond in
    /// `direction` (as far as the solver gets), or None.
    ///
    /// The linear relaxation is solved first: when even it cannot reach the
    /// goal, no whole-number assignment can, and the (much slower) branch
    /// and bound is skipped; when its answer is already whole, that is the
    /// assignment. Either way the result is checked exactly before use.
    fn push(
        &self,
        k: usize,
        direction: OptimizationDirection,
        goal: i64,
        reach: i64,
    ) -> Option<Vec<i64>> {
        let reaches = |v: f64| match direction {
            OptimizationDirection::Maximize => v >= goal as f64 - 1e-6,
            OptimizationDirection::Minimize => v <= goal as f64 + 1e-6,
        };
        let (lp, moves) = self.relaxation(k, direction, reach);
        let relaxed = lp.solve().ok()?;
        let sol = relaxed.solution()?;
        if !reaches(self.relaxed_value(sol, &moves, k)) {
            return None;
        }
        let values: Vec<f64> = (0..self.vars.len())
            .map(|j| self.relaxed_value(sol, &moves, j))
            .collect();
        if values.iter().all(|v| (v - v.round()).abs() < 1e-7) {
            let x: Vec<i64> = values.iter().map(|v| v.round() as i64).collect();
            if self.feasible(&x) {
                return Some(x);
            }
        }
        let (p, vars) = self.integer_problem(k, direction, reach);
        let mut options = SolveOptions::default();
        options.node_limit = Some(200);
        options.warm_start = Some(
            vars.iter()
                .zip(&self.truth)
                .map(|(v, &t)| (*v, t as f64))
                .collect(),
        );
        let outcome = p.solve_with(options).ok()?;
        let sol = outcome.solution()?;
        let x: Vec<i64> = vars
            .iter()
            .map(|&v| sol.var_value(v).round() as i64)
            .collect();
        self.feasible(&x).then_some(x)
    }
}

/// Parts of a sum tried against a figure in a trade: the largest can give
/// most, and a few are enough to try.
const PARTNERS: usize = 6;

/// How many hidden figures near the one audited are searched first.
const NEAR: usize = 40;

/// Ever wider searches around a failing figure, the last over its whole
/// component. A figure that cannot be freed within the windows searched is
/// treated as failing, which can only hide more, never less; but a bounded
/// last window also left figures that no partner could free. On the
/// 60-response platform fixtures with `init`'s templates (every group
/// hidden whole, ~700 hidden figures), a last window of 400 left one group's
/// size narrowed to 2..4 (it must range 1..4) and hid 674-758 figures; the
/// whole component leaves none and hides 570-707, at about 20% more time
/// (12-17 s to 14-20 s). Reports too large for it skip it (`WIDE_UP_TO`).
const WINDOWS: [(usize, usize); 3] = [(NEAR, 8), (150, 20), (WIDE_UP_TO, WIDE_UP_TO)];

/// The window `last_resort` searches before a whole component.
const LAST_WINDOW: (usize, usize) = (400, 40);

/// Above this many hidden figures the widest window is skipped: each of its
/// programmes takes ~10 ms, and a report that large (dozens of groups
/// hidden whole) would spend minutes in them.
const WIDE_UP_TO: usize = 5_000;

/// Hidden figures above which a report is searched as large: `WIDE_UP_TO`,
/// unless `SURVEY_LENS_LARGE_FROM` says otherwise. The variable lets the
/// test suite attack the large report's search on a report small enough for
/// its attacker (a real large report takes it most of an hour).
fn large_from() -> usize {
    std::env::var("SURVEY_LENS_LARGE_FROM")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(WIDE_UP_TO)
}

/// Systems of at least this many figures search up and down at once, on
/// two cores: a linear programme over 150 figures takes about half a
/// millisecond, against tens of microseconds to start a thread. (On a
/// report with 70 groups, most such searches are of figures that fail,
/// which need both directions anyway.)
const TWO_CORES_FROM: usize = 100;

/// One assignment found: the figures it moves off their true values.
struct Witness {
    moved: Vec<(usize, i64)>,
    /// False while one of the moved figures is shown (it no longer fits).
    valid: bool,
}

/// Certified ranges, kept across rounds of hiding, with the assignments
/// that certify them.
///
/// Hiding one more figure only removes a fact the reader had, so every
/// assignment found before stays valid (with the newly hidden figure at its
/// true value): a figure once certified stays certified, and only failing
/// ones are looked at again. Showing a figure again (when trying to undo an
/// unneeded partner) voids exactly the assignments that moved it.
pub struct Audit {
    truth: Vec<i64>,
    pub lo: Vec<i64>,
    pub hi: Vec<i64>,
    witnesses: Vec<Witness>,
    /// Witnesses that move each figure.
    moves: Vec<Vec<usize>>,
    /// Integer and linear programmes solved, for the closing figures.
    pub solves: usize,
    /// Searches run up and down at once, on two cores.
    pub paired: usize,
    /// People that can be moved between groups hidden whole, if any.
    moves_between: Option<Moves>,
    /// Too many hidden figures for the widest window (see `WIDE_UP_TO`).
    large: bool,
    /// Cores to search on, and the smallest system searched on two (see
    /// `TWO_CORES_FROM`).
    cores: usize,
    pair_from: usize,
    /// The upper bound of a figure the rules do not cap: one more than the
    /// largest figure. Any box that holds the truth keeps assignments found
    /// inside it valid for a reader, who may know less. (Worked out once:
    /// a report with 90 groups builds thousands of systems over 50,000
    /// figures.)
    big: i64,
}

impl Audit {
    pub fn new(f: &Figures) -> Audit {
        let truth: Vec<i64> = f.figs.iter().map(|g| g.value as i64).collect();
        Audit {
            lo: truth.clone(),
            hi: truth.clone(),
            truth,
            witnesses: Vec::new(),
            moves: vec![Vec::new(); f.figs.len()],
            solves: 0,
            paired: 0,
            moves_between: Moves::new(f),
            large: f.figs.iter().filter(|g| g.hidden).count() > large_from(),
            big: f.figs.iter().map(|g| g.value).max().unwrap_or(0) as i64 + 1,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            pair_from: TWO_CORES_FROM,
        }
    }

    /// The same audit searching on at most `cores` cores. The result does
    /// not depend on it: two-core searches are used as if run in turn.
    pub fn on_cores(mut self, cores: usize) -> Audit {
        self.cores = cores.max(1);
        self
    }

    /// Pairs searches of systems of `n` figures or more (tests pair all).
    #[cfg(test)]
    pub fn pairing_from(mut self, n: usize) -> Audit {
        self.pair_from = n;
        self
    }

    /// Searches as in a report too large for the widest window, whatever
    /// its size (tests reach that mode with small tables).
    #[cfg(test)]
    pub fn as_large(mut self) -> Audit {
        self.large = true;
        self
    }

    /// A report too large for the widest window (see `WIDE_UP_TO`).
    pub fn large(&self) -> bool {
        self.large
    }

    pub fn width(&self, i: usize) -> u64 {
        (self.hi[i] - self.lo[i]) as u64
    }

    fn keep(&mut self, sys: &System, sol: &[i64]) {
        let moved: Vec<(usize, i64)> = sol
            .iter()
            .enumerate()
            .map(|(j, &v)| (sys.vars[j], v))
            .filter(|&(i, v)| v != self.truth[i])
            .collect();
        self.keep_moved(moved);
    }

    /// Keeps a dataset proposed by moving people, if it passes the same
    /// exact check as the solver's: every figure it changes is hidden and
    /// within what the rules allow, and every relation holds.
    fn offer(&mut self, f: &Figures, mut moved: Moved) -> bool {
        // Sorted, for lookup: a few figures, or a few dozen when people move.
        moved.sort_unstable();
        let at = |i: usize| {
            moved
                .binary_search_by_key(&i, |m| m.0)
                .map_or(self.truth[i], |k| moved[k].1)
        };
        let fits = moved.iter().all(|&(i, v)| {
            let g = &f.figs[i];
            g.hidden && v >= g.floor as i64 && g.rule_cap.is_none_or(|c| v <= c as i64)
        }) && {
            let mut rels: Vec<usize> = moved
                .iter()
                .flat_map(|&(i, _)| f.member_of[i].iter().copied())
                .collect();
            rels.sort_unstable();
            rels.dedup();
            rels.iter().all(|&r| f.rels[r].holds(at))
        };
        if fits {
            self.keep_moved(moved);
        }
        fits
    }

    fn keep_moved(&mut self, mut moved: Vec<(usize, i64)>) {
        // One that widens nothing is not worth remembering.
        if !moved.iter().any(|&(i, v)| v < self.lo[i] || v > self.hi[i]) {
            return;
        }
        moved.sort_unstable();
        let id = self.witnesses.len();
        for &(i, v) in &moved {
            self.moves[i].push(id);
            self.lo[i] = self.lo[i].min(v);
            self.hi[i] = self.hi[i].max(v);
        }
        self.witnesses.push(Witness { moved, valid: true });
    }

    /// Recomputes figure `i`'s range from the valid witnesses.
    fn refresh(&mut self, i: usize) {
        let (mut lo, mut hi) = (self.truth[i], self.truth[i]);
        for &w in &self.moves[i] {
            let w = &self.witnesses[w];
            if w.valid {
                let at = w.moved.binary_search_by_key(&i, |m| m.0).expect("indexed");
                let v = w.moved[at].1;
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        self.lo[i] = lo;
        self.hi[i] = hi;
    }

    /// Re-reads the validity of the witnesses that move `i` (valid while
    /// every figure they move is hidden); returns the figures whose ranges
    /// changed.
    fn revalidate(&mut self, f: &Figures, i: usize) -> Vec<usize> {
        let ids: Vec<usize> = self.moves[i].clone();
        let mut touched = Vec::new();
        for w in ids {
            let valid = self.witnesses[w]
                .moved
                .iter()
                .all(|&(j, _)| f.figs[j].hidden);
            if self.witnesses[w].valid != valid {
                self.witnesses[w].valid = valid;
                touched.extend(self.witnesses[w].moved.iter().map(|m| m.0));
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for &t in &touched {
            self.refresh(t);
        }
        touched
    }

    /// Searches for assignments that widen `x`'s certified range to
    /// `need`; keeps every assignment found (they certify its neighbours
    /// too). True when `x` passes.
    pub fn check(&mut self, f: &Figures, x: usize, need: u64) -> bool {
        self.move_people(f, x, need);
        self.trade(f, x, need);
        if self.width(x) < need && pinned_by_a_sum(f, x) {
            return false;
        }
        for (limit, per_relation) in WINDOWS {
            if self.width(x) >= need {
                return true;
            }
            if limit > WINDOWS[1].0 && self.large {
                break;
            }
            if self.search(f, x, need, limit, per_relation) {
                break;
            }
        }
        self.width(x) >= need
    }

    /// The last word on a figure nothing more can be hidden for: a search
    /// of its whole component, however large the report. `check` skips that
    /// in a large report, where each programme takes long, but a figure
    /// that gets here would otherwise be published uncertified.
    ///
    /// A window of a few hundred figures is searched first: on the
    /// 100-group survey it certified all 26 such figures in about 3 ms
    /// each, where the whole component (some 6,000 figures) took 150 ms
    /// each, nearly half the run.
    pub fn last_resort(&mut self, f: &Figures, x: usize, need: u64) -> bool {
        for (limit, per_relation) in [LAST_WINDOW, (usize::MAX, usize::MAX)] {
            if self.width(x) >= need || self.search(f, x, need, limit, per_relation) {
                break;
            }
        }
        self.width(x) >= need
    }

    /// Pushes `x` up, then down, over the hidden figures near it (at most
    /// `limit`, `per_relation` from any one relation), keeping what is
    /// found. True when the window held the whole component.
    fn search(
        &mut self,
        f: &Figures,
        x: usize,
        need: u64,
        limit: usize,
        per_relation: usize,
    ) -> bool {
        let (vars, whole) = component(f, x, limit, per_relation);
        let sys = System::new(f, vars, self.big);
        debug_assert!(sys.feasible(&sys.truth), "the truth satisfies its own sums");
        let k = sys.vars.binary_search(&x).expect("x is in its component");
        // Any step beyond what is certified helps: the two directions
        // together make the range. Pushing up never moves `x` below its
        // truth, so the downward goal does not depend on the upward
        // search, and a large system searches both at once, on two
        // cores; the results are used as if found one after the other.
        let up_goal = self.hi[x] + 1;
        let down_goal = self.lo[x] - 1;
        let reach = need as i64;
        let mut down_found = None;
        let up_found = if sys.vars.len() >= self.pair_from && self.cores > 1 {
            let (up, down) = std::thread::scope(|scope| {
                let down =
                    scope.spawn(|| sys.push(k, OptimizationDirection::Minimize, down_goal, reach));
                let up = sys.push(k, OptimizationDirection::Maximize, up_goal, reach);
                (up, down.join())
            });
            down_found = Some(down.unwrap_or(None));
            self.paired += 1;
            up
        } else {
            sys.push(k, OptimizationDirection::Maximize, up_goal, reach)
        };
        self.solves += 1;
        if let Some(sol) = up_found {
            self.keep(&sys, &sol);
        }
        if self.width(x) < need {
            self.solves += 1;
            let found = down_found
                .unwrap_or_else(|| sys.push(k, OptimizationDirection::Minimize, down_goal, reach));
            if let Some(sol) = found {
                self.keep(&sys, &sol);
            }
        }
        whole
    }

    /// Tries datasets that trade `x` against other hidden figures, far
    /// enough each way to give `x` the range it needs: against one other
    /// part of a sum it is in (one group's count up, another's down, the
    /// row total unchanged), then round a rectangle of four (a second
    /// option's counts in both groups move the other way, so both columns
    /// keep their totals too), as in the hypercube method.
    ///
    /// Most small cells of groups that are shown are freed by such a
    /// trade, and `offer` checks one exactly, in microseconds, where a
    /// linear programme takes a fifth of a millisecond. When none fits,
    /// `check` goes on to the programmes.
    fn trade(&mut self, f: &Figures, x: usize, need: u64) {
        let sums: Vec<usize> = f.member_of[x]
            .iter()
            .copied()
            .filter(|&r| f.rels[r].op == Op::Eq)
            .collect();
        for up in [true, false] {
            if self.width(x) >= need {
                return;
            }
            let steps = self.steps(f, x, need, up);
            if steps <= 0 {
                continue;
            }
            let dx = if up { steps } else { -steps };
            // Pairs first; the rectangles only when no pair fits.
            let pairs: Vec<Moved> = sums
                .iter()
                .flat_map(|&r| self.partners(f, r, x, dx, PARTNERS))
                .map(|(y, dy)| vec![self.at(x, dx), self.at(y, dy)])
                .collect();
            if pairs.into_iter().any(|moved| self.offer(f, moved)) {
                continue;
            }
            let mut rectangles: Vec<Moved> = Vec::new();
            for (a, &r1) in sums.iter().enumerate() {
                for &r2 in &sums[a + 1..] {
                    let zs = self.partners(f, r2, x, dx, PARTNERS);
                    for (y, dy) in self.partners(f, r1, x, dx, PARTNERS) {
                        for &(z, dz) in &zs {
                            // The fourth corner: a hidden figure in a sum of
                            // y's and a sum of z's, moved to restore the first.
                            // Every part of y's sum is considered: in a long
                            // row the corner (its total, in All) has less room
                            // than the cells, and is not among the roomiest.
                            let corner = f.member_of[y]
                                .iter()
                                .filter(|&&ry| ry != r1 && f.rels[ry].op == Op::Eq)
                                .find_map(|&ry| {
                                    self.partners(f, ry, y, dy, usize::MAX).into_iter().find(
                                        |&(w, _)| {
                                            w != x
                                                && w != z
                                                && f.member_of[w]
                                                    .iter()
                                                    .any(|rz| f.member_of[z].contains(rz))
                                        },
                                    )
                                });
                            if let Some((w, dw)) = corner {
                                rectangles.push(vec![
                                    self.at(x, dx),
                                    self.at(y, dy),
                                    self.at(z, dz),
                                    self.at(w, dw),
                                ]);
                            }
                        }
                    }
                }
            }
            rectangles.into_iter().any(|moved| self.offer(f, moved));
        }
    }

    /// Figure `i` moved `d` off its true value.
    fn at(&self, i: usize, d: i64) -> (usize, i64) {
        (i, self.truth[i] + d)
    }

    /// How far `x` must move up (or down) so that, with what is certified
    /// on the other side, its range is `need` wide (0 or less: no need).
    fn steps(&self, f: &Figures, x: usize, need: u64, up: bool) -> i64 {
        let (truth, need) = (self.truth[x], need as i64);
        if up {
            self.lo[x] + need - truth
        } else {
            truth - (self.hi[x] - need).max(f.figs[x].floor as i64)
        }
    }

    /// The hidden figures of sum `r` that can take the other side of `x`
    /// moving by `dx` (each moving by the same amount, the sign its
    /// coefficient says), the roomiest first, at most a few.
    fn partners(&self, f: &Figures, r: usize, x: usize, dx: i64, most: usize) -> Vec<(usize, i64)> {
        let rel = &f.rels[r];
        let cx = rel.terms.iter().find(|t| t.0 == x).map_or(0, |t| t.1);
        let mut ys: Vec<(i64, usize, i64)> = rel
            .terms
            .iter()
            .filter(|&&(y, cy)| y != x && f.figs[y].hidden && cy.abs() == 1 && cx.abs() == 1)
            .filter_map(|&(y, cy)| {
                let dy = -cx * cy * dx;
                let room = if dy < 0 {
                    self.truth[y] - f.figs[y].floor as i64
                } else {
                    f.figs[y].rule_cap.map_or(self.big, |c| c as i64) - self.truth[y]
                };
                (room >= dy.abs()).then_some((-room, y, dy))
            })
            .collect();
        ys.sort_unstable();
        ys.into_iter()
            .take(most)
            .map(|(_, y, dy)| (y, dy))
            .collect()
    }

    /// Tries datasets with people moved between groups hidden whole, when
    /// `x` is in one: first pushing `x` down, then up, by what it needs.
    fn move_people(&mut self, f: &Figures, x: usize, need: u64) {
        let Some(moves) = self.moves_between.take() else {
            return;
        };
        if moves.covers(f, x) {
            for up in [false, true] {
                if self.width(x) >= need {
                    break;
                }
                let steps = self.steps(f, x, need, up);
                if steps > 0
                    && let Some(moved) = moves.towards(f, x, up, steps as u64)
                {
                    self.offer(f, moved);
                }
            }
        }
        self.moves_between = Some(moves);
    }

    /// An estimate of the range `x` would have if `extra` were hidden too,
    /// from the linear relaxation near `x` (a trial for choosing a partner:
    /// it only guides the choice; `check` certifies it afterwards).
    pub fn trial(&mut self, f: &mut Figures, x: usize, extra: &[usize], need: u64) -> u64 {
        for &e in extra {
            f.figs[e].hidden = true;
        }
        let pinned = pinned_by_a_sum(f, x);
        let sys = (!pinned)
            .then(|| System::new(f, component(f, x, WINDOWS[0].0, WINDOWS[0].1).0, self.big));
        for &e in extra {
            f.figs[e].hidden = false;
        }
        // Partners that leave it alone in a sum do not widen it at all.
        let Some(sys) = sys else {
            return self.width(x);
        };
        let k = sys.vars.binary_search(&x).expect("x is in its component");
        let mut bound = |direction| {
            self.solves += 1;
            let (lp, moves) = sys.relaxation(k, direction, need as i64);
            lp.solve()
                .ok()
                .and_then(|o| o.solution().map(|s| sys.relaxed_value(s, &moves, k)))
        };
        let hi = bound(OptimizationDirection::Maximize)
            .map_or(self.hi[x], |v| (v + 1e-6).floor() as i64);
        let lo =
            bound(OptimizationDirection::Minimize).map_or(self.lo[x], |v| (v - 1e-6).ceil() as i64);
        hi.max(self.hi[x]).saturating_sub(lo.min(self.lo[x])) as u64
    }

    /// Every hidden figure that does not (yet) pass.
    pub fn failing(&mut self, f: &Figures, min_cell: u32) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut order: Vec<(u64, usize)> = (0..f.figs.len())
            .filter(|&i| f.figs[i].hidden)
            .map(|i| (required_width(f, i, min_cell), i))
            .filter(|&(w, i)| w > 0 && self.width(i) < w)
            .collect();
        // Hardest first: small figures need the widest ranges.
        order.sort_by_key(|&(w, i)| (std::cmp::Reverse(w), i));
        for (need, i) in order {
            if !self.check(f, i, need) {
                out.push(Finding {
                    figure: i,
                    lo: self.lo[i] as u64,
                    hi: self.hi[i] as u64,
                    required: need,
                });
            }
        }
        out
    }

    /// Valid witnesses that do not satisfy the final relations: always 0
    /// unless the bookkeeping is wrong (a diagnostic, and a test).
    pub fn broken(&self, f: &Figures) -> usize {
        self.witnesses
            .iter()
            .filter(|w| w.valid)
            .filter(|w| {
                let mut x = self.truth.clone();
                for &(i, v) in &w.moved {
                    x[i] = v;
                }
                w.moved.iter().any(|&(i, _)| !f.figs[i].hidden)
                    || x.iter().zip(&f.figs).any(|(v, g)| {
                        *v < g.floor as i64 || g.rule_cap.is_some_and(|c| *v > c as i64)
                    })
                    || f.rels.iter().any(|r| !r.holds(|i| x[i]))
            })
            .count()
    }

    /// Hides figure `c` again after [`Audit::try_show`] showed it: the
    /// assignments that moved it are valid again.
    pub fn hide_again(&mut self, f: &mut Figures, c: usize) {
        f.hide(c);
        self.revalidate(f, c);
    }

    /// Tries showing hidden figures `cs` again, together: keeps them shown
    /// (and returns true) when every hidden figure still passes without
    /// them.
    pub fn try_show(&mut self, f: &mut Figures, cs: &[usize], min_cell: u32) -> bool {
        for &c in cs {
            f.figs[c].hidden = false;
        }
        let mut touched: Vec<usize> = cs.iter().flat_map(|&c| self.revalidate(f, c)).collect();
        touched.sort_unstable();
        touched.dedup();
        let ok = touched.iter().all(|&i| {
            !f.figs[i].hidden || {
                let need = required_width(f, i, min_cell);
                self.width(i) >= need || self.check(f, i, need)
            }
        });
        if !ok {
            for &c in cs {
                f.figs[c].hidden = true;
            }
            for &c in cs {
                self.revalidate(f, c);
            }
        }
        ok
    }
}

/// Audits every hidden figure from scratch; returns those a reader can
/// narrow down further than the rule allows.
pub fn audit(f: &Figures, min_cell: u32) -> Vec<Finding> {
    Audit::new(f).failing(f, min_cell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::disclosure::figures::Role;

    /// Two hidden cells in a row whose total is shown: each can be anything
    /// from 0 to the total, so a pair summing to 8 is safe however small
    /// each is.
    #[test]
    fn a_pair_in_a_shown_sum_ranges_over_the_total() {
        let mut f = Figures::default();
        let a = f.push(4, Role::Cell, 0);
        let b = f.push(4, Role::Cell, 1);
        let t = f.push(8, Role::Cell, 2);
        f.sum(t, &[a, b]);
        f.hide(a);
        f.hide(b);
        assert!(audit(&f, 5).is_empty());
    }

    /// The same pair summing to 2 can only be split 0+2, 1+1 or 2+0: a range
    /// of 2, which is all there is, so it passes; a lone hidden cell fails.
    #[test]
    fn a_lone_hidden_cell_is_pinned() {
        let mut f = Figures::default();
        let a = f.push(1, Role::Cell, 0);
        let b = f.push(1, Role::Cell, 1);
        let t = f.push(2, Role::Cell, 2);
        f.sum(t, &[a, b]);
        f.hide(a);
        f.hide(b);
        assert!(audit(&f, 5).is_empty(), "the total caps the range");
        let mut g = f.clone();
        g.figs[b].hidden = false;
        let found = audit(&g, 5);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].lo, found[0].hi), (1, 1));
    }

    /// The only hidden part of a sum is the total less the shown parts: it
    /// fails at once, without a programme.
    #[test]
    fn the_only_hidden_part_of_a_sum_is_pinned_without_a_programme() {
        let mut f = Figures::default();
        let a = f.push(2, Role::Cell, 0);
        let b = f.push(9, Role::Cell, 1);
        let t = f.push(11, Role::Cell, 2);
        f.sum(t, &[a, b]);
        f.hide(a);
        let mut audit = Audit::new(&f);
        assert!(!audit.check(&f, a, 4));
        assert_eq!((audit.width(a), audit.solves), (0, 0));
    }

    /// Tick-all cells: a row sum across two groups, and each cell at most
    /// its group's base. Trading 4 between the two hidden cells keeps every
    /// relation, so no programme is needed.
    #[test]
    fn a_trade_frees_a_tick_all_cell_without_a_programme() {
        let mut f = Figures::default();
        let a = f.push(2, Role::Cell, 0);
        let b = f.push(7, Role::Cell, 1);
        let t = f.push(9, Role::Cell, 2);
        let ba = f.push(20, Role::Base, 0);
        let bb = f.push(20, Role::Base, 1);
        f.sum(t, &[a, b]);
        f.at_most(a, ba);
        f.at_most(b, bb);
        f.hide(a);
        f.hide(b);
        let mut audit = Audit::new(&f);
        assert!(audit.check(&f, a, 4));
        assert_eq!(audit.solves, 0);
        assert!(audit.width(a) >= 4);
        assert_eq!(audit.broken(&f), 0);
    }

    /// One-answer cells: rows and columns are both sums, so a pair breaks
    /// a column; the rectangle of four hidden cells moves together.
    #[test]
    fn a_rectangle_frees_a_one_answer_cell_without_a_programme() {
        let mut f = Figures::default();
        // cells[option][group], group 2 is All; each column sums to a base.
        let v = [[2u64, 8], [9, 6]];
        let cells: Vec<Vec<usize>> = v
            .iter()
            .map(|r| {
                let mut ids: Vec<usize> = r
                    .iter()
                    .enumerate()
                    .map(|(j, &c)| f.push(c, Role::Cell, j))
                    .collect();
                ids.push(f.push(r.iter().sum(), Role::Cell, 2));
                ids
            })
            .collect();
        for r in &cells {
            f.sum(r[2], &r[..2]);
        }
        for j in 0..3 {
            let total = cells.iter().map(|r| f.figs[r[j]].value).sum();
            let base = f.push(total, Role::Base, j);
            f.sum(base, &[cells[0][j], cells[1][j]]);
        }
        for r in &cells {
            f.hide(r[0]);
            f.hide(r[1]);
        }
        let x = cells[0][0];
        let mut audit = Audit::new(&f);
        assert!(audit.check(&f, x, 4));
        assert_eq!(audit.solves, 0);
        assert_eq!(audit.broken(&f), 0);
    }

    /// A group hidden whole is known by the rules to have 1 to 4 members: a
    /// partner that lets it take every one of those values is enough, but
    /// one that leaves only 3 or 4 is not.
    #[test]
    fn the_rules_bound_a_group_hidden_whole() {
        let mut f = Figures::default();
        let a = f.push(3, Role::Responses, 0);
        let b = f.push(4, Role::Responses, 1);
        let all = f.push(7, Role::Responses, 2);
        f.sum(all, &[a, b]);
        for i in [a, b] {
            f.hide(i);
            f.figs[i].floor = 1;
            f.figs[i].rule_cap = Some(4);
        }
        // a + b = 7 with both in 1..=4: a is 3 or 4.
        let found = audit(&f, 5);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(required_width(&f, a, 5), 3);
    }
}
