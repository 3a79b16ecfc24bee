//! `fulfillment-worker`: consumes the fulfillment queue.
//! * `order.paid`, or `payment.authorized` for the whole amount → creates the pick list and
//!   sets `fulfillment_status` to picking (an authorised order is captured at shipment or
//!   before, by `payment-settlements`).
//! * `order.shipped` → commits the stock: on_hand and reserved both drop by the shipped
//!   quantities (a commutative move conditioned on `reserved >= q`, never on the item's
//!   version), with a `shipped` ledger movement per SKU, exactly once (the order remembers
//!   `stock_committed`, written in the same transaction and guarded by the order's version).
//! * `order.placed` is acknowledged: nothing to do until payment.
//!
//! Duplicates and reordering change nothing twice: each step checks the order's state first,
//! and every write of the order is conditioned on the version it read. A message that cannot be processed is
//! reported alone and reaches the dead-letter queue after `maxReceiveCount` receives.

use aws_lambda_events::sqs::SqsBatchResponse;
use backoffice::AppContext;
use backoffice::domain::OrderId;
use backoffice::domain::fulfillment::{self, StepError};
use backoffice::events::{DomainEvent, Envelope};
use backoffice::sqs::Batch;
use backoffice::store::{Retry, StoreError, events::EventsOf};

pub async fn handler(ctx: &AppContext, event: Batch) -> SqsBatchResponse {
    backoffice::sqs::consume(&event, |envelope| process(ctx, envelope)).await
}

async fn process(ctx: &AppContext, envelope: Envelope) -> Result<(), String> {
    {
        let event = envelope.event().map_err(|e| format!("bad payload: {e}"))?;
        let (order_id, shipped) = match &event {
            DomainEvent::OrderPaid(p) => (p.order_id.clone(), false),
            DomainEvent::PaymentAuthorized(p) => (p.order_id.clone(), false),
            DomainEvent::OrderShipped(s) => (s.order_id.clone(), true),
            DomainEvent::OrderPlaced(_) => return Ok(()),
            other => return Err(format!("{} does not belong on the fulfillment queue", other.event_type())),
        };
        let id = OrderId::parse("order_id", &order_id).map_err(|e| e.to_string())?;
        let mut retry = Retry::default();
        loop {
            let result = if shipped {
                commit_stock(ctx, &id).await
            } else {
                start_picking(ctx, &id, &envelope.correlation_id).await
            };
            match result {
                Err(e) if e.is_retryable() && retry.again().await => {}
                other => return other.map_err(|e| e.to_string()),
            }
        }
    }
}

async fn start_picking(ctx: &AppContext, id: &OrderId, correlation_id: &str) -> Result<(), StoreError> {
    let Some(order) = ctx.store.order(id).await? else {
        return Err(StoreError::Corrupt(format!("order {id} does not exist")));
    };
    match fulfillment::start_picking(&order) {
        Ok(Some((next, events))) => {
            let now = chrono::Utc::now();
            let mut changes = ctx.store.changes();
            changes.order(&order, &next)?.pick_list(&next, now)?;
            changes.events(EventsOf::Order(id), &events, correlation_id, now)?;
            ctx.store.commit(changes).await?;
            tracing::info!(order_id = %id, "pick list created");
            Ok(())
        }
        // Already picking or beyond, cancelled after payment, or an authorisation released
        // before its message arrived: nothing to do.
        Ok(None) | Err(StepError::NotPaid { .. }) => Ok(()),
        Err(e) => Err(StoreError::Corrupt(e.to_string())),
    }
}

/// Commits a shipped order's stock: the order (marked `stock_committed`, only if unchanged since
/// read), one commutative move and one ledger line per line, in one transaction. No stock is
/// read and no stock version is tested, so reservations on the same SKU never make it retry.
async fn commit_stock(ctx: &AppContext, id: &OrderId) -> Result<(), StoreError> {
    let Some(current) = ctx.store.order(id).await? else {
        return Err(StoreError::Corrupt(format!("order {id} does not exist")));
    };
    let now = chrono::Utc::now();
    match fulfillment::commit_stock(&current, now) {
        Ok(Some(commit)) => {
            let mut changes = ctx.store.changes();
            changes.stock_commit(&current, &commit, now)?;
            ctx.store.commit(changes).await?;
            tracing::info!(order_id = %id, skus = commit.movements.len(), "stock committed for shipment");
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) => Err(StoreError::Corrupt(e.to_string())),
    }
}
