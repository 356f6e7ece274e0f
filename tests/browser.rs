//! report.html in a real browser (headless Chromium): no console errors, no
//! external requests, every chart and table shown, and A4 width when printed.
//!
//! It runs under CI only (`CI` set; `.ci/run` sets it and installs Debian's
//! `chromium`), where a missing browser fails it. Elsewhere it says it was
//! skipped; `CI=1 cargo test --release --test browser` runs it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var("CHROMIUM").ok(),
        Some("/usr/bin/chromium".into()),
        Some("/usr/bin/chromium-browser".into()),
    ];
    candidates
        .into_iter()
        .flatten()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

fn browser(profile: &Path) -> Command {
    let exe = chromium().expect("checked by caller");
    let mut c = Command::new(exe);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// A4 (210 mm) less the 12 mm side margins of the print CSS, at 96 dpi.
const A4_CONTENT_PX: u32 = 703;

/// Runs in a copy of the page: measures what a reader would see.
const MEASURE: &str = r#"<script>
addEventListener('load', () => {
  const r = { scrollW: document.documentElement.scrollWidth, innerW: innerWidth, figures: [], tables: [] };
  document.querySelectorAll('figure.chart').forEach(f => {
    const svg = f.querySelector('svg');
    const b = svg.getBoundingClientRect();
    // The smallest text as printed: font size in chart units, times the
    // scale the chart is drawn at, in CSS px (96 per inch: pt = px * 0.75).
    const scale = b.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')));
    r.figures.push({ id: f.id, w: b.width, h: b.height, min_pt: Math.min(...sizes) * scale * 0.75 });
  });
  document.querySelectorAll('.table-wrap').forEach(d => {
    const t = d.querySelector('table');
    r.tables.push({ caption: t.caption.textContent, w: t.scrollWidth, room: d.clientWidth, h: t.offsetHeight, screen_only: d.classList.contains('screen-only') });
  });
  const pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify(r);
  document.body.appendChild(pre);
});
</script>"#;

/// Requests the page made. Chromium's own background traffic (updater, time
/// sync) has the initiator "not an origin"; a file:// page's is "null".
fn page_requests(netlog: &Value) -> Vec<String> {
    let mut urls: Vec<String> = netlog["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let p = &e["params"];
            let (url, initiator) = (p["url"].as_str()?, p["initiator"].as_str()?);
            (initiator != "not an origin" && !url.starts_with("file:") && !url.starts_with("data:"))
                .then(|| url.to_string())
        })
        .collect();
    urls.dedup();
    urls
}

#[test]
fn report_html_in_headless_chromium() {
    if !under_ci() {
        eprintln!("skipping the browser test: it runs under CI (set CI=1 to run it here)");
        return;
    }
    assert!(
        chromium().is_some(),
        "CI must have chromium (apt-get install chromium): .ci/run installs it"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let s = report_all(&[&sample()], &out, &["--quiet"]);
    let html_path = out.join("report.html");
    let html = std::fs::read_to_string(&html_path).unwrap();
    let charts = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "svg")
        })
        .count();
    let tables = 3 + s["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] != "text")
        .count();

    // 1. The page as shipped: console and network.
    let netlog = dir.path().join("net.json");
    let o = browser(&dir.path().join("p1"))
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom"])
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("file://{}", html_path.display()))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let dom = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        dom.matches("<figure class=\"chart\"").count(),
        charts,
        "every chart is in the page"
    );
    assert_eq!(
        dom.matches("<table>").count(),
        tables,
        "every table is in the page"
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&netlog).unwrap()).unwrap();
    let urls = page_requests(&log);
    assert!(urls.is_empty(), "external requests: {urls:?}");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no external links in the page"
    );

    // 2. Laid out at A4 content width with the print styles applied.
    let measured = dir.path().join("measure.html");
    let printish = html
        .replace("@media print {", "@media all {")
        .replace(
            "default-src 'none'",
            "default-src 'none'; script-src 'unsafe-inline'",
        )
        .replace("</body>", &format!("{MEASURE}</body>"));
    std::fs::write(&measured, printish).unwrap();
    let o = browser(&dir.path().join("p2"))
        .args(["--dump-dom", "--virtual-time-budget=5000"])
        .arg(format!("--window-size={A4_CONTENT_PX},1000"))
        .arg(format!("file://{}", measured.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    let json = dom
        .split("<pre id=\"measure\">")
        .nth(1)
        .and_then(|r| r.split("</pre>").next())
        .expect("measurement ran")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let m: Value = serde_json::from_str(&json).unwrap();
    assert!(
        m["scrollW"].as_f64() <= m["innerW"].as_f64(),
        "page wider than A4: {m}"
    );
    let figures = m["figures"].as_array().unwrap();
    assert_eq!(figures.len(), charts);
    for f in figures {
        assert!(
            f["w"].as_f64().unwrap() > 300.0 && f["h"].as_f64().unwrap() > 100.0,
            "chart not shown: {f}"
        );
        assert!(
            f["w"].as_f64().unwrap() <= A4_CONTENT_PX as f64,
            "chart wider than A4: {f}"
        );
        // Board papers are printed: no chart text below 8 pt on A4.
        assert!(
            f["min_pt"].as_f64().unwrap() >= 8.0,
            "chart text below 8 pt when printed: {f}"
        );
    }
    let tables_m = m["tables"].as_array().unwrap();
    assert_eq!(tables_m.len(), tables);
    // On paper a question's table is left out where its chart shows the
    // same figures; every other table is printed.
    let screen_only = tables_m.iter().filter(|t| t["screen_only"] == true).count();
    assert_eq!(
        screen_only,
        tables - 3,
        "every charted question's table, no other"
    );
    for t in tables_m {
        if t["screen_only"] == true {
            assert_eq!(
                t["h"].as_f64().unwrap(),
                0.0,
                "printed though screen-only: {t}"
            );
            continue;
        }
        assert!(t["h"].as_f64().unwrap() > 20.0, "table not shown: {t}");
        assert!(
            t["w"].as_f64().unwrap() <= t["room"].as_f64().unwrap() + 0.5,
            "table cut at A4 width: {t}"
        );
    }

    // 3. Printed to PDF: an A4 board paper of at most 12 pages, with a
    // cover, page numbers on every page and the brief before the appendix.
    let paper = print(&html_path, dir.path());
    assert!(
        (4..=12).contains(&paper.pages),
        "the SEL sample prints to {} pages (at most 12)",
        paper.pages
    );
    for want in [
        "Who was surveyed",
        "Wave",
        "2026 Q3",
        "Fieldwork",
        "Date of this paper",
        "1 December 2026",
        "Findings",
        "Appendix: detailed results",
    ] {
        assert!(paper.text.contains(want), "the paper lacks \"{want}\"");
    }
    for f in s["findings"].as_array().unwrap() {
        let title = f["title"].as_str().unwrap();
        let at = paper
            .text
            .find(title)
            .unwrap_or_else(|| panic!("finding {title}"));
        assert!(at < paper.text.find("Appendix: detailed results").unwrap());
    }
    for n in 1..=paper.pages {
        assert!(
            paper.text.contains(&format!("Page {n} of {}", paper.pages)),
            "page {n} has no number"
        );
    }
    // The running title heads every page but the cover.
    assert!(
        paper
            .text
            .matches("non-clinical staff in cancer care \u{2013} 2026 Q3")
            .count()
            >= paper.pages - 1
    );
}

/// A PDF printed by Chromium: its page count and its text (pdftotext).
struct Paper {
    pages: usize,
    text: String,
}

fn print(html: &Path, dir: &Path) -> Paper {
    let pdf = dir.join(format!(
        "{}.pdf",
        html.parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
    ));
    let o = browser(&dir.join(format!(
        "print-{}",
        pdf.file_stem().unwrap().to_string_lossy()
    )))
    .args(["--no-pdf-header-footer"])
    .arg(format!("--print-to-pdf={}", pdf.display()))
    .arg(format!("file://{}", html.display()))
    .output()
    .unwrap();
    assert!(o.status.success());
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let raw = String::from_utf8_lossy(&bytes);
    let boxes: Vec<(f64, f64)> = raw
        .split("/MediaBox [")
        .skip(1)
        .filter_map(|r| r.split(']').next())
        .filter_map(|b| {
            let v: Vec<f64> = b
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            (v.len() == 4).then(|| (v[2] - v[0], v[3] - v[1]))
        })
        .collect();
    for (w, h) in &boxes {
        // A4 is 595 x 842 points.
        assert!(
            (w - 595.0).abs() < 2.0 && (h - 842.0).abs() < 2.0,
            "page is not A4: {w} x {h}"
        );
    }
    let t = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("CI has pdftotext (poppler-utils): .ci/run installs it");
    assert!(t.status.success());
    // pdftotext separates pages with a form feed.
    let text = String::from_utf8_lossy(&t.stdout).into_owned();
    let pages = text.matches('\u{c}').count();
    assert_eq!(pages, boxes.len(), "pages by text and by page tree");
    Paper { pages, text }
}

/// The messy fixture (odd groups, blanks, duplicates) prints as a board
/// paper too: cover, page numbers and brief, within the same page budget.
#[test]
fn messy_export_prints_as_a_board_paper() {
    if !under_ci() {
        eprintln!("skipping the browser test: it runs under CI (set CI=1 to run it here)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("messy");
    report_all(&[&fixture("messy.csv")], &out, &["--quiet"]);
    let paper = print(&out.join("report.html"), dir.path());
    assert!((2..=12).contains(&paper.pages), "{} pages", paper.pages);
    for want in [
        "Wave",
        "Date of this paper",
        "Findings",
        "Appendix: detailed results",
    ] {
        assert!(paper.text.contains(want), "the paper lacks \"{want}\"");
    }
    for n in 1..=paper.pages {
        assert!(paper.text.contains(&format!("Page {n} of {}", paper.pages)));
    }
}
