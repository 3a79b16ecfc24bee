//! Conversations of the service inbox: the conversation (`CONV#{id}` / `CONV`, versioned,
//! listed by state through gsi3 with the most recently changed first) and its messages under
//! the same partition (`MSG#{at}#{id}`, in order), so one Query reads a thread.

use super::keys::GSI3;
use super::page::{CursorOrStore, Page, PageQuery};
use super::versioned::{Versioned, next_version, versioned_from_item};
use super::{Guard, Item, Store, StoreError, Tx, from_item, record_item, s};
use crate::domain::ConversationId;
use crate::domain::conversation::{Conversation, Message, State};
use serde::Serialize;

const CONVERSATION_SK: &str = "CONV";

pub fn conversation_pk(id: &ConversationId) -> String {
    format!("CONV#{id}")
}

pub fn conversation_key(id: &ConversationId) -> Item {
    super::key(conversation_pk(id), CONVERSATION_SK)
}

/// The list partition of a state in gsi3.
pub fn state_gsi3pk(state: State) -> String {
    format!("CONVERSATIONS#{}", state.as_str())
}

pub fn conversation_from_item(item: Item) -> Result<Versioned<Conversation>, StoreError> {
    versioned_from_item::<Conversation>(item)
}

#[derive(Serialize)]
struct ConversationRecord {
    pk: String,
    sk: String,
    gsi3pk: String,
    gsi3sk: String,
    version: u64,
}

/// Puts a conversation's new state if its stored version is still `expected_version` (`None`:
/// new); it moves to its state's list, most recently changed first.
pub(crate) fn put_conversation(
    tx: &mut Tx,
    table: &str,
    c: &Conversation,
    expected_version: Option<u64>,
) -> Result<(), StoreError> {
    let record = ConversationRecord {
        pk: conversation_pk(&c.id),
        sk: CONVERSATION_SK.to_owned(),
        gsi3pk: state_gsi3pk(c.state),
        gsi3sk: format!("{}#{}", super::orders::sortable(c.updated_at), c.id),
        version: next_version(expected_version),
    };
    tx.put_versioned(table, record_item(&record, c)?, expected_version)
}

#[derive(Serialize)]
struct MessageRecord {
    pk: String,
    sk: String,
}

/// A message of the thread (only if its id is new).
pub(crate) fn put_message(tx: &mut Tx, table: &str, m: &Message) -> Result<(), StoreError> {
    let record = MessageRecord {
        pk: conversation_pk(&m.conversation_id),
        sk: format!("MSG#{}#{}", super::orders::sortable(m.at), m.id),
    };
    tx.insert(table, record_item(&record, m)?, Guard::Version)
}

impl Store {
    /// Conversations in `state`, most recently changed first.
    pub async fn conversations(
        &self,
        state: State,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Conversation>, CursorOrStore> {
        let partition = state_gsi3pk(state);
        let query = PageQuery {
            index: Some(GSI3),
            partition: ("gsi3pk", &partition),
            sort_prefix: None,
            sort_between: None,
            newest_first: true,
        };
        self.page(query, limit, cursor, |item| conversation_from_item(item).map(Versioned::into_inner)).await
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
}
