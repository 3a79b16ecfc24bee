//! `mail-inbound`: the service inbox's door. SES's receipt rule stores each e-mail to the shop's
//! domain in the mail bucket (`inbound/{SES message id}`), then invokes this function with the
//! receipt: its recipients and the receiving server's SPF, DKIM, DMARC, spam and virus verdicts.
//!
//! The e-mail is hostile until read (`backoffice::inbox`): a virus verdict files nothing, the
//! message is read only when small enough, its text kept as text, its attachments kept only
//! when their bytes are a picture, a PDF or plain text (stored under `attachments/`, opened by
//! staff through short-lived links), and a refused one is named in the message. It is filed:
//! 1. by the token in the address we reply from (`support+{token}@…`);
//! 2. else by `In-Reply-To`/`References`, when the sender is the conversation's correspondent;
//! 3. else as a new conversation, linked to the customer holding the sender's address only when
//!    SPF, DKIM and DMARC all pass (a forged `From` is otherwise trivial), and to an order the
//!    subject or text names only when it is that customer's. Spam is filed, tagged `spam`, and
//!    never linked.
//!
//! Each SES message is filed once, however often Lambda runs it (a pointer item written in the
//! same transaction). A failure fails the invocation: Lambda tries twice more, then the
//! on-failure queue and its alarm keep the event. Addresses and words never reach a log line.

use aws_lambda_events::ses::{SimpleEmailEvent, SimpleEmailService, SimpleEmailVerdict};
use backoffice::AppContext;
use backoffice::domain::conversation::{self, Attachment, Change, Channel, Conversation, Inbound, Verdicts};
use backoffice::domain::{ConversationId, CustomerId, MessageId, OrderId};
use backoffice::files::{ATTACHMENTS_PREFIX, Bucket, INBOUND_PREFIX, Stored};
use backoffice::inbox::{self, InboundError, Read};
use backoffice::store::audit::{Actor, acting_as};
use backoffice::store::{Guard, Retry, StoreError, Versioned};
use serde::Serialize;

/// What happened to one e-mail of the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filed {
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
}

impl Filed {
    fn not_filed(outcome: &'static str) -> Self {
        backoffice::metrics::inbound_mail(outcome);
        tracing::info!(outcome, "inbound e-mail not filed");
        Self { outcome, conversation_id: None }
    }
}

pub async fn handler(ctx: &AppContext, event: SimpleEmailEvent) -> Result<Vec<Filed>, String> {
    let mut filed = Vec::with_capacity(event.records.len());
    for record in &event.records {
        let actor = Actor {
            subject: "system:ses".into(),
            command: "SES receipt".into(),
            correlation_id: backoffice::domain::ids::new_ulid_string(),
        };
        filed.push(acting_as(actor, file(ctx, &record.ses)).await?);
    }
    Ok(filed)
}

fn passed(v: &SimpleEmailVerdict) -> bool {
    v.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("PASS"))
}

fn failed(v: &SimpleEmailVerdict) -> bool {
    v.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("FAIL"))
}

/// SES's message ids are letters, digits and dashes; anything else is not a key we write.
fn ses_message_id(ses: &SimpleEmailService) -> Result<&str, String> {
    ses.mail
        .message_id
        .as_deref()
        .filter(|id| !id.is_empty() && id.len() <= 100 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .ok_or_else(|| "the receipt names no usable SES message id".to_owned())
}

async fn file(ctx: &AppContext, ses: &SimpleEmailService) -> Result<Filed, String> {
    let ses_id = ses_message_id(ses)?;
    if let Some(id) = ctx.store.inbound_filed(ses_id).await.map_err(|e| e.to_string())? {
        return Ok(Filed { outcome: "duplicate", conversation_id: Some(id) });
    }
    if failed(&ses.receipt.virus_verdict) {
        return Ok(Filed::not_filed("virus"));
    }
    let bucket = backoffice::files::mail_of(ctx).ok_or("MAIL_BUCKET is not set")?;
    let raw_key = format!("{INBOUND_PREFIX}{ses_id}");
    let raw = match bucket.read(&raw_key, inbox::MAX_MESSAGE_BYTES).await.map_err(|e| e.to_string())? {
        Stored::Bytes(raw) => raw,
        // SES stores the message before it invokes us: absent, it is not there yet.
        Stored::Missing => return Err("the e-mail is not in the mail bucket".into()),
        Stored::TooLarge => return Ok(Filed::not_filed("too_large")),
    };
    let read = match inbox::read(&raw) {
        Ok(read) => read,
        Err(InboundError::TooLarge) => return Ok(Filed::not_filed("too_large")),
        Err(InboundError::Unreadable | InboundError::NoSender) => return Ok(Filed::not_filed("unreadable")),
    };
    let receipt = &ses.receipt;
    let verdicts = Verdicts {
        spf: passed(&receipt.spf_verdict),
        dkim: passed(&receipt.dkim_verdict),
        dmarc: passed(&receipt.dmarc_verdict),
    };
    let spam = failed(&receipt.spam_verdict);
    let found = find_conversation(ctx, &read, &receipt.recipients).await.map_err(|e| e.to_string())?;
    // The ids of a new conversation and of the message are chosen now: the attachments are
    // stored under them before the message is filed.
    let (new_id, message_id) = (ConversationId::new(), MessageId::new());
    let folder = format!("{ATTACHMENTS_PREFIX}{}/{message_id}/", found.unwrap_or(new_id));
    let attachments = store_attachments(bucket, &folder, &read).await?;
    let inbound = Inbound {
        channel: Channel::Email,
        email: read.from.clone(),
        name: read.name.clone(),
        subject: read.subject.clone(),
        text: text_with_refusals(&read),
        attachments,
        message_id_header: read.message_id.clone(),
        raw_key: Some(raw_key),
        verdicts: Some(verdicts),
    };
    let new_header = match &read.message_id {
        Some(header) => !ctx.store.header_filed(header).await.map_err(|e| e.to_string())?,
        None => false,
    };
    let links = if found.is_none() && verdicts.trusted() && !spam {
        links(ctx, &read).await.map_err(|e| e.to_string())?
    } else {
        (None, None)
    };
    let mut retry = Retry::default();
    loop {
        let current = match found {
            Some(id) => ctx.store.thread(&id).await.map_err(|e| e.to_string())?.map(|(c, _)| c),
            None => None,
        };
        let now = chrono::Utc::now();
        let (before, next, message, outcome) = decide(current, new_id, message_id, &inbound, links.clone(), spam, now);
        let mut changes = ctx.store.changes();
        changes
            .conversation(before.as_ref(), &next)
            .and_then(|c| c.inbound_message(&message, ses_id, new_header))
            .map_err(|e| e.to_string())?;
        match ctx.store.commit(changes).await {
            Ok(()) => {
                backoffice::metrics::inbound_mail(outcome);
                tracing::info!(conversation_id = %next.id, outcome, linked = next.customer_id.is_some(), "inbound e-mail filed");
                return Ok(Filed { outcome, conversation_id: Some(next.id) });
            }
            Err(StoreError::Conflict(Guard::Idempotency)) => {
                return Ok(Filed { outcome: "duplicate", conversation_id: Some(next.id) });
            }
            Err(e) if e.is_retryable() && retry.again().await => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// The message filed: into the conversation found (when it is still there and not erased), else
/// into a new one. Returns the conversation read, its next state, the message and the outcome.
fn decide(
    current: Option<Versioned<Conversation>>,
    new_id: ConversationId,
    message_id: MessageId,
    inbound: &Inbound,
    (customer, order): (Option<CustomerId>, Option<OrderId>),
    spam: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> (Option<Versioned<Conversation>>, Conversation, conversation::Message, &'static str) {
    if let Some(current) = current.filter(|c| !c.erased) {
        let (next, message) = conversation::receive(&current, message_id, inbound, now);
        return (Some(current), next, message, "answer");
    }
    let token = backoffice::domain::ids::new_ulid_string().to_lowercase();
    let (mut opened, mut message) = conversation::open(new_id, message_id, inbound, customer, order, token, now);
    message.conversation_id = opened.id;
    if spam && let Ok(tagged) = conversation::change(&opened, Change::Tags(vec!["spam".into()]), now) {
        opened = tagged;
    }
    (None, opened, message, "new")
}

/// The conversation an e-mail answers: by our reply address's token, else by the e-mails it
/// names, when its sender is that conversation's correspondent.
async fn find_conversation(
    ctx: &AppContext,
    read: &Read,
    recipients: &[String],
) -> Result<Option<ConversationId>, StoreError> {
    let mailbox = ctx.support_address.as_deref().and_then(|a| a.split('@').next()).unwrap_or("support").to_owned();
    let mut to: Vec<String> = recipients.iter().map(|r| r.trim().to_lowercase()).collect();
    to.extend(read.to.iter().cloned());
    if let Some(token) = inbox::reply_token(&to, &mailbox)
        && let Some(id) = ctx.store.conversation_by_token(token).await?
    {
        return Ok(Some(id));
    }
    if let Some(id) = ctx.store.conversation_by_headers(&read.answers).await?
        && let Some((c, _)) = ctx.store.thread(&id).await?
        && c.email.as_deref() == Some(read.from.as_str())
    {
        return Ok(Some(id));
    }
    Ok(None)
}

/// The customer who holds the sender's address, and the order the e-mail names when it is theirs.
async fn links(ctx: &AppContext, read: &Read) -> Result<(Option<CustomerId>, Option<OrderId>), StoreError> {
    let Some(holder) = ctx.store.email_holder(&read.from).await? else { return Ok((None, None)) };
    let Ok(customer) = CustomerId::parse("customer_id", &holder) else { return Ok((None, None)) };
    let mut order = None;
    if let Some(id) = inbox::order_named(&read.subject, &read.text)
        && let Some(o) = ctx.store.order(&id).await?
        && o.customer_id() == &customer
    {
        order = Some(id);
    }
    Ok((Some(customer), order))
}

/// The text, with the attachments not kept named at its end (staff see what was refused).
fn text_with_refusals(read: &Read) -> String {
    let mut text = read.text.clone();
    for refused in &read.refused {
        text.push_str(&format!("\n[attachment not kept: {} ({})]", refused.filename, refused.reason));
    }
    text
}

async fn store_attachments(bucket: &Bucket, folder: &str, read: &Read) -> Result<Vec<Attachment>, String> {
    let mut kept = Vec::with_capacity(read.attachments.len());
    for (n, a) in read.attachments.iter().enumerate() {
        let key = format!("{folder}{}", n + 1);
        bucket.put(&key, a.bytes.clone(), a.content_type).await.map_err(|e| e.to_string())?;
        kept.push(Attachment {
            key,
            filename: a.filename.clone(),
            content_type: a.content_type.to_owned(),
            size: a.bytes.len() as u64,
        });
    }
    Ok(kept)
}
