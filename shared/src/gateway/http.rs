//! The payment providers' APIs, over HTTPS trusting the Mozilla roots (`webpki-roots`): fetch
//! a Mercado Pago payment (a notification names only its id). The base URLs come from
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
    mercadopago: String,
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
            mercadopago: base(lookup, "MERCADOPAGO_API_URL", "https://api.mercadopago.com")?,
        })
    }

    fn client(&self) -> &HttpsClient {
        self.client.get_or_init(|| {
            let connector = hyper_rustls::HttpsConnectorBuilder::new()
                .with_webpki_roots()
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
