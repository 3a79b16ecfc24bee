//! Where each domain event is routed, and the envelope events travel in on SQS. The events
//! themselves are domain facts (`domain::events`, re-exported here).
//!
//! Events are written as items of the table in the same transaction as the state change that
//! raised them (transactional outbox); the `event-relay` function publishes them from the
//! table's stream. The envelope's `id` is the event id, stable across redeliveries, so
//! consumers deduplicate on it.

pub use crate::domain::events::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The queues events are routed to; each is consumed by one function in `template.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Queue {
    StockAlerts,
    Fulfillment,
    Notifications,
    Reports,
    Exports,
    PaymentSettlements,
}

impl Queue {
    pub const ALL: [Queue; 6] = [
        Queue::StockAlerts,
        Queue::Fulfillment,
        Queue::Notifications,
        Queue::Reports,
        Queue::Exports,
        Queue::PaymentSettlements,
    ];

    /// The queue's logical id in `template.yaml`.
    pub fn logical_id(self) -> &'static str {
        match self {
            Queue::StockAlerts => "StockAlertsQueue",
            Queue::Fulfillment => "FulfillmentQueue",
            Queue::Notifications => "NotificationsQueue",
            Queue::Reports => "ReportsQueue",
            Queue::Exports => "ExportsQueue",
            Queue::PaymentSettlements => "PaymentSettlementsQueue",
        }
    }
}

/// The routing table: which queues receive an event type. The relay publishes a routed event
/// once, to the events topic; each queue's subscription in `template.yaml` carries this table's
/// column as its filter policy (a test holds the two equal). Unrouted types stay in the table as
/// history (timelines) and are not published.
pub fn routes(event_type: &str) -> &'static [Queue] {
    ROUTES.iter().find(|(t, _)| *t == event_type).map_or(&[], |(_, queues)| queues)
}

/// [`routes`] as a table, every routed type once.
pub const ROUTES: &[(&str, &[Queue])] = &[
    ("stock.low", &[Queue::StockAlerts]),
    ("stock.replenished", &[Queue::StockAlerts]),
    ("order.placed", &[Queue::Fulfillment, Queue::Notifications, Queue::Reports]),
    ("order.paid", &[Queue::Fulfillment, Queue::Notifications]),
    ("order.shipped", &[Queue::Fulfillment, Queue::Notifications, Queue::PaymentSettlements]),
    ("order.delivered", &[Queue::Notifications]),
    ("order.cancelled", &[Queue::Notifications, Queue::PaymentSettlements]),
    ("payment.authorized", &[Queue::Fulfillment, Queue::PaymentSettlements]),
    ("return.received", &[Queue::Notifications]),
    ("payment.recorded", &[Queue::Reports]),
    ("refund.recorded", &[Queue::Reports, Queue::Notifications]),
    ("export.requested", &[Queue::Exports]),
    ("conversation.replied", &[Queue::Notifications]),
];

/// The SQS message body: `id`, `type`, `occurred_at`, `correlation_id`, `payload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub id: crate::domain::EventId,
    #[serde(rename = "type")]
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    pub correlation_id: String,
    pub payload: serde_json::Value,
}

impl Envelope {
    /// The typed event inside, or an error for an unknown type or a payload of the wrong shape.
    ///
    /// Read in place: the `type`/`payload` pair is presented to `DomainEvent`'s (adjacently
    /// tagged) deserializer as a map over the envelope's own values, without copying the payload.
    pub fn event(&self) -> Result<DomainEvent, serde_json::Error> {
        use serde::Deserialize;
        let tag = serde_json::Value::String(self.event_type.clone());
        let fields = [("type", &tag), ("payload", &self.payload)];
        DomainEvent::deserialize(serde::de::value::MapDeserializer::new(fields.into_iter()))
    }
}

/// An envelope written from borrowed parts, as the relay sends it: serialises to the same JSON
/// as [`Envelope`], without owning or re-parsing anything.
#[derive(Debug, Serialize)]
pub struct EnvelopeBody<'a> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub event_type: &'a str,
    pub occurred_at: StoredInstant<'a>,
    pub correlation_id: &'a str,
    pub payload: StoredPayload<'a>,
}

/// An RFC 3339 instant kept as the text it was read from: checked once, written back unchanged
/// (event items hold `occurred_at` as chrono wrote it, which is what [`Envelope`] reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct StoredInstant<'a>(&'a str);

impl<'a> StoredInstant<'a> {
    pub fn parse(text: &'a str) -> Result<Self, chrono::ParseError> {
        DateTime::parse_from_rfc3339(text)?;
        Ok(Self(text))
    }

    /// Text this crate already checked with [`StoredInstant::parse`].
    pub(crate) fn checked(text: &'a str) -> Self {
        Self(text)
    }
}

/// A payload kept as JSON text (event items store it so). It is checked and written through as
/// it is, not parsed into a value and printed again; text that somehow is not JSON is written as
/// a JSON string rather than dropped.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(untagged)]
pub enum StoredPayload<'a> {
    Json(&'a serde_json::value::RawValue),
    Text(&'a str),
}

impl<'a> StoredPayload<'a> {
    pub fn of(text: &'a str) -> Self {
        serde_json::from_str(text).map_or(Self::Text(text), Self::Json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_routed_type_is_an_event_type_and_is_routed_once() {
        for (event_type, queues) in ROUTES {
            assert!(EVENT_TYPES.contains(event_type), "{event_type} is routed but no event has that name");
            assert!(!queues.is_empty(), "{event_type} is listed with no queue");
        }
        let mut names: Vec<&str> = ROUTES.iter().map(|(t, _)| *t).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ROUTES.len(), "a type appears twice in ROUTES");
        let stock_low = DomainEvent::StockLow(StockLevels { levels: Vec::new() });
        let tagged = serde_json::to_value(&stock_low).unwrap();
        assert_eq!(tagged["type"], stock_low.event_type(), "the serde tag is the event type");
    }

    #[test]
    fn an_envelope_body_reads_back_as_the_envelope() -> Result<(), serde_json::Error> {
        let at = Utc::now();
        let at_text = serde_json::to_value(at)?.as_str().map(str::to_owned).unwrap_or_default();
        for (stored, payload) in [
            // Stored payloads are compact JSON (`payload_json`), sent as stored, so the bytes match too.
            (
                r#"{"lines":[{"quantity":2,"sku":"A"}],"order_id":"o-1"}"#,
                serde_json::json!({"order_id":"o-1","lines":[{"sku":"A","quantity":2}]}),
            ),
            ("not json {", serde_json::json!("not json {")),
        ] {
            let body = EnvelopeBody {
                id: "01KAS0000000000000000000AA",
                event_type: "order.placed",
                occurred_at: StoredInstant::parse(&at_text).map_err(serde::ser::Error::custom)?,
                correlation_id: "c-1",
                payload: StoredPayload::of(stored),
            };
            let expected = Envelope {
                id: crate::domain::EventId::parse("id", "01KAS0000000000000000000AA").unwrap(),
                event_type: "order.placed".into(),
                occurred_at: at,
                correlation_id: "c-1".into(),
                payload,
            };
            assert_eq!(serde_json::from_str::<Envelope>(&serde_json::to_string(&body)?)?, expected);
            assert_eq!(serde_json::to_string(&body)?, serde_json::to_string(&expected)?);
        }
        assert!(StoredInstant::parse("2026-11-23 19:32").is_err());
        Ok(())
    }

    fn level() -> StockLevel {
        StockLevel {
            sku: "MUG-1".into(),
            on_hand: 5,
            reserved: 0,
            available: 5,
            reorder_point: 5,
            reorder_quantity: 20,
            stock_version: 3,
        }
    }

    #[test]
    fn envelope_round_trips_to_the_typed_event() {
        let event = DomainEvent::StockLow(StockLevels { levels: vec![level()] });
        let envelope = Envelope {
            id: crate::domain::EventId::new(),
            event_type: event.event_type().into(),
            occurred_at: Utc::now(),
            correlation_id: "c-1".into(),
            payload: serde_json::from_str(&event.payload_json()).unwrap(),
        };
        let body = serde_json::to_string(&envelope).unwrap();
        let back: Envelope = serde_json::from_str(&body).unwrap();
        assert_eq!(back.event().unwrap(), event);
    }

    #[test]
    fn unknown_types_and_bad_payloads_are_errors() {
        let mut envelope = Envelope {
            id: crate::domain::EventId::new(),
            event_type: "stock.teleported".into(),
            occurred_at: Utc::now(),
            correlation_id: "c".into(),
            payload: serde_json::json!({}),
        };
        assert!(envelope.event().is_err());
        envelope.event_type = "stock.low".into();
        assert!(envelope.event().is_err());
    }

    #[test]
    fn stock_alerts_are_routed_and_unknown_types_are_not() {
        assert_eq!(routes("stock.low"), &[Queue::StockAlerts]);
        assert_eq!(routes("order.placed"), &[Queue::Fulfillment, Queue::Notifications, Queue::Reports]);
        assert!(routes("order.nothing").is_empty());
        assert!(routes("customer.registered").is_empty());
    }
}
