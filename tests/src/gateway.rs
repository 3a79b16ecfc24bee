//! The payment providers, as the tests meet them: deliveries signed as Stripe and Mercado Pago
//! sign them (with the runner's development secrets), and both providers' APIs faked on a
//! loopback port as they document them. The fake stands for the providers only; every part of
//! the backoffice under test is the real one.

use crate::{JSON, Reply, TestApp};
use backoffice::gateway::signature::{mercadopago_manifest, sign};
use backoffice_local::provision::{
    LOCAL_MERCADOPAGO_ACCESS_TOKEN, LOCAL_MERCADOPAGO_WEBHOOK_SECRET, LOCAL_STRIPE_API_KEY, LOCAL_STRIPE_WEBHOOK_SECRET,
};
use http_body_util::Full;
use hyper::body::Bytes;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A Stripe event of `event_type` carrying `object`.
pub fn stripe_event(id: &str, event_type: &str, object: Value) -> String {
    json!({"id": id, "object": "event", "api_version": "2024-06-20", "created": chrono::Utc::now().timestamp(),
           "livemode": false, "type": event_type, "data": {"object": object}})
    .to_string()
}

/// A PaymentIntent for `order` (BRL, card): held while something is capturable, succeeded once
/// something was received.
pub fn intent(id: &str, order: &str, amount: i64, capturable: i64, received: i64) -> Value {
    let status = match (capturable, received) {
        (c, _) if c > 0 => "requires_capture",
        (_, r) if r > 0 => "succeeded",
        _ => "requires_payment_method",
    };
    json!({"id": id, "object": "payment_intent", "amount": amount, "amount_capturable": capturable,
           "amount_received": received, "capture_method": "manual", "currency": "brl",
           "metadata": {"order_id": order}, "payment_method_types": ["card"], "status": status})
}

/// `Stripe-Signature` for `body` at `t`, signed with `secret`.
pub fn stripe_signature(secret: &str, t: i64, body: &str) -> String {
    format!("t={t},v1={}", sign(secret, format!("{t}.{body}").as_bytes()))
}

impl TestApp {
    /// Delivers `body` to the Stripe webhook, signed now with the runner's secret.
    pub async fn stripe(&self, body: &str) -> Reply {
        let signature = stripe_signature(LOCAL_STRIPE_WEBHOOK_SECRET, chrono::Utc::now().timestamp(), body);
        self.call("POST", "/webhooks/payments/stripe", &[JSON, ("stripe-signature", &signature)], body).await
    }

    /// Notifies the Mercado Pago webhook that payment `id` changed, signed now.
    pub async fn mercadopago_notify(&self, id: &str, request_id: &str) -> Reply {
        let ts = chrono::Utc::now().timestamp().to_string();
        let manifest = mercadopago_manifest(Some(id), Some(request_id), &ts);
        let signature = format!("ts={ts},v1={}", sign(LOCAL_MERCADOPAGO_WEBHOOK_SECRET, manifest.as_bytes()));
        let body = json!({"action": "payment.updated", "api_version": "v1", "data": {"id": id},
                          "date_created": chrono::Utc::now().to_rfc3339(), "id": 1, "live_mode": false,
                          "type": "payment", "user_id": "1"})
        .to_string();
        let path = format!("/webhooks/payments/mercadopago?data.id={id}&type=payment");
        self.call("POST", &path, &[JSON, ("x-signature", &signature), ("x-request-id", request_id)], &body).await
    }
}

/// One request a fake provider served: what was asked, with which idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
}

#[derive(Default)]
struct Books {
    /// Mercado Pago's payments and Stripe's PaymentIntents, by id, as the APIs answer them.
    payments: HashMap<String, Value>,
    intents: HashMap<String, Value>,
    /// Stripe's idempotency: a key seen before gets the answer it got then.
    answered: HashMap<String, (u16, Value)>,
    served: Vec<Served>,
    /// Answer 500 to this many calls from now (a provider's outage).
    failing: usize,
}

/// Stripe's and Mercado Pago's APIs, faked on a loopback port as their documents describe
/// them: `GET`/`PUT /v1/payments/{id}` (Mercado Pago: read; capture with `{"capture": true}`;
/// cancel with `{"status": "cancelled"}`), and `GET /v1/payment_intents/{id}`,
/// `POST /v1/payment_intents/{id}/capture|cancel` (Stripe, with `Idempotency-Key` replay and
/// `payment_intent_unexpected_state` for a call the intent's status does not allow). Each
/// checks the bearer token the runner's secret holds. It records every request it served.
#[derive(Clone)]
pub struct FakeProviders {
    pub url: String,
    books: Arc<Mutex<Books>>,
}

fn answer(status: u16, body: &Value) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("a response")
}

impl FakeProviders {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let url = format!("http://127.0.0.1:{}", listener.local_addr().expect("bound").port());
        let fake = Self { url, books: Arc::default() };
        let serving = fake.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let fake = serving.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let fake = fake.clone();
                        async move {
                            use http_body_util::BodyExt;
                            let (parts, body) = req.into_parts();
                            let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                            Ok::<_, std::convert::Infallible>(fake.serve(&parts, &body))
                        }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
        fake
    }

    /// The Mercado Pago payment as `GET /v1/payments/{id}` answers it from now on.
    pub fn set(&self, id: &str, status: &str, order: &str, amount: &str, refunded: &str) {
        let payment = json!({"id": id.parse::<u64>().unwrap_or(0), "status": status, "status_detail": "accredited",
            "currency_id": "BRL", "transaction_amount": serde_json::from_str::<Value>(amount).unwrap(),
            "transaction_amount_refunded": serde_json::from_str::<Value>(refunded).unwrap(),
            "external_reference": order, "payment_method_id": "pix", "payment_type_id": "bank_transfer",
            "captured": status == "approved", "date_last_updated": chrono::Utc::now().to_rfc3339()});
        self.books.lock().unwrap().payments.insert(id.to_owned(), payment);
    }

    /// The Stripe PaymentIntent as the API answers it from now on (`intent(..)` builds one).
    pub fn set_intent(&self, intent: Value) {
        let id = intent["id"].as_str().expect("an intent id").to_owned();
        self.books.lock().unwrap().intents.insert(id, intent);
    }

    pub fn intent(&self, id: &str) -> Option<Value> {
        self.books.lock().unwrap().intents.get(id).cloned()
    }

    /// The next `calls` requests fail with 500, as a provider's outage would.
    pub fn fail_next(&self, calls: usize) {
        self.books.lock().unwrap().failing = calls;
    }

    pub fn served(&self) -> Vec<Served> {
        self.books.lock().unwrap().served.clone()
    }

    /// The paths of the requests served, in order.
    pub fn paths(&self) -> Vec<String> {
        self.served().into_iter().map(|s| format!("{} {}", s.method, s.path)).collect()
    }

    fn serve(&self, req: &hyper::http::request::Parts, body: &[u8]) -> hyper::Response<Full<Bytes>> {
        let path = req.uri.path().to_owned();
        let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let mut books = self.books.lock().unwrap();
        let key = header("idempotency-key").or_else(|| header("x-idempotency-key"));
        books.served.push(Served { method: req.method.to_string(), path: path.clone(), idempotency_key: key.clone() });
        if books.failing > 0 {
            books.failing -= 1;
            return answer(500, &json!({"error": {"type": "api_error", "message": "try again"}}));
        }
        let bearer = header("authorization").unwrap_or_default();
        if let Some(rest) = path.strip_prefix("/v1/payment_intents/") {
            if bearer != format!("Bearer {LOCAL_STRIPE_API_KEY}") {
                return answer(401, &json!({"error": {"type": "invalid_request_error", "message": "Invalid API Key"}}));
            }
            if let Some(key) = &key
                && let Some((status, body)) = books.answered.get(key)
            {
                return answer(*status, body);
            }
            let (id, verb) = rest.split_once('/').unwrap_or((rest, ""));
            let Some(intent) = books.intents.get_mut(id) else {
                return answer(404, &json!({"error": {"code": "resource_missing", "type": "invalid_request_error"}}));
            };
            let (status, body) = match (req.method.as_str(), verb) {
                ("GET", "") => (200, intent.clone()),
                ("POST", "capture" | "cancel") if intent["status"] != "requires_capture" => (
                    400,
                    json!({"error": {
                    "code": "payment_intent_unexpected_state", "type": "invalid_request_error",
                    "message": format!("This PaymentIntent could not be {verb}d because it has a status of {}.", intent["status"])}}),
                ),
                ("POST", "capture") => {
                    intent["amount_received"] = intent["amount_capturable"].clone();
                    intent["amount_capturable"] = json!(0);
                    intent["status"] = json!("succeeded");
                    (200, intent.clone())
                }
                ("POST", "cancel") => {
                    intent["amount_capturable"] = json!(0);
                    intent["status"] = json!("canceled");
                    (200, intent.clone())
                }
                _ => (404, json!({"error": {"type": "invalid_request_error", "message": "Unrecognized request URL"}})),
            };
            if let Some(key) = key {
                books.answered.insert(key, (status, body.clone()));
            }
            return answer(status, &body);
        }
        if let Some(id) = path.strip_prefix("/v1/payments/") {
            if bearer != format!("Bearer {LOCAL_MERCADOPAGO_ACCESS_TOKEN}") {
                return answer(401, &json!({"message": "invalid access token", "status": 401}));
            }
            let Some(payment) = books.payments.get_mut(id) else {
                return answer(404, &json!({"message": "Payment not found", "status": 404}));
            };
            if req.method == hyper::Method::PUT {
                let asked: Value = serde_json::from_slice(body).unwrap_or_default();
                let to = match (&asked["capture"], &asked["status"]) {
                    (Value::Bool(true), _) => "approved",
                    (_, Value::String(s)) if s == "cancelled" => "cancelled",
                    _ => return answer(400, &json!({"message": "invalid body", "status": 400})),
                };
                if payment["status"] != "authorized" {
                    return answer(
                        400,
                        &json!({"message": "Invalid operation for this payment status", "status": 400}),
                    );
                }
                payment["status"] = json!(to);
                payment["captured"] = json!(to == "approved");
                payment["date_last_updated"] = json!(chrono::Utc::now().to_rfc3339());
            }
            return answer(200, payment);
        }
        answer(404, &json!({"message": "not found", "status": 404}))
    }
}
