//! What a function needs at run time, built once per process (in `main`, or once per function
//! by the local runner) and shared by every invocation: AWS clients and settings.

use crate::store::Store;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

#[derive(Debug, thiserror::Error)]
#[error("missing or invalid setting {0}")]
pub struct ConfigError(pub &'static str);

#[derive(Clone, Debug)]
pub struct AppContext {
    pub store: Store,
    /// The topic domain events are published to, only for a function given `EVENTS_TOPIC_ARN`
    /// (the event relay): building a client parses the SDK's endpoint rules, a cost every other
    /// cold start would pay for nothing.
    pub events: Option<EventsTopic>,
    pub settings: Settings,
    /// The exports bucket's name (`EXPORTS_BUCKET`), for the export functions.
    pub exports_bucket: Option<String>,
    /// The bucket's client when one was given (the local runner's, which records its calls);
    /// otherwise `files::of` builds it at first use. Built here, it would link the S3 client
    /// into every function: cargo gives all of a workspace's binaries the `s3` feature.
    #[cfg(feature = "s3")]
    pub files: Option<crate::files::Bucket>,
    /// The mail bucket's name (`MAIL_BUCKET`): inbound e-mail and its attachments.
    pub mail_bucket: Option<String>,
    /// Its client when one was given (the local runner's); otherwise `files::mail_of` builds it.
    #[cfg(feature = "s3")]
    pub mailbox: Option<crate::files::Bucket>,
    /// The service inbox's address (`SUPPORT_ADDRESS`): its local part is the mailbox whose
    /// `+token` addresses file customers' answers.
    pub support_address: Option<String>,
    /// The first-response target of the service inbox (`FIRST_RESPONSE_HOURS`, default 4, in
    /// `BUSINESS_HOURS`, default `12-21` UTC).
    pub response_target: crate::domain::conversation::ResponseTarget,
    /// The payment gateways' secrets and APIs, for a function given `PAYMENT_SECRETS_ARN`.
    #[cfg(feature = "gateway")]
    pub payments: Option<crate::gateway::context::PaymentsContext>,
    /// Sending customers e-mail through SES, for a function given `MAIL_FROM`.
    #[cfg(feature = "email")]
    pub mail: Option<crate::email::ses::Mailer>,
    /// The configuration the clients were built from.
    pub sdk: aws_config::SdkConfig,
}

/// The SNS topic the event relay publishes to. Its subscriptions (`template.yaml`) deliver each
/// event to the SQS queues whose filter policy names its type: one publish per batch, however
/// many queues an event goes to.
#[derive(Clone, Debug)]
pub struct EventsTopic {
    pub client: aws_sdk_sns::Client,
    pub arn: String,
}

/// Business settings, from the environment (`template.yaml` sets the production values).
#[derive(Clone, Debug)]
pub struct Settings {
    /// How long a placed order holds its stock while waiting for payment
    /// (`PAYMENT_HOLD_SECONDS`, default 3600).
    pub payment_hold: chrono::Duration,
    /// The hold per payment method (`PAYMENT_HOLDS`, `pix=1800,card=3600,boleto=3bd`; a method
    /// not listed, or none, holds `payment_hold`).
    pub holds: crate::domain::payment::HoldPolicy,
    /// When an authorised payment is captured, per method (`PAYMENT_CAPTURE`, `card=shipment`;
    /// a method not listed is captured at authorisation).
    pub capture: crate::domain::capture::CapturePolicy,
    /// How long after delivery a return may be opened (`RETURN_WINDOW_DAYS`, default 30).
    /// Brazil's consumer code gives distance buyers at least 7 days, the EU at least 14: never
    /// set it below the minimum where you sell.
    pub return_window: chrono::Duration,
}

impl Settings {
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let hold = match lookup("PAYMENT_HOLD_SECONDS") {
            None => 3600,
            Some(v) => v.parse::<i64>().ok().filter(|s| *s >= 0).ok_or(ConfigError("PAYMENT_HOLD_SECONDS"))?,
        };
        let window = match lookup("RETURN_WINDOW_DAYS") {
            None => 30,
            Some(v) => {
                v.parse::<i64>().ok().filter(|d| (0..=3650).contains(d)).ok_or(ConfigError("RETURN_WINDOW_DAYS"))?
            }
        };
        let payment_hold = chrono::Duration::seconds(hold);
        let holds =
            crate::domain::payment::HoldPolicy::parse(payment_hold, &lookup("PAYMENT_HOLDS").unwrap_or_default())
                .map_err(|_| ConfigError("PAYMENT_HOLDS"))?;
        let capture = crate::domain::capture::CapturePolicy::parse(&lookup("PAYMENT_CAPTURE").unwrap_or_default())
            .map_err(|_| ConfigError("PAYMENT_CAPTURE"))?;
        Ok(Self { payment_hold, holds, capture, return_window: chrono::Duration::days(window) })
    }
}

/// Loads the shared AWS configuration once. `AWS_ENDPOINT_URL` (moto locally) is honoured.
/// The SDK keeps its standard retries (3 attempts, jittered backoff from 1 s) for throttling
/// and transient errors; commands retry again on top, within `store::RETRY_BUDGET`.
///
/// On Lambda the credentials are in the environment: reading them straight from there skips
/// building the default chain's web-identity provider and its STS client, a large share of a
/// cold start (BENCHMARKS.md). Without them (a laptop, a container) the default chain applies.
pub async fn sdk_config() -> Result<aws_config::SdkConfig, ConfigError> {
    let loader = aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(https_client()?);
    // Lambda always sets AWS_REGION, the first place the default region chain looks. Given it
    // here, the loader does not build that chain (environment, profile, then an IMDS client
    // that a Lambda never reaches).
    let loader = match std::env::var("AWS_REGION") {
        Ok(region) if !region.is_empty() => loader.region(aws_config::Region::new(region)),
        _ => loader,
    };
    let in_env = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].iter().all(|v| std::env::var_os(v).is_some());
    let loader = if in_env {
        loader.credentials_provider(aws_config::environment::EnvironmentVariableCredentialsProvider::new())
    } else {
        loader
    };
    Ok(loader.load().await)
}

/// The roots AWS service endpoints (DynamoDB, SNS, their VPC and FIPS endpoints) chain to:
/// Amazon Root CA 1–4 and Starfield Services Root G2 (Amazon Trust Services).
const AWS_ROOTS: &[u8] = include_bytes!("aws_roots.pem");

/// The SDK's own HTTPS client (rustls with aws-lc), trusting only the AWS roots. The default
/// trust store reads every file of the system's certificate directory at start-up, most of a
/// cold start's wall time (BENCHMARKS.md).
/// `BACKOFFICE_NATIVE_ROOTS=1` restores the system store (e.g. behind a TLS-inspecting proxy);
/// `BACKOFFICE_EXTRA_ROOT=<pem file>` trusts one more root beside the AWS ones.
fn https_client() -> Result<SharedHttpClient, ConfigError> {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    let native = std::env::var_os("BACKOFFICE_NATIVE_ROOTS").is_some();
    let mut trust =
        if native { tls::TrustStore::default() } else { tls::TrustStore::empty().with_pem_certificate(AWS_ROOTS) };
    // One more root, from a file: a test endpoint's own CA (the benchmark's HTTPS replay), so
    // what is measured is this very client, handshake included.
    if let Some(path) = std::env::var_os("BACKOFFICE_EXTRA_ROOT") {
        let pem = std::fs::read(&path).map_err(|_| ConfigError("BACKOFFICE_EXTRA_ROOT"))?;
        trust = trust.with_pem_certificate(pem);
    }
    // Refused loudly: a default context would trust nothing, or quietly fall back elsewhere.
    let context = tls::TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .map_err(|_| ConfigError("the embedded AWS root certificates (shared/src/aws_roots.pem)"))?;
    let client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https();
    Ok(if native { client } else { SharedHttpClient::new(NoWarmUp(client)) })
}

/// The SDK's client, minus its warm-up: at each service client's construction it builds a TLS
/// connector and throws it away, so that the system's certificates are read before the first
/// request. With the roots embedded there is nothing to read, and that throw-away connector
/// would parse the roots again for nothing. Connectors for requests
/// are built and cached exactly as before.
#[derive(Debug)]
struct NoWarmUp(SharedHttpClient);

impl HttpClient for NoWarmUp {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

fn response_target(
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<crate::domain::conversation::ResponseTarget, ConfigError> {
    use crate::domain::conversation::{BusinessHours, ResponseTarget};
    let mut target = ResponseTarget::default();
    if let Some(hours) = lookup("FIRST_RESPONSE_HOURS") {
        target.hours =
            hours.parse().ok().filter(|h| (1..=200).contains(h)).ok_or(ConfigError("FIRST_RESPONSE_HOURS"))?;
    }
    if let Some(raw) = lookup("BUSINESS_HOURS") {
        target.business_hours =
            BusinessHours::parse("BUSINESS_HOURS", &raw).map_err(|_| ConfigError("BUSINESS_HOURS"))?;
    }
    Ok(target)
}

impl AppContext {
    /// Builds the context from a variable lookup: `std::env::var` on Lambda, the function's
    /// `Environment` from `template.yaml` in the local runner.
    pub fn from_lookup(
        sdk: &aws_config::SdkConfig,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let table = lookup("TABLE_NAME").ok_or(ConfigError("TABLE_NAME"))?;
        let events = match lookup("EVENTS_TOPIC_ARN") {
            Some(arn) if arn.starts_with("arn:") => Some(EventsTopic { client: aws_sdk_sns::Client::new(sdk), arn }),
            Some(_) => return Err(ConfigError("EVENTS_TOPIC_ARN")),
            None => None,
        };
        Ok(Self {
            store: Store::deferred(sdk, table),
            events,
            settings: Settings::from_lookup(lookup)?,
            exports_bucket: lookup("EXPORTS_BUCKET"),
            #[cfg(feature = "s3")]
            files: None,
            mail_bucket: lookup("MAIL_BUCKET"),
            #[cfg(feature = "s3")]
            mailbox: None,
            response_target: response_target(lookup)?,
            support_address: lookup("SUPPORT_ADDRESS").filter(|a| !a.is_empty()).map(|a| a.trim().to_lowercase()),
            #[cfg(feature = "gateway")]
            payments: crate::gateway::context::PaymentsContext::from_lookup(sdk, lookup)?,
            #[cfg(feature = "email")]
            mail: crate::email::ses::Mailer::from_lookup(sdk, lookup)?,
            sdk: sdk.clone(),
        })
    }

    /// From the process environment, as on Lambda.
    pub async fn from_env() -> Result<Self, ConfigError> {
        let sdk = sdk_config().await?;
        Self::from_lookup(&sdk, &|name| std::env::var(name).ok())
    }
}

#[cfg(test)]
mod roots_tests {
    use super::*;

    /// Every embedded root stays valid for two more years, so a release is never days away
    /// from trusting nothing; and the set loads (a broken file is an error at start, not a
    /// silent fallback).
    #[test]
    fn every_embedded_root_loads_and_is_valid_for_two_more_years() {
        assert!(https_client().is_ok(), "the embedded roots load");
        let two_years = chrono::Utc::now().timestamp() + 2 * 366 * 24 * 3600;
        let mut names = Vec::new();
        for pem in x509_parser::pem::Pem::iter_from_buffer(AWS_ROOTS) {
            let pem = pem.expect("a PEM block");
            let cert = pem.parse_x509().expect("an X.509 certificate");
            let subject = cert.subject().to_string();
            assert!(cert.is_ca(), "{subject} is a CA");
            let not_after = cert.validity().not_after.timestamp();
            assert!(not_after > two_years, "{subject} expires at {not_after}, within two years");
            names.push(subject);
        }
        assert_eq!(names.len(), 5, "Amazon Root CA 1–4 and Starfield Services Root G2: {names:?}");
    }

    /// aws-lc is built without CPU-jitter entropy (`.cargo/config.toml`): none of its code is
    /// in this test binary, which links the same aws-lc the functions do.
    #[test]
    fn aws_lc_is_built_without_cpu_jitter_entropy() {
        let binary = std::fs::read(std::env::current_exe().expect("this test binary")).expect("readable");
        // jitterentropy's own functions (`jent_entropy_init`, `jent_zalloc`, …). The needle is
        // made at run time from other bytes, so no text of this test spells it.
        let needle: Vec<u8> = b"kfou`".iter().map(|b| b - 1).collect();
        let jitter = binary.windows(needle.len()).filter(|w| *w == needle.as_slice()).count();
        assert_eq!(jitter, 0, "jitterentropy symbols are linked in: AWS_LC_SYS_NO_JITTER_ENTROPY was not set");
    }
}
