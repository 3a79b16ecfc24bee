//! The service inbox: a customer's question becomes a conversation, tied to the customer and the
//! order it is about, that staff answer. Conversations move open → waiting on the customer (a
//! reply was sent) → closed, and a customer's message reopens them. Internal notes never leave
//! the building. Decisions here take the conversation, the command and the clock, and give the
//! next conversation and the message to store; nothing reads a clock or sends anything.

use super::FieldError;
use super::events::{ConversationReplied, DomainEvent};
use super::ids::{ConversationId, CustomerId, MessageId, OrderId};
use super::text::ShortText;
use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// The longest message text kept (a longer one is cut, and says so).
pub const MAX_TEXT_CHARS: usize = 20_000;
pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_TAGS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    WaitingOnCustomer,
    Closed,
}

impl State {
    pub const ALL: [State; 3] = [State::Open, State::WaitingOnCustomer, State::Closed];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::WaitingOnCustomer => "waiting_on_customer",
            Self::Closed => "closed",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| FieldError::new(field, "must be one of open, waiting_on_customer, closed"))
    }
}

/// How the customer reached the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    ContactForm,
}

/// The receiving server's verdicts on an inbound e-mail (SES's receipt): a customer is linked
/// by address only when all three pass, since a forged `From` is otherwise trivial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdicts {
    pub spf: bool,
    pub dkim: bool,
    pub dmarc: bool,
}

impl Verdicts {
    pub fn trusted(&self) -> bool {
        self.spf && self.dkim && self.dmarc
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the customer.
    Inbound,
    /// A reply staff sent.
    Outbound,
    /// An internal note: never sent.
    Note,
}

/// A file that came with a message, kept in the attachments bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub key: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub direction: Direction,
    /// `customer`, or the member of staff's subject.
    pub author: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// The e-mail's `Message-ID` (ours for a reply, the customer's for an inbound message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id_header: Option<String>,
    /// The raw inbound message's key in the mail bucket (deleted with the customer's data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_key: Option<String>,
    /// The receiving server's verdicts on an inbound e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdicts: Option<Verdicts>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub subject: String,
    pub state: State,
    pub channel: Channel,
    /// The correspondent's address and name (personal data: erased with the customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<OrderId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdicts: Option<Verdicts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The token in the address replies go to (`support+{token}@…`): a customer's answer finds
    /// its conversation by it whatever their mail client does to headers.
    pub reply_token: String,
    pub messages: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the customer last wrote: the first response is measured from the first of these.
    pub last_inbound_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_response_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub erased: bool,
}

/// A customer's message as it arrived (by e-mail or through the storefront's form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    pub channel: Channel,
    pub email: String,
    pub name: Option<String>,
    pub subject: String,
    pub text: String,
    pub attachments: Vec<Attachment>,
    pub message_id_header: Option<String>,
    pub raw_key: Option<String>,
    pub verdicts: Option<Verdicts>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConversationError {
    #[error("{0}")]
    Invalid(#[from] FieldError),
    #[error("the customer's personal data was erased with this conversation")]
    Erased,
    #[error("the conversation has no address to answer to")]
    NoAddress,
}

/// Text as kept: without NULs and the invisible controls used to spoof, cut at the limit.
pub fn clean_text(raw: &str, limit: usize) -> String {
    let kept: String = raw
        .chars()
        .filter(|c| !matches!(c, '\u{0}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}'))
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect();
    let kept = kept.replace("\r\n", "\n");
    if kept.chars().count() > limit {
        let mut cut: String = kept.chars().take(limit).collect();
        cut.push_str("\n[…]");
        cut
    } else {
        kept
    }
}

/// A subject as kept: one line (CR and LF become spaces, so it can never inject a header),
/// trimmed, at most [`MAX_SUBJECT_CHARS`].
pub fn clean_subject(raw: &str) -> String {
    let one_line: String = raw.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let one_line = clean_text(one_line.trim(), MAX_SUBJECT_CHARS).replace('\n', " ");
    if one_line.is_empty() { "(no subject)".to_owned() } else { one_line }
}

/// A new conversation from a customer's first message.
pub fn open(
    id: ConversationId,
    message_id: MessageId,
    inbound: &Inbound,
    customer: Option<CustomerId>,
    order: Option<OrderId>,
    reply_token: String,
    now: DateTime<Utc>,
) -> (Conversation, Message) {
    let conversation = Conversation {
        id,
        subject: clean_subject(&inbound.subject),
        state: State::Open,
        channel: inbound.channel,
        email: Some(inbound.email.clone()),
        name: inbound.name.as_deref().map(clean_subject),
        customer_id: customer,
        order_id: order,
        verdicts: inbound.verdicts,
        assignee: None,
        tags: Vec::new(),
        reply_token,
        messages: 1,
        created_at: now,
        updated_at: now,
        last_inbound_at: now,
        first_response_at: None,
        erased: false,
    };
    let message = inbound_message(message_id, &conversation, inbound, now);
    (conversation, message)
}

fn inbound_message(id: MessageId, c: &Conversation, inbound: &Inbound, now: DateTime<Utc>) -> Message {
    Message {
        id,
        conversation_id: c.id,
        direction: Direction::Inbound,
        author: "customer".into(),
        text: clean_text(&inbound.text, MAX_TEXT_CHARS),
        attachments: inbound.attachments.clone(),
        message_id_header: inbound.message_id_header.clone(),
        raw_key: inbound.raw_key.clone(),
        verdicts: inbound.verdicts,
        at: now,
    }
}

/// The customer wrote again: the conversation is open again, whatever it was.
pub fn receive(
    c: &Conversation,
    message_id: MessageId,
    inbound: &Inbound,
    now: DateTime<Utc>,
) -> (Conversation, Message) {
    let next = Conversation {
        state: State::Open,
        messages: c.messages + 1,
        updated_at: now,
        last_inbound_at: if c.state == State::Open { c.last_inbound_at } else { now },
        ..c.clone()
    };
    let message = inbound_message(message_id, &next, inbound, now);
    (next, message)
}

/// Staff answer the customer: the conversation waits on them, and its first response is kept.
/// The reply carries its own `Message-ID` (`{message id}@{domain}`, the domain we send from), so
/// the customer's answer threads back to it, and raises the event its sender acts on.
pub fn reply(
    c: &Conversation,
    message_id: MessageId,
    by: &str,
    text: &str,
    domain: &str,
    now: DateTime<Utc>,
) -> Result<(Conversation, Message, DomainEvent), ConversationError> {
    if c.erased {
        return Err(ConversationError::Erased);
    }
    if c.email.is_none() {
        return Err(ConversationError::NoAddress);
    }
    let text = required_text("text", text)?;
    let next = Conversation {
        state: State::WaitingOnCustomer,
        messages: c.messages + 1,
        updated_at: now,
        first_response_at: c.first_response_at.or(Some(now)),
        ..c.clone()
    };
    let mut message = staff_message(message_id, c, Direction::Outbound, by, text, now);
    message.message_id_header = Some(format!("{}@{domain}", message_id.to_string().to_lowercase()));
    let event = DomainEvent::ConversationReplied(ConversationReplied {
        conversation_id: c.id.to_string(),
        message_id: message_id.to_string(),
    });
    Ok((next, message, event))
}

/// The subject of a reply: the conversation's, marked as a reply once.
pub fn reply_subject(subject: &str) -> String {
    if subject.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("re:")) {
        subject.to_owned()
    } else {
        format!("Re: {subject}")
    }
}

/// How many earlier messages a reply's `References` names.
pub const MAX_REFERENCES: usize = 20;

/// The threading headers of `reply` within `thread` (oldest first): `In-Reply-To` names the
/// latest e-mail before it, `References` the e-mails before it (the last [`MAX_REFERENCES`]),
/// so the customer's mail client shows one thread. Internal notes are never named.
pub fn threading(thread: &[Message], reply: &Message) -> (Option<String>, Vec<String>) {
    let before: Vec<String> = thread
        .iter()
        .filter(|m| m.direction != Direction::Note && m.at <= reply.at && m.id != reply.id)
        .filter_map(|m| m.message_id_header.clone())
        .collect();
    let references = before[before.len().saturating_sub(MAX_REFERENCES)..].to_vec();
    (before.last().cloned(), references)
}

/// An internal note: kept with the thread, never sent, and no response to the customer.
pub fn note(
    c: &Conversation,
    message_id: MessageId,
    by: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(Conversation, Message), ConversationError> {
    let text = required_text("text", text)?;
    let next = Conversation { messages: c.messages + 1, updated_at: now, ..c.clone() };
    let message = staff_message(message_id, c, Direction::Note, by, text, now);
    Ok((next, message))
}

/// A message staff write (a reply or a note).
fn staff_message(
    id: MessageId,
    c: &Conversation,
    direction: Direction,
    by: &str,
    text: String,
    now: DateTime<Utc>,
) -> Message {
    Message {
        id,
        conversation_id: c.id,
        direction,
        author: by.to_owned(),
        text,
        attachments: Vec::new(),
        message_id_header: None,
        raw_key: None,
        verdicts: None,
        at: now,
    }
}

fn required_text(field: &str, raw: &str) -> Result<String, FieldError> {
    let text = clean_text(raw.trim(), MAX_TEXT_CHARS);
    if text.is_empty() { Err(FieldError::new(field, "must not be empty")) } else { Ok(text) }
}

/// A change staff make to the conversation itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Assign(Option<String>),
    Tags(Vec<String>),
    Close,
    Reopen,
}

pub fn change(c: &Conversation, change: Change, now: DateTime<Utc>) -> Result<Conversation, ConversationError> {
    let mut next = Conversation { updated_at: now, ..c.clone() };
    match change {
        Change::Assign(who) => {
            next.assignee = who.map(|w| ShortText::parse("assignee", &w, 200).map(|t| t.to_string())).transpose()?;
        }
        Change::Tags(tags) => next.tags = super::text::tags(&tags, MAX_TAGS)?,
        Change::Close => next.state = State::Closed,
        Change::Reopen => next.state = State::Open,
    }
    Ok(next)
}

/// The conversation once its customer is erased: their address, name and every message's text
/// and attachments go; the count and the dates stay.
pub fn erase(c: &Conversation) -> Conversation {
    Conversation { email: None, name: None, subject: "[erased]".into(), erased: true, ..c.clone() }
}

/// A message once its conversation is erased: its words, files and raw e-mail go; who wrote
/// it (customer or staff) and when stay.
pub fn erase_message(m: &Message) -> Message {
    Message { text: String::new(), attachments: Vec::new(), raw_key: None, ..m.clone() }
}

/// Business hours for the first-response target: Monday to Friday, `start` to `end` o'clock UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusinessHours {
    pub start: u32,
    pub end: u32,
}

impl Default for BusinessHours {
    /// 12:00–21:00 UTC: 09:00–18:00 in Brasília.
    fn default() -> Self {
        Self { start: 12, end: 21 }
    }
}

impl BusinessHours {
    /// `START-END` in whole UTC hours, e.g. `12-21`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new(field, "must be START-END in whole UTC hours, START before END, END before 24");
        let (start, end) = raw.split_once('-').ok_or_else(bad)?;
        let start: u32 = start.trim().parse().map_err(|_| bad())?;
        let end: u32 = end.trim().parse().map_err(|_| bad())?;
        if start < end && end < 24 { Ok(Self { start, end }) } else { Err(bad()) }
    }
}

/// The first-response target: so many business hours after a conversation opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseTarget {
    pub hours: u32,
    pub business_hours: BusinessHours,
}

impl Default for ResponseTarget {
    fn default() -> Self {
        Self { hours: 4, business_hours: BusinessHours::default() }
    }
}

impl ResponseTarget {
    /// When the first response to `c` is due.
    pub fn due(&self, c: &Conversation) -> DateTime<Utc> {
        due(c.created_at, self.hours, self.business_hours)
    }

    pub fn overdue(&self, c: &Conversation, now: DateTime<Utc>) -> bool {
        overdue(c, self.hours, self.business_hours, now)
    }
}

/// When `hours` business hours after `from` have passed.
pub fn due(from: DateTime<Utc>, hours: u32, bh: BusinessHours) -> DateTime<Utc> {
    let mut left = Duration::hours(i64::from(hours));
    let mut at = from;
    let working = |t: DateTime<Utc>| !matches!(t.weekday(), Weekday::Sat | Weekday::Sun);
    loop {
        let day_start = at.date_naive().and_hms_opt(bh.start, 0, 0).expect("valid hour").and_utc();
        let day_end = at.date_naive().and_hms_opt(bh.end, 0, 0).expect("valid hour").and_utc();
        if working(at) && at < day_end {
            let from = at.max(day_start);
            let available = day_end - from;
            if left <= available {
                return from + left;
            }
            left -= available;
        }
        at = (at.date_naive() + Duration::days(1)).and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    }
}

/// Whether a conversation is past its first-response target at `now`.
pub fn overdue(c: &Conversation, target_hours: u32, bh: BusinessHours, now: DateTime<Utc>) -> bool {
    c.state == State::Open && c.first_response_at.is_none() && now > due(c.created_at, target_hours, bh)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn inbound(subject: &str, text: &str) -> Inbound {
        Inbound {
            channel: Channel::Email,
            email: "ana@example.com".into(),
            name: Some("Ana".into()),
            subject: subject.into(),
            text: text.into(),
            attachments: Vec::new(),
            message_id_header: Some("abc@mail.example".into()),
            raw_key: None,
            verdicts: Some(Verdicts { spf: true, dkim: true, dmarc: true }),
        }
    }

    fn opened() -> Conversation {
        let now = at("2026-12-07T13:00:00Z");
        open(
            ConversationId::new(),
            MessageId::new(),
            &inbound("Where is my order?", "Hi"),
            None,
            None,
            "tok".into(),
            now,
        )
        .0
    }

    #[test]
    fn a_reply_waits_on_the_customer_and_their_answer_reopens_it() {
        // Given an open conversation
        let c = opened();
        assert_eq!(c.state, State::Open);
        // When staff reply, then it waits on the customer and the first response is kept
        let later = at("2026-12-07T14:00:00Z");
        let (waiting, sent, _) =
            reply(&c, MessageId::new(), "staff-1", "It ships today.", "loja.example", later).unwrap();
        assert_eq!(
            (waiting.state, waiting.first_response_at, sent.direction),
            (State::WaitingOnCustomer, Some(later), Direction::Outbound)
        );
        // And a second reply keeps the first response's time
        let (again, _, _) =
            reply(&waiting, MessageId::new(), "staff-2", "Tracking: BR1", "loja.example", at("2026-12-07T15:00:00Z"))
                .unwrap();
        assert_eq!(again.first_response_at, Some(later));
        // When the conversation is closed and the customer writes, then it is open again
        let closed = change(&again, Change::Close, later).unwrap();
        let (reopened, m) = receive(
            &closed,
            MessageId::new(),
            &inbound("Re: Where is my order?", "Thanks!"),
            at("2026-12-08T10:00:00Z"),
        );
        assert_eq!((reopened.state, reopened.messages, m.direction), (State::Open, 4, Direction::Inbound));
    }

    #[test]
    fn a_note_is_internal_and_answers_nobody() {
        let c = opened();
        let (noted, m) =
            note(&c, MessageId::new(), "staff-1", "Customer called too", at("2026-12-07T14:00:00Z")).unwrap();
        assert_eq!((noted.state, noted.first_response_at, m.direction), (State::Open, None, Direction::Note));
        assert_eq!(
            note(&c, MessageId::new(), "staff-1", "   ", at("2026-12-07T14:00:00Z")).unwrap_err(),
            ConversationError::Invalid(FieldError::new("text", "must not be empty"))
        );
    }

    #[test]
    fn hostile_subjects_and_texts_are_kept_as_harmless_text() {
        assert_eq!(clean_subject("Hello\r\nBcc: victim@example.com"), "Hello  Bcc: victim@example.com");
        assert_eq!(clean_subject("  "), "(no subject)");
        assert_eq!(clean_text("a\u{202E}b\u{0}c\r\nd", 100), "abc\nd");
        let long = "x".repeat(MAX_TEXT_CHARS + 10);
        assert!(clean_text(&long, MAX_TEXT_CHARS).ends_with("[…]"));
    }

    #[test]
    fn the_first_response_is_due_in_business_hours() {
        let bh = BusinessHours::default();
        // Monday 13:00 UTC + 4 business hours = Monday 17:00
        assert_eq!(due(at("2026-12-07T13:00:00Z"), 4, bh), at("2026-12-07T17:00:00Z"));
        // Friday 19:00 + 4 h: 2 h on Friday, 2 h on Monday from 12:00
        assert_eq!(due(at("2026-12-11T19:00:00Z"), 4, bh), at("2026-12-14T14:00:00Z"));
        // Saturday: from Monday's opening
        assert_eq!(due(at("2026-12-12T10:00:00Z"), 1, bh), at("2026-12-14T13:00:00Z"));
        let c = opened();
        assert!(!overdue(&c, 4, bh, at("2026-12-07T16:59:00Z")));
        assert!(overdue(&c, 4, bh, at("2026-12-07T17:01:00Z")));
        let (answered, _, _) = reply(&c, MessageId::new(), "s", "ok", "x", at("2026-12-07T18:00:00Z")).unwrap();
        assert!(!overdue(&answered, 4, bh, at("2026-12-08T18:00:00Z")), "answered, even late");
    }

    #[test]
    fn tags_and_assignees_are_checked_and_erasure_keeps_only_counts_and_dates() {
        let c = opened();
        let tagged =
            change(&c, Change::Tags(vec!["Broken".into(), "broken".into(), "refund".into()]), c.created_at).unwrap();
        assert_eq!(tagged.tags, ["broken", "refund"]);
        assert!(change(&c, Change::Tags(vec!["<script>".into()]), c.created_at).is_err());
        let assigned = change(&c, Change::Assign(Some("staff-1".into())), c.created_at).unwrap();
        assert_eq!(assigned.assignee.as_deref(), Some("staff-1"));
        let erased = erase(&assigned);
        assert_eq!((erased.email.as_deref(), erased.name.as_deref(), erased.messages), (None, None, 1));
        assert_eq!(
            reply(&erased, MessageId::new(), "s", "hi", "x", c.created_at).unwrap_err(),
            ConversationError::Erased
        );
        let m = Message {
            attachments: vec![Attachment {
                key: "attachments/a".into(),
                filename: "a.png".into(),
                content_type: "image/png".into(),
                size: 1,
            }],
            raw_key: Some("inbound/x".into()),
            ..reply(&c, MessageId::new(), "s", "hi", "x", c.created_at).unwrap().1
        };
        let gone = erase_message(&m);
        assert_eq!((gone.text.as_str(), gone.attachments.len(), gone.raw_key), ("", 0, None));
        assert_eq!((gone.author, gone.at), (m.author, m.at));
    }

    fn email(direction: Direction, header: &str, when: &str) -> Message {
        let c = opened();
        let base = note(&c, MessageId::new(), "customer", "words", at(when)).unwrap().1;
        Message { direction, message_id_header: Some(header.into()), ..base }
    }

    #[test]
    fn a_reply_threads_under_the_latest_email_and_names_the_ones_before() {
        // Given a thread: the customer's message, an internal note, our reply, their answer
        let c = opened();
        let first = email(Direction::Inbound, "c1@mail.example", "2026-12-07T13:00:00Z");
        let noted = email(Direction::Note, "never@x", "2026-12-07T13:30:00Z");
        let (_, ours, event) =
            reply(&c, MessageId::new(), "s", "a", "loja.example", at("2026-12-07T14:00:00Z")).unwrap();
        assert_eq!(ours.message_id_header, Some(format!("{}@loja.example", ours.id.to_string().to_lowercase())));
        assert_eq!(event.event_type(), "conversation.replied");
        let answer = email(Direction::Inbound, "c2@mail.example", "2026-12-07T15:00:00Z");
        // When staff reply again
        let (_, second, _) = reply(&c, MessageId::new(), "s", "b", "loja.example", at("2026-12-07T16:00:00Z")).unwrap();
        let thread = vec![first, noted, ours.clone(), answer, second.clone()];
        // Then it answers the customer's latest e-mail and names every e-mail before it, never
        // the internal note
        let (in_reply_to, references) = threading(&thread, &second);
        assert_eq!(in_reply_to.as_deref(), Some("c2@mail.example"));
        let ours_id = ours.message_id_header.clone().unwrap();
        assert_eq!(references, ["c1@mail.example".to_owned(), ours_id, "c2@mail.example".into()]);
        // And the first reply answers the first message only
        assert_eq!(threading(&thread, &ours), (Some("c1@mail.example".into()), vec!["c1@mail.example".into()]));
        assert_eq!(reply_subject("Where is my order?"), "Re: Where is my order?");
        assert_eq!(reply_subject("RE: Where"), "RE: Where");
    }

    #[test]
    fn business_hours_and_the_target_are_read_from_settings() {
        assert_eq!(BusinessHours::parse("h", "9-18").unwrap(), BusinessHours { start: 9, end: 18 });
        for bad in ["18-9", "9", "a-b", "0-24"] {
            assert!(BusinessHours::parse("h", bad).is_err(), "{bad}");
        }
        let target = ResponseTarget::default();
        let c = opened();
        assert_eq!(target.due(&c), at("2026-12-07T17:00:00Z"));
        assert!(target.overdue(&c, at("2026-12-07T17:00:01Z")));
    }
}
