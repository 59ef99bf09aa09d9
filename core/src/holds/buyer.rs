//! The buyer's contact details: checked and normalised before they are stored
//! in a hold or sent upstream (TicketsCloud `settings.customer`).
//!
//! The rules are deliberately forgiving about *formatting* (spaces, brackets,
//! dashes, the Russian trunk prefix `8`) and strict about *content*: a name
//! without control characters, an e-mail address with one `@` and a plausible
//! domain, a phone number that becomes E.164. Errors name the field
//! (`buyer.name`, `buyer.email`, `buyer.phone`) and never echo the input.

use ticket_contract::Buyer;

use crate::errors::ProxyError;

/// Longest name accepted, in characters (after trimming).
pub const LONGEST_BUYER_NAME: usize = 100;
/// Longest e-mail address accepted (RFC 5321's path limit).
pub const LONGEST_EMAIL: usize = 254;
/// Longest local part of an e-mail address (RFC 5321).
const LONGEST_EMAIL_LOCAL_PART: usize = 64;
/// Longest domain label (RFC 1035).
const LONGEST_DOMAIN_LABEL: usize = 63;
/// E.164: a country code and number of at most 15 digits; we accept 8 or more.
const FEWEST_PHONE_DIGITS: usize = 8;
const MOST_PHONE_DIGITS: usize = 15;

/// Validates all three fields and returns them normalised: the name trimmed
/// with inner whitespace collapsed, the e-mail domain lowercased, the phone in
/// E.164 (`+79161234567`).
pub fn normalise_buyer(buyer: &Buyer) -> Result<Buyer, ProxyError> {
    Ok(Buyer { name: normalise_name(&buyer.name)?, email: normalise_email(&buyer.email)?, phone: normalise_phone(&buyer.phone)? })
}

/// 1 to 100 characters after trimming; no control or invisible formatting
/// characters (they could hide text or break an e-mail header upstream).
pub fn normalise_name(raw: &str) -> Result<String, ProxyError> {
    let refuse = || ProxyError::InvalidBody { field: "buyer.name" };
    if raw.chars().any(is_forbidden_in_text) {
        return Err(refuse());
    }
    let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let length = collapsed.chars().count();
    if length == 0 || length > LONGEST_BUYER_NAME {
        return Err(refuse());
    }
    Ok(collapsed)
}

/// `local@domain`: exactly one `@`; the local part 1–64 ASCII characters of
/// the RFC 5322 "atom" set with single inner dots; the domain at least two
/// labels of letters, digits and inner hyphens (letters may be Cyrillic, for
/// `.рф`), the last one not numeric. The domain is lowercased.
pub fn normalise_email(raw: &str) -> Result<String, ProxyError> {
    let refuse = || ProxyError::InvalidBody { field: "buyer.email" };
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed.len() > LONGEST_EMAIL {
        return Err(refuse());
    }
    let (local, domain) = trimmed.split_once('@').ok_or_else(refuse)?;
    if domain.contains('@') || !is_plausible_local_part(local) {
        return Err(refuse());
    }
    let domain = domain.to_lowercase();
    if !is_plausible_domain(&domain) {
        return Err(refuse());
    }
    Ok(format!("{local}@{domain}"))
}

fn is_plausible_local_part(local: &str) -> bool {
    let allowed = |byte: u8| byte.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&byte);
    !local.is_empty()
        && local.len() <= LONGEST_EMAIL_LOCAL_PART
        && local.bytes().all(allowed)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

fn is_plausible_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |label: &str| {
        let length = label.chars().count();
        (1..=LONGEST_DOMAIN_LABEL).contains(&length)
            && label.chars().all(|character| character.is_alphanumeric() || character == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let top_level = labels[labels.len() - 1];
    labels.iter().all(|label| label_ok(label))
        && top_level.chars().count() >= 2
        && !top_level.chars().all(|character| character.is_ascii_digit())
}

/// What people type → E.164.
///
/// - With a leading `+` (or the international `00`): the digits as they are,
///   8 to 15 of them; `+7` numbers must have exactly 10 digits after the 7.
/// - Without: Russian habits only — 11 digits starting with `8` or `7`
///   (`8 916 123 45 67`, `89161234567`) become `+7…`, and 10 digits starting
///   with `9` (a mobile number without the trunk prefix) become `+79…`.
///
/// Spaces, non-breaking spaces, brackets, dashes and dots are ignored; any
/// other character (letters, `#`, an extension) is refused.
pub fn normalise_phone(raw: &str) -> Result<String, ProxyError> {
    let refuse = || ProxyError::InvalidBody { field: "buyer.phone" };
    let trimmed = raw.trim();
    if trimmed.len() > 40 {
        return Err(refuse());
    }
    let (international, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => match trimmed.strip_prefix("00") {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        },
    };
    let mut digits = String::new();
    for character in rest.chars() {
        match character {
            '0'..='9' => digits.push(character),
            ' ' | '\u{a0}' | '(' | ')' | '-' | '.' => {}
            _ => return Err(refuse()),
        }
    }
    let e164_digits = if international {
        digits
    } else if digits.len() == 11 && (digits.starts_with('8') || digits.starts_with('7')) {
        format!("7{}", &digits[1..])
    } else if digits.len() == 10 && digits.starts_with('9') {
        format!("7{digits}")
    } else {
        return Err(refuse());
    };
    let plausible = (FEWEST_PHONE_DIGITS..=MOST_PHONE_DIGITS).contains(&e164_digits.len())
        && !e164_digits.starts_with('0')
        && (!e164_digits.starts_with('7') || e164_digits.len() == 11);
    if plausible {
        Ok(format!("+{e164_digits}"))
    } else {
        Err(refuse())
    }
}

/// Control characters and the invisible ones that reorder or hide text.
fn is_forbidden_in_text(character: char) -> bool {
    character.is_control()
        || matches!(character, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(result: Result<String, ProxyError>) -> Result<String, &'static str> {
        result.map_err(|error| match error {
            ProxyError::InvalidBody { field } => field,
            _ => "?",
        })
    }

    #[test]
    fn names_table() {
        let long_name = "Я".repeat(101);
        let longest_name = "Я".repeat(100);
        let cases: Vec<(&str, Result<&str, &str>)> = vec![
            ("Иван Петров", Ok("Иван Петров")),
            ("  Иван   Петров  ", Ok("Иван Петров")),
            ("Anna-Maria O'Neil", Ok("Anna-Maria O'Neil")),
            (longest_name.as_str(), Ok(longest_name.as_str())),
            ("", Err("buyer.name")),
            ("   ", Err("buyer.name")),
            (long_name.as_str(), Err("buyer.name")),
            ("Иван\nПетров", Err("buyer.name")),
            ("Иван\tПетров", Err("buyer.name")),
            ("Ivan\u{0}", Err("buyer.name")),
            ("Ivan\u{202e}vonavI", Err("buyer.name")),
            ("Ivan\u{200b}", Err("buyer.name")),
        ];
        for (raw, expected) in cases {
            assert_eq!(outcome(normalise_name(raw)), expected.map(str::to_string), "{raw:?}");
        }
    }

    #[test]
    fn emails_table() {
        let long_local = format!("{}@example.ru", "a".repeat(65));
        let long_total = format!("a@{}.ru", "b.".repeat(130));
        let cases: Vec<(&str, Result<&str, &str>)> = vec![
            ("ivan@example.ru", Ok("ivan@example.ru")),
            ("  Ivan.Petrov+tickets@Example.RU ", Ok("Ivan.Petrov+tickets@example.ru")),
            ("a_b-c@mail.yandex.ru", Ok("a_b-c@mail.yandex.ru")),
            ("ivan@почта.рф", Ok("ivan@почта.рф")),
            ("ivan@xn--80a1acny.xn--p1ai", Ok("ivan@xn--80a1acny.xn--p1ai")),
            ("", Err("buyer.email")),
            ("ivan", Err("buyer.email")),
            ("ivan@", Err("buyer.email")),
            ("@example.ru", Err("buyer.email")),
            ("ivan@@example.ru", Err("buyer.email")),
            ("iv@an@example.ru", Err("buyer.email")),
            ("ivan@localhost", Err("buyer.email")),
            ("ivan@example.r", Err("buyer.email")),
            ("ivan@127.0.0.1", Err("buyer.email")),
            ("ivan@-example.ru", Err("buyer.email")),
            ("ivan@example..ru", Err("buyer.email")),
            (".ivan@example.ru", Err("buyer.email")),
            ("iv..an@example.ru", Err("buyer.email")),
            ("iv an@example.ru", Err("buyer.email")),
            ("иван@example.ru", Err("buyer.email")),
            ("ivan@exa mple.ru", Err("buyer.email")),
            ("ivan@example.ru\r\nBcc: x@y.ru", Err("buyer.email")),
            (long_local.as_str(), Err("buyer.email")),
            (long_total.as_str(), Err("buyer.email")),
        ];
        for (raw, expected) in cases {
            assert_eq!(outcome(normalise_email(raw)), expected.map(str::to_string), "{raw:?}");
        }
    }

    #[test]
    fn phones_table() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("+7 (916) 123-45-67", Ok("+79161234567")),
            ("8 916 123 45 67", Ok("+79161234567")),
            ("89161234567", Ok("+79161234567")),
            ("+79161234567", Ok("+79161234567")),
            ("79161234567", Ok("+79161234567")),
            ("916 123-45-67", Ok("+79161234567")),
            ("8 (495) 123-45-67", Ok("+74951234567")),
            ("+7\u{a0}916\u{a0}123\u{a0}45\u{a0}67", Ok("+79161234567")),
            ("+375 29 123-45-67", Ok("+375291234567")),
            ("+49 30 1234567", Ok("+49301234567")),
            ("0049 30 1234567", Ok("+49301234567")),
            ("+1 (212) 555-0100", Ok("+12125550100")),
            ("", Err("buyer.phone")),
            ("+", Err("buyer.phone")),
            ("123", Err("buyer.phone")),
            ("+7 916 123 45 6", Err("buyer.phone")),
            ("+7 916 123 45 678", Err("buyer.phone")),
            ("8 916 123 45 6", Err("buyer.phone")),
            ("4951234567", Err("buyer.phone")),
            ("+1234567", Err("buyer.phone")),
            ("+1234567890123456", Err("buyer.phone")),
            ("+0 123 456 789", Err("buyer.phone")),
            ("+7 916 CALL-NOW", Err("buyer.phone")),
            ("+7 916 123 45 67 ext 2", Err("buyer.phone")),
            ("+7 916 123 45 67#", Err("buyer.phone")),
            ("++79161234567", Err("buyer.phone")),
            ("+７９１６１２３４５６７", Err("buyer.phone")),
        ];
        for &(raw, expected) in cases {
            assert_eq!(outcome(normalise_phone(raw)), expected.map(str::to_string), "{raw:?}");
        }
    }

    #[test]
    fn a_whole_buyer_is_normalised_or_refused_by_its_first_bad_field() {
        let typed =
            Buyer { name: " Иван  Петров ".into(), email: "Ivan@Example.RU".into(), phone: "8 (916) 123-45-67".into() };
        assert_eq!(
            normalise_buyer(&typed),
            Ok(Buyer { name: "Иван Петров".into(), email: "Ivan@example.ru".into(), phone: "+79161234567".into() })
        );
        let bad_phone = Buyer { phone: "12".into(), ..typed.clone() };
        assert_eq!(normalise_buyer(&bad_phone), Err(ProxyError::InvalidBody { field: "buyer.phone" }));
        let message = normalise_buyer(&Buyer { email: "<script>@x".into(), ..typed }).unwrap_err().public_message();
        assert!(!message.contains("script"), "{message}");
    }
}
