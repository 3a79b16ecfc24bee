//! The JSON representations the API returns. An order, a customer and a return are shown as
//! they serialise, with the store's version beside their fields ([`WithVersion`]): the view is
//! derived from the aggregate, so a new field needs no copy here, and the contract test
//! validates every response the tests receive against openapi.yaml, so a field that changes the
//! wire fails there. A stock item has a shape of its own (`available`, `low`).

use crate::domain::Money;
use crate::domain::order::Order;
use crate::domain::stock::StockItem;
use crate::store::Versioned;
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_grams: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<crate::domain::stock::Dimensions>,
    pub low: bool,
    pub version: u64,
    pub updated_at: DateTime<Utc>,
}

impl StockView {
    /// The item as the store holds it.
    pub fn of(item: &Versioned<StockItem>) -> Self {
        Self::at(item, item.version())
    }

    /// A new item as its first save stores it.
    pub fn created(item: &StockItem) -> Self {
        Self::at(item, Versioned::<StockItem>::FIRST)
    }

    /// The item as this change leaves it when nothing else moved it meanwhile.
    pub fn saved_over(before: &Versioned<StockItem>, next: &StockItem) -> Self {
        Self::at(next, before.next_version())
    }

    fn at(item: &StockItem, version: u64) -> Self {
        Self {
            sku: item.sku.to_string(),
            name: item.catalog.name.to_string(),
            unit_price: item.catalog.unit_price,
            on_hand: item.on_hand,
            reserved: item.reserved,
            available: item.available(),
            reorder_point: item.catalog.reorder_point,
            reorder_quantity: item.catalog.reorder_quantity,
            weight_grams: item.catalog.weight_grams,
            dimensions: item.catalog.dimensions,
            low: item.is_low(),
            version,
            updated_at: item.updated_at,
        }
    }
}

/// A strong ETag for a versioned resource.
pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

/// An aggregate as the API shows it: its own fields (what it serialises is its API form) with
/// the store's version beside them. `Order` in openapi.yaml is an order's; a caller without
/// `customers:read` is shown `Order::without_personal_data`.
#[derive(Debug, Serialize)]
pub struct WithVersion<'a, T> {
    #[serde(flatten)]
    value: &'a T,
    version: u64,
}

pub type OrderView<'a> = WithVersion<'a, Order>;
pub type CustomerView<'a> = WithVersion<'a, crate::domain::customer::Customer>;
pub type ReturnView<'a> = WithVersion<'a, crate::domain::returns::Return>;

impl<'a, T> WithVersion<'a, T> {
    /// As the store holds it.
    pub fn of(v: &'a Versioned<T>) -> Self {
        Self { value: v, version: v.version() }
    }

    /// `value` shown at `version` (a value derived from a stored one, such as an order without
    /// its personal data).
    pub fn at(value: &'a T, version: u64) -> Self {
        Self { value, version }
    }

    /// A new one as its first save stores it.
    pub fn created(value: &'a T) -> Self {
        Self { value, version: Versioned::<T>::FIRST }
    }

    /// Its next state as saving it over `before` stores it.
    pub fn saved_over(before: &Versioned<T>, next: &'a T) -> Self {
        Self { value: next, version: before.next_version() }
    }

    pub fn version(&self) -> u64 {
        self.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ShortText;
    use crate::domain::order::{add_note, tests_support::placed_with_stock};

    #[test]
    fn an_order_is_shown_with_its_version_but_not_the_stores_own_count_and_redacted_without_personal_data() {
        let (order, _) = placed_with_stock();
        let text = ShortText::parse("text", "ring twice", 1000).unwrap();
        let (noted, _) = add_note(&order, &text, "ana", order.placed_at).unwrap();
        let noted = Versioned::created(noted);
        let shown = serde_json::to_value(OrderView::of(&noted)).unwrap();
        assert_eq!(shown["version"], 1);
        assert!(noted.counted_open() && shown.get("counted_open").is_none(), "{shown}");
        let redacted = noted.without_personal_data();
        let hidden = serde_json::to_value(OrderView::at(&redacted, noted.version())).unwrap();
        for field in crate::domain::order::PERSONAL_DATA {
            assert!(shown.get(field).is_some() && hidden.get(field).is_none(), "{field}: {hidden}");
        }
        assert_eq!((&hidden["id"], &hidden["version"]), (&shown["id"], &shown["version"]));
    }
}
