//! Domain events: the facts a decision raises, with their payloads. Pure data; how they are
//! stored, routed and sent is outside the domain (`crate::events`, `crate::store::events`).

use super::Money;
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
    /// Where the order came from (`web` for events from before channels).
    #[serde(default = "web")]
    pub channel: String,
    /// The lines before discounts, the shipping charge, and each promotion's discount: what
    /// the sales report sums (absent on events from before them: `total` is then the lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines_total: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Money>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<PromotionAmount>,
}

fn web() -> String {
    "web".to_owned()
}

/// What one promotion took off an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionAmount {
    pub code: String,
    pub amount: Money,
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
    /// Empty in events recorded before it was carried.
    #[serde(default)]
    pub customer_id: String,
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

/// A note was added to an order: who wrote it (the text stays on the order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteAdded {
    pub order_id: String,
    pub by: String,
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

/// An export was asked for; the worker reads the job for what to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRequested {
    pub export_id: String,
}

/// A gateway payment's step that is not a payment or refund of the balance (those are
/// `payment.recorded` and `refund.recorded`): authorised, voided, disputed and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayPaymentEvent {
    pub order_id: String,
    pub provider: String,
    pub reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute: Option<String>,
}

/// Staff answered a conversation: the sender reads the reply and the customer's address from
/// the table when it sends (nothing personal waits in a queue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationReplied {
    pub conversation_id: String,
    pub message_id: String,
}

/// Declares [`DomainEvent`] from one table of type names: its serde tags, `event_type()` and
/// [`EVENT_TYPES`] all come from the same list, so a name cannot differ between them.
macro_rules! domain_events {
    ($($(#[$doc:meta])* $name:literal => $variant:ident($payload:ty),)+) => {
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "type", content = "payload")]
        pub enum DomainEvent {
            $($(#[$doc])* #[serde(rename = $name)] $variant($payload),)+
        }

        /// Every event type, as its name travels (serde tag, stored `type`, envelope `type`).
        pub const EVENT_TYPES: &[&str] = &[$($name),+];

        impl DomainEvent {
            pub fn event_type(&self) -> &'static str {
                match self {
                    $(DomainEvent::$variant(_) => $name,)+
                }
            }

            /// The payload alone, as stored in the event item and sent in the envelope.
            pub fn payload_json(&self) -> String {
                let json = match self {
                    $(DomainEvent::$variant(payload) => serde_json::to_string(payload),)+
                };
                json.unwrap_or_else(|_| "null".to_owned())
            }
        }
    };
}

domain_events! {
    "return.requested" => ReturnRequested(ReturnEvent),
    "return.received" => ReturnReceived(ReturnEvent),
    "return.refunded" => ReturnRefunded(ReturnEvent),
    "return.rejected" => ReturnRejected(ReturnEvent),
    "return.cancelled" => ReturnCancelled(ReturnEvent),
    "payment.recorded" => PaymentRecorded(MoneyMovement),
    "refund.recorded" => RefundRecorded(MoneyMovement),
    /// Money held on the customer's card at a gateway, to be captured.
    "payment.authorized" => PaymentAuthorized(GatewayPaymentEvent),
    /// A hold released, or a payment cancelled before it was taken.
    "payment.voided" => PaymentVoided(GatewayPaymentEvent),
    "payment.disputed" => PaymentDisputed(GatewayPaymentEvent),
    "payment.dispute_won" => PaymentDisputeWon(GatewayPaymentEvent),
    /// The bank gave the disputed amount back to the customer: the order owes it again.
    "payment.dispute_lost" => PaymentDisputeLost(GatewayPaymentEvent),
    "order.paid" => OrderPaid(OrderPaid),
    "order.picking" => OrderPicking(FulfillmentStep),
    "order.packed" => OrderPacked(FulfillmentStep),
    "order.shipped" => OrderShipped(OrderShipped),
    "order.delivered" => OrderDelivered(FulfillmentStep),
    "order.note_added" => OrderNoteAdded(NoteAdded),
    /// Staff changed its lines, address or shipping before it was packed.
    "order.edited" => OrderEdited(super::order_edit::OrderEdited),
    "customer.registered" => CustomerRegistered(CustomerChanged),
    "customer.updated" => CustomerUpdated(CustomerChanged),
    "customer.erased" => CustomerErased(CustomerChanged),
    "order.placed" => OrderPlaced(OrderPlaced),
    "order.cancelled" => OrderCancelled(OrderCancelled),
    /// Available stock entered the band at or below the reorder point.
    "stock.low" => StockLow(StockLevels),
    /// Available stock rose back above the reorder point.
    "stock.replenished" => StockReplenished(StockLevels),
    "export.requested" => ExportRequested(ExportRequested),
    "conversation.replied" => ConversationReplied(ConversationReplied),
}
