//! Money: integer minor units plus an ISO 4217 currency. No floating point, checked arithmetic,
//! and no operation that mixes currencies.

use super::text::FieldError;
use serde::{Serialize, Serializer};
use std::fmt;

/// An active ISO 4217 currency code with its number of minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    minor_digits: u8,
}

/// Active ISO 4217 codes (fund and precious-metal codes excluded) and their minor-unit digits.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("UZS", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

impl Currency {
    /// Accepts an active ISO 4217 alphabetic code, exactly as written (upper case).
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        // The table is sorted by code (a test keeps it so): every stored amount is parsed
        // through here, and a binary search is 8 comparisons where a scan was up to 156.
        CURRENCIES
            .binary_search_by(|(code, _)| (*code).cmp(raw))
            .ok()
            .map(|i| Self { code: CURRENCIES[i].0, minor_digits: CURRENCIES[i].1 })
            .ok_or_else(|| FieldError::new(field, "must be an active ISO 4217 currency code such as BRL, EUR or USD"))
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn minor_digits(&self) -> u8 {
        self.minor_digits
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

super::deserialize_by_parse!(Currency);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(Currency, Currency),
    #[error("amount out of range")]
    Overflow,
}

/// An amount in integer minor units (cents, centavos, yen) of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Money {
    amount: i64,
    currency: Currency,
}

impl Money {
    pub fn new(amount: i64, currency: Currency) -> Self {
        Self { amount, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self::new(0, currency)
    }

    /// A price written as a decimal in the currency's units, as a spreadsheet shows it: `39,90`
    /// or `39.90` (either separator, no thousands separators), at most as many decimals as the
    /// currency has minor digits (`1500` yen, `39.9` reais). Never through floating point.
    pub fn parse_decimal(field: &str, text: &str, currency: &str) -> Result<Self, FieldError> {
        let currency = Currency::parse(&format!("{field}.currency"), currency)?;
        let digits = usize::from(currency.minor_digits());
        let bad = || {
            FieldError::new(
                field,
                format!("must be a price such as 39,90 or 39.90 with at most {digits} decimals for {currency}"),
            )
        };
        let text = text.trim();
        let (units, fraction) = match text.split_once([',', '.']) {
            Some((u, f)) => (u, f),
            None => (text, ""),
        };
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if units.is_empty()
            || units.len() > 15
            || !all_digits(units)
            || !all_digits(fraction)
            || fraction.len() > digits
        {
            return Err(bad());
        }
        if text.contains([',', '.']) && fraction.is_empty() {
            return Err(bad());
        }
        let padded = format!("{units}{fraction:0<digits$}");
        let amount: i64 = padded.parse().map_err(|_| bad())?;
        Ok(Self::new(amount, currency))
    }

    /// A price: a non-negative amount in minor units.
    pub fn parse_price(field: &str, amount: i64, currency: &str) -> Result<Self, FieldError> {
        let currency = Currency::parse(&format!("{field}.currency"), currency)?;
        if amount < 0 {
            return Err(FieldError::new(format!("{field}.amount"), "must not be negative"));
        }
        Ok(Self::new(amount, currency))
    }

    pub fn amount(&self) -> i64 {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self.amount.checked_add(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self.amount.checked_sub(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    pub fn checked_mul(self, factor: u64) -> Result<Money, MoneyError> {
        let factor = i64::try_from(factor).map_err(|_| MoneyError::Overflow)?;
        let amount = self.amount.checked_mul(factor).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }
}

/// Reading money back (stored items, events): the currency is checked again, the sign is not
/// (balances may be negative).
impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            amount: i64,
            currency: String,
        }
        let raw = Raw::deserialize(d)?;
        let currency = Currency::parse("currency", &raw.currency).map_err(serde::de::Error::custom)?;
        Ok(Money::new(raw.amount, currency))
    }
}

impl Money {
    /// The amount as a decimal in the currency's precision, `19.90` (`1990` minor units of
    /// BRL), `500` for JPY: the form spreadsheets and [`Money::parse_decimal`] read. Integers
    /// only, no floating point.
    pub fn decimal(&self) -> String {
        let digits = u32::from(self.currency.minor_digits);
        let sign = if self.amount < 0 { "-" } else { "" };
        let abs = self.amount.unsigned_abs();
        if digits == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(digits);
        format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = digits as usize)
    }
}

impl fmt::Display for Money {
    /// Human form for texts and logs, e.g. `BRL 19.90`; never parsed back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.decimal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_prices_are_read_in_minor_units_without_floats() {
        let brl = |t: &str| Money::parse_decimal("unit_price", t, "BRL").map(|m| m.amount());
        assert_eq!(brl("39,90"), Ok(3990));
        assert_eq!(brl("39.9"), Ok(3990));
        assert_eq!(brl(" 1234 "), Ok(123_400));
        assert_eq!(brl("0,01"), Ok(1));
        for bad in ["39,999", "-1", "1.234,56", "", "39,", ",5", "1e3", "12 345"] {
            assert_eq!(brl(bad).unwrap_err().field, "unit_price", "{bad}");
        }
        assert_eq!(Money::parse_decimal("p", "1500", "JPY").unwrap().amount(), 1500);
        assert!(Money::parse_decimal("p", "1500,5", "JPY").is_err(), "yen have no minor digits");
        assert_eq!(Money::parse_decimal("p", "1", "XYZ").unwrap_err().field, "p.currency");
    }

    #[test]
    fn decimals_are_written_as_they_are_read_back() {
        for (text, currency) in [("39.90", "BRL"), ("0.01", "BRL"), ("1500", "JPY"), ("1.234", "BHD")] {
            let money = Money::parse_decimal("p", text, currency).unwrap();
            assert_eq!(money.decimal(), text);
        }
        let brl = Currency::parse("c", "BRL").unwrap();
        assert_eq!(Money::new(-5, brl).decimal(), "-0.05");
    }

    #[test]
    fn the_currency_table_is_sorted_without_duplicates_so_it_can_be_searched() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        for &(code, digits) in CURRENCIES {
            let c = Currency::parse("currency", code).unwrap();
            assert_eq!((c.code(), c.minor_digits()), (code, digits));
        }
        assert!(Currency::parse("currency", "AAA").is_err());
        assert!(Currency::parse("currency", "ZZZ").is_err());
        assert!(Currency::parse("currency", "brl").is_err());
    }

    fn brl() -> Currency {
        Currency::parse("c", "BRL").unwrap()
    }

    #[test]
    fn currency_codes_are_checked() {
        assert_eq!(Currency::parse("c", "JPY").unwrap().minor_digits(), 0);
        assert_eq!(Currency::parse("c", "KWD").unwrap().minor_digits(), 3);
        for bad in ["brl", "XXX", "BR", "", "BRLL"] {
            assert!(Currency::parse("c", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn prices_are_non_negative_and_name_their_field() {
        assert_eq!(Money::parse_price("unit_price", 1990, "BRL").unwrap().amount(), 1990);
        assert_eq!(Money::parse_price("unit_price", -1, "BRL").unwrap_err().field, "unit_price.amount");
        assert_eq!(Money::parse_price("unit_price", 1, "ZZZ").unwrap_err().field, "unit_price.currency");
    }

    #[test]
    fn arithmetic_is_checked_and_single_currency() {
        let a = Money::new(i64::MAX, brl());
        assert_eq!(a.checked_add(Money::new(1, brl())), Err(MoneyError::Overflow));
        assert_eq!(Money::new(2, brl()).checked_mul(u64::MAX), Err(MoneyError::Overflow));
        let usd = Currency::parse("c", "USD").unwrap();
        assert!(matches!(Money::new(1, brl()).checked_add(Money::new(1, usd)), Err(MoneyError::CurrencyMismatch(..))));
        assert_eq!(Money::new(1990, brl()).checked_mul(3).unwrap().amount(), 5970);
    }

    #[test]
    fn displays_in_major_units() {
        assert_eq!(Money::new(1990, brl()).to_string(), "BRL 19.90");
        assert_eq!(Money::new(-5, brl()).to_string(), "BRL -0.05");
        assert_eq!(Money::new(1500, Currency::parse("c", "JPY").unwrap()).to_string(), "JPY 1500");
    }
}
