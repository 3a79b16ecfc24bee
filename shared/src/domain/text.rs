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
        refuse_invisible(field, trimmed)?;
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Bidirectional overrides and isolates, and zero-width characters: invisible on screen, they
/// make one text look like another (`U+202E` shows `exe.txt` as `txt.exe`), a known spoofing
/// vector in back-office screens. Letters of every script stay allowed.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'                    // Arabic letter mark
            | '\u{180E}'              // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}' // zero-width space, (non-)joiner, LRM, RLM
            | '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner and invisible operators
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{FEFF}' // zero-width no-break space (BOM)
    )
}

/// Refuses text holding a character [`is_invisible`] matches, naming its code point.
pub fn refuse_invisible(field: &str, text: &str) -> Result<(), FieldError> {
    match text.chars().find(|c| is_invisible(*c)) {
        Some(c) => Err(FieldError::new(
            field,
            format!("must not contain invisible or text-direction characters (found U+{:04X})", u32::from(c)),
        )),
        None => Ok(()),
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

    #[test]
    fn bidi_controls_and_zero_width_characters_are_refused() {
        for bad in ["Ana\u{202E}azuoS", "Ana\u{200B}Souza", "\u{2066}x\u{2069}", "a\u{FEFF}b", "a\u{200D}b"] {
            let err = ShortText::parse("name", bad, 50).unwrap_err();
            assert_eq!(err.field, "name", "{bad:?}");
            assert!(err.reason.contains("U+"), "{}", err.reason);
        }
        assert_eq!(ShortText::parse("name", "São Paulo — Ação", 50).unwrap().as_str(), "São Paulo — Ação");
        assert!(ShortText::parse("name", "محمد", 50).is_ok(), "right-to-left scripts themselves are fine");
    }
}

/// Why something was done — a refund, a returned line, a cancellation: short text of at most
/// 200 characters. Read back from storage through the same parse.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Reason(ShortText);

impl Reason {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        ShortText::parse(field, raw, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

super::deserialize_by_parse!(Reason);

/// Tags as kept: trimmed, lower-cased, each 1 to 40 bytes of letters, digits, spaces, `-` or
/// `_`, at most `max` of them, duplicates once (customers' and conversations' tags alike).
pub fn tags(raw: &[String], max: usize) -> Result<Vec<String>, FieldError> {
    if raw.len() > max {
        return Err(FieldError::new("tags", format!("at most {max} tags")));
    }
    let mut tags = Vec::with_capacity(raw.len());
    for (i, t) in raw.iter().enumerate() {
        let tag = t.trim().to_lowercase();
        let ok = (1..=40).contains(&tag.len()) && tag.chars().all(|c| c.is_alphanumeric() || "-_ ".contains(c));
        if !ok {
            return Err(FieldError::new(format!("tags[{i}]"), "must be 1 to 40 letters, digits, spaces, '-' or '_'"));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    Ok(tags)
}
