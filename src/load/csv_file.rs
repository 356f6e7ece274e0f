//! CSV exports: UTF-8 (with or without BOM), Windows-1252 or UTF-16, with `,`,
//! `;` or tab as the delimiter, all decided from the file itself.
//!
//! Rows are decoded one at a time: a row that is not valid UTF-8 is read as
//! Windows-1252 (byte 0x92 is ’), so a file Excel saved as "CSV (Comma
//! delimited)" works even when its first non-ASCII byte is far down the file.

use std::cell::Cell;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;

use anyhow::Result;
use csv::{ByteRecord, StringRecord};
use encoding_rs::WINDOWS_1252;
use sha2::{Digest, Sha256};

use super::sniff::{Encoding, delimiter};
use super::{Described, RowNo, Sink, feed, file_name, hex, info};
use crate::summary::InputInfo;

/// Passes bytes through while feeding them to SHA-256, so provenance costs no
/// second read of the file.
struct Hashing<'h, R> {
    inner: R,
    hasher: &'h mut Sha256,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

pub(super) fn read(
    path: &Path,
    file: impl Read,
    head: Vec<u8>,
    enc: Encoding,
    sink: &mut dyn Sink,
) -> Result<InputInfo> {
    let name = file_name(path);
    let first_line: String = match enc {
        Encoding::Utf16Le => encoding_rs::UTF_16LE.decode(&head).0.into_owned(),
        Encoding::Utf16Be => encoding_rs::UTF_16BE.decode(&head).0.into_owned(),
        _ => String::from_utf8_lossy(&head).into_owned(),
    };
    let delim = delimiter(first_line.trim_start_matches('\u{feff}'));

    let mut hasher = Sha256::new();
    let used_1252 = Cell::new(enc == Encoding::Windows1252);
    let (layout, rows, incomplete) = {
        let raw = Hashing {
            inner: Cursor::new(head).chain(BufReader::with_capacity(1 << 20, file)),
            hasher: &mut hasher,
        };
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
        let mut rec = ByteRecord::new();
        let mut first = true;
        let mut next = || -> Result<Option<(RowNo, StringRecord)>> {
            match rdr.read_byte_record(&mut rec) {
                Err(e) => Err(csv_error(path, e)),
                Ok(false) => Ok(None),
                Ok(true) => {
                    let row = rec.position().map_or(0, |p| p.record() + 1);
                    let r = decode(&rec, first, &used_1252);
                    first = false;
                    Ok(Some((row, r)))
                }
            }
        };
        let out = feed(path, &name, &mut next, sink)?;
        drop(rdr);
        // Hash what the CSV reader left unread so the digest covers the file.
        io::copy(&mut decoded, &mut io::sink())?;
        out
    };
    let encoding = if used_1252.get() {
        Encoding::Windows1252
    } else {
        enc
    };
    Ok(info(
        &name,
        hex(hasher),
        &layout,
        rows,
        incomplete,
        Described {
            container: "csv",
            encoding: Some(encoding.label().to_string()),
            delimiter: Some(delim as char),
            sheet: None,
        },
    ))
}

/// One row as text: UTF-8 when it is valid, Windows-1252 otherwise. A UTF-8
/// BOM at the start of the file is dropped.
fn decode(rec: &ByteRecord, first: bool, used_1252: &Cell<bool>) -> StringRecord {
    let mut r = match StringRecord::from_byte_record(rec.clone()) {
        Ok(r) => r,
        Err(_) => {
            used_1252.set(true);
            rec.iter()
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
