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

#[cfg(test)]
mod tests {
    use super::*;

    /// Newcombe (1998), "Interval estimation for the difference between
    /// independent proportions: comparison of eleven methods", Statistics in
    /// Medicine 17:873-890, Table II, method 10.
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
