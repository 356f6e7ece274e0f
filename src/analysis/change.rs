//! Comparing two waves: for each headline indicator and group, the change in
//! percentage points, its 95% Newcombe interval and p-value, and whether it
//! is larger than chance once every figure compared is allowed for (Holm's
//! step-down method at 5% over the comparison's p-values: 70 figures at 95%
//! each would otherwise find three or four changes in pure noise).
//!
//! Waves are compared by indicator id, so a template that gained or lost
//! questions still compares what both waves have. A figure suppressed in
//! either wave is never used: the row says why instead.

use anyhow::{Context, Result, bail};

use super::stats::{Z95, holm, newcombe, newcombe_p};
use crate::summary::{
    ALL, COMPARISON_SCHEMA, ChangeRow, Comparison, Direction, Polarity, SCHEMA, Summary, WaveRef,
};

/// A wave's name for people: its label, else its title.
pub fn wave_label(s: &Summary) -> String {
    s.wave.clone().unwrap_or_else(|| s.title.clone())
}

fn wave_ref(s: &Summary) -> WaveRef {
    WaveRef {
        label: wave_label(s),
        title: s.title.clone(),
        analysed: s.responses.analysed,
    }
}

/// Reads a summary.json (or a report folder holding one), checking its
/// schema version so an incompatible file is refused by name.
pub fn read_summary(path: &std::path::Path) -> Result<Summary> {
    let file = if path.is_dir() {
        path.join("summary.json")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not valid JSON", file.display()))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(SCHEMA) => {}
        Some(other) if other.starts_with("survey-lens.summary.") => bail!(
            "{} uses schema {other}; this survey-lens reads {SCHEMA}. Re-run `report` on that wave's export to rebuild it",
            file.display()
        ),
        _ => bail!(
            "{} is not a survey-lens summary.json (no \"schema\": \"{SCHEMA}\")",
            file.display()
        ),
    }
    serde_json::from_value(value)
        .with_context(|| format!("{} does not match schema {SCHEMA}", file.display()))
}

pub fn compare(prev: &Summary, cur: &Summary) -> Result<Comparison> {
    let mut rows = Vec::new();
    let mut not_compared = Vec::new();
    let shared = cur
        .indicators
        .iter()
        .filter(|i| prev.indicators.iter().any(|p| p.id == i.id))
        .count();
    if shared == 0 {
        bail!(
            "\"{}\" and \"{}\" share no headline indicator ids, so they cannot be compared; were they made with different templates?",
            wave_label(prev),
            wave_label(cur)
        );
    }
    if prev.title != cur.title {
        not_compared.push(format!(
            "The waves have different titles (\"{}\" and \"{}\"); indicators were matched by id.",
            prev.title, cur.title
        ));
    }
    for p in &prev.indicators {
        if !cur.indicators.iter().any(|c| c.id == p.id) {
            not_compared.push(format!(
                "\"{}\" ({}) is only in {}.",
                p.label,
                p.id,
                wave_label(prev)
            ));
        }
    }
    for ind in &cur.indicators {
        let Some(pind) = prev.indicators.iter().find(|p| p.id == ind.id) else {
            not_compared.push(format!(
                "\"{}\" ({}) is new in {}.",
                ind.label,
                ind.id,
                wave_label(cur)
            ));
            continue;
        };
        for g in cur.groups_and_all() {
            let c = ind.cell(g);
            let p = pind.cell(g);
            let mut row = ChangeRow {
                indicator: ind.id.clone(),
                label: ind.label.clone(),
                higher_is: ind.higher_is,
                group: g.to_string(),
                previous: p.and_then(|p| p.percent),
                current: c.and_then(|c| c.percent),
                previous_count: p.and_then(|p| p.count),
                previous_base: p.and_then(|p| p.base),
                current_count: c.and_then(|c| c.count),
                current_base: c.and_then(|c| c.base),
                change_pp: None,
                ci95: None,
                p_value: None,
                significant: None,
                direction: None,
                note: None,
            };
            let counts = |x: Option<&crate::summary::IndicatorCell>| {
                x.and_then(|x| Some((x.count?, x.base?)))
            };
            match (counts(p), counts(c)) {
                _ if p.is_none() => row.note = Some(format!("not in {}", wave_label(prev))),
                (None, _) => {
                    row.note = Some(format!("hidden (small numbers) in {}", wave_label(prev)))
                }
                (_, None) => {
                    row.note = Some(format!("hidden (small numbers) in {}", wave_label(cur)))
                }
                (Some((pn, pb)), Some((cn, cb))) if pb > 0 && cb > 0 => {
                    let (lo, hi) = newcombe(cn, cb, pn, pb, Z95).expect("bases are positive");
                    let change = 100.0 * (cn as f64 / cb as f64 - pn as f64 / pb as f64);
                    row.change_pp = Some(change);
                    row.ci95 = Some([100.0 * lo, 100.0 * hi]);
                    row.p_value = newcombe_p(cn, cb, pn, pb);
                }
                _ => row.note = Some("nobody answered in one of the waves".into()),
            }
            rows.push(row);
        }
    }
    // The verdicts, all at once: Holm's method over every compared figure.
    let compared: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].p_value.is_some())
        .collect();
    let p: Vec<f64> = compared
        .iter()
        .map(|&i| rows[i].p_value.expect("filtered"))
        .collect();
    for (&i, significant) in compared.iter().zip(holm(&p, 0.05)) {
        let r = &mut rows[i];
        let up = r.change_pp.expect("compared") > 0.0;
        r.significant = Some(significant);
        r.direction = Some(match (significant, up, r.higher_is) {
            (false, _, _) => Direction::NoClearChange,
            (true, true, Polarity::Better) | (true, false, Polarity::Worse) => Direction::Improved,
            (true, _, _) => Direction::Worsened,
        });
    }
    for g in &prev.groups {
        if !cur.groups.contains(g) && g != ALL {
            not_compared.push(format!(
                "{g} had responses in {} but none in {}.",
                wave_label(prev),
                wave_label(cur)
            ));
        }
    }
    Ok(Comparison {
        schema: COMPARISON_SCHEMA.into(),
        previous: wave_ref(prev),
        current: wave_ref(cur),
        rows,
        not_compared,
    })
}
