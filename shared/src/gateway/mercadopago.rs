//! Mercado Pago's webhooks ("Notificações Webhooks") and its payment resource
//! (`GET /v1/payments/{id}`). A notification carries only ids; the payment is fetched from the
//! provider's API and read here. Amounts are decimal JSON numbers there: read from their text,
//! never through floating point.

use super::{PayloadError, PaymentChange, Provider, ProviderEvent, Read};
use crate::domain::money::Money;
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct Notification {
    #[serde(rename = "type")]
    topic: String,
    data: NotificationData,
}

#[derive(Deserialize)]
struct NotificationData {
    id: serde_json::Value,
}

/// Reads a notification's body: the payment it is about, or a topic the backoffice ignores
/// (merchant orders, subscriptions…).
pub fn read_notification(body: &[u8]) -> Result<Read<String>, PayloadError> {
    let n: Notification =
        serde_json::from_slice(body).map_err(|e| PayloadError::new(format!("not a Mercado Pago notification: {e}")))?;
    if n.topic != "payment" {
        return Ok(Read::Ignored { event_type: n.topic });
    }
    let id = match n.data.id {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err(PayloadError::new("data.id is not a payment id")),
    };
    payment_id(&id).map(Read::Event)
}

/// A payment id as it may appear in a URL path: 1–64 ASCII letters and digits.
pub fn payment_id(raw: &str) -> Result<String, PayloadError> {
    if !raw.is_empty() && raw.len() <= 64 && raw.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(raw.to_owned())
    } else {
        Err(PayloadError::new("data.id is not a payment id"))
    }
}

#[derive(Deserialize)]
struct Payment<'a> {
    id: serde_json::Value,
    status: String,
    currency_id: String,
    #[serde(borrow)]
    transaction_amount: &'a RawValue,
    #[serde(default, borrow)]
    transaction_amount_refunded: Option<&'a RawValue>,
    #[serde(default)]
    external_reference: Option<String>,
    #[serde(default)]
    payment_method_id: Option<String>,
    #[serde(default)]
    date_last_updated: Option<String>,
}

fn amount(field: &str, raw: &RawValue, currency: &str) -> Result<Money, PayloadError> {
    Money::parse_decimal(field, raw.get(), currency).map_err(|e| PayloadError::new(e.to_string()))
}

/// Reads a payment fetched from the API into the event it stands for. The event id is the
/// payment's state (`{id}:{status}:{refunded}:{date_last_updated}`): every notification of the
/// same state is one event, applied once, and a payment that comes back to a status it had
/// (approved again after a mediation) is a new one.
pub fn read_payment(body: &[u8]) -> Result<Read<ProviderEvent>, PayloadError> {
    let p: Payment<'_> =
        serde_json::from_slice(body).map_err(|e| PayloadError::new(format!("not a Mercado Pago payment: {e}")))?;
    let id = match &p.id {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.clone(),
        _ => return Err(PayloadError::new("the payment has no id")),
    };
    let total = amount("transaction_amount", p.transaction_amount, &p.currency_id)?;
    let refunded = match p.transaction_amount_refunded {
        Some(raw) => amount("transaction_amount_refunded", raw, &p.currency_id)?,
        None => Money::zero(total.currency()),
    };
    let change = match p.status.as_str() {
        "pending" | "in_process" => PaymentChange::Pending,
        "authorized" => PaymentChange::Authorized { amount: total },
        "approved" => PaymentChange::Captured { amount: total },
        "rejected" => PaymentChange::Failed,
        "cancelled" => PaymentChange::Voided,
        "refunded" => PaymentChange::Refunded { total: if refunded.amount() > 0 { refunded } else { total } },
        "in_mediation" => PaymentChange::DisputeOpened { dispute: id.clone(), amount: total },
        "charged_back" => PaymentChange::DisputeClosed { dispute: id.clone(), won: false },
        other => return Ok(Read::Ignored { event_type: format!("payment.{other}") }),
    };
    Ok(Read::Event(ProviderEvent {
        provider: Provider::MercadoPago,
        event_id: format!("{id}:{}:{}:{}", p.status, refunded.amount(), p.date_last_updated.as_deref().unwrap_or("")),
        payment: id,
        order_id: p.external_reference.filter(|r| !r.is_empty()),
        method: p.payment_method_id,
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

    fn payment(status: &str, amount: &str, refunded: &str) -> Vec<u8> {
        format!(
            r#"{{"id": 1234567890, "status": "{status}", "status_detail": "accredited", "currency_id": "BRL",
            "transaction_amount": {amount}, "transaction_amount_refunded": {refunded},
            "external_reference": "o-1", "payment_method_id": "pix", "payment_type_id": "bank_transfer",
            "captured": true, "date_approved": "2026-12-07T10:00:00.000-03:00"}}"#
        )
        .into_bytes()
    }

    fn event(body: &[u8]) -> ProviderEvent {
        match read_payment(body).unwrap() {
            Read::Event(e) => e,
            Read::Ignored { event_type } => panic!("ignored {event_type}"),
        }
    }

    #[test]
    fn a_payment_notification_names_the_payment_and_other_topics_are_ignored() {
        let body = br#"{"action":"payment.updated","api_version":"v1","data":{"id":"123456"},"id":12345,
            "live_mode":true,"type":"payment","user_id":"44444"}"#;
        assert_eq!(read_notification(body).unwrap(), Read::Event("123456".into()));
        let numeric = br#"{"type":"payment","data":{"id":123456}}"#;
        assert_eq!(read_notification(numeric).unwrap(), Read::Event("123456".into()));
        let order = br#"{"type":"topic_merchant_order_wh","data":{"id":"1"}}"#;
        assert!(matches!(read_notification(order).unwrap(), Read::Ignored { .. }));
        assert!(read_notification(br#"{"type":"payment","data":{"id":"../x"}}"#).is_err());
        assert!(read_notification(b"[]").is_err());
    }

    #[test]
    fn an_approved_pix_is_captured_from_its_decimal_amount() {
        let e = event(&payment("approved", "100.5", "0"));
        assert_eq!(e.change, PaymentChange::Captured { amount: brl(10050) });
        assert_eq!(e.payment, "1234567890");
        assert_eq!(e.order_id.as_deref(), Some("o-1"));
        assert_eq!(e.method.as_deref(), Some("pix"));
        assert_eq!(e.event_id, "1234567890:approved:0:");
    }

    #[test]
    fn each_status_reads_as_its_change() {
        assert_eq!(event(&payment("pending", "25", "0")).change, PaymentChange::Pending);
        assert_eq!(event(&payment("in_process", "25", "0")).change, PaymentChange::Pending);
        assert_eq!(event(&payment("authorized", "25", "0")).change, PaymentChange::Authorized { amount: brl(2500) });
        assert_eq!(event(&payment("rejected", "25", "0")).change, PaymentChange::Failed);
        assert_eq!(event(&payment("cancelled", "25", "0")).change, PaymentChange::Voided);
        assert_eq!(event(&payment("refunded", "25", "25")).change, PaymentChange::Refunded { total: brl(2500) });
        let back = event(&payment("charged_back", "25", "0"));
        assert_eq!(back.change, PaymentChange::DisputeClosed { dispute: "1234567890".into(), won: false });
    }

    #[test]
    fn amounts_with_more_decimals_than_the_currency_or_in_exponent_form_are_refused() {
        assert!(read_payment(&payment("approved", "10.005", "0")).is_err());
        assert!(read_payment(&payment("approved", "1e3", "0")).is_err());
        assert!(read_payment(&payment("approved", "-5", "0")).is_err());
    }
}
