//! What the emulator's SES sent, as the tests read it: moto keeps every raw message it accepted
//! and shows them at `/moto-api/data.json`; each is parsed as a mail client would (mail-parser).

use crate::{TestApp, moto_endpoint};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A message SES accepted: to whom, and its parts as a mail client shows them.
#[derive(Debug, Clone)]
pub struct SentEmail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    pub raw: String,
}

/// moto's state as JSON. Read while other tests write, moto may fail to walk its models (a
/// dictionary changing size under it): that answer is asked again.
async fn moto_data() -> serde_json::Value {
    let address = moto_endpoint().trim_start_matches("http://").to_owned();
    let mut last = String::new();
    for _ in 0..20 {
        let mut stream = tokio::net::TcpStream::connect(&address).await.expect("moto answers");
        let request = format!("GET /moto-api/data.json HTTP/1.0\r\nHost: {address}\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("request sent");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("response read");
        let response = String::from_utf8_lossy(&response).into_owned();
        let body = response.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
        if let Ok(data) = serde_json::from_str(body) {
            return data;
        }
        last = response.chars().take(300).collect();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("moto's /moto-api/data.json never answered JSON: {last}")
}

/// Every raw message moto's SES holds, by SES message id.
async fn sent() -> Vec<(String, Vec<String>, String)> {
    let data = moto_data().await;
    data["ses"]["RawMessage"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let to = m["destinations"].as_array().into_iter().flatten().filter_map(|d| d.as_str().map(str::to_owned));
            let mut to: Vec<String> = to.collect();
            to.dedup();
            (m["id"].as_str().unwrap_or_default().to_owned(), to, m["raw_data"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

impl TestApp {
    /// The message SES sent under `ses_id` (as an order's notification records it).
    pub async fn sent_email(&self, ses_id: &str) -> Option<SentEmail> {
        let (_, to, raw) = sent().await.into_iter().find(|(id, _, _)| id == ses_id)?;
        let parsed = mail_parser::MessageParser::default().parse(raw.as_bytes())?;
        Some(SentEmail {
            to,
            subject: parsed.subject().unwrap_or_default().to_owned(),
            text: parsed.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
            html: parsed.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
            message_id: parsed.message_id().unwrap_or_default().to_owned(),
            raw,
        })
    }

    /// The e-mails sent about an order, in the order its notifications were recorded, with the
    /// event each is about.
    pub async fn order_emails(&self, order_id: &str) -> Vec<(String, SentEmail)> {
        let notes = self.get(&format!("/orders/{order_id}/notifications")).await.body;
        let mut out = Vec::new();
        for n in notes["items"].as_array().into_iter().flatten() {
            if let Some(id) = n["email"]["message_id"].as_str()
                && let Some(mail) = self.sent_email(id).await
            {
                out.push((n["event_type"].as_str().unwrap_or_default().to_owned(), mail));
            }
        }
        out
    }
}

/// An SES bounce or complaint report for `address`, as the configuration set's event
/// destination publishes it (SES's documented event JSON).
pub fn ses_report(kind: &str, address: &str) -> serde_json::Value {
    let mail = serde_json::json!({"timestamp": "2026-12-07T10:00:00.000Z", "source": "pedidos@loja.localhost",
        "messageId": "0100018c-0000-0000-0000-000000000000", "destination": [address]});
    match kind {
        "complaint" => serde_json::json!({"eventType": "Complaint", "mail": mail, "complaint": {
            "complainedRecipients": [{"emailAddress": address}], "complaintFeedbackType": "abuse",
            "timestamp": "2026-12-07T10:05:00.000Z", "feedbackId": "feedback-1"}}),
        bounce_type => serde_json::json!({"eventType": "Bounce", "mail": mail, "bounce": {
            "bounceType": bounce_type, "bounceSubType": "General", "timestamp": "2026-12-07T10:01:00.000Z",
            "feedbackId": "feedback-2", "bouncedRecipients": [{"emailAddress": address, "action": "failed",
            "status": "5.1.1", "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]}}),
    }
}

impl TestApp {
    /// Publishes what SES would about the shop's mail (`ses_report`) to the stack's mail events
    /// topic: moto's SES does not bounce, so the test stands in for it at the topic.
    pub async fn ses_reports(&self, report: serde_json::Value) {
        let topic = self.app.resources.topic_arns["MailEventsTopic"].clone();
        aws_sdk_sns::Client::new(&self.app.sdk)
            .publish()
            .topic_arn(topic)
            .message(report.to_string())
            .send()
            .await
            .expect("published to the mail events topic");
    }
}
