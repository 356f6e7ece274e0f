//! The ground floor every layer may use: the text matching rules shared by
//! headers, groups and answers (load, survey, normalise, analysis), and the
//! small phrasing helpers of report prose (render).
//!
//! Exports mangle text in predictable ways: Excel curls apostrophes, people type
//! "LAMBETH " or "LB Lambeth", Forms adds trailing `;`. Every comparison goes
//! through [`key`] so that one rule decides what "the same answer" means.

/// Canonical comparison key: lower case, curly quotes straightened, runs of
/// whitespace (including non-breaking spaces) folded to one space, trimmed.
pub fn key(s: &str) -> String {
    key_mapped(s).0
}

/// [`key`], plus for each byte of the key the offset in `s` of the character
/// it came from, so a piece of the key can be shown as the user wrote it.
fn key_mapped(s: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len());
    let mut pending_space = None;
    for (at, c) in s.char_indices() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201F}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        };
        if c.is_whitespace() {
            if !out.is_empty() && pending_space.is_none() {
                pending_space = Some(at);
            }
            continue;
        }
        if let Some(sp) = pending_space.take() {
            out.push(' ');
            map.push(sp);
        }
        let before = out.len();
        out.extend(c.to_lowercase());
        map.resize(map.len() + out.len() - before, at);
    }
    (out, map)
}

/// Key for a column header: like [`key`], and trailing punctuation that forms
/// add or drop (`?`, `:`, `.`, `*`) does not matter.
pub fn header_key(s: &str) -> String {
    let k = key(s.trim_start_matches('\u{feff}'));
    k.trim_end_matches(['?', ':', '.', '*', ' ', ','])
        .to_string()
}

/// Key for a group answer: like [`key`], with the configured prefixes
/// ("London Borough of", "LB") removed when followed by a word.
pub fn group_key(s: &str, prefix_keys: &[String]) -> String {
    let k = key(s);
    for p in prefix_keys {
        if let Some(rest) = k.strip_prefix(p.as_str())
            && let Some(rest) = rest.strip_prefix(' ')
            && !rest.is_empty()
        {
            return rest.to_string();
        }
    }
    k
}

/// Lower-cases the first letter for use mid-sentence ("Borough" -> "borough"),
/// leaving acronyms ("PCN", "NHS staff") as written.
/// The first letter as a capital: a phrase made to follow other words,
/// starting a sentence of its own.
pub fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // Keep acronyms and words like "I" as written.
        Some(f) if c.clone().next().is_some_and(|n| n.is_lowercase()) => {
            f.to_lowercase().chain(c).collect()
        }
        _ => s.to_string(),
    }
}

/// One multi-select cell, matched against the question's option keys.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MultiMatch {
    /// Bit i set when option i was ticked.
    pub bits: u64,
    /// Pieces of the cell that match no option, as written.
    pub unknown: Vec<String>,
}

/// Splits a multi-select cell by matching known options, not by splitting on
/// commas: "Screening uptake (bowel, breast, cervical)" contains commas, and
/// platforms join choices with `;` (Forms, trailing `;` included), `, `
/// (Google Sheets) or `,` (Qualtrics).
///
/// At each position the longest option followed by a separator (or the end)
/// wins. Text that matches no option runs to the next separator: `;` when the
/// cell uses `;`, otherwise `,`.
pub fn split_multi(cell: &str, option_keys: &[String]) -> MultiMatch {
    let (k, map) = key_mapped(cell);
    let bytes = k.as_bytes();
    let unknown_sep = if k.contains(';') { b';' } else { b',' };
    let is_sep = |b: u8| b == b';' || b == b',' || b == b' ';
    let mut m = MultiMatch::default();
    let mut i = 0;
    while i < bytes.len() {
        if is_sep(bytes[i]) {
            i += 1;
            continue;
        }
        let rest = &k[i..];
        let best = option_keys
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                !o.is_empty()
                    && rest.starts_with(o.as_str())
                    && rest[o.len()..]
                        .bytes()
                        .find(|&b| b != b' ')
                        .is_none_or(|b| b == b';' || b == b',')
            })
            .max_by_key(|(_, o)| o.len());
        match best {
            Some((idx, o)) => {
                m.bits |= 1u64 << idx;
                i += o.len();
            }
            None => {
                let end = rest
                    .bytes()
                    .position(|b| b == unknown_sep)
                    .map_or(bytes.len(), |p| i + p);
                if !k[i..end].trim().is_empty() {
                    // Show the piece as written: from its first character in
                    // the cell to the character before the separator.
                    let from = map[i];
                    let to = if end < map.len() {
                        map[end]
                    } else {
                        cell.len()
                    };
                    m.unknown.push(cell[from..to].trim().to_string());
                }
                i = end;
            }
        }
    }
    m
}

/// `1 row`, `3 rows`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "A", "Z", "AA", "XFD" for a 0-based spreadsheet column: messages name a
/// cell's column as the user's spreadsheet shows it, for CSVs too.
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut name = Vec::new();
    while n > 0 {
        name.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_letters_change_case_and_nothing_else() {
        assert_eq!(upper_first("the largest"), "The largest");
        assert_eq!(upper_first("ébauche"), "Ébauche");
        assert_eq!(upper_first(""), "");
    }

    #[test]
    fn columns_are_named_as_spreadsheets_name_them() {
        let names: Vec<String> = [0, 25, 26, 51, 52, 701, 702, 16_383]
            .into_iter()
            .map(column_name)
            .collect();
        assert_eq!(names, ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]);
    }

    fn keys(opts: &[&str]) -> Vec<String> {
        opts.iter().map(|o| key(o)).collect()
    }

    #[test]
    fn key_folds_case_space_and_curly_quotes() {
        assert_eq!(
            key("  Guy’s   Cancer\u{a0}Academy "),
            "guy's cancer academy"
        );
        assert_eq!(key("LAMBETH"), key(" lambeth"));
        assert_eq!(key(""), "");
    }

    #[test]
    fn lower_first_keeps_acronyms() {
        assert_eq!(lower_first("Feel isolated"), "feel isolated");
        assert_eq!(lower_first("NHS staff"), "NHS staff");
        assert_eq!(lower_first("PCN"), "PCN");
        assert_eq!(lower_first("Borough"), "borough");
    }

    #[test]
    fn header_key_ignores_trailing_punctuation() {
        assert_eq!(
            header_key("Which borough do you mainly work in?"),
            header_key("which borough do you mainly work in")
        );
        assert_eq!(header_key("\u{feff}ID"), "id");
    }

    #[test]
    fn group_prefixes_are_ignored() {
        let p = keys(&["London Borough of", "Royal Borough of", "LB", "RB"]);
        for raw in [
            "LB Lambeth",
            " lambeth",
            "LAMBETH",
            "London Borough of  Lambeth",
        ] {
            assert_eq!(group_key(raw, &p), "lambeth", "{raw}");
        }
        assert_eq!(group_key("Royal Borough of Greenwich", &p), "greenwich");
        // A prefix alone, or glued to a word, is not stripped.
        assert_eq!(group_key("LB", &p), "lb");
        assert_eq!(group_key("Lbexley", &p), "lbexley");
    }

    const ACTIVITIES: &[&str] = &[
        "Cancer care reviews",
        "Screening uptake (bowel, breast, cervical)",
        "Signposting to cancer support services",
        "None of these",
    ];

    #[test]
    fn multi_with_commas_inside_an_option() {
        let o = keys(ACTIVITIES);
        for cell in [
            "Cancer care reviews;Screening uptake (bowel, breast, cervical);",
            "Cancer care reviews;Screening uptake (bowel, breast, cervical)",
            "Cancer care reviews, Screening uptake (bowel, breast, cervical)",
            "Screening uptake (bowel, breast, cervical),Cancer care reviews",
            " cancer CARE reviews ; screening uptake (bowel,  breast, cervical) ;",
        ] {
            let m = split_multi(cell, &o);
            assert_eq!(m.bits, 0b11, "{cell}");
            assert!(m.unknown.is_empty(), "{cell}: {:?}", m.unknown);
        }
    }

    #[test]
    fn multi_unknown_pieces_are_reported() {
        let o = keys(ACTIVITIES);
        let m = split_multi("Cancer care reviews;Home visits, mostly;", &o);
        assert_eq!(m.bits, 0b1);
        assert_eq!(m.unknown, vec!["Home visits, mostly".to_string()]);
        let m = split_multi("Home  Visits, Cancer care reviews", &o);
        assert_eq!(m.bits, 0b1);
        assert_eq!(m.unknown, vec!["Home  Visits".to_string()]);
        let m = split_multi("Cancer care reviews;Café visits", &o);
        assert_eq!(m.unknown, vec!["Café visits".to_string()]);
    }

    #[test]
    fn multi_prefers_longest_option() {
        let o = keys(&["None", "None of these"]);
        assert_eq!(split_multi("None of these;", &o).bits, 0b10);
        assert_eq!(split_multi("None;", &o).bits, 0b01);
    }

    #[test]
    fn multi_option_must_end_at_a_separator() {
        // "Cost" must not match the start of "Costly courses".
        let o = keys(&["Cost"]);
        let m = split_multi("Costly courses", &o);
        assert_eq!(m.bits, 0);
        assert_eq!(m.unknown, vec!["Costly courses".to_string()]);
    }

    #[test]
    fn blank_multi_cell_is_empty() {
        let o = keys(ACTIVITIES);
        assert_eq!(split_multi(" ; ", &o), MultiMatch::default());
    }
}
