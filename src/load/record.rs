//! One raw row of an export: its cells as text, whatever the file format.
//!
//! A row read from a CSV keeps the line as it was in the file and points at
//! each cell inside it, so splitting a row costs one copy of the line rather
//! than one per cell (`csv::StringRecord` copies each cell: at a million rows
//! that was a third of the reading time). Cells that had to be rewritten (a
//! doubled quote, text after a closing quote) are kept after the line.

use std::ops::Index;

/// A record before it is known to be text: its bytes, and each cell's byte
/// range in them.
pub(super) type Raw = (Vec<u8>, Vec<(u32, u32)>);

/// Cells as text, each a range of one buffer.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Record {
    text: String,
    bounds: Vec<(u32, u32)>,
}

impl Record {
    pub fn new() -> Record {
        Record::default()
    }

    /// Room for `bytes` of text in `cells` cells.
    pub fn with_capacity(bytes: usize, cells: usize) -> Record {
        Record {
            text: String::with_capacity(bytes),
            bounds: Vec::with_capacity(cells),
        }
    }

    /// Empties the record but keeps its buffers, to be filled again.
    pub fn clear(&mut self) {
        self.text.clear();
        self.bounds.clear();
    }

    /// Adds a cell at the end.
    ///
    /// # Panics
    /// If the record would exceed 4 GiB of text, which no reader lets it.
    pub fn push_field(&mut self, cell: &str) {
        let start = self.text.len();
        self.text.push_str(cell);
        self.bounds.push((offset(start), offset(self.text.len())));
    }

    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let &(s, e) = self.bounds.get(i)?;
        Some(&self.text[s as usize..e as usize])
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.bounds
            .iter()
            .map(|&(s, e)| &self.text[s as usize..e as usize])
    }

    /// The bytes the record holds, for sizing the next one.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Takes the record's buffers to be filled with raw bytes and cell
    /// ranges (`csv_split`), keeping their capacity; `set_bytes` gives them
    /// back.
    pub(super) fn take_bytes(&mut self) -> Raw {
        let mut bytes = std::mem::take(&mut self.text).into_bytes();
        bytes.clear();
        let mut bounds = std::mem::take(&mut self.bounds);
        bounds.clear();
        (bytes, bounds)
    }

    /// The record from raw bytes and cell ranges, when the bytes are UTF-8.
    /// Otherwise the bytes come back, for the caller to decode another way.
    ///
    /// A range off a character boundary would make `get` panic; `csv_split`
    /// puts every boundary next to an ASCII delimiter or quote, or at an end.
    pub(super) fn set_bytes(&mut self, bytes: Vec<u8>, bounds: Vec<(u32, u32)>) -> Result<(), Raw> {
        match String::from_utf8(bytes) {
            Ok(text) => {
                self.text = text;
                self.bounds = bounds;
                Ok(())
            }
            Err(e) => Err((e.into_bytes(), bounds)),
        }
    }
}

/// A byte offset inside a record, which no reader lets reach 4 GiB.
fn offset(at: usize) -> u32 {
    u32::try_from(at).expect("a record holds less than 4 GiB")
}

impl Index<usize> for Record {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        self.get(i).expect("cell index within the record")
    }
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> FromIterator<&'a str> for Record {
    fn from_iter<I: IntoIterator<Item = &'a str>>(cells: I) -> Record {
        let mut r = Record::new();
        for c in cells {
            r.push_field(c);
        }
        r
    }
}

impl<S: AsRef<str>> From<Vec<S>> for Record {
    fn from(cells: Vec<S>) -> Record {
        cells.iter().map(AsRef::as_ref).collect()
    }
}
