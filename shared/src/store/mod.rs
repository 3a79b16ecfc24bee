//! DynamoDB single-table adapter: key layout, item mapping, and transactions whose conditions
//! enforce the invariants. Conditional-check failures are mapped to meanings here, never leaked
//! as SDK errors.

pub mod audit;
pub mod catalog;
pub mod changes;
pub mod conversations;
pub mod customer_search;
pub mod customers;
pub mod events;
pub mod exports;
pub mod gateway;
pub mod idempotency;
pub mod keys;
pub mod loaded;
pub mod order_list;
pub mod orders;
pub mod overview;
pub mod page;
pub mod payments;
pub mod promotions;
pub mod replenishment;
pub mod reports;
pub mod returns;
pub mod shipping;
pub mod stock;
pub mod suppliers;
pub mod versioned;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeValue, KeysAndAttributes, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

pub use changes::Changes;
pub use versioned::Versioned;

pub type Item = HashMap<String, AttributeValue>;

/// What a failed condition in a transaction protected; tells the caller how to react.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// The aggregate changed since it was read (version check): re-read and decide again.
    Version,
    /// The idempotency record appeared: the same request already happened; replay it.
    Idempotency,
    /// A business rule condition (for example `available >= :qty`).
    Rule,
    /// An insert-only item (event, ledger line) already exists.
    Insert,
    /// A uniqueness guard (such as a customer's e-mail) is held by someone else: final, 409,
    /// naming the field.
    Unique(&'static str),
    /// A condition every writer keeps true failed (a release finding less reserved than the
    /// order holds): the stored data is broken. Final: logged and answered 500, not retried.
    Integrity,
    /// An erasure found the customer with an open order (placed since it looked): final, 409.
    OpenOrders,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("condition failed: {0:?}")]
    Conflict(Guard),
    /// Another transaction touched the same items at the same moment (DynamoDB's
    /// `TransactionConflict`) or the table throttled us: safe to retry.
    #[error("contention, retry: {0}")]
    Contention(String),
    #[error("the table is unavailable: {0}")]
    Unavailable(String),
    #[error("stored item does not map to the domain: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Contention(_) | StoreError::Conflict(Guard::Version))
    }
}

/// The table handle every function shares. Cheap to clone (clones share one client).
#[derive(Clone, Debug)]
pub struct Store {
    connection: Arc<Connection>,
    table: String,
}

/// The DynamoDB client, given ready-made or built at its first use. Building one parses the
/// SDK's endpoint rules and assembles its runtime plugins, a noticeable part of a cold start: a
/// function that never reads or writes the table (the event relay, which
/// is handed stream records) should not pay that.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one per process, behind the store's `Arc`
enum Connection {
    Ready(Client),
    Deferred(aws_config::SdkConfig, OnceLock<Client>),
}

/// A transaction that was not written: why, and, when conditions failed and every one of them
/// returned its item, those items as they are now.
#[derive(Debug)]
pub struct Refusal {
    pub error: StoreError,
    pub current: Option<Vec<Item>>,
}

/// Items of one transaction, each tagged with what its condition guards.
#[derive(Default)]
pub struct Tx {
    items: Vec<(TransactWriteItem, Guard)>,
    /// The positions of the items that are the store's own bookkeeping rather than a change to
    /// an entity (see [`Tx::push_bookkeeping`]); the audit leaves them out.
    bookkeeping: Vec<usize>,
    /// What the events it puts add to the business metrics once it commits.
    facts: Vec<crate::metrics::Fact>,
}

impl Tx {
    pub fn push(&mut self, item: TransactWriteItem, guard: Guard) {
        self.items.push((item, guard));
    }

    /// An item the store keeps for its own rules (a customer's open-order count), which the
    /// entities' audit records do not name: the change that moved it is audited already.
    pub(crate) fn push_bookkeeping(&mut self, item: TransactWriteItem, guard: Guard) {
        self.bookkeeping.push(self.items.len());
        self.items.push((item, guard));
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Counts `fact` in the business metrics if, and once, this transaction commits.
    pub(crate) fn count(&mut self, fact: crate::metrics::Fact) {
        self.facts.push(fact);
    }

    /// The items that change an entity (the audit's subject): all but the bookkeeping.
    pub(crate) fn entity_items(&self) -> impl Iterator<Item = &TransactWriteItem> {
        self.items.iter().enumerate().filter(|(i, _)| !self.bookkeeping.contains(i)).map(|(_, (item, _))| item)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Marks a stream record or event as applied (counted once), under `pk`, until `expires_at`
    /// (epoch seconds): the put is refused when the mark exists, and the refusal returns the mark,
    /// so the writer learns which of its records were applied before.
    pub(crate) fn applied_marker(&mut self, table: &str, pk: String, expires_at: i64) -> Result<(), StoreError> {
        let mut marker = key(pk, "APPLIED");
        marker.insert("expires_at".into(), n(expires_at));
        self.insert_returning(table, marker, Guard::Idempotency, true)
    }

    /// Puts an item only if none with its key exists (an event, a ledger line, a payment, a
    /// guard); `guard` says what a refusal means.
    pub fn insert(&mut self, table: &str, item: Item, guard: Guard) -> Result<(), StoreError> {
        self.insert_returning(table, item, guard, false)
    }

    /// As [`Tx::insert`]; with `return_existing`, a refusal brings back the item that won.
    pub fn insert_returning(
        &mut self,
        table: &str,
        item: Item,
        guard: Guard,
        return_existing: bool,
    ) -> Result<(), StoreError> {
        let put = aws_sdk_dynamodb::types::Put::builder()
            .table_name(table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .set_return_values_on_condition_check_failure(
                return_existing.then_some(ReturnValuesOnConditionCheckFailure::AllOld),
            )
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.push(TransactWriteItem::builder().put(put).build(), guard);
        Ok(())
    }

    /// Puts an aggregate's whole new state, only if the stored version is still
    /// `expected_version` (`None`: only if it does not exist yet).
    pub fn put_versioned(&mut self, table: &str, item: Item, expected_version: Option<u64>) -> Result<(), StoreError> {
        let put = aws_sdk_dynamodb::types::Put::builder().table_name(table).set_item(Some(item));
        let put = match expected_version {
            Some(v) => put.condition_expression("version = :expected").expression_attribute_values(":expected", n(v)),
            None => put.condition_expression("attribute_not_exists(pk)"),
        };
        // On a lost race the item comes back with the refusal, to decide again without a read.
        let put = put.return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let put = put.build().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.push(TransactWriteItem::builder().put(put).build(), Guard::Version);
        Ok(())
    }
}

/// Which of a value set's items to put: every new one (their items carry the whole set, which
/// changed) or only those added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rewrite {
    All,
    Added,
}

/// Items kept one per value (a SKU's search terms, a customer's name prefixes), written and
/// deleted by difference: the item of each value `before` had and `after` lacks is deleted, and
/// the items `rewrite` names are put. `item_of` builds a value's item (its keys, and attributes).
pub(crate) fn items_per_value<V: Ord>(
    tx: &mut Tx,
    table: &str,
    before: &std::collections::BTreeSet<V>,
    after: &std::collections::BTreeSet<V>,
    rewrite: Rewrite,
    item_of: impl Fn(&V) -> Item,
) -> Result<(), StoreError> {
    for gone in before.difference(after) {
        let item = item_of(gone);
        let key = item.into_iter().filter(|(name, _)| name == "pk" || name == "sk").collect();
        let delete = aws_sdk_dynamodb::types::Delete::builder()
            .table_name(table)
            .set_key(Some(key))
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        tx.push(TransactWriteItem::builder().delete(delete).build(), Guard::Rule);
    }
    let written: Vec<&V> = match rewrite {
        Rewrite::All => after.iter().collect(),
        Rewrite::Added => after.difference(before).collect(),
    };
    for value in written {
        let put = aws_sdk_dynamodb::types::Put::builder()
            .table_name(table)
            .set_item(Some(item_of(value)))
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        tx.push(TransactWriteItem::builder().put(put).build(), Guard::Rule);
    }
    Ok(())
}

/// The outcome of a single conditional write: `Ok(false)` when its condition failed.
pub(crate) fn conditional_write<T, E>(
    result: Result<T, aws_sdk_dynamodb::error::SdkError<E>>,
) -> Result<bool, StoreError>
where
    E: std::fmt::Debug + ProvideErrorMetadata,
{
    match result {
        Ok(_) => Ok(true),
        Err(e) if e.code() == Some("ConditionalCheckFailedException") => Ok(false),
        Err(e) => Err(sdk_error(&e)),
    }
}

pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// The (`pk`, `sk`) an item is stored under, as commands key what they loaded.
pub fn item_key(item: &Item) -> Option<(String, String)> {
    match (item.get("pk"), item.get("sk")) {
        (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) => Some((pk.clone(), sk.clone())),
        _ => None,
    }
}

pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

fn sdk_error<E>(e: &aws_sdk_dynamodb::error::SdkError<E>) -> StoreError
where
    E: std::fmt::Debug + aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    let code = e.code().unwrap_or_default();
    if code.contains("Throttl") || code == "ProvisionedThroughputExceededException" || code == "RequestLimitExceeded" {
        StoreError::Contention(code.to_owned())
    } else {
        StoreError::Unavailable(format!("{code}: {}", e.message().unwrap_or("no message")))
    }
}

use aws_sdk_dynamodb::error::ProvideErrorMetadata;

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { connection: Arc::new(Connection::Ready(client)), table: table.into() }
    }

    /// A store whose client is built from `sdk` at its first call, once for all clones.
    pub fn deferred(sdk: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        Self { connection: Arc::new(Connection::Deferred(sdk.clone(), OnceLock::new())), table: table.into() }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn client(&self) -> &Client {
        match &*self.connection {
            Connection::Ready(client) => client,
            Connection::Deferred(sdk, client) => client.get_or_init(|| Client::new(sdk)),
        }
    }

    /// Whether the client exists yet (a deferred one is built by the first call).
    pub fn is_connected(&self) -> bool {
        match &*self.connection {
            Connection::Ready(_) => true,
            Connection::Deferred(_, client) => client.get().is_some(),
        }
    }

    /// Reads up to 100 items by key in one strongly consistent round trip. Missing items are
    /// simply absent from the map (keyed by `pk` + `\u{0}` + `sk`).
    pub async fn get_many(&self, keys: Vec<Item>) -> Result<HashMap<(String, String), Item>, StoreError> {
        let mut found = HashMap::new();
        let mut pending = keys;
        // BatchGetItem may return unprocessed keys under load; ask again for exactly those.
        for _ in 0..8 {
            if pending.is_empty() {
                break;
            }
            let request = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut pending)))
                .consistent_read(true)
                .build()
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            let out = self
                .client()
                .batch_get_item()
                .request_items(&self.table, request)
                .send()
                .await
                .map_err(|e| sdk_error(&e))?;
            for item in out.responses.and_then(|mut r| r.remove(&self.table)).unwrap_or_default() {
                if let Some(key) = item_key(&item) {
                    found.insert(key, item);
                }
            }
            pending = out.unprocessed_keys.and_then(|mut u| u.remove(&self.table)).map(|k| k.keys).unwrap_or_default();
        }
        if pending.is_empty() { Ok(found) } else { Err(StoreError::Contention("unprocessed keys".into())) }
    }

    pub async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error(&e))?;
        Ok(out.item)
    }

    /// Writes every item or none. A failed condition comes back as the [`Guard`] it protected.
    pub async fn transact(&self, tx: Tx) -> Result<(), StoreError> {
        self.transact_reporting(tx).await.map_err(|refusal| refusal.error)
    }

    /// [`Store::transact`], and when conditions failed, the items behind them as they are now
    /// (writes built with `ReturnValuesOnConditionCheckFailure = ALL_OLD` return them): a
    /// command can decide again from those instead of reading them again.
    pub async fn transact_reporting(&self, tx: Tx) -> Result<(), Refusal> {
        let (items, guards): (Vec<_>, Vec<_>) = tx.items.into_iter().unzip();
        let result = self.client().transact_write_items().set_transact_items(Some(items)).send().await;
        let err = match result {
            Ok(_) => {
                crate::metrics::committed(&tx.facts);
                return Ok(());
            }
            Err(err) => err,
        };
        let refused = |error| Refusal { error, current: None };
        if let Some(
            aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(
                cancelled,
            ),
        ) = err.as_service_error()
        {
            let reasons = cancelled.cancellation_reasons();
            let failed: Vec<_> =
                reasons.iter().zip(&guards).filter(|(r, _)| r.code() == Some("ConditionalCheckFailed")).collect();
            // A failed business rule or idempotency record is more telling than a version bump
            // that happened alongside it, so report the most specific guard that failed.
            let guard = failed.iter().map(|(_, g)| **g).min_by_key(|g| match g {
                Guard::Idempotency => 0,
                Guard::Unique(_) => 1,
                Guard::Rule | Guard::OpenOrders => 2,
                Guard::Insert => 3,
                Guard::Version => 4,
                // Last: a concurrent change of the order (a version failure) explains it first.
                Guard::Integrity => 5,
            });
            if let Some(guard) = guard {
                // All or nothing: one failed condition that returned no item means reading again.
                let current = failed.iter().map(|(r, _)| r.item().cloned()).collect::<Option<Vec<_>>>();
                return Err(Refusal { error: StoreError::Conflict(guard), current });
            }
            if reasons.iter().any(|r| matches!(r.code(), Some("TransactionConflict") | Some("ThrottlingError"))) {
                return Err(refused(StoreError::Contention("TransactionConflict".into())));
            }
        }
        if err.code() == Some("TransactionInProgressException") {
            return Err(refused(StoreError::Contention("TransactionInProgress".into())));
        }
        Err(refused(sdk_error(&err)))
    }

    /// Every item a query matches, following `LastEvaluatedKey` page after page. For reads whose
    /// size is bounded by design (one order's partition, one customer's data, a report range);
    /// listings page with cursors instead.
    /// How many items an index partition holds (`Select: COUNT`, every page): for short lists
    /// (open disputes, open reviews), whose cost grows with the list, not the table.
    pub async fn count_index(&self, index: &str, key: &str, partition: &str) -> Result<u64, StoreError> {
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(index)
            .key_condition_expression("#k = :pk")
            .expression_attribute_names("#k", key)
            .expression_attribute_values(":pk", s(partition))
            .select(aws_sdk_dynamodb::types::Select::Count);
        let mut total = 0u64;
        let mut start = None;
        loop {
            let out = query.clone().set_exclusive_start_key(start).send().await.map_err(|e| sdk_error(&e))?;
            total += u64::try_from(out.count()).unwrap_or(0);
            match out.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok(total),
            }
        }
    }

    /// Every item of one gsi3 partition (a list read whole: as long as what it lists).
    pub(crate) async fn gsi3_partition(&self, partition: &str) -> Result<Vec<Item>, StoreError> {
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(keys::GSI3)
            .key_condition_expression("gsi3pk = :p")
            .expression_attribute_values(":p", s(partition));
        self.query_all(query).await
    }

    pub async fn query_all(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = query.clone().set_exclusive_start_key(start).send().await.map_err(|e| sdk_error(&e))?;
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// One conditional write outside a transaction. `Ok(false)` when the condition failed.
    pub async fn put_if(
        &self,
        item: Item,
        condition: &str,
        names: &[(&str, &str)],
        values: HashMap<String, AttributeValue>,
    ) -> Result<bool, StoreError> {
        let mut request =
            self.client().put_item().table_name(&self.table).set_item(Some(item)).condition_expression(condition);
        for (placeholder, name) in names {
            request = request.expression_attribute_names(*placeholder, *name);
        }
        if !values.is_empty() {
            request = request.set_expression_attribute_values(Some(values));
        }
        conditional_write(request.send().await)
    }
}

/// Retrying a read-decide-write cycle that lost a race (or was throttled): exponential backoff
/// with full jitter, capped at 100 ms, for at most [`MAX_ATTEMPTS`] attempts and [`RETRY_BUDGET`]
/// of wall time. A hot SKU degrades into waiting and then into a 503 the client can retry —
/// never into a lost update — and the budget keeps every request inside the functions' 15 s
/// timeout even when the SDK's own retries (for throttling, up to ~3 s per call) add their
/// delays: under endless throttling a command answers 503 after about 11 s.
pub struct Retry {
    attempt: u32,
    started: std::time::Instant,
}

/// A backstop only: the time budget is what bounds a request.
pub const MAX_ATTEMPTS: u32 = 500;
pub const RETRY_BUDGET: std::time::Duration = std::time::Duration::from_secs(8);

impl Default for Retry {
    fn default() -> Self {
        Self { attempt: 0, started: std::time::Instant::now() }
    }
}

impl Retry {
    /// Waits before the next attempt; `false` when the attempts or the time budget are spent.
    pub async fn again(&mut self) -> bool {
        if self.attempt + 1 >= MAX_ATTEMPTS || self.started.elapsed() >= RETRY_BUDGET {
            return false;
        }
        let cap_us = (2_000u64 << self.attempt.min(6)).min(100_000);
        tokio::time::sleep(std::time::Duration::from_micros(jitter(cap_us))).await;
        self.attempt += 1;
        true
    }
}

/// A cheap, good-enough uniform value in `0..bound` for backoff jitter (not for anything secret).
fn jitter(bound: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let mixed = (nanos ^ (nanos >> 7)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    if bound == 0 { 0 } else { mixed % bound }
}

/// Converts a mapping struct into an item (`serde_dynamo`'s layout: structs and maps are `M`,
/// sequences `L`, numbers `N`, `None` is `NULL`).
pub fn to_item<T: serde::Serialize>(record: &T) -> Result<Item, StoreError> {
    serde_dynamo::to_item(record).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// One value as an attribute (a map for a struct).
pub(crate) fn to_attribute<T: serde::Serialize>(value: &T) -> Result<AttributeValue, StoreError> {
    serde_dynamo::to_attribute_value(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// One item of `body`'s attributes beside `keys`' (keys, index keys, version). Each is
/// serialised as the struct it is, so its map is sized once; `#[serde(flatten)]` would build one
/// map grown from empty instead, hashing every attribute again at each doubling.
pub(crate) fn record_item<K: serde::Serialize, B: serde::Serialize>(keys: &K, body: &B) -> Result<Item, StoreError> {
    let mut item = to_item(body)?;
    let keys = to_item(keys)?;
    item.reserve(keys.len());
    item.extend(keys);
    Ok(item)
}

/// Converts an item into a mapping struct.
pub fn from_item<T: serde::de::DeserializeOwned>(item: impl ItemSource) -> Result<T, StoreError> {
    serde_dynamo::from_attribute_value(serde_dynamo::AttributeValue::M(item.into_map()))
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// An item to read: owned (its values are moved into the deserializer's) or borrowed from what a
/// command loaded, which may decide more than once (its values are copied once, not the whole
/// map cloned and then converted).
pub trait ItemSource {
    fn item(&self) -> &Item;
    fn into_map(self) -> HashMap<String, serde_dynamo::AttributeValue>;
}

impl ItemSource for Item {
    fn item(&self) -> &Item {
        self
    }

    fn into_map(self) -> HashMap<String, serde_dynamo::AttributeValue> {
        // One conversion of the SDK's map, not two (see `stream::decode`).
        serde_dynamo::Item::from(self).into_inner()
    }
}

impl ItemSource for &Item {
    fn item(&self) -> &Item {
        self
    }

    fn into_map(self) -> HashMap<String, serde_dynamo::AttributeValue> {
        self.iter().map(|(k, v)| (k.clone(), copied(v))).collect()
    }
}

/// The SDK's attribute value as serde_dynamo's, from a reference (serde_dynamo converts only owned
/// values).
fn copied(v: &AttributeValue) -> serde_dynamo::AttributeValue {
    use serde_dynamo::AttributeValue as D;
    match v {
        AttributeValue::S(s) => D::S(s.clone()),
        AttributeValue::N(n) => D::N(n.clone()),
        AttributeValue::Bool(b) => D::Bool(*b),
        AttributeValue::Null(n) => D::Null(*n),
        AttributeValue::M(m) => D::M(m.iter().map(|(k, v)| (k.clone(), copied(v))).collect()),
        AttributeValue::L(l) => D::L(l.iter().map(copied).collect()),
        AttributeValue::Ss(ss) => D::Ss(ss.clone()),
        AttributeValue::Ns(ns) => D::Ns(ns.clone()),
        AttributeValue::B(b) => D::B(b.as_ref().to_vec()),
        AttributeValue::Bs(bs) => D::Bs(bs.iter().map(|b| b.as_ref().to_vec()).collect()),
        // A type this SDK version does not know: serde_dynamo's own conversion panics; reading
        // it as NULL lets the aggregate's deserialisation say what is missing.
        _ => D::Null(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sdk() -> aws_config::SdkConfig {
        aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-west-1"))
            .build()
    }

    #[test]
    fn an_item_reads_the_same_borrowed_as_owned() {
        let value = serde_json::json!({"s": "x", "n": 12, "b": true, "null": null, "m": {"k": [1, "two", {"deep": false}]},
                                       "l": [], "empty": {}});
        let mut item: Item = serde_dynamo::to_item(&value).unwrap();
        item.insert("ss".into(), AttributeValue::Ss(vec!["a".into(), "b".into()]));
        let borrowed: serde_json::Value = from_item(&item).unwrap();
        let owned: serde_json::Value = from_item(item).unwrap();
        assert_eq!(borrowed, owned);
        assert_eq!(borrowed["m"]["k"][2]["deep"], false);
    }

    #[test]
    fn a_deferred_store_builds_its_client_at_first_use_once_for_all_clones() {
        let store = Store::deferred(&sdk(), "table");
        let clone = store.clone();
        assert!(!store.is_connected() && !clone.is_connected());
        let first: *const Client = store.client();
        assert!(clone.is_connected());
        assert!(std::ptr::eq(first, clone.client()));
        assert_eq!(clone.table(), "table");
    }

    #[test]
    fn a_store_given_a_client_uses_that_one() {
        let client = Client::new(&sdk());
        let store = Store::new(client, "table");
        assert!(store.is_connected());
        assert_eq!(store.client().config().region().map(|r| r.as_ref()), Some("eu-west-1"));
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Record {
        pk: String,
        version: u64,
        note: Option<String>,
    }

    #[test]
    fn items_round_trip_and_mismatches_are_corrupt_not_panics() {
        let record = Record { pk: "ORDER#1".into(), version: u64::MAX, note: None };
        let item = to_item(&record).expect("an item");
        assert_eq!(item.get("note"), Some(&AttributeValue::Null(true)));
        let json: serde_json::Value = from_item(item.clone()).expect("json");
        assert_eq!(json["version"], serde_json::json!(u64::MAX));
        assert_eq!(from_item::<Record>(item.clone()).ok(), Some(record));

        let mut wrong = item;
        wrong.insert("version".into(), AttributeValue::S("one".into()));
        assert!(matches!(from_item::<Record>(wrong), Err(StoreError::Corrupt(_))));
        assert!(matches!(to_item(&5u32), Err(StoreError::Corrupt(_))), "an item is a map");
    }
}
