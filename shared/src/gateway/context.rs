//! What the payment functions need beside the store: the secrets, the providers' APIs and the
//! queue deliveries go to. Built from the environment when `PAYMENT_SECRETS_ARN` is set.

use super::http::ProviderApi;
use super::secrets::SecretSource;
use crate::context::ConfigError;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct PaymentsContext {
    pub secrets: Arc<SecretSource>,
    pub api: ProviderApi,
    /// The queue's client, built at first use (only the webhook sends).
    pub sqs: std::sync::OnceLock<aws_sdk_sqs::Client>,
    sdk: aws_config::SdkConfig,
    /// Where verified deliveries go (`PAYMENT_EVENTS_QUEUE_URL`), for the webhook.
    pub events_queue_url: Option<String>,
    /// How far a signature's timestamp may be from now (`WEBHOOK_TOLERANCE_SECONDS`).
    pub tolerance_seconds: i64,
}

impl PaymentsContext {
    pub fn sqs(&self) -> &aws_sdk_sqs::Client {
        self.sqs.get_or_init(|| aws_sdk_sqs::Client::new(&self.sdk))
    }

    pub fn from_lookup(
        sdk: &aws_config::SdkConfig,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let Some(secrets) = lookup("PAYMENT_SECRETS_ARN") else { return Ok(None) };
        let tolerance_seconds = match lookup("WEBHOOK_TOLERANCE_SECONDS") {
            None => super::intake::DEFAULT_TOLERANCE_SECONDS,
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|s| (1..=86_400).contains(s))
                .ok_or(ConfigError("WEBHOOK_TOLERANCE_SECONDS"))?,
        };
        Ok(Some(Self {
            secrets: Arc::new(SecretSource::new(sdk, secrets)),
            api: ProviderApi::from_lookup(lookup)?,
            sqs: std::sync::OnceLock::new(),
            sdk: sdk.clone(),
            events_queue_url: lookup("PAYMENT_EVENTS_QUEUE_URL"),
            tolerance_seconds,
        }))
    }
}
