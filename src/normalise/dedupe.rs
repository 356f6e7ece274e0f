//! Last-wins deduplication by response id: a respondent who submits twice,
//! or a file exported twice into one run, counts once, with the latest answers.

use foldhash::{HashMap, HashMapExt};

/// Where each response id was put.
pub(super) struct Ids {
    /// Numeric ids (as every platform but Google Forms writes) are kept as
    /// numbers: a million ids as strings cost a million allocations.
    /// Exports list them in increasing order, so those are kept in order
    /// (`rising`, with their rows in `rising_rows`), where a new one is a
    /// push and an old one a binary search: hashing a million ids was an
    /// eighth of the time to read a million-row export. Ids that arrive out
    /// of order go to `numbers`; all of them are below the last rising id.
    rising: Vec<u64>,
    rising_rows: Vec<usize>,
    numbers: HashMap<u64, usize>,
    text: HashMap<String, usize>,
    /// Rows that replaced an earlier one.
    pub(super) removed: u64,
}

impl Ids {
    pub(super) fn new() -> Ids {
        Ids {
            rising: Vec::new(),
            rising_rows: Vec::new(),
            numbers: HashMap::new(),
            text: HashMap::new(),
            removed: 0,
        }
    }

    /// The row index for a response with this id: `next` (a new row), or the
    /// row of the earlier response with the same id, which this one replaces.
    pub(super) fn place(&mut self, id: &str, next: usize) -> usize {
        let earlier = match canonical_number(id) {
            Some(n) => self.number(n, next),
            None => match self.text.get(id) {
                Some(&idx) => idx,
                None => {
                    self.text.insert(id.to_string(), next);
                    next
                }
            },
        };
        if earlier != next {
            self.removed += 1;
        }
        earlier
    }

    /// `place` for an id as a later part of the file kept it.
    pub(super) fn place_key(&mut self, key: Key, next: usize) -> usize {
        let earlier = match key {
            Key::Number(n) => self.number(n, next),
            Key::Text(t) => *self.text.entry(t).or_insert(next),
        };
        if earlier != next {
            self.removed += 1;
        }
        earlier
    }

    /// Takes in the ids of a later part of the file, whose rows are appended
    /// from row `base`, when none of them was seen here: then each is a new
    /// row. Gives the part back otherwise. (Numeric ids in increasing order,
    /// the usual case, are told apart by the first and last alone.)
    pub(super) fn append(&mut self, part: Ids, base: usize) -> Option<Ids> {
        let plain = part.numbers.is_empty() && part.text.is_empty();
        let after = match (self.rising.last(), part.rising.first()) {
            (Some(last), Some(first)) => first > last,
            _ => true,
        };
        if !(plain && after && self.numbers.is_empty()) {
            return Some(part);
        }
        self.rising.extend(part.rising);
        self.rising_rows
            .extend(part.rising_rows.into_iter().map(|r| r + base));
        self.removed += part.removed;
        None
    }

    /// Each of `rows` rows' id (none for a row without one), and how many
    /// rows replaced an earlier one.
    pub(super) fn into_keys(self, rows: usize) -> (Vec<Option<Key>>, u64) {
        let mut keys: Vec<Option<Key>> = (0..rows).map(|_| None).collect();
        for (&n, &row) in self.rising.iter().zip(&self.rising_rows) {
            keys[row] = Some(Key::Number(n));
        }
        for (n, row) in self.numbers {
            keys[row] = Some(Key::Number(n));
        }
        for (t, row) in self.text {
            keys[row] = Some(Key::Text(t));
        }
        (keys, self.removed)
    }
}

/// A response id as kept: a number, or text.
pub(super) enum Key {
    Number(u64),
    Text(String),
}

impl Ids {
    fn number(&mut self, n: u64, next: usize) -> usize {
        if self.rising.last().is_none_or(|&last| n > last) {
            self.rising.push(n);
            self.rising_rows.push(next);
            return next;
        }
        match self.rising.binary_search(&n) {
            Ok(k) => self.rising_rows[k],
            Err(_) => *self.numbers.entry(n).or_insert(next),
        }
    }
}

/// The number an id is, when it is written the one way that number is
/// written: "0042" and "42" are different ids, so a leading zero is text.
fn canonical_number(id: &str) -> Option<u64> {
    let b = id.as_bytes();
    let plain = (1..=19).contains(&b.len())
        && b.iter().all(u8::is_ascii_digit)
        && (b[0] != b'0' || b.len() == 1);
    if plain { id.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids in order, out of order, repeated from either kind, and text:
    /// each repeat goes back to its first row.
    #[test]
    fn repeated_ids_find_their_first_row_in_any_order() {
        let mut ids = Ids::new();
        let mut next = 0;
        let mut rows = Vec::new();
        for id in [
            "5", "9", "3", "12", "9", "3", "7", "R_a", "12", "7", "R_a", "5", "4",
        ] {
            let row = ids.place(id, next);
            if row == next {
                next += 1;
            }
            rows.push(row);
        }
        assert_eq!(rows, [0, 1, 2, 3, 1, 2, 4, 5, 3, 4, 5, 0, 6]);
        assert_eq!(ids.removed, 6);
    }

    #[test]
    fn numbers_are_ids_only_when_written_plainly() {
        assert_eq!(canonical_number("0"), Some(0));
        assert_eq!(canonical_number("42"), Some(42));
        assert_eq!(canonical_number("0042"), None);
        assert_eq!(canonical_number("4 2"), None);
        assert_eq!(canonical_number("-42"), None);
        assert_eq!(canonical_number("+42"), None);
        assert_eq!(canonical_number("R_3kZ"), None);
        assert_eq!(canonical_number("18446744073709551615"), None);
        assert_eq!(
            canonical_number("9999999999999999999"),
            Some(9999999999999999999)
        );
    }
}
