//! Free-text quotes for the report: chosen deterministically, only from
//! groups large enough to publish, with personal details redacted.
//!
//! Quotes are off unless `--quotes N` asks for them. Redaction removes email
//! addresses, UK phone numbers, NHS numbers, UK postcodes, and the
//! respondent's own name when the export has a name column. It is a safety
//! net, not a licence: the report says quotes were redacted automatically.

use std::sync::OnceLock;

use foldhash::HashSet;

use regex::Regex;
use sha2::{Digest, Sha256};

struct Patterns {
    email: Regex,
    phone: Regex,
    nhs: Regex,
    postcode: Regex,
    /// A word, with inner apostrophes and hyphens ("O'Neil", "Mary-Jane").
    word: Regex,
    /// A word's parts between apostrophes and hyphens.
    part: Regex,
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
        word: Regex::new(r"\w+(?:['’-]\w+)*").expect("valid regex"),
        part: Regex::new(r"\w+").expect("valid regex"),
    })
}

/// Names of everyone in the export's name columns, as a set of words: a
/// quote may name a colleague who also answered, not only its writer. A set,
/// not one big pattern: a national export has hundreds of thousands of
/// distinct names, more than a regular expression may hold, and a pattern
/// that failed to build would silently redact no one.
pub struct Names(HashSet<String>);

impl Names {
    /// Whole words, as written (case-sensitive: "Will" the name, not "will").
    pub fn new<'a>(names: impl IntoIterator<Item = &'a String>) -> Names {
        Names(
            names
                .into_iter()
                .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                .cloned()
                .collect(),
        )
    }

    /// `text` with every word in the set replaced by `[name]`. A hyphenated
    /// or apostrophised word is one name ("O'Neil") or several ("Mary-Jane"
    /// when only "Mary" and "Jane" answered).
    fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            return text.to_string();
        }
        let Patterns { word, part, .. } = patterns();
        word.replace_all(text, |m: &regex::Captures| {
            let w = &m[0];
            if self.0.contains(w) {
                "[name]".to_string()
            } else {
                part.replace_all(w, |p: &regex::Captures| {
                    if self.0.contains(&p[0]) {
                        "[name]".to_string()
                    } else {
                        p[0].to_string()
                    }
                })
                .into_owned()
            }
        })
        .into_owned()
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
    out = everyone.redact(&out);
    // One line: quotes sit in lists and tables.
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Up to `n` of `candidates` (row, text), in an order fixed by the text's
/// hash: the same input always gives the same quotes, and early rows are not
/// favoured over late ones.
pub fn choose(candidates: Vec<(usize, &str)>, n: usize) -> Vec<usize> {
    let mut keyed: Vec<([u8; 32], usize)> = candidates
        .into_iter()
        .map(|(row, text)| (Sha256::digest(text.as_bytes()).into(), row))
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

    /// A national export names more people than one pattern could hold:
    /// every one of them must still be redacted.
    #[test]
    fn hundreds_of_thousands_of_names_are_all_redacted() {
        let words: Vec<String> = (0..400_000u64)
            .map(|i| format!("Nm{i:x}q{}", i * 7919 % 100_003))
            .collect();
        let everyone = Names::new(&words);
        let text = format!(
            "Thanks to {} and {}-{} for the help.",
            words[7], words[399_999], words[123_456]
        );
        assert_eq!(
            redact(&text, &[], &everyone),
            "Thanks to [name] and [name]-[name] for the help."
        );
    }

    #[test]
    fn apostrophised_names_are_one_word() {
        let everyone = Names::new(&["O'Neil".to_string(), "Jane".to_string()]);
        assert_eq!(
            redact("Ask O'Neil, Jane's manager, or Neil.", &[], &everyone),
            "Ask [name], [name]'s manager, or Neil."
        );
    }
}
