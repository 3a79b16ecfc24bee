//! Contact data with checked formats: e-mail addresses, E.164 phone numbers and tax ids
//! (Brazilian CPF/CNPJ with their check digits). All personal data: never logged.

use super::text::FieldError;
use serde::{Deserialize, Serialize};

/// An e-mail address, normalised (trimmed, lower-cased) so uniqueness ignores case and spacing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim().to_lowercase();
        let bad = || FieldError::new(field, "must be an e-mail address such as ana@example.com");
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = email.rsplit_once('@').ok_or_else(bad)?;
        let labels_ok = domain.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain.contains('.') || !labels_ok {
            return Err(bad());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number in E.164 form: `+` and 8 to 15 digits, the first not zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let digits = raw.strip_prefix('+').unwrap_or("");
        let ok =
            (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) && !digits.starts_with('0');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new(field, "must be in E.164 form such as +5511912345678"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tax id and the country that issued it. Brazilian ids are CPF (11 digits) or CNPJ (14) with
/// valid check digits, stored as digits only; other countries' ids are bounded text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxId {
    pub country: String,
    pub number: String,
}

impl TaxId {
    pub fn parse(field: &str, raw: TaxId) -> Result<Self, FieldError> {
        let country = super::country::parse_country(&format!("{field}.country"), &raw.country)?;
        let number_field = format!("{field}.number");
        if country == "BR" {
            let digits: String = raw.number.chars().filter(|c| !matches!(c, '.' | '-' | '/' | ' ')).collect();
            let valid = match digits.len() {
                11 => valid_cpf(&digits),
                14 => valid_cnpj(&digits),
                _ => false,
            };
            if !valid {
                return Err(FieldError::new(number_field, "must be a CPF or CNPJ with valid check digits"));
            }
            return Ok(Self { country, number: digits });
        }
        let number = super::ShortText::parse(&number_field, &raw.number, 40)?;
        // Tax ids are letters and digits with the usual separators; anything else is a typing
        // error or an attempt to smuggle look-alike characters into a record.
        if !number.as_str().chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '/' | ' ')) {
            return Err(FieldError::new(number_field, "may only contain letters, digits, '.', '-', '/' and spaces"));
        }
        Ok(Self { country, number: number.to_string() })
    }
}

fn digits_of(s: &str) -> Option<Vec<u32>> {
    s.chars().map(|c| c.to_digit(10)).collect()
}

/// Check digit: weighted sum mod 11; remainders 0 and 1 give 0.
fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    let r = sum % 11;
    if r < 2 { 0 } else { 11 - r }
}

pub fn valid_cpf(s: &str) -> bool {
    let Some(d) = digits_of(s) else { return false };
    if d.len() != 11 || d.iter().all(|x| *x == d[0]) {
        return false;
    }
    let first = check_digit(&d[..9], &[10, 9, 8, 7, 6, 5, 4, 3, 2]);
    let second = check_digit(&d[..10], &[11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
    d[9] == first && d[10] == second
}

pub fn valid_cnpj(s: &str) -> bool {
    let Some(d) = digits_of(s) else { return false };
    if d.len() != 14 || d.iter().all(|x| *x == d[0]) {
        return false;
    }
    let first = check_digit(&d[..12], &[5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
    let second = check_digit(&d[..13], &[6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
    d[12] == first && d[13] == second
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("email", "  Ana.Souza@Example.COM ").unwrap().as_str(), "ana.souza@example.com");
        for bad in
            ["", "ana", "ana@", "@example.com", "ana@example", "a b@example.com", "ana@exa mple.com", "ana@-x.com"]
        {
            assert_eq!(Email::parse("email", bad).unwrap_err().field, "email", "{bad}");
        }
    }

    #[test]
    fn phones_are_e164() {
        assert!(Phone::parse("phone", "+5511912345678").is_ok());
        for bad in ["5511912345678", "+0511912345", "+55 11 91234-5678", "+1234567", "+1234567890123456"] {
            assert!(Phone::parse("phone", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cpf_and_cnpj_check_digits() {
        assert!(valid_cpf("52998224725"));
        assert!(!valid_cpf("52998224726"));
        assert!(!valid_cpf("11111111111"));
        assert!(valid_cnpj("11222333000181"));
        assert!(!valid_cnpj("11222333000182"));
        let formatted = TaxId { country: "BR".into(), number: "529.982.247-25".into() };
        assert_eq!(TaxId::parse("tax_id", formatted).unwrap().number, "52998224725");
        let wrong = TaxId { country: "BR".into(), number: "529.982.247-24".into() };
        assert_eq!(TaxId::parse("tax_id", wrong).unwrap_err().field, "tax_id.number");
        let foreign = TaxId { country: "DE".into(), number: "DE123456789".into() };
        assert!(TaxId::parse("tax_id", foreign).is_ok());
        let unknown = TaxId { country: "ZZ".into(), number: "123".into() };
        assert_eq!(TaxId::parse("tax_id", unknown).unwrap_err().field, "tax_id.country");
        for bad in ["DE12<script>", "DE\u{200B}123", "DE 123 ; 4", "12\u{202E}34"] {
            let raw = TaxId { country: "DE".into(), number: bad.into() };
            assert_eq!(TaxId::parse("tax_id", raw).unwrap_err().field, "tax_id.number", "{bad:?}");
        }
    }
}
