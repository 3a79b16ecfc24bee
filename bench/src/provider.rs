//! Stripe's PaymentIntents API, faked for the bench on two loopback ports: plain HTTP for the
//! recorded scenario (the in-process runner), HTTPS with the bench CA's certificate for the
//! measured processes, so a capture is measured with its TLS handshake as deployed. It knows
//! the intents the scenario authorised, answers `POST /v1/payment_intents/{id}/capture` with
//! the intent succeeded (again for every repeat, as Stripe replays an idempotency key), and
//! records each call as an exchange of the invocation that made it.

use backoffice_local::capture::Exchange;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The exchange target a provider call is recorded under: not an AWS call, so the replay never
/// serves it and the floor issues it through the provider adapter (`floor::Call::Stripe`).
pub const STRIPE_CAPTURE: &str = "Provider.StripeCapture";

#[derive(Default)]
struct State {
    intents: HashMap<String, Value>,
    served: Vec<Exchange>,
}

#[derive(Clone)]
pub struct FakeStripe {
    /// For the scenario's in-process functions.
    pub url: String,
    /// For the measured processes (they trust the bench CA through `BACKOFFICE_EXTRA_ROOT`).
    pub tls_url: String,
    state: Arc<Mutex<State>>,
}

impl FakeStripe {
    pub async fn start() -> Result<Self, crate::tls::Error> {
        let state = Arc::new(Mutex::new(State::default()));
        let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let tls = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let (url, tls_url) = (format!("http://{}", plain.local_addr()?), format!("https://{}", tls.local_addr()?));
        crate::serve(plain, None, state.clone(), answer);
        crate::serve(tls, Some(crate::tls::ca()?.acceptor.clone()), state.clone(), answer);
        Ok(Self { url, tls_url, state })
    }

    /// An intent authorised for `amount` centavos of BRL, for `order`.
    pub fn authorise(&self, id: &str, order: &str, amount: i64) -> Value {
        let intent = json!({"id": id, "object": "payment_intent", "amount": amount, "amount_capturable": amount,
            "amount_received": 0, "capture_method": "manual", "currency": "brl", "metadata": {"order_id": order},
            "payment_method_types": ["card"], "status": "requires_capture"});
        self.state.lock().expect("fake state").intents.insert(id.to_owned(), intent.clone());
        intent
    }

    /// The calls served so far, as exchanges.
    pub fn served(&self) -> Vec<Exchange> {
        self.state.lock().expect("fake state").served.clone()
    }
}

async fn answer(state: Arc<Mutex<State>>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let path = req.uri().path().to_owned();
    let captured = {
        let mut s = state.lock().expect("fake state");
        let id = path.strip_prefix("/v1/payment_intents/").and_then(|rest| rest.strip_suffix("/capture"));
        let found = id.filter(|_| req.method() == hyper::Method::POST).and_then(|id| s.intents.get_mut(id));
        let captured = found.map(|intent| {
            if intent["status"] == "requires_capture" {
                intent["amount_received"] = intent["amount_capturable"].clone();
                intent["amount_capturable"] = json!(0);
                intent["status"] = json!("succeeded");
            }
            intent.to_string()
        });
        if let Some(body) = &captured {
            s.served.push(Exchange {
                target: STRIPE_CAPTURE.into(),
                path: path.clone(),
                request: String::new(),
                status: 200,
                headers: Vec::new(),
                response: body.clone(),
            });
        }
        captured
    };
    let (status, body) = match captured {
        Some(body) => (200, body),
        None => (404, json!({"error": {"type": "invalid_request_error", "message": "no such intent"}}).to_string()),
    };
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("a response"))
}
