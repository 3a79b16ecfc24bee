//! `notifier`: turns order events into customer notifications (placed, paid, shipped,
//! delivered, cancelled, refund issued, return received) and hands each to a [`Sender`].
//!
//! The port: a sender takes a composed [`Notification`] (who — a customer id, what — a text with
//! no personal data) and the e-mail the event asks for, and delivers it at most once per event
//! id. Two adapters:
//! * [`EmailSender`] (when `MAIL_FROM` is set, as in the template): claims the notification,
//!   resolves the customer's address and language at send time (so no personal data waits in a
//!   queue), renders the kind's template and sends it through SES. A suppressed address (it
//!   bounced or complained) or an erased customer gets nothing, and the record says so;
//! * [`TableSender`]: writes the notification under the order only.
//!
//! Either way `GET /orders/{id}/notifications` shows what was done. A send that fails (SES
//! throttling, an outage) fails the message: SQS retries it, then the dead-letter queue and its
//! alarm take it.

use aws_lambda_events::sqs::SqsBatchResponse;
use backoffice::AppContext;
use backoffice::domain::OrderId;
use backoffice::domain::mail::{self, Recipient, Trigger};
use backoffice::email::ses::Mailer;
use backoffice::events::{DomainEvent, Envelope};
use backoffice::sqs::Batch;
use backoffice::store::Store;
use backoffice::store::payments::{Claim, EmailDelivery, EmailStatus, Notification};

/// Where notifications go. `Ok(false)`: this event was already sent (a duplicate delivery).
pub trait Sender {
    fn send(
        &self,
        notification: &Notification,
        trigger: &Trigger,
    ) -> impl std::future::Future<Output = Result<bool, String>> + Send;
}

/// Writes notifications into the table, once per event.
pub struct TableSender<'a>(pub &'a Store);

impl Sender for TableSender<'_> {
    async fn send(&self, n: &Notification, _: &Trigger) -> Result<bool, String> {
        self.0.save_notification(n).await.map_err(|e| e.to_string())
    }
}

/// E-mails the customer through SES and records what it did under the order.
pub struct EmailSender<'a> {
    pub store: &'a Store,
    pub mailer: &'a Mailer,
}

impl Sender for EmailSender<'_> {
    async fn send(&self, n: &Notification, trigger: &Trigger) -> Result<bool, String> {
        let now = chrono::Utc::now();
        let delivery =
            |status, language, subject, message_id| EmailDelivery { status, at: now, language, subject, message_id };
        // Read first: a notification is recorded only under an order that exists.
        let order_id = OrderId::parse("order_id", &n.order_id).map_err(|e| e.to_string())?;
        let order = self.store.order(&order_id).await.map_err(|e| e.to_string())?.ok_or("no such order")?.into_inner();
        let customer =
            self.store.customer(order.customer_id()).await.map_err(|e| e.to_string())?.ok_or("no such customer")?;
        let claimed = Notification { email: Some(delivery(EmailStatus::Sending, None, None, None)), ..n.clone() };
        match self.store.claim_notification(&claimed, now).await.map_err(|e| e.to_string())? {
            Claim::Claimed => {}
            Claim::Done(_) => return Ok(false),
            Claim::Busy => return Err("another delivery is sending this e-mail".into()),
        }
        let (status, language, subject, message_id) = match mail::recipient(&customer, self.mailer.default_language) {
            Recipient::Suppressed(_) => (EmailStatus::Suppressed, None, None, None),
            Recipient::NoAddress => (EmailStatus::NoAddress, None, None, None),
            Recipient::To { address, name, language } => {
                let rendered = backoffice::email::render(trigger, &order, name, language, &self.mailer.shop)
                    .map_err(|e| e.to_string())?;
                let raw = backoffice::email::mime(
                    &self.mailer.from,
                    &self.mailer.shop,
                    (name, address),
                    &rendered,
                    &self.mailer.message_id(&n.event_id),
                );
                let id = self.mailer.send_raw(address, raw).await.map_err(|e| e.to_string())?;
                (EmailStatus::Sent, Some(language), Some(rendered.subject), Some(id))
            }
        };
        backoffice::metrics::email(trigger.kind.as_str(), status_name(status));
        let finished = Notification { email: Some(delivery(status, language, subject, message_id)), ..n.clone() };
        self.store.finish_notification(&finished).await.map_err(|e| e.to_string())?;
        Ok(true)
    }
}

fn status_name(status: EmailStatus) -> &'static str {
    match status {
        EmailStatus::Sending => "sending",
        EmailStatus::Sent => "sent",
        EmailStatus::Suppressed => "suppressed",
        EmailStatus::NoAddress => "no_address",
    }
}

pub async fn handler(ctx: &AppContext, event: Batch) -> SqsBatchResponse {
    match &ctx.mail {
        Some(mailer) => handle_with(&EmailSender { store: &ctx.store, mailer }, event).await,
        None => handle_with(&TableSender(&ctx.store), event).await,
    }
}

pub async fn handle_with<S: Sender + Sync>(sender: &S, event: Batch) -> SqsBatchResponse {
    backoffice::sqs::consume(&event, |envelope| process(sender, envelope)).await
}

async fn process<S: Sender + Sync>(sender: &S, envelope: Envelope) -> Result<(), String> {
    let event = envelope.event().map_err(|e| format!("bad payload: {e}"))?;
    let (Some(trigger), Some((customer_id, text))) = (mail::trigger(&event), compose(&event)) else {
        return Err(format!("{} does not belong on the notifications queue", envelope.event_type));
    };
    let notification = Notification {
        event_id: envelope.id.to_string(),
        event_type: envelope.event_type.clone(),
        order_id: trigger.order_id.clone(),
        customer_id,
        text,
        created_at: chrono::Utc::now(),
        email: None,
    };
    let sent = sender.send(&notification, &trigger).await?;
    tracing::info!(event_id = %envelope.id, kind = %envelope.event_type, sent, "notification");
    Ok(())
}

/// The customer (when the event names them) and the text for staff to read under the order. No
/// personal data: the order id, amounts and the carrier's tracking.
pub fn compose(event: &DomainEvent) -> Option<(String, String)> {
    Some(match event {
        DomainEvent::OrderPlaced(p) => (
            p.customer_id.clone(),
            format!("We received your order {} ({}). It will be reserved for you until payment.", p.order_id, p.total),
        ),
        DomainEvent::OrderPaid(p) => (
            p.customer_id.clone(),
            format!("Payment of {} confirmed for order {}. We are preparing it.", p.total, p.order_id),
        ),
        DomainEvent::OrderShipped(s) => (
            s.customer_id.clone(),
            format!("Your order {} is on its way with {} (tracking {}).", s.order_id, s.carrier, s.tracking_number),
        ),
        DomainEvent::OrderDelivered(d) => {
            (d.customer_id.clone(), format!("Your order {} was delivered. Enjoy!", d.order_id))
        }
        DomainEvent::ReturnReceived(r) => (
            r.customer_id.clone(),
            format!(
                "We received your return {} for order {}. {} will be refunded.",
                r.return_id, r.order_id, r.refund_due
            ),
        ),
        DomainEvent::RefundRecorded(m) => {
            (m.customer_id.clone(), format!("A refund of {} was issued for order {}.", m.amount, m.order_id))
        }
        DomainEvent::OrderCancelled(c) => {
            let why = if c.reason == backoffice::domain::order::PAYMENT_TIMEOUT {
                "the payment did not arrive in time"
            } else {
                "it was cancelled at your or our request"
            };
            let refund =
                if c.refund_due.amount() > 0 { format!(" {} will be refunded.", c.refund_due) } else { String::new() };
            (c.customer_id.clone(), format!("Your order {} was cancelled: {why}.{refund}", c.order_id))
        }
        _ => return None,
    })
}
