//! The languages the backoffice writes to customers in, and money as each of them writes it.
//! A customer may name one (`language`); otherwise the shop's default (`SHOP_LANGUAGE`) is used.

use super::FieldError;
use super::money::Money;
use serde::{Deserialize, Serialize};

/// A language customers are written to in, by its BCP 47 tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    #[serde(rename = "en")]
    En,
    #[serde(rename = "pt-BR")]
    PtBr,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::PtBr];

    /// Reads a tag; case does not matter (`pt-br` is `pt-BR`), nothing else is guessed.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(raw.trim()))
            .ok_or_else(|| FieldError::new(field, "must be one of en, pt-BR"))
    }

    pub fn tag(&self) -> &'static str {
        match self {
            Self::En => "en",
            Self::PtBr => "pt-BR",
        }
    }

    /// An amount as this language writes it: `R$ 1.234,56` in Brazilian Portuguese,
    /// `R$1,234.56` in English; the currency's own minor digits (none for JPY, three for KWD).
    pub fn money(&self, money: Money) -> String {
        let currency = money.currency();
        let digits = u32::from(currency.minor_digits());
        let scale = 10u128.pow(digits);
        let units = u128::from(money.amount().unsigned_abs());
        let (whole, fraction) = (units / scale, units % scale);
        let (group, decimal) = match self {
            Self::En => (',', '.'),
            Self::PtBr => ('.', ','),
        };
        let whole = whole.to_string();
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        let number = if digits == 0 {
            grouped
        } else {
            format!("{grouped}{decimal}{fraction:0width$}", width = digits as usize)
        };
        let sign = if money.amount() < 0 { "-" } else { "" };
        let symbol = match currency.code() {
            "BRL" => "R$",
            "USD" => "US$",
            "EUR" => "€",
            "GBP" => "£",
            other => other,
        };
        match self {
            // "R$ 1.234,56", "€ 10,00": the symbol, a space, the number (ABNT usage).
            Self::PtBr => format!("{sign}{symbol}\u{a0}{number}"),
            // "R$1,234.56", but "CHF 10.00" for a code without a symbol.
            Self::En if symbol.len() == 3 && symbol.chars().all(|c| c.is_ascii_uppercase()) => {
                format!("{sign}{symbol}\u{a0}{number}")
            }
            Self::En => format!("{sign}{symbol}{number}"),
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn money(amount: i64, code: &str) -> Money {
        Money::new(amount, Currency::parse("c", code).unwrap())
    }

    #[test]
    fn each_language_writes_money_its_own_way_in_the_currencys_minor_digits() {
        assert_eq!(Language::PtBr.money(money(123_456, "BRL")), "R$\u{a0}1.234,56");
        assert_eq!(Language::En.money(money(123_456, "BRL")), "R$1,234.56");
        assert_eq!(Language::PtBr.money(money(5, "BRL")), "R$\u{a0}0,05");
        assert_eq!(Language::En.money(money(100_000_000, "USD")), "US$1,000,000.00");
        assert_eq!(Language::En.money(money(1_234, "JPY")), "JPY\u{a0}1,234", "no minor digits");
        assert_eq!(Language::PtBr.money(money(-1_050, "EUR")), "-€\u{a0}10,50");
        assert_eq!(Language::En.money(money(12_345, "KWD")), "KWD\u{a0}12.345", "three minor digits");
    }

    #[test]
    fn a_tag_is_read_whatever_its_case_and_nothing_else_is() {
        assert_eq!(Language::parse("language", "pt-br").unwrap(), Language::PtBr);
        assert_eq!(Language::parse("language", "EN").unwrap(), Language::En);
        assert_eq!(Language::parse("language", "pt").unwrap_err().field, "language");
        assert!(Language::parse("language", "fr").is_err());
        assert_eq!(serde_json::to_string(&Language::PtBr).unwrap(), "\"pt-BR\"");
    }
}
