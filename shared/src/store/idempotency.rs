//! Idempotency records: the stored response of a POST, keyed by caller and `Idempotency-Key`.
//! The record is written in the same transaction as the command's effects, so a request either
//! happened completely (and replays) or not at all (and runs). Records expire after 24 hours.

use super::keys::{self, IDEMPOTENCY_SK, hex};
use super::{Guard, Item, StoreError, Tx, from_item, record_item};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const RETENTION_HOURS: i64 = 24;

/// A client's idempotency key, as it addresses our table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pk: String,
}

impl IdempotencyKey {
    pub fn new(caller: &str, raw_key: &str) -> Self {
        let hash = hex(&Sha256::digest(raw_key.as_bytes()));
        let caller = hex(&Sha256::digest(caller.as_bytes()));
        Self { pk: keys::idempotency_pk(&caller[..32], &hash[..32]) }
    }

    pub fn key(&self) -> Item {
        super::key(&self.pk, IDEMPOTENCY_SK)
    }

    pub fn pk(&self) -> &str {
        &self.pk
    }
}

/// Fingerprint of a request: same key with another fingerprint is a client error (422).
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    hex(&h.finalize())
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A record as read: the fingerprint beside the stored response.
#[derive(Deserialize)]
struct IdempotencyRecord {
    fingerprint: String,
    #[serde(flatten)]
    response: StoredResponse,
}

/// What a record holds beside the stored response's attributes (`record_item`).
#[derive(Serialize)]
struct RecordAttributes {
    pk: String,
    sk: String,
    fingerprint: String,
    created_at: DateTime<Utc>,
    /// Epoch seconds; the table's TTL attribute.
    expires_at: i64,
    /// When the stored response holds a customer's personal data, the record is indexed under
    /// that customer (gsi2) so export and erasure find it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi2pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi2sk: Option<String>,
}

/// What the record says about a request arriving with a key already used.
#[derive(Debug, PartialEq, Eq)]
pub enum Replay {
    Same(StoredResponse),
    DifferentRequest,
}

pub fn replay(item: Item, fingerprint: &str) -> Result<Replay, StoreError> {
    let record: IdempotencyRecord = from_item(item)?;
    Ok(if record.fingerprint == fingerprint { Replay::Same(record.response) } else { Replay::DifferentRequest })
}

pub fn put_record(
    tx: &mut Tx,
    table: &str,
    key: &IdempotencyKey,
    fingerprint: &str,
    response: &StoredResponse,
    about: Option<&crate::domain::CustomerId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let record = RecordAttributes {
        gsi2pk: about.map(keys::customer_pk),
        gsi2sk: about.map(|_| format!("IDEMPOTENCY#{}", key.pk)),
        pk: key.pk.clone(),
        sk: IDEMPOTENCY_SK.to_owned(),
        fingerprint: fingerprint.to_owned(),
        created_at: now,
        expires_at: now.timestamp() + RETENTION_HOURS * 3600,
    };
    // The record that won the race comes back with the refusal: replayed without a read.
    tx.insert_returning(table, record_item(&record, response)?, Guard::Idempotency, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_scoped_to_the_caller_and_never_carry_raw_input() {
        let a = IdempotencyKey::new("alice", "k#1");
        let b = IdempotencyKey::new("bob", "k#1");
        assert_ne!(a, b);
        assert!(!a.pk().contains("k#1"));
        assert_eq!(a, IdempotencyKey::new("alice", "k#1"));
    }

    #[test]
    fn fingerprints_cover_method_path_and_body() {
        let f = fingerprint("POST", "/a", b"{}");
        assert_eq!(f, fingerprint("POST", "/a", b"{}"));
        assert_ne!(f, fingerprint("POST", "/b", b"{}"));
        assert_ne!(f, fingerprint("POST", "/a", b"{ }"));
    }
}
