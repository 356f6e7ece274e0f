//! A realistic synthetic export of the SEL survey, in the Microsoft Forms
//! shape saved as UTF-8 CSV.
//!
//! It plants borough differences a report must find, so that the sample
//! doubles as an end-to-end check: Bexley staff are far more isolated, less
//! trained and less supported by peers; Greenwich lacks manager support;
//! Lewisham's job descriptions rarely cover cancer work; Lambeth staff are more
//! confident and better trained.
//!
//! The generator uses its own SplitMix64 rather than the `rand` crate, so the
//! same seed gives a byte-identical file whatever dependency versions are
//! built: committed samples and tests stay valid across upgrades.

use std::io::Write;

use anyhow::Result;

use crate::dates::{civil_from_days, days_from_civil};
use crate::survey::Template;

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, and stable forever.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by multiply-shift.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// Index drawn with the given relative weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut r = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if r < u64::from(w) {
                return i;
            }
            r -= u64::from(w);
        }
        weights.len() - 1
    }
}

const FIRST: &[&str] = &[
    "Amara", "Ben", "Chloe", "Dami", "Ewa", "Farah", "George", "Hannah", "Ibrahim", "Jade",
    "Kwame", "Leah", "Mohammed", "Niamh", "Olu", "Priya", "Rosa", "Sam", "Tomasz", "Yasmin",
];
const LAST: &[&str] = &[
    "Adeyemi",
    "Begum",
    "Clarke",
    "Da Silva",
    "Evans",
    "Fernandes",
    "Green",
    "Hussain",
    "Khan",
    "Lewis",
    "Mensah",
    "Nowak",
    "O'Brien",
    "Patel",
    "Quinn",
    "Reid",
    "Smith",
    "Taylor",
    "Walker",
];

const HELPS: &[&str] = &[
    "Protected time to do training during work hours.",
    "A short course written for non-clinical staff, not nurses.",
    "Knowing who to call when a patient asks something I can't answer.",
    "Regular peer support with other care coordinators across the borough.",
    "Clear information on local cancer support services, kept up to date.",
    "More confidence talking about symptoms without \"scaring\" patients.",
    "Shadowing the practice nurse or the cancer care reviews.",
    "A named lead in the PCN for cancer work.",
    "Supervision from someone who understands the role,\nnot just the admin side.",
    "Macmillan's training was good but hard to find time for.",
];

const COMMENTS: &[&str] = &[
    "I often feel I'm working on my own.",
    "Our role varies a lot between practices in the same PCN.",
    "Would value a community of practice, ideally online, once a month.",
    "Training is mostly aimed at GPs and nurses; it's hard to know what applies to us.",
    "Thank you for asking.",
    "Job description was written before I started doing cancer care reviews.",
];

/// Per-borough answer weights: how each borough differs from the baseline.
struct Profile {
    confidence: [u32; 5],
    trained: [u32; 3],
    peer: [u32; 3],
    manager: [u32; 3],
    isolation: [u32; 5],
    role_defined: [u32; 4],
    dont_know: f64,
}

const BASE: Profile = Profile {
    confidence: [8, 17, 30, 30, 15],
    trained: [55, 38, 7],
    peer: [30, 40, 30],
    manager: [35, 40, 25],
    isolation: [15, 30, 25, 20, 10],
    role_defined: [30, 35, 25, 10],
    dont_know: 0.28,
};

fn profile(borough: usize) -> Profile {
    match borough {
        // Bexley: isolated, untrained, unsure where to start.
        0 => Profile {
            confidence: [15, 25, 30, 20, 10],
            trained: [20, 72, 8],
            peer: [8, 27, 65],
            isolation: [4, 10, 16, 42, 28],
            dont_know: 0.62,
            ..BASE
        },
        // Greenwich: little manager support.
        2 => Profile {
            manager: [12, 30, 58],
            ..BASE
        },
        // Lambeth: confident and well trained.
        3 => Profile {
            confidence: [2, 6, 18, 42, 32],
            trained: [80, 17, 3],
            ..BASE
        },
        // Lewisham: job descriptions rarely cover cancer work.
        4 => Profile {
            role_defined: [12, 23, 55, 10],
            ..BASE
        },
        _ => BASE,
    }
}

/// The changes planted between waves.
fn planted(p: Profile, borough: usize, wave: u32) -> Profile {
    match (borough, wave) {
        // Bexley's isolation falls: a little by wave 2, to the SEL level by wave 3.
        (0, 2) => Profile {
            isolation: [7, 16, 20, 36, 21],
            ..p
        },
        (0, w) if w >= 3 => Profile {
            isolation: [18, 34, 24, 16, 8],
            ..p
        },
        // Greenwich's manager support recovers by wave 3.
        (2, w) if w >= 3 => Profile {
            manager: [40, 45, 15],
            ..p
        },
        _ => p,
    }
}

/// The share of a later wave's respondents who also answered wave 1.
const REPEAT_SHARE: f64 = 0.25;

/// Writes `rows` synthetic responses as CSV to `out`.
///
/// `wave` 1 is 2026 Q3; each later wave is the next quarter, a new sample of
/// the same population in which one respondent in four answered before.
/// Planted changes come on top (Bexley's isolation falls from wave 2;
/// Greenwich's manager support recovers from wave 3), so a comparison must
/// find those through sampling noise.
pub fn write_sample(
    template: &Template,
    rows: u64,
    seed: u64,
    wave: u32,
    out: &mut dyn Write,
) -> Result<()> {
    let q = |id: &str| -> &[String] {
        template
            .question(id)
            .map(|q| q.options.as_slice())
            .expect("sample is generated from the built-in template")
    };
    let text = |id: &str| {
        template
            .question(id)
            .map(|q| q.text.clone())
            .unwrap_or_default()
    };
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![
        "ID".to_string(),
        "Start time".into(),
        "Completion time".into(),
        "Email".into(),
        "Name".into(),
        "Last modified time".into(),
    ];
    header.extend(template.questions.iter().map(|q| q.text.clone()));
    w.write_record(&header)?;
    debug_assert_eq!(text("borough"), header[6]);

    // Start of the wave's quarter (wave 1: 2026-07-01), as days since 1970-01-01.
    let months = 6 + 3 * (i64::from(wave) - 1);
    let quarter_start = days_from_civil(2026 + months / 12, months % 12 + 1, 1);
    // One respondent's row, drawn from `rng`. The draws made do not depend
    // on the planted profiles, so a stream gives the same person in every
    // wave, changed only where a change is planted.
    let row = |rng: &mut Rng, id: u64| -> Vec<String> {
        let mut rec: Vec<String> = Vec::with_capacity(header.len());
        let started = quarter_start * 86_400 + rng.below(91 * 86_400) as i64;
        let finished = started + 120 + rng.below(900) as i64;
        rec.push(id.to_string());
        rec.push(forms_time(started));
        rec.push(forms_time(finished));
        if rng.chance(0.3) {
            rec.push("anonymous".into());
            rec.push(String::new());
        } else {
            let f = FIRST[rng.below(FIRST.len() as u64) as usize];
            let l = LAST[rng.below(LAST.len() as u64) as usize];
            let email = format!("{}.{}@nhs.net", f, l.replace([' ', '\''], "")).to_lowercase();
            rec.push(email);
            rec.push(format!("{f} {l}"));
        }
        rec.push(String::new());

        // Borough: six boroughs, cross-borough staff, and a few blanks.
        let b = rng.weighted(&[30, 40, 38, 45, 42, 40, 12, 3]);
        let boroughs = q("borough");
        rec.push(boroughs.get(b).cloned().unwrap_or_default());
        let p = planted(profile(b), b, wave);

        let pick = |rng: &mut Rng, id: &str, weights: &[u32]| -> String {
            if rng.chance(0.02) {
                return String::new();
            }
            q(id)[rng.weighted(weights)].clone()
        };
        rec.push(pick(rng, "org_type", &[40, 25, 12, 8, 10, 3, 2]));
        let role_w: &[u32] = if b == 5 {
            &[22, 24, 22, 12, 8, 8, 3, 1]
        } else {
            &[30, 10, 25, 15, 5, 10, 3, 2]
        };
        rec.push(pick(rng, "role", role_w));
        rec.push(pick(rng, "tenure", &[25, 35, 28, 12]));
        let involvement = rng.weighted(&[8, 22, 40, 22, 8]);
        let activities = match involvement {
            0 => "None of these;".to_string(),
            1 if rng.chance(0.5) => "Administrative tasks only;".to_string(),
            _ => multi(
                rng,
                q("activities"),
                &[0.5, 0.45, 0.3, 0.6, 0.35, 0.2, 0.35, 0.0, 0.0],
                Some(8),
            ),
        };
        rec.push(activities);
        rec.push(q("involvement")[involvement].clone());
        rec.push(pick(rng, "confidence", &p.confidence));
        let trained = rng.weighted(&p.trained);
        rec.push(q("trained")[trained].clone());
        let providers = if trained == 0 {
            multi(
                rng,
                q("providers"),
                &[0.5, 0.35, 0.4, 0.15, 0.25, 0.3, 0.05, 0.0],
                None,
            )
        } else if rng.chance(0.6) {
            "None;".to_string()
        } else {
            multi(
                rng,
                q("providers"),
                &[0.3, 0.1, 0.3, 0.0, 0.2, 0.0, 0.0, 0.0],
                Some(7),
            )
        };
        rec.push(providers);
        let route = if trained == 0 {
            rng.weighted(&[50, 20, 15, 15, 0])
        } else if rng.chance(0.8) {
            4
        } else {
            0
        };
        rec.push(q("training_route")[route].clone());
        let barriers = multi(
            rng,
            q("barriers"),
            &[0.6, p.dont_know, 0.45, 0.15, 0.15, 0.2, 0.0],
            Some(6),
        );
        rec.push(barriers);
        rec.push(pick(rng, "peer_support", &p.peer));
        rec.push(pick(rng, "manager_support", &p.manager));
        rec.push(pick(rng, "isolation", &p.isolation));
        rec.push(pick(rng, "role_defined", &p.role_defined));
        rec.push(pick(rng, "join_cop", &[60, 30, 10]));
        rec.push(if rng.chance(0.4) {
            HELPS[rng.below(HELPS.len() as u64) as usize].to_string()
        } else {
            String::new()
        });
        rec.push(if rng.chance(0.2) {
            COMMENTS[rng.below(COMMENTS.len() as u64) as usize].to_string()
        } else {
            String::new()
        });
        rec
    };
    // Wave 1 is one stream of respondents. A later wave is a new sample from
    // the same population: each row is a new respondent from a stream of
    // its own, or (one in four) the wave-1 respondent in that place again,
    // so figures move by sampling noise as real waves do, with the planted
    // changes on top.
    let mut first = Rng::new(seed);
    let mut fresh = Rng::new(seed ^ 0xA076_1D64_78BD_642F_u64.wrapping_mul(u64::from(wave)));
    let mut again = Rng::new(seed.rotate_left(17) ^ u64::from(wave));
    for id in 1..=rows {
        let repeat = row(&mut first, id);
        let rec = if wave <= 1 {
            repeat
        } else {
            let new = row(&mut fresh, id);
            if again.chance(REPEAT_SHARE) {
                repeat
            } else {
                new
            }
        };
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}

/// Ticks each option with its own probability, Forms style (`a;b;`). When
/// nothing was ticked, `fallback` (e.g. "None of these") is ticked instead.
fn multi(rng: &mut Rng, options: &[String], p: &[f64], fallback: Option<usize>) -> String {
    let mut cell = String::new();
    for (o, &pr) in options.iter().zip(p) {
        if rng.chance(pr) {
            cell.push_str(o);
            cell.push(';');
        }
    }
    if cell.is_empty()
        && let Some(f) = fallback
    {
        cell.push_str(&options[f]);
        cell.push(';');
    }
    cell
}

/// A timestamp as UK Excel shows a Forms date cell saved to CSV: `14/07/2026 10:23`.
fn forms_time(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{d:02}/{m:02}/{y} {:02}:{:02}", s / 3600, s % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_timestamps() {
        assert_eq!(
            forms_time(days_from_civil(2026, 9, 30) * 86_400 + 3_600 + 120),
            "30/09/2026 01:02"
        );
    }

    #[test]
    fn weighted_never_picks_zero_weight() {
        let mut rng = Rng::new(3);
        for _ in 0..10_000 {
            assert_ne!(rng.weighted(&[5, 0, 5]), 1);
        }
    }
}
