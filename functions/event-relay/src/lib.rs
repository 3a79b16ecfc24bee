//! `event-relay`: the outbox publisher. Triggered by the table's stream, it publishes every
//! newly inserted domain-event item whose type has a consumer to the events topic, once; the
//! topic's subscriptions deliver it to the SQS queues whose filter policy names its type. The
//! message carries the event id, so a record relayed twice (a retried batch) is recognised by
//! consumers.
//!
//! Failures are reported per record (`ReportBatchItemFailures`): Lambda retries the stream from
//! the first failed record, so nothing after it is lost and nothing before it is sent again.

use aws_lambda_events::streams::DynamoDbEventResponse;
use aws_sdk_sns::types::{MessageAttributeValue, PublishBatchRequestEntry};
use backoffice::AppContext;
use backoffice::events::{EnvelopeBody, StoredInstant, StoredPayload, routes};
use backoffice::store::events::EventRecord as StoredEvent;
use backoffice::stream::{self, Event, EventRecord};
use serde::Deserialize;
use std::ops::Range;

/// The attributes of an event item the relay sends; the item's others are skipped.
#[derive(Debug, Deserialize)]
struct EventImage {
    event_id: String,
    #[serde(rename = "type")]
    event_type: String,
    occurred_at: String,
    correlation_id: String,
    payload: String,
}

/// The message of one event item: its envelope's JSON and the attributes consumers (and the
/// subscriptions' filter policies) read.
struct Message {
    body: String,
    correlation_id: String,
    event_type: String,
}

impl Message {
    /// What the message counts for against a batch's size limit: its body and attributes.
    fn size(&self) -> usize {
        const ATTRIBUTE_NAMES_AND_TYPES: usize = "correlation_id".len() + "event_type".len() + 2 * "String".len();
        self.body.len() + self.correlation_id.len() + self.event_type.len() + ATTRIBUTE_NAMES_AND_TYPES
    }
}

/// One message to publish, and the stream record it came from.
struct Outgoing {
    record_index: usize,
    message: Message,
}

pub async fn handler(ctx: &AppContext, mut event: Event) -> DynamoDbEventResponse {
    let mut failed: Option<usize> = None;
    let mut outgoing = Vec::new();
    for (index, record) in event.records.iter_mut().enumerate() {
        match message_for(record) {
            Ok(Some(message)) => outgoing.push(Outgoing { record_index: index, message }),
            Ok(None) => {}
            Err(reason) => {
                tracing::error!(sequence = ?record.change.sequence_number, %reason, "cannot relay record");
                failed = Some(failed.map_or(index, |f| f.min(index)));
            }
        }
    }
    // In stream order, as few publishes as SNS's batch limits allow.
    let published = outgoing.len();
    // The batches go out at once: a standard topic keeps no order between messages anyway, and
    // a full batch of records then costs one publish's latency instead of ten in a row (one
    // after another in a cold process, which would otherwise pay a TLS handshake per batch).
    let mut rest: &mut [Outgoing] = &mut outgoing;
    let mut slices = Vec::new();
    for range in batches(rest.iter().map(|o| o.message.size())) {
        let (batch, tail) = std::mem::take(&mut rest).split_at_mut(range.len());
        slices.push(batch);
        rest = tail;
    }
    for refused in backoffice::warm::join_all(slices.into_iter().map(|batch| publish(ctx, batch))).await {
        for index in refused {
            failed = Some(failed.map_or(index, |f| f.min(index)));
        }
    }
    tracing::info!(records = event.records.len(), published, failed = failed.is_some(), "relayed");
    stream::retry_from(failed.map(|index| event.records[index].change.sequence_number.clone()))
}

/// The message one stream record produces: none unless it is a new event item of a type some
/// queue receives.
fn message_for(record: &mut EventRecord) -> Result<Option<Message>, String> {
    if record.event_name != "INSERT" || !stream::key(record, "sk").is_some_and(StoredEvent::is_event_key) {
        return Ok(None);
    }
    let image: EventImage = stream::take_new_image(record)
        .ok_or("the record has no new image")?
        .map_err(|e| format!("the event item does not read: {e}"))?;
    if routes(&image.event_type).is_empty() {
        return Ok(None);
    }
    message(image).map(Some)
}

/// The envelope of an event item, written from the image's strings (the payload, stored as JSON
/// text, is copied through rather than parsed and printed again).
fn message(image: EventImage) -> Result<Message, String> {
    let occurred_at = &image.occurred_at;
    let body = EnvelopeBody {
        id: &image.event_id,
        event_type: &image.event_type,
        occurred_at: StoredInstant::parse(occurred_at).map_err(|e| format!("occurred_at {occurred_at:?}: {e}"))?,
        correlation_id: &image.correlation_id,
        payload: StoredPayload::of(&image.payload),
    };
    // Sized for the whole envelope up front: the payload and about 200 bytes around it.
    let mut json = Vec::with_capacity(image.payload.len() + 256);
    serde_json::to_writer(&mut json, &body).map_err(|e| e.to_string())?;
    Ok(Message {
        body: String::from_utf8(json).map_err(|e| e.to_string())?,
        correlation_id: image.correlation_id,
        event_type: image.event_type,
    })
}

/// SNS takes at most ten messages in a batch, 256 KiB in all.
const MAX_ENTRIES: usize = 10;
const MAX_BATCH_BYTES: usize = 256 * 1024;

/// Splits messages of the given sizes, in order, into the fewest consecutive batches within
/// SNS's limits. A message over the byte limit alone gets a batch of its own (SNS refuses it,
/// and its record is retried, then given up to the failure queue, as any refused record).
fn batches(sizes: impl Iterator<Item = usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut bytes, mut end) = (0, 0, 0);
    for size in sizes {
        if end > start && (end - start == MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES) {
            out.push(start..end);
            (start, bytes) = (end, 0);
        }
        bytes += size;
        end += 1;
    }
    if end > start {
        out.push(start..end);
    }
    out
}

/// The ids of a batch's entries, without formatting a number for each.
const ENTRY_IDS: [&str; MAX_ENTRIES] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Publishes one batch (its messages' bodies are moved into the request); returns the indexes of
/// the stream records whose message was not taken.
async fn publish(ctx: &AppContext, batch: &mut [Outgoing]) -> Vec<usize> {
    let all = |batch: &[Outgoing]| batch.iter().map(|o| o.record_index).collect();
    // Never retried blind: without a topic nothing can be published.
    let Some(topic) = ctx.events.as_ref() else {
        tracing::error!("no events topic: this function was given no EVENTS_TOPIC_ARN");
        return all(batch);
    };
    let mut entries = Vec::with_capacity(batch.len());
    for (o, id) in batch.iter_mut().zip(ENTRY_IDS) {
        let attribute = |v: &str| MessageAttributeValue::builder().data_type("String").string_value(v).build();
        let entry = match (attribute(&o.message.correlation_id), attribute(&o.message.event_type)) {
            (Ok(correlation), Ok(kind)) => PublishBatchRequestEntry::builder()
                .id(id)
                .message(std::mem::take(&mut o.message.body))
                .message_attributes("correlation_id", correlation)
                .message_attributes("event_type", kind)
                .build(),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        match entry {
            Ok(entry) => entries.push(entry),
            Err(e) => {
                tracing::error!(error = %e, "cannot build SNS entry");
                return all(batch);
            }
        }
    }
    let request = topic.client.publish_batch().topic_arn(&topic.arn).set_publish_batch_request_entries(Some(entries));
    match request.send().await {
        Ok(out) => out
            .failed()
            .iter()
            .inspect(|f| tracing::error!(id = f.id(), code = f.code(), message = ?f.message(), "entry refused"))
            .filter_map(|f| f.id().parse::<usize>().ok())
            .filter_map(|i| batch.get(i).map(|o| o.record_index))
            .collect(),
        Err(e) => {
            tracing::error!(error = %aws_sdk_sns::error::DisplayErrorContext(&e), topic = topic.arn, "publish failed");
            all(batch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_hold_at_most_ten_messages_in_stream_order() {
        assert_eq!(batches(std::iter::repeat_n(300, 25)), vec![0..10, 10..20, 20..25]);
        assert_eq!(batches(std::iter::repeat_n(300, 10)), vec![0..10]);
        assert!(batches(std::iter::empty()).is_empty());
    }

    #[test]
    fn batches_stay_within_256_kib() {
        // Three of 100 KiB: two fit (200 KiB), the third starts a batch.
        assert_eq!(batches(std::iter::repeat_n(100 * 1024, 3)), vec![0..2, 2..3]);
        // Exactly the limit fits; one byte more does not.
        assert_eq!(batches([MAX_BATCH_BYTES - 10, 10, 1].into_iter()), vec![0..2, 2..3]);
    }

    #[test]
    fn a_message_over_the_limit_travels_alone() {
        assert_eq!(batches([10, MAX_BATCH_BYTES + 1, 10].into_iter()), vec![0..1, 1..2, 2..3]);
    }
}
