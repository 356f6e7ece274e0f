//! Reading export files into one logical table: a header per question and rows
//! of raw text cells, handed to a [`Sink`] as they are read.
//!
//! Rows are streamed rather than collected, so a large export never exists
//! twice in memory: the normaliser codes each row as it arrives. File formats,
//! encodings and platform shapes stay inside this module.

mod csv_file;
mod csv_split;
mod digest;
pub mod layout;
mod parallel;
mod record;
pub mod sniff;
mod xlsx;

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::progress::Progress;
use crate::summary::InputInfo;
use crate::text::column_name;
use digest::sha256_of;
use layout::Layout;
pub use layout::SAMPLE_ROWS;
pub use record::Record;
use sniff::{Encoding, HEAD_LEN, Kind, sniff};

/// A row number as a spreadsheet shows it (the first row is 1). It differs
/// from the line number when a quoted cell holds a line break.
pub type RowNo = u64;

/// The logical header of one file, as the normaliser needs it.
#[derive(Debug, Clone)]
pub struct Header {
    pub file: String,
    pub columns: Vec<String>,
    /// Another name per column where the platform has one (Qualtrics field ids).
    pub alt: Vec<Option<String>>,
}

/// Receives a file as it is read: its header once, then each response row.
pub trait Sink {
    fn header(&mut self, header: &Header) -> Result<()>;
    fn row(&mut self, row: RowNo, record: &Record) -> Result<()>;
}

/// A sink that can take a later part of a file on another thread: a fork
/// starts with the same header and nothing else, takes that part's rows,
/// and is absorbed as if its rows had followed the sink's own. Row numbers
/// a fork is given count from the start of its part, so a forking sink must
/// not keep them (every message that names a row comes from `load`).
pub trait Forking: Sink + Send + Sized {
    fn fork(&self) -> Self;
    fn absorb(&mut self, part: Self);
    /// About how many rows the whole file has, so that room for the fork's
    /// rows is made before the sink's own are written, not copied after.
    fn expect(&mut self, _rows: usize) {}
}

/// CSV files from this size up are read in two parts on two cores (see
/// `parallel`).
const SPLIT_FROM: u64 = 16 << 20;

/// The share of a split file the first part takes: its thread also hashes
/// the whole file, so it codes less.
const SPLIT_SHARE: f64 = 0.3;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Worksheet of an .xlsx to read; default the first with a header row.
    pub sheet: Option<String>,
    /// Told how many bytes have been read, for long runs.
    pub progress: Progress,
    /// Header rows the user says the files have (`--header-rows`), when the
    /// layout cannot be told from the file.
    pub header_rows: Option<usize>,
    /// For tests: split every CSV near this offset (see [`read_split`]),
    /// whatever its size.
    pub split_at: Option<u64>,
}

/// Rows read but left out of the analysis, by reason.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    unfinished: u64,
    screened: u64,
}

/// A source of raw rows that lends each row until the next call, so a
/// format can reuse its buffers instead of allocating a record per row.
trait Rows {
    /// The next raw row, or `Ok(None)` at the end.
    fn next_row(&mut self) -> Result<Option<(RowNo, &Record)>>;

    /// What to suggest when a row is wider than the header.
    fn too_wide_hint(&self) -> &'static str {
        "Is the row cut short, or does a cell hold an unquoted delimiter?"
    }

    /// The spreadsheet column of a row's first cell, once known: lets a
    /// message name a cell's column as the user sees it ("column XFD").
    fn first_column(&self) -> Option<u32> {
        None
    }
}

/// What a source says about itself, for provenance and `inspect`.
struct Described {
    container: &'static str,
    encoding: Option<String>,
    delimiter: Option<char>,
    sheet: Option<String>,
}

/// Reads one export into `sink` and returns the file's provenance.
pub fn read(path: &Path, opts: &Options, sink: &mut dyn Sink) -> Result<InputInfo> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        bail!(
            "{} is a folder, expected a survey export file (.xlsx or .csv)",
            path.display()
        );
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    opts.progress.reading(&file_name(path));
    // The file is hashed as it is read (a second read for the digest cost a
    // fifth of the CPU time at ten million rows).
    read_from(path, file, opts, sink)
}

/// [`read`], on two cores for a large CSV, into a sink that can fork. The
/// result is the same in every figure, message and row number; only the
/// time differs.
pub fn read_split<S: Forking>(path: &Path, opts: &Options, sink: &mut S) -> Result<InputInfo> {
    let size = std::fs::metadata(path).map_or(0, |m| if m.is_file() { m.len() } else { 0 });
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let at = opts
        .split_at
        .or((size >= SPLIT_FROM && cores >= 2).then_some((size as f64 * SPLIT_SHARE) as u64));
    let Some(start) = at.and_then(|at| parallel::boundary(path, at).ok().flatten()) else {
        return read(path, opts, sink);
    };
    let Ok(mut file) = File::open(path) else {
        return read(path, opts, sink);
    };
    let Ok(head) = read_head(&mut file) else {
        return read(path, opts, sink);
    };
    let enc = match sniff(&head) {
        Ok(Kind::Text(enc @ (Encoding::Utf8 | Encoding::Utf8Bom | Encoding::Windows1252))) => enc,
        _ => return read(path, opts, sink),
    };
    let name = file_name(path);
    opts.progress.reading(&name);
    let counted = Counted::after(file, &head, &opts.progress);
    let ((layout, rows, left), described, sha256) = parallel::read(
        path,
        &name,
        counted,
        head,
        enc,
        (start, size),
        opts.header_rows,
        sink,
    )?;
    Ok(info(&name, sha256, &layout, rows, left, described))
}

/// Reads an export from any seekable source; `path` only names it in
/// messages. Only the first bytes are read before the kind of file is known,
/// so a video or an archive is refused without reading it all.
pub fn read_from<R: Read + Seek + Send>(
    path: &Path,
    src: R,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<InputInfo> {
    read_source(path, src, opts, sink)
}

fn read_source<R: Read + Seek + Send>(
    path: &Path,
    mut src: R,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<InputInfo> {
    let head = read_head(&mut src).with_context(|| format!("cannot read {}", path.display()))?;
    if head.is_empty() {
        bail!(
            "{} is empty (0 bytes): expected a survey export with a header row and one row per response",
            path.display()
        );
    }
    let name = file_name(path);
    let take = |rows: &mut dyn Rows| feed(path, &name, rows, sink, opts.header_rows);
    let kind = sniff(&head).map_err(|what| anyhow::anyhow!("{} is {what}", path.display()))?;
    let ((layout, rows, left), described, sha256) = match kind {
        Kind::Zip => {
            src.seek(SeekFrom::Start(0))?;
            let sha256 = sha256_of(&mut src)?;
            src.seek(SeekFrom::Start(0))?;
            let size = src.seek(SeekFrom::End(0))?;
            src.seek(SeekFrom::Start(0))?;
            let (fed, described) = xlsx::read(path, src, opts.sheet.as_deref(), take)?;
            // How far into the compressed sheet a row lies is unknown: the
            // workbook counts as read when its last row is.
            opts.progress.advance(size);
            (fed, described, sha256)
        }
        Kind::Text(enc) => {
            let counted = Counted::after(src, &head, &opts.progress);
            let (fed, described, digest) = csv_file::read(path, counted, head, enc, take)?;
            (fed, described, digest)
        }
    };
    Ok(info(&name, sha256, &layout, rows, left, described))
}

/// Tells the progress bar about every read. Reads are about a megabyte each,
/// so this costs nothing measurable.
struct Counted<R> {
    inner: R,
    progress: Progress,
}

impl<R> Counted<R> {
    /// The rest of a file whose first bytes, `head`, were read already.
    fn after(inner: R, head: &[u8], progress: &Progress) -> Counted<R> {
        progress.advance(head.len() as u64);
        Counted {
            inner,
            progress: progress.clone(),
        }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

fn read_head(src: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD_LEN);
    src.take(HEAD_LEN as u64).read_to_end(&mut head)?;
    Ok(head)
}

fn is_blank(r: &Record) -> bool {
    // Almost every row's first cell has text, which ends the search.
    r.iter().all(|c| c.trim().is_empty())
}

/// The shared part of every format: find the header rows, recognise the
/// platform, check each row's width, leave out unfinished responses, and hand
/// logical rows to the sink.
fn feed(
    path: &Path,
    name: &str,
    source: &mut dyn Rows,
    sink: &mut dyn Sink,
    forced: Option<usize>,
) -> Result<(Layout, u64, Tally)> {
    let (layout, lead) = begin(path, name, source, sink, forced)?;
    let mut feeder = Feeder::new(path, &layout, source);
    for (row, raw) in lead.iter().skip(layout.header_rows) {
        feeder.row(*row, raw, sink)?;
    }
    while let Some((row, raw)) = source.next_row()? {
        feeder.row(row, raw, sink)?;
    }
    let (rows, left) = feeder.finish()?;
    Ok((layout, rows, left))
}

/// Reads the first rows, finds the header rows and the platform from them,
/// and gives the sink the header. Returns the layout and the rows read, the
/// header rows among them.
fn begin(
    path: &Path,
    name: &str,
    source: &mut dyn Rows,
    sink: &mut dyn Sink,
    forced: Option<usize>,
) -> Result<(Layout, Vec<(RowNo, Record)>)> {
    let mut lead: Vec<(RowNo, Record)> = Vec::new();
    while lead.len() < layout::SAMPLE_ROWS {
        match source.next_row()? {
            None => break,
            Some((_, r)) if is_blank(r) => continue,
            Some((n, r)) => lead.push((n, r.clone())),
        }
    }
    if lead.is_empty() {
        bail!("{} has no header row: every row is blank", path.display());
    }
    let records: Vec<Record> = lead.iter().map(|(_, r)| r.clone()).collect();
    let layout = Layout::detect(&records, forced);
    if forced.is_none()
        && let Some(e) = layout.doubtful_first_row(&records)
    {
        bail!("{}", doubtful_message(path, &lead, &layout, &e));
    }
    sink.header(&Header {
        file: name.to_string(),
        columns: layout.columns.clone(),
        alt: layout.alt.clone(),
    })?;
    Ok((layout, lead))
}

/// Hands a file's rows after the header to a sink: checks each row's width,
/// and leaves out blank rows and unfinished or screened-out responses,
/// counting them.
struct Feeder<'a> {
    path: &'a Path,
    layout: &'a Layout,
    hint: &'static str,
    first_column: Option<u32>,
    rows: u64,
    left: Tally,
}

impl<'a> Feeder<'a> {
    fn new(path: &'a Path, layout: &'a Layout, source: &dyn Rows) -> Feeder<'a> {
        Feeder {
            path,
            layout,
            hint: source.too_wide_hint(),
            first_column: source.first_column(),
            rows: 0,
            left: Tally::default(),
        }
    }

    fn row(&mut self, row: RowNo, raw: &Record, sink: &mut dyn Sink) -> Result<()> {
        if is_blank(raw) {
            return Ok(());
        }
        let layout = self.layout;
        let width = layout.raw_width;
        let extra = raw
            .iter()
            .enumerate()
            .skip(width)
            .find(|(_, c)| !c.trim().is_empty())
            .map(|(i, _)| i);
        if raw.len() < layout.min_width || extra.is_some() {
            let found = match (extra, self.first_column) {
                (Some(i), Some(first)) => format!(
                    "{} (a value in column {})",
                    raw.len(),
                    column_name(first + i as u32)
                ),
                (Some(_), None) => raw.len().to_string(),
                (None, _) => raw.len().min(width).to_string(),
            };
            bail!(
                "{} row {row}: expected {width} cells (as in the header), found {found}. {}",
                self.path.display(),
                self.hint
            );
        }
        self.rows += 1;
        match layout.left_out(raw) {
            Some(layout::Left::Unfinished) => self.left.unfinished += 1,
            Some(layout::Left::Screened) => self.left.screened += 1,
            None => return sink.row(row, &layout.apply(raw)),
        }
        Ok(())
    }

    /// Takes in the counts of a feeder of a later part of the same file.
    fn absorb(&mut self, later: (u64, Tally)) {
        self.rows += later.0;
        self.left.unfinished += later.1.unfinished;
        self.left.screened += later.1.screened;
    }

    /// Rows read (blank rows aside) and rows left out; fails when there
    /// were no rows at all.
    fn finish(self) -> Result<(u64, Tally)> {
        if self.rows == 0 {
            bail!(
                "{} has a header row but no responses: expected at least one data row",
                self.path.display()
            );
        }
        Ok((self.rows, self.left))
    }

    /// The counts so far, without the check for no rows (a later part).
    fn counts(&self) -> (u64, Tally) {
        (self.rows, self.left)
    }
}

/// Says why the first data row looks like a header row, and both ways on.
fn doubtful_message(
    path: &Path,
    lead: &[(RowNo, Record)],
    layout: &Layout,
    e: &layout::Evidence,
) -> String {
    let h = layout.header_rows;
    let (row, first) = (&lead[h].0, &lead[h].1);
    let cells: Vec<String> = e
        .examples
        .iter()
        .flatten()
        .map(|&c| {
            let v: String = first.get(c).unwrap_or("").trim().chars().take(40).collect();
            format!("\"{v}\" (column {})", column_name(c as u32))
        })
        .collect();
    format!(
        "{} row {row} looks like another header row, not a response: {} of its cells are not answers \
         seen below them or repeat the header, e.g. {}. It was read as a {} export with {h} header {}.\n  \
         If row {row} is a header, pass --header-rows {}; if it is a response, pass --header-rows {h}.",
        path.display(),
        e.labels,
        cells.join(", "),
        layout.platform.label(),
        if h == 1 { "row" } else { "rows" },
        h + 1,
    )
}

fn info(
    name: &str,
    sha256: String,
    layout: &Layout,
    rows: u64,
    left: Tally,
    d: Described,
) -> InputInfo {
    InputInfo {
        file: name.to_string(),
        sha256,
        rows,
        format: format!("{}/{}", layout.platform.label(), d.container),
        platform: layout.platform,
        encoding: d.encoding,
        delimiter: d.delimiter.map(String::from),
        sheet: d.sheet,
        header_rows: layout.header_rows as u64,
        incomplete_excluded: left.unfinished,
        screened_excluded: left.screened,
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keeps everything it is given, to compare with what was written.
    #[derive(Default)]
    struct Recording {
        header: Vec<String>,
        rows: Vec<(RowNo, Vec<String>)>,
    }

    impl Sink for Recording {
        fn header(&mut self, header: &Header) -> Result<()> {
            self.header = header.columns.clone();
            Ok(())
        }
        fn row(&mut self, row: RowNo, record: &Record) -> Result<()> {
            self.rows
                .push((row, record.iter().map(str::to_string).collect()));
            Ok(())
        }
    }

    /// A CSV of `n` rows whose lengths vary a lot, so recycled records are
    /// read into buffers sized for other rows, with quoted line breaks,
    /// blank rows and Windows-1252 rows spread across many batches. Returns
    /// the bytes and the rows a reader must produce, with their row numbers.
    fn varied_csv(n: usize) -> (Vec<u8>, Vec<(RowNo, Vec<String>)>) {
        let mut bytes = b"ID,Borough,Note\n".to_vec();
        let mut want = Vec::new();
        let mut record = 1;
        for i in 0..n {
            record += 1;
            if i % 211 == 7 {
                bytes.extend_from_slice(b",,\n");
                continue;
            }
            let borough = ["Bexley", "Lambeth", "Southwark"][i % 3];
            let mut note = "x".repeat(i * 37 % 900);
            let mut raw = note.clone().into_bytes();
            if i % 97 == 3 {
                note.push_str("line one\nline two");
                raw.extend_from_slice(b"line one\nline two");
            }
            if i % 503 == 11 {
                note.push_str("it\u{2019}s");
                raw.extend_from_slice(b"it\x92s");
            }
            bytes.extend_from_slice(format!("{i},{borough},\"").as_bytes());
            bytes.extend_from_slice(&raw);
            bytes.extend_from_slice(b"\"\n");
            want.push((record, vec![i.to_string(), borough.to_string(), note]));
        }
        (bytes, want)
    }

    #[test]
    fn every_row_arrives_once_in_order_with_its_row_number() {
        let (bytes, want) = varied_csv(5_000);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("varied.csv");
        std::fs::write(&path, &bytes).unwrap();
        let mut got = Recording::default();
        let info = read(&path, &Options::default(), &mut got).unwrap();
        assert_eq!(got.header, ["ID", "Borough", "Note"]);
        assert_eq!(got.rows.len(), want.len());
        for (g, w) in got.rows.iter().zip(&want) {
            assert_eq!(g, w);
        }
        assert_eq!(info.rows, want.len() as u64);
        assert_eq!(info.encoding.as_deref(), Some("Windows-1252"));
        // The digest covers the whole file, read on another thread.
        let mut h = <sha2::Sha256 as sha2::Digest>::new();
        sha2::Digest::update(&mut h, &bytes);
        assert_eq!(info.sha256, digest::hex(h));
    }

    #[test]
    fn a_bad_row_far_into_the_file_is_named_by_its_row_number() {
        let (mut bytes, want) = varied_csv(3_000);
        bytes.extend_from_slice(b"3000,Bexley\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, &bytes).unwrap();
        let bad_row = want.last().unwrap().0 + 1;
        let err = read(&path, &Options::default(), &mut Recording::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("row {bad_row}: expected 3 cells")),
            "{err}"
        );
    }
}
