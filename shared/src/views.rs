//! The JSON representations the API returns. Kept apart from the domain types so the wire
//! format changes only on purpose.

use crate::domain::Money;
use crate::domain::stock::StockItem;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct StockView {
    pub sku: String,
    pub name: String,
    pub unit_price: Money,
    pub on_hand: u64,
    pub reserved: u64,
    pub available: u64,
    pub reorder_point: u64,
    pub reorder_quantity: u64,
    pub low: bool,
    pub version: u64,
    pub updated_at: DateTime<Utc>,
}

impl From<&StockItem> for StockView {
    fn from(item: &StockItem) -> Self {
        Self {
            sku: item.sku.to_string(),
            name: item.catalog.name.to_string(),
            unit_price: item.catalog.unit_price,
            on_hand: item.on_hand,
            reserved: item.reserved,
            available: item.available(),
            reorder_point: item.catalog.reorder_point,
            reorder_quantity: item.catalog.reorder_quantity,
            low: item.is_low(),
            version: item.version,
            updated_at: item.updated_at,
        }
    }
}

/// A strong ETag for a versioned resource.
pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}
