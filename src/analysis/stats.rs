//! Interval estimates for proportions.

/// Two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `count` successes out of `base`, as proportions
/// in [0, 1]. Wilson rather than the textbook Wald interval because Wald
/// collapses to zero width at 0% and 100% and misbehaves for the small bases
/// that per-borough tables have. `None` when `base` is 0.
pub fn wilson(count: u64, base: u64, z: f64) -> Option<(f64, f64)> {
    if base == 0 {
        return None;
    }
    let n = base as f64;
    let p = count as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// 95% interval for the difference of two independent proportions,
/// `count1/base1 - count2/base2`, by Newcombe's hybrid score method (method 10
/// of Newcombe 1998): it combines the two Wilson intervals, so it behaves at
/// 0% and 100% and for small bases, where the simple Wald interval fails.
/// `None` when either base is 0.
pub fn newcombe(count1: u64, base1: u64, count2: u64, base2: u64, z: f64) -> Option<(f64, f64)> {
    let (l1, u1) = wilson(count1, base1, z)?;
    let (l2, u2) = wilson(count2, base2, z)?;
    let (p1, p2) = (count1 as f64 / base1 as f64, count2 as f64 / base2 as f64);
    let d = p1 - p2;
    let lower = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let upper = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some((lower, upper))
}

/// The two-sided p-value that goes with Newcombe's interval: the smallest
/// significance level at which the interval for `count1/base1 -
/// count2/base2` still excludes zero, found by widening the interval until
/// it touches zero. 1 when the difference is 0; `None` when a base is 0.
/// The verdicts need it to allow for many comparisons at once (Holm).
pub fn newcombe_p(count1: u64, base1: u64, count2: u64, base2: u64) -> Option<f64> {
    newcombe(count1, base1, count2, base2, Z95)?;
    let excludes = |z: f64| {
        newcombe(count1, base1, count2, base2, z).is_some_and(|(lo, hi)| lo > 0.0 || hi < 0.0)
    };
    if !excludes(1e-9) {
        return Some(1.0);
    }
    let (mut lo, mut hi) = (0.0_f64, 40.0_f64);
    if excludes(hi) {
        return Some(0.0);
    }
    for _ in 0..80 {
        let mid = (lo + hi) / 2.0;
        if excludes(mid) { lo = mid } else { hi = mid }
    }
    Some(2.0 * normal_upper((lo + hi) / 2.0))
}

/// P(Z > z) for a standard normal Z, z >= 0 (Abramowitz and Stegun 26.2.17,
/// absolute error below 7.5e-8: ample beside the thresholds Holm's method
/// compares with).
fn normal_upper(z: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.231_641_9 * z);
    let poly = t
        * (0.319_381_530
            + t * (-0.356_563_782
                + t * (1.781_477_937 + t * (-1.821_255_978 + t * 1.330_274_429))));
    (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt() * poly
}

/// Holm's step-down method over `p` at family-wise level `alpha`: which
/// hypotheses are rejected when all of them are tested together. A table of
/// 70 changes at 95% each finds three or four "changes" in pure noise; Holm
/// keeps the chance of even one false claim below `alpha`.
pub fn holm(p: &[f64], alpha: f64) -> Vec<bool> {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let m = p.len();
    let mut reject = vec![false; m];
    for (k, &i) in order.iter().enumerate() {
        if p[i] <= alpha / (m - k) as f64 {
            reject[i] = true;
        } else {
            break;
        }
    }
    reject
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Newcombe (1998), "Interval estimation for the difference between
    /// independent proportions: comparison of eleven methods", Statistics in
    /// Medicine 17:873-890, Table II, method 10.
    #[test]
    fn newcombe_p_agrees_with_the_95_interval_and_holm_steps_down() {
        // Whether the 95% interval excludes 0 is whether p < 0.05.
        for (a, m, b, n) in [
            (56, 70, 48, 80),
            (9, 10, 3, 10),
            (6, 7, 2, 7),
            (5, 56, 0, 29),
            (20, 40, 18, 40),
        ] {
            let (lo, hi) = newcombe(a, m, b, n, Z95).unwrap();
            let p = newcombe_p(a, m, b, n).unwrap();
            assert_eq!(
                lo > 0.0 || hi < 0.0,
                p < 0.05,
                "{a}/{m} vs {b}/{n}: p = {p}"
            );
        }
        assert_eq!(newcombe_p(10, 20, 10, 20), Some(1.0));
        assert!((normal_upper(1.959_963_984_540_054) - 0.025).abs() < 1e-7);
        // Holm: 0.01 <= 0.05/3, 0.02 <= 0.05/2, 0.04 <= 0.05/1, all kept;
        // with 0.03 in second place (> 0.05/2) it stops there.
        assert_eq!(holm(&[0.04, 0.01, 0.02], 0.05), [true, true, true]);
        assert_eq!(holm(&[0.04, 0.01, 0.03], 0.05), [false, true, false]);
        assert_eq!(holm(&[0.2, 0.5], 0.05), [false, false]);
    }

    #[test]
    fn newcombe_matches_the_published_examples() {
        let cases = [
            ((56, 70, 48, 80), (0.0524, 0.3339)),
            ((5, 56, 0, 29), (-0.0381, 0.1926)),
            ((0, 10, 0, 20), (-0.1611, 0.2775)),
            ((0, 10, 0, 10), (-0.2775, 0.2775)),
            ((10, 10, 0, 10), (0.6075, 1.0000)),
        ];
        for ((a, m, b, n), (lo, hi)) in cases {
            let (l, h) = newcombe(a, m, b, n, Z95).unwrap();
            assert!(
                (l - lo).abs() < 6e-5,
                "{a}/{m} - {b}/{n}: lower {l:.4} vs {lo}"
            );
            assert!(
                (h - hi).abs() < 6e-5,
                "{a}/{m} - {b}/{n}: upper {h:.4} vs {hi}"
            );
        }
        assert_eq!(newcombe(1, 0, 1, 2, Z95), None);
    }

    /// Newcombe (1998), "Two-sided confidence intervals for the single
    /// proportion", Statistics in Medicine 17:857-872, Table I, method 3
    /// (Wilson score without continuity correction).
    #[test]
    fn matches_newcombe_1998_table_1() {
        let cases = [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0000, 0.1611),
            (1, 29, 0.0061, 0.1718),
            (29, 29, 0.8830, 1.0000),
        ];
        for (r, n, lo, hi) in cases {
            let (l, h) = wilson(r, n, Z95).unwrap();
            assert!((l - lo).abs() < 5e-5, "{r}/{n}: lower {l:.4} vs {lo}");
            assert!((h - hi).abs() < 5e-5, "{r}/{n}: upper {h:.4} vs {hi}");
        }
    }

    #[test]
    fn zero_base_has_no_interval() {
        assert_eq!(wilson(0, 0, Z95), None);
    }

    #[test]
    fn interval_contains_the_estimate() {
        for n in 1..60u64 {
            for r in 0..=n {
                let (l, h) = wilson(r, n, Z95).unwrap();
                let p = r as f64 / n as f64;
                assert!(l <= p + 1e-12 && p <= h + 1e-12 && (0.0..=1.0).contains(&l) && h <= 1.0);
            }
        }
    }
}
