//! Prices are kept as whole kopecks so arithmetic is exact, and rendered the
//! way each provider writes them: QTickets as a JSON number (an integer when
//! the price is whole, a fraction like `3500.5` otherwise, both seen in its
//! documents), TicketsCloud as a money string with two decimals (`"1500.00"`).

use serde::{Serialize, Serializer};

/// An amount of roubles held as kopecks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Kopecks(pub u64);

impl Kopecks {
    pub const fn from_roubles(roubles: u64) -> Kopecks {
        Kopecks(roubles * 100)
    }

    /// TicketsCloud's `str:Money`: `"3640.00"`.
    pub fn to_money_string(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }

    /// `percent` of this amount, rounded down to a kopeck.
    pub fn percent(self, percent: u64) -> Kopecks {
        Kopecks(self.0 * percent / 100)
    }
}

impl std::ops::Add for Kopecks {
    type Output = Kopecks;
    fn add(self, other: Kopecks) -> Kopecks {
        Kopecks(self.0 + other.0)
    }
}

/// QTickets' `price`: an integer JSON number for whole roubles, a fractional
/// one otherwise. The Partners API document shows integers (`"price": 1234`);
/// fractional roubles are a tolerance case parsers must accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QticketsPrice(pub Kopecks);

impl Serialize for QticketsPrice {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let kopecks = self.0 .0;
        if kopecks % 100 == 0 {
            serializer.serialize_u64(kopecks / 100)
        } else {
            serializer.serialize_f64(kopecks as f64 / 100.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_each_providers_format() {
        let cases = [
            (Kopecks(150_000), "1500.00", "1500"),
            (Kopecks(350_050), "3500.50", "3500.5"),
            (Kopecks(5), "0.05", "0.05"),
            (Kopecks(0), "0.00", "0"),
        ];
        for (amount, money_string, qtickets_json) in cases {
            assert_eq!(amount.to_money_string(), money_string);
            assert_eq!(serde_json::to_string(&QticketsPrice(amount)).unwrap(), qtickets_json);
        }
    }
}
