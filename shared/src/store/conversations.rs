//! Conversations of the service inbox: the conversation (`CONV#{id}` / `CONV`, versioned) and
//! its messages under the same partition (`MSG#{at}#{id}`, in order), so one Query reads a
//! thread. A conversation is listed by state in gsi3 and by state and assignee in gsi1, the most
//! recently changed first, and gathered under its customer in gsi2 (`CUSTOMER#{id}`, for the
//! export and the erasure) or, while no customer is linked, under its address (`CONTACT#{email}`,
//! for the erasure).
//!
//! Pointers (`POINTER` items) file a customer's e-mail: `CONVTOKEN#{token}` (the token in the
//! address we reply from), `CONVMSG#{Message-ID}` (every e-mail of a thread, for `In-Reply-To`
//! and `References`) and `CONVIN#{SES message id}` (an inbound e-mail filed once, however often
//! SES invokes us with it).

use super::keys::{GSI1, GSI2, GSI3};
use super::page::{CursorOrStore, Page, PageQuery};
use super::payments::{Claim, EmailDelivery, EmailStatus};
use super::versioned::{Versioned, next_version, versioned_from_item};
use super::{Guard, Item, Store, StoreError, Tx, from_item, key, record_item, s};
use crate::domain::conversation::{Conversation, Direction, Message, State};
use crate::domain::{ConversationId, CustomerId, MessageId};
use serde::{Deserialize, Serialize};

pub const CONVERSATION_SK: &str = "CONV";
const POINTER_SK: &str = "POINTER";
/// The longest `Message-ID` used as a key (RFC 5322 puts no limit; mail clients stay far below).
const MAX_HEADER_CHARS: usize = 500;

pub fn conversation_pk(id: &ConversationId) -> String {
    format!("CONV#{id}")
}

pub fn conversation_key(id: &ConversationId) -> Item {
    key(conversation_pk(id), CONVERSATION_SK)
}

/// The list partition of a state in gsi3.
pub fn state_gsi3pk(state: State) -> String {
    format!("CONVERSATIONS#{}", state.as_str())
}

/// The list partition of a state and an assignee in gsi1.
fn assignee_gsi1pk(state: State, assignee: &str) -> String {
    format!("CONVERSATIONS#{}#{assignee}", state.as_str())
}

fn token_pk(token: &str) -> String {
    format!("CONVTOKEN#{token}")
}

fn header_pk(header: &str) -> Option<String> {
    let header = header.trim().trim_start_matches('<').trim_end_matches('>');
    (!header.is_empty() && header.chars().count() <= MAX_HEADER_CHARS).then(|| format!("CONVMSG#{header}"))
}

fn inbound_pk(ses_message_id: &str) -> String {
    format!("CONVIN#{ses_message_id}")
}

pub fn conversation_from_item(item: impl super::ItemSource) -> Result<Versioned<Conversation>, StoreError> {
    versioned_from_item::<Conversation>(item)
}

#[derive(Serialize)]
struct ConversationRecord {
    pk: String,
    sk: String,
    gsi3pk: String,
    gsi3sk: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi1pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi1sk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi2pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi2sk: Option<String>,
    version: u64,
}

#[derive(Serialize, Deserialize)]
struct Pointer {
    pk: String,
    sk: String,
    conversation_id: ConversationId,
}

fn pointer(pk: String, id: &ConversationId) -> Result<Item, StoreError> {
    super::to_item(&Pointer { pk, sk: POINTER_SK.into(), conversation_id: *id })
}

/// Puts a conversation's new state if its stored version is still `expected_version` (`None`:
/// new, and its reply token is taken with it).
pub(crate) fn put_conversation(
    tx: &mut Tx,
    table: &str,
    c: &Conversation,
    expected_version: Option<u64>,
) -> Result<(), StoreError> {
    let listed = format!("{}#{}", super::orders::sortable(c.updated_at), c.id);
    let gsi2pk = match (&c.customer_id, &c.email) {
        (Some(customer), _) => Some(super::keys::customer_pk(customer)),
        (None, Some(email)) => Some(format!("CONTACT#{}", email.to_lowercase())),
        (None, None) => None,
    };
    let record = ConversationRecord {
        pk: conversation_pk(&c.id),
        sk: CONVERSATION_SK.to_owned(),
        gsi3pk: state_gsi3pk(c.state),
        gsi1pk: c.assignee.as_deref().map(|a| assignee_gsi1pk(c.state, a)),
        gsi1sk: c.assignee.as_ref().map(|_| listed.clone()),
        gsi3sk: listed,
        gsi2sk: gsi2pk.as_ref().map(|_| format!("CONV#{}", c.id)),
        gsi2pk,
        version: next_version(expected_version),
    };
    tx.put_versioned(table, record_item(&record, c)?, expected_version)?;
    if expected_version.is_none() {
        tx.insert(table, pointer(token_pk(&c.reply_token), &c.id)?, Guard::Insert)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct MessageRecord {
    pk: String,
    sk: String,
}

fn message_sk(m: &Message) -> String {
    format!("MSG#{}#{}", super::orders::sortable(m.at), m.id)
}

/// A message of the thread (only if its id is new). A reply's own `Message-ID` is filed with
/// it, so the customer's answer finds the conversation.
pub(crate) fn put_message(tx: &mut Tx, table: &str, m: &Message) -> Result<(), StoreError> {
    let record = MessageRecord { pk: conversation_pk(&m.conversation_id), sk: message_sk(m) };
    tx.insert(table, record_item(&record, m)?, Guard::Version)?;
    if m.direction == Direction::Outbound
        && let Some(pk) = m.message_id_header.as_deref().and_then(header_pk)
    {
        tx.insert(table, pointer(pk, &m.conversation_id)?, Guard::Insert)?;
    }
    Ok(())
}

/// A customer's e-mail, filed once: a second delivery of the same SES message is refused
/// ([`Guard::Idempotency`]). Its `Message-ID` is filed too when `new_header` (no other message
/// holds it: a sender may reuse one, and the first conversation keeps it).
pub(crate) fn put_inbound(
    tx: &mut Tx,
    table: &str,
    m: &Message,
    ses_message_id: &str,
    new_header: bool,
) -> Result<(), StoreError> {
    put_message(tx, table, m)?;
    tx.insert(table, pointer(inbound_pk(ses_message_id), &m.conversation_id)?, Guard::Idempotency)?;
    if new_header && let Some(pk) = m.message_id_header.as_deref().and_then(header_pk) {
        tx.insert(table, pointer(pk, &m.conversation_id)?, Guard::Insert)?;
    }
    Ok(())
}

impl Store {
    /// Conversations in `state` (assigned to `assignee`, when given), the most recently changed
    /// first or, `oldest_first`, the longest unchanged first.
    pub async fn conversations(
        &self,
        state: State,
        assignee: Option<&str>,
        oldest_first: bool,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Conversation>, CursorOrStore> {
        let (index, attribute, partition) = match assignee {
            Some(who) => (GSI1, "gsi1pk", assignee_gsi1pk(state, who)),
            None => (GSI3, "gsi3pk", state_gsi3pk(state)),
        };
        let query = PageQuery {
            index: Some(index),
            partition: (attribute, &partition),
            sort_prefix: None,
            sort_between: None,
            newest_first: !oldest_first,
        };
        self.page(query, limit, cursor, |item| conversation_from_item(item).map(Versioned::into_inner)).await
    }

    /// A customer's conversations, newest first.
    pub async fn conversations_of(&self, customer: &CustomerId) -> Result<Vec<Conversation>, StoreError> {
        self.conversations_under(&super::keys::customer_pk(customer)).await
    }

    /// The conversations gathered under a gsi2 partition (a customer's or an address's).
    async fn conversations_under(&self, partition: &str) -> Result<Vec<Conversation>, StoreError> {
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(GSI2)
            .key_condition_expression("gsi2pk = :p AND begins_with(gsi2sk, :c)")
            .expression_attribute_values(":p", s(partition))
            .expression_attribute_values(":c", s("CONV#"))
            .scan_index_forward(false);
        let mut found = Vec::new();
        for item in self.query_all(query).await? {
            found.push(conversation_from_item(item)?.into_inner());
        }
        found.sort_by_key(|c| std::cmp::Reverse(c.created_at));
        Ok(found)
    }

    /// The open conversations, every one (for the overview's open and overdue counts: a shop
    /// answers its inbox, so the list stays short).
    pub async fn open_conversations(&self) -> Result<Vec<Conversation>, StoreError> {
        let open = self.gsi3_partition(&state_gsi3pk(State::Open)).await?;
        open.into_iter().map(|i| conversation_from_item(i).map(Versioned::into_inner)).collect()
    }

    /// A conversation and its messages, oldest first: one Query on its partition.
    pub async fn thread(
        &self,
        id: &ConversationId,
    ) -> Result<Option<(Versioned<Conversation>, Vec<Message>)>, StoreError> {
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(conversation_pk(id)));
        let (mut conversation, mut messages) = (None, Vec::new());
        for item in self.query_all(query).await? {
            match item.get("sk").and_then(|v| v.as_s().ok()).map(String::as_str) {
                Some(CONVERSATION_SK) => conversation = Some(conversation_from_item(item)?),
                Some(sk) if sk.starts_with("MSG#") => messages.push(from_item::<Message>(item)?),
                _ => {}
            }
        }
        Ok(conversation.map(|c| (c, messages)))
    }

    async fn pointed(&self, pk: &str) -> Result<Option<ConversationId>, StoreError> {
        Ok(match self.get(pk, POINTER_SK).await? {
            Some(item) => Some(from_item::<Pointer>(item)?.conversation_id),
            None => None,
        })
    }

    /// The conversation whose reply address carries `token`.
    pub async fn conversation_by_token(&self, token: &str) -> Result<Option<ConversationId>, StoreError> {
        self.pointed(&token_pk(token)).await
    }

    /// The conversation of the newest of `headers` (`In-Reply-To` and `References`, newest last)
    /// that one of its e-mails holds; at most the last 10 are looked up.
    pub async fn conversation_by_headers(&self, headers: &[String]) -> Result<Option<ConversationId>, StoreError> {
        for header in headers.iter().rev().take(10) {
            if let Some(pk) = header_pk(header)
                && let Some(id) = self.pointed(&pk).await?
            {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// Whether an e-mail with this `Message-ID` is filed already.
    pub async fn header_filed(&self, header: &str) -> Result<bool, StoreError> {
        Ok(match header_pk(header) {
            Some(pk) => self.pointed(&pk).await?.is_some(),
            None => true,
        })
    }

    /// The conversation an SES message was filed into, if it was.
    pub async fn inbound_filed(&self, ses_message_id: &str) -> Result<Option<ConversationId>, StoreError> {
        self.pointed(&inbound_pk(ses_message_id)).await
    }

    /// The conversations of a customer and, when `email` is given, those from that address no
    /// customer was linked to.
    async fn conversations_about(
        &self,
        customer: &CustomerId,
        email: Option<&str>,
    ) -> Result<Vec<Conversation>, StoreError> {
        let mut conversations = self.conversations_of(customer).await?;
        if let Some(email) = email {
            conversations.extend(self.conversations_under(&format!("CONTACT#{}", email.to_lowercase())).await?);
        }
        Ok(conversations)
    }

    /// The mail bucket's objects those conversations' messages name (attachments, raw
    /// e-mails): deleted before the conversations are erased, which forgets them.
    pub async fn conversation_files(
        &self,
        customer: &CustomerId,
        email: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        let mut files = Vec::new();
        for c in self.conversations_about(customer, email).await? {
            if let Some((_, messages)) = self.thread(&c.id).await? {
                for m in messages {
                    files.extend(m.attachments.into_iter().map(|a| a.key));
                    files.extend(m.raw_key);
                }
            }
        }
        Ok(files)
    }

    /// Erases those conversations: each keeps its counts and dates, each message loses its
    /// words and files. Repeatable; counts the conversations it erased itself.
    pub async fn erase_conversations(&self, customer: &CustomerId, email: Option<&str>) -> Result<usize, StoreError> {
        let mut erased = 0;
        for c in self.conversations_about(customer, email).await? {
            // A reply or a note committed meanwhile: read again and erase that too.
            for _ in 0..5 {
                let Some((current, messages)) = self.thread(&c.id).await? else { break };
                for m in &messages {
                    if !m.text.is_empty() || !m.attachments.is_empty() || m.raw_key.is_some() {
                        let gone = crate::domain::conversation::erase_message(m);
                        let record = MessageRecord { pk: conversation_pk(&m.conversation_id), sk: message_sk(m) };
                        self.put_if(record_item(&record, &gone)?, "attribute_exists(pk)", &[], Default::default())
                            .await?;
                    }
                }
                if current.erased {
                    break;
                }
                let mut changes = self.changes();
                changes.conversation(Some(&current), &crate::domain::conversation::erase(&current))?;
                match self.commit(changes).await {
                    Ok(()) => {
                        erased += 1;
                        break;
                    }
                    Err(StoreError::Conflict(Guard::Version)) => continue,
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(erased)
    }

    /// Claims the sending of a staff reply (see `claim_notification`: the same rule, per message).
    pub async fn claim_reply(
        &self,
        id: &ConversationId,
        message: &MessageId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Claim, StoreError> {
        let sending =
            EmailDelivery { status: EmailStatus::Sending, at: now, language: None, subject: None, message_id: None };
        let stale = (now - chrono::Duration::seconds(super::payments::CLAIM_STALE_SECONDS))
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let values = [(":sending".to_owned(), s("sending")), (":stale".to_owned(), s(stale))].into_iter().collect();
        let condition = "attribute_not_exists(pk) OR (email.#status = :sending AND email.#at < :stale)";
        if self
            .put_if(delivery_item(id, message, &sending)?, condition, &[("#status", "status"), ("#at", "at")], values)
            .await?
        {
            return Ok(Claim::Claimed);
        }
        let current = self.get(&conversation_pk(id), &delivery_sk(message)).await?;
        let current: Option<DeliveryRecord> = current.map(from_item).transpose()?;
        Ok(match current.map(|d| d.email.status) {
            Some(EmailStatus::Sending) => Claim::Busy,
            Some(done) => Claim::Done(done),
            None => Claim::Busy,
        })
    }

    /// Records how a claimed reply's sending ended.
    pub async fn finish_reply(
        &self,
        id: &ConversationId,
        message: &MessageId,
        delivery: &EmailDelivery,
    ) -> Result<(), StoreError> {
        self.put_if(delivery_item(id, message, delivery)?, "attribute_exists(pk)", &[], Default::default()).await?;
        Ok(())
    }

    /// How each staff reply of a conversation was sent, by message.
    pub async fn reply_deliveries(
        &self,
        id: &ConversationId,
    ) -> Result<std::collections::HashMap<MessageId, EmailDelivery>, StoreError> {
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk AND begins_with(sk, :d)")
            .expression_attribute_values(":pk", s(conversation_pk(id)))
            .expression_attribute_values(":d", s("DELIVERY#"));
        let mut found = std::collections::HashMap::new();
        for item in self.query_all(query).await? {
            let record: DeliveryRecord = from_item(item)?;
            found.insert(record.message_id, record.email);
        }
        Ok(found)
    }
}

fn delivery_sk(message: &MessageId) -> String {
    format!("DELIVERY#{message}")
}

/// How a staff reply was sent (`CONV#{id}` / `DELIVERY#{message id}`), shaped as an order
/// notification's e-mail so one claim rule serves both.
#[derive(Serialize, Deserialize)]
struct DeliveryRecord {
    message_id: MessageId,
    email: EmailDelivery,
}

fn delivery_item(id: &ConversationId, message: &MessageId, email: &EmailDelivery) -> Result<Item, StoreError> {
    let mut item = super::to_item(&DeliveryRecord { message_id: *message, email: email.clone() })?;
    item.extend(key(conversation_pk(id), delivery_sk(message)));
    Ok(item)
}
