//! Purchasing: the shop's suppliers and what each charges for a SKU. Pure: a supplier and its
//! terms are parsed from what staff send, and hold only valid values.

use super::contact::{Email, TaxId};
use super::{Currency, FieldError, ShortText, Sku};
use serde::{Deserialize, Serialize};

/// A supplier's id in the API and the URL: 1 to 40 lower-case letters, digits, `-`, `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SupplierId(String);

impl SupplierId {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        super::slug(field, raw).map(Self)
    }
}

super::checked_string!(SupplierId);

/// The longest lead time a supplier or its terms may state, in days.
pub const MAX_LEAD_TIME_DAYS: u32 = 365;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplierInput {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub tax_id: Option<TaxId>,
    pub currency: String,
    pub lead_time_days: u32,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A supplier: who they are, how to reach them, the currency they invoice in and how long they
/// usually take to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supplier {
    id: SupplierId,
    name: String,
    email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tax_id: Option<TaxId>,
    currency: Currency,
    lead_time_days: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
}

impl Supplier {
    pub fn parse(id: SupplierId, input: &SupplierInput) -> Result<Self, FieldError> {
        if input.lead_time_days > MAX_LEAD_TIME_DAYS {
            return Err(FieldError::new("lead_time_days", format!("must be from 0 to {MAX_LEAD_TIME_DAYS} days")));
        }
        Ok(Self {
            id,
            name: ShortText::parse("name", &input.name, 200)?.to_string(),
            email: Email::parse("email", &input.email)?.as_str().to_owned(),
            tax_id: input.tax_id.clone().map(|t| TaxId::parse("tax_id", t)).transpose()?,
            currency: Currency::parse("currency", &input.currency)?,
            lead_time_days: input.lead_time_days,
            notes: input
                .notes
                .as_deref()
                .map(|n| ShortText::parse("notes", n, 2000))
                .transpose()?
                .map(|n| n.to_string()),
        })
    }

    pub fn id(&self) -> &SupplierId {
        &self.id
    }
    pub fn currency(&self) -> Currency {
        self.currency
    }
    pub fn lead_time_days(&self) -> u32 {
        self.lead_time_days
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermsInput {
    /// Minor units of the supplier's currency.
    pub unit_cost: i64,
    /// Days; the supplier's own lead time when left out.
    #[serde(default)]
    pub lead_time_days: Option<u32>,
    #[serde(default = "one")]
    pub minimum_order_quantity: u64,
    #[serde(default = "one")]
    pub pack_size: u64,
    #[serde(default)]
    pub preferred: bool,
}

fn one() -> u64 {
    1
}

/// What a supplier charges for a SKU and how it sells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierTerms {
    sku: Sku,
    supplier_id: SupplierId,
    unit_cost: super::Money,
    lead_time_days: u32,
    minimum_order_quantity: u64,
    pack_size: u64,
}

impl SupplierTerms {
    /// Terms for `sku` from `supplier` (as stored: its currency prices the cost, its lead time
    /// fills a missing one).
    pub fn parse(sku: Sku, supplier: &Supplier, input: &TermsInput) -> Result<Self, FieldError> {
        if input.unit_cost <= 0 {
            return Err(FieldError::new(
                "unit_cost",
                "must be a positive amount in minor units of the supplier's currency",
            ));
        }
        let lead = input.lead_time_days.unwrap_or(supplier.lead_time_days);
        if lead > MAX_LEAD_TIME_DAYS {
            return Err(FieldError::new("lead_time_days", format!("must be from 0 to {MAX_LEAD_TIME_DAYS} days")));
        }
        if !(1..=1_000_000).contains(&input.minimum_order_quantity) {
            return Err(FieldError::new("minimum_order_quantity", "must be from 1 to 1000000"));
        }
        if !(1..=100_000).contains(&input.pack_size) {
            return Err(FieldError::new("pack_size", "must be from 1 to 100000"));
        }
        Ok(Self {
            sku,
            supplier_id: supplier.id.clone(),
            unit_cost: super::Money::new(input.unit_cost, supplier.currency),
            lead_time_days: lead,
            minimum_order_quantity: input.minimum_order_quantity,
            pack_size: input.pack_size,
        })
    }

    pub fn sku(&self) -> &Sku {
        &self.sku
    }
    pub fn supplier_id(&self) -> &SupplierId {
        &self.supplier_id
    }

    /// The quantity to order for `wanted` units: at least the minimum, in whole packs.
    pub fn order_quantity(&self, wanted: u64) -> u64 {
        let at_least = wanted.max(self.minimum_order_quantity);
        at_least.div_ceil(self.pack_size) * self.pack_size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supplier() -> Supplier {
        let input = SupplierInput {
            name: "Cerâmica Sul".into(),
            email: "vendas@ceramica.example".into(),
            tax_id: Some(TaxId { country: "BR".into(), number: "11.222.333/0001-81".into() }),
            currency: "BRL".into(),
            lead_time_days: 10,
            notes: None,
        };
        Supplier::parse(SupplierId::parse("id", "ceramica-sul").unwrap(), &input).unwrap()
    }

    fn terms(f: impl FnOnce(&mut TermsInput)) -> Result<SupplierTerms, FieldError> {
        let mut input = TermsInput {
            unit_cost: 850,
            lead_time_days: None,
            minimum_order_quantity: 24,
            pack_size: 12,
            preferred: true,
        };
        f(&mut input);
        SupplierTerms::parse(Sku::parse("sku", "MUG-1").unwrap(), &supplier(), &input)
    }

    #[test]
    fn terms_take_the_suppliers_currency_and_lead_time_and_order_in_whole_packs_over_the_minimum() {
        let t = terms(|_| {}).unwrap();
        assert_eq!((t.unit_cost.amount(), t.unit_cost.currency().code(), t.lead_time_days), (850, "BRL", 10));
        // 5 wanted: the minimum of 24; 30 wanted: three packs of 12
        assert_eq!((t.order_quantity(5), t.order_quantity(30), t.order_quantity(24)), (24, 36, 24));
    }

    #[test]
    fn bad_suppliers_and_terms_are_refused_naming_the_field() {
        assert_eq!(terms(|i| i.unit_cost = -1).unwrap_err().field, "unit_cost");
        assert_eq!(terms(|i| i.unit_cost = 0).unwrap_err().field, "unit_cost");
        assert_eq!(terms(|i| i.pack_size = 0).unwrap_err().field, "pack_size");
        assert_eq!(terms(|i| i.minimum_order_quantity = 0).unwrap_err().field, "minimum_order_quantity");
        assert_eq!(terms(|i| i.lead_time_days = Some(400)).unwrap_err().field, "lead_time_days");
        let bad = |f: &dyn Fn(&mut SupplierInput)| {
            let mut input = SupplierInput {
                name: "X".into(),
                email: "x@example.com".into(),
                tax_id: None,
                currency: "BRL".into(),
                lead_time_days: 1,
                notes: None,
            };
            f(&mut input);
            Supplier::parse(SupplierId::parse("id", "x").unwrap(), &input).unwrap_err().field
        };
        assert_eq!(bad(&|i| i.email = "not an address".into()), "email");
        assert_eq!(bad(&|i| i.currency = "XYZ".into()), "currency");
        assert_eq!(
            bad(&|i| i.tax_id = Some(TaxId { country: "BR".into(), number: "11.222.333/0001-80".into() })),
            "tax_id.number"
        );
        assert_eq!(bad(&|i| i.lead_time_days = 366), "lead_time_days");
        assert_eq!(SupplierId::parse("id", "Bad Id").unwrap_err().field, "id");
    }
}
