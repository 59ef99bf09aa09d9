//! Prices as a Russian buyer reads them: "1 500 ₽", "1 500,50 ₽" — and a
//! place priced 0 as "бесплатно" / "free".
//!
//! Money travels as integer kopecks (see `ticket_contract::Money`); this module
//! is the only place that turns it into text, so every screen agrees on spacing
//! and on when kopecks are shown (only when there are any). Groups are separated
//! by a plain space; the stylesheet keeps prices on one line (`white-space:
//! nowrap`), which keeps the text easy to match in tests and screen readers.
//!
//! A price of a place is written with [`format_price`]: the proxy puts places
//! priced 0 on sale only for partners that give them away, and the buyer must
//! read that they are free, not "0 ₽" (which looks like a missing price).

use ticket_contract::{Currency, Money};

use crate::lang::Lang;

/// A place's price (or a total) for the buyer: `1 500 ₽`, or the word for
/// free when it is 0.
pub fn format_price(lang: Lang, money: Money) -> String {
    if money.minor == 0 {
        lang.words().free.to_owned()
    } else {
        format_money(money)
    }
}

/// [`format_price_range`] with the word for free at a 0 end: `бесплатно`,
/// `бесплатно – 1 500 ₽`.
pub fn format_price_range_for(lang: Lang, lowest: Money, highest: Money) -> String {
    if lowest.minor == 0 && highest.minor != 0 {
        return format!("{} – {}", lang.words().free, format_money(highest));
    }
    if lowest == highest {
        return format_price(lang, lowest);
    }
    format_price_range(lowest, highest)
}

/// Formats an amount of money for display, e.g. `150000` kopecks → `1 500 ₽`.
pub fn format_money(money: Money) -> String {
    let sign = if money.minor < 0 { "-" } else { "" };
    let minor = money.minor.unsigned_abs();
    let whole = group_thousands(minor / 100);
    let kopecks = minor % 100;
    let symbol = currency_symbol(money.currency);
    if kopecks == 0 {
        format!("{sign}{whole} {symbol}")
    } else {
        format!("{sign}{whole},{kopecks:02} {symbol}")
    }
}

/// `1 500 ₽` when both ends are equal, `1 500 – 3 000 ₽` otherwise.
pub fn format_price_range(lowest: Money, highest: Money) -> String {
    if lowest == highest {
        return format_money(lowest);
    }
    let lowest_text = format_money(lowest);
    let lowest_number = lowest_text.strip_suffix(currency_symbol(lowest.currency)).map(str::trim_end).unwrap_or(&lowest_text);
    format!("{lowest_number} – {}", format_money(highest))
}

fn currency_symbol(currency: Currency) -> &'static str {
    match currency {
        Currency::Rub => "₽",
    }
}

fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_kopecks_as_roubles() {
        let cases: &[(i64, &str)] = &[
            (0, "0 ₽"),
            (100, "1 ₽"),
            (99, "0,99 ₽"),
            (5, "0,05 ₽"),
            (150_000, "1 500 ₽"),
            (150_050, "1 500,50 ₽"),
            (450_000, "4 500 ₽"),
            (99_999_900, "999 999 ₽"),
            (100_000_000, "1 000 000 ₽"),
            (1_234_567_801, "12 345 678,01 ₽"),
            (-150_000, "-1 500 ₽"),
        ];
        for &(minor, expected) in cases {
            assert_eq!(format_money(Money::rub_minor(minor)), expected, "{minor}");
        }
    }

    #[test]
    fn a_free_place_reads_as_free_in_both_languages() {
        let cases: &[(Lang, i64, &str)] =
            &[(Lang::Ru, 0, "бесплатно"), (Lang::En, 0, "free"), (Lang::Ru, 150_000, "1 500 ₽"), (Lang::En, 99, "0,99 ₽")];
        for &(lang, minor, expected) in cases {
            assert_eq!(format_price(lang, Money::rub_minor(minor)), expected, "{lang:?} {minor}");
        }
        let range = |lang, low, high| format_price_range_for(lang, Money::rub_minor(low), Money::rub_minor(high));
        assert_eq!(range(Lang::Ru, 0, 0), "бесплатно");
        assert_eq!(range(Lang::En, 0, 150_000), "free – 1 500 ₽");
        assert_eq!(range(Lang::Ru, 150_000, 300_000), "1 500 – 3 000 ₽");
    }

    #[test]
    fn formats_ranges() {
        let cases: &[(i64, i64, &str)] =
            &[(150_000, 150_000, "1 500 ₽"), (150_000, 300_000, "1 500 – 3 000 ₽"), (99_950, 100_000, "999,50 – 1 000 ₽")];
        for &(low, high, expected) in cases {
            assert_eq!(format_price_range(Money::rub_minor(low), Money::rub_minor(high)), expected);
        }
    }
}
