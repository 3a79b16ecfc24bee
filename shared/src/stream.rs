//! What the table's stream consumers share: the partial-batch response that tells Lambda where
//! to retry from, and the re-reading of the `aws_lambda_events` stream type (which the local
//! runner and the tests build) into a consumer's own lean view of the batch.

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A batch of stream records as Lambda delivers it, each record read into a consumer's own
/// lean type `R` (what it needs of a record, the rest skipped).
#[derive(Debug, Deserialize)]
pub struct Batch<R> {
    #[serde(rename = "Records", default = "Vec::new")]
    pub records: Vec<R>,
}

/// The response to a batch: `None` if every record was handled, else the sequence number of
/// the first record that was not (`ReportBatchItemFailures`: Lambda retries from there on).
pub fn retry_from(sequence_number: Option<Option<String>>) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    if let Some(sequence_number) = sequence_number {
        let mut failure = DynamoDbBatchItemFailure::default();
        failure.item_identifier = sequence_number;
        response.batch_item_failures.push(failure);
    }
    response
}

/// Runs `handler` on the event re-read as the consumer's own batch type `B` (the same wire
/// shape). If it does not re-read, which it should not, the whole batch is reported failed
/// and retried.
pub async fn reread_and_handle<B, F, Fut>(event: Event, handler: F) -> DynamoDbEventResponse
where
    B: DeserializeOwned,
    F: FnOnce(B) -> Fut,
    Fut: std::future::Future<Output = DynamoDbEventResponse>,
{
    match serde_json::to_string(&event).and_then(|json| serde_json::from_str::<B>(&json)) {
        Ok(batch) => handler(batch).await,
        Err(e) => {
            tracing::error!(error = %e, "a stream event did not re-read");
            retry_from(Some(event.records.first().and_then(|r| r.change.sequence_number.clone())))
        }
    }
}
