//! Domain events, where each type is routed, and the envelope they travel in on SQS.
//!
//! Events are written as items of the table in the same transaction as the state change that
//! raised them (transactional outbox); the `event-relay` function publishes them from the
//! table's stream. The envelope's `id` is the event id, stable across redeliveries, so
//! consumers deduplicate on it.

use crate::domain::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A SKU's counters at the moment an event was raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockLevel {
    pub sku: String,
    pub on_hand: u64,
    pub reserved: u64,
    pub available: u64,
    pub reorder_point: u64,
    pub reorder_quantity: u64,
    pub stock_version: u64,
}

/// The SKUs whose level crossed the reorder point in one transaction. One event carries them
/// all, so an order touching 50 SKUs still fits DynamoDB's 100-item transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockLevels {
    pub levels: Vec<StockLevel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineQuantity {
    pub sku: String,
    pub quantity: u64,
}

/// What fulfillment needs to know of a new order (no personal data: fulfillment reads the
/// address from the order when it ships).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPlaced {
    pub order_id: String,
    pub customer_id: String,
    pub lines: Vec<LineQuantity>,
    pub total: Money,
    pub payment_due_at: DateTime<Utc>,
}

impl OrderPlaced {
    pub fn of(order: &crate::domain::order::Order) -> Self {
        Self {
            order_id: order.id.to_string(),
            customer_id: order.customer_id.to_string(),
            lines: order.lines.iter().map(|l| LineQuantity { sku: l.sku.to_string(), quantity: l.quantity }).collect(),
            total: order.total,
            payment_due_at: order.payment_due_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCancelled {
    pub order_id: String,
    #[serde(default)]
    pub customer_id: String,
    pub reason: String,
    pub refund_due: Money,
    pub released: Vec<LineQuantity>,
}

/// A customer event: the id and the names of changed fields, never their values (events are
/// kept, and personal data must be erasable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerChanged {
    pub customer_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
}

/// A payment or refund recorded against an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyMovement {
    pub order_id: String,
    pub gateway_reference: String,
    pub amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPaid {
    pub order_id: String,
    pub customer_id: String,
    pub total: Money,
}

/// A fulfillment step of an order (picking, packed, delivered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfillmentStep {
    pub order_id: String,
    pub customer_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderShipped {
    pub order_id: String,
    pub customer_id: String,
    pub carrier: String,
    pub tracking_number: String,
    pub lines: Vec<LineQuantity>,
}

/// A return's lifecycle step (requested, received, refunded, rejected, cancelled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnEvent {
    pub return_id: String,
    pub order_id: String,
    pub customer_id: String,
    pub refund_due: Money,
    pub refunded: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "payload")]
pub enum DomainEvent {
    #[serde(rename = "return.requested")]
    ReturnRequested(ReturnEvent),
    #[serde(rename = "return.received")]
    ReturnReceived(ReturnEvent),
    #[serde(rename = "return.refunded")]
    ReturnRefunded(ReturnEvent),
    #[serde(rename = "return.rejected")]
    ReturnRejected(ReturnEvent),
    #[serde(rename = "return.cancelled")]
    ReturnCancelled(ReturnEvent),
    #[serde(rename = "payment.recorded")]
    PaymentRecorded(MoneyMovement),
    #[serde(rename = "refund.recorded")]
    RefundRecorded(MoneyMovement),
    #[serde(rename = "order.paid")]
    OrderPaid(OrderPaid),
    #[serde(rename = "order.picking")]
    OrderPicking(FulfillmentStep),
    #[serde(rename = "order.packed")]
    OrderPacked(FulfillmentStep),
    #[serde(rename = "order.shipped")]
    OrderShipped(OrderShipped),
    #[serde(rename = "order.delivered")]
    OrderDelivered(FulfillmentStep),
    #[serde(rename = "customer.registered")]
    CustomerRegistered(CustomerChanged),
    #[serde(rename = "customer.updated")]
    CustomerUpdated(CustomerChanged),
    #[serde(rename = "customer.erased")]
    CustomerErased(CustomerChanged),
    #[serde(rename = "order.placed")]
    OrderPlaced(OrderPlaced),
    #[serde(rename = "order.cancelled")]
    OrderCancelled(OrderCancelled),
    /// Available stock entered the band at or below the reorder point.
    #[serde(rename = "stock.low")]
    StockLow(StockLevels),
    /// Available stock rose back above the reorder point.
    #[serde(rename = "stock.replenished")]
    StockReplenished(StockLevels),
}

/// The queues events are routed to; each is consumed by one function in `template.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Queue {
    StockAlerts,
    Fulfillment,
    Notifications,
    Reports,
}

impl Queue {
    pub const ALL: [Queue; 4] = [Queue::StockAlerts, Queue::Fulfillment, Queue::Notifications, Queue::Reports];

    /// The queue's logical id in `template.yaml`.
    pub fn logical_id(self) -> &'static str {
        match self {
            Queue::StockAlerts => "StockAlertsQueue",
            Queue::Fulfillment => "FulfillmentQueue",
            Queue::Notifications => "NotificationsQueue",
            Queue::Reports => "ReportsQueue",
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
    ("order.shipped", &[Queue::Fulfillment, Queue::Notifications]),
    ("order.delivered", &[Queue::Notifications]),
    ("order.cancelled", &[Queue::Notifications]),
    ("return.received", &[Queue::Notifications]),
    ("return.refunded", &[Queue::Notifications]),
    ("payment.recorded", &[Queue::Reports]),
    ("refund.recorded", &[Queue::Reports]),
];

impl DomainEvent {
    pub fn event_type(&self) -> &'static str {
        match self {
            DomainEvent::ReturnRequested(_) => "return.requested",
            DomainEvent::ReturnReceived(_) => "return.received",
            DomainEvent::ReturnRefunded(_) => "return.refunded",
            DomainEvent::ReturnRejected(_) => "return.rejected",
            DomainEvent::ReturnCancelled(_) => "return.cancelled",
            DomainEvent::PaymentRecorded(_) => "payment.recorded",
            DomainEvent::RefundRecorded(_) => "refund.recorded",
            DomainEvent::OrderPaid(_) => "order.paid",
            DomainEvent::OrderPicking(_) => "order.picking",
            DomainEvent::OrderPacked(_) => "order.packed",
            DomainEvent::OrderShipped(_) => "order.shipped",
            DomainEvent::OrderDelivered(_) => "order.delivered",
            DomainEvent::CustomerRegistered(_) => "customer.registered",
            DomainEvent::CustomerUpdated(_) => "customer.updated",
            DomainEvent::CustomerErased(_) => "customer.erased",
            DomainEvent::OrderPlaced(_) => "order.placed",
            DomainEvent::OrderCancelled(_) => "order.cancelled",
            DomainEvent::StockLow(_) => "stock.low",
            DomainEvent::StockReplenished(_) => "stock.replenished",
        }
    }

    /// The payload alone, as stored in the event item and sent in the envelope.
    pub fn payload_json(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut map)) => map.remove("payload").unwrap_or_default().to_string(),
            _ => "null".to_owned(),
        }
    }
}

/// The SQS message body: `id`, `type`, `occurred_at`, `correlation_id`, `payload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub id: String,
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
    fn an_envelope_body_reads_back_as_the_envelope() -> Result<(), serde_json::Error> {
        let at = Utc::now();
        let at_text = serde_json::to_value(at)?.as_str().map(str::to_owned).unwrap_or_default();
        for (stored, payload) in [
            // Stored payloads are compact with sorted keys (`payload_json`), so the bytes match too.
            (
                r#"{"lines":[{"quantity":2,"sku":"A"}],"order_id":"o-1"}"#,
                serde_json::json!({"order_id":"o-1","lines":[{"sku":"A","quantity":2}]}),
            ),
            ("not json {", serde_json::json!("not json {")),
        ] {
            let body = EnvelopeBody {
                id: "01J",
                event_type: "order.placed",
                occurred_at: StoredInstant::parse(&at_text).map_err(serde::ser::Error::custom)?,
                correlation_id: "c-1",
                payload: StoredPayload::of(stored),
            };
            let expected = Envelope {
                id: "01J".into(),
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
            id: "01J".into(),
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
            id: "x".into(),
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
