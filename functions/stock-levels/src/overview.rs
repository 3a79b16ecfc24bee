//! The overview's counters (`GET /overview`), kept from the same stream: each record of an
//! order, return, stock item or replenishment suggestion moves the counters by what its new
//! image counts minus what its old image counted. Additions commute, so records of different
//! items may be counted in any order, and a batch's records that add to one counter shard are
//! summed and written together; each is counted once (`Store::count_all` writes a marker for
//! its id in the same transaction), so a redelivered batch changes nothing.

use backoffice::AppContext;
use backoffice::store::overview::{Counting, RecordRead};
use backoffice::stream::{self, EventRecord};

/// Counts every record (read beforehand: `reads[i]` is `records[i]`'s), each shard's records in
/// one write; the index of the first one that could not be counted, if any.
pub async fn count(ctx: &AppContext, records: &[EventRecord], reads: &[Result<RecordRead, String>]) -> Option<usize> {
    let mut failed = None;
    let mut counting = Vec::new();
    let mut positions = Vec::new();
    for (index, (record, read)) in records.iter().zip(reads).enumerate() {
        match read {
            Ok(read) => {
                if let Some(pk) = stream::key(record, "pk") {
                    counting.push(Counting { record_id: &record.event_id, pk, change: &read.change });
                    positions.push(index);
                }
            }
            Err(reason) => {
                tracing::error!(sequence = ?record.change.sequence_number, %reason, "cannot count the record");
                failed = Some(failed.map_or(index, |f: usize| f.min(index)));
            }
        }
    }
    if let Err((position, error)) = ctx.store.count_all(&counting, chrono::Utc::now()).await {
        let index = positions[position];
        tracing::error!(sequence = ?records[index].change.sequence_number, %error, "cannot count the records");
        failed = Some(failed.map_or(index, |f| f.min(index)));
    }
    failed
}
