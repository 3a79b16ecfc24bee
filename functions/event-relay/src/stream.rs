//! The parts of a DynamoDB stream event the relay reads. An image stays undecoded JSON until
//! its record turns out to be a new event item: most records of a batch are orders, stock rows,
//! idempotency records and the like, and decoding every image into a DynamoDB item (as
//! `aws_lambda_events::dynamodb::Event` does) was most of the relay's work per invocation.

use serde::Deserialize;
use serde_json::value::RawValue;

/// A batch of stream records, as Lambda delivers it.
#[derive(Debug, Deserialize)]
pub struct StreamBatch {
    #[serde(rename = "Records", default)]
    pub records: Vec<StreamRecord>,
}

#[derive(Debug, Deserialize)]
pub struct StreamRecord {
    #[serde(rename = "eventName", default)]
    pub event_name: String,
    pub dynamodb: Change,
}

#[derive(Debug, Deserialize)]
pub struct Change {
    #[serde(rename = "Keys", default)]
    pub keys: Keys,
    #[serde(rename = "NewImage", default)]
    pub new_image: Option<Box<RawValue>>,
    #[serde(rename = "SequenceNumber", default)]
    pub sequence_number: Option<String>,
}

/// The record's sort key, when it is a string (every key of this table is).
#[derive(Debug, Default, Deserialize)]
pub struct Keys {
    #[serde(default)]
    pub sk: Option<StringValue>,
}

#[derive(Debug, Deserialize)]
pub struct StringValue {
    #[serde(rename = "S", default)]
    pub s: Option<String>,
}

impl Change {
    pub fn sort_key(&self) -> Option<&str> {
        self.keys.sk.as_ref().and_then(|sk| sk.s.as_deref())
    }

    /// The new image as a DynamoDB item (decoded only when asked).
    pub fn new_item(&self) -> Result<serde_dynamo::Item, String> {
        let raw = self.new_image.as_ref().ok_or("the record has no new image")?;
        serde_json::from_str(raw.get()).map_err(|e| e.to_string())
    }
}

impl StreamBatch {
    /// From the `aws_lambda_events` type (the local runner and tests build that one): the same
    /// wire shape, re-read.
    pub fn from_lambda(event: &aws_lambda_events::dynamodb::Event) -> Result<Self, serde_json::Error> {
        serde_json::from_str(&serde_json::to_string(event)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_sequence_and_keeps_the_image_raw() -> Result<(), Box<dyn std::error::Error>> {
        let batch: StreamBatch = serde_json::from_str(
            r#"{"Records":[{"eventName":"INSERT","eventSource":"aws:dynamodb","dynamodb":{
                "Keys":{"pk":{"S":"ORDER#1"},"sk":{"S":"EVENT#01"}},
                "NewImage":{"pk":{"S":"ORDER#1"},"n":{"N":"3"}},"SequenceNumber":"7","SizeBytes":50}},
               {"eventName":"REMOVE","dynamodb":{"Keys":{"pk":{"S":"X"},"sk":{"N":"1"}},"SequenceNumber":"8"}}]}"#,
        )?;
        let [first, second] = batch.records.as_slice() else { return Err("two records expected".into()) };
        assert_eq!((first.event_name.as_str(), first.dynamodb.sort_key()), ("INSERT", Some("EVENT#01")));
        assert_eq!(first.dynamodb.sequence_number.as_deref(), Some("7"));
        let item = first.dynamodb.new_item()?;
        assert_eq!(item.get("n"), Some(&serde_dynamo::AttributeValue::N("3".into())));
        assert_eq!((second.dynamodb.sort_key(), second.dynamodb.new_item().is_err()), (None, true));
        Ok(())
    }
}
