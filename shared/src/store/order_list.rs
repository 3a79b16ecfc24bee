//! `GET /orders`: orders newest first, filtered by what an index can serve, a page at a time.
//!
//! Four indexes serve it (keys in [`super::keys`]): every order, over write shards (`gsi4`);
//! the orders in one (status, fulfillment status) pair, over write shards (`gsi5`); one
//! channel's orders, over write shards (`gsi6`); one customer's orders (`gsi2`). A page queries each partition the filter needs, concurrently,
//! from where the cursor left it, and merges them newest first: a partition a query touches
//! is one write shard, so the listing never holds the shop to one partition's write rate. The
//! cursor keeps each partition's last sort key taken, so an item is listed once however the
//! others move, and orders placed while paging come before the first page, not into it.

use super::keys::{self, GSI2, GSI4, GSI5, GSI6};
use super::orders::sortable;
use super::page::CursorOrStore;
use super::page::Page;
use super::{Item, Store, StoreError, s};
use crate::domain::order::{FulfillmentStatus, OrderStatus, PaymentStatus};
use crate::domain::{CustomerId, Money, OrderId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the caller asked to see. `from` and `to` bound the placement time, both inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub payment_status: Option<PaymentStatus>,
    pub fulfillment_status: Option<FulfillmentStatus>,
    pub customer: Option<CustomerId>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub channel: Option<crate::domain::channel::Channel>,
}

/// A filter no index serves without reading past what it asks for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {detail}")]
pub struct Unserved {
    pub field: &'static str,
    pub detail: &'static str,
}

/// One order as a listing shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: OrderId,
    pub placed_at: DateTime<Utc>,
    pub customer_id: CustomerId,
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
    pub fulfillment_status: FulfillmentStatus,
    pub total: Money,
    pub amount_paid: Money,
    pub line_count: usize,
}

/// The partitions one filter reads and the bounds and conditions inside them.
#[derive(Debug, PartialEq, Eq)]
struct Plan {
    index: &'static str,
    partition_attribute: &'static str,
    sort_attribute: &'static str,
    partitions: Vec<String>,
    /// Sort-key bounds, inclusive.
    low: String,
    high: String,
    /// Attribute = value conditions applied inside the partitions (one customer's orders).
    conditions: Vec<(&'static str, String)>,
}

impl OrderFilter {
    /// Which partitions answer this filter, or which field asks for more than an index serves.
    fn plan(&self) -> Result<Plan, Unserved> {
        let date_low = self.from.map(sortable).unwrap_or_else(|| "0".into());
        let date_high = self.to.map(|t| format!("{}#~", sortable(t))).unwrap_or_else(|| "~".into());
        if let Some(channel) = &self.channel {
            let others = self.customer.is_some()
                || self.status.is_some()
                || self.payment_status.is_some()
                || self.fulfillment_status.is_some();
            if others {
                return Err(Unserved {
                    field: "channel",
                    detail: "is served with from and to only (a channel's orders, newest first)",
                });
            }
            return Ok(Plan {
                index: GSI6,
                partition_attribute: "gsi6pk",
                sort_attribute: "gsi6sk",
                partitions: (0..keys::ORDER_DATE_SHARDS)
                    .map(|shard| keys::orders_by_channel_pk(channel, shard))
                    .collect(),
                low: date_low,
                high: date_high,
                conditions: Vec::new(),
            });
        }
        if let Some(customer) = &self.customer {
            // One customer's orders are few: the status filters are applied inside them. Their
            // sort key is the id, a ULID, whose first ten characters are its creation time.
            let bound = |t: Option<DateTime<Utc>>, fill: u128, open: &str| match t {
                Some(t) => {
                    let ms = u64::try_from(t.timestamp_millis()).unwrap_or(0);
                    format!("ORDER#{}", ulid::Ulid::from_parts(ms, fill))
                }
                None => format!("ORDER#{open}"),
            };
            let mut conditions = Vec::new();
            if let Some(v) = self.status {
                conditions.push(("status", v.to_string()));
            }
            if let Some(v) = self.payment_status {
                conditions.push(("payment_status", v.to_string()));
            }
            if let Some(v) = self.fulfillment_status {
                conditions.push(("fulfillment_status", v.to_string()));
            }
            return Ok(Plan {
                index: GSI2,
                partition_attribute: "gsi2pk",
                sort_attribute: "gsi2sk",
                partitions: vec![keys::customer_pk(customer)],
                low: bound(self.from, 0, "0"),
                high: bound(self.to, u128::MAX >> 48, "~"),
                conditions,
            });
        }
        if let Some(payment) = self.payment_status {
            // Orders waiting for payment or for their goods are the shop's work in progress;
            // every other state holds all the orders it ever had, and a payment status inside it
            // would be a search through them.
            if !matches!(self.status, Some(OrderStatus::PendingPayment | OrderStatus::Paid)) {
                return Err(Unserved {
                    field: "payment_status",
                    detail: "is served together with customer_id, or with status pending_payment or paid; \
                             outstanding balances are GET /receivables and money owed back GET /refunds-owed",
                });
            }
            let mut plan = self.state_plan(date_low, date_high);
            plan.conditions.push(("payment_status", payment.to_string()));
            return Ok(plan);
        }
        if self.status.is_some() || self.fulfillment_status.is_some() {
            return Ok(self.state_plan(date_low, date_high));
        }
        Ok(Plan {
            index: GSI4,
            partition_attribute: "gsi4pk",
            sort_attribute: "gsi4sk",
            partitions: (0..keys::ORDER_DATE_SHARDS).map(keys::orders_by_date_pk).collect(),
            low: date_low,
            high: date_high,
            conditions: Vec::new(),
        })
    }

    fn state_plan(&self, low: String, high: String) -> Plan {
        let mut partitions = Vec::new();
        for status in OrderStatus::ALL.into_iter().filter(|s| self.status.is_none_or(|want| want == *s)) {
            for fulfillment in
                FulfillmentStatus::ALL.into_iter().filter(|f| self.fulfillment_status.is_none_or(|want| want == *f))
            {
                for shard in 0..keys::ORDER_STATE_SHARDS {
                    partitions.push(keys::orders_by_state_pk(status, fulfillment, shard));
                }
            }
        }
        Plan {
            index: GSI5,
            partition_attribute: "gsi5pk",
            sort_attribute: "gsi5sk",
            partitions,
            low,
            high,
            conditions: Vec::new(),
        }
    }

    /// The filter as the cursor records it: a cursor is only good for the filter it was made for.
    fn signature(&self) -> String {
        format!("{self:?}")
    }

    /// Checks the filter can be served (before anything is read).
    pub fn check(&self) -> Result<(), Unserved> {
        self.plan().map(|_| ())
    }
}

/// Where a page left each partition.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    /// [`OrderFilter::signature`] hashed: the filter this cursor continues.
    f: String,
    /// Per partition: `None` not read yet, `Some("")` exhausted, else the last sort key taken.
    at: Vec<Option<String>>,
}

const EXHAUSTED: &str = "";

/// A partition position `<{sort key}`: nothing of it has been listed yet, and it continues below
/// that sort key (the page's last, from another partition). Without it, a partition none of
/// whose items made a page would be read from its top again, and an order placed since the
/// page would appear after older ones.
const BELOW: &str = "<";

impl Cursor {
    fn encode(&self) -> String {
        keys::hex(serde_json::to_string(self).unwrap_or_default().as_bytes())
    }

    fn decode(raw: &str, filter: &OrderFilter, partitions: usize) -> Option<Self> {
        if raw.len() > 8192 || !raw.len().is_multiple_of(2) {
            return None;
        }
        let bytes = (0..raw.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(raw.get(i..i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        let cursor: Cursor = serde_json::from_slice(&bytes).ok()?;
        let fine = cursor.f == fingerprint(filter)
            && cursor.at.len() == partitions
            && cursor.at.iter().flatten().all(|sk| sk.is_empty() || (sk.len() <= 64 && order_id_of(sk).is_some()));
        fine.then_some(cursor)
    }
}

fn fingerprint(filter: &OrderFilter) -> String {
    use sha2::{Digest, Sha256};
    keys::hex(&Sha256::digest(filter.signature().as_bytes())[..8])
}

/// The order id at the end of an index sort key (`…#{id}`).
fn order_id_of(sort_key: &str) -> Option<OrderId> {
    OrderId::parse("cursor", sort_key.rsplit('#').next()?).ok()
}

impl Store {
    /// A page of orders matching `filter`, newest first.
    pub async fn list_orders(
        &self,
        filter: &OrderFilter,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<OrderSummary>, ListError> {
        let plan = filter.plan().map_err(ListError::Unserved)?;
        let mut at = match cursor {
            Some(raw) => Cursor::decode(raw, filter, plan.partitions.len()).ok_or(ListError::Cursor)?.at,
            None => vec![None; plan.partitions.len()],
        };
        let plan = &plan;
        let reads = plan.partitions.iter().zip(&at).map(|(partition, position)| async move {
            match position.as_deref() {
                Some(EXHAUSTED) => Ok((Vec::new(), None)),
                _ => self.read_partition(plan, partition, position.as_deref(), limit).await,
            }
        });
        let pages = futures::future::try_join_all(reads).await.map_err(ListError::Store)?;
        // Newest first across partitions; each partition's items are already in that order.
        let mut merged: Vec<(usize, String, Item)> = Vec::new();
        for (p, (items, _)) in pages.iter().enumerate() {
            for item in items {
                let sk = item.get(plan.sort_attribute).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
                merged.push((p, sk, item.clone()));
            }
        }
        merged.sort_by(|a, b| b.1.cmp(&a.1));
        merged.truncate(usize::try_from(limit).unwrap_or(0));
        let mut taken = vec![0usize; pages.len()];
        let mut summaries = Vec::with_capacity(merged.len());
        let mut last_taken = None;
        for (p, sk, item) in merged {
            taken[p] += 1;
            at[p] = Some(sk.clone());
            last_taken = Some(sk);
            summaries.push(super::from_item::<OrderSummary>(item).map_err(ListError::Store)?);
        }
        if let Some(last) = &last_taken {
            for position in at.iter_mut().filter(|p| p.is_none()) {
                *position = Some(format!("{BELOW}{last}"));
            }
        }
        for (p, (items, last_evaluated)) in pages.iter().enumerate() {
            if taken[p] == items.len() && at[p].as_deref() != Some(EXHAUSTED) {
                // Everything this partition returned was taken: it continues after what it read
                // (a filtered read may have read past items it did not return), or is done.
                at[p] = match last_evaluated {
                    Some(sk) => Some(sk.clone()),
                    None => Some(EXHAUSTED.to_owned()),
                };
            }
        }
        let done = at.iter().all(|p| p.as_deref() == Some(EXHAUSTED));
        let next_cursor = (!done).then(|| Cursor { f: fingerprint(filter), at }.encode());
        Ok(Page { items: summaries, next_cursor })
    }

    /// Up to `limit` items of one partition after `after` (its last sort key taken), newest
    /// first, and the sort key DynamoDB stopped at when there are more.
    async fn read_partition(
        &self,
        plan: &Plan,
        partition: &str,
        after: Option<&str>,
        limit: i32,
    ) -> Result<(Vec<Item>, Option<String>), StoreError> {
        // Not started: everything below a bound, from the top of what is left.
        let (after, high) = match after.and_then(|a| a.strip_prefix(BELOW)) {
            Some(bound) => (None, bound.min(plan.high.as_str()).to_owned()),
            None => (after, plan.high.clone()),
        };
        let start = after.and_then(|sk| {
            let id = order_id_of(sk)?;
            let mut key: Item = super::orders::order_key(&id);
            key.insert(plan.partition_attribute.to_owned(), s(partition));
            key.insert(plan.sort_attribute.to_owned(), s(sk));
            Some(key)
        });
        let mut query = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(plan.index)
            .key_condition_expression("#p = :p AND #s BETWEEN :low AND :high")
            .expression_attribute_names("#p", plan.partition_attribute)
            .expression_attribute_names("#s", plan.sort_attribute)
            .expression_attribute_values(":p", s(partition))
            .expression_attribute_values(":low", s(&plan.low))
            .expression_attribute_values(":high", s(&high))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start);
        if !plan.conditions.is_empty() {
            let mut expression = Vec::new();
            for (i, (attribute, value)) in plan.conditions.iter().enumerate() {
                expression.push(format!("#c{i} = :c{i}"));
                query = query
                    .expression_attribute_names(format!("#c{i}"), *attribute)
                    .expression_attribute_values(format!(":c{i}"), s(value));
            }
            // Orders only: a customer's partition also holds the customer and their returns.
            expression.push("begins_with(pk, :order)".into());
            query =
                query.expression_attribute_values(":order", s("ORDER#")).filter_expression(expression.join(" AND "));
        }
        let out = query.send().await.map_err(|e| super::sdk_error(&e))?;
        let last = out
            .last_evaluated_key
            .as_ref()
            .and_then(|k| k.get(plan.sort_attribute))
            .and_then(|v| v.as_s().ok())
            .cloned();
        Ok((out.items.unwrap_or_default(), last))
    }
}

/// Why a listing was not served.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error(transparent)]
    Unserved(Unserved),
    #[error("cursor is not one this listing issued")]
    Cursor,
    #[error(transparent)]
    Store(StoreError),
}

impl From<CursorOrStore> for ListError {
    fn from(e: CursorOrStore) -> Self {
        match e {
            CursorOrStore::Cursor => ListError::Cursor,
            CursorOrStore::Store(e) => ListError::Store(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter() -> OrderFilter {
        OrderFilter::default()
    }

    #[test]
    fn no_filter_reads_every_date_shard() {
        let plan = filter().plan().unwrap();
        assert_eq!(plan.index, GSI4);
        assert_eq!(plan.partitions, ["ORDERS#0", "ORDERS#1", "ORDERS#2", "ORDERS#3"]);
        assert_eq!((plan.low.as_str(), plan.high.as_str()), ("0", "~"));
    }

    #[test]
    fn states_read_each_pair_they_name_over_its_shards() {
        let both = OrderFilter {
            status: Some(OrderStatus::Paid),
            fulfillment_status: Some(FulfillmentStatus::Packed),
            ..filter()
        };
        assert_eq!(both.plan().unwrap().partitions, ["ORDERS#paid#packed#0", "ORDERS#paid#packed#1"]);
        let status = OrderFilter { status: Some(OrderStatus::Paid), ..filter() };
        assert_eq!(status.plan().unwrap().partitions.len(), 5 * 2);
        let fulfillment = OrderFilter { fulfillment_status: Some(FulfillmentStatus::Unfulfilled), ..filter() };
        assert_eq!(fulfillment.plan().unwrap().partitions.len(), 4 * 2);
    }

    #[test]
    fn a_payment_status_is_served_only_where_it_does_not_search_history() {
        let alone = OrderFilter { payment_status: Some(PaymentStatus::Refunded), ..filter() };
        assert_eq!(alone.plan().unwrap_err().field, "payment_status");
        let completed = OrderFilter { status: Some(OrderStatus::Completed), ..alone.clone() };
        assert_eq!(completed.plan().unwrap_err().field, "payment_status");
        let paid = OrderFilter { status: Some(OrderStatus::Paid), ..alone.clone() };
        assert_eq!(paid.plan().unwrap().conditions, [("payment_status", "refunded".to_owned())]);
        let customer = OrderFilter { customer: Some(CustomerId::parse("c", "ana").unwrap()), ..alone };
        assert_eq!(customer.plan().unwrap().index, GSI2);
    }

    #[test]
    fn dates_bound_the_sort_keys_inclusively() {
        let day = |d: &str| format!("{d}T00:00:00Z").parse::<DateTime<Utc>>().unwrap();
        let plan =
            OrderFilter { from: Some(day("2026-12-01")), to: Some(day("2026-12-02")), ..filter() }.plan().unwrap();
        assert_eq!(plan.low, "2026-12-01T00:00:00.000Z");
        assert_eq!(plan.high, "2026-12-02T00:00:00.000Z#~");
    }

    #[test]
    fn cursors_are_bound_to_their_filter_and_partitions() {
        let paid = OrderFilter { status: Some(OrderStatus::Paid), ..filter() };
        let id = OrderId::new();
        let cursor = Cursor { f: fingerprint(&paid), at: vec![Some(format!("2026-12-01T00:00:00.000Z#{id}")), None] };
        let raw = cursor.encode();
        assert!(Cursor::decode(&raw, &paid, 2).is_some());
        assert!(Cursor::decode(&raw, &filter(), 2).is_none(), "another filter");
        assert!(Cursor::decode(&raw, &paid, 3).is_none(), "another partition count");
        assert!(Cursor::decode("zz", &paid, 2).is_none());
        let forged = Cursor { f: fingerprint(&paid), at: vec![Some("SKU#A".into()), None] }.encode();
        assert!(Cursor::decode(&forged, &paid, 2).is_none(), "not an order's sort key");
    }
}
