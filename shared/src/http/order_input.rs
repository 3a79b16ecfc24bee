//! The parts of an order's body that placing it and editing it share: its lines and a shipping
//! charge, read into domain types and refused naming the field.

use crate::domain::{FieldError, Sku};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    pub sku: String,
    pub quantity: u64,
}

/// The lines as (SKU, quantity); the quantities' limits are the domain's (`OrderRequest::new`).
pub fn lines(input: Vec<LineInput>) -> Result<Vec<(Sku, u64)>, FieldError> {
    input
        .into_iter()
        .enumerate()
        .map(|(i, l)| Ok((Sku::parse(&format!("lines[{i}].sku"), &l.sku)?, l.quantity)))
        .collect()
}

/// The largest shipping charge the shop may give (minor units), far above any real one.
pub const MAX_SHIPPING_CHARGE: i64 = 100_000_000;

/// A shipping charge given in minor units of the order's currency.
pub fn shipping_charge(raw: Option<i64>) -> Result<Option<i64>, FieldError> {
    match raw {
        Some(c) if !(0..=MAX_SHIPPING_CHARGE).contains(&c) => Err(FieldError::new(
            "shipping_charge",
            format!("must be from 0 to {MAX_SHIPPING_CHARGE} minor units of the order's currency"),
        )),
        other => Ok(other),
    }
}
