//! The overview's counters as items: [`OVERVIEW_SHARDS`] items of additive counters (a change
//! adds to the shard its entity's key falls in, so no one item takes every write), and an
//! applied-record marker written in the same transaction as each addition, so a redelivered
//! stream record adds nothing twice. Reading them is one BatchGetItem whatever the shop's size,
//! and the sales figures one Query of at most 30 days of report rows.

use super::keys;
use super::versioned::Versioned;
use super::{Guard, Refusal, Store, StoreError, Tx, n};
use crate::domain::overview::{Counter, Tally};
use crate::domain::{order::Order, replenishment::Replenishment, returns::Return, stock::StockItem};
use crate::stream::decode;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

pub const OVERVIEW_SHARDS: u32 = 4;
const COUNTERS_SK: &str = "COUNTERS";
const MARKER_PREFIX: &str = "APPLIED#overview#";
/// Longer than the table stream keeps a record (24 hours).
const MARKER_DAYS: i64 = 2;

/// A transaction holds 100 items at most: the records' markers and the shard's counters.
const MAX_RECORDS_A_TRANSACTION: usize = 99;

fn marker_pk(record_id: &str) -> String {
    format!("{MARKER_PREFIX}{record_id}")
}

/// One stream record's change to the counters: its id (counted once) and its entity's key
/// (which shard it adds to).
#[derive(Debug, Clone, Copy)]
pub struct Counting<'a> {
    pub record_id: &'a str,
    pub pk: &'a str,
    pub change: &'a Tally,
}

fn shard_pk(shard: u32) -> String {
    format!("OVERVIEW#{shard}")
}

/// The shard an entity's changes add to, from its partition key.
pub fn shard_of(pk: &str) -> u32 {
    pk.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % OVERVIEW_SHARDS
}

fn stock_of_image(sk: &str, image: serde_dynamo::Item) -> Result<Versioned<StockItem>, StoreError> {
    let record =
        decode::<super::stock::StockRecord>(image).map_err(|e| StoreError::Corrupt(format!("{sk} image: {e}")))?;
    super::stock::stock_from_record(record)
}

/// What a stored item (a stream image) counts, by its sort key; `None` for items that count
/// towards nothing.
pub fn tally_of_image(sk: &str, image: serde_dynamo::Item) -> Result<Option<Tally>, StoreError> {
    let corrupt = |e: serde_dynamo::Error| StoreError::Corrupt(format!("{sk} image: {e}"));
    Ok(Some(match sk {
        keys::ORDER_SK => Tally::order(&decode::<Order>(image).map_err(corrupt)?),
        keys::RETURN_SK => Tally::return_(&decode::<Return>(image).map_err(corrupt)?),
        keys::STOCK_SK => Tally::stock(&*stock_of_image(sk, image)?),
        keys::REPLENISHMENT_SK => {
            let record = decode::<super::replenishment::ReplenishmentRecord>(image);
            Tally::replenishment(&Replenishment::from(record.map_err(corrupt)?))
        }
        _ => return Ok(None),
    }))
}

/// A stream record, read: what it moves the counters by (what its new image counts minus what
/// its old image counted; empty for items that count towards nothing) and, for a stock item
/// that is still there, the item as the record left it.
#[derive(Debug, Default)]
pub struct RecordRead {
    pub change: Tally,
    pub stock: Option<Versioned<StockItem>>,
}

/// Reads a stream record's images, taking them out of it: each is decoded once, whatever
/// needs it (a stream batch is mostly images, and decoding them is most of its cost).
pub fn read_record(record: &mut crate::stream::EventRecord) -> Result<RecordRead, StoreError> {
    let Some(sk) = crate::stream::key(record, "sk").map(str::to_owned) else { return Ok(RecordRead::default()) };
    let old = std::mem::take(&mut record.change.old_image);
    let new = std::mem::take(&mut record.change.new_image);
    let tally = |image: serde_dynamo::Item| -> Result<Tally, StoreError> {
        if image.is_empty() {
            return Ok(Tally::default());
        }
        Ok(tally_of_image(&sk, image)?.unwrap_or_default())
    };
    let before = tally(old)?;
    if sk == keys::STOCK_SK && !new.is_empty() {
        let item = stock_of_image(&sk, new)?;
        return Ok(RecordRead { change: Tally::change(&before, &Tally::stock(&item)), stock: Some(item) });
    }
    Ok(RecordRead { change: Tally::change(&before, &tally(new)?), stock: None })
}

/// Attribute name of a counter or a currency's receivable total.
fn counter_attribute(counter: Counter) -> String {
    counter.name().to_owned()
}

fn receivable_attribute(currency: &str) -> String {
    format!("receivable_{currency}")
}

/// The overview as `GET /overview` shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Overview {
    pub counters: BTreeMap<&'static str, i64>,
    /// Outstanding balances of orders not cancelled, minor units per currency.
    pub receivables: BTreeMap<String, i64>,
    pub sales: SalesWindows,
}

/// Orders placed and amounts per currency over the last days, by UTC day, today included.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct SalesWindows {
    pub today: BTreeMap<String, SalesTotals>,
    pub last_7_days: BTreeMap<String, SalesTotals>,
    pub last_30_days: BTreeMap<String, SalesTotals>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub struct SalesTotals {
    pub orders_placed: i64,
    pub gross_ordered: i64,
    pub net: i64,
}

impl SalesTotals {
    fn add(&mut self, day: &super::reports::SalesDay) {
        self.orders_placed += day.orders_placed;
        self.gross_ordered += day.gross_ordered;
        self.net += day.net;
    }
}

impl Store {
    /// Adds each record's change to the counters, once per record id (a stream record's),
    /// with one transaction per counter shard: the shard's item is written once with the sum of
    /// its records' changes, beside one applied-marker per record (up to 99 records a
    /// transaction). A record counted before (a redelivered batch) is left out and the others are
    /// counted. Shards are written at once (one after another in a cold process: `warm`). On failure: the position in `records` of the first
    /// record of the shard that could not be counted (records after it may have been counted,
    /// and their markers keep a retry from counting them again).
    pub async fn count_all(&self, records: &[Counting<'_>], now: DateTime<Utc>) -> Result<(), (usize, StoreError)> {
        let mut shards: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (position, record) in records.iter().enumerate().filter(|(_, r)| !r.change.is_empty()) {
            shards.entry(shard_of(record.pk)).or_default().push(position);
        }
        let writes = shards.into_iter().flat_map(|(shard, positions)| {
            let chunks: Vec<Vec<usize>> = positions.chunks(MAX_RECORDS_A_TRANSACTION).map(<[usize]>::to_vec).collect();
            chunks.into_iter().map(move |chunk| self.count_in_shard(shard, records, chunk, now))
        });
        let failures = crate::warm::join_all(writes).await.into_iter().filter_map(Result::err);
        match failures.min_by_key(|(position, _)| *position) {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    }

    /// One shard's transaction for `positions` of `records`, again without the records whose
    /// marker shows they were counted already.
    async fn count_in_shard(
        &self,
        shard: u32,
        records: &[Counting<'_>],
        mut positions: Vec<usize>,
        now: DateTime<Utc>,
    ) -> Result<(), (usize, StoreError)> {
        let first = positions.first().copied().unwrap_or_default();
        let build = |e: aws_sdk_dynamodb::error::BuildError| (first, StoreError::Corrupt(e.to_string()));
        while !positions.is_empty() {
            let mut tx = Tx::default();
            let expires_at = now.timestamp() + MARKER_DAYS * 86_400;
            for &position in &positions {
                tx.applied_marker(self.table(), marker_pk(records[position].record_id), expires_at)
                    .map_err(|e| (first, e))?;
            }
            let total = Tally::sum(positions.iter().map(|&p| records[p].change));
            let moves: Vec<(String, i64)> = total
                .counts
                .iter()
                .map(|(c, v)| (counter_attribute(*c), *v))
                .chain(total.receivable.iter().map(|(currency, v)| (receivable_attribute(currency), *v)))
                .collect();
            if !moves.is_empty() {
                let mut update =
                    Update::builder().table_name(self.table()).set_key(Some(super::key(shard_pk(shard), COUNTERS_SK)));
                let mut adds = Vec::new();
                for (i, (attribute, by)) in moves.into_iter().enumerate() {
                    adds.push(format!("#a{i} :a{i}"));
                    update = update
                        .expression_attribute_names(format!("#a{i}"), attribute)
                        .expression_attribute_values(format!(":a{i}"), n(by));
                }
                let update = update.update_expression(format!("ADD {}", adds.join(", "))).build().map_err(build)?;
                tx.push(TransactWriteItem::builder().update(update).build(), Guard::Rule);
            }
            match self.transact_reporting(tx).await {
                Ok(()) => return Ok(()),
                Err(Refusal { error: StoreError::Conflict(Guard::Idempotency), current: Some(counted) }) => {
                    let counted: Vec<&str> =
                        counted.iter().filter_map(|item| item.get("pk")?.as_s().ok().map(String::as_str)).collect();
                    let before = positions.len();
                    positions.retain(|&p| !counted.contains(&marker_pk(records[p].record_id).as_str()));
                    if positions.len() == before {
                        return Err((first, StoreError::Conflict(Guard::Idempotency)));
                    }
                }
                Err(Refusal { error, .. }) => return Err((first, error)),
            }
        }
        Ok(())
    }

    /// The counters (every shard summed) and the sales of the last 30 days.
    pub async fn overview(&self, now: DateTime<Utc>) -> Result<Overview, StoreError> {
        let keys = (0..OVERVIEW_SHARDS).map(|i| super::key(shard_pk(i), COUNTERS_SK)).collect();
        let mut counters: BTreeMap<&'static str, i64> = Counter::ALL.iter().map(|c| (c.name(), 0)).collect();
        let mut receivables = BTreeMap::new();
        for item in self.get_many(keys).await?.into_values() {
            for (name, value) in &item {
                let Some(v) = value.as_n().ok().and_then(|v| v.parse::<i64>().ok()) else { continue };
                if let Some(currency) = name.strip_prefix("receivable_") {
                    *receivables.entry(currency.to_owned()).or_insert(0) += v;
                } else if let Some(total) = counters.get_mut(name.as_str()) {
                    *total += v;
                }
            }
        }
        receivables.retain(|_, v| *v != 0);
        let today = now.date_naive();
        let since = |days: i64| today - Duration::days(days - 1);
        let mut sales = SalesWindows::default();
        for day in self.sales_report(since(30), today).await? {
            let Ok(date) = NaiveDate::parse_from_str(&day.date, "%Y-%m-%d") else { continue };
            let windows = [(&mut sales.today, 1), (&mut sales.last_7_days, 7), (&mut sales.last_30_days, 30)];
            for (window, days) in windows {
                if date >= since(days) {
                    window.entry(day.currency.clone()).or_default().add(&day);
                }
            }
        }
        Ok(Overview { counters, receivables, sales })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_spread_over_every_shard() {
        let shards: std::collections::BTreeSet<u32> =
            (0..200).map(|_| shard_of(&format!("ORDER#{}", crate::domain::OrderId::new()))).collect();
        assert_eq!(shards.len(), OVERVIEW_SHARDS as usize);
    }
}
