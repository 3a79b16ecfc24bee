//! `mail-events`: consumes what SES reports about the shop's mail (the configuration set's
//! event destination → SNS → this queue). A permanent bounce or a complaint suppresses the
//! address on the customer who holds it (found through the e-mail guard, by hash), in one
//! transaction at the version read, audited as `system:ses`; the notifier then sends that
//! customer nothing until the address changes. An address no customer holds (changed since, or
//! erased) is acknowledged. Addresses never reach a log line.

use aws_lambda_events::sqs::SqsBatchResponse;
use backoffice::AppContext;
use backoffice::domain::CustomerId;
use backoffice::domain::contact::Email;
use backoffice::domain::customer::{self, SuppressionReason};
use backoffice::mail_events::{SesEvent, suppressions};
use backoffice::sqs::Batch;
use backoffice::store::audit::{Actor, acting_as};
use backoffice::store::events::EventsOf;
use backoffice::store::{Retry, StoreError};

pub async fn handler(ctx: &AppContext, event: Batch) -> SqsBatchResponse {
    backoffice::sqs::consume_messages(&event, |event: SesEvent| process(ctx, event)).await
}

async fn process(ctx: &AppContext, event: SesEvent) -> Result<(), String> {
    for (address, reason) in suppressions(&event) {
        // An address SES reports that is not one we could have stored: nobody holds it.
        let Ok(address) = Email::parse("emailAddress", address) else { continue };
        let actor = Actor {
            subject: "system:ses".into(),
            command: format!("SES {}", reason_name(reason)),
            correlation_id: backoffice::domain::ids::new_ulid_string(),
        };
        acting_as(actor, suppress(ctx, address.as_str(), reason)).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn reason_name(reason: SuppressionReason) -> &'static str {
    match reason {
        SuppressionReason::Bounce => "bounce",
        SuppressionReason::Complaint => "complaint",
    }
}

async fn suppress(ctx: &AppContext, address: &str, reason: SuppressionReason) -> Result<(), StoreError> {
    let Some(holder) = ctx.store.email_holder(address).await? else {
        tracing::info!(reason = reason_name(reason), "no customer holds the reported address");
        return Ok(());
    };
    let id = CustomerId::parse("customer_id", &holder).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut retry = Retry::default();
    loop {
        let Some(current) = ctx.store.customer(&id).await? else { return Ok(()) };
        let now = chrono::Utc::now();
        let Some(next) = customer::suppress(&current, reason, now) else { return Ok(()) };
        let mut changes = ctx.store.changes();
        changes.customer(&current, &next)?;
        changes.events(
            EventsOf::Customer(&id),
            &[customer::suppressed(&next)],
            &format!("ses:{}", reason_name(reason)),
            now,
        )?;
        match ctx.store.commit(changes).await {
            Err(e) if e.is_retryable() && retry.again().await => {}
            Err(e) => return Err(e),
            Ok(()) => {
                backoffice::metrics::email_suppressed(reason_name(reason));
                tracing::info!(customer_id = %id, reason = reason_name(reason), "address suppressed");
                return Ok(());
            }
        }
    }
}
