//! `notifier`: turns order events into customer notifications (placed, paid, shipped,
//! delivered, cancelled) and hands each to a [`Sender`].
//!
//! The port: a sender takes a composed [`Notification`] (who — a customer id, what — the text)
//! and delivers it at most once per event id. The adapter shipped today, [`TableSender`], writes
//! it under the order, where `GET /orders/{id}/notifications` shows it. An e-mail or SMS provider
//! is another implementation of the same trait: it resolves the customer's contact details at
//! send time (so no personal data sits in queues or in the text) and keys its own idempotency on
//! the event id.

use aws_lambda_events::sqs::SqsBatchResponse;
use backoffice::AppContext;
use backoffice::events::{DomainEvent, Envelope};
use backoffice::sqs::Batch;
use backoffice::store::Store;
use backoffice::store::payments::Notification;

/// Where notifications go. `Ok(false)`: this event was already sent (a duplicate delivery).
pub trait Sender {
    fn send(&self, notification: &Notification) -> impl std::future::Future<Output = Result<bool, String>> + Send;
}

/// Writes notifications into the table, once per event.
pub struct TableSender<'a>(pub &'a Store);

impl Sender for TableSender<'_> {
    async fn send(&self, n: &Notification) -> Result<bool, String> {
        self.0.save_notification(n).await.map_err(|e| e.to_string())
    }
}

pub async fn handler(ctx: &AppContext, event: Batch) -> SqsBatchResponse {
    handle_with(&TableSender(&ctx.store), event).await
}

pub async fn handle_with<S: Sender + Sync>(sender: &S, event: Batch) -> SqsBatchResponse {
    backoffice::sqs::consume(&event, |envelope| process(sender, envelope)).await
}

async fn process<S: Sender + Sync>(sender: &S, envelope: Envelope) -> Result<(), String> {
    let event = envelope.event().map_err(|e| format!("bad payload: {e}"))?;
    let Some((order_id, customer_id, text)) = compose(&event) else {
        return Err(format!("{} does not belong on the notifications queue", envelope.event_type));
    };
    let notification = Notification {
        event_id: envelope.id.to_string(),
        event_type: envelope.event_type.clone(),
        order_id,
        customer_id,
        text,
        created_at: chrono::Utc::now(),
    };
    let sent = sender.send(&notification).await?;
    tracing::info!(event_id = %envelope.id, kind = %envelope.event_type, sent, "notification");
    Ok(())
}

/// The text for an event. No personal data: the order id, amounts and the carrier's tracking.
pub fn compose(event: &DomainEvent) -> Option<(String, String, String)> {
    Some(match event {
        DomainEvent::OrderPlaced(p) => (
            p.order_id.clone(),
            p.customer_id.clone(),
            format!("We received your order {} ({}). It will be reserved for you until payment.", p.order_id, p.total),
        ),
        DomainEvent::OrderPaid(p) => (
            p.order_id.clone(),
            p.customer_id.clone(),
            format!("Payment of {} confirmed for order {}. We are preparing it.", p.total, p.order_id),
        ),
        DomainEvent::OrderShipped(s) => (
            s.order_id.clone(),
            s.customer_id.clone(),
            format!("Your order {} is on its way with {} (tracking {}).", s.order_id, s.carrier, s.tracking_number),
        ),
        DomainEvent::OrderDelivered(d) => {
            (d.order_id.clone(), d.customer_id.clone(), format!("Your order {} was delivered. Enjoy!", d.order_id))
        }
        DomainEvent::ReturnReceived(r) => (
            r.order_id.clone(),
            r.customer_id.clone(),
            format!(
                "We received your return {} for order {}. {} will be refunded.",
                r.return_id, r.order_id, r.refund_due
            ),
        ),
        DomainEvent::ReturnRefunded(r) => (
            r.order_id.clone(),
            r.customer_id.clone(),
            format!("Your return {} was refunded: {}.", r.return_id, r.refunded),
        ),
        DomainEvent::OrderCancelled(c) => {
            let why = if c.reason == backoffice::domain::order::PAYMENT_TIMEOUT {
                "the payment did not arrive in time"
            } else {
                "it was cancelled at your or our request"
            };
            let refund =
                if c.refund_due.amount() > 0 { format!(" {} will be refunded.", c.refund_due) } else { String::new() };
            (
                c.order_id.clone(),
                c.customer_id.clone(),
                format!("Your order {} was cancelled: {why}.{refund}", c.order_id),
            )
        }
        _ => return None,
    })
}
