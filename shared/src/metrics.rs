//! Business metrics, written as CloudWatch Embedded Metric Format (EMF) lines on stdout, which
//! CloudWatch Logs turns into metrics without an API call. Recorded through the `metrics` crate,
//! whose backend is `metrics_cloudwatch_embedded`; a function flushes them once per invocation
//! (`backoffice::lambda`).
//!
//! What is counted is what committed: each domain event of a transaction that DynamoDB accepted
//! (`Events`, by `Type`), the money of placements, payments and refunds in minor units (`Value`,
//! by `Type` and `Currency`: counters are integers, so no floating point touches money), each
//! command a rule refused (`Refusals`, by the problem's `Reason`) and each execution
//! environment's first invocation (`ColdStart`, by `Function`). Dimensions are closed sets (event
//! types, ISO 4217 codes, problem types, function names): no id and no personal data.

use crate::domain::Money;
use crate::events::DomainEvent;
use metrics_cloudwatch_embedded::{Builder, Collector};
use std::sync::OnceLock;

/// The namespace when `METRICS_NAMESPACE` is not set (the template sets one per stack).
pub const DEFAULT_NAMESPACE: &str = "backoffice";

static COLLECTOR: OnceLock<Option<&'static Collector>> = OnceLock::new();

/// Installs the process's recorder, once. Until it is installed (the tests, the local runner)
/// recording is a no-op.
pub fn init() -> Option<&'static Collector> {
    *COLLECTOR.get_or_init(|| {
        let namespace = std::env::var("METRICS_NAMESPACE").unwrap_or_else(|_| DEFAULT_NAMESPACE.to_owned());
        match Builder::new().cloudwatch_namespace(namespace).init() {
            Ok(collector) => Some(collector),
            Err(error) => {
                tracing::warn!(%error, "metrics recorder not installed");
                None
            }
        }
    })
}

/// Writes what was recorded since the last flush, one EMF line per set of dimensions, to
/// `writer` in one write (a line never interleaves with a log line).
pub fn flush(mut writer: impl std::io::Write) {
    let Some(Some(collector)) = COLLECTOR.get() else { return };
    let mut lines = Vec::new();
    if let Err(error) = collector.flush(&mut lines).and_then(|()| writer.write_all(&lines)) {
        tracing::warn!(%error, "metrics not written");
    }
}

/// What one committed event adds to the metrics: its type, and the money it moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    event_type: &'static str,
    value: Option<Money>,
}

impl Fact {
    pub fn of(event: &DomainEvent) -> Self {
        let value = match event {
            DomainEvent::OrderPlaced(placed) => Some(placed.total),
            DomainEvent::PaymentRecorded(payment) => Some(payment.amount),
            DomainEvent::RefundRecorded(refund) => Some(refund.amount),
            _ => None,
        };
        Self { event_type: event.event_type(), value }
    }
}

/// Counts the facts of a transaction that committed.
pub(crate) fn committed(facts: &[Fact]) {
    for fact in facts {
        metrics::counter!("Events", "Type" => fact.event_type).increment(1);
        if let Some(value) = fact.value
            && let Ok(minor) = u64::try_from(value.amount())
        {
            metrics::counter!("Value", "Type" => fact.event_type, "Currency" => value.currency().code())
                .increment(minor);
        }
    }
}

/// Counts a command a rule refused, by the problem's type (`insufficient-stock`, `open-orders`…).
pub(crate) fn refused(type_uri: &str) {
    let reason = type_uri.strip_prefix("/problems/").unwrap_or(type_uri).to_owned();
    metrics::counter!("Refusals", "Reason" => reason).increment(1);
}

/// Counts a webhook delivery refused before anything was queued (a bad signature, a stale
/// timestamp, a body too large): a burst means a misconfigured secret or someone probing.
pub fn webhook_refused(provider: &'static str, reason: &'static str) {
    metrics::counter!("WebhookRefusals", "Provider" => provider, "Reason" => reason).increment(1);
}

/// Counts a provider event set aside for a person's review.
pub fn payment_review(reason: &'static str) {
    metrics::counter!("PaymentReviews", "Reason" => reason).increment(1);
}

/// Counts a capture or release done at a provider; `Outcome` is `asked`, or `moved` when the
/// payment had already gone elsewhere (an authorisation expired before its capture).
pub fn settlement(provider: &'static str, action: &'static str, as_asked: bool) {
    let outcome = if as_asked { "asked" } else { "moved" };
    metrics::counter!("PaymentSettlements", "Provider" => provider, "Action" => action, "Outcome" => outcome)
        .increment(1);
}

/// Counts an order e-mail by kind and what became of it (`sent`, `suppressed`, `no_address`).
pub fn email(kind: &'static str, outcome: &'static str) {
    metrics::counter!("Emails", "Kind" => kind, "Outcome" => outcome).increment(1);
}

/// Counts an address suppressed after SES reported a bounce or a complaint.
pub fn email_suppressed(reason: &'static str) {
    metrics::counter!("EmailSuppressions", "Reason" => reason).increment(1);
}

/// Counts an inbound e-mail by what the inbox did with it (`new`, `answer`, `duplicate`,
/// `virus`, `too_large`, `unreadable`).
pub fn inbound_mail(outcome: &'static str) {
    metrics::counter!("InboundMail", "Outcome" => outcome).increment(1);
}

/// Counts a staff reply by how its sending ended (`sent`, `suppressed`).
pub fn conversation_reply(outcome: &'static str) {
    metrics::counter!("ConversationReplies", "Outcome" => outcome).increment(1);
}

/// Counts an execution environment's first invocation.
pub(crate) fn cold_start() {
    let function = std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_default();
    metrics::counter!("ColdStart", "Function" => function).increment(1);
}
