//! Disclosure control: which published numbers to hide so that no reader,
//! holding every output of a report and the rules in the README, can narrow
//! a hidden number down too far (docs/disclosure.md states the guarantee).
//!
//! - `figures`: every published number and the relations between them;
//! - `tables`: the report's tables built as figures, and the primary
//!   suppression of small figures and small groups;
//! - `audit`: the attacker's question, answered with an integer programme;
//! - `suppress`: hiding the cheapest partners until the audit passes.

pub mod audit;
pub mod figures;
pub mod moves;
pub mod suppress;
pub mod tables;

/// The publication rules for one report.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Counts from 1 to `min_cell - 1` are hidden; 0 or 1 turns this off.
    pub min_cell: u32,
    /// Publish counts rounded to the nearest `round`; percentages and
    /// intervals are then worked out from the rounded counts.
    pub round: Option<u32>,
    /// Redacted free-text quotes per open question (0: none).
    pub quotes: usize,
}

impl Policy {
    /// The policy the command line asks for. `--min-cell` is checked here
    /// rather than by clap so that a negative or huge value is a plain error
    /// (exit 1) that says what is allowed, not a usage error; every command
    /// that analyses builds its policy here, so they all check it one way.
    pub fn new(min_cell: i64, round: Option<u32>, quotes: usize) -> anyhow::Result<Policy> {
        let min_cell = match u32::try_from(min_cell) {
            Ok(v) if v <= 1000 => v,
            _ => anyhow::bail!(
                "--min-cell: expected a whole number from 0 to 1000 (5 is usual; 0 or 1 turns suppression off), found {min_cell}"
            ),
        };
        Ok(Policy {
            min_cell,
            round,
            quotes,
        })
    }

    pub fn small(&self, n: u64) -> bool {
        self.min_cell > 1 && n >= 1 && n < u64::from(self.min_cell)
    }

    pub fn suppressing(&self) -> bool {
        self.min_cell > 1
    }

    /// Rounding to apply, if any (1 is no rounding).
    pub fn rounding(&self) -> Option<u64> {
        self.round.filter(|r| *r > 1).map(u64::from)
    }

    /// A count as published: rounded to the nearest `round`, halves up.
    pub fn publish(&self, n: u64) -> u64 {
        match self.rounding() {
            Some(r) => (n + r / 2) / r * r,
            None => n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_number_rule() {
        let p = |min_cell| Policy {
            min_cell,
            round: None,
            quotes: 0,
        };
        assert!(!p(5).small(0));
        assert!(p(5).small(1));
        assert!(p(5).small(4));
        assert!(!p(5).small(5));
        assert!(!p(0).small(1));
        assert!(!p(1).small(1));
        assert!(p(2).small(1));
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
        assert_eq!(Policy { round: None, ..p }.publish(13), 13);
    }
}
