//! Reading one large CSV on two cores: the calling thread reads the file from
//! the start, hashes all of it and codes its first part, while a second
//! thread codes the rest into a fork of the sink, which is then absorbed.
//!
//! Each thread splits and codes its own rows. In the two-stage pipeline of
//! `csv_file` every row was split on one core and coded on the other, so
//! every row crossed between the cores' caches; here nothing does but the
//! fork at the end. The first part is the smaller (see
//! [`super::SPLIT_SHARE`]) because its thread also hashes the whole file.
//!
//! Where the second part starts is a guess: the first record start after a
//! line end near the chosen offset. It is right unless that line end lies
//! inside a quoted cell, and it is checked, not trusted: the first thread
//! stops only when it reaches the guessed offset exactly at the start of a
//! record. If it passes it inside a record, the guess was wrong, the second
//! part is thrown away, and the first thread reads on to the end. If the
//! second part fails (a malformed row, a read error), it is also thrown away
//! and read again by the first thread after its own rows, so that the error
//! names the row as reading the file in one pass would. Either way every
//! figure, message and row number is what one pass gives; the tests compare
//! the two with the split at every record and inside quoted cells.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};

use super::csv_file::{decode, described};
use super::csv_split::Splitter;
use super::digest::Hashing;
use super::layout::Layout;
use super::record::Raw;
use super::sniff::{Encoding, delimiter};
use super::{Described, Feeder, Forking, Record, RowNo, Rows, Tally, begin};

/// Bytes read at a time by each splitter.
const CAPACITY: usize = 1 << 20;

/// Rows coded by the second thread between looks at whether it is still
/// wanted.
const CHECK_EVERY: u32 = 4096;

/// Where the second part would start for a split near `at`: the first record
/// start after the first line end at or after `at` (blank lines skipped).
/// None when no line end follows within a megabyte, or only line ends do.
pub(super) fn boundary(path: &Path, at: u64) -> io::Result<Option<u64>> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(at))?;
    let mut buf = Vec::with_capacity(CAPACITY);
    f.take(CAPACITY as u64).read_to_end(&mut buf)?;
    let Some(nl) = buf.iter().position(|&b| b == b'\n') else {
        return Ok(None);
    };
    Ok(buf[nl..]
        .iter()
        .position(|&b| b != b'\n' && b != b'\r')
        .map(|k| at + (nl + k) as u64))
}

/// Reads a CSV of `size` bytes (`file`, after its first bytes `head`) in two
/// parts split at `start`, as [`super::csv_file::read`] reads it in one.
/// Returns the layout, rows read and left out, what the file is, and its
/// SHA-256.
#[allow(clippy::too_many_arguments)]
pub(super) fn read<S: Forking>(
    path: &Path,
    name: &str,
    file: impl Read + Send,
    head: Vec<u8>,
    enc: Encoding,
    (start, size): (u64, u64),
    forced: Option<usize>,
    sink: &mut S,
) -> Result<((Layout, u64, Tally), Described, String)> {
    let delim = delimiter(String::from_utf8_lossy(&head).trim_start_matches('\u{feff}'));
    let used_1252 = AtomicBool::new(enc == Encoding::Windows1252);
    let later_1252 = AtomicBool::new(false);
    let stop = AtomicBool::new(false);
    let mut hashing = Hashing::new(io::Cursor::new(head).chain(file));
    let mut rows = Direct::new(
        Splitter::new(&mut hashing, delim, CAPACITY),
        path,
        &used_1252,
        1,
    );
    let (layout, lead) = begin(path, name, &mut rows, sink, forced)?;
    // The first rows, read to find the header, may reach past the start of
    // the second part; then there is none.
    let at = rows.splitter.next_start().map_err(|e| rows.failed(e))?;
    let split = at <= start;
    if split && at > 0 {
        // The file's rows, judged from the first ones, and a tenth more.
        let per_row = at as f64 / lead.len().max(1) as f64;
        sink.expect((size as f64 / per_row * 1.1) as usize);
    }
    let (rows, left) = std::thread::scope(|scope| -> Result<(u64, Tally)> {
        let layout = &layout;
        let later = split.then(|| {
            let part = sink.fork();
            let (stop, later_1252) = (&stop, &later_1252);
            scope.spawn(move || read_part(path, start, delim, layout, part, stop, later_1252))
        });
        // Stops the second thread on every way out, errors included.
        let _stop = Stop(&stop);
        rows.stop_at = split.then_some(start);
        let mut feeder = Feeder::new(path, layout, &rows);
        for (row, raw) in lead.iter().skip(layout.header_rows) {
            feeder.row(*row, raw, sink)?;
        }
        while let Some((row, raw)) = rows.next_row()? {
            feeder.row(row, raw, sink)?;
        }
        let (reached, records) = (rows.stopped, rows.splitter.records());
        if !reached {
            taken(if split { Way::Missed } else { Way::Whole });
            stop.store(true, Ordering::Relaxed);
        }
        // Hash what the splitter has not read.
        hash_rest(rows.splitter.into_inner())
            .with_context(|| format!("{} row {}: read failed", path.display(), records + 1))?;
        let joined = later.map(|h| h.join());
        if reached {
            match joined {
                Some(Ok(Ok((part, counts)))) => {
                    taken(Way::Merged);
                    sink.absorb(part);
                    feeder.absorb(counts);
                    if later_1252.load(Ordering::Relaxed) {
                        used_1252.store(true, Ordering::Relaxed);
                    }
                }
                _ => {
                    // Read it again here, for the message one pass gives.
                    taken(Way::ReadAgain);
                    let f = File::open(path)
                        .and_then(|mut f| f.seek(SeekFrom::Start(start)).map(|_| f))
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    let splitter = Splitter::part(f, delim, CAPACITY, start, records);
                    let mut rows = Direct::new(splitter, path, &used_1252, 0);
                    while let Some((row, raw)) = rows.next_row()? {
                        feeder.row(row, raw, sink)?;
                    }
                }
            }
        }
        feeder.finish()
    })?;
    let described = described(enc, &used_1252, delim);
    Ok(((layout, rows, left), described, hashing.digest()))
}

/// Reads `src` to the end in large pieces (for the hash it computes as it
/// is read); `io::copy`'s 8 KB pieces cost a system call each.
fn hash_rest(src: &mut impl Read) -> io::Result<()> {
    let mut buf = vec![0u8; CAPACITY];
    loop {
        match src.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// How a split read went, counted per thread for the tests, which check
/// that each way is taken.
#[derive(Clone, Copy)]
enum Way {
    /// The second part was coded on its own thread and absorbed.
    Merged,
    /// It failed and was read again after the first.
    ReadAgain,
    /// The guessed start lay inside a record: the first thread read on.
    Missed,
    /// The rows read for the header reached past the start.
    Whole,
}

#[cfg(test)]
thread_local! {
    static TAKEN: std::cell::Cell<[usize; 4]> = const { std::cell::Cell::new([0; 4]) };
}

fn taken(_way: Way) {
    #[cfg(test)]
    TAKEN.with(|t| {
        let mut v = t.get();
        v[_way as usize] += 1;
        t.set(v);
    });
}

/// Sets its flag when dropped.
struct Stop<'a>(&'a AtomicBool);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The second thread: codes the file from `start` to the end into `sink`.
/// Its rows are numbered from the start of the part; it fails on any row
/// one pass would fail on, and when `stop` is set.
fn read_part<S: Forking>(
    path: &Path,
    start: u64,
    delim: u8,
    layout: &Layout,
    mut sink: S,
    stop: &AtomicBool,
    used_1252: &AtomicBool,
) -> Result<(S, (u64, Tally))> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(start))?;
    let mut rows = Direct::new(
        Splitter::part(f, delim, CAPACITY, start, 0),
        path,
        used_1252,
        0,
    );
    let mut feeder = Feeder::new(path, layout, &rows);
    let mut n = 0u32;
    while let Some((row, raw)) = rows.next_row()? {
        feeder.row(row, raw, &mut sink)?;
        n += 1;
        if n.is_multiple_of(CHECK_EVERY) && stop.load(Ordering::Relaxed) {
            bail!("no longer needed");
        }
    }
    Ok((sink, feeder.counts()))
}

/// Rows split and decoded on the thread that codes them.
struct Direct<'a, R> {
    splitter: Splitter<R>,
    path: &'a Path,
    row: Record,
    raw: Raw,
    used_1252: &'a AtomicBool,
    /// The row whose first cell may begin with a byte-order mark (0: none).
    first: RowNo,
    /// Where the second part starts: end here if a record starts there.
    stop_at: Option<u64>,
    /// Whether the rows ended at `stop_at`.
    stopped: bool,
}

impl<'a, R: Read> Direct<'a, R> {
    fn new(splitter: Splitter<R>, path: &'a Path, used_1252: &'a AtomicBool, first: RowNo) -> Self {
        Direct {
            splitter,
            path,
            row: Record::new(),
            raw: Raw::default(),
            used_1252,
            first,
            stop_at: None,
            stopped: false,
        }
    }

    fn failed(&self, e: io::Error) -> anyhow::Error {
        anyhow::anyhow!(
            "{} row {}: read failed: {e}",
            self.path.display(),
            self.splitter.records() + 1
        )
    }
}

impl<R: Read> Rows for Direct<'_, R> {
    fn next_row(&mut self) -> Result<Option<(RowNo, &Record)>> {
        if let Some(at) = self.stop_at {
            let next = self.splitter.next_start().map_err(|e| self.failed(e))?;
            if next == at {
                self.stopped = true;
                return Ok(None);
            }
            if next > at {
                // A record runs across it: the guess was inside a cell.
                self.stop_at = None;
            }
        }
        let (mut bytes, mut bounds) = std::mem::take(&mut self.raw);
        let Some(row) = self
            .splitter
            .next_into(&mut bytes, &mut bounds)
            .map_err(|e| self.failed(e))?
        else {
            return Ok(None);
        };
        self.raw = self.row.take_bytes();
        decode(
            &mut self.row,
            bytes,
            bounds,
            row == self.first,
            self.used_1252,
        );
        Ok(Some((row, &self.row)))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::load::{Options, read, read_split};
    use crate::normalise::Normaliser;
    use crate::survey::Template;

    /// What reading `path` gives: the file's provenance and every coded
    /// row, or the error, as text to compare.
    fn outcome(t: &Template, path: &Path, split_at: Option<u64>, keep_text: bool) -> String {
        let mut norm = Normaliser::new(t);
        if keep_text {
            norm = norm.keep_text();
        }
        let opts = Options {
            split_at,
            ..Options::default()
        };
        let info = match split_at {
            None => read(path, &opts, &mut norm),
            Some(_) => read_split(path, &opts, &mut norm),
        };
        match info {
            Ok(info) => format!("{info:?}\n{:?}\n{:?}", norm.unmatched(), norm.finish()),
            Err(e) => format!("error: {e:#}"),
        }
    }

    /// How often each way a split read can go has been taken on this
    /// thread (see `Way`).
    fn taken_so_far() -> [usize; 4] {
        TAKEN.with(|t| t.get())
    }

    /// The ways taken since `before`.
    fn ways_since(before: [usize; 4]) -> [usize; 4] {
        let now = taken_so_far();
        std::array::from_fn(|k| now[k] - before[k])
    }

    /// The SEL template's group question text and its first tick question.
    fn group_and_ticks(t: &Template) -> (String, &crate::survey::Question) {
        let group = t.group_question().unwrap().text.clone();
        let multi = t
            .analysed_questions()
            .find(|q| q.kind == crate::survey::Kind::Multi)
            .unwrap();
        (group, multi)
    }

    /// Where two outcomes part, with some context: they are long.
    fn first_difference(one: &str, two: &str) -> String {
        let at = one
            .bytes()
            .zip(two.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(one.len().min(two.len()));
        let from = one.floor_char_boundary(at.saturating_sub(300));
        let show = |s: &str| s[from..s.ceil_char_boundary((at + 300).min(s.len()))].to_string();
        format!(
            "one pass:  ...{}...\ntwo parts: ...{}...",
            show(one),
            show(two)
        )
    }

    /// Every offset from which `boundary` finds a different start: one per
    /// line end, and so one inside every quoted cell that holds one.
    fn splits(bytes: &[u8]) -> Vec<u64> {
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i as u64)
            .collect()
    }

    fn assert_same_in_two_parts(t: &Template, path: &Path, keep_text: bool) -> usize {
        let bytes = std::fs::read(path).unwrap();
        let one = outcome(t, path, None, keep_text);
        let at = splits(&bytes);
        for &at in &at {
            let two = outcome(t, path, Some(at), keep_text);
            assert!(
                one == two,
                "{} split near byte {at}:\n{}",
                path.display(),
                first_difference(&one, &two)
            );
        }
        at.len()
    }

    /// `bytes` with its data rows repeated until it has `rows` rows: the
    /// first 200 rows are read to find the header, so a split needs more.
    /// Repeated rows repeat their ids, so the last copy must win across
    /// the parts too.
    fn enlarged(bytes: &[u8], header_rows: usize, rows: usize) -> Vec<u8> {
        let first = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
        let delim = delimiter(first.trim_start_matches('\u{feff}'));
        let mut s = Splitter::new(bytes, delim, 64);
        let (mut b, mut c) = (Vec::new(), Vec::new());
        for _ in 0..header_rows {
            s.next_into(&mut b, &mut c).unwrap();
        }
        let body = s.next_start().unwrap() as usize;
        let mut data = bytes[body..].to_vec();
        if !data.ends_with(b"\n") && !data.ends_with(b"\r") {
            data.extend_from_slice(b"\r\n");
        }
        let mut out = bytes.to_vec();
        if !out.ends_with(b"\n") && !out.ends_with(b"\r") {
            out.extend_from_slice(b"\r\n");
        }
        let per = bytes[body..].iter().filter(|b| **b == b'\n').count().max(1);
        while out.iter().filter(|b| **b == b'\n').count() < rows + per {
            out.extend_from_slice(&data);
        }
        out
    }

    /// Every CSV fixture and sample, enlarged to 400 rows and split at every
    /// line end: the same rows, figures, encoding, digest and errors as one
    /// pass.
    #[test]
    fn every_fixture_reads_the_same_in_two_parts() {
        let t = Template::builtin();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        let mut files: Vec<PathBuf> = Vec::new();
        for d in [
            "tests/fixtures",
            "tests/fixtures/platforms",
            "tests/fixtures/shapes",
            "samples",
        ] {
            for e in std::fs::read_dir(root.join(d)).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "csv") {
                    files.push(p);
                }
            }
        }
        assert!(files.len() >= 15, "{files:?}");
        let before = taken_so_far();
        for f in &files {
            let mut norm = Normaliser::new(&t);
            let header_rows =
                read(f, &Options::default(), &mut norm).map_or(1, |i| i.header_rows as usize);
            let big = dir.path().join(f.file_name().unwrap());
            std::fs::write(&big, enlarged(&std::fs::read(f).unwrap(), header_rows, 400)).unwrap();
            assert_same_in_two_parts(&t, &big, false);
        }
        let ways = ways_since(before);
        // Merged, read again (a fixture the SEL template cannot read has no
        // second part to read: its header fails first), missed, whole.
        assert!(ways[0] > 1500, "{ways:?}");
        assert!(ways[2] > 0 && ways[3] > 0, "{ways:?}");
    }

    /// The shapes that make a guessed start wrong or a part fail: line ends
    /// inside quoted cells, `\r` and `\r\n` line ends, blank lines, ids
    /// repeated across the parts (numbers in and out of order, and text),
    /// Windows-1252 text only late in the file, a byte-order mark, and a row
    /// too wide, late.
    #[test]
    fn awkward_files_read_the_same_in_two_parts() {
        let t = Template::builtin();
        let (group, multi) = group_and_ticks(&t);
        let text = t
            .analysed_questions()
            .find(|q| q.kind == crate::survey::Kind::Text)
            .unwrap();
        let boroughs = ["Bexley", "Lambeth", "Hackney", "", "Southwark"];
        let dir = tempfile::tempdir().unwrap();
        let mut cases = 0;
        let before = taken_so_far();
        for (k, (eol, ids, bad_row)) in [
            ("\n", "rising", false),
            ("\r\n", "mixed", false),
            ("\r", "text", false),
            ("\n", "mixed", true),
            ("\r\n", "rising", true),
        ]
        .into_iter()
        .enumerate()
        {
            let mut csv: Vec<u8> = Vec::new();
            if k == 1 {
                csv.extend_from_slice(b"\xef\xbb\xbf");
            }
            csv.extend_from_slice(
                format!(
                    "ID,{group},\"{}\",\"{}\",Name,Completion time{eol}",
                    multi.text, text.text
                )
                .as_bytes(),
            );
            for r in 0..400usize {
                let id = match ids {
                    "rising" => (r + 1).to_string(),
                    "mixed" => ((r * 7) % 23).to_string(),
                    _ => format!("R_{}", (r * 5) % 17),
                };
                let ticks = multi
                    .options
                    .iter()
                    .enumerate()
                    .filter(|(o, _)| (r + o) % 3 == 0)
                    .map(|(_, o)| format!("{o};"))
                    .collect::<String>();
                let said = match r % 4 {
                    0 => format!("\"two{eol}lines, and \"\"quotes\"\"\""),
                    1 => String::new(),
                    2 => "plain".to_string(),
                    _ => format!("\"{eol}{eol}\""),
                };
                // The last dates, and so the fieldwork's end, only late on.
                let mut line = format!(
                    "{id},{},\"{ticks}\",{said},Pat {r},{:02}/{:02}/2026 10:00",
                    boroughs[r % boroughs.len()],
                    1 + r % 28,
                    1 + r / 40
                )
                .into_bytes();
                if r > 300 && r % 9 == 0 {
                    line.extend_from_slice(b" caf\xe9"); // Windows-1252
                }
                if bad_row && r == 350 {
                    line.extend_from_slice(b",extra");
                }
                csv.extend_from_slice(&line);
                csv.extend_from_slice(eol.as_bytes());
                if r % 11 == 0 {
                    csv.extend_from_slice(eol.as_bytes()); // a blank line
                }
            }
            let path = dir.path().join(format!("awkward-{k}.csv"));
            std::fs::write(&path, &csv).unwrap();
            let one = outcome(&t, &path, None, true);
            assert_eq!(one.starts_with("error"), bad_row, "{one}");
            // `\r` files have no `\n` to split at: they are read in one pass
            // whatever the offset.
            let at: Vec<u64> = if eol == "\r" {
                (0..csv.len() as u64).step_by(997).collect()
            } else {
                splits(&csv)
            };
            for at in at {
                let two = outcome(&t, &path, Some(at), true);
                assert!(
                    one == two,
                    "{k} split near {at}:\n{}",
                    first_difference(&one, &two)
                );
                cases += 1;
            }
        }
        assert!(cases > 3000, "{cases}");
        let ways = ways_since(before);
        assert!(ways.iter().all(|&n| n > 10), "every way taken: {ways:?}");
    }

    /// Random files of SEL-shaped rows whose cells are drawn from awkward
    /// pieces (quotes, stray quotes, line ends of each kind inside and
    /// outside quotes, blank lines, repeated ids, Windows-1252 bytes, an
    /// extra cell now and then), split at random offsets: one pass's result
    /// every time, errors included.
    #[test]
    fn random_files_read_the_same_in_two_parts() {
        let t = Template::builtin();
        let (group, multi) = group_and_ticks(&t);
        let pieces: [&[u8]; 14] = [
            b"Lambeth",
            b"Bexley",
            b"\"Southwark\"",
            b"\"a\nb\"",
            b"\"a\r\nb\"",
            b"\"\"\"\"",
            b"x\"y",
            b"\"ab\"c",
            b"caf\xe9",
            b"",
            b" ",
            b"\"Macmillan Cancer Support;ACCEND;\"",
            b"Other",
            b"\"1,2\"",
        ];
        let dir = tempfile::tempdir().unwrap();
        let mut rng = crate::sample::Rng::new(17);
        let before = taken_so_far();
        for k in 0..40 {
            let eol: &[u8] = [b"\n".as_slice(), b"\r\n"][k % 2];
            let mut csv = format!("ID,{group},\"{}\",Comment", multi.text).into_bytes();
            csv.extend_from_slice(eol);
            let rows = 250 + rng.below(150);
            for _ in 0..rows {
                csv.extend_from_slice(rng.below(400).to_string().as_bytes());
                let cells = if rng.chance(0.002) { 4 } else { 3 };
                for _ in 0..cells {
                    csv.push(b',');
                    csv.extend_from_slice(pieces[rng.below(pieces.len() as u64) as usize]);
                }
                csv.extend_from_slice(eol);
                if rng.chance(0.03) {
                    csv.extend_from_slice(eol);
                }
            }
            let path = dir.path().join(format!("random-{k}.csv"));
            std::fs::write(&path, &csv).unwrap();
            let one = outcome(&t, &path, None, false);
            // Half past the 200 rows read for the header, most of the time.
            let len = csv.len() as u64;
            for j in 0..12 {
                let at = if j % 2 == 0 {
                    rng.below(len)
                } else {
                    len * 3 / 5 + rng.below(len * 2 / 5)
                };
                let two = outcome(&t, &path, Some(at), false);
                assert!(
                    one == two,
                    "{k} split near {at}:\n{}",
                    first_difference(&one, &two)
                );
            }
        }
        let ways = ways_since(before);
        assert!(ways[0] > 100 && ways[1] > 5 && ways[2] > 5, "{ways:?}");
    }

    /// The start guessed from an offset is the first record start after the
    /// first line end at or after it; none without a line end or with only
    /// line ends after it.
    #[test]
    fn the_second_part_starts_after_a_line_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.csv");
        std::fs::write(&path, b"a,b\r\n\r\nc,d\ne,f\n\n").unwrap();
        let b = |at| boundary(&path, at).unwrap();
        assert_eq!(b(0), Some(7));
        assert_eq!(b(4), Some(7));
        assert_eq!(b(7), Some(11));
        assert_eq!(b(11), None);
        assert_eq!(b(15), None);
    }
}
