//! The daily sales report, kept up to date by a consumer of domain events. Each event is applied
//! at most once: a marker item named after the event is inserted in the same transaction as the
//! counter updates, so a redelivered event fails the marker's condition and changes nothing.
//! A batch of events is applied in one transaction, its contributions summed per row.

use super::keys;
use super::{Guard, Refusal, Store, StoreError, Tx, n, s};
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Markers are kept longer than any queue keeps a message (SQS: at most 14 days).
const MARKER_DAYS: i64 = 30;

/// What one event adds to its day's row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SalesDelta {
    pub orders_placed: i64,
    /// The orders' totals (lines − discounts + shipping).
    pub gross_ordered: i64,
    pub paid: i64,
    pub refunded: i64,
    /// The orders' lines before discounts.
    pub gross_sales: i64,
    pub discounts: i64,
    /// Shipping charged, before free-shipping promotions (which count among the discounts).
    pub shipping: i64,
}

impl SalesDelta {
    fn add(&mut self, other: &SalesDelta) -> Result<(), StoreError> {
        let add = |a: &mut i64, b: i64| -> Result<(), StoreError> {
            *a = a.checked_add(b).ok_or_else(|| StoreError::Corrupt("sales sum overflows".into()))?;
            Ok(())
        };
        add(&mut self.orders_placed, other.orders_placed)?;
        add(&mut self.gross_ordered, other.gross_ordered)?;
        add(&mut self.paid, other.paid)?;
        add(&mut self.refunded, other.refunded)?;
        add(&mut self.gross_sales, other.gross_sales)?;
        add(&mut self.discounts, other.discounts)?;
        add(&mut self.shipping, other.shipping)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SalesDay {
    pub date: String,
    pub currency: String,
    pub orders_placed: i64,
    pub gross_ordered: i64,
    pub paid: i64,
    pub refunded: i64,
    /// Paid − refunded: the money that stayed.
    pub net: i64,
    pub gross_sales: i64,
    pub discounts: i64,
    pub shipping: i64,
    /// Gross sales − discounts: what the goods sold for.
    pub net_sales: i64,
}

/// A report grouped by what the orders have in common beside their day and currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalesGroup {
    Channel,
    Promotion,
}

impl SalesGroup {
    fn pk(self) -> &'static str {
        match self {
            Self::Channel => keys::SALES_BY_CHANNEL_PK,
            Self::Promotion => keys::SALES_BY_PROMOTION_PK,
        }
    }
}

/// One day's orders of one channel, or that redeemed one promotion (its discount alone).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SalesGroupRow {
    pub date: String,
    pub currency: String,
    /// The channel's name or the promotion's code.
    pub key: String,
    pub orders_placed: i64,
    pub gross_ordered: i64,
    pub gross_sales: i64,
    pub discounts: i64,
    pub shipping: i64,
    pub net_sales: i64,
}

/// One event's contribution to its day's row (and, for a placed order, to its channel's and
/// its promotions' rows), named by the event's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesEntry {
    pub event_id: String,
    pub day: NaiveDate,
    pub currency: String,
    pub delta: SalesDelta,
    pub channel: Option<String>,
    /// (code, discount) per promotion the order redeemed.
    pub promotions: Vec<(String, i64)>,
}

impl SalesEntry {
    /// The rows it adds to: (partition, sort key, group key, what it adds).
    fn rows(&self) -> Vec<(&'static str, String, Option<&str>, SalesDelta)> {
        let day = format!("{}#{}", self.day, self.currency);
        let mut rows = vec![(keys::SALES_REPORT_PK, day.clone(), None, self.delta.clone())];
        if let Some(channel) = &self.channel {
            let mut delta = self.delta.clone();
            (delta.paid, delta.refunded) = (0, 0);
            rows.push((keys::SALES_BY_CHANNEL_PK, format!("{day}#{channel}"), Some(channel.as_str()), delta));
        }
        for (code, amount) in &self.promotions {
            let delta = SalesDelta { discounts: *amount, paid: 0, refunded: 0, ..self.delta.clone() };
            rows.push((keys::SALES_BY_PROMOTION_PK, format!("{day}#{code}"), Some(code.as_str()), delta));
        }
        rows
    }
}

/// Items per transaction: DynamoDB takes at most 100.
const ITEMS_PER_TX: usize = 100;

const MARKER_PREFIX: &str = "APPLIED#sales-report#";

type RowKey<'a> = (&'static str, String, Option<&'a str>);

/// The sums to add to each row. An event id listed twice counts once.
fn rows<'a>(entries: &[&'a SalesEntry]) -> Result<BTreeMap<RowKey<'a>, SalesDelta>, StoreError> {
    let mut seen = HashSet::new();
    let mut rows: BTreeMap<RowKey<'a>, SalesDelta> = BTreeMap::new();
    for e in entries.iter().filter(|e| seen.insert(e.event_id.as_str())) {
        for (pk, sk, group, delta) in e.rows() {
            rows.entry((pk, sk, group)).or_default().add(&delta)?;
        }
    }
    Ok(rows)
}

/// Entries in runs whose markers and rows fit one transaction (each entry counted with every row
/// it touches, as if no other entry shared them).
fn runs(entries: &[SalesEntry]) -> Vec<Vec<&SalesEntry>> {
    let mut out: Vec<Vec<&SalesEntry>> = Vec::new();
    let mut cost = 0;
    for e in entries {
        let own = 1 + e.rows().len();
        if out.is_empty() || cost + own > ITEMS_PER_TX {
            out.push(Vec::new());
            cost = 0;
        }
        cost += own;
        out.last_mut().expect("a run").push(e);
    }
    out
}

impl Store {
    /// Applies each entry's contribution once and returns the ids applied by this call.
    ///
    /// One transaction per 50 entries: a marker per event (insert-only) and one `ADD` per
    /// (day, currency) row with the entries' sum. A batch of a busy day's orders then writes
    /// that day's row once instead of once per order: fewer write units, and fewer
    /// transactions contending for the one hot item. A redelivered event fails its marker's
    /// condition; the marker comes back with the refusal, so the others are written again
    /// without it and without a read.
    pub async fn apply_to_sales_report(
        &self,
        entries: &[SalesEntry],
        now: DateTime<Utc>,
    ) -> Result<HashSet<String>, StoreError> {
        let mut applied = HashSet::new();
        for mut pending in runs(entries) {
            let mut retry = super::Retry::default();
            while !pending.is_empty() {
                match self.transact_reporting(self.sales_tx(&pending, now)?).await {
                    Ok(()) => {
                        applied.extend(pending.iter().map(|e| e.event_id.clone()));
                        break;
                    }
                    Err(Refusal { error: StoreError::Conflict(Guard::Idempotency), current: Some(markers) }) => {
                        let done: HashSet<&str> = markers
                            .iter()
                            .filter_map(|m| m.get("pk")?.as_s().ok()?.strip_prefix(MARKER_PREFIX))
                            .collect();
                        let before = pending.len();
                        pending.retain(|e| !done.contains(e.event_id.as_str()));
                        if pending.len() == before {
                            return Err(StoreError::Corrupt("a marker refused without naming its event".into()));
                        }
                    }
                    Err(Refusal { error, .. }) if error.is_retryable() && retry.again().await => {}
                    Err(Refusal { error, .. }) => return Err(error),
                }
            }
        }
        Ok(applied)
    }

    fn sales_tx(&self, entries: &[&SalesEntry], now: DateTime<Utc>) -> Result<Tx, StoreError> {
        let mut tx = Tx::default();
        let mut seen = HashSet::new();
        for e in entries.iter().filter(|e| seen.insert(e.event_id.as_str())) {
            let pk = format!("{MARKER_PREFIX}{}", e.event_id);
            tx.applied_marker(self.table(), pk, now.timestamp() + MARKER_DAYS * 86_400)?;
        }
        for ((pk, sk, group), delta) in rows(entries)? {
            let (day, currency) = (&sk[..10], sk[11..].split('#').next().unwrap_or_default());
            let counters = "ADD orders_placed :o, gross_ordered :g, paid :p, refunded :r, gross_sales :gs, \
                            discounts :ds, shipping :sh";
            let mut update = Update::builder()
                .table_name(self.table())
                .set_key(Some(super::key(pk, sk.clone())))
                .update_expression(match group {
                    Some(_) => format!("SET #d = :d, currency = :c, #k = :k {counters}"),
                    None => format!("SET #d = :d, currency = :c {counters}"),
                })
                .expression_attribute_names("#d", "date")
                .expression_attribute_values(":d", s(day))
                .expression_attribute_values(":c", s(currency))
                .expression_attribute_values(":o", n(delta.orders_placed))
                .expression_attribute_values(":g", n(delta.gross_ordered))
                .expression_attribute_values(":p", n(delta.paid))
                .expression_attribute_values(":r", n(delta.refunded))
                .expression_attribute_values(":gs", n(delta.gross_sales))
                .expression_attribute_values(":ds", n(delta.discounts))
                .expression_attribute_values(":sh", n(delta.shipping));
            if let Some(group) = group {
                update = update.expression_attribute_names("#k", "key").expression_attribute_values(":k", s(group));
            }
            let update = update.build().map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.push(TransactWriteItem::builder().update(update).build(), Guard::Rule);
        }
        Ok(tx)
    }

    /// The rows of one partition from `from` to `to` inclusive, in sort-key order.
    async fn report_rows(&self, pk: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<super::Item>, StoreError> {
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":from", s(from.to_string()))
            .expression_attribute_values(":to", s(format!("{to}#~")));
        self.query_all(query).await
    }

    /// Report rows from `from` to `to` inclusive, by day then currency.
    pub async fn sales_report(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<SalesDay>, StoreError> {
        let rows = self.report_rows(keys::SALES_REPORT_PK, from, to).await?;
        Ok(rows
            .iter()
            .map(|item| {
                let (num, text) = (|k: &str| number(item, k), |k: &str| string(item, k));
                let (paid, refunded) = (num("paid"), num("refunded"));
                let (gross_sales, discounts) = (num("gross_sales"), num("discounts"));
                SalesDay {
                    date: text("date"),
                    currency: text("currency"),
                    orders_placed: num("orders_placed"),
                    gross_ordered: num("gross_ordered"),
                    paid,
                    refunded,
                    net: paid - refunded,
                    gross_sales,
                    discounts,
                    shipping: num("shipping"),
                    net_sales: gross_sales - discounts,
                }
            })
            .collect())
    }

    /// Report rows by channel or by promotion, from `from` to `to` inclusive, by day, currency
    /// and then channel or code.
    pub async fn sales_report_by(
        &self,
        group: SalesGroup,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<SalesGroupRow>, StoreError> {
        let rows = self.report_rows(group.pk(), from, to).await?;
        Ok(rows
            .iter()
            .map(|item| {
                let (num, text) = (|k: &str| number(item, k), |k: &str| string(item, k));
                let (gross_sales, discounts) = (num("gross_sales"), num("discounts"));
                SalesGroupRow {
                    date: text("date"),
                    currency: text("currency"),
                    key: text("key"),
                    orders_placed: num("orders_placed"),
                    gross_ordered: num("gross_ordered"),
                    gross_sales,
                    discounts,
                    shipping: num("shipping"),
                    net_sales: gross_sales - discounts,
                }
            })
            .collect())
    }
}

fn number(item: &super::Item, k: &str) -> i64 {
    item.get(k).and_then(|v| v.as_n().ok()).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)
}

fn string(item: &super::Item, k: &str) -> String {
    item.get(k).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, day: u32, currency: &str, placed: i64, gross: i64) -> SalesEntry {
        SalesEntry {
            event_id: id.into(),
            day: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            currency: currency.into(),
            delta: SalesDelta { orders_placed: placed, gross_ordered: gross, ..Default::default() },
            channel: None,
            promotions: vec![],
        }
    }

    #[test]
    fn a_batch_is_summed_per_day_and_currency_counting_a_repeated_event_once() {
        let batch = [
            entry("e1", 24, "BRL", 1, 1000),
            entry("e2", 24, "BRL", 1, 250),
            entry("e1", 24, "BRL", 1, 1000),
            entry("e3", 24, "USD", 1, 70),
            entry("e4", 23, "BRL", 1, 5),
        ];
        let refs: Vec<&SalesEntry> = batch.iter().collect();
        let rows = rows(&refs).unwrap();
        let sums: Vec<_> = rows.iter().map(|((_, sk, _), s)| (sk.as_str(), s.orders_placed, s.gross_ordered)).collect();
        assert_eq!(sums, vec![("2026-11-23#BRL", 1, 5), ("2026-11-24#BRL", 2, 1250), ("2026-11-24#USD", 1, 70)]);
    }

    #[test]
    fn an_order_adds_to_its_channels_row_and_each_promotions_row_with_that_promotions_discount() {
        let mut placed = entry("e1", 24, "BRL", 1, 2189);
        placed.delta.gross_sales = 999;
        placed.delta.discounts = 100 + 1290;
        placed.delta.shipping = 1290;
        placed.channel = Some("manual".into());
        placed.promotions = vec![("UMREAL".into(), 100), ("FRETE".into(), 1290)];
        let mut paid = entry("e2", 24, "BRL", 0, 0);
        paid.delta.paid = 999 - 100;
        let refs = [&placed, &paid];
        let rows = rows(&refs).unwrap();
        let got: Vec<_> = rows
            .iter()
            .map(|((pk, sk, _), d)| (*pk, sk.as_str(), d.orders_placed, d.gross_sales, d.discounts, d.shipping, d.paid))
            .collect();
        assert_eq!(
            got,
            vec![
                ("REPORT#SALES", "2026-11-24#BRL", 1, 999, 1390, 1290, 899),
                ("REPORT#SALES#CHANNEL", "2026-11-24#BRL#manual", 1, 999, 1390, 1290, 0),
                ("REPORT#SALES#PROMOTION", "2026-11-24#BRL#FRETE", 1, 999, 1290, 1290, 0),
                ("REPORT#SALES#PROMOTION", "2026-11-24#BRL#UMREAL", 1, 999, 100, 1290, 0),
            ]
        );
    }

    #[test]
    fn entries_are_split_so_each_transaction_holds_at_most_100_items() {
        let mut busy = entry("e0", 24, "BRL", 1, 1);
        busy.channel = Some("web".into());
        busy.promotions = (0..21).map(|i| (format!("P{i}"), 1)).collect();
        let batch: Vec<SalesEntry> =
            (0..10).map(|i| SalesEntry { event_id: format!("e{i}"), ..busy.clone() }).collect();
        let runs = runs(&batch);
        // Each entry is a marker and 23 rows: four fit in 100 items.
        assert_eq!(runs.iter().map(Vec::len).collect::<Vec<_>>(), vec![4, 4, 2]);
    }

    #[test]
    fn a_sum_that_would_overflow_is_refused_not_wrapped() {
        let batch = [entry("e1", 24, "BRL", 1, i64::MAX), entry("e2", 24, "BRL", 1, 1)];
        let refs: Vec<&SalesEntry> = batch.iter().collect();
        assert!(matches!(rows(&refs), Err(StoreError::Corrupt(_))));
    }
}
