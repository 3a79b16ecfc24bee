//! The gateways' secrets, from one AWS Secrets Manager secret (`PAYMENT_SECRETS_ARN`) holding
//! JSON:
//!
//! ```json
//! {"stripe_webhook_secrets": ["whsec_…"], "stripe_api_key": "sk_…",
//!  "mercadopago_webhook_secret": "…", "mercadopago_access_token": "APP_USR-…"}
//! ```
//!
//! Read at first use and kept for five minutes, so a rotated secret reaches running containers
//! without a deploy. They never appear in a log line or an error: `Debug` says only which
//! are set.

use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

const KEEP_FOR: Duration = Duration::from_secs(300);

#[derive(Clone, Default, Deserialize)]
pub struct GatewaySecrets {
    #[serde(default)]
    pub stripe_webhook_secrets: Vec<String>,
    #[serde(default)]
    pub stripe_api_key: Option<String>,
    #[serde(default)]
    pub mercadopago_webhook_secret: Option<String>,
    #[serde(default)]
    pub mercadopago_access_token: Option<String>,
}

impl std::fmt::Debug for GatewaySecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewaySecrets")
            .field("stripe_webhook_secrets", &self.stripe_webhook_secrets.len())
            .field("stripe_api_key", &self.stripe_api_key.is_some())
            .field("mercadopago_webhook_secret", &self.mercadopago_webhook_secret.is_some())
            .field("mercadopago_access_token", &self.mercadopago_access_token.is_some())
            .finish()
    }
}

impl GatewaySecrets {
    /// Stripe's endpoint secrets as the signature check takes them.
    pub fn stripe_secrets(&self) -> Vec<&str> {
        self.stripe_webhook_secrets.iter().map(String::as_str).filter(|s| !s.is_empty()).collect()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the payment secrets cannot be read: {0}")]
pub struct SecretsError(String);

/// Where the secrets come from, and the copy in hand.
#[derive(Debug)]
pub struct SecretSource {
    /// Built at first use: building a client parses the SDK's endpoint rules, a cost the
    /// start of an environment should not pay before a delivery needs it.
    client: std::sync::OnceLock<aws_sdk_secretsmanager::Client>,
    sdk: Option<aws_config::SdkConfig>,
    id: String,
    cached: Mutex<Option<(Instant, Arc<GatewaySecrets>)>>,
}

impl SecretSource {
    pub fn new(sdk: &aws_config::SdkConfig, id: String) -> Self {
        Self { client: std::sync::OnceLock::new(), sdk: Some(sdk.clone()), id, cached: Mutex::new(None) }
    }

    /// With a client built elsewhere (the local runner's, which records its calls).
    pub fn from_client(client: aws_sdk_secretsmanager::Client, id: String) -> Self {
        Self { client: std::sync::OnceLock::from(client), sdk: None, id, cached: Mutex::new(None) }
    }

    fn client(&self) -> &aws_sdk_secretsmanager::Client {
        self.client.get_or_init(|| match &self.sdk {
            Some(sdk) => aws_sdk_secretsmanager::Client::new(sdk),
            None => unreachable!("a source without configuration is built with its client"),
        })
    }

    /// The secret's ARN or name.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub async fn get(&self) -> Result<Arc<GatewaySecrets>, SecretsError> {
        let mut cached = self.cached.lock().await;
        if let Some((at, secrets)) = cached.as_ref()
            && at.elapsed() < KEEP_FOR
        {
            return Ok(secrets.clone());
        }
        let out = self
            .client()
            .get_secret_value()
            .secret_id(&self.id)
            .send()
            .await
            .map_err(|e| SecretsError(aws_sdk_secretsmanager::error::DisplayErrorContext(e).to_string()))?;
        let text = out.secret_string().ok_or_else(|| SecretsError("the secret holds no string".into()))?;
        // serde_json's message names a position, never the text.
        let secrets: GatewaySecrets =
            serde_json::from_str(text).map_err(|e| SecretsError(format!("not the documented JSON: {e}")))?;
        let secrets = Arc::new(secrets);
        *cached = Some((Instant::now(), secrets.clone()));
        Ok(secrets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_output() {
        let s: GatewaySecrets = serde_json::from_str(
            r#"{"stripe_webhook_secrets":["whsec_supersecret"],"stripe_api_key":"sk_live_x","mercadopago_access_token":"APP_USR-1"}"#,
        )
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("supersecret") && !shown.contains("sk_live") && !shown.contains("APP_USR"), "{shown}");
        assert_eq!(s.stripe_secrets(), ["whsec_supersecret"]);
    }
}
