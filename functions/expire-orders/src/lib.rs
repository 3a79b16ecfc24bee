//! `expire-orders`: runs on a schedule (every minute in `template.yaml`). Finds orders still
//! awaiting payment whose hold ran out — through the sparse index entry every unpaid order
//! carries, never a Scan — and cancels each with reason `payment_timeout`, releasing its stock.
//! Idempotent: an order cancelled, paid or already expired in the meantime is skipped, and every
//! write is guarded by the order version it was decided on; the stock goes back commutatively.

use backoffice::AppContext;
use backoffice::domain::OrderId;
use backoffice::domain::order::{self, CancelError, CancelOutcome};
use backoffice::store::changes::OrderChange;
use backoffice::store::{Retry, StoreError};
use serde::Serialize;

/// What one run did, returned to the scheduler (and logged).
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct ExpiryRun {
    pub expired: usize,
    pub skipped: usize,
    pub failed: usize,
}

/// At most this many orders per run (pages of 100); the next run picks up the rest.
const MAX_PER_RUN: usize = 1000;

pub async fn handler(ctx: &AppContext, _event: serde_json::Value) -> ExpiryRun {
    let mut run = ExpiryRun::default();
    let now = chrono::Utc::now();
    loop {
        let due = match ctx.store.orders_past_payment_hold(now, 100).await {
            Ok(due) => due,
            Err(e) => {
                tracing::error!(error = %e, "cannot list orders past their hold");
                run.failed += 1;
                break;
            }
        };
        let page = due.len();
        for id in due {
            match expire_one(ctx, &id, now).await {
                Ok(true) => run.expired += 1,
                Ok(false) => run.skipped += 1,
                Err(e) => {
                    tracing::error!(order_id = %id, error = %e, "could not expire order");
                    run.failed += 1;
                }
            }
        }
        // Expired orders leave the index, so the next page starts over from the oldest; stop
        // when nothing moved (only skips or failures) or the run's budget is spent.
        if page < 100 || run.expired + run.skipped + run.failed >= MAX_PER_RUN || run.expired == 0 {
            break;
        }
    }
    // Runs every minute (every few seconds locally): a run that changed nothing is not news.
    if run.expired + run.failed > 0 {
        tracing::info!(expired = run.expired, skipped = run.skipped, failed = run.failed, "payment expiry run");
    } else {
        tracing::debug!(skipped = run.skipped, "payment expiry run");
    }
    run
}

/// Cancels one order if it is still unpaid past its hold. `Ok(false)`: nothing to do.
async fn expire_one(ctx: &AppContext, id: &OrderId, now: chrono::DateTime<chrono::Utc>) -> Result<bool, StoreError> {
    let mut retry = Retry::default();
    loop {
        let result: Result<bool, StoreError> = async {
            let Some(order) = ctx.store.order(id).await? else { return Ok(false) };
            match order::expire(&order, now) {
                Ok(CancelOutcome::Cancelled(change)) => {
                    let mut changes = ctx.store.changes();
                    let correlation_id = format!("expiry-{id}");
                    changes.order_change(&order, &OrderChange::from(*change), &correlation_id, now)?;
                    ctx.store.commit(changes).await?;
                    tracing::info!(order_id = %id, "order expired: payment hold ran out");
                    Ok(true)
                }
                Ok(CancelOutcome::AlreadyCancelled)
                | Err(CancelError::NotAwaitingPayment | CancelError::HoldNotOver | CancelError::AlreadyShipped) => {
                    Ok(false)
                }
            }
        }
        .await;
        match result {
            Err(e) if e.is_retryable() && retry.again().await => {}
            other => return other,
        }
    }
}
