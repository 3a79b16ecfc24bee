//! Search terms: text folded so `sao` finds "São Paulo mug" and `CAFÉ` finds "café" — lower
//! case, accents removed (canonical decomposition without its combining marks), split into words.

use super::text::FieldError;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Words indexed per name: a longer name is still found by its first words.
pub const MAX_WORDS: usize = 20;
/// Longest prefix a query may hold (and longest word indexed).
pub const MAX_TERM: usize = 40;

/// Lower case without accents.
pub fn fold(text: &str) -> String {
    text.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// The distinct folded words of `text`, in order, at most [`MAX_WORDS`], each cut to [`MAX_TERM`].
pub fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word: String = word.chars().take(MAX_TERM).collect();
        if !out.contains(&word) {
            out.push(word);
        }
        if out.len() == MAX_WORDS {
            break;
        }
    }
    out
}

/// A search: a folded prefix of one word (or of a SKU), 1 to [`MAX_TERM`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPrefix(String);

impl SearchPrefix {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let folded = fold(raw.trim());
        if folded.is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if folded.chars().count() > MAX_TERM {
            return Err(FieldError::new(field, format!("must be at most {MAX_TERM} characters")));
        }
        if folded.contains('#') || folded.chars().any(char::is_control) {
            return Err(FieldError::new(field, "may not contain '#' or control characters"));
        }
        Ok(Self(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `term` starts with this prefix.
    pub fn matches(&self, term: &str) -> bool {
        term.starts_with(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_and_accents() {
        assert_eq!(fold("São Paulo CAFÉ Ação"), "sao paulo cafe acao");
        assert_eq!(words("Caneca São Paulo — São Paulo, 300ml"), ["caneca", "sao", "paulo", "300ml"]);
        assert_eq!(words(&"palavra ".repeat(5)), ["palavra"]);
        let many: String = (0..30).map(|i| format!("w{i} ")).collect();
        assert_eq!(words(&many).len(), MAX_WORDS);
    }

    #[test]
    fn a_search_is_a_folded_prefix() {
        let q = SearchPrefix::parse("q", " SÃO ").unwrap();
        assert_eq!(q.as_str(), "sao");
        assert!(q.matches("saopaulo") && !q.matches("paulo"));
        assert_eq!(SearchPrefix::parse("q", "  ").unwrap_err().field, "q");
        assert_eq!(SearchPrefix::parse("q", "a#b").unwrap_err().field, "q");
        assert_eq!(SearchPrefix::parse("q", &"x".repeat(41)).unwrap_err().field, "q");
    }
}
