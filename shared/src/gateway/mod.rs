//! Payment gateways: what their webhooks say, in our words. Each provider's module reads its
//! documented payloads into a [`ProviderEvent`]; `signature` checks that a delivery came from
//! the provider. Nothing here does I/O: the webhook function and the consumer call the port
//! (`http`) for that.

#[cfg(feature = "gateway")]
pub mod context;
#[cfg(feature = "gateway")]
pub mod http;
pub mod intake;
pub mod mercadopago;
#[cfg(feature = "gateway")]
pub mod secrets;
#[cfg(feature = "gateway")]
pub mod settle;
pub mod signature;
pub mod stripe;

pub use crate::domain::gateway::{PaymentChange, Provider, ProviderEvent};

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
