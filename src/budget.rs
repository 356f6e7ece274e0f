//! Will a run fit in memory? Judged before reading, so an export too large
//! for the machine fails in a second with advice, instead of swapping for
//! minutes or being killed by the system without a word.
//!
//! Rows are streamed, but every response's coded answers are kept (repeated
//! response ids replace earlier rows, and the counts are one query over all
//! of them), so memory grows with the number of responses: about 75 bytes
//! each for the SEL survey, against about 480 bytes of CSV.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::load::sniff::HEAD_LEN;
use crate::survey::{Kind, Template};

/// The program, its libraries, fonts and the report itself.
const FIXED: u64 = 64 << 20;

/// Memory per byte of an .xlsx, whose responses cannot be counted before
/// reading. Cells are streamed, but the shared-strings table is held whole:
/// a 13.6 MB Forms workbook of 100k responses peaked 20 MB above start-up
/// (1.5 bytes per byte); 8 leaves room for text that compresses better.
const PER_XLSX_BYTE: u64 = 8;

/// Bytes held per response for the whole run: its coded answers (2 bytes
/// per one-answer question, 8 per multi-select, 1 per open question), and
/// its group code, response id and place in the dedupe tables.
/// Calibrated on the SEL survey (50 bytes of answers): peak memory grew by
/// 72 bytes per response from 1M to 10M responses (December 2026), where
/// the counting frame no longer grows (see `FRAME_PER_ROW`). That includes
/// a large CSV's second part (`load::parallel`), held beside the first
/// until it is absorbed. 32 bytes of the rest gives 82.
pub fn per_response(t: &Template, quotes: bool) -> u64 {
    let mut bytes = 32;
    for q in t.analysed_questions() {
        bytes += match q.kind {
            Kind::Single | Kind::Likert => 2,
            Kind::Multi => 8,
            // Kept text costs what people wrote; 128 bytes is a long answer.
            Kind::Text if quotes => 130,
            Kind::Text => 1,
        };
    }
    if quotes {
        bytes += 64; // respondents' names, for redaction
    }
    bytes
}

/// Bytes per row of the counting frame: a slice of at most
/// `counts::ROWS_PER_QUERY` rows, sorted by group, a few questions at a time
/// (`counts::QUESTIONS_PER_QUERY` columns of at most 8 bytes). It is built
/// again for each slice, so it grows with responses only up to one slice.
const FRAME_PER_ROW: u64 = 8 * crate::analysis::counts::QUESTIONS_PER_QUERY as u64;

/// The memory a run of `responses` responses is judged to need, workbooks
/// aside. Memory grew by 89 bytes per response from 100k to 1M responses and
/// by 72 from 1M to 10M; this estimate grows by 130 and 82.
pub fn need(t: &Template, quotes: bool, responses: u64) -> u64 {
    let frame_rows = responses.min(crate::analysis::counts::ROWS_PER_QUERY as u64);
    FIXED + responses * per_response(t, quotes) + frame_rows * FRAME_PER_ROW
}

/// What can be told about an input's size before reading it.
#[derive(Debug, PartialEq)]
enum Input {
    /// A CSV export: about this many responses, judged from its size and
    /// the length of its first rows.
    Csv(u64),
    /// An .xlsx (a zip) of this many bytes, whose rows cannot be counted
    /// without unpacking it.
    Workbook(u64),
}

/// Opens an input once, reads its head, and sizes it; `None` for pipes,
/// unreadable files (the loader reports those) and files small enough to
/// fit in the head.
fn measure(path: &Path) -> Option<Input> {
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    let mut head = Vec::with_capacity(HEAD_LEN);
    File::open(path)
        .ok()?
        .take(HEAD_LEN as u64)
        .read_to_end(&mut head)
        .ok()?;
    if head.starts_with(b"PK") {
        return Some(Input::Workbook(meta.len()));
    }
    if head.len() as u64 >= meta.len() {
        return None;
    }
    // Line breaks inside quoted cells make this count high: on the safe side.
    let lines = head.iter().filter(|&&b| b == b'\n').count().max(1) as u64;
    Some(Input::Csv(meta.len() * lines / head.len() as u64))
}

/// Memory this process may still use: what the system says is available,
/// or less when a container limit (cgroup v2) is lower. Page cache counts
/// towards a container's usage but is given back on demand, so it is not
/// counted as used: a freshly written export must not block its own report.
pub fn available() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let system = meminfo.as_deref().and_then(|m| {
        m.lines()
            .find_map(|l| l.strip_prefix("MemAvailable:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
    });
    let cgroup =
        |f: &str| std::fs::read_to_string(format!("/sys/fs/cgroup/{f}")).unwrap_or_default();
    let container = container_room(
        &cgroup("memory.max"),
        &cgroup("memory.current"),
        &cgroup("memory.stat"),
    );
    match (system, container) {
        (Some(s), Some(c)) => Some(s.min(c)),
        (s, c) => s.or(c),
    }
}

/// Room left under a cgroup v2 limit, from its `memory.max`,
/// `memory.current` and `memory.stat`; `None` when there is no limit.
fn container_room(max: &str, current: &str, stat: &str) -> Option<u64> {
    let max = max.trim().parse::<u64>().ok()?;
    let current = current.trim().parse::<u64>().unwrap_or(0);
    let cache = stat
        .lines()
        .find_map(|l| l.strip_prefix("file "))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    Some(max.saturating_sub(current.saturating_sub(cache)))
}

/// Refuses a run whose estimated memory exceeds `limit` (from
/// `--max-memory`), or else what is available, saying how to get round it.
pub fn check(inputs: &[PathBuf], t: &Template, quotes: bool, limit: Option<u64>) -> Result<()> {
    let (limit, whose) = match limit {
        Some(l) => (l, format!("--max-memory allows ({})", size(l))),
        None => match available() {
            Some(a) => (a, format!("the {} this machine has available", size(a))),
            None => return Ok(()),
        },
    };
    let (mut responses, mut workbooks) = (0, 0);
    for input in inputs.iter().filter_map(|p| measure(p)) {
        match input {
            Input::Csv(n) => responses += n,
            Input::Workbook(bytes) => workbooks += bytes,
        }
    }
    let need = need(t, quotes, responses) + workbooks * PER_XLSX_BYTE;
    if need <= limit {
        return Ok(());
    }
    let files = inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let quotes_hint = if quotes {
        "; or leave out --quotes, which keeps every free-text answer in memory"
    } else {
        ""
    };
    let what = match (responses, workbooks) {
        (0, _) => "reading the workbook".to_string(),
        (n, 0) => format!("analysing about {} responses", thousands(n)),
        (n, _) => format!(
            "analysing about {} responses and the workbook",
            thousands(n)
        ),
    };
    bail!(
        "{files}: {what} needs about {} of memory, more than {whose}.\n  \
         Ways round it: run on a machine with more memory; or split the export by \"{}\" and report each part \
         (each group's figures come only from its own rows; the All column then covers one part){quotes_hint}.",
        size(need),
        t.group_question().map_or("a column", |q| q.text.as_str()),
    )
}

/// `"2GB"`, `"512 MB"`, `"1.5G"`, `"800000000"` (bytes); decimal units, as
/// the progress bar and the benchmark report them.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("expected a size such as 2GB or 512MB, found \"{s}\""))?;
    let scale: f64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1.0,
        "K" | "KB" => 1e3,
        "M" | "MB" => 1e6,
        "G" | "GB" => 1e9,
        "T" | "TB" => 1e12,
        other => {
            return Err(format!(
                "expected a unit of B, KB, MB, GB or TB, found \"{other}\" in \"{s}\""
            ));
        }
    };
    Ok((n * scale) as u64)
}

fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.0} MB", (b / 1e6).max(1.0))
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The estimate stays above what the SEL survey was measured to need,
    /// but not far above: its peak memory was 118 MB at 1M responses and
    /// 734 MB at 10M (benches/results.md), growing 89 bytes per response
    /// from 100k to 1M and 72 from 1M to 10M.
    #[test]
    fn the_estimate_covers_the_measured_sel_figures() {
        let t = crate::survey::Template::builtin();
        let b = per_response(&t, false);
        assert!((67..=90).contains(&b), "{b}");
        for (responses, measured) in [(1_000_000, 118_000_000), (10_000_000, 734_000_000)] {
            let estimate = need(&t, false, responses);
            assert!(
                (measured..=measured * 2).contains(&estimate),
                "{responses} responses: estimate {estimate}, measured {measured}"
            );
        }
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("2GB"), Ok(2_000_000_000));
        assert_eq!(parse_size("512 MB"), Ok(512_000_000));
        assert_eq!(parse_size("1.5g"), Ok(1_500_000_000));
        assert_eq!(parse_size("800"), Ok(800));
        assert!(parse_size("lots").unwrap_err().contains("found \"lots\""));
        assert!(parse_size("2 GiB").unwrap_err().contains("\"GIB\""));
    }

    #[test]
    fn responses_are_estimated_from_the_first_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.csv");
        let mut f = File::create(&path).unwrap();
        crate::sample::write_sample(&Template::builtin(), 20_000, 1, 1, &mut f).unwrap();
        drop(f);
        let Some(Input::Csv(n)) = measure(&path) else {
            panic!("a CSV is measured by its rows")
        };
        let n = n as f64;
        assert!((n - 20_000.0).abs() / 20_000.0 < 0.1, "estimated {n}");
    }

    #[test]
    fn page_cache_does_not_count_against_a_container_limit() {
        let stat = "anon 104857600\nfile 1887436800\nkernel 1048576\n";
        // 2 GiB limit, 1.9 GiB used of which 1.8 GiB is page cache.
        assert_eq!(
            container_room("2147483648\n", "2040109465\n", stat),
            Some(2147483648 - (2040109465 - 1887436800))
        );
        assert_eq!(container_room("max\n", "2040109465\n", stat), None);
        assert_eq!(container_room("", "", ""), None);
        assert_eq!(container_room("1000", "5000", ""), Some(0));
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(123_456_789), "123,456,789");
    }
}
