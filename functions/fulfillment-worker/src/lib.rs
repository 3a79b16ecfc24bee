//! `fulfillment-worker`: consumes the fulfillment queue.
//! * `order.paid` → creates the pick list and sets `fulfillment_status` to picking.
//! * `order.shipped` → commits the stock: on_hand and reserved both drop by the shipped
//!   quantities, with a `shipped` ledger movement per SKU, exactly once (the order remembers
//!   `stock_committed`, written in the same transaction and guarded by the order's version).
//! * `order.placed` is acknowledged: nothing to do until payment.
//!
//! Duplicates and reordering change nothing twice: each step checks the order's state first,
//! and every write is conditioned on the versions it read. A message that cannot be processed is
//! reported alone and reaches the dead-letter queue after `maxReceiveCount` receives.

use aws_lambda_events::sqs::SqsBatchResponse;
use backoffice::AppContext;
use backoffice::domain::fulfillment::{self, StepError};
use backoffice::domain::{OrderId, order};
use backoffice::events::{DomainEvent, Envelope};
use backoffice::sqs::Batch;
use backoffice::store::{
    Retry, StoreError, Tx, events as event_store, keys, orders as order_store, payments, stock as stock_store,
};

pub async fn handler(ctx: &AppContext, event: Batch) -> SqsBatchResponse {
    backoffice::sqs::consume(&event, |envelope| process(ctx, envelope)).await
}

async fn process(ctx: &AppContext, envelope: Envelope) -> Result<(), String> {
    {
        let event = envelope.event().map_err(|e| format!("bad payload: {e}"))?;
        let (order_id, shipped) = match &event {
            DomainEvent::OrderPaid(p) => (p.order_id.clone(), false),
            DomainEvent::OrderShipped(s) => (s.order_id.clone(), true),
            DomainEvent::OrderPlaced(_) => return Ok(()),
            other => return Err(format!("{} does not belong on the fulfillment queue", other.event_type())),
        };
        let id = OrderId::parse("order_id", &order_id).map_err(|e| e.to_string())?;
        let mut retry = Retry::default();
        loop {
            let result = if shipped {
                commit_stock(ctx, &id, &envelope.correlation_id).await
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
            let mut tx = Tx::default();
            order_store::put_order(&mut tx, ctx.store.table(), &next, Some(order.version))?;
            payments::put_pick_list(&mut tx, ctx.store.table(), &next, now)?;
            event_store::put_events(&mut tx, ctx.store.table(), &keys::order_pk(id), &events, correlation_id, now)?;
            ctx.store.transact(tx).await?;
            tracing::info!(order_id = %id, "pick list created");
            Ok(())
        }
        // Already picking or beyond, or cancelled after payment: nothing to do.
        Ok(None) | Err(StepError::NotPaid { .. }) => Ok(()),
        Err(e) => Err(StoreError::Corrupt(e.to_string())),
    }
}

async fn commit_stock(ctx: &AppContext, id: &OrderId, correlation_id: &str) -> Result<(), StoreError> {
    let Some(current) = ctx.store.order(id).await? else {
        return Err(StoreError::Corrupt(format!("order {id} does not exist")));
    };
    let keys = current.lines.iter().map(|l| stock_store::stock_key(&l.sku)).collect();
    let stock = ctx
        .store
        .get_many(keys)
        .await?
        .into_values()
        .map(stock_store::stock_from_item)
        .collect::<Result<Vec<_>, _>>()?;
    match fulfillment::commit_stock(&current, &order::by_sku(stock), chrono::Utc::now()) {
        Ok(Some(commit)) => {
            let mut tx = Tx::default();
            let table = ctx.store.table();
            order_store::put_order(&mut tx, table, &commit.order, Some(current.version))?;
            for (read_version, item) in &commit.stock {
                stock_store::put_stock(&mut tx, table, item, Some(*read_version))?;
            }
            for m in &commit.movements {
                stock_store::put_movement(&mut tx, table, m)?;
            }
            let now = chrono::Utc::now();
            event_store::put_events(&mut tx, table, &keys::order_pk(id), &commit.events, correlation_id, now)?;
            ctx.store.transact(tx).await?;
            tracing::info!(order_id = %id, skus = commit.movements.len(), "stock committed for shipment");
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) => Err(StoreError::Corrupt(e.to_string())),
    }
}
