//! Every number a report publishes, and every fact that ties them together.
//!
//! The audit does not look at tables one at a time: a reader holds all of a
//! report's outputs at once, so one hidden figure can be solved with another
//! table's sums. `Figures` is that whole picture: one entry per published
//! number (a group's responses, a question's base, a cell, an indicator's
//! count or base, a text question's "answered" count), and linear relations
//! between them that any reader can write down from the report and the README
//! (columns add up to their base, groups add up to All, a base is at most the
//! group's responses, an indicator is the sum of its answers).

/// What a published number is. The order is the order of preference when a
/// figure must be hidden to protect another: detail cells go first; a
/// headline indicator's figures next; a question's base late, as it is the
/// denominator of every percentage in its column (and, for a question
/// everyone answered, equal to the group's responses, so hiding it pulls
/// more in); a group's responses last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// One option's count in one group.
    Cell,
    /// How many in a group answered a free-text question.
    Answered,
    /// A headline indicator's count, where it is not a single cell.
    IndicatorCount,
    /// A headline indicator's base, where it differs from the question's.
    IndicatorBase,
    /// How many in a group answered a question (the percentages' denominator).
    Base,
    /// A group's number of responses.
    Responses,
}

/// One published number.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The true value.
    pub value: u64,
    pub role: Role,
    /// Column: the group's position in report order; All is the last.
    pub column: usize,
    /// A headline figure (an indicator, or the cell an indicator is made of):
    /// hidden only as a last resort.
    pub headline: bool,
    pub hidden: bool,
    /// What a reader knows without any sum: a listed group has at least one
    /// response.
    pub floor: u64,
    /// What the rules tell a reader about a hidden figure's size: a group
    /// hidden whole has fewer than min-cell responses.
    pub rule_cap: Option<u64>,
    /// For a figure of a group hidden whole: the widest range its group
    /// leaves it. With two or more such groups, they are one block whose
    /// totals a reader can work out, and a figure cannot range wider than
    /// its block's total allows (two hidden groups of 1 and 2 people:
    /// either holds at most 2). And a count of everyone in the group (a
    /// question all of them answered) ranges as the group's size does, 1 to
    /// min-cell − 1.
    pub block_room: Option<u64>,
}

/// `Σ coef · figure (op) 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Le,
}

#[derive(Debug, Clone)]
pub struct Relation {
    pub terms: Vec<(usize, i64)>,
    pub op: Op,
}

impl Relation {
    /// Does it hold when figure `i` has `value(i)`?
    pub fn holds(&self, value: impl Fn(usize) -> i64) -> bool {
        let lhs: i64 = self.terms.iter().map(|&(i, c)| c * value(i)).sum();
        match self.op {
            Op::Eq => lhs == 0,
            Op::Le => lhs <= 0,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub figs: Vec<Figure>,
    pub rels: Vec<Relation>,
    /// `upper[i]`: `(j, less)` where figure `i` is known to be at most
    /// figure `j` less `less` (the total of a sum `i` is part of, less what
    /// the other parts must at least hold; or the larger side of `i <= j`).
    /// They cap how wide a hidden figure's range can possibly be.
    pub upper: Vec<Vec<(usize, u64)>>,
    /// Relations each figure takes part in.
    pub member_of: Vec<Vec<usize>>,
    /// Who is counted where, when the caller knows (see `Microdata`).
    pub micro: Option<Microdata>,
}

/// Each respondent's place in the figures, so that the audit can try other
/// datasets that publish the same shown figures: moving people between
/// groups hidden whole changes only hidden figures, and is a whole-number
/// assignment that satisfies every relation by construction (it is a real
/// count of a possible dataset). One such move certifies dozens of figures
/// at once, where a solver would need a programme for each.
#[derive(Debug, Clone, Default)]
pub struct Microdata {
    /// `layout[j]`: column `j`'s figures in a fixed order, the same for
    /// every column (figure `layout[j][p]` means the same in every `j`).
    pub layout: Vec<Vec<usize>>,
    /// A figure's position `p` in its column's layout.
    pub position: Vec<usize>,
    /// Per respondent: their column (not All), and the figures of that
    /// column they add one to.
    pub people: Vec<(usize, Vec<usize>)>,
}

impl Microdata {
    /// Lays out `f`'s figures by column. Columns built by the same loops
    /// have the same shape; None when they do not.
    pub fn layout(f: &Figures) -> Option<(Vec<Vec<usize>>, Vec<usize>)> {
        let k = f.figs.iter().map(|g| g.column + 1).max()?;
        let mut layout = vec![Vec::new(); k];
        let mut position = vec![0; f.figs.len()];
        for (i, g) in f.figs.iter().enumerate() {
            position[i] = layout[g.column].len();
            layout[g.column].push(i);
        }
        let same = layout.iter().all(|c| {
            c.len() == layout[0].len()
                && c.iter()
                    .zip(&layout[0])
                    .all(|(&a, &b)| f.figs[a].role == f.figs[b].role)
        });
        same.then_some((layout, position))
    }

    /// Do the people add up to every figure of their columns? Only then may
    /// moves be trusted (a caller's mistake would otherwise make the audit
    /// certify datasets that do not fit).
    pub fn fits(&self, f: &Figures) -> bool {
        let mut sum = vec![0u64; f.figs.len()];
        for (j, figs) in &self.people {
            for &i in figs {
                if f.figs[i].column != *j {
                    return false;
                }
                sum[i] += 1;
            }
        }
        let people_cols: Vec<bool> = (0..self.layout.len())
            .map(|j| self.people.iter().any(|p| p.0 == j))
            .collect();
        f.figs
            .iter()
            .enumerate()
            .all(|(i, g)| !people_cols[g.column] || sum[i] == g.value)
    }
}

impl Figures {
    pub fn push(&mut self, value: u64, role: Role, column: usize) -> usize {
        self.figs.push(Figure {
            value,
            role,
            column,
            headline: false,
            hidden: false,
            floor: 0,
            rule_cap: None,
            block_room: None,
        });
        self.upper.push(Vec::new());
        self.member_of.push(Vec::new());
        self.figs.len() - 1
    }

    fn relate(&mut self, terms: Vec<(usize, i64)>, op: Op) {
        let r = self.rels.len();
        for &(i, _) in &terms {
            if !self.member_of[i].contains(&r) {
                self.member_of[i].push(r);
            }
        }
        self.rels.push(Relation { terms, op });
    }

    /// `total = Σ parts`. No parts is no sum: a report of All alone has no
    /// groups to add up, not a total of zero.
    pub fn sum(&mut self, total: usize, parts: &[usize]) {
        if parts.is_empty() {
            return;
        }
        let floors: u64 = parts.iter().map(|&p| self.figs[p].floor).sum();
        for &p in parts {
            let others = floors - self.figs[p].floor;
            self.upper[p].push((total, others));
        }
        let mut terms: Vec<(usize, i64)> = parts.iter().map(|&p| (p, 1)).collect();
        terms.push((total, -1));
        self.relate(terms, Op::Eq);
    }

    /// `small <= large`.
    pub fn at_most(&mut self, small: usize, large: usize) {
        self.upper[small].push((large, 0));
        self.relate(vec![(small, 1), (large, -1)], Op::Le);
    }

    /// `small <= large` where the relations already imply it (a sum of some
    /// of a one-answer question's cells is at most its base): no new
    /// relation for the solver, but the cap on how wide `small`'s range can
    /// be. Without it the audit asks a figure for room it cannot have, and
    /// gives up on it.
    pub fn implied_at_most(&mut self, small: usize, large: usize) {
        self.upper[small].push((large, 0));
    }

    /// `Σ low <= Σ high`, for facts that are not a plain sum (multi-select:
    /// the people who ticked an option are at most the sum of each option's).
    pub fn sum_at_most(&mut self, low: &[(usize, i64)], high: &[(usize, i64)]) {
        let mut terms: Vec<(usize, i64)> = low.to_vec();
        terms.extend(high.iter().map(|&(i, c)| (i, -c)));
        self.relate(terms, Op::Le);
    }

    pub fn hide(&mut self, i: usize) {
        self.figs[i].hidden = true;
    }

    pub fn hidden(&self, i: usize) -> bool {
        self.figs[i].hidden
    }

    /// Does the true assignment satisfy every relation? (It must: the
    /// relations are facts about the data. A failure is a bug in the table
    /// builder, caught by tests.)
    pub fn consistent(&self) -> bool {
        self.rels
            .iter()
            .all(|r| r.holds(|i| self.figs[i].value as i64))
    }
}
