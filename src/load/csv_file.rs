//! CSV exports: UTF-8 (with or without BOM), Windows-1252 or UTF-16, with `,`,
//! `;` or tab as the delimiter, all decided from the file itself.
//!
//! Rows are decoded one at a time: a row that is not valid UTF-8 is read as
//! Windows-1252 (byte 0x92 is ’), so a file Excel saved as "CSV (Comma
//! delimited)" works even when its first non-ASCII byte is far down the file.

use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use anyhow::Result;
use encoding_rs::WINDOWS_1252;

use super::csv_split::Splitter;
use super::digest::Hashing;
use super::record::Raw;
use super::sniff::{Encoding, delimiter};
use super::{Described, Record, RowNo, Rows};

/// Rows per message to the coder: few enough that a batch is still in cache
/// when the other core codes it (at 1M rows, 128 beat 64, 256, 512 and 2,048).
const BATCH: usize = 128;

type Batch = Vec<(RowNo, Raw)>;

/// Reads a CSV and lends its rows to `take`, which consumes them all (or
/// stops on an error). Returns what `take` returned, what the file is, and
/// its SHA-256.
pub(super) fn read<T>(
    path: &Path,
    file: impl Read + Send,
    head: Vec<u8>,
    enc: Encoding,
    take: impl FnOnce(&mut dyn Rows) -> Result<T>,
) -> Result<(T, Described, String)> {
    let first_line: String = match enc {
        Encoding::Utf16Le => encoding_rs::UTF_16LE.decode(&head).0.into_owned(),
        Encoding::Utf16Be => encoding_rs::UTF_16BE.decode(&head).0.into_owned(),
        _ => String::from_utf8_lossy(&head).into_owned(),
    };
    let delim = delimiter(first_line.trim_start_matches('\u{feff}'));
    let used_1252 = AtomicBool::new(enc == Encoding::Windows1252);

    // Two stages on two cores: this thread's helper reads, hashes and splits
    // rows in batches; this thread decodes and codes them. A bounded channel
    // keeps memory flat, and spent batches come back so their rows' buffers
    // are reused: a buffer freed on another thread than the one that
    // allocated it is what made the allocator the hot spot.
    let (tx, rx) = mpsc::sync_channel::<Result<Batch>>(8);
    let (back_tx, back_rx) = mpsc::channel::<Batch>();
    let (taken, digest) = std::thread::scope(|scope| {
        let parser = scope.spawn(move || -> Result<String> {
            // Hashed as it is read. No BufReader: the splitter reads in
            // megabytes into its own buffer, and a second buffer was a copy.
            let mut raw = Hashing::new(Cursor::new(head).chain(file));
            let mut decoded: Box<dyn Read + '_> = match enc {
                Encoding::Utf16Le | Encoding::Utf16Be => Box::new(
                    encoding_rs_io::DecodeReaderBytesBuilder::new()
                        .encoding(Some(if enc == Encoding::Utf16Le {
                            encoding_rs::UTF_16LE
                        } else {
                            encoding_rs::UTF_16BE
                        }))
                        .build(&mut raw),
                ),
                _ => Box::new(&mut raw),
            };
            let mut rows = Splitter::new(&mut decoded, delim, 1 << 20);
            // Buffers from spent batches, ready to be read into again.
            let mut pool: Vec<Raw> = Vec::new();
            loop {
                let mut batch = match back_rx.try_recv() {
                    Ok(mut spent) => {
                        pool.extend(spent.drain(..).map(|(_, r)| r));
                        spent
                    }
                    Err(_) => Vec::with_capacity(BATCH),
                };
                let mut done = false;
                while batch.len() < BATCH {
                    let (mut bytes, mut bounds) = pool.pop().unwrap_or_default();
                    match rows.next_into(&mut bytes, &mut bounds) {
                        Err(e) => {
                            // The coder reports it; stop reading.
                            let row = rows.records() + 1;
                            let _ = tx.send(Ok(batch));
                            let _ = tx.send(Err(anyhow::anyhow!(
                                "{} row {row}: read failed: {e}",
                                path.display()
                            )));
                            return Ok(String::new());
                        }
                        Ok(None) => {
                            done = true;
                            break;
                        }
                        Ok(Some(row)) => batch.push((row, (bytes, bounds))),
                    }
                }
                // A closed channel means the coder stopped on an error.
                if tx.send(Ok(batch)).is_err() || done {
                    break;
                }
            }
            // The splitter read to the end, or the coder stopped on an
            // error and the digest goes unused: either way nothing is left
            // to hash.
            drop(tx);
            drop(rows);
            drop(decoded);
            Ok(raw.digest())
        });
        let mut received = Received {
            rx,
            back: back_tx,
            batch: Vec::new(),
            pos: 0,
            row: Record::new(),
            used_1252: &used_1252,
        };
        let taken = take(&mut received);
        drop(received);
        let digest = parser
            .join()
            .map_err(|_| anyhow::anyhow!("reading {} failed", path.display()))??;
        Ok::<_, anyhow::Error>((taken?, digest))
    })?;
    Ok((taken, described(enc, &used_1252, delim), digest))
}

/// What a CSV is: its encoding is Windows-1252 when any row needed it.
pub(super) fn described(enc: Encoding, used_1252: &AtomicBool, delim: u8) -> Described {
    let encoding = if used_1252.load(Ordering::Relaxed) {
        Encoding::Windows1252
    } else {
        enc
    };
    Described {
        container: "csv",
        encoding: Some(encoding.label().to_string()),
        delimiter: Some(delim as char),
        sheet: None,
    }
}

/// The coder's end of the parser's channel.
/// Rows are decoded here rather than by the reader: reading and hashing
/// keep the reader the busier of the two threads.
struct Received<'a> {
    rx: mpsc::Receiver<Result<Batch>>,
    back: mpsc::Sender<Batch>,
    batch: Batch,
    pos: usize,
    /// The row lent out; its buffers go back to the batch on the next call.
    row: Record,
    used_1252: &'a AtomicBool,
}

impl Rows for Received<'_> {
    fn next_row(&mut self) -> Result<Option<(RowNo, &Record)>> {
        if self.pos > 0 {
            self.batch[self.pos - 1].1 = self.row.take_bytes();
        }
        while self.pos == self.batch.len() {
            match self.rx.recv() {
                Ok(Ok(batch)) => {
                    let spent = std::mem::replace(&mut self.batch, batch);
                    // The parser may have finished; then the batch is dropped.
                    let _ = self.back.send(spent);
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(None),
            }
        }
        let (row, raw) = &mut self.batch[self.pos];
        let (bytes, bounds) = std::mem::take(raw);
        let row = *row;
        self.pos += 1;
        decode(&mut self.row, bytes, bounds, row == 1, self.used_1252);
        Ok(Some((row, &self.row)))
    }
}

/// One row as text: UTF-8 when it is valid, Windows-1252 otherwise. A UTF-8
/// BOM at the start of the file is dropped.
pub(super) fn decode(
    rec: &mut Record,
    bytes: Vec<u8>,
    bounds: Vec<(u32, u32)>,
    first: bool,
    used_1252: &AtomicBool,
) {
    // Validates in place: no copy of the row when it is UTF-8, as almost all are.
    if let Err((bytes, bounds)) = rec.set_bytes(bytes, bounds) {
        used_1252.store(true, Ordering::Relaxed);
        *rec = bounds
            .iter()
            .map(|&(s, e)| {
                WINDOWS_1252
                    .decode_without_bom_handling(&bytes[s as usize..e as usize])
                    .0
            })
            .collect::<Vec<_>>()
            .into();
    }
    if first && rec.get(0).is_some_and(|c| c.starts_with('\u{feff}')) {
        *rec = rec
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    c.trim_start_matches('\u{feff}')
                } else {
                    c
                }
            })
            .collect();
    }
}
