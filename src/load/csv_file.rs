//! CSV exports: UTF-8 (with or without BOM), Windows-1252 or UTF-16, with `,`,
//! `;` or tab as the delimiter, all decided from the file itself.
//!
//! Rows are decoded one at a time: a row that is not valid UTF-8 is read as
//! Windows-1252 (byte 0x92 is ’), so a file Excel saved as "CSV (Comma
//! delimited)" works even when its first non-ASCII byte is far down the file.

use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use anyhow::Result;
use csv::{ByteRecord, StringRecord};
use encoding_rs::WINDOWS_1252;

use super::digest::{Hashing, chunk_channels, hash_chunks};
use super::sniff::{Encoding, delimiter};
use super::{Described, RowNo, Rows};

/// Rows per message to the coder: few enough that a batch is still in cache
/// when the other core codes it (at 1M rows, 128 beat 64, 256, 512 and 2,048).
const BATCH: usize = 128;

type Batch = Vec<(RowNo, StringRecord)>;

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

    // Two stages on two cores: this thread's helper parses and decodes rows
    // in batches; this thread codes them. A bounded channel keeps memory flat,
    // and spent batches come back so their records' buffers are reused: a
    // record freed on another thread than the one that allocated it is what
    // made the allocator the hot spot.
    let (tx, rx) = mpsc::sync_channel::<Result<Batch>>(8);
    let (back_tx, back_rx) = mpsc::channel::<Batch>();
    let used_1252_ref = &used_1252;
    let (taken, digest) = std::thread::scope(|scope| {
        let (chunks, full, spent) = chunk_channels();
        let hasher = scope.spawn(move || hash_chunks(full, spent));
        let parser = scope.spawn(move || -> Result<()> {
            let used_1252 = used_1252_ref;
            // Hashed in megabyte chunks, as the file is read.
            let raw = BufReader::with_capacity(
                1 << 20,
                Hashing {
                    inner: Cursor::new(head).chain(file),
                    to: chunks,
                },
            );
            let mut decoded: Box<dyn Read + '_> = match enc {
                Encoding::Utf16Le | Encoding::Utf16Be => Box::new(
                    encoding_rs_io::DecodeReaderBytesBuilder::new()
                        .encoding(Some(if enc == Encoding::Utf16Le {
                            encoding_rs::UTF_16LE
                        } else {
                            encoding_rs::UTF_16BE
                        }))
                        .build(raw),
                ),
                _ => Box::new(raw),
            };
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delim)
                .from_reader(&mut decoded);
            let mut first = true;
            // Records from spent batches, ready to be read into again.
            let mut pool: Vec<StringRecord> = Vec::new();
            // New records are sized like the last row, so they do not grow
            // byte by byte.
            let (mut bytes, mut fields) = (256, 16);
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
                    let mut rec = pool.pop().map_or_else(
                        || ByteRecord::with_capacity(bytes, fields),
                        StringRecord::into_byte_record,
                    );
                    match rdr.read_byte_record(&mut rec) {
                        Err(e) => {
                            // The coder reports it; stop reading.
                            let _ = tx.send(Ok(batch));
                            let _ = tx.send(Err(csv_error(path, e)));
                            return Ok(());
                        }
                        Ok(false) => {
                            done = true;
                            break;
                        }
                        Ok(true) => {
                            (bytes, fields) = (rec.as_slice().len().max(64), rec.len().max(1));
                            let row = rec.position().map_or(0, |p| p.record() + 1);
                            batch.push((row, decode(rec, first, used_1252)));
                            first = false;
                        }
                    }
                }
                // A closed channel means the coder stopped on an error.
                if tx.send(Ok(batch)).is_err() || done {
                    break;
                }
            }
            drop(tx);
            drop(rdr);
            // Hash what the CSV reader left unread so the digest covers the
            // file.
            io::copy(&mut decoded, &mut io::sink())?;
            Ok(())
        });
        let mut received = Received {
            rx,
            back: back_tx,
            batch: Vec::new(),
            pos: 0,
        };
        let taken = take(&mut received);
        drop(received);
        let read = parser
            .join()
            .map_err(|_| anyhow::anyhow!("reading {} failed", path.display()))?;
        // The parser dropped its end of the chunks: the hasher has them all.
        let digest = hasher
            .join()
            .map_err(|_| anyhow::anyhow!("hashing {} failed", path.display()))?;
        read?;
        Ok::<_, anyhow::Error>((taken?, digest))
    })?;
    let encoding = if used_1252.load(Ordering::Relaxed) {
        Encoding::Windows1252
    } else {
        enc
    };
    let described = Described {
        container: "csv",
        encoding: Some(encoding.label().to_string()),
        delimiter: Some(delim as char),
        sheet: None,
    };
    Ok((taken, described, digest))
}

/// The coder's end of the parser's channel.
struct Received {
    rx: mpsc::Receiver<Result<Batch>>,
    back: mpsc::Sender<Batch>,
    batch: Batch,
    pos: usize,
}

impl Rows for Received {
    fn next_row(&mut self) -> Result<Option<(RowNo, &StringRecord)>> {
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
        let (row, rec) = &self.batch[self.pos];
        self.pos += 1;
        Ok(Some((*row, rec)))
    }
}

/// One row as text: UTF-8 when it is valid, Windows-1252 otherwise. A UTF-8
/// BOM at the start of the file is dropped.
fn decode(rec: ByteRecord, first: bool, used_1252: &AtomicBool) -> StringRecord {
    // Validates in place: no copy of the row when it is UTF-8, as almost all are.
    let mut r = match StringRecord::from_byte_record(rec) {
        Ok(r) => r,
        Err(e) => {
            used_1252.store(true, Ordering::Relaxed);
            e.into_byte_record()
                .iter()
                .map(|f| WINDOWS_1252.decode_without_bom_handling(f).0)
                .collect()
        }
    };
    if first && r.get(0).is_some_and(|c| c.starts_with('\u{feff}')) {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    c.trim_start_matches('\u{feff}')
                } else {
                    c
                }
                .to_string()
            })
            .collect();
        r = StringRecord::from(cells);
    }
    r
}

fn csv_error(path: &Path, e: csv::Error) -> anyhow::Error {
    let row = e.position().map(|p| p.record() + 1);
    let what = match e.kind() {
        csv::ErrorKind::Io(io) => format!("read failed: {io}"),
        _ => e.to_string(),
    };
    match row {
        Some(r) => anyhow::anyhow!("{} row {r}: {what}", path.display()),
        None => anyhow::anyhow!("{}: {what}", path.display()),
    }
}
