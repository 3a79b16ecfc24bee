//! The parts of a DynamoDB stream event stock-levels reads. A record's keys and sequence number
//! are decoded; its new image is kept as raw JSON and decoded only for the last record of each
//! stock item, so a malformed image fails its own record, not the batch.

use backoffice::store::stock::StockImage;
use serde::Deserialize;
use serde_json::value::RawValue;

/// A batch of stream records, as Lambda delivers it.
pub type StreamBatch = backoffice::stream::Batch<StreamRecord>;

#[derive(Debug, Deserialize)]
pub struct StreamRecord {
    #[serde(rename = "eventID", default)]
    pub event_id: String,
    pub dynamodb: Change,
}

#[derive(Debug, Deserialize)]
pub struct Change {
    #[serde(rename = "Keys")]
    pub keys: Keys,
    #[serde(rename = "SequenceNumber", default)]
    pub sequence_number: Option<String>,
    #[serde(rename = "NewImage", default)]
    pub new_image: Option<Box<RawValue>>,
}

#[derive(Debug, Deserialize)]
pub struct Keys {
    pub pk: StringValue,
    pub sk: StringValue,
}

/// `{"S": "…"}`.
#[derive(Debug, Deserialize)]
pub struct StringValue {
    #[serde(rename = "S")]
    pub s: String,
}

impl Change {
    /// The stock item of the new image, if the record has one.
    pub fn stock_image(&self) -> Option<Result<StockImage, serde_json::Error>> {
        self.new_image.as_ref().map(|raw| serde_json::from_str(raw.get()))
    }
}
