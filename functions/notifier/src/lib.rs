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
//! Either way `GET /orders/{id}/notifications` shows what was done.
//!
//! It also sends the replies staff write in the service inbox (`conversation.replied`): from
//! the support address, `Reply-To` the conversation's own address, threaded under the
//! customer's e-mails, once per reply (the same claim as order e-mails); a suppressed or
//! erased address gets nothing, and the conversation shows how each reply went. A send that fails (SES
//! throttling, an outage) fails the message: SQS retries it, then the dead-letter queue and its
//! alarm take it.

use aws_lambda_events::sqs::SqsBatchResponse;
use backoffice::AppContext;
use backoffice::domain::conversation;
use backoffice::domain::events::ConversationReplied;
use backoffice::domain::mail::{self, Recipient, Trigger};
use backoffice::domain::{ConversationId, CustomerId, MessageId, OrderId};
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

    /// Sends a staff reply of the service inbox.
    fn reply(&self, r: &ConversationReplied) -> impl std::future::Future<Output = Result<(), String>> + Send;
}

/// Writes notifications into the table, once per event.
pub struct TableSender<'a>(pub &'a Store);

impl Sender for TableSender<'_> {
    async fn send(&self, n: &Notification, _: &Trigger) -> Result<bool, String> {
        self.0.save_notification(n).await.map_err(|e| e.to_string())
    }

    /// Without SES there is no way to reach the customer: the reply stays unsent, and the
    /// message fails so the dead-letter queue keeps it until mail is configured.
    async fn reply(&self, _: &ConversationReplied) -> Result<(), String> {
        Err("MAIL_FROM is not set: replies cannot be sent".into())
    }
}

/// E-mails the customer through SES and records what it did under the order.
pub struct EmailSender<'a> {
    pub store: &'a Store,
    pub mailer: &'a Mailer,
}

impl Sender for EmailSender<'_> {
    async fn reply(&self, r: &ConversationReplied) -> Result<(), String> {
        send_reply(self.store, self.mailer, r).await
    }

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
                    self.mailer.support.as_deref(),
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

/// Sends a staff reply to the conversation's correspondent.
async fn send_reply(store: &Store, mailer: &Mailer, r: &ConversationReplied) -> Result<(), String> {
    let id = ConversationId::parse("conversation_id", &r.conversation_id).map_err(|e| e.to_string())?;
    let message_id = MessageId::parse("message_id", &r.message_id).map_err(|e| e.to_string())?;
    let (c, thread) = store.thread(&id).await.map_err(|e| e.to_string())?.ok_or("no such conversation")?;
    let reply = thread.iter().find(|m| m.id == message_id).ok_or("no such message")?;
    let now = chrono::Utc::now();
    match store.claim_reply(&id, &message_id, now).await.map_err(|e| e.to_string())? {
        Claim::Claimed => {}
        Claim::Done(_) => return Ok(()),
        Claim::Busy => return Err("another delivery is sending this reply".into()),
    }
    let suppressed = match c.email.as_deref() {
        Some(address) => match store.email_holder(address).await.map_err(|e| e.to_string())? {
            Some(holder) => {
                let customer = CustomerId::parse("customer_id", &holder).map_err(|e| e.to_string())?;
                store
                    .customer(&customer)
                    .await
                    .map_err(|e| e.to_string())?
                    .is_some_and(|c| c.email_suppression().is_some())
            }
            None => false,
        },
        None => false,
    };
    let (status, ses_id) = match (c.email.as_deref(), mailer.support.as_deref()) {
        (None, _) => (EmailStatus::NoAddress, None),
        (Some(_), _) if c.erased => (EmailStatus::NoAddress, None),
        (Some(_), _) if suppressed => (EmailStatus::Suppressed, None),
        (Some(_), None) => return Err("SUPPORT_ADDRESS is not set: replies cannot be sent".into()),
        (Some(address), Some(support)) => {
            let reply_to = mailer.reply_address(&c.reply_token).ok_or("SUPPORT_ADDRESS has no domain")?;
            let (in_reply_to, references) = conversation::threading(&thread, reply);
            let subject = conversation::reply_subject(&c.subject);
            let raw = backoffice::email::reply_mime(&backoffice::email::Reply {
                from: (&mailer.shop, support),
                reply_to: &reply_to,
                to: (c.name.as_deref().unwrap_or(""), address),
                subject: &subject,
                text: &reply.text,
                message_id: reply.message_id_header.as_deref().ok_or("the reply has no Message-ID")?,
                in_reply_to: in_reply_to.as_deref(),
                references: &references,
            });
            let sent = mailer.send_raw_from(support, address, raw).await.map_err(|e| e.to_string())?;
            (EmailStatus::Sent, Some(sent))
        }
    };
    backoffice::metrics::conversation_reply(status_name(status));
    let delivery = EmailDelivery { status, at: now, language: None, subject: None, message_id: ses_id };
    store.finish_reply(&id, &message_id, &delivery).await.map_err(|e| e.to_string())?;
    tracing::info!(conversation_id = %id, message_id = %message_id, status = status_name(status), "reply");
    Ok(())
}

pub async fn handle_with<S: Sender + Sync>(sender: &S, event: Batch) -> SqsBatchResponse {
    backoffice::sqs::consume(&event, |envelope| process(sender, envelope)).await
}

async fn process<S: Sender + Sync>(sender: &S, envelope: Envelope) -> Result<(), String> {
    let event = envelope.event().map_err(|e| format!("bad payload: {e}"))?;
    if let DomainEvent::ConversationReplied(r) = &event {
        return sender.reply(r).await;
    }
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
