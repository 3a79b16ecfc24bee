//! What SES reports about mail the shop sent, through the configuration set's event destination
//! (SES → SNS → SQS, delivered raw): the addresses to stop writing to. A permanent bounce (the
//! address does not exist, the domain refuses) or a complaint (the customer marked it as spam)
//! suppresses the address; a transient bounce (a full mailbox) does not. Read from SES's
//! documented event JSON; anything else is refused by the consumer (it reaches the DLQ).

use crate::domain::customer::SuppressionReason;
use serde::Deserialize;

/// An SES event as the configuration set publishes it. Only the fields read here are declared.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SesEvent {
    /// `Bounce`, `Complaint` (the destination publishes only these), others ignored.
    #[serde(alias = "notificationType")]
    pub event_type: String,
    #[serde(default)]
    pub bounce: Option<Bounce>,
    #[serde(default)]
    pub complaint: Option<Complaint>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bounce {
    /// `Permanent`, `Transient` or `Undetermined`.
    pub bounce_type: String,
    #[serde(default)]
    pub bounced_recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Complaint {
    #[serde(default)]
    pub complained_recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    pub email_address: String,
}

/// How many recipients one event may name (SES sends to at most 50 per message).
pub const MAX_RECIPIENTS: usize = 50;

/// The addresses an event asks to stop writing to, and why.
pub fn suppressions(event: &SesEvent) -> Vec<(&str, SuppressionReason)> {
    let (recipients, reason) = match (event.event_type.as_str(), &event.bounce, &event.complaint) {
        ("Bounce", Some(b), _) if b.bounce_type == "Permanent" => (&b.bounced_recipients, SuppressionReason::Bounce),
        ("Complaint", _, Some(c)) => (&c.complained_recipients, SuppressionReason::Complaint),
        _ => return Vec::new(),
    };
    recipients.iter().take(MAX_RECIPIENTS).map(|r| (r.email_address.as_str(), reason)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: serde_json::Value) -> SesEvent {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_permanent_bounce_or_a_complaint_suppresses_and_a_full_mailbox_does_not() {
        let bounce = |kind: &str| {
            read(serde_json::json!({"eventType": "Bounce", "bounce": {"bounceType": kind, "bounceSubType": "General",
                "bouncedRecipients": [{"emailAddress": "ana@example.com", "status": "5.1.1"}],
                "timestamp": "2026-12-07T10:00:00.000Z", "feedbackId": "f"},
                "mail": {"messageId": "m", "source": "pedidos@loja.example", "destination": ["ana@example.com"]}}))
        };
        assert_eq!(suppressions(&bounce("Permanent")), vec![("ana@example.com", SuppressionReason::Bounce)]);
        assert_eq!(suppressions(&bounce("Transient")), vec![]);
        let complaint = read(serde_json::json!({"eventType": "Complaint", "complaint": {
            "complainedRecipients": [{"emailAddress": "ana@example.com"}], "complaintFeedbackType": "abuse"},
            "mail": {"messageId": "m"}}));
        assert_eq!(suppressions(&complaint), vec![("ana@example.com", SuppressionReason::Complaint)]);
        let delivery = read(serde_json::json!({"eventType": "Delivery", "mail": {"messageId": "m"}}));
        assert_eq!(suppressions(&delivery), vec![]);
        // The identity-notification form (`notificationType`) is read the same way.
        let notified = read(serde_json::json!({"notificationType": "Complaint", "complaint": {
            "complainedRecipients": [{"emailAddress": "b@example.com"}]}}));
        assert_eq!(suppressions(&notified).len(), 1);
    }
}
