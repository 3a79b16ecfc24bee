//! Stripe's events (API version 2024-06-20 and later), as documented under "Event object" and
//! "PaymentIntent", "Charge" and "Dispute". Only the fields read here are declared: Stripe adds
//! fields freely, so unknown ones are ignored.

use super::{PayloadError, PaymentChange, Provider, ProviderEvent, Read};
use crate::domain::money::Money;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
struct Event<'a> {
    id: String,
    #[serde(rename = "type")]
    event_type: String,
    #[serde(borrow)]
    data: Data<'a>,
}

/// The object is read once its type is known, from its text (no intermediate `Value`).
#[derive(Deserialize)]
struct Data<'a> {
    #[serde(borrow)]
    object: &'a serde_json::value::RawValue,
}

#[derive(Deserialize)]
struct PaymentIntent {
    id: String,
    #[serde(default)]
    status: String,
    currency: String,
    #[serde(default)]
    amount_capturable: i64,
    #[serde(default)]
    amount_received: i64,
    #[serde(default)]
    metadata: HashMap<String, String>,
    #[serde(default)]
    payment_method_types: Vec<String>,
}

#[derive(Deserialize)]
struct Charge {
    currency: String,
    amount_refunded: i64,
    payment_intent: Option<String>,
    #[serde(default)]
    metadata: HashMap<String, String>,
    #[serde(default)]
    payment_method_details: Option<MethodDetails>,
}

#[derive(Deserialize)]
struct MethodDetails {
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct Dispute {
    id: String,
    amount: i64,
    currency: String,
    status: String,
    payment_intent: Option<String>,
}

fn money(field: &str, amount: i64, currency: &str) -> Result<Money, PayloadError> {
    Money::parse_price(field, amount, &currency.to_ascii_uppercase()).map_err(|e| PayloadError::new(e.to_string()))
}

fn object<T: serde::de::DeserializeOwned>(raw: &serde_json::value::RawValue, what: &str) -> Result<T, PayloadError> {
    serde_json::from_str(raw.get()).map_err(|e| PayloadError::new(format!("data.object is not a {what}: {e}")))
}

/// Reads a Stripe event (the raw body, already verified).
pub fn read(body: &[u8]) -> Result<Read<ProviderEvent>, PayloadError> {
    let event: Event =
        serde_json::from_slice(body).map_err(|e| PayloadError::new(format!("not a Stripe event: {e}")))?;
    let event_id = event.id;
    let of_intent = |intent: PaymentIntent, change: PaymentChange| ProviderEvent {
        provider: Provider::Stripe,
        event_id: event_id.clone(),
        order_id: intent.metadata.get("order_id").cloned(),
        method: intent.payment_method_types.first().cloned(),
        payment: intent.id,
        change,
    };
    let read = match event.event_type.as_str() {
        "payment_intent.amount_capturable_updated" => {
            let intent: PaymentIntent = object(event.data.object, "PaymentIntent")?;
            let amount = money("amount_capturable", intent.amount_capturable, &intent.currency)?;
            of_intent(intent, PaymentChange::Authorized { amount })
        }
        "payment_intent.succeeded" => {
            let intent: PaymentIntent = object(event.data.object, "PaymentIntent")?;
            let amount = money("amount_received", intent.amount_received, &intent.currency)?;
            of_intent(intent, PaymentChange::Captured { amount })
        }
        "payment_intent.canceled" => of_intent(object(event.data.object, "PaymentIntent")?, PaymentChange::Voided),
        "payment_intent.payment_failed" => {
            of_intent(object(event.data.object, "PaymentIntent")?, PaymentChange::Failed)
        }
        "charge.refunded" => {
            let charge: Charge = object(event.data.object, "Charge")?;
            let total = money("amount_refunded", charge.amount_refunded, &charge.currency)?;
            ProviderEvent {
                provider: Provider::Stripe,
                payment: charge.payment_intent.ok_or_else(|| PayloadError::new("the charge has no payment_intent"))?,
                event_id,
                order_id: charge.metadata.get("order_id").cloned(),
                method: charge.payment_method_details.map(|d| d.kind),
                change: PaymentChange::Refunded { total },
            }
        }
        "charge.dispute.created" | "charge.dispute.closed" => {
            let dispute: Dispute = object(event.data.object, "Dispute")?;
            let change = if event.event_type == "charge.dispute.created" {
                PaymentChange::DisputeOpened {
                    amount: money("amount", dispute.amount, &dispute.currency)?,
                    dispute: dispute.id,
                }
            } else {
                PaymentChange::DisputeClosed { won: dispute.status == "won", dispute: dispute.id }
            };
            ProviderEvent {
                provider: Provider::Stripe,
                payment: dispute
                    .payment_intent
                    .ok_or_else(|| PayloadError::new("the dispute has no payment_intent"))?,
                event_id,
                // A dispute names the payment only: the order is the one that payment belongs to.
                order_id: None,
                method: None,
                change,
            }
        }
        other => return Ok(Read::Ignored { event_type: other.to_owned() }),
    };
    Ok(Read::Event(read))
}

/// Reads a PaymentIntent as the API answers it (to a capture, a cancellation or a read) into
/// the event its status stands for. The event id is the intent's state (`{id}:{status}`): the
/// same answer read twice is one event, and the webhook Stripe sends for the same change finds
/// the payment already there.
pub fn read_intent(body: &[u8]) -> Result<Read<ProviderEvent>, PayloadError> {
    let intent: PaymentIntent =
        serde_json::from_slice(body).map_err(|e| PayloadError::new(format!("not a PaymentIntent: {e}")))?;
    let change = match intent.status.as_str() {
        "requires_capture" => PaymentChange::Authorized {
            amount: money("amount_capturable", intent.amount_capturable, &intent.currency)?,
        },
        "succeeded" => {
            PaymentChange::Captured { amount: money("amount_received", intent.amount_received, &intent.currency)? }
        }
        "canceled" => PaymentChange::Voided,
        other => return Ok(Read::Ignored { event_type: format!("payment_intent.{other}") }),
    };
    Ok(Read::Event(ProviderEvent {
        provider: Provider::Stripe,
        event_id: format!("{}:{}", intent.id, intent.status),
        order_id: intent.metadata.get("order_id").cloned(),
        method: intent.payment_method_types.first().cloned(),
        payment: intent.id,
        change,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn brl(amount: i64) -> Money {
        Money::new(amount, Currency::parse("c", "BRL").unwrap())
    }

    fn intent_event(event_type: &str, intent: serde_json::Value) -> Vec<u8> {
        serde_json::json!({"id": "evt_1", "object": "event", "type": event_type, "api_version": "2024-06-20",
            "created": 1_765_000_000, "livemode": false, "data": {"object": intent}})
        .to_string()
        .into_bytes()
    }

    fn intent(amount_capturable: i64, amount_received: i64) -> serde_json::Value {
        serde_json::json!({"id": "pi_1", "object": "payment_intent", "amount": 2500, "currency": "brl",
            "amount_capturable": amount_capturable, "amount_received": amount_received,
            "capture_method": "manual", "metadata": {"order_id": "o-1"}, "payment_method_types": ["card"],
            "status": "requires_capture"})
    }

    #[test]
    fn given_an_authorised_intent_then_the_capturable_amount_is_held_for_its_order() {
        let Read::Event(event) =
            read(&intent_event("payment_intent.amount_capturable_updated", intent(2500, 0))).unwrap()
        else {
            panic!("ignored")
        };
        assert_eq!(event.event_id, "evt_1");
        assert_eq!(event.payment, "pi_1");
        assert_eq!(event.order_id.as_deref(), Some("o-1"));
        assert_eq!(event.method.as_deref(), Some("card"));
        assert_eq!(event.change, PaymentChange::Authorized { amount: brl(2500) });
    }

    #[test]
    fn given_a_succeeded_intent_then_what_was_received_is_captured() {
        let Read::Event(event) = read(&intent_event("payment_intent.succeeded", intent(0, 2400))).unwrap() else {
            panic!("ignored")
        };
        assert_eq!(event.change, PaymentChange::Captured { amount: brl(2400) });
    }

    #[test]
    fn given_a_refunded_charge_then_the_cumulative_refund_is_read_from_it() {
        let charge = serde_json::json!({"id": "ch_1", "object": "charge", "amount": 2500, "amount_refunded": 1000,
            "currency": "brl", "payment_intent": "pi_1", "metadata": {"order_id": "o-1"},
            "payment_method_details": {"type": "card"}});
        let Read::Event(event) = read(&intent_event("charge.refunded", charge)).unwrap() else { panic!("ignored") };
        assert_eq!(event.payment, "pi_1");
        assert_eq!(event.change, PaymentChange::Refunded { total: brl(1000) });
    }

    #[test]
    fn given_a_dispute_then_it_names_the_payment_and_its_outcome() {
        let dispute = |status: &str| {
            serde_json::json!({"id": "dp_1", "object": "dispute", "amount": 2500, "currency": "brl",
                "charge": "ch_1", "payment_intent": "pi_1", "status": status, "reason": "fraudulent"})
        };
        let Read::Event(opened) = read(&intent_event("charge.dispute.created", dispute("needs_response"))).unwrap()
        else {
            panic!("ignored")
        };
        assert_eq!(opened.change, PaymentChange::DisputeOpened { dispute: "dp_1".into(), amount: brl(2500) });
        assert_eq!(opened.order_id, None);
        let Read::Event(lost) = read(&intent_event("charge.dispute.closed", dispute("lost"))).unwrap() else {
            panic!("ignored")
        };
        assert_eq!(lost.change, PaymentChange::DisputeClosed { dispute: "dp_1".into(), won: false });
    }

    #[test]
    fn given_the_apis_answer_then_the_intents_status_is_the_event() {
        let answer = |status: &str, capturable: i64, received: i64| {
            let mut i = intent(capturable, received);
            i["status"] = status.into();
            i.to_string().into_bytes()
        };
        let Read::Event(captured) = read_intent(&answer("succeeded", 0, 2500)).unwrap() else { panic!("ignored") };
        assert_eq!(
            (captured.event_id.as_str(), &captured.change),
            ("pi_1:succeeded", &PaymentChange::Captured { amount: brl(2500) })
        );
        assert_eq!(captured.order_id.as_deref(), Some("o-1"));
        let Read::Event(voided) = read_intent(&answer("canceled", 0, 0)).unwrap() else { panic!("ignored") };
        assert_eq!(voided.change, PaymentChange::Voided);
        let Read::Event(held) = read_intent(&answer("requires_capture", 2500, 0)).unwrap() else { panic!("ignored") };
        assert_eq!(held.change, PaymentChange::Authorized { amount: brl(2500) });
        assert_eq!(
            read_intent(&answer("processing", 0, 0)).unwrap(),
            Read::Ignored { event_type: "payment_intent.processing".into() }
        );
        assert!(read_intent(b"{}").is_err());
    }

    #[test]
    fn given_an_event_the_backoffice_does_not_act_on_then_it_is_ignored_and_junk_is_refused() {
        assert_eq!(
            read(&intent_event("customer.created", serde_json::json!({"id": "cus_1"}))).unwrap(),
            Read::Ignored { event_type: "customer.created".into() }
        );
        assert!(read(b"not json").is_err());
        assert!(read(&intent_event("payment_intent.succeeded", serde_json::json!({"id": "pi_1"}))).is_err());
        let negative = intent_event("payment_intent.succeeded", intent(0, -5));
        assert!(read(&negative).is_err());
        let bad_currency =
            intent_event("payment_intent.succeeded", serde_json::json!({"id": "pi_1", "amount": 1, "currency": "zzz"}));
        assert!(read(&bad_currency).is_err());
    }
}
