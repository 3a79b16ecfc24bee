//! Capturing or releasing an authorisation at its provider, and reading where the payment
//! ended. The call carries an idempotency key (Stripe's `Idempotency-Key`, Mercado Pago's
//! `X-Idempotency-Key`), so a retry is the same call. A provider that refuses the call because
//! the payment already moved (captured by hand in its dashboard, expired, released) is asked
//! where the payment is instead: that state is the answer, applied like any event.

use super::http::{Call, ProviderError};
use super::secrets::SecretsError;
use super::{PayloadError, ProviderEvent, Read, context::PaymentsContext, mercadopago, stripe};
use crate::domain::capture::{Action, Settlement};
use crate::domain::gateway::{PaymentChange, Provider};

#[derive(Debug, thiserror::Error)]
pub enum SettleError {
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    #[error("no {0} is configured in the payment secret")]
    NotConfigured(&'static str),
    #[error("{0} is not a payment id of the provider")]
    BadReference(String),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("the provider's answer cannot be read: {0}")]
    Answer(#[from] PayloadError),
    /// The provider refused and the payment is still where it was: a person must look.
    #[error("the provider refused to {action} {reference}, which stays {state}")]
    Stuck { action: &'static str, reference: String, state: String },
}

/// Where the payment ended after the call: the event to apply, and whether it is what was asked
/// (a capture of an authorisation that expired ends voided).
#[derive(Debug)]
pub struct Settled {
    pub event: ProviderEvent,
    pub as_asked: bool,
}

/// A refusal that means "not in a state for this call", after which the payment is read.
fn refused(e: &ProviderError) -> bool {
    matches!(e, ProviderError::Status(400 | 402 | 409))
}

fn stripe_id(raw: &str) -> Result<&str, SettleError> {
    let ok = !raw.is_empty() && raw.len() <= 255 && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok { Ok(raw) } else { Err(SettleError::BadReference(raw.to_owned())) }
}

pub async fn settle(ctx: &PaymentsContext, settlement: &Settlement) -> Result<Settled, SettleError> {
    let secrets = ctx.secrets.get().await?;
    let (call, action) = match settlement.action {
        Action::Capture { .. } => (Call::Capture, "capture"),
        Action::Void => (Call::Release, "release"),
    };
    let key = settlement.idempotency_key();
    let read = match settlement.provider {
        Provider::Stripe => {
            let api_key = secrets.stripe_api_key.as_deref().ok_or(SettleError::NotConfigured("stripe_api_key"))?;
            let id = stripe_id(&settlement.reference)?;
            let answer = match ctx.api.stripe_settle(id, call, api_key, &key).await {
                Err(e) if refused(&e) => ctx.api.stripe_intent(id, api_key).await?,
                other => other?,
            };
            stripe::read_intent(&answer)?
        }
        Provider::MercadoPago => {
            let token = secrets
                .mercadopago_access_token
                .as_deref()
                .ok_or(SettleError::NotConfigured("mercadopago_access_token"))?;
            let id = mercadopago::payment_id(&settlement.reference)
                .map_err(|_| SettleError::BadReference(settlement.reference.clone()))?;
            let answer = match ctx.api.mercadopago_settle(&id, call, token, &key).await {
                Err(e) if refused(&e) => ctx.api.mercadopago_payment(&id, token).await?,
                other => other?,
            };
            mercadopago::read_payment(&answer)?
        }
    };
    let stuck = |state: String| SettleError::Stuck { action, reference: settlement.reference.clone(), state };
    let event = match read {
        Read::Event(event) => event,
        Read::Ignored { event_type } => return Err(stuck(event_type)),
    };
    let as_asked = match (&event.change, call) {
        (PaymentChange::Captured { .. }, Call::Capture) | (PaymentChange::Voided, Call::Release) => true,
        // Still held or waiting: the call did not happen and nothing moved.
        (change @ (PaymentChange::Authorized { .. } | PaymentChange::Pending), _) => {
            return Err(stuck(change.kind().to_owned()));
        }
        // Moved elsewhere (expired, captured in the dashboard, refunded): that is the news.
        _ => false,
    };
    Ok(Settled { event, as_asked })
}
