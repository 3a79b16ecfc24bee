//! The JSON representations the API returns. Kept apart from the domain types so the wire
//! format changes only on purpose.

use crate::domain::order::{
    Address, Cancellation, FulfillmentStatus, Order, OrderLine, OrderNote, OrderStatus, PaymentStatus, Shipment,
};
use crate::domain::stock::StockItem;
use crate::domain::{CustomerId, Money, OrderId, ReturnId};
use crate::store::Versioned;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

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

/// An order as the API shows it (`Order` in openapi.yaml), borrowed from the domain's order. The
/// stored item (`store::orders`) and the event payloads (`domain::events`) are their own types,
/// so each changes only on purpose.
#[derive(Debug, Serialize)]
pub struct OrderView<'a> {
    id: OrderId,
    customer_id: &'a CustomerId,
    status: OrderStatus,
    payment_status: PaymentStatus,
    fulfillment_status: FulfillmentStatus,
    lines: &'a [OrderLine],
    total: Money,
    amount_paid: Money,
    amount_refunded: Money,
    refund_due: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipping_address: Option<&'a Address>,
    placed_at: DateTime<Utc>,
    payment_due_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancellation: Option<&'a Cancellation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipment: Option<&'a Shipment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    packed_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivered_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    returns_requested: &'a BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "<[ReturnId]>::is_empty")]
    return_ids: &'a [ReturnId],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stock_committed: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    personal_data_erased: bool,
    #[serde(skip_serializing_if = "<[OrderNote]>::is_empty")]
    notes: &'a [OrderNote],
    version: u64,
}

impl<'a> OrderView<'a> {
    /// The order as the store holds it.
    pub fn of(o: &'a Versioned<Order>) -> Self {
        Self::at(o, o.version())
    }

    /// A new order as its first save stores it.
    pub fn created(o: &'a Order) -> Self {
        Self::at(o, Versioned::<Order>::FIRST)
    }

    /// The order's next state as saving it over `before` stores it.
    pub fn saved_over(before: &Versioned<Order>, next: &'a Order) -> Self {
        Self::at(next, before.next_version())
    }

    fn at(o: &'a Order, version: u64) -> Self {
        Self {
            id: o.id,
            customer_id: &o.customer_id,
            status: o.status,
            payment_status: o.payment_status,
            fulfillment_status: o.fulfillment_status,
            lines: &o.lines,
            total: o.total,
            amount_paid: o.amount_paid,
            amount_refunded: o.amount_refunded,
            refund_due: o.refund_due,
            shipping_address: o.shipping_address.as_ref(),
            placed_at: o.placed_at,
            payment_due_at: o.payment_due_at,
            cancellation: o.cancellation.as_ref(),
            shipment: o.shipment.as_ref(),
            packed_at: o.packed_at,
            delivered_at: o.delivered_at,
            returns_requested: &o.returns_requested,
            return_ids: &o.return_ids,
            stock_committed: o.stock_committed,
            personal_data_erased: o.personal_data_erased,
            notes: &o.notes,
            version,
        }
    }

    /// Without the personal data it holds (`order::PERSONAL_DATA`: the address and staff notes),
    /// for a caller without `customers:read`.
    pub fn without_personal_data(self) -> Self {
        Self { shipping_address: None, notes: &[], ..self }
    }
}

/// An aggregate whose stored form is its API form (a customer, a return), with the store's
/// version beside its fields.
#[derive(Debug, Serialize)]
pub struct WithVersion<'a, T> {
    #[serde(flatten)]
    value: &'a T,
    version: u64,
}

pub type CustomerView<'a> = WithVersion<'a, crate::domain::customer::Customer>;
pub type ReturnView<'a> = WithVersion<'a, crate::domain::returns::Return>;

impl<'a, T> WithVersion<'a, T> {
    /// As the store holds it.
    pub fn of(v: &'a Versioned<T>) -> Self {
        Self { value: v, version: v.version() }
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
    fn an_order_is_shown_as_stored_and_without_personal_data_to_those_who_may_not_see_it() {
        let (order, _) = placed_with_stock();
        let text = ShortText::parse("text", "ring twice", 1000).unwrap();
        let (noted, _) = add_note(&order, &text, "ana", order.placed_at).unwrap();
        let noted = Versioned::created(noted);
        let shown = serde_json::to_value(OrderView::of(&noted)).unwrap();
        let mut stored = serde_json::to_value(&*noted).unwrap();
        // What the store keeps for itself: the count of the customer's open orders is its own.
        stored.as_object_mut().unwrap().remove("counted_open");
        stored["version"] = serde_json::json!(1);
        assert_eq!(shown, stored, "the view shows every field the order holds, in the same form");
        let hidden = serde_json::to_value(OrderView::of(&noted).without_personal_data()).unwrap();
        for field in crate::domain::order::PERSONAL_DATA {
            assert!(shown.get(field).is_some() && hidden.get(field).is_none(), "{field}: {hidden}");
        }
        assert_eq!(hidden["id"], shown["id"]);
    }
}
