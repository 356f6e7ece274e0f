//! Certificates from moving people between groups hidden whole.
//!
//! Every figure of a group hidden whole is hidden, and every figure of All
//! counts everyone whatever their group. So if some of one hidden group's
//! members had been in another hidden group, every shown figure would read
//! the same: that dataset is one a reader cannot rule out. Its figures are a
//! whole-number assignment that satisfies every relation (it is a real count
//! of possible data), found without a solver, and one move changes dozens of
//! hidden figures at once. A survey grouped by 93 countries has thousands of
//! hidden figures in its small countries; the solver would need a programme
//! for each.
//!
//! The moves only propose assignments: the audit checks each exactly against
//! every relation and every rule before it counts, as it does the solver's.

use super::figures::{Figures, Microdata};

/// The people in groups hidden whole, and where they can be moved.
pub struct Moves {
    /// Columns whose every figure is hidden (groups hidden whole).
    hidden: Vec<usize>,
    /// `members[h]`: people (indices into `Microdata::people`) in `hidden[h]`.
    members: Vec<Vec<usize>>,
    /// Per person: the layout positions they add one to, sorted.
    positions: Vec<Vec<usize>>,
    /// The most a hidden group can hold by the rules (None: no cap).
    cap: Option<u64>,
}

/// A dataset proposed by moving people: figure → its value there, for the
/// figures that differ from the truth.
pub type Moved = Vec<(usize, i64)>;

impl Moves {
    /// None when fewer than two groups are hidden whole (nobody to move), or
    /// when the figures carry no microdata.
    pub fn new(f: &Figures) -> Option<Moves> {
        let m = f.micro.as_ref()?;
        let all = m.layout.len() - 1;
        let hidden: Vec<usize> = (0..all)
            .filter(|&j| m.layout[j].iter().all(|&i| f.figs[i].hidden))
            .collect();
        if hidden.len() < 2 {
            return None;
        }
        let mut members = vec![Vec::new(); hidden.len()];
        let mut positions = vec![Vec::new(); m.people.len()];
        for (p, (j, figs)) in m.people.iter().enumerate() {
            if let Some(h) = hidden.iter().position(|c| c == j) {
                members[h].push(p);
                let mut pos: Vec<usize> = figs.iter().map(|&i| m.position[i]).collect();
                pos.sort_unstable();
                positions[p] = pos;
            }
        }
        let cap = hidden
            .iter()
            .filter_map(|&j| m.layout[j].iter().find_map(|&i| f.figs[i].rule_cap))
            .min();
        Some(Moves {
            hidden,
            members,
            positions,
            cap,
        })
    }

    /// Is figure `x` in a group hidden whole?
    pub fn covers(&self, f: &Figures, x: usize) -> bool {
        self.hidden.contains(&f.figs[x].column)
    }

    fn has(&self, p: usize, pos: usize) -> bool {
        self.positions[p].binary_search(&pos).is_ok()
    }

    /// A dataset in which figure `x` is `steps` higher (`up`) or lower,
    /// or as near as the people in hidden groups allow: people with the
    /// answer `x` counts are moved into its group (or out of it), each
    /// swapped with someone without it where there is one, so that group
    /// sizes stay within the rules.
    pub fn towards(&self, f: &Figures, x: usize, up: bool, steps: u64) -> Option<Moved> {
        let m = f.micro.as_ref()?;
        let home = self.hidden.iter().position(|&j| j == f.figs[x].column)?;
        let pos = m.position[x];
        let mut size: Vec<i64> = self.members.iter().map(|v| v.len() as i64).collect();
        let cap = self.cap.map_or(i64::MAX, |c| c as i64);
        // Pushing up brings in people with the answer and sends home
        // members without it the other way; pushing down sends out home
        // members with it and brings in people without it.
        let movers: Vec<usize> = self.members[home]
            .iter()
            .copied()
            .filter(|&p| self.has(p, pos) != up)
            .collect();
        let outsiders: Vec<(usize, usize)> = self
            .members
            .iter()
            .enumerate()
            .filter(|&(h, _)| h != home)
            .flat_map(|(h, ms)| ms.iter().map(move |&p| (p, h)))
            .filter(|&(p, _)| self.has(p, pos) == up)
            .collect();
        // (person, from, to), as indices into `hidden`.
        let mut trips: Vec<(usize, usize, usize)> = Vec::new();
        let mut done = 0u64;
        if up {
            let mut out = movers.into_iter();
            for (p, h) in outsiders {
                if done == steps {
                    break;
                }
                if let Some(q) = out.next() {
                    trips.push((q, home, h));
                } else if size[home] < cap && size[h] > 1 {
                    size[home] += 1;
                    size[h] -= 1;
                } else {
                    continue;
                }
                trips.push((p, h, home));
                done += 1;
            }
        } else {
            let mut swap_in = outsiders.into_iter();
            for p in movers {
                if done == steps {
                    break;
                }
                let to = if let Some((q, h)) = swap_in.next() {
                    trips.push((q, h, home));
                    h
                } else if let Some(h) =
                    (0..self.hidden.len()).find(|&h| h != home && size[h] < cap && size[home] > 1)
                {
                    size[home] -= 1;
                    size[h] += 1;
                    h
                } else {
                    break;
                };
                trips.push((p, home, to));
                done += 1;
            }
        }
        (done > 0).then(|| self.apply(f, m, &trips))
    }

    /// The figures that change when each person makes their trip.
    fn apply(&self, f: &Figures, m: &Microdata, trips: &[(usize, usize, usize)]) -> Moved {
        let mut delta: std::collections::HashMap<usize, i64> = Default::default();
        for &(p, from, to) in trips {
            let (from, to) = (self.hidden[from], self.hidden[to]);
            for &pos in &self.positions[p] {
                *delta.entry(m.layout[from][pos]).or_default() -= 1;
                *delta.entry(m.layout[to][pos]).or_default() += 1;
            }
        }
        let mut moved: Moved = delta
            .into_iter()
            .filter(|&(_, d)| d != 0)
            .map(|(i, d)| (i, f.figs[i].value as i64 + d))
            .collect();
        moved.sort_unstable();
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::disclosure::audit::{Audit, required_width};
    use crate::analysis::disclosure::figures::Role;

    /// Groups A and B (hidden whole) and C, one question with two answers:
    /// each person is a list of answers (0 or 1). Returns the figures and
    /// `cells[o][j]`.
    fn survey(groups: &[&[usize]]) -> (Figures, Vec<Vec<usize>>) {
        let mut f = Figures::default();
        let k = groups.len() + 1;
        let count = |j: usize, o: Option<usize>| -> u64 {
            let people: Vec<usize> = if j == k - 1 {
                groups.iter().flat_map(|g| g.iter().copied()).collect()
            } else {
                groups[j].to_vec()
            };
            people.iter().filter(|&&a| o.is_none_or(|o| a == o)).count() as u64
        };
        let resp: Vec<usize> = (0..k)
            .map(|j| f.push(count(j, None), Role::Responses, j))
            .collect();
        let base: Vec<usize> = (0..k)
            .map(|j| f.push(count(j, None), Role::Base, j))
            .collect();
        let cells: Vec<Vec<usize>> = (0..2)
            .map(|o| {
                (0..k)
                    .map(|j| f.push(count(j, Some(o)), Role::Cell, j))
                    .collect()
            })
            .collect();
        for &r in &resp {
            f.figs[r].floor = 1;
        }
        f.sum(resp[k - 1], &resp[..k - 1]);
        f.sum(base[k - 1], &base[..k - 1]);
        for j in 0..k {
            f.at_most(base[j], resp[j]);
            f.sum(base[j], &[cells[0][j], cells[1][j]]);
        }
        for row in &cells {
            f.sum(row[k - 1], &row[..k - 1]);
        }
        let (layout, position) = Microdata::layout(&f).expect("same shape");
        let people = groups
            .iter()
            .enumerate()
            .flat_map(|(j, g)| {
                let (resp, base, cells) = (&resp, &base, &cells);
                g.iter()
                    .map(move |&a| (j, vec![resp[j], base[j], cells[a][j]]))
            })
            .collect();
        f.micro = Some(Microdata {
            layout,
            position,
            people,
        });
        (f, cells)
    }

    #[test]
    fn moving_people_between_hidden_groups_certifies_without_a_solver() {
        let (mut f, cells) = survey(&[&[0, 1], &[1, 1, 0], &[0, 0, 0, 0, 0, 0]]);
        assert!(f.micro.as_ref().unwrap().fits(&f));
        for i in 0..f.figs.len() {
            if f.figs[i].column < 2 {
                f.hide(i);
                if f.figs[i].role == Role::Responses {
                    f.figs[i].rule_cap = Some(4);
                }
            }
        }
        let x = cells[0][0];
        let need = required_width(&f, x, 5);
        assert_eq!(
            need, 2,
            "a count of 1 in a base of 2 ranges over 0..2 at most"
        );
        let mut audit = Audit::new(&f);
        assert!(audit.check(&f, x, need));
        assert_eq!(audit.solves, 0, "the moves alone certify it");
        assert_eq!((audit.lo[x], audit.hi[x]), (0, 2));
    }

    #[test]
    fn people_who_do_not_add_up_are_not_trusted() {
        let (mut f, _) = survey(&[&[0, 1], &[1], &[0, 0, 0, 0, 0]]);
        f.micro.as_mut().unwrap().people.pop();
        assert!(!f.micro.as_ref().unwrap().fits(&f));
    }
}
