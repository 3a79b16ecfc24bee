//! Payments that arrive from a payment gateway: what a provider's event means for an order.
//! The event's payment lives inside the order (`Order::gateway_payments`), so applying one is a
//! decision over one aggregate: `apply(order, event, now)` gives the order's next state and its
//! events, says the event changes nothing (a redelivery with another id, a late "pending"
//! after "approved"), or sends it to a person's review (an unknown order, another currency, an
//! amount that does not match). Nothing here reads a clock or a provider.

use super::events::{DomainEvent, GatewayPaymentEvent};
use super::money::Money;
use super::order::{Order, OrderStatus, PaymentStatus};
use super::payment::{self, GatewayReference, Payment, PaymentError, PaymentMethod, Refund};
use super::text::Reason;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A provider the backoffice takes webhooks from, as its path segment names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Stripe,
    #[serde(rename = "mercadopago")]
    MercadoPago,
}

impl Provider {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "stripe" => Some(Self::Stripe),
            "mercadopago" => Some(Self::MercadoPago),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Stripe => "stripe",
            Self::MercadoPago => "mercadopago",
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened to a payment at the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PaymentChange {
    /// Created or waiting (a Pix code not yet paid, a boleto not yet compensated).
    Pending,
    /// Held on the customer's card, not yet taken: `amount` may be captured.
    Authorized { amount: Money },
    /// Taken: `amount` is the shop's.
    Captured { amount: Money },
    /// An authorisation released, or a payment cancelled before it was taken.
    Voided,
    /// Refused by the issuer or the provider.
    Failed,
    /// Money given back; `total` is everything refunded on this payment so far.
    Refunded { total: Money },
    /// The customer's bank disputes the payment; `amount` is held from the shop.
    DisputeOpened { dispute: String, amount: Money },
    /// The dispute ended; lost means the amount went back to the customer.
    DisputeClosed { dispute: String, won: bool },
}

impl PaymentChange {
    /// The change's name, as its serialised `kind` says it (for log lines and metrics).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Authorized { .. } => "authorized",
            Self::Captured { .. } => "captured",
            Self::Voided => "voided",
            Self::Failed => "failed",
            Self::Refunded { .. } => "refunded",
            Self::DisputeOpened { .. } => "dispute_opened",
            Self::DisputeClosed { .. } => "dispute_closed",
        }
    }
}

/// One provider event, read from its payload: which payment, of which order, what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderEvent {
    pub provider: Provider,
    /// The provider's id for this event (the idempotency key: a redelivery has the same one).
    pub event_id: String,
    /// The provider's payment (Stripe's PaymentIntent, Mercado Pago's payment).
    pub payment: String,
    /// The order the storefront named (`metadata.order_id`, `external_reference`), unchecked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The payment method as the provider names it (`card`, `pix`, `bolbradesco`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    pub change: PaymentChange,
}

/// Where a gateway payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayState {
    Pending,
    Failed,
    Authorized,
    Voided,
    Captured,
}

impl GatewayState {
    fn rank(self) -> u8 {
        match self {
            Self::Pending => 0,
            Self::Failed => 1,
            Self::Authorized => 2,
            Self::Voided => 3,
            Self::Captured => 4,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    Open,
    Won,
    Lost,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    pub id: String,
    pub amount: Money,
    pub status: DisputeStatus,
}

/// A payment at a provider, as the order keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayPayment {
    pub provider: Provider,
    /// The provider's id of the payment (`pi_…`, Mercado Pago's number).
    pub reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    pub state: GatewayState,
    /// Held and not yet taken (authorised), or what was held when it was taken or released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured: Option<Money>,
    /// Everything the provider says was refunded on it, and how much of that the order's
    /// balance already holds (a refund reported before its capture waits for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded_reported: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded_applied: Option<Money>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disputes: Vec<Dispute>,
    pub updated_at: DateTime<Utc>,
}

impl GatewayPayment {
    fn new(event: &ProviderEvent, now: DateTime<Utc>) -> Self {
        Self {
            provider: event.provider,
            reference: event.payment.clone(),
            method: event.method.clone(),
            state: GatewayState::Pending,
            authorized: None,
            captured: None,
            refunded_reported: None,
            refunded_applied: None,
            disputes: Vec::new(),
            updated_at: now,
        }
    }

    pub fn has_open_dispute(&self) -> bool {
        self.disputes.iter().any(|d| d.status == DisputeStatus::Open)
    }
}

/// How many gateway payments one order keeps (retries after failures add one each).
pub const MAX_GATEWAY_PAYMENTS: usize = 20;

/// Why an event needs a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ReviewReason {
    #[error("the event names no order the backoffice knows")]
    UnknownOrder,
    #[error("the payment belongs to another order")]
    PaymentOfAnotherOrder,
    #[error("the order is in {order}, the payment in {given}")]
    CurrencyMismatch { order: String, given: String },
    #[error("the amount {given} does not match what the order owes ({expected})")]
    AmountMismatch { expected: Money, given: Money },
    #[error("money was taken for a cancelled order")]
    OrderCancelled,
    #[error("the order already has {MAX_GATEWAY_PAYMENTS} gateway payments")]
    TooManyPayments,
}

impl ReviewReason {
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownOrder => "unknown_order",
            Self::PaymentOfAnotherOrder => "payment_of_another_order",
            Self::CurrencyMismatch { .. } => "currency_mismatch",
            Self::AmountMismatch { .. } => "amount_mismatch",
            Self::OrderCancelled => "order_cancelled",
            Self::TooManyPayments => "too_many_payments",
        }
    }
}

/// What an event does to its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Applied {
        order: Box<Order>,
        events: Vec<DomainEvent>,
    },
    /// Already applied, or older than what was: nothing to write but the event's mark.
    Unchanged,
    Review(ReviewReason),
}

fn method_of(raw: Option<&str>) -> PaymentMethod {
    match raw.unwrap_or("") {
        "card" | "credit_card" | "debit_card" | "visa" | "master" | "amex" | "elo" | "hipercard" => PaymentMethod::Card,
        "pix" => PaymentMethod::Pix,
        "boleto" | "bolbradesco" | "pec" => PaymentMethod::Boleto,
        _ => PaymentMethod::Other,
    }
}

fn movement(order: &Order, p: &GatewayPayment, amount: Option<Money>) -> GatewayPaymentEvent {
    GatewayPaymentEvent {
        order_id: order.id.to_string(),
        provider: p.provider.as_str().to_owned(),
        reference: p.reference.clone(),
        amount,
        dispute: None,
    }
}

fn reference(p: &GatewayPayment, suffix: &str) -> GatewayReference {
    // A provider's id is at most a few dozen visible characters; one that is not keeps a
    // stable, valid stand-in rather than failing the event.
    let raw = format!("{}:{}{suffix}", p.provider, p.reference);
    GatewayReference::parse("reference", &raw)
        .unwrap_or_else(|_| GatewayReference::parse("reference", &format!("{}:invalid", p.provider)).expect("valid"))
}

fn review_of(e: PaymentError, given: Money) -> ReviewReason {
    match e {
        PaymentError::Cancelled => ReviewReason::OrderCancelled,
        PaymentError::CurrencyMismatch { order, given } => ReviewReason::CurrencyMismatch { order, given },
        PaymentError::Overpayment { outstanding } => ReviewReason::AmountMismatch { expected: outstanding, given },
        PaymentError::OverRefund { refundable } => ReviewReason::AmountMismatch { expected: refundable, given },
    }
}

/// The money an event carries, for the currency check.
fn money_of(change: &PaymentChange) -> Option<Money> {
    match change {
        PaymentChange::Authorized { amount }
        | PaymentChange::Captured { amount }
        | PaymentChange::DisputeOpened { amount, .. } => Some(*amount),
        PaymentChange::Refunded { total } => Some(*total),
        _ => None,
    }
}

/// Takes the refund the provider reported and the order's balance does not hold yet, as far as
/// the capture covers it.
fn settle_refunds(
    order: Order,
    p: &mut GatewayPayment,
    now: DateTime<Utc>,
) -> Result<(Order, Vec<DomainEvent>), ReviewReason> {
    let (Some(captured), Some(reported)) = (p.captured, p.refunded_reported) else { return Ok((order, Vec::new())) };
    let applied = p.refunded_applied.map_or(0, |m| m.amount());
    let due = reported.amount().min(captured.amount()) - applied;
    if due <= 0 {
        return Ok((order, Vec::new()));
    }
    let amount = Money::new(due, order.currency());
    let refund = Refund {
        gateway_reference: reference(p, &format!(":refund:{}", applied + due)),
        amount,
        reason: Reason::parse("reason", &format!("refunded at {}", p.provider)).expect("a short reason"),
        return_id: None,
        recorded_at: now,
        recorded_by: format!("system:{}", p.provider),
    };
    let settled = payment::record_refund(&order, &refund).map_err(|e| review_of(e, amount))?;
    p.refunded_applied = Some(Money::new(applied + due, order.currency()));
    Ok((settled.order, settled.events))
}

/// Applies a provider's event to the order its payment belongs to.
pub fn apply(order: &Order, event: &ProviderEvent, now: DateTime<Utc>) -> Verdict {
    match decide(order, event, now) {
        Ok(Some((order, events))) => Verdict::Applied { order: Box::new(order), events },
        Ok(None) => Verdict::Unchanged,
        Err(reason) => Verdict::Review(reason),
    }
}

type Decided = Result<Option<(Order, Vec<DomainEvent>)>, ReviewReason>;

fn decide(order: &Order, event: &ProviderEvent, now: DateTime<Utc>) -> Decided {
    if let Some(money) = money_of(&event.change)
        && money.currency() != order.currency()
    {
        return Err(ReviewReason::CurrencyMismatch {
            order: order.currency().to_string(),
            given: money.currency().to_string(),
        });
    }
    let position =
        order.gateway_payments.iter().position(|p| p.provider == event.provider && p.reference == event.payment);
    if position.is_none() && order.gateway_payments.len() >= MAX_GATEWAY_PAYMENTS {
        return Err(ReviewReason::TooManyPayments);
    }
    let mut p = position.map(|i| order.gateway_payments[i].clone()).unwrap_or_else(|| GatewayPayment::new(event, now));
    if p.method.is_none() {
        p.method.clone_from(&event.method);
    }
    let mut next = order.clone();
    let mut events = Vec::new();
    let moved = |to: GatewayState, p: &GatewayPayment| to.rank() > p.state.rank();
    match &event.change {
        PaymentChange::Pending => {
            if position.is_some() {
                return Ok(None);
            }
        }
        PaymentChange::Failed => {
            if !moved(GatewayState::Failed, &p) {
                return Ok(None);
            }
            p.state = GatewayState::Failed;
        }
        PaymentChange::Authorized { amount } => {
            if !moved(GatewayState::Authorized, &p) {
                return Ok(None);
            }
            if order.status == OrderStatus::Cancelled {
                return Err(ReviewReason::OrderCancelled);
            }
            if *amount != order.outstanding() {
                return Err(ReviewReason::AmountMismatch { expected: order.outstanding(), given: *amount });
            }
            p.state = GatewayState::Authorized;
            p.authorized = Some(*amount);
            events.push(DomainEvent::PaymentAuthorized(movement(order, &p, Some(*amount))));
        }
        PaymentChange::Voided => {
            if !moved(GatewayState::Voided, &p) {
                return Ok(None);
            }
            p.state = GatewayState::Voided;
            events.push(DomainEvent::PaymentVoided(movement(order, &p, p.authorized)));
        }
        PaymentChange::Captured { .. } if p.state == GatewayState::Captured => {
            // Captured again while disputed: Mercado Pago's way of saying a mediation ended in
            // the shop's favour (the payment goes from in_mediation back to approved).
            let open: Vec<usize> =
                (0..p.disputes.len()).filter(|i| p.disputes[*i].status == DisputeStatus::Open).collect();
            if open.is_empty() {
                return Ok(None);
            }
            for i in open {
                p.disputes[i].status = DisputeStatus::Won;
                let mut e = movement(order, &p, Some(p.disputes[i].amount));
                e.dispute = Some(p.disputes[i].id.clone());
                events.push(DomainEvent::PaymentDisputeWon(e));
            }
        }
        PaymentChange::Captured { amount } => {
            let payment = Payment {
                gateway_reference: reference(&p, ""),
                amount: *amount,
                method: method_of(p.method.as_deref()),
                recorded_at: now,
                recorded_by: format!("system:{}", p.provider),
            };
            let settled = payment::record_payment(order, &payment).map_err(|e| review_of(e, *amount))?;
            p.state = GatewayState::Captured;
            p.captured = Some(*amount);
            next = settled.order;
            events.extend(settled.events);
        }
        PaymentChange::Refunded { total } => {
            if p.refunded_reported.is_some_and(|r| r.amount() >= total.amount()) {
                return Ok(None);
            }
            p.refunded_reported = Some(*total);
        }
        PaymentChange::DisputeOpened { dispute, amount } => {
            if p.disputes.iter().any(|d| &d.id == dispute) {
                return Ok(None);
            }
            p.disputes.push(Dispute { id: dispute.clone(), amount: *amount, status: DisputeStatus::Open });
            let mut e = movement(order, &p, Some(*amount));
            e.dispute = Some(dispute.clone());
            events.push(DomainEvent::PaymentDisputed(e));
        }
        PaymentChange::DisputeClosed { dispute, won } => {
            let status = if *won { DisputeStatus::Won } else { DisputeStatus::Lost };
            let at = match p.disputes.iter().position(|d| &d.id == dispute) {
                Some(i) if p.disputes[i].status != DisputeStatus::Open => return Ok(None),
                Some(i) => i,
                None => {
                    // Closed before its opening arrived: the payment's capture is what was disputed.
                    let amount = p.captured.unwrap_or(Money::zero(order.currency()));
                    p.disputes.push(Dispute { id: dispute.clone(), amount, status: DisputeStatus::Open });
                    p.disputes.len() - 1
                }
            };
            p.disputes[at].status = status;
            let amount = p.disputes[at].amount;
            if !won {
                // The bank took the money back: the order owes it again.
                let paid = next.amount_paid.amount().saturating_sub(amount.amount()).max(0);
                next.amount_paid = Money::new(paid, order.currency());
                next.payment_status = if paid == 0 { PaymentStatus::Unpaid } else { PaymentStatus::PartiallyPaid };
            }
            let mut e = movement(order, &p, Some(amount));
            e.dispute = Some(dispute.clone());
            events.push(if *won { DomainEvent::PaymentDisputeWon(e) } else { DomainEvent::PaymentDisputeLost(e) });
        }
    }
    let (mut settled, refund_events) = settle_refunds(next, &mut p, now)?;
    events.extend(refund_events);
    p.updated_at = now;
    match position {
        Some(i) => settled.gateway_payments[i] = p,
        None => settled.gateway_payments.push(p),
    }
    Ok(Some((settled, events)))
}

/// An event set aside for a person: what it said and why it was not applied. It holds ids and
/// amounts, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub id: super::ReviewId,
    pub received_at: DateTime<Utc>,
    pub event: ProviderEvent,
    pub reason: ReviewReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
}

/// How a person closed a review (they act at the provider or on the order themselves: a
/// review never moves money on its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub by: String,
    pub at: DateTime<Utc>,
    pub note: Reason,
}

impl Review {
    pub fn new(event: ProviderEvent, reason: ReviewReason, now: DateTime<Utc>) -> Self {
        Self { id: super::ReviewId::new(), received_at: now, event, reason, resolution: None }
    }

    pub fn is_open(&self) -> bool {
        self.resolution.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the review was resolved already")]
pub struct AlreadyResolved;

/// Closes a review with the person's note.
pub fn resolve(review: &Review, by: &str, note: Reason, now: DateTime<Utc>) -> Result<Review, AlreadyResolved> {
    if !review.is_open() {
        return Err(AlreadyResolved);
    }
    Ok(Review { resolution: Some(Resolution { by: by.to_owned(), at: now, note }), ..review.clone() })
}

/// For other modules' tests: the order after a Stripe card payment `pi_1` of it changed.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    pub fn applied(order: &Order, event_id: &str, change: PaymentChange) -> Order {
        let event = ProviderEvent {
            provider: Provider::Stripe,
            event_id: event_id.into(),
            payment: "pi_1".into(),
            order_id: Some(order.id.to_string()),
            method: Some("card".into()),
            change,
        };
        match apply(order, &event, chrono::Utc::now()) {
            Verdict::Applied { order, .. } => *order,
            other => panic!("{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use crate::domain::order::tests_support::placed_order;

    fn brl(amount: i64) -> Money {
        Money::new(amount, Currency::parse("c", "BRL").unwrap())
    }

    fn event(id: &str, change: PaymentChange) -> ProviderEvent {
        ProviderEvent {
            provider: Provider::Stripe,
            event_id: id.into(),
            payment: "pi_1".into(),
            order_id: None,
            method: Some("card".into()),
            change,
        }
    }

    fn applied(order: &Order, e: &ProviderEvent) -> (Order, Vec<&'static str>) {
        match apply(order, e, Utc::now()) {
            Verdict::Applied { order, events } => (*order, events.iter().map(DomainEvent::event_type).collect()),
            other => panic!("expected applied, got {other:?}"),
        }
    }

    #[test]
    fn given_an_unpaid_order_when_its_payment_is_captured_then_it_is_paid() {
        let order = placed_order(1000);
        let (paid, events) = applied(&order, &event("e1", PaymentChange::Captured { amount: brl(1000) }));
        assert_eq!(paid.status(), OrderStatus::Paid);
        assert_eq!(events, ["payment.recorded", "order.paid"]);
        assert_eq!(paid.gateway_payments()[0].state, GatewayState::Captured);
        assert_eq!(paid.gateway_payments()[0].captured, Some(brl(1000)));
    }

    #[test]
    fn given_a_captured_payment_when_the_capture_or_a_late_pending_comes_again_then_nothing_changes() {
        let (paid, _) = applied(&placed_order(1000), &event("e1", PaymentChange::Captured { amount: brl(1000) }));
        assert_eq!(
            apply(&paid, &event("e2", PaymentChange::Captured { amount: brl(1000) }), Utc::now()),
            Verdict::Unchanged
        );
        assert_eq!(apply(&paid, &event("e3", PaymentChange::Pending), Utc::now()), Verdict::Unchanged);
        assert_eq!(
            apply(&paid, &event("e4", PaymentChange::Authorized { amount: brl(1000) }), Utc::now()),
            Verdict::Unchanged
        );
        assert_eq!(apply(&paid, &event("e5", PaymentChange::Failed), Utc::now()), Verdict::Unchanged);
    }

    #[test]
    fn given_an_authorised_payment_then_the_order_is_not_expired_and_a_void_releases_it() {
        let order = placed_order(1000);
        let (held, events) = applied(&order, &event("e1", PaymentChange::Authorized { amount: brl(1000) }));
        assert_eq!(events, ["payment.authorized"]);
        assert!(held.is_authorized());
        assert!(!held.awaiting_payment(), "an authorised order is never expired as unpaid");
        let later = held.payment_due_at() + chrono::Duration::hours(1);
        assert!(crate::domain::order::expire(&held, later).is_err());
        let (voided, events) = applied(&held, &event("e2", PaymentChange::Voided));
        assert_eq!(events, ["payment.voided"]);
        assert!(voided.awaiting_payment());
    }

    #[test]
    fn given_an_authorisation_then_its_capture_pays_the_order() {
        let (held, _) = applied(&placed_order(1000), &event("e1", PaymentChange::Authorized { amount: brl(1000) }));
        let (paid, events) = applied(&held, &event("e2", PaymentChange::Captured { amount: brl(1000) }));
        assert_eq!(events, ["payment.recorded", "order.paid"]);
        assert!(!paid.is_authorized());
    }

    #[test]
    fn given_a_refund_reported_before_its_capture_then_both_apply_once_the_capture_arrives() {
        let order = placed_order(1000);
        let (waiting, events) = applied(&order, &event("r1", PaymentChange::Refunded { total: brl(400) }));
        assert!(events.is_empty());
        assert_eq!(waiting.amount_refunded(), brl(0));
        let (settled, events) = applied(&waiting, &event("c1", PaymentChange::Captured { amount: brl(1000) }));
        assert_eq!(events, ["payment.recorded", "order.paid", "refund.recorded"]);
        assert_eq!(settled.amount_paid(), brl(1000));
        assert_eq!(settled.amount_refunded(), brl(400));
        // The next refund report is cumulative: only the difference is refunded.
        let (more, events) = applied(&settled, &event("r2", PaymentChange::Refunded { total: brl(1000) }));
        assert_eq!(events, ["refund.recorded"]);
        assert_eq!(more.amount_refunded(), brl(1000));
        assert_eq!(
            apply(&more, &event("r1-again", PaymentChange::Refunded { total: brl(400) }), Utc::now()),
            Verdict::Unchanged
        );
    }

    #[test]
    fn given_a_dispute_when_it_is_lost_then_the_order_owes_the_amount_again() {
        let (paid, _) = applied(&placed_order(1000), &event("e1", PaymentChange::Captured { amount: brl(1000) }));
        let opened = PaymentChange::DisputeOpened { dispute: "dp_1".into(), amount: brl(1000) };
        let (disputed, events) = applied(&paid, &event("d1", opened.clone()));
        assert_eq!(events, ["payment.disputed"]);
        assert!(disputed.is_disputed());
        assert_eq!(apply(&disputed, &event("d1b", opened), Utc::now()), Verdict::Unchanged);
        let lost = PaymentChange::DisputeClosed { dispute: "dp_1".into(), won: false };
        let (owed, events) = applied(&disputed, &event("d2", lost.clone()));
        assert_eq!(events, ["payment.dispute_lost"]);
        assert!(!owed.is_disputed());
        assert_eq!(owed.outstanding(), brl(1000));
        assert!(owed.is_receivable());
        assert_eq!(apply(&owed, &event("d3", lost), Utc::now()), Verdict::Unchanged);
    }

    #[test]
    fn given_a_mediation_when_the_payment_is_approved_again_then_the_dispute_is_won() {
        let (paid, _) = applied(&placed_order(1000), &event("e1", PaymentChange::Captured { amount: brl(1000) }));
        let (disputed, _) =
            applied(&paid, &event("m1", PaymentChange::DisputeOpened { dispute: "pi_1".into(), amount: brl(1000) }));
        let (won, events) = applied(&disputed, &event("e2", PaymentChange::Captured { amount: brl(1000) }));
        assert_eq!(events, ["payment.dispute_won"]);
        assert!(!won.is_disputed());
        assert_eq!(won.amount_paid(), brl(1000), "captured once");
    }

    #[test]
    fn given_a_won_dispute_then_the_balance_stays() {
        let (paid, _) = applied(&placed_order(1000), &event("e1", PaymentChange::Captured { amount: brl(1000) }));
        let (disputed, _) =
            applied(&paid, &event("d1", PaymentChange::DisputeOpened { dispute: "dp_1".into(), amount: brl(1000) }));
        let (won, events) =
            applied(&disputed, &event("d2", PaymentChange::DisputeClosed { dispute: "dp_1".into(), won: true }));
        assert_eq!(events, ["payment.dispute_won"]);
        assert_eq!(won.outstanding(), brl(0));
    }

    #[test]
    fn given_another_currency_a_wrong_amount_or_a_cancelled_order_then_a_person_reviews_it() {
        let order = placed_order(1000);
        let usd = Money::new(1000, Currency::parse("c", "USD").unwrap());
        assert!(matches!(
            apply(&order, &event("e1", PaymentChange::Captured { amount: usd }), Utc::now()),
            Verdict::Review(ReviewReason::CurrencyMismatch { .. })
        ));
        assert!(matches!(
            apply(&order, &event("e2", PaymentChange::Captured { amount: brl(1001) }), Utc::now()),
            Verdict::Review(ReviewReason::AmountMismatch { .. })
        ));
        assert!(matches!(
            apply(&order, &event("e3", PaymentChange::Authorized { amount: brl(999) }), Utc::now()),
            Verdict::Review(ReviewReason::AmountMismatch { .. })
        ));
        let crate::domain::order::CancelOutcome::Cancelled(cancelled) =
            crate::domain::order::cancel(&order, "changed mind", "staff", Utc::now()).unwrap()
        else {
            panic!("not cancelled")
        };
        let cancelled = cancelled.order;
        assert_eq!(
            apply(&cancelled, &event("e4", PaymentChange::Captured { amount: brl(1000) }), Utc::now()),
            Verdict::Review(ReviewReason::OrderCancelled)
        );
    }

    #[test]
    fn given_an_open_review_when_a_person_resolves_it_then_it_closes_once() {
        let review = Review::new(event("e1", PaymentChange::Pending), ReviewReason::UnknownOrder, Utc::now());
        let note = Reason::parse("note", "refunded at Stripe by hand").unwrap();
        let closed = resolve(&review, "finance@shop", note.clone(), Utc::now()).unwrap();
        assert!(!closed.is_open());
        assert_eq!(closed.resolution.as_ref().map(|r| r.by.as_str()), Some("finance@shop"));
        assert_eq!(resolve(&closed, "owner", note, Utc::now()), Err(AlreadyResolved));
    }
}
