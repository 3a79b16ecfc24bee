//! `payment-events`: consumes the payment-events queue the webhook fills. A Mercado Pago
//! notification is first fetched from the provider's API (it carries only the payment's id).
//! Each event is then applied to its order in one transaction with its applied-mark:
//!
//! * the provider's event id is the idempotency key: a redelivery (Stripe retries for three
//!   days) finds the mark and does nothing, and ten copies racing make one payment (the mark is
//!   inserted only if absent, the order written only at the version read);
//! * the decision (`domain::gateway::apply`) never goes backwards (a late "pending" after
//!   "approved" changes nothing) and holds a refund reported before its capture until it comes;
//! * an event naming no known order, in another currency or for an amount that does not match
//!   is set aside for a person (`GET /payments/review`), never put in the ledger.
//!
//! A message that fails (the provider's API unreachable, the table unavailable) is retried by
//! SQS and, after `maxReceiveCount`, lands in the dead-letter queue, which raises an alarm.

use aws_lambda_events::sqs::SqsBatchResponse;
use backoffice::AppContext;
use backoffice::domain::OrderId;
use backoffice::domain::gateway::{self, ProviderEvent, Review, ReviewReason, Verdict};
use backoffice::gateway::intake::PaymentMessage;
use backoffice::gateway::{Read, mercadopago};
use backoffice::sqs::Batch;
use backoffice::store::events::EventsOf;
use backoffice::store::loaded::Reads;
use backoffice::store::{Guard, Retry, StoreError};

pub async fn handler(ctx: &AppContext, event: Batch) -> SqsBatchResponse {
    backoffice::sqs::consume_messages(&event, |message: PaymentMessage| process(ctx, message)).await
}

async fn process(ctx: &AppContext, message: PaymentMessage) -> Result<(), String> {
    let event = match message {
        PaymentMessage::Event(event) => event,
        PaymentMessage::MercadoPagoPayment { id } => match fetch_mercadopago(ctx, &id).await? {
            Some(event) => event,
            None => return Ok(()),
        },
    };
    let mut retry = Retry::default();
    loop {
        match apply(ctx, &event).await {
            Err(e) if e.is_retryable() && retry.again().await => {}
            // Another copy of the event committed first: it is applied.
            Err(StoreError::Conflict(Guard::Idempotency)) => return Ok(()),
            other => return other.map_err(|e| e.to_string()),
        }
    }
}

/// The payment a notification names, read from Mercado Pago's API (`None`: a status the
/// backoffice does not act on).
async fn fetch_mercadopago(ctx: &AppContext, id: &str) -> Result<Option<ProviderEvent>, String> {
    let payments = ctx.payments.as_ref().ok_or("PAYMENT_SECRETS_ARN is not set")?;
    let id = mercadopago::payment_id(id).map_err(|e| e.to_string())?;
    let secrets = payments.secrets.get().await.map_err(|e| e.to_string())?;
    let token = secrets.mercadopago_access_token.as_deref().ok_or("no Mercado Pago access token is configured")?;
    let body = payments.api.mercadopago_payment(&id, token).await.map_err(|e| e.to_string())?;
    match mercadopago::read_payment(&body).map_err(|e| e.to_string())? {
        Read::Event(event) => Ok(Some(event)),
        Read::Ignored { event_type } => {
            tracing::info!(%event_type, "Mercado Pago payment status not acted on");
            Ok(None)
        }
    }
}

async fn apply(ctx: &AppContext, event: &ProviderEvent) -> Result<(), StoreError> {
    let (provider, now) = (event.provider, chrono::Utc::now());
    let named = match event.order_id.as_deref().map(|raw| OrderId::parse("order_id", raw)) {
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return set_aside(ctx, event, ReviewReason::UnknownOrder, now).await,
        None => None,
    };
    let mut reads = Reads::new().gateway_event(provider, &event.event_id).gateway_payment(provider, &event.payment);
    if let Some(id) = &named {
        reads = reads.order(id);
    }
    let loaded = ctx.store.load(&reads).await?;
    if loaded.gateway_event_applied(provider, &event.event_id) {
        return Ok(());
    }
    let owner = loaded.gateway_payment_order(provider, &event.payment)?;
    let order_id = match (named, owner) {
        (Some(named), Some(owner)) if named != owner => {
            return set_aside(ctx, event, ReviewReason::PaymentOfAnotherOrder, now).await;
        }
        (Some(id), _) | (None, Some(id)) => id,
        (None, None) => return set_aside(ctx, event, ReviewReason::UnknownOrder, now).await,
    };
    let order = match loaded.order(&order_id)? {
        Some(order) => Some(order),
        None if named.is_none() => ctx.store.order(&order_id).await?,
        None => None,
    };
    let Some(order) = order else { return set_aside(ctx, event, ReviewReason::UnknownOrder, now).await };
    let mut changes = ctx.store.changes();
    changes.gateway_event_applied(provider, &event.event_id, now)?;
    match gateway::apply(&order, event, now) {
        Verdict::Applied { order: next, events } => {
            let correlation_id = format!("{provider}:{}", event.event_id);
            changes.gateway_payment_of(provider, &event.payment, &order_id)?.order(&order, &next)?;
            changes.events(EventsOf::Order(&order_id), &events, &correlation_id, now)?;
            ctx.store.commit(changes).await?;
            tracing::info!(order_id = %order_id, %provider, change = event.change.kind(), "gateway event applied");
        }
        Verdict::Unchanged => {
            ctx.store.commit(changes).await?;
            tracing::info!(order_id = %order_id, %provider, "gateway event changes nothing");
        }
        Verdict::Review(reason) => return set_aside(ctx, event, reason, now).await,
    }
    Ok(())
}

/// Marks the event applied and keeps it for a person's review, in one transaction.
async fn set_aside(
    ctx: &AppContext,
    event: &ProviderEvent,
    reason: ReviewReason,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let code = reason.code();
    let review = Review::new(event.clone(), reason, now);
    let mut changes = ctx.store.changes();
    changes.gateway_event_applied(event.provider, &event.event_id, now)?.review(None, &review)?;
    ctx.store.commit(changes).await?;
    backoffice::metrics::payment_review(code);
    tracing::warn!(review_id = %review.id, provider = %event.provider, reason = code, "gateway event set aside for review");
    Ok(())
}
