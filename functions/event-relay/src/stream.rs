//! The parts of a DynamoDB stream event the relay reads, decoded in one pass. Most records of a
//! batch are orders, stock rows, idempotency records and the like: their images are skipped
//! unread. An event item's image is read straight into the few strings the relay sends, without
//! building a DynamoDB item first (as `aws_lambda_events::dynamodb::Event` does for every image).

use backoffice::store::events::EventRecord;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// A batch of stream records, as Lambda delivers it.
pub type StreamBatch = backoffice::stream::Batch<StreamRecord>;

#[derive(Debug, Deserialize)]
pub struct StreamRecord {
    /// `eventName` is `INSERT`: the item is new.
    #[serde(rename = "eventName", default, deserialize_with = "is_insert")]
    pub inserted: bool,
    pub dynamodb: Change,
}

/// A record's change: whether it is an event item's, its sequence number and, for an event
/// item, its new image.
#[derive(Debug, Default)]
pub struct Change {
    /// The sort key is an event item's (a string starting `EVENT#`).
    pub event_key: bool,
    pub sequence_number: Option<String>,
    pub new_image: NewImage,
}

/// Reads `eventName` without keeping it.
fn is_insert<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct NameVisitor;
    impl Visitor<'_> for NameVisitor {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an event name")
        }
        fn visit_str<E: de::Error>(self, name: &str) -> Result<bool, E> {
            Ok(name == "INSERT")
        }
    }
    deserializer.deserialize_str(NameVisitor)
}

/// What the relay keeps of a record's new image.
#[derive(Debug, Default, PartialEq)]
pub enum NewImage {
    /// The record has none (a removal, or a stream that does not carry new images).
    #[default]
    Absent,
    /// Not an event item's: skipped unread.
    Skipped,
    Event(EventImage),
}

/// The attributes of an event item the relay sends; the item's other attributes are skipped.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct EventImage {
    pub event_id: StringAttribute,
    #[serde(rename = "type")]
    pub event_type: StringAttribute,
    pub occurred_at: StringAttribute,
    pub correlation_id: StringAttribute,
    pub payload: StringAttribute,
}

/// A string attribute, `{"S": "…"}`. An attribute of another type reads as `None`, so a
/// surprising item fails its own record (the relay names the attribute), not the whole batch.
#[derive(Debug, Default, PartialEq)]
pub struct StringAttribute(pub Option<String>);

impl<'de> Deserialize<'de> for StringAttribute {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(AttributeVisitor(std::marker::PhantomData::<String>)).map(StringAttribute)
    }
}

/// An event key: a string attribute starting `EVENT#`, checked without keeping the string.
#[derive(Default)]
struct EventKey(bool);

impl<'de> Deserialize<'de> for EventKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let is_event = deserializer.deserialize_map(AttributeVisitor(std::marker::PhantomData::<IsEventKey>))?;
        Ok(EventKey(is_event.is_some_and(|k| k.0)))
    }
}

struct IsEventKey(bool);

impl<'de> Deserialize<'de> for IsEventKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = IsEventKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<IsEventKey, E> {
                Ok(IsEventKey(EventRecord::is_event_key(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads the `S` member of an attribute value as `T`; any other type reads as `None`.
struct AttributeVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for AttributeVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a DynamoDB attribute value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut value = None;
        while let Some(kind) = map.next_key::<AttributeType>()? {
            match kind {
                AttributeType::S => value = Some(map.next_value::<T>()?),
                AttributeType::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(value)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum AttributeType {
    S,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum ChangeField {
    Keys,
    NewImage,
    SequenceNumber,
    #[serde(other)]
    Other,
}

#[derive(Default, Deserialize)]
struct Keys {
    #[serde(default)]
    sk: EventKey,
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ChangeVisitor;
        impl<'de> Visitor<'de> for ChangeVisitor {
            type Value = Change;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a stream record's dynamodb object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Change, A::Error> {
                let mut change = Change::default();
                let mut keys_seen = false;
                // Lambda writes `Keys` before `NewImage`; should an image come first, it is kept
                // raw until the key says whether it is needed.
                let mut early_image: Option<Box<RawValue>> = None;
                while let Some(field) = map.next_key::<ChangeField>()? {
                    match field {
                        ChangeField::Keys => {
                            change.event_key = map.next_value::<Keys>()?.sk.0;
                            keys_seen = true;
                        }
                        ChangeField::NewImage if !keys_seen => early_image = map.next_value()?,
                        ChangeField::NewImage if change.event_key => {
                            change.new_image =
                                map.next_value::<Option<EventImage>>()?.map_or(NewImage::Absent, NewImage::Event);
                        }
                        ChangeField::NewImage => {
                            map.next_value::<IgnoredAny>()?;
                            change.new_image = NewImage::Skipped;
                        }
                        ChangeField::SequenceNumber => change.sequence_number = map.next_value()?,
                        ChangeField::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                if let Some(raw) = early_image {
                    change.new_image = if change.event_key {
                        NewImage::Event(serde_json::from_str(raw.get()).map_err(de::Error::custom)?)
                    } else {
                        NewImage::Skipped
                    };
                }
                Ok(change)
            }
        }
        deserializer.deserialize_map(ChangeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event_attributes(id: &str) -> String {
        format!(
            r#"{{"pk":{{"S":"ORDER#1"}},"sk":{{"S":"EVENT#{id}"}},"event_id":{{"S":"{id}"}},"type":{{"S":"order.paid"}},
                "occurred_at":{{"S":"2026-11-23T19:32:34.067Z"}},"correlation_id":{{"S":"c-1"}},"payload":{{"S":"{{\"a\":1}}"}},
                "n":{{"N":"3"}}}}"#
        )
    }

    fn image(id: &str) -> EventImage {
        let s = |v: &str| StringAttribute(Some(v.to_owned()));
        EventImage {
            event_id: s(id),
            event_type: s("order.paid"),
            occurred_at: s("2026-11-23T19:32:34.067Z"),
            correlation_id: s("c-1"),
            payload: s(r#"{"a":1}"#),
        }
    }

    #[test]
    fn reads_keys_sequence_and_only_event_images() -> Result<(), Box<dyn std::error::Error>> {
        let batch: StreamBatch = serde_json::from_str(&format!(
            r#"{{"Records":[{{"eventName":"INSERT","eventSource":"aws:dynamodb","dynamodb":{{
                "Keys":{{"pk":{{"S":"ORDER#1"}},"sk":{{"S":"EVENT#01"}}}},
                "NewImage":{},"SequenceNumber":"7","SizeBytes":50}}}},
               {{"eventName":"INSERT","dynamodb":{{"Keys":{{"pk":{{"S":"ORDER#1"}},"sk":{{"S":"ORDER"}}}},
                "NewImage":{{"pk":{{"S":"ORDER#1"}},"type":{{"N":"1"}}}},"SequenceNumber":"8"}}}},
               {{"eventName":"REMOVE","dynamodb":{{"Keys":{{"pk":{{"S":"X"}},"sk":{{"N":"1"}}}},"SequenceNumber":"9"}}}},
               {{"eventName":"INSERT","dynamodb":{{"NewImage":{},"SequenceNumber":"10",
                "Keys":{{"pk":{{"S":"ORDER#1"}},"sk":{{"S":"EVENT#02"}}}}}}}}]}}"#,
            event_attributes("01"),
            event_attributes("02"),
        ))?;
        let [event, order, removal, keys_last] = batch.records.as_slice() else {
            return Err("four records expected".into());
        };
        assert_eq!((event.inserted, event.dynamodb.event_key), (true, true));
        assert_eq!(event.dynamodb.sequence_number.as_deref(), Some("7"));
        assert_eq!(event.dynamodb.new_image, NewImage::Event(image("01")));
        assert_eq!((order.dynamodb.event_key, &order.dynamodb.new_image), (false, &NewImage::Skipped));
        assert_eq!((removal.inserted, removal.dynamodb.event_key), (false, false));
        assert_eq!(removal.dynamodb.new_image, NewImage::Absent);
        assert_eq!(
            keys_last.dynamodb.new_image,
            NewImage::Event(image("02")),
            "an image before its keys is still read"
        );
        Ok(())
    }

    #[test]
    fn an_event_attribute_of_another_type_reads_as_absent() -> Result<(), serde_json::Error> {
        let image: EventImage = serde_json::from_str(r#"{"event_id":{"N":"1"},"payload":{"NULL":true}}"#)?;
        assert_eq!(image, EventImage::default());
        Ok(())
    }
}
