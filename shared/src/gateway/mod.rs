//! Payment gateways: what their webhooks say, in our words. Each provider's module reads its
//! documented payloads into a [`ProviderEvent`]; `signature` checks that a delivery came from
//! the provider. Nothing here does I/O: the webhook function and the consumer call the port
//! (`crate::gateway_port`) for that.

pub mod mercadopago;
pub mod signature;
pub mod stripe;

use crate::domain::money::Money;
use serde::{Deserialize, Serialize};

/// A provider the backoffice takes webhooks from, as its path segment names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Stripe,
    #[serde(rename = "mercadopago")]
    MercadoPago,
}

impl Provider {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "stripe" => Some(Self::Stripe),
            "mercadopago" => Some(Self::MercadoPago),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Stripe => "stripe",
            Self::MercadoPago => "mercadopago",
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened to a payment at the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PaymentChange {
    /// Created or waiting (a Pix code not yet paid, a boleto not yet compensated).
    Pending,
    /// Held on the customer's card, not yet taken: `amount` may be captured.
    Authorized { amount: Money },
    /// Taken: `amount` is the shop's.
    Captured { amount: Money },
    /// An authorisation released, or a payment cancelled before it was taken.
    Voided,
    /// Refused by the issuer or the provider.
    Failed,
    /// Money given back; `total` is everything refunded on this payment so far.
    Refunded { total: Money },
    /// The customer's bank disputes the payment; `amount` is held from the shop.
    DisputeOpened { dispute: String, amount: Money },
    /// The dispute ended; lost means the amount went back to the customer.
    DisputeClosed { dispute: String, won: bool },
}

impl PaymentChange {
    /// The step a payment has reached: a change at or below the one applied is stale (a late
    /// "pending" after "approved") and changes nothing. Refunds and disputes move on their own
    /// measures (the cumulative total, the dispute's id) and rank beside capture.
    pub fn rank(&self) -> u8 {
        match self {
            Self::Pending => 0,
            Self::Failed => 1,
            Self::Authorized { .. } => 2,
            Self::Voided => 3,
            Self::Captured { .. } | Self::Refunded { .. } | Self::DisputeOpened { .. } | Self::DisputeClosed { .. } => 4,
        }
    }
}

/// One provider event, read from its payload: which payment, of which order, what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderEvent {
    pub provider: Provider,
    /// The provider's id for this event (the idempotency key: a redelivery has the same one).
    pub event_id: String,
    /// The provider's payment (Stripe's PaymentIntent, Mercado Pago's payment).
    pub payment: String,
    /// The order the storefront named (`metadata.order_id`, `external_reference`), unchecked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The payment method as the provider names it (`card`, `pix`, `bolbradesco`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    pub change: PaymentChange,
}

/// Why a payload could not be read as an event. The webhook refuses it (after its signature
/// held, so the provider sees a 4xx and the delivery shows as failed in its dashboard).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PayloadError(pub String);

impl PayloadError {
    pub(crate) fn new(what: impl Into<String>) -> Self {
        Self(what.into())
    }
}

/// A payload read: an event to apply, or one the backoffice does not act on (acknowledged so
/// the provider stops retrying it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read<T> {
    Event(T),
    Ignored { event_type: String },
}
