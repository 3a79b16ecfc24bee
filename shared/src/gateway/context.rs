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
    /// The queue's client, built at first use (only the webhook and settlements send).
    pub sqs: std::sync::OnceLock<aws_sdk_sqs::Client>,
    sdk: aws_config::SdkConfig,
    /// Where verified deliveries and the providers' answers go (`PAYMENT_EVENTS_QUEUE_URL`).
    pub events_queue_url: Option<String>,
    /// How far a signature's timestamp may be from now (`WEBHOOK_TOLERANCE_SECONDS`).
    pub tolerance_seconds: i64,
}

/// Why a message did not reach the payment-events queue.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("PAYMENT_EVENTS_QUEUE_URL is not set")]
    NotConfigured,
    #[error("the message was not queued: {0}")]
    Send(String),
}

impl PaymentsContext {
    pub fn sqs(&self) -> &aws_sdk_sqs::Client {
        self.sqs.get_or_init(|| aws_sdk_sqs::Client::new(&self.sdk))
    }

    /// Puts a message on the payment-events queue, where `payment-events` applies it: the one
    /// writer of a gateway payment's state, whether the news came by webhook or as a provider's
    /// answer to a capture.
    pub async fn queue(&self, message: &super::intake::PaymentMessage) -> Result<(), QueueError> {
        let queue = self.events_queue_url.as_deref().ok_or(QueueError::NotConfigured)?;
        let body = serde_json::to_string(message).map_err(|e| QueueError::Send(e.to_string()))?;
        self.sqs()
            .send_message()
            .queue_url(queue)
            .message_body(body)
            .send()
            .await
            .map_err(|e| QueueError::Send(aws_sdk_sqs::error::DisplayErrorContext(&e).to_string()))?;
        Ok(())
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
