//! The payment providers, as the tests meet them: deliveries signed as Stripe and Mercado Pago
//! sign them (with the runner's development secrets), and a fake Mercado Pago API on a loopback
//! port serving `GET /v1/payments/{id}` as the provider documents it. The fake stands for the
//! provider only; every part of the backoffice under test is the real one.

use crate::{JSON, Reply, TestApp};
use backoffice::gateway::signature::{mercadopago_manifest, sign};
use backoffice_local::provision::{
    LOCAL_MERCADOPAGO_ACCESS_TOKEN, LOCAL_MERCADOPAGO_WEBHOOK_SECRET, LOCAL_STRIPE_WEBHOOK_SECRET,
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

/// A PaymentIntent for `order` (BRL, card).
pub fn intent(id: &str, order: &str, amount: i64, capturable: i64, received: i64) -> Value {
    json!({"id": id, "object": "payment_intent", "amount": amount, "amount_capturable": capturable,
           "amount_received": received, "currency": "brl", "metadata": {"order_id": order},
           "payment_method_types": ["card"], "status": "succeeded"})
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

/// Mercado Pago's payments API, faked: the payments it knows, and the requests it served.
#[derive(Clone)]
pub struct FakeMercadoPago {
    pub url: String,
    payments: Arc<Mutex<HashMap<String, Value>>>,
    served: Arc<Mutex<Vec<String>>>,
}

impl FakeMercadoPago {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let url = format!("http://127.0.0.1:{}", listener.local_addr().expect("bound").port());
        let fake = Self { url, payments: Arc::default(), served: Arc::default() };
        let serving = fake.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let fake = serving.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let fake = fake.clone();
                        async move { Ok::<_, std::convert::Infallible>(fake.answer(&req)) }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
        fake
    }

    /// The payment as `GET /v1/payments/{id}` answers it from now on.
    pub fn set(&self, id: &str, status: &str, order: &str, amount: &str, refunded: &str) {
        let payment = json!({"id": id.parse::<u64>().unwrap_or(0), "status": status, "status_detail": "accredited",
            "currency_id": "BRL", "transaction_amount": serde_json::from_str::<Value>(amount).unwrap(),
            "transaction_amount_refunded": serde_json::from_str::<Value>(refunded).unwrap(),
            "external_reference": order, "payment_method_id": "pix", "payment_type_id": "bank_transfer",
            "captured": status == "approved"});
        self.payments.lock().unwrap().insert(id.to_owned(), payment);
    }

    pub fn served(&self) -> Vec<String> {
        self.served.lock().unwrap().clone()
    }

    fn answer(&self, req: &hyper::Request<hyper::body::Incoming>) -> hyper::Response<Full<Bytes>> {
        let path = req.uri().path().to_owned();
        self.served.lock().unwrap().push(path.clone());
        let authorised = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == format!("Bearer {LOCAL_MERCADOPAGO_ACCESS_TOKEN}"));
        let (status, body) = match path.strip_prefix("/v1/payments/") {
            _ if !authorised => (401, json!({"message": "invalid access token", "status": 401})),
            Some(id) if req.method() == hyper::Method::GET => match self.payments.lock().unwrap().get(id) {
                Some(p) => (200, p.clone()),
                None => (404, json!({"message": "Payment not found", "status": 404})),
            },
            _ => (404, json!({"message": "not found", "status": 404})),
        };
        hyper::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .expect("a response")
    }
}
