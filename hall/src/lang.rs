//! The display language, shared by the widget and the seat-picking stage.

/// The buyer's display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// Picks the language, in this order: an explicit `lang` (the element's
    /// attribute, the iframe's `lang` parameter), then the page's own
    /// `<html lang>` when it is Russian or English, then the browser's
    /// `navigator.language` (Russian, or else English). The loader
    /// (`static/widget.js`, `widgetLanguage`) applies the same order before
    /// the wasm has loaded and passes its answer as `lang`, so for an element
    /// this only confirms it.
    pub fn resolve(configured: Option<&str>, page_language: Option<&str>, navigator_language: Option<&str>) -> Lang {
        let supported = |tag: Option<&str>| {
            let tag = tag?.trim().to_ascii_lowercase();
            let is = |code: &str| tag == code || tag.starts_with(&format!("{code}-")) || tag.starts_with(&format!("{code}_"));
            if is("ru") {
                Some(Lang::Ru)
            } else if is("en") {
                Some(Lang::En)
            } else {
                None
            }
        };
        // An unsupported or empty language falls through to the next one.
        supported(configured).or_else(|| supported(page_language)).unwrap_or(if supported(navigator_language) == Some(Lang::Ru) {
            Lang::Ru
        } else {
            Lang::En
        })
    }

    /// The BCP 47 tag for the `lang` attribute of the widget's root.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_the_language() {
        // (the element's or iframe's lang, the page's <html lang>, the browser's, expected)
        type Case<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, Lang);
        let cases: &[Case] = &[
            // The browser alone.
            (None, None, Some("ru-RU"), Lang::Ru),
            (None, None, Some("ru"), Lang::Ru),
            (None, None, Some("RU"), Lang::Ru),
            (None, None, Some("en-US"), Lang::En),
            (None, None, Some("de-DE"), Lang::En),
            (None, None, Some("rue"), Lang::En),
            (None, None, None, Lang::En),
            // The explicit lang wins over everything.
            (Some("en"), Some("ru"), Some("ru-RU"), Lang::En),
            (Some("ru"), Some("en"), Some("en-GB"), Lang::Ru),
            (Some("en-GB"), None, Some("ru-RU"), Lang::En),
            // An empty or unsupported one falls through.
            (Some(" "), None, Some("ru-RU"), Lang::Ru),
            (Some("fr"), None, Some("ru-RU"), Lang::Ru),
            (Some("fr"), None, Some("en-US"), Lang::En),
            // The page's <html lang> before the browser, when it is ru or en.
            (None, Some("ru"), Some("en-US"), Lang::Ru),
            (None, Some("ru-RU"), Some("en-US"), Lang::Ru),
            (None, Some("en"), Some("ru-RU"), Lang::En),
            (Some("de"), Some("ru"), Some("en-US"), Lang::Ru),
            (None, Some("de"), Some("ru-RU"), Lang::Ru),
            (None, Some("de"), Some("en-US"), Lang::En),
            (None, Some(""), Some("ru-RU"), Lang::Ru),
            (None, Some("russian"), Some("en-US"), Lang::En),
        ];
        for &(configured, page, navigator, expected) in cases {
            assert_eq!(Lang::resolve(configured, page, navigator), expected, "{configured:?} {page:?} {navigator:?}");
        }
    }
}
