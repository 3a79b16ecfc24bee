//! Delivering a raw e-mail to the inbox as SES would (`backoffice-local mail <file.eml>`, the
//! tests): the message is stored in the mail bucket under the receipt rule's prefix, then the
//! rule's function is invoked with SES's receipt event, its verdicts as given.

use crate::{Backoffice, BoxError};
use aws_lambda_events::ses::SimpleEmailEvent;

/// The receiving server's verdicts, as SES writes them (`PASS`, `FAIL`, `GRAY`…).
#[derive(Debug, Clone)]
pub struct Verdicts {
    pub spf: String,
    pub dkim: String,
    pub dmarc: String,
    pub spam: String,
    pub virus: String,
}

impl Default for Verdicts {
    fn default() -> Self {
        let pass = || "PASS".to_owned();
        Self { spf: pass(), dkim: pass(), dmarc: pass(), spam: pass(), virus: pass() }
    }
}

/// SES's receipt event for a stored message (the fields the inbox reads, and the others SES
/// always sends).
pub fn receipt_event(ses_id: &str, recipients: &[String], verdicts: &Verdicts, function_arn: &str) -> SimpleEmailEvent {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let verdict = |status: &str| serde_json::json!({ "status": status });
    let event = serde_json::json!({
        "Records": [{
            "eventSource": "aws:ses",
            "eventVersion": "1.0",
            "ses": {
                "mail": {
                    "timestamp": now,
                    "source": "sender@unknown.invalid",
                    "messageId": ses_id,
                    "destination": recipients,
                    "headersTruncated": false,
                    "headers": [],
                    "commonHeaders": { "from": [], "to": recipients, "messageId": ses_id }
                },
                "receipt": {
                    "timestamp": now,
                    "processingTimeMillis": 1,
                    "recipients": recipients,
                    "spamVerdict": verdict(&verdicts.spam),
                    "virusVerdict": verdict(&verdicts.virus),
                    "spfVerdict": verdict(&verdicts.spf),
                    "dkimVerdict": verdict(&verdicts.dkim),
                    "dmarcVerdict": verdict(&verdicts.dmarc),
                    "action": { "type": "Lambda", "functionArn": function_arn, "invocationType": "Event" }
                }
            }
        }]
    });
    serde_json::from_value(event).expect("the receipt event's shape")
}

impl Backoffice {
    /// Stores `raw` as SES's S3 action would and runs the receipt rule's function on it; its
    /// answer (what it filed), or its error (which Lambda would retry).
    pub async fn deliver_mail(&self, raw: &[u8], verdicts: &Verdicts) -> Result<serde_json::Value, BoxError> {
        let ses_id = backoffice::domain::ids::new_ulid_string().to_lowercase();
        self.deliver_mail_as(&ses_id, raw, verdicts).await
    }

    /// [`Backoffice::deliver_mail`] under a given SES message id (SES invoking again with the
    /// same e-mail, as Lambda's retries of an asynchronous invocation do).
    pub async fn deliver_mail_as(
        &self,
        ses_id: &str,
        raw: &[u8],
        verdicts: &Verdicts,
    ) -> Result<serde_json::Value, BoxError> {
        let receiver = self.mail_receiver.as_ref().ok_or("the template has no SES receipt rule")?;
        let s3 = aws_sdk_s3::Client::from_conf(backoffice::files::s3_config(&self.sdk).build());
        s3.put_object()
            .bucket(&receiver.bucket)
            .key(format!("{}{ses_id}", receiver.prefix))
            .body(raw.to_vec().into())
            .send()
            .await
            .map_err(|e| format!("storing the e-mail: {}", aws_sdk_s3::error::DisplayErrorContext(e)))?;
        let recipients = match backoffice::inbox::read(raw) {
            Ok(read) if !read.to.is_empty() => read.to,
            _ => vec![crate::provision::LOCAL_SUPPORT_ADDRESS.to_owned()],
        };
        let event = receipt_event(
            ses_id,
            &recipients,
            verdicts,
            &format!("arn:aws:lambda:us-east-1:000000000000:function:{}", receiver.function),
        );
        if let Some(capture) = &self.capture {
            capture.invocation(&receiver.function, serde_json::to_value(&event)?);
        }
        Ok((receiver.handler)(event).await?)
    }
}
