//! Fixed-point text for SVG attributes and inline styles (`12.5`, `-3.25`).
//!
//! `format!("{:.1}", x)` pulls core's exact float formatter into the wasm
//! (several kilobytes); the seat map only ever needs a few decimals of
//! numbers far below 2^53, which integer arithmetic prints exactly.

/// `value` rounded half away from zero to `decimals` places (at most 6).
/// Non-finite input prints as `0`, which keeps a broken coordinate harmless.
pub fn fixed(value: f64, decimals: u32) -> String {
    let decimals = decimals.min(6);
    if !value.is_finite() {
        return "0".to_owned();
    }
    let scale = 10u64.pow(decimals);
    let scaled = (value * scale as f64).round() as i64;
    let sign = if scaled < 0 { "-" } else { "" };
    let magnitude = scaled.unsigned_abs();
    let whole = magnitude / scale;
    if decimals == 0 {
        return format!("{sign}{whole}");
    }
    let fraction = magnitude % scale;
    format!("{sign}{whole}.{fraction:0width$}", width = decimals as usize)
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn prints_fixed_decimals() {
        let cases: &[(f64, u32, &str)] = &[
            (0.0, 2, "0.00"),
            (-0.0, 1, "0.0"),
            (20.25, 1, "20.3"),
            (20.24, 1, "20.2"),
            (4.2, 2, "4.20"),
            (1234.5678, 2, "1234.57"),
            (-3.25, 2, "-3.25"),
            (-0.004, 2, "0.00"),
            (-0.006, 2, "-0.01"),
            (799.5, 0, "800"),
            (12.0, 9, "12.000000"),
            (f64::NAN, 2, "0"),
            (f64::INFINITY, 1, "0"),
        ];
        for &(value, decimals, expected) in cases {
            assert_eq!(fixed(value, decimals), expected, "{value} {decimals}");
        }
    }
}
