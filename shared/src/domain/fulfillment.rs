//! The fulfillment state machine: unfulfilled → picking (when paid) → packed → shipped →
//! delivered. Each step is a function from the order to the next order and its events, or a
//! refusal for a step out of order. Repeating the step the order is already at is a replay.

use super::Money;
use super::MovementId;
use super::events::{DomainEvent, FulfillmentStep, LineQuantity, OrderShipped};
use super::order::{FulfillmentStatus, Order, OrderStatus, Shipment};
use super::stock::{CounterMove, Movement, MovementKind};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("the order is {current}; {wanted} cannot come next")]
    OutOfOrder { current: FulfillmentStatus, wanted: FulfillmentStatus },
    #[error("the order is not paid in full: {paid} of {total} paid")]
    NotPaid { paid: Money, total: Money },
    /// The order has no address to ship to (its customer's personal data was erased).
    #[error("the order has no shipping address")]
    NoShippingAddress,
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

/// `order.paid` or `payment.authorized` arrived: create the pick list. An order whose whole
/// outstanding amount is authorised at a gateway is as safe to pick as a paid one (the
/// authorisation is for that amount); it is captured at shipment or before, as the capture
/// policy says.
pub fn start_picking(order: &Order) -> Result<Step, StepError> {
    let secured = order.status == OrderStatus::PendingPayment && order.is_authorized();
    if order.status != OrderStatus::Paid && order.status != OrderStatus::Completed && !secured {
        return Err(not_paid(order));
    }
    if order.fulfillment_status != FulfillmentStatus::Unfulfilled {
        return Ok(None);
    }
    let next = Order { fulfillment_status: FulfillmentStatus::Picking, ..order.clone() };
    Ok(Some((next.clone(), vec![DomainEvent::OrderPicking(step_event(&next))])))
}

pub fn pack(order: &Order, now: DateTime<Utc>) -> Result<Step, StepError> {
    if !advance(order, FulfillmentStatus::Picking, FulfillmentStatus::Packed)? {
        return Ok(None);
    }
    let next = Order { fulfillment_status: FulfillmentStatus::Packed, packed_at: Some(now), ..order.clone() };
    Ok(Some((next.clone(), vec![DomainEvent::OrderPacked(step_event(&next))])))
}

pub fn ship(order: &Order, carrier: &str, tracking_number: &str, now: DateTime<Utc>) -> Result<Step, StepError> {
    if !advance(order, FulfillmentStatus::Packed, FulfillmentStatus::Shipped)? {
        return Ok(None);
    }
    if order.shipping_address.is_none() {
        return Err(StepError::NoShippingAddress);
    }
    // Picked on an authorisation that was released since (voided at the provider): the goods
    // stay until the order is paid or authorised again.
    if order.status == OrderStatus::PendingPayment && !order.is_authorized() {
        return Err(not_paid(order));
    }
    let shipment =
        Shipment { carrier: carrier.to_owned(), tracking_number: tracking_number.to_owned(), shipped_at: now };
    let next = Order { fulfillment_status: FulfillmentStatus::Shipped, shipment: Some(shipment), ..order.clone() };
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
        ..order.clone()
    };
    Ok(Some((next.clone(), vec![DomainEvent::OrderDelivered(step_event(&next))])))
}

/// What committing a shipped order's stock writes: the order marked `stock_committed` (written
/// only if unchanged since read, so the commit happens once per order however often the message
/// arrives), a commutative move per line and its ledger line. The moves never test the stock
/// item's version: a flash sale's reservations on the same SKU cannot hold a shipment back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockCommit {
    pub order: Order,
    pub moves: Vec<CounterMove>,
    pub movements: Vec<Movement>,
}

/// `order.shipped` arrived: on_hand and reserved both drop by the shipped quantities, with a
/// `shipped` ledger movement per SKU. `None` if already committed (exactly once). Shipping does
/// not move `available`, so it never changes the low-stock listing.
pub fn commit_stock(order: &Order, now: DateTime<Utc>) -> Result<Option<StockCommit>, StepError> {
    if order.stock_committed {
        return Ok(None);
    }
    if !matches!(order.fulfillment_status, FulfillmentStatus::Shipped | FulfillmentStatus::Delivered) {
        return Err(StepError::OutOfOrder { current: order.fulfillment_status, wanted: FulfillmentStatus::Shipped });
    }
    let reference = super::ShortText::parse("reference", &order.id.to_string(), 100).ok();
    let mut moves = Vec::with_capacity(order.lines.len());
    let mut movements = Vec::with_capacity(order.lines.len());
    for line in &order.lines {
        moves.push(CounterMove::ship(&line.sku, line.quantity));
        movements.push(Movement {
            id: MovementId::new(),
            sku: line.sku.clone(),
            kind: MovementKind::Shipped,
            delta: -(line.quantity as i64),
            on_hand_after: None,
            reference: reference.clone(),
            note: None,
            actor: "system:fulfillment".into(),
            at: now,
        });
    }
    let next = Order { stock_committed: true, ..order.clone() };
    Ok(Some(StockCommit { order: next, moves, movements }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::PaymentStatus;
    use crate::domain::order::tests_support::placed_order;

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

    fn authorised(order: &Order, state: &str) -> Order {
        use crate::domain::gateway::{PaymentChange, tests_support::applied};
        let change = match state {
            "authorized" => PaymentChange::Authorized { amount: order.outstanding() },
            _ => PaymentChange::Voided,
        };
        applied(order, &format!("evt_{state}"), change)
    }

    #[test]
    fn an_authorised_order_is_picked_and_shipped_before_its_capture() {
        let now = Utc::now();
        // Given an order whose whole amount is authorised at a gateway, not yet captured
        let order = authorised(&placed_order(1000), "authorized");
        assert_eq!(order.status, OrderStatus::PendingPayment);
        // When it is picked, packed and shipped
        let (picking, _) = start_picking(&order).unwrap().unwrap();
        let (packed, _) = pack(&picking, now).unwrap().unwrap();
        let (shipped, _) = ship(&packed, "Correios", "BR1", now).unwrap().unwrap();
        // Then it ships still pending payment: the capture that follows pays it
        assert_eq!(
            (shipped.fulfillment_status, shipped.status),
            (FulfillmentStatus::Shipped, OrderStatus::PendingPayment)
        );
    }

    #[test]
    fn an_order_whose_authorisation_was_released_does_not_ship() {
        let now = Utc::now();
        // Given an authorised order picked and packed, whose authorisation is then voided
        let order = authorised(&placed_order(1000), "authorized");
        let (picking, _) = start_picking(&order).unwrap().unwrap();
        let (packed, _) = pack(&picking, now).unwrap().unwrap();
        let released = authorised(&packed, "voided");
        // When it is shipped, then the money is what is missing
        assert!(matches!(ship(&released, "Correios", "BR1", now), Err(StepError::NotPaid { .. })));
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
        let (o, _) = crate::domain::order::tests_support::placed_with_stock();
        let mut shipped = o.clone();
        shipped.status = OrderStatus::Paid;
        shipped.fulfillment_status = FulfillmentStatus::Shipped;
        let commit = commit_stock(&shipped, now).unwrap().unwrap();
        assert_eq!(commit.moves, vec![CounterMove::ship(&o.lines[0].sku, 4)]);
        assert_eq!((commit.movements[0].kind, commit.movements[0].delta), (MovementKind::Shipped, -4));
        assert!(commit.order.stock_committed);
        assert_eq!(commit_stock(&commit.order, now).unwrap(), None);
        assert!(matches!(commit_stock(&o, now), Err(StepError::OutOfOrder { .. })), "not shipped yet");
    }
}
