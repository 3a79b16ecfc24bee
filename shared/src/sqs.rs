//! SQS consumer glue shared by every worker: the messages of a batch are processed
//! concurrently, each parsed as an event [`Envelope`] and handled in its own span (event id,
//! type, correlation id); exactly the failed ones are reported (`ReportBatchItemFailures`), so
//! Lambda retries only those and, after `maxReceiveCount`, moves them to the dead-letter queue.

use crate::events::Envelope;
use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use std::future::Future;
use tracing::Instrument;

pub async fn consume<F, Fut>(event: &SqsEvent, handle: F) -> SqsBatchResponse
where
    F: Fn(Envelope) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let handle = &handle;
    let results = futures::future::join_all(event.records.iter().map(|message| async move {
        let envelope = envelope(message)?;
        let span = tracing::info_span!(
            "event",
            id = %envelope.id,
            kind = %envelope.event_type,
            correlation_id = %envelope.correlation_id,
        );
        handle(envelope).instrument(span).await
    }))
    .await;
    failures(event, results)
}

/// For a worker that handles its whole batch at once (one write for many messages): `handle`
/// gets the envelopes of the messages that parsed, in order, and returns one result for each.
/// A message that does not parse fails alone, as with [`consume`].
pub async fn consume_together<F, Fut>(event: &SqsEvent, handle: F) -> SqsBatchResponse
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
fn failures(event: &SqsEvent, results: Vec<Result<(), String>>) -> SqsBatchResponse {
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

fn envelope(message: &SqsMessage) -> Result<Envelope, String> {
    let body = message.body.as_deref().ok_or("empty message")?;
    serde_json::from_str(body).map_err(|e| format!("not an event envelope: {e}"))
}
