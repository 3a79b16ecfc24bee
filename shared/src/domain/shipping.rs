//! Shipping charges: a method's rate table prices a parcel by where it goes (zones: countries,
//! and for Brazil states or CEP ranges) and what it weighs (bands: "up to N grams costs P"),
//! with an optional free-shipping threshold on the order's subtotal. Pure: a quote is a function
//! of the table, the destination, the weight and the subtotal.

use super::address::Address;
use super::{Currency, FieldError, Money};
use serde::{Deserialize, Serialize};

/// Brazil's 26 states and the Federal District.
const BR_STATES: [&str; 27] = [
    "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA", "PB", "PE", "PI", "PR", "RJ",
    "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
];

pub const MAX_ZONES: usize = 50;
pub const MAX_BANDS: usize = 50;

/// A CEP (Brazilian postal code) as its eight digits, `01001-000` or `01001000`.
pub fn cep(field: &str, raw: &str) -> Result<u32, FieldError> {
    let digits: String = raw.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if digits.len() == 8 && digits.chars().all(|c| c.is_ascii_digit()) {
        digits.parse().map_err(|_| FieldError::new(field, "must be a CEP of 8 digits, e.g. 01001-000"))
    } else {
        Err(FieldError::new(field, "must be a CEP of 8 digits, e.g. 01001-000"))
    }
}

/// Where a parcel goes, as the rate table reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub country: String,
    pub state: Option<String>,
    /// The CEP as a number, for Brazil.
    pub postal: Option<u32>,
}

impl Destination {
    pub fn of(address: &Address) -> Self {
        let br = address.country() == "BR";
        Destination {
            country: address.country().to_owned(),
            state: address.region().map(|r| r.trim().to_ascii_uppercase()),
            postal: if br { cep("postal_code", address.postal_code()).ok() } else { None },
        }
    }
}

/// A zone as the API takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneInput {
    pub countries: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub postal_codes: Vec<PostalRangeInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostalRangeInput {
    pub from: String,
    pub to: String,
}

/// A zone: the destinations in its countries (and, when given, its Brazilian states or CEP
/// ranges). Written and read back in the API's shape, through [`Zone::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ZoneInput", try_from = "ZoneInput")]
pub struct Zone {
    countries: Vec<String>,
    states: Vec<String>,
    postal_ranges: Vec<(u32, u32)>,
}

impl TryFrom<ZoneInput> for Zone {
    type Error = FieldError;
    fn try_from(raw: ZoneInput) -> Result<Self, FieldError> {
        Zone::parse("zone", &raw)
    }
}

impl From<Zone> for ZoneInput {
    fn from(z: Zone) -> Self {
        let cep = |n: u32| format!("{:05}-{:03}", n / 1000, n % 1000);
        ZoneInput {
            countries: z.countries,
            states: z.states,
            postal_codes: z
                .postal_ranges
                .into_iter()
                .map(|(f, t)| PostalRangeInput { from: cep(f), to: cep(t) })
                .collect(),
        }
    }
}

impl Zone {
    pub fn parse(field: &str, raw: &ZoneInput) -> Result<Self, FieldError> {
        if raw.countries.is_empty() || raw.countries.len() > 250 {
            return Err(FieldError::new(format!("{field}.countries"), "must name 1 to 250 countries"));
        }
        // Field names are spelt out only for an error: a stored zone is parsed again on every read.
        let named = |path: String| move |e: FieldError| FieldError::new(path, e.reason);
        let countries = raw
            .countries
            .iter()
            .enumerate()
            .map(|(i, c)| super::country::parse_country("", c).map_err(|e| named(format!("{field}.countries[{i}]"))(e)))
            .collect::<Result<Vec<_>, _>>()?;
        let only_brazil = countries == ["BR"];
        if (!raw.states.is_empty() || !raw.postal_codes.is_empty()) && !only_brazil {
            return Err(FieldError::new(
                format!("{field}.countries"),
                "states and CEP ranges apply to a zone of Brazil only: countries must be [\"BR\"]",
            ));
        }
        let states = raw
            .states
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let s = s.trim().to_ascii_uppercase();
                if BR_STATES.contains(&s.as_str()) {
                    Ok(s)
                } else {
                    Err(FieldError::new(
                        format!("{field}.states[{i}]"),
                        "must be a Brazilian state's two letters, e.g. SP",
                    ))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let postal_ranges = raw
            .postal_codes
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let from = cep("", &r.from).map_err(|e| named(format!("{field}.postal_codes[{i}].from"))(e))?;
                let to = cep("", &r.to).map_err(|e| named(format!("{field}.postal_codes[{i}].to"))(e))?;
                if from > to {
                    return Err(FieldError::new(format!("{field}.postal_codes[{i}].to"), "must not be before from"));
                }
                Ok((from, to))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Zone { countries, states, postal_ranges })
    }

    pub fn serves(&self, d: &Destination) -> bool {
        self.countries.contains(&d.country)
            && (self.states.is_empty() || d.state.as_ref().is_some_and(|s| self.states.contains(s)))
            && (self.postal_ranges.is_empty()
                || d.postal.is_some_and(|p| self.postal_ranges.iter().any(|(from, to)| (*from..=*to).contains(&p))))
    }
}

/// "Up to `up_to_grams` costs `price`" (minor units of the table's currency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub up_to_grams: u64,
    pub price: i64,
}

/// A zone's prices by weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub zone: Zone,
    pub bands: Vec<Band>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateInput {
    pub zone: ZoneInput,
    pub bands: Vec<Band>,
}

/// A method's prices: the first zone that serves the destination applies, its first band that
/// holds the weight gives the price, and a subtotal at or over `free_over` ships free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateTable {
    pub currency: Currency,
    pub rates: Vec<Rate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_over: Option<i64>,
}

impl RateTable {
    pub fn parse(currency: Currency, rates: &[RateInput], free_over: Option<i64>) -> Result<Self, FieldError> {
        if rates.is_empty() || rates.len() > MAX_ZONES {
            return Err(FieldError::new("rates", format!("must have 1 to {MAX_ZONES} zones")));
        }
        let mut parsed = Vec::with_capacity(rates.len());
        for (i, r) in rates.iter().enumerate() {
            let zone = Zone::parse(&format!("rates[{i}].zone"), &r.zone)?;
            if r.bands.is_empty() || r.bands.len() > MAX_BANDS {
                return Err(FieldError::new(format!("rates[{i}].bands"), format!("must have 1 to {MAX_BANDS} bands")));
            }
            let mut last = 0;
            for (j, b) in r.bands.iter().enumerate() {
                if b.price < 0 {
                    return Err(FieldError::new(format!("rates[{i}].bands[{j}].price"), "must not be negative"));
                }
                if b.up_to_grams == 0 || b.up_to_grams <= last {
                    return Err(FieldError::new(
                        format!("rates[{i}].bands[{j}].up_to_grams"),
                        "must be positive and larger than the band before",
                    ));
                }
                last = b.up_to_grams;
            }
            parsed.push(Rate { zone, bands: r.bands.clone() });
        }
        if free_over.is_some_and(|f| f < 0) {
            return Err(FieldError::new("free_over", "must not be negative"));
        }
        Ok(RateTable { currency, rates: parsed, free_over })
    }

    /// What shipping `weight_grams` to `to` costs for an order whose lines come to `subtotal`.
    pub fn quote(&self, to: &Destination, weight_grams: u64, subtotal: Money) -> Result<Money, QuoteError> {
        if subtotal.currency() != self.currency {
            return Err(QuoteError::Currency(self.currency));
        }
        let rate = self.rates.iter().find(|r| r.zone.serves(to)).ok_or(QuoteError::NotServed)?;
        let band = rate
            .bands
            .iter()
            .find(|b| b.up_to_grams >= weight_grams)
            .ok_or(QuoteError::TooHeavy { max_grams: rate.bands.last().map_or(0, |b| b.up_to_grams) })?;
        if self.free_over.is_some_and(|f| subtotal.amount() >= f) {
            return Ok(Money::zero(self.currency));
        }
        Ok(Money::new(band.price, self.currency))
    }
}

/// A shipping method's code in the API and the URL: 1 to 40 lower-case letters, digits, `-`, `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct MethodCode(String);

impl MethodCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        super::slug(field, raw).map(Self)
    }
}

super::checked_string!(MethodCode);

/// A way to ship: a carrier's service and what it costs where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "MethodFields", into = "MethodFields")]
pub struct ShippingMethod {
    pub code: MethodCode,
    pub name: String,
    pub carrier: String,
    /// The carrier's own code for the service (e.g. Correios' `03220` for SEDEX).
    pub service_code: String,
    pub active: bool,
    /// Shown as the method's own `currency`, `rates` and `free_over`: what `PUT` takes.
    pub table: RateTable,
}

/// A method as it is written and read: its table's fields beside its own. (Not `#[serde(flatten)]`,
/// which buffers every field of the item before reading it: placing an order reads a method.)
#[derive(Serialize, Deserialize)]
struct MethodFields {
    code: MethodCode,
    name: String,
    carrier: String,
    service_code: String,
    active: bool,
    currency: Currency,
    rates: Vec<Rate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    free_over: Option<i64>,
}

impl From<MethodFields> for ShippingMethod {
    fn from(f: MethodFields) -> Self {
        let MethodFields { code, name, carrier, service_code, active, currency, rates, free_over } = f;
        Self { code, name, carrier, service_code, active, table: RateTable { currency, rates, free_over } }
    }
}

impl From<ShippingMethod> for MethodFields {
    fn from(m: ShippingMethod) -> Self {
        let ShippingMethod { code, name, carrier, service_code, active, table } = m;
        Self {
            code,
            name,
            carrier,
            service_code,
            active,
            currency: table.currency,
            rates: table.rates,
            free_over: table.free_over,
        }
    }
}

/// What a set of lines weighs and comes to: each line's unit weight times its quantity.
/// `Err`: the index of a line whose product has no weight (it cannot be quoted).
pub fn parcel(lines: &[(Option<u64>, u64, Money)]) -> Result<(u64, Money), usize> {
    let mut grams = 0u64;
    let mut subtotal: Option<Money> = None;
    for (i, (weight, quantity, line_total)) in lines.iter().enumerate() {
        let w = weight.ok_or(i)?;
        grams = grams.saturating_add(w.saturating_mul(*quantity));
        subtotal = Some(match subtotal {
            None => *line_total,
            Some(s) => s.checked_add(*line_total).map_err(|_| i)?,
        });
    }
    Ok((grams, subtotal.ok_or(0usize)?))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("the method does not ship to this destination")]
    NotServed,
    #[error("the parcel is heavier than the method takes to this destination ({max_grams} g)")]
    TooHeavy { max_grams: u64 },
    #[error("the method's prices are in {0}")]
    Currency(Currency),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brl() -> Currency {
        Currency::parse("c", "BRL").unwrap()
    }

    fn zone(countries: &[&str], states: &[&str], ceps: &[(&str, &str)]) -> ZoneInput {
        ZoneInput {
            countries: countries.iter().map(|c| (*c).to_owned()).collect(),
            states: states.iter().map(|s| (*s).to_owned()).collect(),
            postal_codes: ceps.iter().map(|(f, t)| PostalRangeInput { from: (*f).into(), to: (*t).into() }).collect(),
        }
    }

    /// A carrier's table: the city of São Paulo by CEP, the rest of the Southeast by state, the
    /// rest of Brazil, and Portugal; free over R$300.00.
    fn table() -> RateTable {
        let bands = |prices: [i64; 3]| {
            vec![
                Band { up_to_grams: 300, price: prices[0] },
                Band { up_to_grams: 1000, price: prices[1] },
                Band { up_to_grams: 5000, price: prices[2] },
            ]
        };
        RateTable::parse(
            brl(),
            &[
                RateInput { zone: zone(&["BR"], &[], &[("01000-000", "05999-999")]), bands: bands([990, 1290, 1990]) },
                RateInput { zone: zone(&["BR"], &["SP", "RJ", "MG", "ES"], &[]), bands: bands([1490, 1890, 2990]) },
                RateInput { zone: zone(&["BR"], &[], &[]), bands: bands([2190, 2790, 4490]) },
                RateInput { zone: zone(&["PT"], &[], &[]), bands: bands([8900, 12900, 25900]) },
            ],
            Some(30000),
        )
        .unwrap()
    }

    fn to(country: &str, state: Option<&str>, postal: Option<&str>) -> Destination {
        Destination {
            country: country.into(),
            state: state.map(str::to_owned),
            postal: postal.map(|p| cep("p", p).unwrap()),
        }
    }

    #[test]
    fn quotes_match_the_table_read_by_hand() {
        let t = table();
        let r = |amount| Money::new(amount, brl());
        // 250 g to the city of São Paulo: its own zone, first band
        assert_eq!(t.quote(&to("BR", Some("SP"), Some("01310-100")), 250, r(5000)), Ok(r(990)));
        // 300 g exactly is still the first band; 301 g the second
        assert_eq!(t.quote(&to("BR", Some("SP"), Some("01310-100")), 300, r(5000)), Ok(r(990)));
        assert_eq!(t.quote(&to("BR", Some("SP"), Some("01310-100")), 301, r(5000)), Ok(r(1290)));
        // Campinas (SP, outside the city's CEPs): the Southeast by state
        assert_eq!(t.quote(&to("BR", Some("SP"), Some("13010-000")), 1000, r(5000)), Ok(r(1890)));
        // Recife: the rest of Brazil, 4.2 kg
        assert_eq!(t.quote(&to("BR", Some("PE"), Some("50000-000")), 4200, r(5000)), Ok(r(4490)));
        // Lisbon
        assert_eq!(t.quote(&to("PT", None, None), 900, r(5000)), Ok(r(12900)));
        // Free at R$300.00 and over, not under
        assert_eq!(t.quote(&to("BR", Some("PE"), None), 900, r(30000)), Ok(r(0)));
        assert_eq!(t.quote(&to("BR", Some("PE"), None), 900, r(29999)), Ok(r(2790)));
    }

    #[test]
    fn a_destination_outside_every_zone_or_a_parcel_too_heavy_is_refused() {
        let t = table();
        let r = Money::new(5000, brl());
        assert_eq!(t.quote(&to("US", None, None), 100, r), Err(QuoteError::NotServed));
        assert_eq!(t.quote(&to("BR", Some("PE"), None), 5001, r), Err(QuoteError::TooHeavy { max_grams: 5000 }));
        let usd = Money::new(5000, Currency::parse("c", "USD").unwrap());
        assert_eq!(t.quote(&to("BR", Some("PE"), None), 100, usd), Err(QuoteError::Currency(brl())));
    }

    #[test]
    fn a_table_reads_back_in_the_shape_it_was_given() {
        let t = table();
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(
            json["rates"][0]["zone"],
            serde_json::json!({"countries": ["BR"], "postal_codes": [{"from": "01000-000", "to": "05999-999"}]})
        );
        let back: RateTable = serde_json::from_value(json).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn a_parcel_weighs_its_lines_and_needs_every_weight() {
        let r = |a| Money::new(a, brl());
        assert_eq!(parcel(&[(Some(250), 2, r(2000)), (Some(1000), 1, r(5000))]), Ok((1500, r(7000))));
        assert_eq!(parcel(&[(Some(250), 2, r(2000)), (None, 1, r(5000))]), Err(1));
        assert!(MethodCode::parse("code", "sedex-10").is_ok());
        assert!(MethodCode::parse("code", "SEDEX").is_err());
    }

    #[test]
    fn bad_tables_are_refused_naming_the_field() {
        let band = |up, price| Band { up_to_grams: up, price };
        let field = |rates: Vec<RateInput>, free| RateTable::parse(brl(), &rates, free).unwrap_err().field;
        let br = || zone(&["BR"], &[], &[]);
        assert_eq!(field(vec![RateInput { zone: br(), bands: vec![band(100, -1)] }], None), "rates[0].bands[0].price");
        assert_eq!(
            field(vec![RateInput { zone: br(), bands: vec![band(500, 1), band(400, 2)] }], None),
            "rates[0].bands[1].up_to_grams"
        );
        assert_eq!(
            field(vec![RateInput { zone: zone(&["XX"], &[], &[]), bands: vec![band(1, 1)] }], None),
            "rates[0].zone.countries[0]"
        );
        assert_eq!(
            field(vec![RateInput { zone: zone(&["BR"], &["ZZ"], &[]), bands: vec![band(1, 1)] }], None),
            "rates[0].zone.states[0]"
        );
        assert_eq!(
            field(
                vec![RateInput { zone: zone(&["BR"], &[], &[("02000-000", "01000-000")]), bands: vec![band(1, 1)] }],
                None
            ),
            "rates[0].zone.postal_codes[0].to"
        );
        assert_eq!(
            field(vec![RateInput { zone: zone(&["PT"], &["SP"], &[]), bands: vec![band(1, 1)] }], None),
            "rates[0].zone.countries"
        );
        assert_eq!(field(vec![RateInput { zone: br(), bands: vec![band(1, 1)] }], Some(-5)), "free_over");
        assert_eq!(field(vec![], None), "rates");
    }
}
