//! Replenishment suggestions: at most one per SKU, opened by `stock.low`, closed by
//! `stock.replenished`. Events can arrive twice or out of order, so each suggestion remembers the
//! stock version of the last event applied and the store only applies newer ones (a condition).

use super::events::StockLevel;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplenishmentStatus {
    Open,
    Closed,
}

impl ReplenishmentStatus {
    pub fn parse(field: &str, raw: &str) -> Result<Self, crate::domain::FieldError> {
        match raw {
            "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            _ => Err(crate::domain::FieldError::new(field, "must be open or closed")),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replenishment {
    pub sku: String,
    pub status: ReplenishmentStatus,
    /// Units to order: the SKU's reorder quantity when the alert was raised.
    pub suggested_quantity: u64,
    pub available_at_alert: u64,
    pub reorder_point: u64,
    /// Stock version of the event that last changed this suggestion.
    pub stock_version: u64,
    pub updated_at: DateTime<Utc>,
}

/// The suggestion a `stock.low` alert opens.
pub fn open(level: &StockLevel, now: DateTime<Utc>) -> Replenishment {
    Replenishment {
        sku: level.sku.clone(),
        status: ReplenishmentStatus::Open,
        suggested_quantity: level.reorder_quantity.max(1),
        available_at_alert: level.available,
        reorder_point: level.reorder_point,
        stock_version: level.stock_version,
        updated_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_reorder_quantity() {
        let level = StockLevel {
            sku: "MUG-1".into(),
            on_hand: 3,
            reserved: 1,
            available: 2,
            reorder_point: 5,
            reorder_quantity: 40,
            stock_version: 9,
        };
        let r = open(&level, Utc::now());
        assert_eq!((r.status, r.suggested_quantity, r.stock_version), (ReplenishmentStatus::Open, 40, 9));
    }
}
