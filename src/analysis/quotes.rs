//! Free-text quotes for the report: chosen deterministically, only from
//! groups large enough to publish, with personal details redacted.
//!
//! Quotes are off unless `--quotes N` asks for them. Redaction removes email
//! addresses, UK phone numbers, NHS numbers, UK postcodes, and the
//! respondent's own name when the export has a name column. It is a safety
//! net, not a licence: the report says quotes were redacted automatically.

use std::sync::OnceLock;

use regex::Regex;
use sha2::{Digest, Sha256};

struct Patterns {
    email: Regex,
    phone: Regex,
    nhs: Regex,
    postcode: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        email: Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b").expect("valid regex"),
        // +44 7700 900123, +44 (0)20 7946 0000, 07700 900123, 020 7946 0000, 01632 960123.
        phone: Regex::new(r"(?:\+44\s?(?:\(0\)\s?)?|\b0)\d(?:[\s-]?\d){8,9}\b")
            .expect("valid regex"),
        // Ten digits, 3-3-4, with or without spaces or hyphens.
        nhs: Regex::new(r"\b\d{3}[\s-]?\d{3}[\s-]?\d{4}\b").expect("valid regex"),
        postcode: Regex::new(r"(?i)\b(?:[a-z]{1,2}\d[a-z\d]?|gir)\s*\d[a-z]{2}\b")
            .expect("valid regex"),
    })
}

/// Names of everyone in the export's name columns, as one pattern: a quote
/// may name a colleague who also answered, not only its writer.
pub struct Names(Option<Regex>);

impl Names {
    /// Whole words, as written (case-sensitive: "Will" the name, not "will").
    pub fn new<'a>(names: impl IntoIterator<Item = &'a String>) -> Names {
        let mut words: Vec<&str> = names
            .into_iter()
            .map(String::as_str)
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .collect();
        words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        words.dedup();
        if words.is_empty() {
            return Names(None);
        }
        let alternation = words
            .iter()
            .map(|w| regex::escape(w))
            .collect::<Vec<_>>()
            .join("|");
        Names(Regex::new(&format!(r"\b(?:{alternation})\b")).ok())
    }
}

/// `text` with personal details replaced by `[email]`, `[phone]`,
/// `[NHS number]`, `[postcode]` and `[name]`: the writer's own name in any
/// case, and any respondent's name as written.
pub fn redact(text: &str, own_name: &[String], everyone: &Names) -> String {
    let p = patterns();
    let mut out = p.email.replace_all(text, "[email]").into_owned();
    out = p.phone.replace_all(&out, "[phone]").into_owned();
    out = p.nhs.replace_all(&out, "[NHS number]").into_owned();
    out = p.postcode.replace_all(&out, "[postcode]").into_owned();
    for part in own_name {
        if let Ok(re) = Regex::new(&format!(r"(?i)\b{}\b", regex::escape(part))) {
            out = re.replace_all(&out, "[name]").into_owned();
        }
    }
    if let Some(re) = &everyone.0 {
        out = re.replace_all(&out, "[name]").into_owned();
    }
    // One line: quotes sit in lists and tables.
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Up to `n` of `candidates` (row, text), in an order fixed by the text's
/// hash: the same input always gives the same quotes, and early rows are not
/// favoured over late ones.
pub fn choose(candidates: Vec<(usize, &str)>, n: usize) -> Vec<usize> {
    let mut keyed: Vec<(String, usize)> = candidates
        .into_iter()
        .map(|(row, text)| {
            let h: String = Sha256::digest(text.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            (h, row)
        })
        .collect();
    keyed.sort();
    keyed.dedup_by(|a, b| a.0 == b.0);
    keyed.into_iter().take(n).map(|(_, row)| row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realistic_answers_are_redacted() {
        let name = vec!["Priya".to_string(), "Patel".to_string()];
        let cases = [
            (
                "Please email me at priya.patel@nhs.net or call 07700 900123 to discuss.",
                "Please email me at [email] or call [phone] to discuss.",
            ),
            (
                "Our team (Priya Patel, Lewisham) needs protected time.",
                "Our team ([name] [name], Lewisham) needs protected time.",
            ),
            (
                "A patient, NHS no. 943 476 5919, asked about bowel screening; another was 9434765870.",
                "A patient, NHS no. [NHS number], asked about bowel screening; another was [NHS number].",
            ),
            (
                "Ring the practice on 020 7946 0000 or +44 (0)20 7946 0001; we're at SE1 7EH.",
                "Ring the practice on [phone] or [phone]; we're at [postcode].",
            ),
            (
                "Based in BR6 0JA and DA146LT mostly.",
                "Based in [postcode] and [postcode] mostly.",
            ),
            ("Mobile +44 7700 900123.", "Mobile [phone]."),
            (
                "Training on 3 days in 2024 helped\\nabout 40% of us.",
                "Training on 3 days in 2024 helped\\nabout 40% of us.",
            ),
        ];
        let none = Names::new(&[]);
        for (input, expected) in cases {
            assert_eq!(redact(input, &name, &none), expected, "{input}");
        }
        // Names are only redacted as whole words.
        assert_eq!(
            redact("Patelski works here", &name, &none),
            "Patelski works here"
        );
        // A colleague who also answered is named as written.
        let everyone = Names::new(&["Sam".to_string(), "Okafor".to_string(), "Will".to_string()]);
        assert_eq!(
            redact("Sam Okafor helped; we will ask Will.", &[], &everyone),
            "[name] [name] helped; we will ask [name]."
        );
    }

    #[test]
    fn choice_is_deterministic_and_deduplicated() {
        let c = vec![(0, "a"), (1, "b"), (2, "a"), (3, "c")];
        let first = choose(c.clone(), 2);
        assert_eq!(first, choose(c.clone(), 2));
        assert_eq!(first.len(), 2);
        assert_eq!(choose(c, 10).len(), 3, "identical answers appear once");
    }
}
