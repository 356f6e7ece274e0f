//! Last-wins deduplication by response id: a respondent who submits twice,
//! or a file exported twice into one run, counts once, with the latest answers.

use foldhash::{HashMap, HashMapExt};

/// Where each response id was put.
pub(super) struct Ids {
    /// Numeric ids (as every platform but Google Forms writes) are kept as
    /// numbers: a million ids as strings cost a million allocations.
    numbers: HashMap<u64, usize>,
    text: HashMap<String, usize>,
    /// Rows that replaced an earlier one.
    pub(super) removed: u64,
}

impl Ids {
    pub(super) fn new() -> Ids {
        Ids {
            numbers: HashMap::new(),
            text: HashMap::new(),
            removed: 0,
        }
    }

    /// The row index for a response with this id: `next` (a new row), or the
    /// row of the earlier response with the same id, which this one replaces.
    pub(super) fn place(&mut self, id: &str, next: usize) -> usize {
        let earlier = match canonical_number(id) {
            Some(n) => *self.numbers.entry(n).or_insert(next),
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
