//! Payments and refunds against an order: the balance can never be overpaid, and refunds can
//! never exceed what was paid. The store writes each decision conditioned on the order's version,
//! so concurrent payments or refunds re-decide on the new balance instead of both passing.

use super::events::{DomainEvent, MoneyMovement, OrderPaid};
use super::ids::ReturnId;
use super::money::Money;
use super::order::{Order, OrderStatus, PaymentStatus};
use super::returns::{self, Return, ReturnError};
use super::text::{FieldError, Reason};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Card,
    Pix,
    Boleto,
    BankTransfer,
    Cash,
    Other,
}

/// The gateway's own id for a capture or refund: unique per order, 1–100 visible ASCII characters.
impl PaymentMethod {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| FieldError::new(field, "must be one of card, pix, boleto, bank_transfer, cash, other"))
    }
}

/// How long an unpaid order holds its stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    For(chrono::Duration),
    /// Until the same time of day that many business days later (Monday to Friday; a boleto is
    /// compensated on bank days). Public holidays are not known here: a shop that needs them
    /// gives the hold a day more.
    BusinessDays(u32),
}

/// The unpaid-order hold per payment method (Pix 30 minutes, a card an hour, a boleto three
/// business days…), and the hold of an order that names no method or one not listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldPolicy {
    pub default: chrono::Duration,
    pub by_method: std::collections::BTreeMap<PaymentMethod, Hold>,
}

impl HoldPolicy {
    /// Reads `pix=1800,card=3600,boleto=3bd`: seconds, or `Nbd` business days, per method.
    pub fn parse(default: chrono::Duration, spec: &str) -> Result<Self, FieldError> {
        let mut by_method = std::collections::BTreeMap::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || FieldError::new("PAYMENT_HOLDS", format!("`{part}` is not method=seconds or method=Nbd"));
            let (method, hold) = part.split_once('=').ok_or_else(bad)?;
            let method = PaymentMethod::parse("PAYMENT_HOLDS", method.trim())?;
            let hold = hold.trim();
            let hold = match hold.strip_suffix("bd") {
                Some(days) => Hold::BusinessDays(days.parse().ok().filter(|d| (1..=30).contains(d)).ok_or_else(bad)?),
                None => Hold::For(chrono::Duration::seconds(
                    hold.parse::<i64>().ok().filter(|s| (0..=30 * 86_400).contains(s)).ok_or_else(bad)?,
                )),
            };
            by_method.insert(method, hold);
        }
        Ok(Self { default, by_method })
    }

    /// When an order placed `at` with `method` stops holding its stock unpaid.
    pub fn due(&self, method: Option<PaymentMethod>, at: DateTime<Utc>) -> DateTime<Utc> {
        use chrono::Datelike;
        match method.and_then(|m| self.by_method.get(&m)) {
            None => at + self.default,
            Some(Hold::For(d)) => at + *d,
            Some(Hold::BusinessDays(n)) => {
                let mut due = at;
                let mut left = *n;
                while left > 0 {
                    due += chrono::Duration::days(1);
                    if !matches!(due.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
                        left -= 1;
                    }
                }
                due
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct GatewayReference(String);

impl GatewayReference {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let ok = !raw.is_empty() && raw.len() <= 100 && raw.chars().all(|c| c.is_ascii_graphic());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new(field, "must be 1 to 100 visible ASCII characters"))
        }
    }
}

super::checked_string!(GatewayReference);

/// A positive amount.
pub fn positive(field: &str, amount: Money) -> Result<Money, FieldError> {
    if amount.amount() > 0 {
        Ok(amount)
    } else {
        Err(FieldError::new(format!("{field}.amount"), "must be greater than zero"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub gateway_reference: GatewayReference,
    pub amount: Money,
    pub method: PaymentMethod,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub gateway_reference: GatewayReference,
    pub amount: Money,
    pub reason: Reason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_id: Option<ReturnId>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("the order is cancelled")]
    Cancelled,
    #[error("the order is in {order}, the amount in {given}")]
    CurrencyMismatch { order: String, given: String },
    #[error("the amount exceeds what is owed")]
    Overpayment { outstanding: Money },
    #[error("the refund exceeds what was paid and not yet refunded")]
    OverRefund { refundable: Money },
}

/// The order after a decision, and the events to write with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub order: Order,
    pub events: Vec<DomainEvent>,
}

fn same_currency(order: &Order, amount: Money) -> Result<(), PaymentError> {
    if amount.currency() == order.currency() {
        Ok(())
    } else {
        Err(PaymentError::CurrencyMismatch {
            order: order.currency().to_string(),
            given: amount.currency().to_string(),
        })
    }
}

pub fn record_payment(order: &Order, payment: &Payment) -> Result<Settled, PaymentError> {
    if order.status == OrderStatus::Cancelled {
        return Err(PaymentError::Cancelled);
    }
    same_currency(order, payment.amount)?;
    let outstanding = order.outstanding();
    if payment.amount.amount() > outstanding.amount() {
        return Err(PaymentError::Overpayment { outstanding });
    }
    let paid = order.amount_paid.checked_add(payment.amount).map_err(|_| PaymentError::Overpayment { outstanding })?;
    let fully = paid == order.total;
    let next = Order {
        amount_paid: paid,
        payment_status: if fully { PaymentStatus::Paid } else { PaymentStatus::PartiallyPaid },
        // An authorised order may ship, and even be delivered (completed), before its capture
        // comes: being paid moves it out of pending payment only, never back from completed.
        status: if fully && order.status == OrderStatus::PendingPayment { OrderStatus::Paid } else { order.status },
        ..order.clone()
    };
    let mut events = vec![DomainEvent::PaymentRecorded(MoneyMovement {
        order_id: order.id.to_string(),
        customer_id: order.customer_id.to_string(),
        gateway_reference: payment.gateway_reference.to_string(),
        amount: payment.amount,
        return_id: None,
    })];
    if fully {
        events.push(DomainEvent::OrderPaid(OrderPaid {
            order_id: order.id.to_string(),
            customer_id: order.customer_id.to_string(),
            total: order.total,
        }));
    }
    Ok(Settled { order: next, events })
}

pub fn record_refund(order: &Order, refund: &Refund) -> Result<Settled, PaymentError> {
    same_currency(order, refund.amount)?;
    let refundable = order.amount_paid.checked_sub(order.amount_refunded).unwrap_or(Money::zero(order.currency()));
    if refund.amount.amount() > refundable.amount() {
        return Err(PaymentError::OverRefund { refundable });
    }
    let refunded =
        order.amount_refunded.checked_add(refund.amount).map_err(|_| PaymentError::OverRefund { refundable })?;
    let refund_due = order
        .refund_due
        .checked_sub(refund.amount)
        .ok()
        .filter(|m| m.amount() >= 0)
        .unwrap_or(Money::zero(order.currency()));
    let next = Order {
        amount_refunded: refunded,
        payment_status: if refunded == order.amount_paid {
            PaymentStatus::Refunded
        } else {
            PaymentStatus::PartiallyRefunded
        },
        refund_due,
        ..order.clone()
    };
    let events = vec![DomainEvent::RefundRecorded(MoneyMovement {
        order_id: order.id.to_string(),
        customer_id: order.customer_id.to_string(),
        gateway_reference: refund.gateway_reference.to_string(),
        amount: refund.amount,
        return_id: refund.return_id.map(|r| r.to_string()),
    })];
    Ok(Settled { order: next, events })
}

/// A refund decided: the order's new balance and, for a refund against a return, the return's
/// new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refunded {
    pub order: Order,
    pub ret: Option<Return>,
    pub events: Vec<DomainEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    #[error(transparent)]
    Payment(#[from] PaymentError),
    #[error("no such return")]
    UnknownReturn,
    #[error("the return belongs to another order")]
    ReturnOfAnotherOrder,
    #[error(transparent)]
    Return(#[from] ReturnError),
}

/// A refund on the order; when it names a return (`ret`: that return as stored, `None` if there
/// is none), the return must be the order's, and the refund is at most what is still due for
/// it. Covering what is due closes the return.
pub fn refund(
    order: &Order,
    refund: &Refund,
    ret: Option<&Return>,
    now: DateTime<Utc>,
) -> Result<Refunded, RefundError> {
    let Settled { order: next, mut events } = record_refund(order, refund)?;
    let ret = match refund.return_id {
        None => None,
        Some(_) => {
            let ret = ret.ok_or(RefundError::UnknownReturn)?;
            if ret.order_id != order.id {
                return Err(RefundError::ReturnOfAnotherOrder);
            }
            let (next_return, return_events) = returns::apply_refund(ret, refund.amount, now)?;
            events.extend(return_events);
            Some(next_return)
        }
    };
    Ok(Refunded { order: next, ret, events })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::tests_support::placed_order;

    fn pay(amount: i64) -> Payment {
        Payment {
            gateway_reference: GatewayReference::parse("g", &format!("pay-{amount}")).unwrap(),
            amount: Money::new(amount, placed_order(1000).currency()),
            method: PaymentMethod::Pix,
            recorded_at: Utc::now(),
            recorded_by: "finance".into(),
        }
    }

    fn refund(amount: i64) -> Refund {
        Refund {
            gateway_reference: GatewayReference::parse("g", &format!("ref-{amount}")).unwrap(),
            amount: Money::new(amount, placed_order(1000).currency()),
            reason: Reason::parse("reason", "damaged").unwrap(),
            return_id: None,
            recorded_at: Utc::now(),
            recorded_by: "finance".into(),
        }
    }

    #[test]
    fn given_holds_per_method_then_each_order_is_due_by_its_method() {
        use chrono::TimeZone;
        let policy = HoldPolicy::parse(chrono::Duration::hours(1), "pix=1800, card=3600,boleto=3bd").unwrap();
        // Thursday 10:00: Pix half an hour, a boleto three business days (Fri, Mon, Tue).
        let thursday = Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap();
        assert_eq!(policy.due(Some(PaymentMethod::Pix), thursday), thursday + chrono::Duration::minutes(30));
        assert_eq!(
            policy.due(Some(PaymentMethod::Boleto), thursday),
            Utc.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap()
        );
        assert_eq!(policy.due(None, thursday), thursday + chrono::Duration::hours(1));
        assert_eq!(policy.due(Some(PaymentMethod::Cash), thursday), thursday + chrono::Duration::hours(1));
        for bad in ["pix", "pix=abc", "crypto=10", "boleto=0bd", "card=-5"] {
            assert!(HoldPolicy::parse(chrono::Duration::hours(1), bad).is_err(), "{bad}");
        }
        assert!(HoldPolicy::parse(chrono::Duration::hours(1), "").unwrap().by_method.is_empty());
    }

    #[test]
    fn partial_payments_then_paid_emits_order_paid_once() {
        let order = placed_order(1000);
        let first = record_payment(&order, &pay(400)).unwrap();
        assert_eq!(first.order.payment_status, PaymentStatus::PartiallyPaid);
        assert_eq!(first.order.status, OrderStatus::PendingPayment);
        assert_eq!(first.events.len(), 1);
        let second = record_payment(&first.order, &pay(600)).unwrap();
        assert_eq!((second.order.payment_status, second.order.status), (PaymentStatus::Paid, OrderStatus::Paid));
        assert!(second.events.iter().any(|e| e.event_type() == "order.paid"));
        assert!(!second.order.awaiting_payment());
    }

    #[test]
    fn overpaying_paying_cancelled_and_other_currencies_are_refused() {
        let order = placed_order(1000);
        assert!(
            matches!(record_payment(&order, &pay(1001)), Err(PaymentError::Overpayment { outstanding }) if outstanding.amount() == 1000)
        );
        let mut cancelled = order.clone();
        cancelled.status = OrderStatus::Cancelled;
        assert_eq!(record_payment(&cancelled, &pay(1)), Err(PaymentError::Cancelled));
        let mut usd = pay(1);
        usd.amount = Money::new(1, crate::domain::Currency::parse("c", "USD").unwrap());
        assert!(matches!(record_payment(&order, &usd), Err(PaymentError::CurrencyMismatch { .. })));
    }

    #[test]
    fn refunds_never_exceed_what_was_paid() {
        let paid = record_payment(&placed_order(1000), &pay(1000)).unwrap().order;
        let part = record_refund(&paid, &refund(300)).unwrap().order;
        assert_eq!(part.payment_status, PaymentStatus::PartiallyRefunded);
        assert!(
            matches!(record_refund(&part, &refund(701)), Err(PaymentError::OverRefund { refundable }) if refundable.amount() == 700)
        );
        let all = record_refund(&part, &refund(700)).unwrap().order;
        assert_eq!(all.payment_status, PaymentStatus::Refunded);
    }

    fn received_return(order: &Order, due: i64) -> Return {
        Return {
            id: ReturnId::new(),
            order_id: order.id(),
            customer_id: order.customer_id().clone(),
            status: returns::ReturnStatus::Received,
            lines: Vec::new(),
            note: None,
            refund_due: Money::new(due, order.currency()),
            refunded: Money::zero(order.currency()),
            requested_at: Utc::now(),
            received_at: Some(Utc::now()),
            closed_at: None,
        }
    }

    fn against(ret: &Return, amount: i64) -> Refund {
        Refund { return_id: Some(ret.id), ..refund(amount) }
    }

    #[test]
    fn a_refund_for_a_return_covering_what_is_due_closes_the_return() {
        let paid = record_payment(&placed_order(1000), &pay(1000)).unwrap().order;
        let ret = received_return(&paid, 400);
        let done = super::refund(&paid, &against(&ret, 400), Some(&ret), Utc::now()).unwrap();
        assert_eq!(done.order.amount_refunded.amount(), 400);
        assert_eq!(done.ret.map(|r| r.status), Some(returns::ReturnStatus::Refunded));
        let types: Vec<&str> = done.events.iter().map(DomainEvent::event_type).collect();
        assert_eq!(types, ["refund.recorded", "return.refunded"]);
    }

    #[test]
    fn a_refund_names_a_return_of_its_own_order_that_exists_and_is_owed_that_much() {
        let paid = record_payment(&placed_order(1000), &pay(1000)).unwrap().order;
        let ret = received_return(&paid, 400);
        let now = Utc::now();
        assert_eq!(super::refund(&paid, &against(&ret, 100), None, now), Err(RefundError::UnknownReturn));
        let other = received_return(&placed_order(1000), 400);
        assert_eq!(
            super::refund(&paid, &against(&other, 100), Some(&other), now),
            Err(RefundError::ReturnOfAnotherOrder)
        );
        assert!(matches!(
            super::refund(&paid, &against(&ret, 401), Some(&ret), now),
            Err(RefundError::Return(ReturnError::RefundExceedsDue { due })) if due.amount() == 400
        ));
        assert_eq!(super::refund(&paid, &refund(100), None, now).map(|r| r.ret), Ok(None), "no return named");
    }
}
