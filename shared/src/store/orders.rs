//! Orders as items, and the transaction items of an order decision.

use super::events::{EventRecord, TimelineEvent};
use super::keys::{self, GSI1};
use super::versioned::{Versioned, next_version, versioned_from_item};
use super::{Item, Store, StoreError, Tx, record_item, s};
use crate::domain::OrderId;
use crate::domain::order::Order;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What an order's item holds beside the order's fields (`record_item`): its keys and index keys.
#[derive(Serialize)]
struct OrderRecord {
    pk: String,
    sk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi1pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi1sk: Option<String>,
    /// The customer's "everything about me" index entry.
    gsi2pk: String,
    gsi2sk: String,
    /// Present while the order has an outstanding balance (receivables, oldest first) or, once
    /// cancelled, money to pay back (refunds owed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi3pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi3sk: Option<String>,
    /// Newest first among all orders (a write shard of them).
    gsi4pk: String,
    gsi4sk: String,
    /// Newest first among the orders in its state (a write shard of them).
    gsi5pk: String,
    gsi5sk: String,
    /// Newest first among its channel's orders (a write shard of them).
    gsi6pk: String,
    gsi6sk: String,
    /// What a listing shows without projecting the lines.
    line_count: usize,
    /// Whether the order counts among its customer's open orders (`Order::counted_open`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    counted_open: bool,
    /// The store's optimistic-concurrency token (see `Versioned`).
    version: u64,
}

/// Sortable text form of an instant, used in index sort keys.
pub(crate) fn sortable(t: DateTime<Utc>) -> String {
    // `%Y-%m-%dT%H:%M:%S%.3fZ`, without parsing a format string on every call.
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub fn order_key(id: &OrderId) -> Item {
    super::key(keys::order_pk(id), keys::ORDER_SK)
}

/// Read straight into the order, its version beside it: the record's own attributes (keys,
/// index keys) are not `Order` fields and are skipped. Reading the record would buffer the
/// flattened order first (serde's `flatten`) for nothing.
pub fn order_from_item(item: impl super::ItemSource) -> Result<Versioned<Order>, StoreError> {
    versioned_from_item::<Order>(item)
}

/// Puts an order's new state if its stored version is still `expected_version` (`None`: new).
pub fn put_order(tx: &mut Tx, table: &str, order: &Order, expected_version: Option<u64>) -> Result<(), StoreError> {
    let awaiting = order.awaiting_payment();
    // A disputed order has been paid, so it is never awaiting payment: the two share gsi1.
    let disputed = order.is_disputed();
    let money_list = if order.is_receivable() {
        Some(keys::RECEIVABLE_GSI3PK)
    } else if order.refund_due.amount() > 0 {
        Some(keys::REFUND_DUE_GSI3PK)
    } else {
        None
    };
    let placed = sortable(order.placed_at);
    let record = OrderRecord {
        pk: keys::order_pk(&order.id),
        sk: keys::ORDER_SK.to_owned(),
        gsi1pk: if awaiting {
            Some(keys::AWAITING_PAYMENT_GSI1PK.to_owned())
        } else {
            disputed.then(|| keys::DISPUTED_GSI1PK.to_owned())
        },
        gsi1sk: if awaiting {
            Some(format!("{}#{}", sortable(order.payment_due_at), order.id))
        } else {
            disputed.then(|| format!("{placed}#{}", order.id))
        },
        gsi2pk: keys::customer_pk(&order.customer_id),
        gsi2sk: format!("ORDER#{}", order.id),
        gsi3pk: money_list.map(str::to_owned),
        gsi3sk: money_list.map(|_| format!("{placed}#{}", order.id)),
        gsi4pk: keys::orders_by_date_pk(order.id.bucket(keys::ORDER_DATE_SHARDS)),
        gsi4sk: format!("{placed}#{}", order.id),
        gsi5pk: keys::orders_by_state_pk(
            order.status,
            order.fulfillment_status,
            order.id.bucket(keys::ORDER_STATE_SHARDS),
        ),
        gsi5sk: format!("{placed}#{}", order.id),
        gsi6pk: keys::orders_by_channel_pk(&order.channel, order.id.bucket(keys::ORDER_DATE_SHARDS)),
        gsi6sk: format!("{placed}#{}", order.id),
        line_count: order.lines.len(),
        counted_open: order.counted_open(),
        version: next_version(expected_version),
    };
    tx.put_versioned(table, record_item(&record, order)?, expected_version)
}

impl Store {
    /// How many orders have a dispute open (for the overview): a count of the index's keys.
    pub async fn open_dispute_count(&self) -> Result<u64, StoreError> {
        self.count_index(GSI1, "gsi1pk", keys::DISPUTED_GSI1PK).await
    }

    /// Up to 100 orders in one BatchGetItem, in the order of `ids` (absent ones left out).
    pub async fn orders(&self, ids: &[OrderId]) -> Result<Vec<Versioned<Order>>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut found = self.get_many(ids.iter().map(order_key).collect()).await?;
        ids.iter()
            .filter_map(|id| found.remove(&(keys::order_pk(id), keys::ORDER_SK.to_owned())))
            .map(order_from_item)
            .collect()
    }

    pub async fn order(&self, id: &OrderId) -> Result<Option<Versioned<Order>>, StoreError> {
        self.get(&keys::order_pk(id), keys::ORDER_SK).await?.map(order_from_item).transpose()
    }

    /// The order and its events, oldest first, in one Query on the order's partition.
    pub async fn order_with_timeline(
        &self,
        id: &OrderId,
    ) -> Result<Option<(Versioned<Order>, Vec<TimelineEvent>)>, StoreError> {
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(keys::order_pk(id)))
            .consistent_read(true);
        let mut order = None;
        let mut events = Vec::new();
        for item in self.query_all(query).await? {
            match item.get("sk").and_then(|v| v.as_s().ok()).map(String::as_str) {
                Some(keys::ORDER_SK) => order = Some(order_from_item(item)?),
                Some(sk) if EventRecord::is_event_key(sk) => events.push(TimelineEvent::from_item(item)?),
                _ => {}
            }
        }
        Ok(order.map(|o| (o, events)))
    }

    /// Orders still awaiting payment whose hold ended at or before `now`, oldest first.
    pub async fn orders_past_payment_hold(&self, now: DateTime<Utc>, limit: i32) -> Result<Vec<OrderId>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :p AND gsi1sk <= :cut")
            .expression_attribute_values(":p", s(keys::AWAITING_PAYMENT_GSI1PK))
            // '~' sorts after every ULID character: includes orders due exactly now.
            .expression_attribute_values(":cut", s(format!("{}#~", sortable(now))))
            .limit(limit)
            .send()
            .await
            .map_err(|e| super::sdk_error(&e))?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(|i| {
                let raw =
                    i.get("pk").and_then(|v| v.as_s().ok()).and_then(|pk| pk.strip_prefix("ORDER#")).unwrap_or("");
                OrderId::parse("pk", raw).map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sort_keys_hold_milliseconds_in_utc_with_a_z() {
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 18, 47, 8).unwrap() + chrono::Duration::microseconds(5_900);
        assert_eq!(sortable(at), "2026-12-07T18:47:08.005Z");
        assert_eq!(sortable(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()), "2026-01-02T03:04:05.000Z");
    }
}

fn external_reference_pk(
    channel: &crate::domain::channel::Channel,
    reference: &crate::domain::channel::ExternalReference,
) -> String {
    format!("CHANNELREF#{channel}#{}", reference.as_str())
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ReferenceGuard {
    order_id: crate::domain::OrderId,
}

/// Takes a channel's reference for `order`: one order per reference and channel.
pub(crate) fn claim_external_reference(
    tx: &mut super::Tx,
    table: &str,
    channel: &crate::domain::channel::Channel,
    reference: &crate::domain::channel::ExternalReference,
    order: &crate::domain::OrderId,
) -> Result<(), StoreError> {
    let mut item = super::to_item(&ReferenceGuard { order_id: *order })?;
    item.extend(super::key(external_reference_pk(channel, reference), "GUARD"));
    tx.insert(table, item, super::Guard::Unique("external_reference"))
}

impl Store {
    /// The order a channel's reference names, if one was placed with it.
    pub async fn order_by_reference(
        &self,
        channel: &crate::domain::channel::Channel,
        reference: &crate::domain::channel::ExternalReference,
    ) -> Result<Option<crate::domain::OrderId>, StoreError> {
        Ok(match self.get(&external_reference_pk(channel, reference), "GUARD").await? {
            Some(item) => Some(super::from_item::<ReferenceGuard>(item)?.order_id),
            None => None,
        })
    }
}
