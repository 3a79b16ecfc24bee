//! `event-relay`: the outbox publisher. Triggered by the table's stream, it sends every newly
//! inserted domain-event item to the SQS queues its type routes to. The SQS message carries the
//! event id, so a record relayed twice (a retried batch) is recognised by consumers.
//!
//! Failures are reported per record (`ReportBatchItemFailures`): Lambda retries the stream from
//! the first failed record, so nothing after it is lost and nothing before it is sent again.

mod stream;

pub use stream::{EventImage, NewImage, StreamBatch, StreamRecord};

use aws_lambda_events::streams::DynamoDbEventResponse;
use aws_sdk_sqs::types::{MessageAttributeValue, SendMessageBatchRequestEntry};
use backoffice::AppContext;
use backoffice::events::{EnvelopeBody, StoredInstant, StoredPayload, routes};

/// The SQS message of one event item: its envelope's JSON and the attributes consumers filter on.
struct Message<'a> {
    body: String,
    correlation_id: &'a str,
    event_type: &'a str,
}

/// One message to send to one queue, and the stream record it came from.
struct Outgoing<'a> {
    record_index: usize,
    queue_url: &'a str,
    message: std::sync::Arc<Message<'a>>,
}

pub async fn handler(ctx: &AppContext, event: StreamBatch) -> DynamoDbEventResponse {
    let mut failed: Option<usize> = None;
    let mut outgoing = Vec::new();
    for (index, record) in event.records.iter().enumerate() {
        match messages_for(ctx, record) {
            Ok(messages) => outgoing.extend(messages.into_iter().map(|(queue_url, message)| Outgoing {
                record_index: index,
                queue_url,
                message,
            })),
            Err(reason) => {
                tracing::error!(sequence = ?record.dynamodb.sequence_number, %reason, "cannot relay record");
                failed = Some(failed.map_or(index, |f| f.min(index)));
            }
        }
    }
    // Send per queue, ten at a time, in stream order.
    let mut queues: Vec<&str> = outgoing.iter().map(|o| o.queue_url).collect();
    queues.dedup();
    queues.sort_unstable();
    queues.dedup();
    for queue in queues {
        let batch: Vec<&Outgoing> = outgoing.iter().filter(|o| o.queue_url == queue).collect();
        for chunk in batch.chunks(ENTRY_IDS.len()) {
            for index in send(ctx, queue, chunk).await {
                failed = Some(failed.map_or(index, |f| f.min(index)));
            }
        }
    }
    tracing::info!(records = event.records.len(), published = outgoing.len(), failed = failed.is_some(), "relayed");
    backoffice::stream::retry_from(failed.map(|index| event.records[index].dynamodb.sequence_number.clone()))
}

/// The relay fed the `aws_lambda_events` stream type, which the local runner's stream pump and
/// the tests build: re-read as the relay's own view of the batch.
pub async fn handle_lambda_event(ctx: &AppContext, event: aws_lambda_events::dynamodb::Event) -> DynamoDbEventResponse {
    backoffice::stream::reread_and_handle(event, |batch: StreamBatch| handler(ctx, batch)).await
}

/// The messages one stream record produces, one per queue its type routes to: none unless it
/// is a new event item.
fn messages_for<'a>(
    ctx: &'a AppContext,
    record: &'a StreamRecord,
) -> Result<Vec<(&'a str, std::sync::Arc<Message<'a>>)>, String> {
    let change = &record.dynamodb;
    if !record.inserted || !change.event_key {
        return Ok(Vec::new());
    }
    let NewImage::Event(image) = &change.new_image else { return Err("the record has no new image".into()) };
    let message = std::sync::Arc::new(message(image)?);
    routes(message.event_type)
        .iter()
        .map(|queue| {
            let url = ctx.queues.get(queue).ok_or_else(|| format!("no URL configured for {}", queue.url_variable()))?;
            Ok((url.as_str(), message.clone()))
        })
        .collect()
}

/// The envelope of an event item, written from the image's strings (the payload, stored as JSON
/// text, is copied through rather than parsed and printed again).
fn message(image: &EventImage) -> Result<Message<'_>, String> {
    let occurred_at = text(&image.occurred_at, "occurred_at")?;
    let payload = text(&image.payload, "payload")?;
    let body = EnvelopeBody {
        id: text(&image.event_id, "event_id")?,
        event_type: text(&image.event_type, "type")?,
        occurred_at: StoredInstant::parse(occurred_at).map_err(|e| format!("occurred_at {occurred_at:?}: {e}"))?,
        correlation_id: text(&image.correlation_id, "correlation_id")?,
        payload: StoredPayload::of(payload),
    };
    // Sized for the whole envelope up front: the payload and about 200 bytes around it.
    let mut json = Vec::with_capacity(payload.len() + 256);
    serde_json::to_writer(&mut json, &body).map_err(|e| e.to_string())?;
    Ok(Message {
        body: String::from_utf8(json).map_err(|e| e.to_string())?,
        correlation_id: body.correlation_id,
        event_type: body.event_type,
    })
}

fn text<'a>(attribute: &'a stream::StringAttribute, name: &str) -> Result<&'a str, String> {
    attribute.0.as_deref().ok_or_else(|| format!("the event item has no string attribute {name}"))
}

/// The ids of a batch's entries (SQS takes at most ten), without formatting a number for each.
const ENTRY_IDS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Sends one SQS batch; returns the indexes of the stream records whose message was not taken.
async fn send(ctx: &AppContext, queue_url: &str, chunk: &[&Outgoing<'_>]) -> Vec<usize> {
    // Present whenever a queue URL is (the context builds it for those); never retried blind.
    let Some(sqs) = ctx.sqs.as_ref() else {
        tracing::error!(queue = queue_url, "no SQS client: this function was given no queue URLs");
        return chunk.iter().map(|o| o.record_index).collect();
    };
    let mut entries = Vec::with_capacity(chunk.len());
    for (o, id) in chunk.iter().zip(ENTRY_IDS) {
        let attribute = |v: &str| MessageAttributeValue::builder().data_type("String").string_value(v).build();
        let entry = match (attribute(o.message.correlation_id), attribute(o.message.event_type)) {
            (Ok(correlation), Ok(kind)) => SendMessageBatchRequestEntry::builder()
                .id(id)
                .message_body(o.message.body.clone())
                .message_attributes("correlation_id", correlation)
                .message_attributes("event_type", kind)
                .build(),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        match entry {
            Ok(entry) => entries.push(entry),
            Err(e) => {
                tracing::error!(error = %e, "cannot build SQS entry");
                return chunk.iter().map(|o| o.record_index).collect();
            }
        }
    }
    match sqs.send_message_batch().queue_url(queue_url).set_entries(Some(entries)).send().await {
        Ok(out) => out
            .failed
            .iter()
            .filter_map(|f| f.id.parse::<usize>().ok())
            .filter_map(|i| chunk.get(i).map(|o| o.record_index))
            .collect(),
        Err(e) => {
            tracing::error!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), queue = queue_url, "send failed");
            chunk.iter().map(|o| o.record_index).collect()
        }
    }
}
