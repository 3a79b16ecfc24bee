//! `payment-webhooks`: `POST /webhooks/payments/{provider}`, outside the staff's authorizer.
//! A delivery is authenticated by its provider's signature over the raw body (`gateway::intake`),
//! then queued on the payment-events queue and answered 200; `payment-events` applies it. The
//! answer comes once the message is durably queued, well inside the providers' timeouts
//! (Mercado Pago retries after 22 s), and before anything is written to the table.
//!
//! A refused delivery (a bad or stale signature, a malformed header, a body too large or
//! unreadable) is a 4xx problem and queues nothing. A delivery that cannot be queued, or
//! arrives while the secrets cannot be read, is a 503: the provider delivers it again.

use backoffice::AppContext;
use backoffice::gateway::Provider;
use backoffice::gateway::context::QueueError;
use backoffice::gateway::intake::{self, Delivery, Intake, IntakeError, WebhookSecrets};
use backoffice::gateway::signature::SignatureError;
use backoffice::http::{self, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("payment-webhooks", req, |req, _| async move {
        match http::route_key(&req).as_str() {
            "POST /webhooks/payments/{provider}" => receive(ctx, &req).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

fn refusal(provider: Provider, e: &IntakeError) -> Problem {
    let (reason, problem) = match e {
        IntakeError::TooLarge => ("too-large", Problem::new(413, "body-too-large", "Body too large", e.to_string())),
        IntakeError::NotConfigured(_) => {
            tracing::error!(%provider, "a delivery arrived for a provider with no secret configured");
            return Problem::unavailable("this provider is not configured").retry_after(60);
        }
        IntakeError::Signature(s) => {
            let field = match provider {
                Provider::Stripe => "stripe-signature",
                Provider::MercadoPago => "x-signature",
            };
            let (reason, status, slug, title) = match s {
                SignatureError::Missing => ("missing", 400, "signature-missing", "Signature missing"),
                SignatureError::Malformed => ("malformed", 400, "signature-malformed", "Signature malformed"),
                SignatureError::Stale => ("stale", 401, "signature-stale", "Signature too old"),
                SignatureError::Mismatch => ("mismatch", 401, "signature-mismatch", "Signature does not match"),
            };
            (reason, Problem::new(status, slug, title, s.to_string()).with_field(field))
        }
        IntakeError::Payload(p) => (
            "payload",
            Problem::new(422, "payload-unreadable", "Payload not understood", p.to_string()).with_field("body"),
        ),
    };
    backoffice::metrics::webhook_refused(provider.as_str(), reason);
    tracing::warn!(%provider, reason, "webhook delivery refused");
    problem
}

async fn receive(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    let provider = http::path_param(req, "provider")
        .as_deref()
        .and_then(Provider::parse)
        .ok_or_else(|| Problem::not_found("no such payment provider: stripe and mercadopago are served"))?;
    let Some(payments) = ctx.payments.as_ref() else {
        tracing::error!("PAYMENT_SECRETS_ARN is not set");
        return Err(Problem::unavailable("payments are not configured"));
    };
    let secrets = payments.secrets.get().await.map_err(|e| {
        tracing::error!(error = %e, "payment secrets unreadable");
        Problem::unavailable("try again shortly").retry_after(30)
    })?;
    let stripe = secrets.stripe_secrets();
    let data_id = http::query_param(req, "data.id");
    let delivery = Delivery {
        provider,
        body: backoffice::http::body::body_bytes(req),
        signature: header(req, if provider == Provider::Stripe { "stripe-signature" } else { "x-signature" }),
        request_id: header(req, "x-request-id"),
        data_id: data_id.as_deref(),
    };
    let webhook_secrets =
        WebhookSecrets { stripe: &stripe, mercadopago: secrets.mercadopago_webhook_secret.as_deref() };
    let now = chrono::Utc::now().timestamp();
    match intake::intake(delivery, webhook_secrets, now, payments.tolerance_seconds) {
        Err(e) => Err(refusal(provider, &e)),
        Ok(Intake::Ignore { event_type }) => {
            tracing::info!(%provider, %event_type, "delivery acknowledged, not acted on");
            Ok(http::json(StatusCode::OK, &serde_json::json!({"received": true, "queued": false})))
        }
        Ok(Intake::Queue(message)) => {
            payments.queue(&message).await.map_err(|e| match e {
                QueueError::NotConfigured => {
                    tracing::error!(error = %e, "delivery not queued");
                    Problem::unavailable("payments are not configured")
                }
                QueueError::Send(_) => {
                    tracing::error!(error = %e, "delivery not queued");
                    Problem::unavailable("try again shortly").retry_after(5)
                }
            })?;
            Ok(http::json(StatusCode::OK, &serde_json::json!({"received": true, "queued": true})))
        }
    }
}
