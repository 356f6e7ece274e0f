//! What a raw cell means: the template's groups and options as matching keys,
//! and a decision per distinct cell value, cached, so a million rows with
//! twenty distinct answers cost twenty matches, not a million.

// A fast non-cryptographic hash: these maps are looked up once per cell of a
// possibly million-row export, and their keys are never attacker-chosen in a
// way that matters (a slow report is the worst case).
use foldhash::{HashMap, HashMapExt};

use crate::survey::{Kind, Template};
use crate::text::{group_key, key, split_multi};

/// One cell's code: an option index for one-answer questions (`None` = not
/// answered, or unrecognised and not counted), a bitmask for multi-select.
#[derive(Clone, Copy)]
pub(super) enum Coding {
    Choice(Option<u32>),
    Multi(u64),
}

/// What one raw cell means, decided once per distinct value.
struct Decision {
    coded: Coding,
    /// Parts of the cell that matched no option, as written.
    unknown: Vec<String>,
}

/// A cached decision: the coding, and where its unmatched pieces (if any)
/// are kept. Copy, so a cache hit costs one lookup and no borrow.
#[derive(Clone, Copy)]
struct Cached {
    coded: Coding,
    /// Index into `Coder::unknown_lists`; 0 is the empty list.
    unknown: u32,
}

/// Codes cells against one template. It holds no per-file or per-row state,
/// only what it has learnt about distinct values.
pub(super) struct Coder {
    kinds: Vec<Kind>,
    option_keys: Vec<Vec<String>>,
    /// Per question: index of an option called "Other", if any.
    other_option: Vec<Option<u32>>,
    group_keys: HashMap<String, u32>,
    prefix_keys: Vec<String>,
    /// The codes of Not stated and Other, after the template's groups.
    pub(super) not_stated: u32,
    pub(super) other: u32,
    group_cache: HashMap<String, u32>,
    caches: Vec<HashMap<String, Cached>>,
    /// Unmatched pieces of cached cells; entry 0 is the empty list.
    unknown_lists: Vec<Vec<String>>,
}

impl Coder {
    pub(super) fn new(template: &Template) -> Coder {
        let qs: Vec<_> = template.analysed_questions().collect();
        let option_keys: Vec<Vec<String>> = qs
            .iter()
            .map(|q| q.options.iter().map(|o| key(o)).collect())
            .collect();
        let other_option = option_keys
            .iter()
            .map(|ks| ks.iter().position(|k| k == "other").map(|i| i as u32))
            .collect();
        let prefix_keys: Vec<String> = template
            .group
            .ignore_prefixes
            .iter()
            .map(|p| key(p))
            .collect();
        let mut group_keys = HashMap::new();
        for (i, g) in template.group.values.iter().enumerate() {
            for name in std::iter::once(&g.name).chain(&g.aliases) {
                group_keys
                    .entry(group_key(name, &prefix_keys))
                    .or_insert(i as u32);
            }
        }
        let groups = template.group.values.len() as u32;
        Coder {
            kinds: qs.iter().map(|q| q.kind).collect(),
            option_keys,
            other_option,
            group_keys,
            prefix_keys,
            not_stated: groups,
            other: groups + 1,
            group_cache: HashMap::new(),
            caches: qs.iter().map(|_| HashMap::new()).collect(),
            unknown_lists: vec![Vec::new()],
        }
    }

    /// The group code of a group answer: a template group, Not stated when
    /// blank, Other when it matches none.
    pub(super) fn group(&mut self, raw: &str) -> u32 {
        if let Some(&g) = self.group_cache.get(raw) {
            return g;
        }
        let g = if raw.trim().is_empty() {
            self.not_stated
        } else {
            match self.group_keys.get(&group_key(raw, &self.prefix_keys)) {
                Some(&g) => g,
                None => self.other,
            }
        };
        self.group_cache.insert(raw.to_string(), g);
        g
    }

    /// Whether unmatched answers to question `qi` are counted as its Other option.
    pub(super) fn has_other(&self, qi: usize) -> bool {
        self.other_option[qi].is_some()
    }

    /// The code of a one-answer or multi-select cell of question `qi`, and
    /// the parts of it that matched no option.
    pub(super) fn answer(&mut self, qi: usize, cell: &str) -> (Coding, &[String]) {
        let d = match self.caches[qi].get(cell) {
            Some(&d) => d,
            None => {
                let decided = self.decide(qi, cell);
                let unknown = if decided.unknown.is_empty() {
                    0
                } else {
                    self.unknown_lists.push(decided.unknown);
                    (self.unknown_lists.len() - 1) as u32
                };
                let d = Cached {
                    coded: decided.coded,
                    unknown,
                };
                self.caches[qi].insert(cell.to_string(), d);
                d
            }
        };
        (d.coded, &self.unknown_lists[d.unknown as usize])
    }

    fn decide(&self, qi: usize, cell: &str) -> Decision {
        let keys = &self.option_keys[qi];
        let other = self.other_option[qi];
        match self.kinds[qi] {
            Kind::Multi => {
                let m = split_multi(cell, keys);
                let mut bits = m.bits;
                if !m.unknown.is_empty()
                    && let Some(o) = other
                {
                    bits |= 1 << o;
                }
                Decision {
                    coded: Coding::Multi(bits),
                    unknown: m.unknown,
                }
            }
            Kind::Single | Kind::Likert | Kind::Text => {
                let k = key(cell);
                if k.is_empty() {
                    return Decision {
                        coded: Coding::Choice(None),
                        unknown: vec![],
                    };
                }
                match keys.iter().position(|o| *o == k) {
                    Some(i) => Decision {
                        coded: Coding::Choice(Some(i as u32)),
                        unknown: vec![],
                    },
                    None => Decision {
                        coded: Coding::Choice(other),
                        unknown: vec![cell.trim().to_string()],
                    },
                }
            }
        }
    }
}
