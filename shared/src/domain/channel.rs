//! Where an order came from: the shop's storefront (`web`), staff taking it by telephone or
//! chat (`manual`), or a marketplace (its name, e.g. `mercadolivre`), with the channel's own
//! reference for it. One reference names one order per channel: an order a channel sends twice
//! is placed once.

use super::FieldError;
use serde::Serialize;

/// A channel's name: lower-case letters, digits, `-` and `_`, starting with a letter or digit,
/// at most 32 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Channel(String);

impl Channel {
    pub const WEB: &'static str = "web";
    pub const MANUAL: &'static str = "manual";

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let ok = !raw.is_empty()
            && raw.len() <= 32
            && raw.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && raw.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                "must be web, manual or a marketplace's name: 1 to 32 lower-case letters, digits, '-' or '_'",
            ))
        }
    }

    pub fn web() -> Self {
        Self(Self::WEB.to_owned())
    }
}

impl Default for Channel {
    fn default() -> Self {
        Self::web()
    }
}

super::checked_string!(Channel);

/// A channel's own id for an order (a marketplace's order number): 1 to 100 letters, digits and
/// `.`, `_`, `:`, `/`, `#`, `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ExternalReference(String);

impl ExternalReference {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let ok = !raw.is_empty()
            && raw.len() <= 100
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '/' | '#' | '-'));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new(field, "must be 1 to 100 letters, digits or . _ : / # -"))
        }
    }
}

super::checked_string!(ExternalReference);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_and_references_are_names_not_free_text() {
        assert_eq!(Channel::parse("channel", "mercadolivre").unwrap().as_str(), "mercadolivre");
        assert_eq!(Channel::default().as_str(), "web");
        for bad in ["", "Web", "-x", "a b", "loja\u{0}", &"a".repeat(33)] {
            assert!(Channel::parse("channel", bad).is_err(), "{bad:?}");
        }
        assert!(ExternalReference::parse("external_reference", "MLB-2000012345#1").is_ok());
        for bad in ["", "a b", "x\r\ny", "ação", &"1".repeat(101)] {
            assert_eq!(
                ExternalReference::parse("external_reference", bad).unwrap_err().field,
                "external_reference",
                "{bad:?}"
            );
        }
    }
}
