//! The overview's counters (`GET /overview`), kept from the same stream: each record of an
//! order, return, stock item or replenishment suggestion moves the counters by what its new
//! image counts minus what its old image counted. Additions commute, so records of different
//! items may be counted in any order; each is counted once (`Store::count` writes a marker for
//! its id in the same transaction), so a redelivered batch changes nothing.

use backoffice::AppContext;
use backoffice::store::overview::RecordRead;
use backoffice::stream::{self, EventRecord};

/// Counts every record (read beforehand: `reads[i]` is `records[i]`'s); the index of the first
/// one that could not be counted, if any.
pub async fn count(ctx: &AppContext, records: &[EventRecord], reads: &[Result<RecordRead, String>]) -> Option<usize> {
    let now = chrono::Utc::now();
    for (index, (record, read)) in records.iter().zip(reads).enumerate() {
        if let Err(reason) = count_one(ctx, record, read, now).await {
            tracing::error!(sequence = ?record.change.sequence_number, %reason, "cannot count the record");
            return Some(index);
        }
    }
    None
}

async fn count_one(
    ctx: &AppContext,
    record: &EventRecord,
    read: &Result<RecordRead, String>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), String> {
    let change = &read.as_ref().map_err(String::clone)?.change;
    let Some(pk) = stream::key(record, "pk") else { return Ok(()) };
    if change.is_empty() {
        return Ok(());
    }
    ctx.store.count(&record.event_id, pk, change, now).await.map(|_| ()).map_err(|e| e.to_string())
}
