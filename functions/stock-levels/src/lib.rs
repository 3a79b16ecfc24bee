//! `stock-levels`: keeps the low-stock listing (`GET /stock?low=true`) and its alerts in step
//! with reservations and releases. place-order reserves stock commutatively — `available -= q`
//! on a condition that enough is available — and cancellations give it back the same way, so
//! concurrent orders and cancellations for one SKU never conflict, but none of them knows
//! whether it is the one that took the SKU across its reorder point. This function reads the
//! table's stream instead (its mapping passes only stock items): an item it finds low and
//! unlisted it lists, with `stock.low`, and one it finds listed and no longer low it unlists,
//! with `stock.replenished`, each in one transaction conditioned on the item as stored now
//! (`stock::list_low`, `stock::unlist_low`), so each crossing of the band is alerted once
//! whatever the number of records, retries or racing exact writes.
//!
//! It also keeps the overview's counters (`GET /overview`) from the records of orders,
//! returns, stock items and replenishment suggestions: see `overview`.
//!
//! Only an item's last record in a batch is decided on: it supersedes the ones before it.
//! Failures are reported per record (`ReportBatchItemFailures`); Lambda retries from the first
//! failed one, and what is already settled stays so without a second alert.

use aws_lambda_events::streams::DynamoDbEventResponse;
use backoffice::AppContext;
use backoffice::domain::stock::{StockItem, listing_due, unlisting_due};
use backoffice::events::DomainEvent;
use backoffice::store::Versioned;
use backoffice::store::overview::{RecordRead, read_record};
use backoffice::store::{Guard, StoreError, events::EventsOf, stock as stock_store};
use backoffice::stream::{self, Event};
use std::collections::HashMap;

mod overview;

/// What became of one stock item's record.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Above its reorder point, or already listed: nothing to do.
    NothingDue,
    /// Listed now, with `stock.low`.
    Listed(String),
    /// Unlisted now, with `stock.replenished`.
    Unlisted(String),
    /// Due when the record was written, but no longer by the time it was read: an exact write
    /// settled the listing (and raised the alert) first, or a later change undid the crossing.
    Settled,
}

pub async fn handler(ctx: &AppContext, event: Event) -> DynamoDbEventResponse {
    let mut records = event.records;
    // Each record's images, decoded once for both the counters and the listing.
    let reads: Vec<Result<RecordRead, String>> =
        records.iter_mut().map(|r| read_record(r).map_err(|e| e.to_string())).collect();
    let mut failed: Option<usize> = overview::count(ctx, &records, &reads).await;
    // Each stock item's last record in the batch, in stream order.
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (index, (record, read)) in records.iter().zip(&reads).enumerate() {
        let is_stock = match read {
            Ok(read) => read.stock.is_some(),
            Err(_) => stock_store::is_stock_key(stream::key(record, "sk")),
        };
        if is_stock {
            last.insert(stream::key(record, "pk").unwrap_or_default(), index);
        }
    }
    let mut chosen: Vec<usize> = last.into_values().collect();
    chosen.sort_unstable();
    let mut listed = Vec::new();
    let mut unlisted = Vec::new();
    for index in chosen {
        let outcome = match &reads[index] {
            Ok(RecordRead { stock: Some(item), .. }) => settle(ctx, item, &records[index].event_id).await,
            Ok(_) => Ok(Outcome::NothingDue),
            Err(reason) => Err(format!("the stock image does not read: {reason}")),
        };
        match outcome {
            Ok(Outcome::Listed(sku)) => listed.push(sku),
            Ok(Outcome::Unlisted(sku)) => unlisted.push(sku),
            Ok(_) => {}
            Err(reason) => {
                tracing::error!(sequence = ?records[index].change.sequence_number, %reason, "cannot settle the listing");
                failed = Some(failed.map_or(index, |f| f.min(index)));
            }
        }
    }
    tracing::info!(records = records.len(), ?listed, ?unlisted, failed = failed.is_some(), "stock levels");
    stream::retry_from(failed.map(|index| records[index].change.sequence_number.clone()))
}

/// Lists or unlists the stock item (as its record left it) if its listing is due a change.
async fn settle(ctx: &AppContext, item: &Versioned<StockItem>, event_id: &str) -> Result<Outcome, String> {
    let now = chrono::Utc::now();
    let mut changes = ctx.store.changes();
    let (event, done) = if let Some(levels) = listing_due(item, item.version()) {
        changes.list_low(item, now).map_err(|e| e.to_string())?;
        (DomainEvent::StockLow(levels), Outcome::Listed(item.sku().to_string()))
    } else if let Some(levels) = unlisting_due(item, item.version()) {
        changes.unlist_low(item, now).map_err(|e| e.to_string())?;
        (DomainEvent::StockReplenished(levels), Outcome::Unlisted(item.sku().to_string()))
    } else {
        return Ok(Outcome::NothingDue);
    };
    let correlation_id = format!("stream:{event_id}");
    changes.events(EventsOf::Sku(item.sku()), &[event], &correlation_id, now).map_err(|e| e.to_string())?;
    match ctx.store.commit(changes).await {
        Ok(()) => Ok(done),
        Err(StoreError::Conflict(Guard::Rule)) => Ok(Outcome::Settled),
        Err(e) => Err(e.to_string()),
    }
}
