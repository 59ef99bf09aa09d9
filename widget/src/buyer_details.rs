//! The buyer's name, e-mail and phone: what they typed, the light checks the
//! widget makes before sending, and where the proxy's verdict is shown.
//!
//! The proxy is the judge (it validates and normalises the phone to E.164);
//! the widget only catches the obvious — an empty field, an e-mail without
//! `@`, too few digits — so the buyer hears about it before a round trip. A
//! proxy refusal names its field (`buyer.email`), which
//! [`BuyerField::from_proxy_field`] maps back to the input it belongs under.

use ticket_contract::Buyer;

/// What the buyer typed, kept as typed (so nothing is lost on an error).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuyerDraft {
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuyerField {
    Name,
    Email,
    Phone,
}

/// Why a field is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuyerProblem {
    Missing,
    /// Fails the widget's light check.
    Malformed,
    /// The proxy refused it.
    Refused,
}

pub const BUYER_FIELDS: [BuyerField; 3] = [BuyerField::Name, BuyerField::Email, BuyerField::Phone];

impl BuyerField {
    /// The field of a proxy `invalid_body` error (`buyer.email` → e-mail).
    pub fn from_proxy_field(field: &str) -> Option<BuyerField> {
        match field.strip_prefix("buyer.")? {
            "name" => Some(BuyerField::Name),
            "email" => Some(BuyerField::Email),
            "phone" => Some(BuyerField::Phone),
            _ => None,
        }
    }

    /// The `data-testid` of the input (`buyer-name`); its error is `…-error`.
    pub fn test_id(self) -> &'static str {
        match self {
            BuyerField::Name => "buyer-name",
            BuyerField::Email => "buyer-email",
            BuyerField::Phone => "buyer-phone",
        }
    }
}

impl BuyerDraft {
    pub fn from_buyer(buyer: &Buyer) -> BuyerDraft {
        BuyerDraft { name: buyer.name.clone(), email: buyer.email.clone(), phone: buyer.phone.clone() }
    }

    pub fn get(&self, field: BuyerField) -> &str {
        match field {
            BuyerField::Name => &self.name,
            BuyerField::Email => &self.email,
            BuyerField::Phone => &self.phone,
        }
    }

    pub fn set(&mut self, field: BuyerField, value: String) {
        match field {
            BuyerField::Name => self.name = value,
            BuyerField::Email => self.email = value,
            BuyerField::Phone => self.phone = value,
        }
    }

    /// The widget's light check of one field.
    pub fn problem(&self, field: BuyerField) -> Option<BuyerProblem> {
        let value = self.get(field).trim();
        if value.is_empty() {
            return Some(BuyerProblem::Missing);
        }
        let ok = match field {
            BuyerField::Name => value.chars().count() <= 200,
            BuyerField::Email => looks_like_email(value),
            BuyerField::Phone => looks_like_phone(value),
        };
        (!ok).then_some(BuyerProblem::Malformed)
    }

    /// Every field's problem, in form order.
    pub fn problems(&self) -> Vec<(BuyerField, BuyerProblem)> {
        BUYER_FIELDS.iter().filter_map(|&field| Some((field, self.problem(field)?))).collect()
    }

    /// What is sent to the proxy: trimmed, otherwise as typed.
    pub fn to_buyer(&self) -> Buyer {
        Buyer { name: self.name.trim().to_owned(), email: self.email.trim().to_owned(), phone: self.phone.trim().to_owned() }
    }
}

/// `local@domain.tld`, no spaces, one `@`.
fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else { return false };
    let domain_ok =
        domain.split_once('.').is_some_and(|(name, rest)| !name.is_empty() && !rest.is_empty() && !rest.ends_with('.'));
    !local.is_empty() && domain_ok && !domain.contains('@') && !value.chars().any(char::is_whitespace)
}

/// 10 to 15 digits, written with the usual `+ ( ) - .` and spaces.
fn looks_like_phone(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let only_phone_characters =
        value.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '(' | ')' | '-' | '.' | ' ' | '\u{a0}'));
    only_phone_characters && (10..=15).contains(&digits) && value.rfind('+').is_none_or(|at| at == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_fields_lightly() {
        use BuyerField::{Email, Name, Phone};
        use BuyerProblem::{Malformed, Missing};
        let cases: &[(BuyerField, &str, Option<BuyerProblem>)] = &[
            (Name, "Анна Петрова", None),
            (Name, "   ", Some(Missing)),
            (Name, &"я".repeat(201), Some(Malformed)),
            (Email, "anna@example.ru", None),
            (Email, " anna.p+t@mail.example.com ", None),
            (Email, "", Some(Missing)),
            (Email, "anna", Some(Malformed)),
            (Email, "anna@", Some(Malformed)),
            (Email, "@example.ru", Some(Malformed)),
            (Email, "anna@example", Some(Malformed)),
            (Email, "anna@example.", Some(Malformed)),
            (Email, "an na@example.ru", Some(Malformed)),
            (Email, "a@b@example.ru", Some(Malformed)),
            (Phone, "+7 916 123-45-67", None),
            (Phone, "8 (916) 123-45-67", None),
            (Phone, "+44 20 7946 0958", None),
            (Phone, "9161234567", None),
            (Phone, "", Some(Missing)),
            (Phone, "12345", Some(Malformed)),
            (Phone, "+7 916 CALL-ME", Some(Malformed)),
            (Phone, "+7 916 123+45+67", Some(Malformed)),
            (Phone, "1234567890123456", Some(Malformed)),
        ];
        for &(field, value, expected) in cases {
            let mut draft = BuyerDraft::default();
            draft.set(field, value.to_owned());
            assert_eq!(draft.problem(field), expected, "{field:?} {value:?}");
        }
    }

    #[test]
    fn lists_problems_in_form_order_and_sends_trimmed_values() {
        let draft = BuyerDraft { name: " Анна ".into(), email: "nope".into(), phone: "".into() };
        assert_eq!(
            draft.problems(),
            vec![(BuyerField::Email, BuyerProblem::Malformed), (BuyerField::Phone, BuyerProblem::Missing)]
        );
        let good = BuyerDraft { name: " Анна ".into(), email: " a@b.ru".into(), phone: "+7 916 123-45-67 ".into() };
        assert!(good.problems().is_empty());
        assert_eq!(good.to_buyer(), Buyer { name: "Анна".into(), email: "a@b.ru".into(), phone: "+7 916 123-45-67".into() });
    }

    #[test]
    fn maps_proxy_fields_to_inputs() {
        let cases: &[(&str, Option<BuyerField>)] = &[
            ("buyer.name", Some(BuyerField::Name)),
            ("buyer.email", Some(BuyerField::Email)),
            ("buyer.phone", Some(BuyerField::Phone)),
            ("buyer", None),
            ("seats", None),
            ("email", None),
        ];
        for &(field, expected) in cases {
            assert_eq!(BuyerField::from_proxy_field(field), expected, "{field}");
        }
        assert_eq!(BuyerField::Email.test_id(), "buyer-email");
    }
}
