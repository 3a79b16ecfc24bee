//! Returns (RMA): requested for shipped units within the return window, received with what
//! actually came back, and refunded up to what is due. The order counts the units on open or
//! received returns per SKU, and every decision writes the order conditioned on its version, so
//! concurrent returns can never ask for more units than were shipped.

use super::MovementId;
use super::events::{DomainEvent, ReturnEvent};
use super::ids::{CustomerId, OrderId, ReturnId, Sku};
use super::money::Money;
use super::order::{FulfillmentStatus, Order};
use super::stock::{CounterMove, Movement, MovementKind};
use super::text::{Reason, ShortText};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStatus {
    Requested,
    Received,
    Refunded,
    Rejected,
    Cancelled,
}

super::display_as_serialized!(ReturnStatus);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnLine {
    pub sku: Sku,
    pub quantity: u64,
    pub reason: Reason,
    pub unit_price: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub damaged: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Return {
    pub(crate) id: ReturnId,
    pub(crate) order_id: OrderId,
    pub(crate) customer_id: CustomerId,
    pub(crate) status: ReturnStatus,
    pub(crate) lines: Vec<ReturnLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<String>,
    /// Requested: an estimate (requested units). Received: what the customer paid for the
    /// received units (price less the line's share of discounts), capped by what the order has
    /// paid and not yet refunded.
    pub(crate) refund_due: Money,
    pub(crate) refunded: Money,
    pub(crate) requested_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) received_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) closed_at: Option<DateTime<Utc>>,
}

/// What of a return is its customer's personal data: the note taken with it (free text). Erasure
/// removes it; the customer's export includes it.
pub const PERSONAL_DATA: [&str; 1] = ["note"];

/// Reading a return from outside the domain: it changes only through the domain's decisions.
impl Return {
    pub fn id(&self) -> ReturnId {
        self.id
    }
    pub fn order_id(&self) -> OrderId {
        self.order_id
    }
    pub fn customer_id(&self) -> &CustomerId {
        &self.customer_id
    }
    pub fn status(&self) -> ReturnStatus {
        self.status
    }
    pub fn lines(&self) -> &[ReturnLine] {
        &self.lines
    }
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
    pub fn refund_due(&self) -> Money {
        self.refund_due
    }
    pub fn refunded(&self) -> Money {
        self.refunded
    }
    pub fn requested_at(&self) -> DateTime<Utc> {
        self.requested_at
    }
    pub fn received_at(&self) -> Option<DateTime<Utc>> {
        self.received_at
    }
    pub fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.closed_at
    }
}

/// A refusal, naming the request field (or rule) at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReturnError {
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("the order has not shipped")]
    NotShipped,
    #[error("the return window closed at {deadline}")]
    WindowClosed { deadline: DateTime<Utc> },
    #[error("the return is {0}")]
    WrongStatus(ReturnStatus),
    #[error("more than is due for this return")]
    RefundExceedsDue { due: Money },
    #[error("the return was already received with other figures")]
    ReceivedOtherwise,
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ReturnError {
    ReturnError::Invalid { field: field.into(), reason: reason.into() }
}

fn refundable(order: &Order) -> Money {
    order.amount_paid.checked_sub(order.amount_refunded).unwrap_or(Money::zero(order.currency()))
}

/// What the customer paid for these units: each line's total less its share of the order's
/// discounts, for the units given (rounded down for part of a line), capped by what is still
/// refundable.
fn value_of<'a>(order: &Order, lines: impl Iterator<Item = (&'a Sku, u64)>) -> Money {
    let sum = lines.fold(Money::zero(order.currency()), |acc, (sku, q)| {
        let paid = order.lines.iter().find(|l| &l.sku == sku).map(|l| l.paid_for(q));
        paid.and_then(|v| acc.checked_add(v).ok()).unwrap_or(acc)
    });
    let cap = refundable(order);
    if sum.amount() > cap.amount() { cap } else { sum }
}

fn event(r: &Return) -> ReturnEvent {
    ReturnEvent {
        return_id: r.id.to_string(),
        order_id: r.order_id.to_string(),
        customer_id: r.customer_id.to_string(),
        refund_due: r.refund_due,
        refunded: r.refunded,
    }
}

/// A requested line: (sku, quantity, reason) as the client sent it.
/// One line of a return request: a SKU of the order, how many units, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRequest {
    pub sku: Sku,
    pub quantity: u64,
    pub reason: Reason,
}

/// Opens a return. The order must have shipped; if it was delivered, `window` from delivery.
pub fn request(
    order: &Order,
    id: ReturnId,
    lines: &[LineRequest],
    note: Option<&str>,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<(Return, Order, Vec<DomainEvent>), ReturnError> {
    if !matches!(order.fulfillment_status, FulfillmentStatus::Shipped | FulfillmentStatus::Delivered) {
        return Err(ReturnError::NotShipped);
    }
    if let Some(delivered) = order.delivered_at {
        let deadline = delivered + window;
        if now > deadline {
            return Err(ReturnError::WindowClosed { deadline });
        }
    }
    if lines.is_empty() || lines.len() > order.lines.len() {
        return Err(invalid("lines", "list 1 line per returned SKU of the order"));
    }
    let mut requested = order.returns_requested.clone();
    let mut out = Vec::with_capacity(lines.len());
    for (i, LineRequest { sku, quantity, reason }) in lines.iter().enumerate() {
        let line = order
            .lines
            .iter()
            .find(|l| l.sku == *sku)
            .ok_or_else(|| invalid(format!("lines[{i}].sku"), format!("{sku} is not in this order")))?;
        if out.iter().any(|l: &ReturnLine| l.sku == *sku) {
            return Err(invalid(format!("lines[{i}].sku"), "each SKU once per return"));
        }
        let already = requested.get(sku.as_str()).copied().unwrap_or(0);
        let returnable = line.quantity.saturating_sub(already);
        if *quantity == 0 || *quantity > returnable {
            return Err(ReturnError::Invalid {
                field: format!("lines[{i}].quantity"),
                reason: format!(
                    "must be from 1 to {returnable} ({} shipped, {already} already on returns)",
                    line.quantity
                ),
            });
        }
        *requested.entry(sku.to_string()).or_insert(0) += quantity;
        out.push(ReturnLine {
            sku: sku.clone(),
            quantity: *quantity,
            reason: reason.clone(),
            unit_price: line.unit_price,
            received: None,
            damaged: None,
        });
    }
    let note = note
        .map(|n| ShortText::parse("note", n, 1000).map(|t| t.to_string()))
        .transpose()
        .map_err(|e| invalid(e.field, e.reason))?;
    let ret = Return {
        id,
        order_id: order.id,
        customer_id: order.customer_id.clone(),
        status: ReturnStatus::Requested,
        refund_due: value_of(order, out.iter().map(|l| (&l.sku, l.quantity))),
        refunded: Money::zero(order.currency()),
        lines: out,
        note,
        requested_at: now,
        received_at: None,
        closed_at: None,
    };
    let mut return_ids = order.return_ids.clone();
    return_ids.push(id);
    let next = Order { returns_requested: requested, return_ids, ..order.clone() };
    let events = vec![DomainEvent::ReturnRequested(event(&ret))];
    Ok((ret, next, events))
}

/// What arrived for one SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub sku: Sku,
    pub received: u64,
    pub damaged: u64,
}

/// A receipt decided. Resellable units go back on hand and damaged ones are written off as one
/// commutative move per SKU (`on_hand += received − damaged`, never negative), beside whatever
/// else moves the item: receiving a return never waits for a flash sale on the same SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub ret: Return,
    pub order: Order,
    pub moves: Vec<CounterMove>,
    pub movements: Vec<Movement>,
    pub events: Vec<DomainEvent>,
}

/// Whether `receipts` say what was recorded when the return was received: a repeated request
/// is a replay, other figures are a conflict (they would otherwise be silently ignored).
fn same_receipt(ret: &Return, receipts: &[Receipt]) -> bool {
    let all_on_return = receipts.iter().all(|r| ret.lines.iter().any(|l| l.sku == r.sku));
    all_on_return
        && ret.lines.iter().all(|line| {
            let recorded = (line.received.unwrap_or(0), line.damaged.unwrap_or(0));
            let sent = receipts.iter().find(|r| r.sku == line.sku).map_or((0, 0), |r| (r.received, r.damaged));
            recorded == sent
        })
}

/// Records what came back. `Ok(None)`: the return was already received with these figures (a
/// replay).
pub fn receive(
    ret: &Return,
    order: &Order,
    receipts: &[Receipt],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Option<Received>, ReturnError> {
    match ret.status {
        ReturnStatus::Requested => {}
        ReturnStatus::Received | ReturnStatus::Refunded if same_receipt(ret, receipts) => return Ok(None),
        ReturnStatus::Received | ReturnStatus::Refunded => return Err(ReturnError::ReceivedOtherwise),
        other => return Err(ReturnError::WrongStatus(other)),
    }
    let mut lines = ret.lines.clone();
    for (i, r) in receipts.iter().enumerate() {
        let line = lines
            .iter_mut()
            .find(|l| l.sku == r.sku)
            .ok_or_else(|| invalid(format!("lines[{i}].sku"), format!("{} is not on this return", r.sku)))?;
        if line.received.is_some() {
            return Err(invalid(format!("lines[{i}].sku"), "each SKU once"));
        }
        if r.received > line.quantity {
            return Err(invalid(
                format!("lines[{i}].received"),
                format!("at most the {} units requested", line.quantity),
            ));
        }
        if r.damaged > r.received {
            return Err(invalid(format!("lines[{i}].damaged"), "at most the units received"));
        }
        line.received = Some(r.received);
        line.damaged = Some(r.damaged);
    }
    for line in lines.iter_mut() {
        line.received.get_or_insert(0);
        line.damaged.get_or_insert(0);
    }
    let mut moves = Vec::new();
    let mut movements = Vec::new();
    let mut requested = order.returns_requested.clone();
    for line in &lines {
        let (received, damaged) = (line.received.unwrap_or(0), line.damaged.unwrap_or(0));
        // Units requested but never received are free to be returned again.
        if let Some(q) = requested.get_mut(line.sku.as_str()) {
            *q = q.saturating_sub(line.quantity - received);
        }
        if received == 0 {
            continue;
        }
        let reference = ShortText::parse("reference", &ret.id.to_string(), 100).ok();
        let movement = |kind, delta: i64| Movement {
            id: MovementId::new(),
            sku: line.sku.clone(),
            kind,
            delta,
            on_hand_after: None,
            reference: reference.clone(),
            note: None,
            actor: actor.to_owned(),
            at: now,
        };
        movements.push(movement(MovementKind::Returned, received as i64));
        if damaged > 0 {
            movements.push(movement(MovementKind::Damaged, -(damaged as i64)));
        }
        moves.push(CounterMove::on_hand(&line.sku, (received - damaged) as i64));
    }
    let refund_due = value_of(order, lines.iter().map(|l| (&l.sku, l.received.unwrap_or(0))));
    let next_ret = Return { status: ReturnStatus::Received, lines, refund_due, received_at: Some(now), ..ret.clone() };
    let next_order = Order { returns_requested: requested, ..order.clone() };
    let events = vec![DomainEvent::ReturnReceived(event(&next_ret))];
    Ok(Some(Received { ret: next_ret, order: next_order, moves, movements, events }))
}

/// Rejects or cancels a requested return, freeing its units. `Ok(None)`: already so.
pub fn close(
    ret: &Return,
    order: &Order,
    to: ReturnStatus,
    now: DateTime<Utc>,
) -> Result<Option<(Return, Order, Vec<DomainEvent>)>, ReturnError> {
    if ret.status == to {
        return Ok(None);
    }
    if ret.status != ReturnStatus::Requested {
        return Err(ReturnError::WrongStatus(ret.status));
    }
    let mut requested = order.returns_requested.clone();
    for line in &ret.lines {
        if let Some(q) = requested.get_mut(line.sku.as_str()) {
            *q = q.saturating_sub(line.quantity);
        }
    }
    let next =
        Return { status: to, refund_due: Money::zero(ret.refund_due.currency()), closed_at: Some(now), ..ret.clone() };
    let next_order = Order { returns_requested: requested, ..order.clone() };
    let e = event(&next);
    let events = vec![if to == ReturnStatus::Rejected {
        DomainEvent::ReturnRejected(e)
    } else {
        DomainEvent::ReturnCancelled(e)
    }];
    Ok(Some((next, next_order, events)))
}

/// A refund recorded against a return: at most what is still due for it. Covering the due amount
/// moves the return to refunded.
pub fn apply_refund(
    ret: &Return,
    amount: Money,
    now: DateTime<Utc>,
) -> Result<(Return, Vec<DomainEvent>), ReturnError> {
    if !matches!(ret.status, ReturnStatus::Received | ReturnStatus::Refunded) {
        return Err(ReturnError::WrongStatus(ret.status));
    }
    let due = ret.refund_due.checked_sub(ret.refunded).unwrap_or(Money::zero(ret.refund_due.currency()));
    if amount.currency() != due.currency() || amount.amount() > due.amount() {
        return Err(ReturnError::RefundExceedsDue { due });
    }
    let refunded = ret.refunded.checked_add(amount).map_err(|_| ReturnError::RefundExceedsDue { due })?;
    let covered = refunded.amount() >= ret.refund_due.amount();
    let next = Return {
        refunded,
        status: if covered { ReturnStatus::Refunded } else { ret.status },
        closed_at: if covered { Some(now) } else { ret.closed_at },
        ..ret.clone()
    };
    let events = if covered { vec![DomainEvent::ReturnRefunded(event(&next))] } else { Vec::new() };
    Ok((next, events))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::tests_support::placed_with_stock;
    use crate::domain::order::{OrderStatus, PaymentStatus};

    fn shipped(
        delivered_days_ago: Option<i64>,
    ) -> (Order, std::collections::HashMap<Sku, crate::domain::stock::StockItem>) {
        let (mut order, stock) = placed_with_stock(); // 4 × FIX-1 at 2.50
        order.status = OrderStatus::Paid;
        order.payment_status = PaymentStatus::Paid;
        order.amount_paid = order.total;
        order.fulfillment_status = FulfillmentStatus::Shipped;
        if let Some(days) = delivered_days_ago {
            order.fulfillment_status = FulfillmentStatus::Delivered;
            order.delivered_at = Some(Utc::now() - Duration::days(days));
        }
        (order, stock)
    }

    fn sku_of(raw: &str) -> Sku {
        Sku::parse("sku", raw).unwrap()
    }

    fn line(q: u64) -> Vec<LineRequest> {
        vec![LineRequest { sku: sku_of("FIX-1"), quantity: q, reason: Reason::parse("reason", "too small").unwrap() }]
    }

    #[test]
    fn requests_are_bounded_by_what_shipped_and_not_yet_returned() {
        let (order, _) = shipped(Some(1));
        let (ret, order2, _) =
            request(&order, ReturnId::new(), &line(3), None, Duration::days(30), Utc::now()).unwrap();
        assert_eq!(ret.refund_due.amount(), 750);
        assert_eq!(order2.returns_requested["FIX-1"], 3);
        let err = request(&order2, ReturnId::new(), &line(2), None, Duration::days(30), Utc::now()).unwrap_err();
        assert!(matches!(err, ReturnError::Invalid { ref field, .. } if field == "lines[0].quantity"), "{err:?}");
        assert!(request(&order2, ReturnId::new(), &line(1), None, Duration::days(30), Utc::now()).is_ok());
    }

    #[test]
    fn window_shipping_sku_and_zero_are_checked() {
        let (late, _) = shipped(Some(31));
        assert!(matches!(
            request(&late, ReturnId::new(), &line(1), None, Duration::days(30), Utc::now()),
            Err(ReturnError::WindowClosed { .. })
        ));
        let (mut unshipped, _) = shipped(None);
        unshipped.fulfillment_status = FulfillmentStatus::Packed;
        assert_eq!(
            request(&unshipped, ReturnId::new(), &line(1), None, Duration::days(30), Utc::now()),
            Err(ReturnError::NotShipped)
        );
        let (order, _) = shipped(Some(1));
        let other =
            vec![LineRequest { sku: sku_of("OTHER-1"), quantity: 1, reason: Reason::parse("reason", "x").unwrap() }];
        assert!(
            matches!(request(&order, ReturnId::new(), &other, None, Duration::days(30), Utc::now()), Err(ReturnError::Invalid { field, .. }) if field == "lines[0].sku")
        );
        assert!(
            matches!(request(&order, ReturnId::new(), &line(0), None, Duration::days(30), Utc::now()), Err(ReturnError::Invalid { field, .. }) if field == "lines[0].quantity")
        );
    }

    #[test]
    fn receiving_restocks_resellable_units_and_refunds_what_came_back() {
        let (order, _) = shipped(Some(1));
        let (ret, order, _) = request(&order, ReturnId::new(), &line(4), None, Duration::days(30), Utc::now()).unwrap();
        let receipt = [Receipt { sku: sku_of("FIX-1"), received: 3, damaged: 1 }];
        let got = receive(&ret, &order, &receipt, "warehouse", Utc::now()).unwrap().unwrap();
        let sku = Sku::parse("s", "FIX-1").unwrap();
        assert_eq!(got.moves, vec![CounterMove::on_hand(&sku, 2)], "3 received, 1 written off");
        assert_eq!(
            got.movements.iter().map(|m| (m.kind, m.delta)).collect::<Vec<_>>(),
            vec![(MovementKind::Returned, 3), (MovementKind::Damaged, -1)]
        );
        let types: Vec<&str> = got.events.iter().map(DomainEvent::event_type).collect();
        assert_eq!(types, ["return.received"], "the listing is stock-levels' to change, from the stream");
        assert_eq!(got.ret.refund_due.amount(), 3 * 250);
        assert_eq!(got.order.returns_requested["FIX-1"], 3, "the unit that never came back is free again");
        assert_eq!(receive(&got.ret, &got.order, &receipt, "w", Utc::now()).unwrap(), None, "twice is a replay");
        let other = [Receipt { sku: sku_of("FIX-1"), received: 4, damaged: 0 }];
        assert_eq!(
            receive(&got.ret, &got.order, &other, "w", Utc::now()),
            Err(ReturnError::ReceivedOtherwise),
            "other figures are not silently ignored"
        );
        let too_many = [Receipt { sku: sku_of("FIX-1"), received: 5, damaged: 0 }];
        assert!(
            matches!(receive(&ret, &order, &too_many, "w", Utc::now()), Err(ReturnError::Invalid { field, .. }) if field == "lines[0].received")
        );
    }

    #[test]
    fn refunds_against_a_return_are_capped_by_what_is_due() {
        let (order, _) = shipped(Some(1));
        let (ret, order, _) = request(&order, ReturnId::new(), &line(2), None, Duration::days(30), Utc::now()).unwrap();
        let got = receive(&ret, &order, &[Receipt { sku: sku_of("FIX-1"), received: 2, damaged: 0 }], "w", Utc::now())
            .unwrap()
            .unwrap();
        let brl = |a| Money::new(a, got.ret.refund_due.currency());
        assert!(matches!(apply_refund(&got.ret, brl(501), Utc::now()), Err(ReturnError::RefundExceedsDue { .. })));
        let (part, events) = apply_refund(&got.ret, brl(200), Utc::now()).unwrap();
        assert!(events.is_empty());
        let (done, events) = apply_refund(&part, brl(300), Utc::now()).unwrap();
        assert_eq!((done.status, events.len()), (ReturnStatus::Refunded, 1));
    }

    #[test]
    fn a_rejected_return_gives_its_units_back_to_the_order_and_a_received_one_cannot_be_rejected() {
        let (order, _) = shipped(Some(1));
        let (ret, asked, _) = request(&order, ReturnId::new(), &line(3), None, Duration::days(30), Utc::now()).unwrap();
        let (rejected, after, events) = close(&ret, &asked, ReturnStatus::Rejected, Utc::now()).unwrap().unwrap();
        assert_eq!((rejected.status, rejected.refund_due.amount()), (ReturnStatus::Rejected, 0));
        assert_eq!(after.returns_requested["FIX-1"], 0, "the units can be asked for again");
        assert_eq!(events.iter().map(DomainEvent::event_type).collect::<Vec<_>>(), ["return.rejected"]);
        assert_eq!(close(&rejected, &after, ReturnStatus::Rejected, Utc::now()), Ok(None), "again: a replay");

        let receipt = [Receipt { sku: sku_of("FIX-1"), received: 3, damaged: 0 }];
        let got = receive(&ret, &asked, &receipt, "w", Utc::now()).unwrap().unwrap();
        assert_eq!(
            close(&got.ret, &got.order, ReturnStatus::Cancelled, Utc::now()),
            Err(ReturnError::WrongStatus(ReturnStatus::Received))
        );
    }
}
