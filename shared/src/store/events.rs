//! Domain events as items (the transactional outbox). Each is written in the same transaction as
//! the state change that raised it; the stream relay publishes it.

use super::keys::EVENT_PREFIX;
use super::{Guard, Item, StoreError, Tx, from_item, to_item};
use crate::domain::EventId;
use crate::events::{DomainEvent, Envelope};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The stored form of an event; `payload` is the JSON payload as text.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EventRecord {
    pub pk: String,
    pub sk: String,
    pub event_id: EventId,
    #[serde(rename = "type")]
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    pub correlation_id: String,
    pub payload: String,
}

impl EventRecord {
    pub fn is_event_key(sk: &str) -> bool {
        sk.starts_with(EVENT_PREFIX)
    }

    pub fn from_item(item: Item) -> Result<Self, StoreError> {
        from_item(item)
    }

    /// The SQS envelope for this event. The payload was written by us as JSON; if it somehow is
    /// not, it travels as a string rather than being dropped.
    pub fn envelope(&self) -> Envelope {
        Envelope {
            id: self.event_id,
            event_type: self.event_type.clone(),
            occurred_at: self.occurred_at,
            correlation_id: self.correlation_id.clone(),
            payload: serde_json::from_str(&self.payload).unwrap_or_else(|_| self.payload.clone().into()),
        }
    }
}

/// An event as an order's timeline shows it: read without its keys and correlation id, its
/// instant kept as the text stored (checked once here) so it is written back without being
/// formatted again.
#[derive(Debug, Deserialize)]
pub struct TimelineEvent {
    pub event_id: EventId,
    #[serde(rename = "type")]
    pub event_type: String,
    occurred_at: String,
    pub payload: String,
}

impl TimelineEvent {
    pub fn from_item(item: Item) -> Result<Self, StoreError> {
        let event: Self = from_item(item)?;
        crate::events::StoredInstant::parse(&event.occurred_at)
            .map_err(|e| StoreError::Corrupt(format!("occurred_at {:?}: {e}", event.occurred_at)))?;
        Ok(event)
    }

    pub fn occurred_at(&self) -> crate::events::StoredInstant<'_> {
        crate::events::StoredInstant::checked(&self.occurred_at)
    }
}

/// Adds one insert-only item per event under the aggregate's partition key.
/// Whose events: the aggregate whose partition (and timeline) they are written under.
#[derive(Debug, Clone, Copy)]
pub enum EventsOf<'a> {
    Order(&'a crate::domain::OrderId),
    Sku(&'a crate::domain::Sku),
    Customer(&'a crate::domain::CustomerId),
    Export(&'a crate::domain::ExportId),
    Conversation(&'a crate::domain::ConversationId),
}

impl EventsOf<'_> {
    fn pk(self) -> String {
        match self {
            EventsOf::Order(id) => super::keys::order_pk(id),
            EventsOf::Sku(sku) => super::keys::sku_pk(sku),
            EventsOf::Customer(id) => super::keys::customer_pk(id),
            EventsOf::Export(id) => super::keys::export_pk(id),
            EventsOf::Conversation(id) => super::conversations::conversation_pk(id),
        }
    }
}

/// Writes `events` (insert-only) under the aggregate they belong to.
pub fn put_events_of(
    tx: &mut Tx,
    table: &str,
    of: EventsOf<'_>,
    events: &[DomainEvent],
    correlation_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    put_events(tx, table, &of.pk(), events, correlation_id, now)
}

pub fn put_events(
    tx: &mut Tx,
    table: &str,
    aggregate_pk: &str,
    events: &[DomainEvent],
    correlation_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for event in events {
        let id = EventId::new();
        let record = EventRecord {
            pk: aggregate_pk.to_owned(),
            sk: format!("{EVENT_PREFIX}{id}"),
            event_id: id,
            event_type: event.event_type().to_owned(),
            occurred_at: now,
            correlation_id: correlation_id.to_owned(),
            payload: event.payload_json(),
        };
        tx.insert(table, to_item(&record)?, Guard::Insert)?;
        tx.count(crate::metrics::Fact::of(event));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn item(occurred_at: &str) -> Item {
        [
            ("pk", "ORDER#1"),
            ("sk", "EVENT#01"),
            ("event_id", "01KAS0000000000000000000AA"),
            ("type", "order.placed"),
            ("occurred_at", occurred_at),
            ("correlation_id", "c-1"),
            ("payload", "{\"order_id\":\"1\"}"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), AttributeValue::S(v.to_owned())))
        .collect()
    }

    #[test]
    fn a_timeline_event_keeps_its_instant_as_stored_and_refuses_one_that_is_not_rfc3339() {
        let event = TimelineEvent::from_item(item("2026-11-23T21:38:41.512499380Z")).unwrap();
        assert_eq!(serde_json::to_string(&event.occurred_at()).unwrap(), "\"2026-11-23T21:38:41.512499380Z\"");
        assert_eq!(
            (event.event_id.to_string(), event.event_type.as_str()),
            ("01KAS0000000000000000000AA".into(), "order.placed")
        );
        assert!(matches!(TimelineEvent::from_item(item("yesterday")), Err(StoreError::Corrupt(_))));
    }
}
