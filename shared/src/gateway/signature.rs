//! Webhook signatures, as each provider documents them. Pure: the caller gives the header
//! values, the raw body, the secret(s) and the clock.
//!
//! - Stripe: `Stripe-Signature: t={unix seconds},v1={hex}[,v1={hex}…]`, HMAC-SHA256 of
//!   `"{t}.{raw body}"` keyed with the endpoint secret; any `v1` may match (during a secret's
//!   rotation Stripe signs with both), and `t` must be within the tolerance of now.
//! - Mercado Pago: `x-signature: ts={unix time},v1={hex}` and `x-request-id`, HMAC-SHA256 of the
//!   manifest `id:{data.id};request-id:{x-request-id};ts:{ts};` keyed with the application's
//!   secret, where `data.id` comes from the query string (lowercased when alphanumeric) and a
//!   part that is missing is left out of the manifest.
//!
//! Every comparison is in constant time (`Mac::verify_slice`).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a signature was refused. None of them says which part of a secret was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is missing")]
    Missing,
    #[error("the signature header is malformed")]
    Malformed,
    #[error("the signature's timestamp is outside the accepted window")]
    Stale,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// The `key=value` pairs of a signature header, in order (`v1` may repeat).
fn pairs(header: &str) -> Result<Vec<(&str, &str)>, SignatureError> {
    header
        .split(',')
        .map(|part| {
            let (k, v) = part.trim().split_once('=').ok_or(SignatureError::Malformed)?;
            if k.is_empty() || v.is_empty() { Err(SignatureError::Malformed) } else { Ok((k, v)) }
        })
        .collect()
}

fn timestamp(raw: &str) -> Result<i64, SignatureError> {
    if raw.is_empty() || raw.len() > 16 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SignatureError::Malformed);
    }
    raw.parse().map_err(|_| SignatureError::Malformed)
}

/// Whether `at` (seconds) is within `tolerance` seconds of `now`, either way (a clock ahead by
/// more than the tolerance is refused as well as a replay of an old delivery).
fn fresh(at: i64, now: i64, tolerance: i64) -> Result<(), SignatureError> {
    if (now - at).abs() <= tolerance { Ok(()) } else { Err(SignatureError::Stale) }
}

/// Whether the hex `signature` is the HMAC-SHA256 of `parts` under `secret`.
fn matches(secret: &[u8], parts: &[&[u8]], signature: &str) -> bool {
    let Ok(tag) = hex::decode(signature) else { return false };
    let Ok(mut mac) = HmacSha256::new_from_slice(secret) else { return false };
    for part in parts {
        mac.update(part);
    }
    mac.verify_slice(&tag).is_ok()
}

/// Checks a Stripe delivery. `secrets` are the endpoint's current secrets (one, or two while
/// rotating); `now` and the result's timestamp are Unix seconds.
pub fn verify_stripe(
    header: Option<&str>,
    body: &[u8],
    secrets: &[&str],
    now: i64,
    tolerance_seconds: i64,
) -> Result<i64, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let pairs = pairs(header)?;
    let t = pairs.iter().find(|(k, _)| *k == "t").map(|(_, v)| *v).ok_or(SignatureError::Malformed)?;
    let t_value = timestamp(t)?;
    let candidates: Vec<&str> = pairs.iter().filter(|(k, _)| *k == "v1").map(|(_, v)| *v).collect();
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    // The signature is checked before the clock, so a stale but genuine delivery says "stale"
    // and a forged one never learns whether its timestamp would have passed.
    let signed = secrets
        .iter()
        .any(|secret| candidates.iter().any(|v1| matches(secret.as_bytes(), &[t.as_bytes(), b".", body], v1)));
    if !signed {
        return Err(SignatureError::Mismatch);
    }
    fresh(t_value, now, tolerance_seconds)?;
    Ok(t_value)
}

/// What a Mercado Pago delivery carries besides its body.
#[derive(Debug, Clone, Copy, Default)]
pub struct MercadoPagoHeaders<'a> {
    pub x_signature: Option<&'a str>,
    pub x_request_id: Option<&'a str>,
    /// `data.id` from the notification URL's query string.
    pub data_id: Option<&'a str>,
}

/// The manifest Mercado Pago signs, each part only when present.
pub fn mercadopago_manifest(data_id: Option<&str>, request_id: Option<&str>, ts: &str) -> String {
    let mut manifest = String::new();
    if let Some(id) = data_id.filter(|id| !id.is_empty()) {
        let id = if id.chars().all(|c| c.is_ascii_alphanumeric()) { id.to_ascii_lowercase() } else { id.to_owned() };
        manifest.push_str(&format!("id:{id};"));
    }
    if let Some(request_id) = request_id.filter(|r| !r.is_empty()) {
        manifest.push_str(&format!("request-id:{request_id};"));
    }
    manifest.push_str(&format!("ts:{ts};"));
    manifest
}

/// Checks a Mercado Pago delivery. `ts` is documented in seconds and seen in milliseconds;
/// both are read (a value past the year 5000 in seconds is taken as milliseconds).
pub fn verify_mercadopago(
    headers: MercadoPagoHeaders<'_>,
    secret: &str,
    now: i64,
    window_seconds: i64,
) -> Result<i64, SignatureError> {
    let header = headers.x_signature.ok_or(SignatureError::Missing)?;
    let pairs = pairs(header)?;
    let find = |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let ts = find("ts").ok_or(SignatureError::Malformed)?;
    let v1 = find("v1").ok_or(SignatureError::Malformed)?;
    let raw = timestamp(ts)?;
    let seconds = if raw > 100_000_000_000 { raw / 1000 } else { raw };
    let manifest = mercadopago_manifest(headers.data_id, headers.x_request_id, ts);
    if !matches(secret.as_bytes(), &[manifest.as_bytes()], v1) {
        return Err(SignatureError::Mismatch);
    }
    fresh(seconds, now, window_seconds)?;
    Ok(seconds)
}

/// The hex HMAC-SHA256 of `message` under `secret`: what a provider sends, for tests and the
/// local runner's examples.
pub fn sign(secret: &str, message: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const NOW: i64 = 1_765_000_000;
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    fn stripe_header(secret: &str, t: i64, body: &[u8]) -> String {
        let mut message = format!("{t}.").into_bytes();
        message.extend_from_slice(body);
        format!("t={t},v1={}", sign(secret, &message))
    }

    #[test]
    fn given_a_stripe_delivery_signed_with_the_secret_when_verified_then_it_holds() {
        let header = stripe_header(SECRET, NOW - 10, BODY);
        assert_eq!(verify_stripe(Some(&header), BODY, &[SECRET], NOW, 300), Ok(NOW - 10));
    }

    #[test]
    fn given_a_rotation_when_either_secret_signed_then_it_holds() {
        let header = format!("{},v1={}", stripe_header("whsec_new", NOW, BODY), "00".repeat(32));
        assert!(verify_stripe(Some(&header), BODY, &["whsec_old", "whsec_new"], NOW, 300).is_ok());
        let old_only = stripe_header("whsec_old", NOW, BODY);
        assert!(verify_stripe(Some(&old_only), BODY, &["whsec_old", "whsec_new"], NOW, 300).is_ok());
    }

    #[test]
    fn given_a_wrong_secret_an_altered_byte_or_an_old_timestamp_then_stripe_is_refused() {
        let good = stripe_header(SECRET, NOW, BODY);
        assert_eq!(verify_stripe(Some(&good), BODY, &["whsec_other"], NOW, 300), Err(SignatureError::Mismatch));
        let mut altered = BODY.to_vec();
        altered[5] ^= 1;
        assert_eq!(verify_stripe(Some(&good), &altered, &[SECRET], NOW, 300), Err(SignatureError::Mismatch));
        let old = stripe_header(SECRET, NOW - 301, BODY);
        assert_eq!(verify_stripe(Some(&old), BODY, &[SECRET], NOW, 300), Err(SignatureError::Stale));
        let ahead = stripe_header(SECRET, NOW + 301, BODY);
        assert_eq!(verify_stripe(Some(&ahead), BODY, &[SECRET], NOW, 300), Err(SignatureError::Stale));
    }

    #[test]
    fn given_a_missing_or_malformed_stripe_header_then_it_is_refused_as_such() {
        assert_eq!(verify_stripe(None, BODY, &[SECRET], NOW, 300), Err(SignatureError::Missing));
        for header in ["", "t=", "v1=abc", "t=12,v0=ab", "t=abc,v1=00", "garbage", "t=1,,v1=00"] {
            assert_eq!(
                verify_stripe(Some(header), BODY, &[SECRET], NOW, 300),
                Err(SignatureError::Malformed),
                "{header:?}"
            );
        }
        let not_hex = format!("t={NOW},v1=zz");
        assert_eq!(verify_stripe(Some(&not_hex), BODY, &[SECRET], NOW, 300), Err(SignatureError::Mismatch));
    }

    #[test]
    fn the_mercadopago_manifest_follows_the_documented_form() {
        assert_eq!(
            mercadopago_manifest(Some("ABC123"), Some("req-1"), "1704908010"),
            "id:abc123;request-id:req-1;ts:1704908010;"
        );
        // Not alphanumeric: kept as sent. Missing parts are left out.
        assert_eq!(mercadopago_manifest(Some("A-1"), None, "1"), "id:A-1;ts:1;");
        assert_eq!(mercadopago_manifest(None, Some("r"), "1"), "request-id:r;ts:1;");
    }

    fn mp(secret: &str, data_id: &str, request_id: &str, ts: i64) -> String {
        let manifest = mercadopago_manifest(Some(data_id), Some(request_id), &ts.to_string());
        format!("ts={ts},v1={}", sign(secret, manifest.as_bytes()))
    }

    #[test]
    fn given_a_mercadopago_delivery_when_verified_then_seconds_and_milliseconds_both_hold() {
        for ts in [NOW - 5, (NOW - 5) * 1000] {
            let header = mp("mp-secret", "123456", "req-9", ts);
            let headers =
                MercadoPagoHeaders { x_signature: Some(&header), x_request_id: Some("req-9"), data_id: Some("123456") };
            assert_eq!(verify_mercadopago(headers, "mp-secret", NOW, 300), Ok(NOW - 5));
        }
    }

    #[test]
    fn given_another_payment_id_request_or_secret_then_mercadopago_is_refused() {
        let header = mp("mp-secret", "123456", "req-9", NOW);
        let base =
            MercadoPagoHeaders { x_signature: Some(&header), x_request_id: Some("req-9"), data_id: Some("123456") };
        assert_eq!(verify_mercadopago(base, "other", NOW, 300), Err(SignatureError::Mismatch));
        let other_id = MercadoPagoHeaders { data_id: Some("123457"), ..base };
        assert_eq!(verify_mercadopago(other_id, "mp-secret", NOW, 300), Err(SignatureError::Mismatch));
        let other_request = MercadoPagoHeaders { x_request_id: Some("req-8"), ..base };
        assert_eq!(verify_mercadopago(other_request, "mp-secret", NOW, 300), Err(SignatureError::Mismatch));
        assert_eq!(verify_mercadopago(base, "mp-secret", NOW + 301, 300), Err(SignatureError::Stale));
        let missing = MercadoPagoHeaders { x_signature: None, ..base };
        assert_eq!(verify_mercadopago(missing, "mp-secret", NOW, 300), Err(SignatureError::Missing));
        for bad in ["ts=1", "v1=00", "ts=x,v1=00", "nonsense"] {
            let malformed = MercadoPagoHeaders { x_signature: Some(bad), ..base };
            assert_eq!(verify_mercadopago(malformed, "mp-secret", NOW, 300), Err(SignatureError::Malformed), "{bad}");
        }
    }
}
