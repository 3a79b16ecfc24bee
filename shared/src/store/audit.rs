//! The audit trail: who changed what, when, under which correlation id. `http::serve` runs each
//! request inside an [`Actor`] scope; every transaction committed in it carries, beside the
//! change, one record per entity it wrote (`AUDIT#{kind}#{id}`) and one for the actor
//! (`AUDIT#ACTOR#{hash(subject)}#{shard}`, over [`ACTOR_SHARDS`]: one client may write every
//! order), sorted `{at}#{audit id}`. A record names the route and entity ids, never a body, so
//! it holds no personal data and erasure keeps it.

use super::keys::hex;
use super::page::CursorOrStore;
use super::page::{Page, PageQuery};
use super::{Guard, Item, Store, StoreError, Tx, s, to_item};
use crate::domain::AuditId;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const ACTOR_SHARDS: u8 = 4;

/// Who is making the current request and through which route.
#[derive(Debug, Clone)]
pub struct Actor {
    pub subject: String,
    /// The route key (`POST /orders/{id}/cancel`).
    pub command: String,
    pub correlation_id: String,
}

tokio::task_local! {
    static ACTOR: Actor;
}

/// Runs `work` as `actor`: what it commits is audited in its name.
pub async fn acting_as<F: std::future::Future>(actor: Actor, work: F) -> F::Output {
    ACTOR.scope(actor, work).await
}

/// An entity an audit record names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

/// One audit record as stored and listed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: AuditId,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub command: String,
    pub entities: Vec<Entity>,
    pub correlation_id: String,
}

/// The kinds an audit is kept for, by key prefix.
const KINDS: [(&str, &str); 6] = [
    ("ORDER#", "order"),
    ("CUSTOMER#", "customer"),
    ("RETURN#", "return"),
    ("SKU#", "sku"),
    ("REVIEW#", "review"),
    ("CONV#", "conversation"),
];

fn entity_of(pk: &str) -> Option<Entity> {
    KINDS.iter().find_map(|(prefix, kind)| {
        let id = pk.strip_prefix(prefix)?;
        Some(Entity { kind: (*kind).to_owned(), id: id.to_owned() })
    })
}

fn pk_in(m: &std::collections::HashMap<String, AttributeValue>) -> Option<&str> {
    m.get("pk").and_then(|v| v.as_s().ok()).map(String::as_str)
}

fn pk_of(item: &TransactWriteItem) -> Option<&str> {
    if let Some(p) = item.put() {
        return pk_in(p.item());
    }
    if let Some(u) = item.update() {
        return pk_in(u.key());
    }
    if let Some(d) = item.delete() {
        return pk_in(d.key());
    }
    item.condition_check().and_then(|c| pk_in(c.key()))
}

pub fn entity_pk(kind: &str, id: &str) -> String {
    format!("AUDIT#{}#{id}", kind.to_uppercase())
}

pub fn actor_pk(subject: &str, shard: u8) -> String {
    use sha2::{Digest, Sha256};
    format!("AUDIT#ACTOR#{}#{shard}", &hex(&Sha256::digest(subject.as_bytes()))[..32])
}

/// Appends the audit records of `tx` when it runs inside a request and writes an entity.
pub(crate) fn audit(tx: &mut Tx, table: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    let Ok(actor) = ACTOR.try_with(Actor::clone) else { return Ok(()) };
    let mut entities: Vec<Entity> = Vec::new();
    for item in tx.entity_items() {
        if let Some(entity) = pk_of(item).and_then(entity_of)
            && !entities.contains(&entity)
        {
            entities.push(entity);
        }
    }
    if entities.is_empty() {
        return Ok(());
    }
    let id = AuditId::new();
    let record = AuditRecord {
        id,
        at: now,
        actor: actor.subject.clone(),
        command: actor.command,
        entities: entities.clone(),
        correlation_id: actor.correlation_id,
    };
    let sk = format!("{}#{id}", super::orders::sortable(now));
    // An order's SKUs are found through the order; a stock command's SKU by itself.
    let has_aggregate = entities.iter().any(|e| e.kind != "sku");
    let mut partitions: Vec<String> =
        entities.iter().filter(|e| !has_aggregate || e.kind != "sku").map(|e| entity_pk(&e.kind, &e.id)).collect();
    partitions.push(actor_pk(&actor.subject, id.bucket(ACTOR_SHARDS)));
    let body = to_item(&record)?;
    for pk in partitions {
        let mut item: Item = body.clone();
        item.insert("pk".into(), s(pk));
        item.insert("sk".into(), s(&sk));
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(item))
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        tx.push(TransactWriteItem::builder().put(put).build(), Guard::Rule);
    }
    Ok(())
}

/// Which UTC days of records a listing holds, both included (`None`: no bound).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Days {
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

impl Days {
    /// The lowest and highest sort key of those days: keys start with the record's instant
    /// (`2026-12-07T10:00:00.000Z#…`), so a day's keys all sort after the day and before the day
    /// followed by `U` (the letter after `T`). Unbounded ends are `0` and `9`, which sort before
    /// and after every year.
    fn bounds(&self) -> (String, String) {
        let lowest = self.from.map_or_else(|| "0".to_owned(), |d| d.format("%Y-%m-%d").to_string());
        let highest = self.to.map_or_else(|| "9".to_owned(), |d| format!("{}U", d.format("%Y-%m-%d")));
        (lowest, highest)
    }
}

/// A listing cursor across the actor's shards: each shard's last sort key taken ("" when done).
#[derive(Serialize, Deserialize)]
struct ShardCursor {
    a: String,
    at: Vec<Option<String>>,
}

impl Store {
    /// An entity's audit records of `days`, newest first.
    pub async fn audit_of(
        &self,
        kind: &str,
        id: &str,
        days: Days,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<AuditRecord>, CursorOrStore> {
        let pk = entity_pk(kind, id);
        let (lowest, highest) = days.bounds();
        let between = (days != Days::default()).then_some(("sk", lowest.as_str(), highest.as_str()));
        let query = PageQuery {
            index: None,
            partition: ("pk", &pk),
            sort_prefix: None,
            sort_between: between,
            newest_first: true,
        };
        self.page(query, limit, cursor, super::from_item::<AuditRecord>).await
    }

    /// An actor's audit records of `days`, newest first, merged from its shards.
    pub async fn audit_by(
        &self,
        subject: &str,
        days: Days,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<AuditRecord>, CursorOrStore> {
        let (lowest, highest) = days.bounds();
        let shards: Vec<String> = (0..ACTOR_SHARDS).map(|i| actor_pk(subject, i)).collect();
        let mut at: Vec<Option<String>> = match cursor {
            None => vec![None; shards.len()],
            Some(raw) => {
                let bytes = (0..raw.len())
                    .step_by(2)
                    .map(|i| raw.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
                    .collect::<Option<Vec<u8>>>();
                let decoded: Option<ShardCursor> = bytes.and_then(|b| serde_json::from_slice(&b).ok());
                match decoded {
                    Some(c) if c.a == actor_pk(subject, 0) && c.at.len() == shards.len() => c.at,
                    _ => return Err(CursorOrStore::Cursor),
                }
            }
        };
        let (lowest, highest) = (&lowest, &highest);
        let reads = shards.iter().zip(&at).map(|(pk, position)| async move {
            if position.as_deref() == Some("") {
                return Ok::<_, StoreError>((Vec::new(), false));
            }
            // After a cursor, the range ends at the last key taken, included (a key condition has
            // one range), one more is read, and that key is left out.
            let upper = position.as_deref().unwrap_or(highest);
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .key_condition_expression("pk = :p AND sk BETWEEN :lo AND :hi")
                .expression_attribute_values(":p", s(pk))
                .expression_attribute_values(":lo", s(lowest))
                .expression_attribute_values(":hi", s(upper))
                .scan_index_forward(false)
                .limit(limit + i32::from(position.is_some()))
                .send()
                .await
                .map_err(|e| super::sdk_error(&e))?;
            let mut items = out.items.unwrap_or_default();
            if let Some(last) = position {
                items.retain(|item| item.get("sk").and_then(|v| v.as_s().ok()) != Some(last));
                items.truncate(usize::try_from(limit).unwrap_or(0));
            }
            Ok((items, out.last_evaluated_key.is_some()))
        });
        let pages = futures::future::try_join_all(reads).await.map_err(CursorOrStore::Store)?;
        let mut merged: Vec<(usize, String, Item)> = Vec::new();
        for (shard, (items, _)) in pages.iter().enumerate() {
            for item in items {
                let sk = item.get("sk").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
                merged.push((shard, sk, item.clone()));
            }
        }
        merged.sort_by(|a, b| b.1.cmp(&a.1));
        merged.truncate(usize::try_from(limit).unwrap_or(0));
        let mut taken = vec![0usize; shards.len()];
        let mut records = Vec::new();
        for (shard, sk, item) in merged {
            taken[shard] += 1;
            at[shard] = Some(sk);
            records.push(super::from_item::<AuditRecord>(item).map_err(CursorOrStore::Store)?);
        }
        for (shard, (items, more)) in pages.iter().enumerate() {
            if taken[shard] == items.len() && !more && at[shard].as_deref() != Some("") {
                at[shard] = Some(String::new());
            }
        }
        let done = at.iter().all(|p| p.as_deref() == Some(""));
        let next_cursor = (!done).then(|| {
            let cursor = ShardCursor { a: actor_pk(subject, 0), at };
            hex(serde_json::to_string(&cursor).unwrap_or_default().as_bytes())
        });
        Ok(Page { items: records, next_cursor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_come_from_the_keys_written() {
        assert_eq!(entity_of("ORDER#01J").unwrap(), Entity { kind: "order".into(), id: "01J".into() });
        assert_eq!(entity_of("SKU#MUG-1").unwrap().kind, "sku");
        assert!(entity_of("IDEMPOTENCY#x#y").is_none() && entity_of("EMAIL#abc").is_none());
        assert_eq!(entity_pk("order", "01J"), "AUDIT#ORDER#01J");
        assert!(!actor_pk("ana@example.com", 0).contains("ana"), "no subject in a key");
    }
}
