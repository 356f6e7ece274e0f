//! Charts: what each says (structural snapshots), byte-identical PNGs, nothing hidden
//! drawn as a value, and layouts that hold for 20 groups with long labels.

mod common;

use std::fmt::Write;
use std::path::Path;

use common::*;

/// Width of `s` in ems of DejaVu Sans, the font the charts are drawn in.
fn advance(s: &str) -> f64 {
    use ab_glyph::{Font, FontRef};
    let bytes = include_bytes!("../assets/fonts/DejaVuSans.ttf");
    let font = FontRef::try_from_slice(bytes).expect("bundled font");
    let per_em = font.units_per_em().expect("scalable font") as f64;
    s.chars()
        .map(|c| font.h_advance_unscaled(font.glyph_id(c)) as f64 / per_em)
        .sum()
}

/// (x, y, font size, anchor, text) of every `<text>` in an SVG.
fn texts(svg: &str) -> Vec<(f64, f64, f64, String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let i = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[i..].split('"').next()?.to_string())
    };
    svg.split("<text")
        .skip(1)
        .filter_map(|chunk| {
            let (tag, rest) = chunk.split_once('>')?;
            let body = rest
                .split("</text>")
                .next()?
                .trim()
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            Some((
                attr(tag, "x")?.parse().ok()?,
                attr(tag, "y")?.parse().ok()?,
                attr(tag, "font-size")?.parse().ok()?,
                attr(tag, "text-anchor").unwrap_or_default(),
                body,
            ))
        })
        .collect()
}

#[test]
fn svg_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    report(&[&sample()], &out, &["--quiet", "--format", "svg,json"]);
    for id in [
        "indicators",
        "heatmap",
        "q-isolation",
        "q-role",
        "q-barriers",
    ] {
        let svg = std::fs::read_to_string(out.join(format!("charts/{id}.svg"))).unwrap();
        insta::assert_snapshot!(format!("chart_{id}"), structure(&svg));
    }
}

/// What a chart says and how much it draws, without its coordinates: the
/// count of each kind of shape, then every text with its font size. A
/// wording or layout change shows up here in a reviewable diff; the exact
/// bytes are locked once, by the committed sample report
/// (`sample_and_snapshots::committed_sample_report_is_current`).
fn structure(svg: &str) -> String {
    let mut o = String::new();
    for shape in ["rect", "polygon", "polyline", "circle", "line", "path"] {
        let n = svg.matches(&format!("<{shape} ")).count();
        let _ = writeln!(o, "{shape}: {n}");
    }
    for (_, _, size, _, text) in texts(svg) {
        let _ = writeln!(o, "{size:>4.1} {text}");
    }
    o
}

#[test]
fn charts_are_written_for_every_question_and_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let s = report_all(&[&sample()], &a, &["--quiet"]);
    report_all(&[&sample()], &b, &["--quiet"]);
    let files: Vec<(String, Vec<u8>)> = tree(&a.join("charts"));
    assert_eq!(files, tree(&b.join("charts")));
    let charted = s["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] != "text")
        .count();
    let (svgs, pngs) = (
        files.iter().filter(|(f, _)| f.ends_with(".svg")).count(),
        files.iter().filter(|(f, _)| f.ends_with(".png")).count(),
    );
    assert_eq!(
        svgs,
        charted + 2,
        "a chart per question, plus indicators and heatmap"
    );
    assert_eq!(pngs, svgs);
    for (f, bytes) in &files {
        if f.ends_with(".svg") {
            // A standalone file says what it shows: a title and a
            // description first inside the root, the title also drawn.
            let svg = std::str::from_utf8(bytes).unwrap();
            let inner = &svg[svg.find("<svg").unwrap()..];
            let after_root = &inner[inner.find('>').unwrap() + 1..];
            let title = after_root
                .trim_start()
                .strip_prefix("<title>")
                .and_then(|t| t.split_once("</title>"))
                .map(|(t, _)| t)
                .unwrap_or_else(|| panic!("{f}: no <title> first"));
            let desc = after_root
                .split_once("<desc>")
                .and_then(|(_, d)| d.split_once("</desc>"))
                .map(|(d, _)| d)
                .unwrap_or_else(|| panic!("{f}: no <desc>"));
            assert!(
                !title.is_empty() && desc.len() > 20,
                "{f}: {title} / {desc}"
            );
            assert_eq!(svg.matches("<title>").count(), 1, "{f}");
            let plain = title
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            assert!(
                texts(svg).iter().any(|t| plain.starts_with(&t.4)),
                "{f}: the title is drawn too"
            );
        }
        if f.ends_with(".png") {
            assert!(bytes.starts_with(b"\x89PNG"), "{f}");
            // IHDR width is bytes 16..20, big-endian.
            assert_eq!(
                u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
                1600,
                "{f} is 1600 px wide"
            );
        }
    }
    let md = std::fs::read_to_string(a.join("report.md")).unwrap();
    for (f, _) in files.iter().filter(|(f, _)| f.ends_with(".svg")) {
        assert!(
            md.contains(&format!("](charts/{f})")),
            "report.md links {f}"
        );
    }
    // Alt text states the finding, not just the chart's name.
    assert!(
        md.contains("Worse than All: Bexley on 4 of 9, Greenwich on 1 of 9 and Lewisham on 1 of 9. Better than All: Lambeth on 2 of 9"),
        "indicator alt text"
    );
}

#[test]
fn hidden_figures_are_never_drawn_as_values() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let s = report(&[&sample()], &out, &["--quiet", "--format", "svg,json"]);
    // Every percentage text in the heatmap must be a published figure.
    let svg = std::fs::read_to_string(out.join("charts/heatmap.svg")).unwrap();
    let shown: Vec<String> = texts(&svg)
        .into_iter()
        .map(|t| t.4)
        .filter(|t| t.ends_with('%') && t.len() <= 4)
        .collect();
    let mut published: Vec<String> = vec![];
    for ind in s["indicators"].as_array().unwrap() {
        for c in ind["cells"].as_array().unwrap() {
            if let Some(p) = c["percent"].as_f64() {
                published.push(format!("{}%", p.round() as i64));
            }
        }
    }
    for t in shown
        .iter()
        .filter(|t| !["0%", "25%", "50%", "75%", "100%"].contains(&t.as_str()))
    {
        assert!(
            published.contains(t),
            "heatmap shows {t}, which is not a published figure"
        );
    }
    // Hidden cells read "[c]", hatched, never a value.
    assert!(texts(&svg).iter().any(|t| t.4 == "[c]"));
}

/// A survey with 20 groups and long option and group names.
fn twenty_groups(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let names: Vec<String> = (1..=20)
        .map(|i| format!("Integrated neighbourhood team number {i:02} of the very long locality"))
        .collect();
    let agree = [
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ];
    let supports = [
        "An extremely long option label that goes on and on, with commas, about protected learning time",
        "Peer support",
        "Coaching",
    ];
    let mut toml = String::from(
        "title = \"Twenty areas\"\n[group]\nquestion = \"area\"\nlabel = \"Area\"\nvalues = [\n",
    );
    for n in &names {
        let _ = writeln!(toml, "  {{ name = \"{n}\" }},");
    }
    toml.push_str("]\n[[sections]]\nid = \"s\"\ntitle = \"Results\"\n");
    let _ = write!(
        toml,
        "[[questions]]\nid = \"area\"\ntext = \"Area\"\nkind = \"single\"\n\
         [[questions]]\nid = \"stress\"\ntext = \"I feel stressed\"\nkind = \"likert\"\nsection = \"s\"\noptions = {agree:?}\n\
         [[questions]]\nid = \"role\"\ntext = \"Role\"\nkind = \"single\"\nsection = \"s\"\noptions = {:?}\n\
         [[questions]]\nid = \"supports\"\ntext = \"Supports used\"\nkind = \"multi\"\nsection = \"s\"\noptions = {supports:?}\n\
         [[indicators]]\nid = \"stressed\"\nlabel = \"Feel stressed at work, most or all of the time, according to the staff survey\"\nsection = \"s\"\nquestion = \"stress\"\ncounts = [\"Agree\", \"Strongly agree\"]\nhigher_is = \"worse\"\n",
        supports
    );
    let mut csv = String::from("ID,Area,I feel stressed,Role,Supports used\n");
    let mut id = 0;
    for (g, n) in names.iter().enumerate() {
        for k in 0..12 {
            id += 1;
            let s = agree[(g + k) % 5];
            let role = supports[(g * 7 + k) % 3];
            let sup = if k % 2 == 0 {
                format!("{};Coaching;", supports[0])
            } else {
                "Peer support;".into()
            };
            let _ = writeln!(csv, "{id},{n},{s},\"{role}\",\"{sup}\"");
        }
    }
    let (t, c) = (dir.join("twenty.toml"), dir.join("twenty.csv"));
    std::fs::write(&t, toml).unwrap();
    std::fs::write(&c, csv).unwrap();
    (t, c)
}

#[test]
fn twenty_groups_and_long_labels_lay_out_without_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let (toml, csv) = twenty_groups(dir.path());
    let out = dir.path().join("r");
    let s = report(
        &[&csv],
        &out,
        &[
            "--quiet",
            "--format",
            "svg,json",
            "--config",
            toml.to_str().unwrap(),
        ],
    );
    assert_eq!(s["groups"].as_array().unwrap().len(), 20);
    for id in ["indicators", "heatmap", "q-stress", "q-role", "q-supports"] {
        let svg = std::fs::read_to_string(out.join(format!("charts/{id}.svg"))).unwrap();
        let t = texts(&svg);
        // Nothing runs off the canvas, measured with the bundled font's own
        // glyph advances at the size the SVG states.
        for (x, _, size, anchor, body) in &t {
            let body = body.replace("&apos;", "'");
            let w = advance(&body) * size;
            let right = match anchor.as_str() {
                "middle" => x + w / 2.0,
                "end" => *x,
                _ => x + w,
            };
            assert!(
                right <= 1000.0 + 1.0,
                "{id}: \"{body}\" runs off the canvas ({right})"
            );
        }
        // Group labels in the left column never overlap one another.
        let mut rows: Vec<(f64, f64)> = t
            .iter()
            .filter(|(x, _, _, a, body)| {
                *x < 45.0 && a == "start" && body.contains(". Integ") && body.ends_with('…')
            })
            .map(|(_, y, size, _, _)| (*y, *size))
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        if id != "heatmap" && !id.starts_with("indicators") && id != "q-supports" {
            assert_eq!(rows.len(), 20, "{id}: every group is labelled");
        }
        for w in rows.windows(2) {
            assert!(
                w[1].0 - w[0].0 >= w[0].1,
                "{id}: labels at y={} and y={} overlap",
                w[0].0,
                w[1].0
            );
        }
        // Long labels are shortened with an ellipsis and numbered, with the
        // full names in a key, so groups stay distinguishable.
        assert!(
            t.iter()
                .any(|x| x.4.starts_with("20. Integ") && x.4.ends_with('…')),
            "{id}: long labels are numbered and shortened"
        );
        let key: String = t.iter().map(|x| x.4.as_str()).collect::<Vec<_>>().join(" ");
        assert!(
            key.contains(
                "Key: 1. Integrated neighbourhood team number 01 of the very long locality"
            ),
            "{id}: the key names every group"
        );
        assert!(t.iter().any(|x| x.4 == "Key:"), "{id}: a key");
        assert!(
            key.contains("20. Integrated neighbourhood team number 20 of the very long locality"),
            "{id}: the key names every group"
        );
    }
}

/// The heatmap colours each cell by its verdict against All, whatever the
/// percentage: the same fill means the same news in every column.
#[test]
fn heatmap_cells_are_coloured_by_their_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let s = report(&[&sample()], &out, &["--quiet", "--format", "svg,json"]);
    let svg = std::fs::read_to_string(out.join("charts/heatmap.svg")).unwrap();
    // Cells are the filled 38-unit-high rectangles; (x, y, fill).
    let cells: Vec<(i64, i64, String)> = svg
        .split("<rect")
        .skip(1)
        .filter_map(|r| {
            let tag = r.split('>').next()?;
            let get = |n: &str| {
                let i = tag.find(&format!(" {n}=\""))? + n.len() + 3;
                Some(tag[i..].split('"').next()?.to_string())
            };
            (get("height")? == "38" && get("fill")? != "none").then(|| {
                (
                    get("x").unwrap().parse().unwrap(),
                    get("y").unwrap().parse().unwrap(),
                    get("fill").unwrap(),
                )
            })
        })
        .collect();
    let mut xs: Vec<i64> = cells.iter().map(|c| c.0).collect();
    let mut ys: Vec<i64> = cells.iter().map(|c| c.1).collect();
    xs.sort();
    xs.dedup();
    ys.sort();
    ys.dedup();
    let indicators = s["indicators"].as_array().unwrap();
    let mut groups = group_names(&s);
    groups.push("All".into());
    assert_eq!((xs.len(), ys.len()), (indicators.len(), groups.len()));
    let mut seen = std::collections::BTreeMap::new();
    for (x, y, fill) in &cells {
        let ind = &indicators[xs.binary_search(x).unwrap()];
        let g = &groups[ys.binary_search(y).unwrap()];
        let c = indicator(&s, ind["id"].as_str().unwrap(), g);
        let expect = if c["percent"].is_null() {
            "#F5F5F5" // hatched: hidden
        } else {
            match c["vs_all"].as_str() {
                Some("worse") => "#F8C4A0",
                Some("better") => "#B0D4EE",
                _ => "#F2F2F2",
            }
        };
        assert_eq!(fill, expect, "{g} / {}", ind["id"]);
        *seen.entry(expect).or_insert(0) += 1;
    }
    // The sample has planted differences both ways, so all kinds appear.
    assert_eq!(seen.len(), 4, "{seen:?}");
    // A mark, not colour alone: one symbol per flagged cell.
    let flagged = cells
        .iter()
        .filter(|c| c.2 == "#F8C4A0" || c.2 == "#B0D4EE")
        .count();
    let symbols = texts(&svg)
        .iter()
        .filter(|t| t.4 == "▲ worse" || t.4 == "■ better")
        .count();
    assert_eq!(symbols, flagged);
}

/// Writes a template and an export into `dir`, reports them in `formats`,
/// and returns the report folder.
fn report_from(dir: &Path, toml: &str, csv: &str, formats: &str) -> std::path::PathBuf {
    let (t, c) = (dir.join("t.toml"), dir.join("c.csv"));
    std::fs::write(&t, toml).unwrap();
    std::fs::write(&c, csv).unwrap();
    let out = dir.join("r");
    report(
        &[&c],
        &out,
        &[
            "--quiet",
            "--format",
            formats,
            "--config",
            t.to_str().unwrap(),
        ],
    );
    out
}

/// Stacked bars tell options apart only by colour, and the palette has
/// eight: a one-answer question with more options is drawn as a grid of
/// shares with every option named, and says its shares add up to 100%;
/// one with eight keeps its stacked bars.
#[test]
fn a_single_choice_question_with_more_options_than_colours_is_a_grid() {
    let dir = tempfile::tempdir().unwrap();
    let options: Vec<String> = (b'A'..=b'L')
        .map(|c| format!("Team {}", c as char))
        .collect();
    let mut toml = String::from(
        "title = \"Teams\"\n[group]\nquestion = \"area\"\nlabel = \"Area\"\nvalues = [{ name = \"North\" }, { name = \"South\" }]\n\
         [[sections]]\nid = \"s\"\ntitle = \"Results\"\n\
         [[questions]]\nid = \"area\"\ntext = \"Area\"\nkind = \"single\"\n",
    );
    let _ = write!(
        toml,
        "[[questions]]\nid = \"team\"\ntext = \"Team\"\nkind = \"single\"\nsection = \"s\"\noptions = {options:?}\n\
         [[questions]]\nid = \"eight\"\ntext = \"Eight\"\nkind = \"single\"\nsection = \"s\"\noptions = {:?}\n",
        &options[..8]
    );
    let mut csv = String::from("ID,Area,Team,Eight\n");
    for id in 0..120 {
        let area = if id % 2 == 0 { "North" } else { "South" };
        let _ = writeln!(csv, "{id},{area},{},{}", options[id % 12], options[id % 8]);
    }
    let out = report_from(dir.path(), &toml, &csv, "svg,json");
    let svg = |id: &str| std::fs::read_to_string(out.join(format!("charts/{id}.svg"))).unwrap();
    let grid: Vec<String> = texts(&svg("q-team")).into_iter().map(|x| x.4).collect();
    for o in &options {
        assert!(
            grid.iter().any(|t| t == o),
            "\"{o}\" is named in the grid: {grid:?}"
        );
    }
    let said = grid.join(" ");
    assert!(said.contains("add up to 100%"), "{said}");
    assert!(!said.contains("more than one"), "{said}");
    let stacked = texts(&svg("q-eight"))
        .into_iter()
        .map(|x| x.4)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        !stacked.contains("grey track"),
        "eight options keep stacked bars: {stacked}"
    );
}

/// Indicators written from one matrix question share all but the item in
/// brackets: the heatmap's columns, the indicators chart and the brief are
/// headed by the item, and the shared wording is given once in each chart
/// and in the report.
#[test]
fn indicators_from_one_matrix_question_are_headed_by_their_items() {
    let dir = tempfile::tempdir().unwrap();
    let stem =
        "Thinking about the support you get at work, how far do you agree with each statement?";
    let items = [
        "My manager listens",
        "My team helps",
        "I know where to get training",
    ];
    let agree = ["Disagree", "Neutral", "Agree"];
    let mut toml = String::from(
        "title = \"Matrix\"\n[group]\nquestion = \"area\"\nlabel = \"Area\"\nvalues = [{ name = \"North\" }, { name = \"South\" }]\n\
         [[sections]]\nid = \"s\"\ntitle = \"Results\"\n\
         [[questions]]\nid = \"area\"\ntext = \"Area\"\nkind = \"single\"\n",
    );
    let mut head = String::from("ID,Area");
    for (k, item) in items.iter().enumerate() {
        let text = format!("{stem} [{item}]");
        let _ = write!(
            toml,
            "[[questions]]\nid = \"q{k}\"\ntext = \"{text}\"\nkind = \"likert\"\nsection = \"s\"\noptions = {agree:?}\n\
             [[indicators]]\nid = \"i{k}\"\nlabel = \"{text}: Agree\"\nsection = \"s\"\nquestion = \"q{k}\"\ncounts = [\"Agree\"]\nhigher_is = \"better\"\n"
        );
        let _ = write!(head, ",\"{text}\"");
    }
    let mut csv = head + "\n";
    for id in 0..90 {
        let area = if id % 2 == 0 { "North" } else { "South" };
        let _ = writeln!(
            csv,
            "{id},{area},{},{},{}",
            agree[id % 3],
            agree[id / 3 % 3],
            agree[id / 9 % 3]
        );
    }
    let out = report_from(dir.path(), &toml, &csv, "svg,md,json");
    for chart in ["heatmap", "indicators"] {
        let svg = std::fs::read_to_string(out.join(format!("charts/{chart}.svg"))).unwrap();
        let said = texts(&svg)
            .into_iter()
            .map(|x| x.4)
            .collect::<Vec<_>>()
            .join(" ");
        for item in items {
            // Wrapped over lines, so its first words.
            let start: String = item.split(' ').take(2).collect::<Vec<_>>().join(" ");
            assert!(
                said.contains(&start),
                "{chart}: \"{start}\" heads a column: {said}"
            );
        }
        // The shared wording once, under the title, not in every heading.
        assert_eq!(said.matches("Thinking about").count(), 1, "{chart}: {said}");
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for item in items {
        assert!(
            md.contains(&format!("- **{item}:**")),
            "the brief names \"{item}\":\n{md}"
        );
    }
    assert_eq!(
        md.matches("Each measure is \"Thinking about").count(),
        1,
        "{md}"
    );
    assert!(md.contains("The measures share their wording"), "{md}");
}
