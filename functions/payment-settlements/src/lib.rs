//! `payment-settlements`: consumes the settlements queue (`payment.authorized`,
//! `order.shipped`, `order.cancelled` from the events topic). Each message only wakes it: it
//! reads the order as it is now and asks `domain::capture::settlements` what its authorised
//! payments need (captured at authorisation or at shipment, as `PAYMENT_CAPTURE` says per
//! method; released when the order is cancelled or expired). Each call goes to the provider
//! with an idempotency key, and the provider's answer (the payment as it now is) goes onto the
//! payment-events queue, where `payment-events` applies it like a webhook's: so a capture
//! asked twice is one capture, and the order's payment changes in one place only.
//!
//! A provider that cannot be reached, answers 5xx or refuses while the payment stays held fails
//! the message: SQS retries it and, after `maxReceiveCount`, it lands in the dead-letter queue,
//! which raises an alarm. Nothing is dropped silently.

use aws_lambda_events::sqs::SqsBatchResponse;
use backoffice::AppContext;
use backoffice::domain::OrderId;
use backoffice::domain::capture::{self, Action};
use backoffice::events::{DomainEvent, Envelope};
use backoffice::gateway::intake::PaymentMessage;
use backoffice::gateway::settle;
use backoffice::sqs::Batch;

pub async fn handler(ctx: &AppContext, event: Batch) -> SqsBatchResponse {
    backoffice::sqs::consume(&event, |envelope| process(ctx, envelope)).await
}

async fn process(ctx: &AppContext, envelope: Envelope) -> Result<(), String> {
    let order_id = match envelope.event().map_err(|e| format!("bad payload: {e}"))? {
        DomainEvent::PaymentAuthorized(e) => e.order_id,
        DomainEvent::OrderShipped(e) => e.order_id,
        DomainEvent::OrderCancelled(e) => e.order_id,
        other => return Err(format!("{} does not belong on the settlements queue", other.event_type())),
    };
    let id = OrderId::parse("order_id", &order_id).map_err(|e| e.to_string())?;
    let Some(order) = ctx.store.order(&id).await.map_err(|e| e.to_string())? else {
        return Err(format!("order {id} does not exist"));
    };
    let wanted = capture::settlements(&order, &ctx.settings.capture);
    if wanted.is_empty() {
        return Ok(());
    }
    let payments = ctx.payments.as_ref().ok_or("PAYMENT_SECRETS_ARN is not set")?;
    for settlement in wanted {
        let verb = match settlement.action {
            Action::Capture { .. } => "capture",
            Action::Void => "void",
        };
        let settled = settle::settle(payments, &settlement).await.map_err(|e| e.to_string())?;
        let change = settled.event.change.kind();
        payments.queue(&PaymentMessage::Event(settled.event)).await.map_err(|e| e.to_string())?;
        backoffice::metrics::settlement(settlement.provider.as_str(), verb, settled.as_asked);
        if settled.as_asked {
            tracing::info!(order_id = %id, provider = %settlement.provider, verb, "payment settled at the provider");
        } else {
            tracing::warn!(order_id = %id, provider = %settlement.provider, verb, change,
                "the provider's payment had moved elsewhere; its state is applied instead");
        }
    }
    Ok(())
}
