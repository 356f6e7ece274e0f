//! Reading export files into header text plus rows of raw text cells.
//!
//! Rows are streamed to a callback rather than collected, so that a large
//! export never exists twice in memory: the normaliser codes each row as it
//! arrives. The file is hashed on the same pass, so provenance (sha256) costs no
//! second read. File formats stay inside this module.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::summary::InputInfo;

/// Where a row came from, for error messages: the row number a spreadsheet
/// shows (the header is row 1), which differs from the line number when a
/// quoted cell holds a line break.
pub type RowNo = u64;

/// What the loader found out about a file before its rows.
#[derive(Debug, Clone)]
pub struct Header {
    pub file: String,
    pub columns: Vec<String>,
}

/// Receives a file as it is read: its header once, then each non-blank row.
pub trait Sink {
    fn header(&mut self, header: &Header) -> Result<()>;
    fn row(&mut self, row: RowNo, record: &csv::StringRecord) -> Result<()>;
}

/// Reads one export into `sink` and returns the file's provenance.
pub fn read(path: &Path, sink: &mut dyn Sink) -> Result<InputInfo> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        bail!(
            "{} is a folder, expected a survey export file (.csv)",
            path.display()
        );
    }
    if meta.len() == 0 {
        bail!(
            "{} is empty (0 bytes): expected a survey export with a header row and one row per response",
            path.display()
        );
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hashing = HashingReader::new(BufReader::with_capacity(1 << 20, file));

    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&mut hashing);
    let mut records = rdr.records();
    let header_record = match records.next() {
        None => bail!("{} has no header row", path.display()),
        Some(r) => r.map_err(|e| csv_error(path, e))?,
    };
    let columns: Vec<String> = header_record
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim().to_string()
        })
        .collect();
    sink.header(&Header {
        file: name.clone(),
        columns: columns.clone(),
    })?;

    let mut rows = 0u64;
    for rec in records {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.record() + 1);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.len() != columns.len() {
            bail!(
                "{} row {line}: expected {} fields (as in the header), found {}. Is this row cut short or does it have an unquoted comma?",
                path.display(),
                columns.len(),
                rec.len()
            );
        }
        rows += 1;
        sink.row(line, &rec)?;
    }
    drop(rdr);
    if rows == 0 {
        bail!(
            "{} has a header row but no responses: expected at least one data row",
            path.display()
        );
    }
    // Hash anything the CSV reader left unread so the digest covers the file.
    io::copy(&mut hashing, &mut io::sink())?;
    Ok(InputInfo {
        file: name,
        sha256: hashing.hex_digest(),
        rows,
        format: "csv".into(),
    })
}

fn csv_error(path: &Path, e: csv::Error) -> anyhow::Error {
    let line = e.position().map(|p| p.record() + 1);
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "text is not valid UTF-8; save the file from Excel as \"CSV UTF-8\"".to_string()
        }
        _ => e.to_string(),
    };
    match line {
        Some(l) => anyhow::anyhow!("{} row {l}: {what}", path.display()),
        None => anyhow::anyhow!("{}: {what}", path.display()),
    }
}

/// Passes bytes through while feeding them to SHA-256.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> HashingReader<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
        }
    }

    fn hex_digest(self) -> String {
        self.hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}
