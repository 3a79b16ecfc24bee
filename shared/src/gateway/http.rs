//! The payment providers' APIs, over HTTPS trusting the Mozilla roots (`webpki-roots`): fetch
//! a Mercado Pago payment (a notification names only its id), and capture or release an
//! authorisation at Stripe or Mercado Pago, each with an idempotency key. The base URLs come from
//! `STRIPE_API_URL` and `MERCADOPAGO_API_URL` (the providers' own by default; a test's fake
//! server locally). Every call has a deadline and a bounded answer.

use crate::context::ConfigError;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(10);
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the provider did not answer: {0}")]
    Unreachable(String),
    #[error("the provider answered {0}")]
    Status(u16),
}

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

#[derive(Clone, Debug)]
pub struct ProviderApi {
    /// Built at the first call: loading the roots and the TLS configuration is work a function
    /// that never calls a provider (the webhook) should not do at start.
    client: std::sync::Arc<std::sync::OnceLock<HttpsClient>>,
    /// One more root beside the Mozilla ones, from `BACKOFFICE_EXTRA_ROOT` (a test provider's
    /// own CA, so what is measured is this very client, handshake included).
    extra_root: Option<std::sync::Arc<[u8]>>,
    stripe: String,
    mercadopago: String,
}

/// What to ask of an authorised payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    Capture,
    Release,
}

fn base(lookup: &dyn Fn(&str) -> Option<String>, var: &'static str, default: &str) -> Result<String, ConfigError> {
    let url = lookup(var).unwrap_or_else(|| default.to_owned());
    let url = url.trim_end_matches('/').to_owned();
    if url.starts_with("https://") || url.starts_with("http://127.0.0.1") || url.starts_with("http://localhost") {
        Ok(url)
    } else {
        Err(ConfigError(var))
    }
}

impl ProviderApi {
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            client: std::sync::Arc::default(),
            extra_root: match lookup("BACKOFFICE_EXTRA_ROOT") {
                Some(path) => Some(std::fs::read(path).map_err(|_| ConfigError("BACKOFFICE_EXTRA_ROOT"))?.into()),
                None => None,
            },
            stripe: base(lookup, "STRIPE_API_URL", "https://api.stripe.com")?,
            mercadopago: base(lookup, "MERCADOPAGO_API_URL", "https://api.mercadopago.com")?,
        })
    }

    fn client(&self) -> &HttpsClient {
        self.client.get_or_init(|| {
            use rustls::pki_types::{CertificateDer, pem::PemObject};
            let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
            for cert in self.extra_root.iter().flat_map(|pem| CertificateDer::pem_slice_iter(pem)).flatten() {
                // A test root that does not parse leaves the Mozilla roots alone: the calls fail.
                let _ = roots.add(cert);
            }
            let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("aws-lc-rs supports TLS 1.2 and 1.3")
                .with_root_certificates(roots)
                .with_no_client_auth();
            let connector = hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(tls)
                // Plain HTTP only for a loopback test server: `base` refuses any other.
                .https_or_http()
                .enable_http1()
                .build();
            Client::builder(hyper_util::rt::TokioExecutor::new()).build(connector)
        })
    }

    /// `GET /v1/payments/{id}` with the application's access token: the payment's JSON.
    pub async fn mercadopago_payment(&self, id: &str, access_token: &str) -> Result<Bytes, ProviderError> {
        let request = hyper::Request::get(format!("{}/v1/payments/{id}", self.mercadopago))
            .header("authorization", format!("Bearer {access_token}"))
            .header("accept", "application/json")
            .body(Full::new(Bytes::new()))
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        self.send(request).await
    }

    /// `PUT /v1/payments/{id}` with `{"capture": true}` or `{"status": "cancelled"}`: the
    /// payment's JSON as it is after the call.
    pub async fn mercadopago_settle(
        &self,
        id: &str,
        call: Call,
        access_token: &str,
        idempotency_key: &str,
    ) -> Result<Bytes, ProviderError> {
        let body = match call {
            Call::Capture => r#"{"capture":true}"#,
            Call::Release => r#"{"status":"cancelled"}"#,
        };
        let request = hyper::Request::put(format!("{}/v1/payments/{id}", self.mercadopago))
            .header("authorization", format!("Bearer {access_token}"))
            .header("content-type", "application/json")
            .header("x-idempotency-key", idempotency_key)
            .body(Full::new(Bytes::from_static(body.as_bytes())))
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        self.send(request).await
    }

    /// `POST /v1/payment_intents/{id}/capture` or `/cancel` with the secret key: the
    /// PaymentIntent as it is after the call.
    pub async fn stripe_settle(
        &self,
        id: &str,
        call: Call,
        api_key: &str,
        idempotency_key: &str,
    ) -> Result<Bytes, ProviderError> {
        let verb = match call {
            Call::Capture => "capture",
            Call::Release => "cancel",
        };
        let request = hyper::Request::post(format!("{}/v1/payment_intents/{id}/{verb}", self.stripe))
            .header("authorization", format!("Bearer {api_key}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("idempotency-key", idempotency_key)
            .body(Full::new(Bytes::new()))
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        self.send(request).await
    }

    /// `GET /v1/payment_intents/{id}`: the PaymentIntent as it is.
    pub async fn stripe_intent(&self, id: &str, api_key: &str) -> Result<Bytes, ProviderError> {
        let request = hyper::Request::get(format!("{}/v1/payment_intents/{id}", self.stripe))
            .header("authorization", format!("Bearer {api_key}"))
            .body(Full::new(Bytes::new()))
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        self.send(request).await
    }

    async fn send(&self, request: hyper::Request<Full<Bytes>>) -> Result<Bytes, ProviderError> {
        let call = async {
            let response =
                self.client().request(request).await.map_err(|e| ProviderError::Unreachable(e.to_string()))?;
            let status = response.status();
            let body = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
                .collect()
                .await
                .map_err(|e| ProviderError::Unreachable(e.to_string()))?
                .to_bytes();
            if status.is_success() { Ok(body) } else { Err(ProviderError::Status(status.as_u16())) }
        };
        tokio::time::timeout(DEADLINE, call).await.map_err(|_| ProviderError::Unreachable("deadline passed".into()))?
    }
}
