//! `stock-levels`: keeps the low-stock listing (`GET /stock?low=true`) and its `stock.low` alert
//! in step with reservations. place-order reserves stock commutatively — `available -= q` on
//! a condition that enough is available — so concurrent orders for one SKU never conflict, but
//! no order knows whether it is the one that took the SKU to its reorder point. This function
//! reads the table's stream instead (its mapping passes only stock items not listed as low):
//! an item it finds low and unlisted it lists, with `stock.low`, in one transaction
//! conditioned on the item as stored now (`stock::list_low`), so each entry into the low band
//! is alerted once whatever the number of records, retries or racing exact writes.
//!
//! Only an item's last record in a batch is decided on: it supersedes the ones before it.
//! Failures are reported per record (`ReportBatchItemFailures`); Lambda retries from the first
//! failed one, and what is already listed stays listed without a second alert.

use aws_lambda_events::dynamodb::{Event, EventRecord};
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use backoffice::AppContext;
use backoffice::domain::stock::listing_due;
use backoffice::events::DomainEvent;
use backoffice::store::{Guard, StoreError, Tx, events as event_store, keys, stock as stock_store};
use serde::Deserialize;
use std::collections::HashMap;

/// What became of one stock item's record.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Above its reorder point, or already listed: nothing to do.
    NothingDue,
    /// Listed now, with `stock.low`.
    Listed,
    /// Due when the record was written, but no longer by the time it was read: an exact write
    /// listed it (and raised the alert) or lifted it out of the band first.
    Settled,
}

#[derive(Deserialize)]
struct Keys {
    pk: String,
    sk: String,
}

pub async fn handler(ctx: &AppContext, event: Event) -> DynamoDbEventResponse {
    let mut records = event.records;
    // Each stock item's last record in the batch, in stream order.
    let mut last: HashMap<String, usize> = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        match serde_dynamo::from_item::<_, Keys>(record.change.keys.clone()) {
            Ok(k) if k.sk == keys::STOCK_SK && !record.change.new_image.is_empty() => {
                last.insert(k.pk, index);
            }
            _ => {}
        }
    }
    let mut chosen: Vec<usize> = last.into_values().collect();
    chosen.sort_unstable();
    let mut failed: Option<usize> = None;
    let mut listed = 0;
    for index in chosen {
        match settle(ctx, &mut records[index]).await {
            Ok(outcome) => listed += usize::from(outcome == Outcome::Listed),
            Err(reason) => {
                tracing::error!(sequence = ?records[index].change.sequence_number, %reason, "cannot settle the listing");
                failed = Some(failed.map_or(index, |f| f.min(index)));
            }
        }
    }
    tracing::info!(records = records.len(), listed, failed = failed.is_some(), "stock levels");
    let mut response = DynamoDbEventResponse::default();
    if let Some(index) = failed {
        let mut failure = DynamoDbBatchItemFailure::default();
        failure.item_identifier = records[index].change.sequence_number.clone();
        response.batch_item_failures.push(failure);
    }
    response
}

/// Lists the record's stock item if it is due its listing.
async fn settle(ctx: &AppContext, record: &mut EventRecord) -> Result<Outcome, String> {
    let image = std::mem::take(&mut record.change.new_image);
    let item = stock_store::stock_from_image(image).map_err(|e| e.to_string())?;
    let Some(levels) = listing_due(&item) else { return Ok(Outcome::NothingDue) };
    let now = chrono::Utc::now();
    let table = ctx.store.table();
    let mut tx = Tx::default();
    stock_store::list_low(&mut tx, table, &item, now).map_err(|e| e.to_string())?;
    let correlation_id = format!("stream:{}", record.event_id);
    let events = [DomainEvent::StockLow(levels)];
    event_store::put_events(&mut tx, table, &keys::sku_pk(&item.sku), &events, &correlation_id, now)
        .map_err(|e| e.to_string())?;
    match ctx.store.transact(tx).await {
        Ok(()) => {
            tracing::info!(sku = %item.sku, available = item.available(), "listed as low");
            Ok(Outcome::Listed)
        }
        Err(StoreError::Conflict(Guard::Rule)) => Ok(Outcome::Settled),
        Err(e) => Err(e.to_string()),
    }
}
