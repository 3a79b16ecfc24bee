//! SQS consumer glue shared by every worker: the messages of a batch are processed
//! concurrently, each parsed as an event [`Envelope`] and handled in its own span (event id,
//! type, correlation id); exactly the failed ones are reported (`ReportBatchItemFailures`), so
//! Lambda retries only those and, after `maxReceiveCount`, moves them to the dead-letter queue.
//!
//! A process's first batch is processed one message after another instead (`warm::join_all`):
//! they share one connection and pay one TLS handshake. Later batches find the pool warm.

use crate::events::Envelope;
use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse};
use serde::{Deserialize, Serialize};
use std::future::Future;
use tracing::Instrument;

/// An SQS event as a queue consumer reads it: each message's id and body. Lambda's event has
/// more (attributes, MD5 digests, the queue's ARN) that no consumer here uses; deserialising
/// only these two fields skips the rest instead of building it (the saving is in
/// BENCHMARKS.md's decision table).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    #[serde(rename = "Records", default)]
    pub records: Vec<Message>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    #[serde(rename = "messageId", default)]
    pub message_id: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
}

pub async fn consume<F, Fut>(event: &Batch, handle: F) -> SqsBatchResponse
where
    F: Fn(Envelope) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let handle = &handle;
    let results = crate::warm::join_all(event.records.iter().map(|message| one(message, handle))).await;
    failures(event, results)
}

/// For a queue whose messages are not event envelopes (the payment providers' deliveries):
/// each body is read as a `T`, then handled in its own span; exactly the failures are reported.
pub async fn consume_messages<T, F, Fut>(event: &Batch, handle: F) -> SqsBatchResponse
where
    T: serde::de::DeserializeOwned,
    F: Fn(T) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let handle = &handle;
    let results = crate::warm::join_all(event.records.iter().map(|message| async move {
        let body = message.body.as_deref().ok_or_else(|| "empty message".to_owned())?;
        let parsed: T = serde_json::from_str(body).map_err(|e| format!("unreadable message: {e}"))?;
        let span = tracing::info_span!("message", id = message.message_id.as_deref().unwrap_or_default());
        handle(parsed).instrument(span).await
    }))
    .await;
    failures(event, results)
}

/// One message: parsed, then handled in its own span.
async fn one<F, Fut>(message: &Message, handle: &F) -> Result<(), String>
where
    F: Fn(Envelope) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let envelope = envelope(message)?;
    let span = tracing::info_span!(
        "event",
        id = %envelope.id,
        kind = %envelope.event_type,
        correlation_id = %envelope.correlation_id,
    );
    handle(envelope).instrument(span).await
}

/// For a worker that handles its whole batch at once (one write for many messages): `handle`
/// gets the envelopes of the messages that parsed, in order, and returns one result for each.
/// A message that does not parse fails alone, as with [`consume`].
pub async fn consume_together<F, Fut>(event: &Batch, handle: F) -> SqsBatchResponse
where
    F: FnOnce(Vec<Envelope>) -> Fut,
    Fut: Future<Output = Vec<Result<(), String>>>,
{
    let mut results = Vec::with_capacity(event.records.len());
    let (mut slots, mut envelopes) = (Vec::new(), Vec::new());
    for (i, message) in event.records.iter().enumerate() {
        match envelope(message) {
            Ok(e) => {
                slots.push(i);
                envelopes.push(e);
                results.push(Ok(()));
            }
            Err(reason) => results.push(Err(reason)),
        }
    }
    let handled = handle(envelopes).await;
    if handled.len() != slots.len() {
        let reason = format!("{} results for {} messages", handled.len(), slots.len());
        for slot in slots {
            results[slot] = Err(reason.clone());
        }
    } else {
        for (slot, result) in slots.into_iter().zip(handled) {
            results[slot] = result;
        }
    }
    failures(event, results)
}

/// The batch response naming exactly the messages whose result is an error.
fn failures(event: &Batch, results: Vec<Result<(), String>>) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for (message, result) in event.records.iter().zip(results) {
        if let Err(reason) = result {
            tracing::error!(message_id = ?message.message_id, %reason, "message not processed");
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = message.message_id.clone().unwrap_or_default();
            response.batch_item_failures.push(failure);
        }
    }
    response
}

fn envelope(message: &Message) -> Result<Envelope, String> {
    let body = message.body.as_deref().ok_or("empty message")?;
    serde_json::from_str(body).map_err(|e| format!("not an event envelope: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lambda_sqs_event_reads_as_ids_and_bodies_and_the_rest_is_skipped() {
        let event = r#"{"Records": [
            {"messageId": "m-1", "receiptHandle": "r", "body": "{\"id\": \"e\"}",
             "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795428000000"},
             "messageAttributes": {"k": {"stringValue": "v", "dataType": "String"}},
             "md5OfBody": "0", "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:1:q",
             "awsRegion": "us-east-1"},
            {"messageId": "m-2", "body": null}
        ]}"#;
        let batch: Batch = serde_json::from_str(event).unwrap();
        let read: Vec<_> = batch.records.iter().map(|m| (m.message_id.as_deref(), m.body.as_deref())).collect();
        assert_eq!(read, vec![(Some("m-1"), Some(r#"{"id": "e"}"#)), (Some("m-2"), None)]);
    }
}
