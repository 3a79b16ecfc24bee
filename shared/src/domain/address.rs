//! Postal addresses: what a client sends ([`AddressInput`]) and what is kept once every part is
//! checked ([`Address`]). Personal data: never logged.

use super::text::{FieldError, ShortText};
use serde::{Deserialize, Serialize};

/// An address as a client sends it: unchecked text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    pub recipient: String,
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// A checked address: every part short text without control or invisible characters, the
/// country an assigned ISO 3166-1 code. Made only by [`Address::parse`] (or read back as stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    recipient: String,
    line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line2: Option<String>,
    city: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    postal_code: String,
    country: String,
}

impl Address {
    /// ISO 3166-1 alpha-2.
    pub fn country(&self) -> &str {
        &self.country
    }
    /// The state or region, as given (for Brazil, the state's two letters).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
    pub fn postal_code(&self) -> &str {
        &self.postal_code
    }

    /// Checks every part of `raw`; an error names the part's JSON path under `field`.
    pub fn parse(field: &str, raw: &AddressInput) -> Result<Self, FieldError> {
        let text =
            |name: &str, v: &str, max| ShortText::parse(&format!("{field}.{name}"), v, max).map(|t| t.to_string());
        let optional = |name: &str, v: &Option<String>, max| v.as_deref().map(|v| text(name, v, max)).transpose();
        Ok(Address {
            recipient: text("recipient", &raw.recipient, 200)?,
            line1: text("line1", &raw.line1, 200)?,
            line2: optional("line2", &raw.line2, 200)?,
            city: text("city", &raw.city, 100)?,
            region: optional("region", &raw.region, 100)?,
            postal_code: text("postal_code", &raw.postal_code, 20)?,
            country: super::country::parse_country(&format!("{field}.country"), &raw.country)?,
        })
    }

    /// The address as a client would send it (what a JSON Merge Patch is applied to).
    pub fn input(&self) -> AddressInput {
        AddressInput {
            recipient: self.recipient.clone(),
            line1: self.line1.clone(),
            line2: self.line2.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
        }
    }

    pub fn line1(&self) -> &str {
        &self.line1
    }
}

#[cfg(test)]
pub(crate) fn sample() -> Address {
    let raw = AddressInput {
        recipient: "Ana".into(),
        line1: "Rua A, 1".into(),
        line2: None,
        city: "São Paulo".into(),
        region: None,
        postal_code: "01000-000".into(),
        country: "BR".into(),
    };
    Address::parse("address", &raw).expect("a valid address")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_part_by_part_and_give_back_their_input() {
        let raw = AddressInput {
            recipient: "Ana".into(),
            line1: "Rua A, 1".into(),
            line2: None,
            city: "São Paulo".into(),
            region: Some("SP".into()),
            postal_code: "01000-000".into(),
            country: "br".into(),
        };
        let field = |raw: AddressInput| Address::parse("shipping_address", &raw).unwrap_err().field;
        assert_eq!(field(raw.clone()), "shipping_address.country");
        let ok = AddressInput { country: "BR".into(), ..raw.clone() };
        assert_eq!(Address::parse("shipping_address", &ok).map(|a| a.input()), Ok(ok.clone()));
        assert_eq!(field(AddressInput { country: "ZZ".into(), ..raw.clone() }), "shipping_address.country");
        let spoofed = AddressInput { recipient: "Ana\u{202E}azuoS".into(), ..ok.clone() };
        assert_eq!(field(spoofed), "shipping_address.recipient");
        assert_eq!(field(AddressInput { city: " ".into(), ..ok }), "shipping_address.city");
    }
}
