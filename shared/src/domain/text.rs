//! Bounded free text and the field-naming parse error every domain type reports.

use std::fmt;

/// A parse failure that names the offending input field, so the HTTP edge can point at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { field: field.into(), reason: reason.into() }
    }
}

/// Trimmed, non-empty text of bounded length without control characters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct ShortText(String);

impl ShortText {
    pub fn parse(field: &str, raw: &str, max_chars: usize) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if trimmed.chars().count() > max_chars {
            return Err(FieldError::new(field, format!("must be at most {max_chars} characters")));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(FieldError::new(field, "must not contain control characters"));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(ShortText::parse("name", "  Mug ", 10).unwrap().as_str(), "Mug");
        assert_eq!(ShortText::parse("name", "   ", 10).unwrap_err().field, "name");
        assert!(ShortText::parse("name", "abcdefghijk", 10).is_err());
        assert!(ShortText::parse("name", "a\u{7}b", 10).is_err());
    }
}
