//! What the table's stream consumers share: the batch as `aws_lambda_events` reads it (images
//! decoded by `serde_dynamo`), a record's keys and new image read as a stored type, and the
//! partial-batch response that tells Lambda where to retry from.

pub use aws_lambda_events::dynamodb::{Event, EventRecord};
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde::de::DeserializeOwned;
use serde_dynamo::AttributeValue;

/// The string value of one of the record's key attributes (`pk`, `sk`), if it is a string.
pub fn key<'a>(record: &'a EventRecord, name: &str) -> Option<&'a str> {
    match record.change.keys.get(name) {
        Some(AttributeValue::S(s)) => Some(s),
        _ => None,
    }
}

/// An image read as the stored type `T`. `serde_dynamo::from_item` would first rebuild the
/// image's map entry by entry (its `Item` to `HashMap` conversion is generic); the map is
/// handed to the deserializer as it is instead.
pub fn decode<T: DeserializeOwned>(image: serde_dynamo::Item) -> Result<T, serde_dynamo::Error> {
    serde_dynamo::from_attribute_value(AttributeValue::M(image.into_inner()))
}

/// The record's new image, read as the stored type `T` (and taken out of the record: each image
/// is read once). `None` when the record carries no new image (a removal).
pub fn take_new_image<T: DeserializeOwned>(record: &mut EventRecord) -> Option<Result<T, serde_dynamo::Error>> {
    if record.change.new_image.is_empty() {
        return None;
    }
    Some(decode(std::mem::take(&mut record.change.new_image)))
}

/// The record's old image (the table's stream carries both), read as `T` and taken out of the
/// record. `None` when the record has none (an insert).
pub fn take_old_image<T: DeserializeOwned>(record: &mut EventRecord) -> Option<Result<T, serde_dynamo::Error>> {
    if record.change.old_image.is_empty() {
        return None;
    }
    Some(decode(std::mem::take(&mut record.change.old_image)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Row {
        pk: String,
        n: u32,
    }

    #[test]
    fn a_record_is_read_through_its_keys_and_new_image() -> Result<(), Box<dyn std::error::Error>> {
        // As Lambda delivers them: every member aws_lambda_events requires is there.
        let record = |name: &str, change: &str| {
            format!(
                r#"{{"eventID":"1","eventName":"{name}","eventVersion":"1.1","eventSource":"aws:dynamodb",
                    "awsRegion":"us-east-1","eventSourceARN":"arn:aws:dynamodb:us-east-1:1:table/t/stream/x",
                    "dynamodb":{{{change},"SizeBytes":40,"StreamViewType":"NEW_IMAGE"}}}}"#
            )
        };
        let mut event: Event = serde_json::from_str(&format!(
            r#"{{"Records":[{},{}]}}"#,
            record(
                "INSERT",
                r#""Keys":{"pk":{"S":"A"},"sk":{"N":"1"}},"NewImage":{"pk":{"S":"A"},"n":{"N":"3"},"other":{"L":[]}},"SequenceNumber":"7""#
            ),
            record("REMOVE", r#""Keys":{"pk":{"S":"B"}},"SequenceNumber":"8""#),
        ))?;
        let [insert, removal] = event.records.as_mut_slice() else { return Err("two records".into()) };
        assert_eq!((key(insert, "pk"), key(insert, "sk")), (Some("A"), None), "a number is not a string key");
        assert_eq!(take_new_image::<Row>(insert).transpose()?, Some(Row { pk: "A".into(), n: 3 }));
        assert!(take_new_image::<Row>(removal).is_none());
        assert!(take_new_image::<Row>(insert).is_none(), "an image is read once");
        Ok(())
    }

    #[test]
    fn the_first_failed_record_is_where_lambda_retries_from() {
        assert!(retry_from(None).batch_item_failures.is_empty());
        let response = retry_from(Some(Some("9".into())));
        assert_eq!(response.batch_item_failures[0].item_identifier.as_deref(), Some("9"));
    }
}
