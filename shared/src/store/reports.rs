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
    pub gross_ordered: i64,
    pub paid: i64,
    pub refunded: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SalesDay {
    pub date: String,
    pub currency: String,
    pub orders_placed: i64,
    pub gross_ordered: i64,
    pub paid: i64,
    pub refunded: i64,
    pub net: i64,
}

/// One event's contribution to its day's row, named by the event's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesEntry {
    pub event_id: String,
    pub day: NaiveDate,
    pub currency: String,
    pub delta: SalesDelta,
}

/// Entries per transaction: a marker each and at most one row update each stay within
/// DynamoDB's 100 items.
const ENTRIES_PER_TX: usize = 50;

const MARKER_PREFIX: &str = "APPLIED#sales-report#";

/// The sums to add to each (day, currency) row. An event id listed twice counts once.
fn rows<'a>(entries: &[&'a SalesEntry]) -> Result<BTreeMap<(NaiveDate, &'a str), SalesDelta>, StoreError> {
    let mut seen = HashSet::new();
    let mut rows: BTreeMap<(NaiveDate, &'a str), SalesDelta> = BTreeMap::new();
    for e in entries.iter().filter(|e| seen.insert(e.event_id.as_str())) {
        let row = rows.entry((e.day, e.currency.as_str())).or_default();
        let add = |a: i64, b: i64| a.checked_add(b).ok_or_else(|| StoreError::Corrupt("sales sum overflows".into()));
        row.orders_placed = add(row.orders_placed, e.delta.orders_placed)?;
        row.gross_ordered = add(row.gross_ordered, e.delta.gross_ordered)?;
        row.paid = add(row.paid, e.delta.paid)?;
        row.refunded = add(row.refunded, e.delta.refunded)?;
    }
    Ok(rows)
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
        for chunk in entries.chunks(ENTRIES_PER_TX) {
            let mut pending: Vec<&SalesEntry> = chunk.iter().collect();
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
        for ((day, currency), delta) in rows(entries)? {
            let update = Update::builder()
                .table_name(self.table())
                .set_key(Some(super::key(keys::SALES_REPORT_PK, format!("{day}#{currency}"))))
                .update_expression(
                    "SET #d = :d, currency = :c ADD orders_placed :o, gross_ordered :g, paid :p, refunded :r",
                )
                .expression_attribute_names("#d", "date")
                .expression_attribute_values(":d", s(day.to_string()))
                .expression_attribute_values(":c", s(currency))
                .expression_attribute_values(":o", n(delta.orders_placed))
                .expression_attribute_values(":g", n(delta.gross_ordered))
                .expression_attribute_values(":p", n(delta.paid))
                .expression_attribute_values(":r", n(delta.refunded))
                .build()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.push(TransactWriteItem::builder().update(update).build(), Guard::Rule);
        }
        Ok(tx)
    }

    /// Report rows from `from` to `to` inclusive, by day then currency.
    pub async fn sales_report(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<SalesDay>, StoreError> {
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
            .expression_attribute_values(":pk", s(keys::SALES_REPORT_PK))
            .expression_attribute_values(":from", s(from.to_string()))
            .expression_attribute_values(":to", s(format!("{to}#~")));
        let mut rows = Vec::new();
        for item in self.query_all(query).await? {
            let num =
                |k: &str| item.get(k).and_then(|v| v.as_n().ok()).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
            let text = |k: &str| item.get(k).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            let (paid, refunded) = (num("paid"), num("refunded"));
            rows.push(SalesDay {
                date: text("date"),
                currency: text("currency"),
                orders_placed: num("orders_placed"),
                gross_ordered: num("gross_ordered"),
                paid,
                refunded,
                net: paid - refunded,
            });
        }
        Ok(rows)
    }
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
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let sums: Vec<_> = rows.iter().map(|((d, c), s)| (*d, *c, s.orders_placed, s.gross_ordered)).collect();
        assert_eq!(sums, vec![(day(23), "BRL", 1, 5), (day(24), "BRL", 2, 1250), (day(24), "USD", 1, 70)]);
    }

    #[test]
    fn a_sum_that_would_overflow_is_refused_not_wrapped() {
        let batch = [entry("e1", 24, "BRL", 1, i64::MAX), entry("e2", 24, "BRL", 1, 1)];
        let refs: Vec<&SalesEntry> = batch.iter().collect();
        assert!(matches!(rows(&refs), Err(StoreError::Corrupt(_))));
    }
}
