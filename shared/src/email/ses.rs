//! Sending through Amazon SES (v2 `SendEmail` with the raw MIME message, so our `Message-ID`
//! and both bodies go out as written), with the configuration set whose event destination
//! reports bounces and complaints back. Configured by `MAIL_FROM` (the verified sender),
//! `SHOP_NAME`, `SHOP_LANGUAGE` (the language of a customer who named none) and
//! `SES_CONFIGURATION_SET`.

use crate::context::ConfigError;
use crate::domain::language::Language;

#[derive(Debug, Clone)]
pub struct Mailer {
    /// Built at the first send: a function that sends nothing on an invocation does not pay for it.
    client: std::sync::OnceLock<aws_sdk_sesv2::Client>,
    sdk: aws_config::SdkConfig,
    pub from: String,
    pub shop: String,
    pub default_language: Language,
    /// The service inbox's address (`SUPPORT_ADDRESS`): staff replies come from it, and
    /// customers' answers go to it with the conversation's token (`local+token@domain`).
    pub support: Option<String>,
    configuration_set: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("SES did not send the message: {0}")]
pub struct SendError(pub String);

impl Mailer {
    /// `None` when `MAIL_FROM` is not set: the notifier then records notifications only.
    pub fn from_lookup(
        sdk: &aws_config::SdkConfig,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let Some(from) = lookup("MAIL_FROM").filter(|f| !f.is_empty()) else { return Ok(None) };
        crate::domain::contact::Email::parse("MAIL_FROM", &from).map_err(|_| ConfigError("MAIL_FROM"))?;
        let default_language = match lookup("SHOP_LANGUAGE") {
            Some(l) => Language::parse("SHOP_LANGUAGE", &l).map_err(|_| ConfigError("SHOP_LANGUAGE"))?,
            None => Language::PtBr,
        };
        Ok(Some(Self {
            client: std::sync::OnceLock::new(),
            sdk: sdk.clone(),
            from,
            shop: lookup("SHOP_NAME").filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "Shop".into()),
            default_language,
            support: match lookup("SUPPORT_ADDRESS").filter(|s| !s.is_empty()) {
                Some(a) => Some(
                    crate::domain::contact::Email::parse("SUPPORT_ADDRESS", &a)
                        .map_err(|_| ConfigError("SUPPORT_ADDRESS"))?
                        .as_str()
                        .to_owned(),
                ),
                None => None,
            },
            configuration_set: lookup("SES_CONFIGURATION_SET").filter(|s| !s.is_empty()),
        }))
    }

    /// Sends through `client` (the local runner's, which records its calls).
    pub fn set_client(&mut self, client: aws_sdk_sesv2::Client) {
        self.client = std::sync::OnceLock::from(client);
    }

    fn client(&self) -> &aws_sdk_sesv2::Client {
        self.client.get_or_init(|| aws_sdk_sesv2::Client::new(&self.sdk))
    }

    /// A `Message-ID` of ours for the message about `event_id` (the same event, the same id).
    pub fn message_id(&self, event_id: &str) -> String {
        let domain = self.from.rsplit('@').next().unwrap_or("localhost");
        format!("{event_id}@{domain}")
    }

    /// The address a conversation's answers go to: the support address with its token.
    pub fn reply_address(&self, token: &str) -> Option<String> {
        let (local, domain) = self.support.as_deref()?.split_once('@')?;
        Some(format!("{local}+{token}@{domain}"))
    }

    /// Sends a raw message to `to`; SES's id for it.
    pub async fn send_raw(&self, to: &str, raw: Vec<u8>) -> Result<String, SendError> {
        self.send_raw_from(&self.from, to, raw).await
    }

    /// Sends a raw message to `to` from `from` (a verified address of the shop's domain).
    pub async fn send_raw_from(&self, from: &str, to: &str, raw: Vec<u8>) -> Result<String, SendError> {
        use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
        let raw = RawMessage::builder()
            .data(aws_sdk_sesv2::primitives::Blob::new(raw))
            .build()
            .map_err(|e| SendError(e.to_string()))?;
        let out = self
            .client()
            .send_email()
            .from_email_address(from)
            .destination(Destination::builder().to_addresses(to).build())
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(|e| SendError(aws_sdk_sesv2::error::DisplayErrorContext(&e).to_string()))?;
        Ok(out.message_id.unwrap_or_default())
    }
}
