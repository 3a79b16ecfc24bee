//! What the webhook does with a delivery, decided without I/O: check the signature, read the
//! payload, and say what to queue (or that the delivery is acknowledged and dropped).

use super::signature::{self, MercadoPagoHeaders, SignatureError};
use super::{PayloadError, Provider, ProviderEvent, Read, mercadopago, stripe};
use serde::{Deserialize, Serialize};

/// The largest body accepted. Stripe's events are a few KB, Mercado Pago's notifications a few
/// hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How far a signature's timestamp may be from now (Stripe's libraries use 300 s).
pub const DEFAULT_TOLERANCE_SECONDS: i64 = 300;

/// What goes on the payment-events queue: an event read from a Stripe delivery, or the id of a
/// Mercado Pago payment to fetch (its notification carries nothing else).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMessage {
    Event(ProviderEvent),
    MercadoPagoPayment { id: String },
}

/// A delivery as the webhook received it.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    pub provider: Provider,
    pub body: &'a [u8],
    /// `Stripe-Signature` or `x-signature`.
    pub signature: Option<&'a str>,
    /// `x-request-id` (Mercado Pago).
    pub request_id: Option<&'a str>,
    /// `data.id` from the query string (Mercado Pago).
    pub data_id: Option<&'a str>,
}

/// The secrets that authenticate deliveries.
#[derive(Clone, Copy)]
pub struct WebhookSecrets<'a> {
    /// Stripe's endpoint secrets: one, or two while rotating.
    pub stripe: &'a [&'a str],
    pub mercadopago: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("the body is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    #[error("no secret is configured for {0}")]
    NotConfigured(Provider),
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error("{0}")]
    Payload(#[from] PayloadError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intake {
    Queue(PaymentMessage),
    Ignore { event_type: String },
}

/// Checks and reads a delivery. The signature is checked before anything in the body is read.
pub fn intake(
    delivery: Delivery<'_>,
    secrets: WebhookSecrets<'_>,
    now: i64,
    tolerance: i64,
) -> Result<Intake, IntakeError> {
    if delivery.body.len() > MAX_BODY_BYTES {
        return Err(IntakeError::TooLarge);
    }
    let read = match delivery.provider {
        Provider::Stripe => {
            if secrets.stripe.is_empty() {
                return Err(IntakeError::NotConfigured(Provider::Stripe));
            }
            signature::verify_stripe(delivery.signature, delivery.body, secrets.stripe, now, tolerance)?;
            match stripe::read(delivery.body)? {
                Read::Event(event) => Read::Event(PaymentMessage::Event(event)),
                Read::Ignored { event_type } => Read::Ignored { event_type },
            }
        }
        Provider::MercadoPago => {
            let secret = secrets.mercadopago.ok_or(IntakeError::NotConfigured(Provider::MercadoPago))?;
            let headers = MercadoPagoHeaders {
                x_signature: delivery.signature,
                x_request_id: delivery.request_id,
                data_id: delivery.data_id,
            };
            signature::verify_mercadopago(headers, secret, now, tolerance)?;
            match mercadopago::read_notification(delivery.body)? {
                // The signed id is the query string's: the body must name the same payment.
                Read::Event(id) if delivery.data_id.is_some_and(|q| q.eq_ignore_ascii_case(&id)) => {
                    Read::Event(PaymentMessage::MercadoPagoPayment { id })
                }
                Read::Event(_) => return Err(PayloadError::new("data.id differs from the signed query string").into()),
                Read::Ignored { event_type } => Read::Ignored { event_type },
            }
        }
    };
    Ok(match read {
        Read::Event(message) => Intake::Queue(message),
        Read::Ignored { event_type } => Intake::Ignore { event_type },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::signature::{mercadopago_manifest, sign};

    const NOW: i64 = 1_765_000_000;

    fn stripe_delivery<'a>(body: &'a [u8], header: &'a str) -> Delivery<'a> {
        Delivery { provider: Provider::Stripe, body, signature: Some(header), request_id: None, data_id: None }
    }

    fn secrets() -> WebhookSecrets<'static> {
        WebhookSecrets { stripe: &["whsec_a"], mercadopago: Some("mp") }
    }

    #[test]
    fn a_signed_stripe_event_is_queued_and_an_unhandled_type_is_acknowledged() {
        let body = br#"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","currency":"brl","amount_received":2500,"metadata":{"order_id":"o"}}}}"#;
        let header = format!("t={NOW},v1={}", sign("whsec_a", &[format!("{NOW}.").as_bytes(), body].concat()));
        let Intake::Queue(PaymentMessage::Event(event)) =
            intake(stripe_delivery(body, &header), secrets(), NOW, 300).unwrap()
        else {
            panic!("not queued")
        };
        assert_eq!(event.event_id, "evt_1");
        let other = br#"{"id":"evt_2","type":"customer.created","data":{"object":{}}}"#;
        let header = format!("t={NOW},v1={}", sign("whsec_a", &[format!("{NOW}.").as_bytes(), other].concat()));
        assert_eq!(
            intake(stripe_delivery(other, &header), secrets(), NOW, 300),
            Ok(Intake::Ignore { event_type: "customer.created".into() })
        );
    }

    #[test]
    fn a_body_too_large_or_a_provider_without_secret_is_refused_before_anything_is_read() {
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(intake(stripe_delivery(&big, "t=1,v1=00"), secrets(), NOW, 300), Err(IntakeError::TooLarge));
        let none = WebhookSecrets { stripe: &[], mercadopago: None };
        assert_eq!(
            intake(stripe_delivery(b"{}", "t=1,v1=00"), none, NOW, 300),
            Err(IntakeError::NotConfigured(Provider::Stripe))
        );
    }

    #[test]
    fn a_mercadopago_notification_queues_the_signed_payment_id_only() {
        let body = br#"{"type":"payment","action":"payment.updated","data":{"id":"999"}}"#;
        let manifest = mercadopago_manifest(Some("999"), Some("r-1"), &NOW.to_string());
        let header = format!("ts={NOW},v1={}", sign("mp", manifest.as_bytes()));
        let delivery = Delivery {
            provider: Provider::MercadoPago,
            body,
            signature: Some(&header),
            request_id: Some("r-1"),
            data_id: Some("999"),
        };
        assert_eq!(
            intake(delivery, secrets(), NOW, 300),
            Ok(Intake::Queue(PaymentMessage::MercadoPagoPayment { id: "999".into() }))
        );
        // Signed for 999, body about 998: refused.
        let swapped = Delivery { body: br#"{"type":"payment","data":{"id":"998"}}"#, ..delivery };
        assert!(matches!(intake(swapped, secrets(), NOW, 300), Err(IntakeError::Payload(_))));
    }
}
