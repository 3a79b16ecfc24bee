//! The fulfillment state machine: unfulfilled → picking (when paid) → packed → shipped →
//! delivered. Each step is a function from the order to the next order and its events, or a
//! refusal for a step out of order. Repeating the step the order is already at is a replay.

use super::Money;
use super::order::{FulfillmentStatus, Order, OrderStatus, Shipment};
use super::stock::{self, Movement, MovementKind, StockItem};
use super::{MovementId, Sku};
use crate::events::{DomainEvent, FulfillmentStep, LineQuantity, OrderShipped};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("the order is {current}; {wanted} cannot come next")]
    OutOfOrder { current: FulfillmentStatus, wanted: FulfillmentStatus },
    #[error("the order is not paid in full: {paid} of {total} paid")]
    NotPaid { paid: Money, total: Money },
    /// The order has no address to ship to (its customer's personal data was erased).
    #[error("the order has no shipping address")]
    NoShippingAddress,
    #[error("stock item {0} is missing")]
    MissingStock(Sku),
}

/// A step's outcome: `None` when the order is already there (a harmless replay).
pub type Step = Option<(Order, Vec<DomainEvent>)>;

fn advance(order: &Order, from: FulfillmentStatus, to: FulfillmentStatus) -> Result<bool, StepError> {
    if order.status == OrderStatus::Cancelled {
        return Err(StepError::OutOfOrder { current: order.fulfillment_status, wanted: to });
    }
    if order.fulfillment_status == to {
        return Ok(false);
    }
    // An unpaid order has not started picking: what is missing is money, not a step.
    if order.status == OrderStatus::PendingPayment && order.fulfillment_status == FulfillmentStatus::Unfulfilled {
        return Err(not_paid(order));
    }
    if order.fulfillment_status != from {
        return Err(StepError::OutOfOrder { current: order.fulfillment_status, wanted: to });
    }
    Ok(true)
}

fn step_event(order: &Order) -> FulfillmentStep {
    FulfillmentStep { order_id: order.id.to_string(), customer_id: order.customer_id.to_string() }
}

fn not_paid(order: &Order) -> StepError {
    StepError::NotPaid { paid: order.amount_paid, total: order.total }
}

/// `order.paid` arrived: create the pick list.
pub fn start_picking(order: &Order) -> Result<Step, StepError> {
    if order.status != OrderStatus::Paid && order.status != OrderStatus::Completed {
        return Err(not_paid(order));
    }
    if order.fulfillment_status != FulfillmentStatus::Unfulfilled {
        return Ok(None);
    }
    let next = Order { fulfillment_status: FulfillmentStatus::Picking, version: order.version + 1, ..order.clone() };
    Ok(Some((next.clone(), vec![DomainEvent::OrderPicking(step_event(&next))])))
}

pub fn pack(order: &Order, now: DateTime<Utc>) -> Result<Step, StepError> {
    if !advance(order, FulfillmentStatus::Picking, FulfillmentStatus::Packed)? {
        return Ok(None);
    }
    let next = Order {
        fulfillment_status: FulfillmentStatus::Packed,
        packed_at: Some(now),
        version: order.version + 1,
        ..order.clone()
    };
    Ok(Some((next.clone(), vec![DomainEvent::OrderPacked(step_event(&next))])))
}

pub fn ship(order: &Order, carrier: &str, tracking_number: &str, now: DateTime<Utc>) -> Result<Step, StepError> {
    if !advance(order, FulfillmentStatus::Packed, FulfillmentStatus::Shipped)? {
        return Ok(None);
    }
    if order.shipping_address.is_none() {
        return Err(StepError::NoShippingAddress);
    }
    let shipment =
        Shipment { carrier: carrier.to_owned(), tracking_number: tracking_number.to_owned(), shipped_at: now };
    let next = Order {
        fulfillment_status: FulfillmentStatus::Shipped,
        shipment: Some(shipment),
        version: order.version + 1,
        ..order.clone()
    };
    let event = DomainEvent::OrderShipped(OrderShipped {
        order_id: next.id.to_string(),
        customer_id: next.customer_id.to_string(),
        carrier: carrier.to_owned(),
        tracking_number: tracking_number.to_owned(),
        lines: next.lines.iter().map(|l| LineQuantity { sku: l.sku.to_string(), quantity: l.quantity }).collect(),
    });
    Ok(Some((next, vec![event])))
}

pub fn deliver(order: &Order, now: DateTime<Utc>) -> Result<Step, StepError> {
    if !advance(order, FulfillmentStatus::Shipped, FulfillmentStatus::Delivered)? {
        return Ok(None);
    }
    let next = Order {
        fulfillment_status: FulfillmentStatus::Delivered,
        status: OrderStatus::Completed,
        delivered_at: Some(now),
        version: order.version + 1,
        ..order.clone()
    };
    Ok(Some((next.clone(), vec![DomainEvent::OrderDelivered(step_event(&next))])))
}

/// What committing a shipped order's stock writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockCommit {
    pub order: Order,
    /// (version read, new state) per stock item.
    pub stock: Vec<(u64, StockItem)>,
    pub movements: Vec<Movement>,
    /// `stock.low` for an item a reservation took into the low band and nobody has listed yet:
    /// shipping does not move the level, but its exact write lists the item.
    pub events: Vec<DomainEvent>,
}

/// `order.shipped` arrived: on_hand and reserved both drop by the shipped quantities, with a
/// `shipped` ledger movement per SKU. `None` if already committed (exactly once).
pub fn commit_stock(
    order: &Order,
    stock: &HashMap<Sku, StockItem>,
    now: DateTime<Utc>,
) -> Result<Option<StockCommit>, StepError> {
    if order.stock_committed {
        return Ok(None);
    }
    if !matches!(order.fulfillment_status, FulfillmentStatus::Shipped | FulfillmentStatus::Delivered) {
        return Err(StepError::OutOfOrder { current: order.fulfillment_status, wanted: FulfillmentStatus::Shipped });
    }
    let mut changes = Vec::new();
    let mut movements = Vec::new();
    for line in &order.lines {
        let item = stock.get(&line.sku).ok_or_else(|| StepError::MissingStock(line.sku.clone()))?;
        let next = stock::ship(item, line.quantity, now);
        movements.push(Movement {
            id: MovementId::new(),
            sku: item.sku.clone(),
            kind: MovementKind::Shipped,
            delta: -(line.quantity as i64),
            on_hand_after: next.on_hand,
            reserved_after: next.reserved,
            reference: super::ShortText::parse("reference", &order.id.to_string(), 100).ok(),
            note: None,
            actor: "system:fulfillment".into(),
            at: now,
        });
        changes.push((item.version, next));
    }
    let next = Order { stock_committed: true, version: order.version + 1, ..order.clone() };
    let level_pairs: Vec<(Option<&StockItem>, &StockItem)> =
        changes.iter().map(|(_, after)| (stock.get(&after.sku), after)).collect();
    let events = stock::level_events_many(&level_pairs);
    Ok(Some(StockCommit { order: next, stock: changes, movements, events }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::tests_support::placed_order;
    use crate::domain::order::{PaymentStatus, by_sku};

    fn paid() -> Order {
        let mut o = placed_order(1000);
        o.status = OrderStatus::Paid;
        o.payment_status = PaymentStatus::Paid;
        o
    }

    #[test]
    fn the_happy_path_in_order() {
        let now = Utc::now();
        let (picking, _) = start_picking(&paid()).unwrap().unwrap();
        let (packed, _) = pack(&picking, now).unwrap().unwrap();
        let (shipped, events) = ship(&packed, "Correios", "BR123", now).unwrap().unwrap();
        assert_eq!(events[0].event_type(), "order.shipped");
        let (delivered, _) = deliver(&shipped, now).unwrap().unwrap();
        assert_eq!(
            (delivered.fulfillment_status, delivered.status),
            (FulfillmentStatus::Delivered, OrderStatus::Completed)
        );
    }

    #[test]
    fn steps_out_of_order_are_refused_and_repeats_are_replays() {
        let now = Utc::now();
        let order = paid();
        assert!(matches!(pack(&order, now), Err(StepError::OutOfOrder { .. })));
        assert!(matches!(ship(&order, "c", "t", now), Err(StepError::OutOfOrder { .. })));
        let (picking, _) = start_picking(&order).unwrap().unwrap();
        assert_eq!(start_picking(&picking).unwrap(), None);
        let (packed, _) = pack(&picking, now).unwrap().unwrap();
        assert_eq!(pack(&packed, now).unwrap(), None);
        assert!(matches!(deliver(&packed, now), Err(StepError::OutOfOrder { .. })));
        let unpaid = placed_order(10);
        let not_paid = StepError::NotPaid { paid: unpaid.amount_paid, total: unpaid.total };
        assert_eq!(start_picking(&unpaid), Err(not_paid.clone()));
        assert_eq!(pack(&unpaid, now), Err(not_paid.clone()), "what is missing is the money");
        assert_eq!(not_paid.to_string(), "the order is not paid in full: BRL 0.00 of BRL 0.10 paid");
        let err = deliver(&packed, now).unwrap_err().to_string();
        assert_eq!(err, "the order is packed; delivered cannot come next", "in the API's words");
    }

    #[test]
    fn an_order_without_an_address_never_ships() {
        let now = Utc::now();
        let (picking, _) = start_picking(&paid()).unwrap().unwrap();
        let (packed, _) = pack(&picking, now).unwrap().unwrap();
        let erased = Order { shipping_address: None, personal_data_erased: true, ..packed };
        assert_eq!(ship(&erased, "Correios", "BR1", now), Err(StepError::NoShippingAddress));
    }

    #[test]
    fn shipping_commits_stock_exactly_once() {
        let now = Utc::now();
        let (o, stock) = crate::domain::order::tests_support::placed_with_stock();
        let mut shipped = o.clone();
        shipped.status = OrderStatus::Paid;
        shipped.fulfillment_status = FulfillmentStatus::Shipped;
        let commit = commit_stock(&shipped, &stock, now).unwrap().unwrap();
        let item = &commit.stock[0].1;
        let before = &stock[&item.sku];
        assert_eq!((item.on_hand, item.reserved), (before.on_hand - 4, before.reserved - 4));
        assert_eq!(commit.movements[0].kind, MovementKind::Shipped);
        assert_eq!(commit_stock(&commit.order, &by_sku(vec![item.clone()]), now).unwrap(), None);
    }
}
