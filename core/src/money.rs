//! Upstream prices → integer minor units.
//!
//! Both providers speak in major units: QTickets as JSON numbers (`300`,
//! sometimes fractional), TicketsCloud as money strings (`"104.00"`). The
//! contract only carries integer kopecks, so the conversion is done once, in
//! decimal arithmetic on the text, rounding half away from zero — never through
//! a float multiplication that would turn 0.285 ₽ into 28 kopecks.

/// Parses a decimal amount in major units (`"104.00"`, `"104"`, `"-0.5"`,
/// `"1 234,56"`, `"1e3"`) and returns minor units (×100), rounding half away
/// from zero. `None` for anything that is not a number or does not fit.
pub fn decimal_text_to_minor_units(text: &str) -> Option<i64> {
    let compact: String = text
        .trim()
        .chars()
        .filter(|character| !matches!(character, ' ' | '\u{a0}' | '_'))
        .map(|character| if character == ',' { '.' } else { character })
        .collect();
    if compact.is_empty() || compact.len() > 64 {
        return None;
    }
    if compact.contains(['e', 'E']) {
        // Exponent notation is rare enough that a float is acceptable here.
        let value: f64 = compact.parse().ok()?;
        let minor = (value * 100.0).round();
        return (minor.is_finite() && minor.abs() < 9.0e15).then_some(minor as i64);
    }
    let (negative, unsigned) = match compact.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, compact.strip_prefix('+').unwrap_or(&compact)),
    };
    let (whole_text, fraction_text) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (unsigned, ""),
    };
    if whole_text.is_empty() && fraction_text.is_empty() {
        return None;
    }
    if !whole_text.bytes().all(|byte| byte.is_ascii_digit()) || !fraction_text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if whole_text.is_empty() { 0 } else { whole_text.parse().ok()? };
    let mut fraction_digits = fraction_text.bytes().map(|byte| i64::from(byte - b'0'));
    let tenths = fraction_digits.next().unwrap_or(0);
    let hundredths = fraction_digits.next().unwrap_or(0);
    let rounds_up = fraction_digits.next().unwrap_or(0) >= 5;
    let magnitude = whole.checked_mul(100)?.checked_add(tenths * 10 + hundredths)?.checked_add(i64::from(rounds_up))?;
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_major_unit_text_to_kopecks() {
        let cases: &[(&str, Option<i64>)] = &[
            ("104.00", Some(10_400)),
            ("104", Some(10_400)),
            ("0.285", Some(29)),
            ("0.284", Some(28)),
            ("-0.285", Some(-29)),
            ("99.995", Some(10_000)),
            ("1234.5", Some(123_450)),
            (".5", Some(50)),
            ("5.", Some(500)),
            ("1 234,56", Some(123_456)),
            ("1e3", Some(100_000)),
            ("+7", Some(700)),
            ("", None),
            ("abc", None),
            ("1.2.3", None),
            ("-", None),
            (".", None),
            ("12a", None),
            ("99999999999999999999", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(decimal_text_to_minor_units(text), expected, "{text:?}");
        }
    }
}
