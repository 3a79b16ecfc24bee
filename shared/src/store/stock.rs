//! Stock items and ledger movements as items.

use super::keys::{self, GSI1, LOW_STOCK_GSI1PK, MOVE_PREFIX, STOCK_SK};
use super::page::{CursorOrStore, Page, PageQuery};
use super::versioned::Versioned;
use super::{Guard, Item, Store, StoreError, Tx, from_item, n, s, to_item};
use crate::domain::stock::{Catalog, CounterMove, MAX_ON_HAND, Movement, MovementKind, StockItem, StockWrite};
use crate::domain::{Money, ShortText, Sku};
use aws_sdk_dynamodb::types::{ReturnValuesOnConditionCheckFailure, TransactWriteItem};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A stock item as stored (and as the table's stream carries it); read into the domain through
/// `stock_from_record`, which checks it.
#[derive(Serialize, Deserialize)]
pub struct StockRecord {
    pk: String,
    sk: String,
    sku: String,
    name: String,
    price_amount: i64,
    currency: String,
    on_hand: u64,
    reserved: u64,
    /// Denormalised `on_hand − reserved`, so conditions can test it directly.
    available: u64,
    reorder_point: u64,
    reorder_quantity: u64,
    version: u64,
    updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    gsi1pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    gsi1sk: Option<String>,
    /// The catalogue listing (`CATALOG` / `{sku}`); only the keys are projected there.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    gsi4pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    gsi4sk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    weight_grams: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    dimensions: Option<crate::domain::stock::Dimensions>,
}

fn record(item: &StockItem, version: u64) -> StockRecord {
    let low = item.is_low();
    StockRecord {
        pk: keys::sku_pk(&item.sku),
        sk: STOCK_SK.to_owned(),
        sku: item.sku.to_string(),
        name: item.catalog.name.to_string(),
        price_amount: item.catalog.unit_price.amount(),
        currency: item.catalog.unit_price.currency().code().to_owned(),
        on_hand: item.on_hand,
        reserved: item.reserved,
        available: item.available(),
        reorder_point: item.catalog.reorder_point,
        reorder_quantity: item.catalog.reorder_quantity,
        version,
        updated_at: item.updated_at,
        gsi1pk: low.then(|| LOW_STOCK_GSI1PK.to_owned()),
        gsi1sk: low.then(|| item.sku.to_string()),
        gsi4pk: Some(keys::CATALOG_GSI4PK.to_owned()),
        gsi4sk: Some(item.sku.to_string()),
        weight_grams: item.catalog.weight_grams,
        dimensions: item.catalog.dimensions,
    }
}

pub fn stock_from_item(item: impl super::ItemSource) -> Result<Versioned<StockItem>, StoreError> {
    stock_from_record(from_item(item)?)
}

pub fn stock_from_record(r: StockRecord) -> Result<Versioned<StockItem>, StoreError> {
    let corrupt = |e: crate::domain::FieldError| StoreError::Corrupt(e.to_string());
    let item = StockItem {
        sku: Sku::parse("sku", &r.sku).map_err(corrupt)?,
        catalog: Catalog {
            name: ShortText::parse("name", &r.name, 200).map_err(corrupt)?,
            unit_price: Money::parse_price("unit_price", r.price_amount, &r.currency).map_err(corrupt)?,
            reorder_point: r.reorder_point,
            reorder_quantity: r.reorder_quantity,
            weight_grams: r.weight_grams,
            dimensions: r.dimensions,
        },
        on_hand: r.on_hand,
        reserved: r.reserved,
        updated_at: r.updated_at,
        listed_low: r.gsi1pk.is_some(),
    };
    Ok(Versioned::new(item, r.version))
}

/// Whether a sort key is a stock item's (a stream record's, say).
pub fn is_stock_key(sk: Option<&str>) -> bool {
    sk == Some(STOCK_SK)
}

pub fn stock_key(sku: &Sku) -> Item {
    super::key(keys::sku_pk(sku), STOCK_SK)
}

/// Creates a stock item, only if it does not exist yet (a concurrent creation makes the loser
/// decide again, as an update).
pub fn put_new_stock(tx: &mut Tx, table: &str, item: &StockItem) -> Result<(), StoreError> {
    tx.put_versioned(table, to_item(&record(item, Versioned::<StockItem>::FIRST))?, None)
}

/// Replaces an existing item's catalog data (name, price, reorder settings) and nothing else:
/// the counters are left to whatever moves them at the same moment, so a price change never
/// waits for, or undoes, a reservation. The listing is `stock-levels`' to change when a new
/// reorder point moves the item into or out of the low band.
/// The name must still be the one read (`before`): the search terms written beside it are that
/// name's, and a concurrent rename decides again.
pub fn put_catalog(tx: &mut Tx, table: &str, before: &StockItem, item: &StockItem) -> Result<(), StoreError> {
    let c = &item.catalog;
    let update = aws_sdk_dynamodb::types::Update::builder()
        .table_name(table)
        .set_key(Some(stock_key(&item.sku)))
        .condition_expression("attribute_exists(pk) AND #name = :read_name")
        .expression_attribute_names("#name", "name")
        .expression_attribute_values(":read_name", s(before.catalog.name.to_string()))
        .expression_attribute_values(":catalog", s(keys::CATALOG_GSI4PK))
        .expression_attribute_values(":sku", s(item.sku.to_string()))
        .expression_attribute_values(":name", s(c.name.to_string()))
        .expression_attribute_values(":price", n(c.unit_price.amount()))
        .expression_attribute_values(":currency", s(c.unit_price.currency().code()))
        .expression_attribute_values(":rp", n(c.reorder_point))
        .expression_attribute_values(":rq", n(c.reorder_quantity))
        .expression_attribute_values(":one", n(1))
        .expression_attribute_values(":now", s(item.updated_at.to_rfc3339()))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
    // A weight or size given replaces the stored one; one left out is kept (a catalogue import
    // carries neither, and must not lose what was set).
    let mut extra = String::new();
    let mut update = update;
    if let Some(w) = c.weight_grams {
        extra.push_str(", weight_grams = :w");
        update = update.expression_attribute_values(":w", n(w));
    }
    if let Some(d) = c.dimensions {
        extra.push_str(", dimensions = :d");
        update = update.expression_attribute_values(":d", super::to_attribute(&d)?);
    }
    let update = update
        .update_expression(format!(
            "SET #name = :name, price_amount = :price, currency = :currency, reorder_point = :rp, \
             reorder_quantity = :rq, version = version + :one, updated_at = :now, gsi4pk = :catalog, gsi4sk = :sku{extra}"
        ))
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push(TransactWriteItem::builder().update(update).build(), Guard::Version);
    Ok(())
}

/// The condition under which a [`CounterMove`] keeps `0 ≤ reserved ≤ on_hand ≤ MAX_ON_HAND`,
/// in terms DynamoDB can test (no arithmetic in conditions: `available` is stored beside the
/// counters for this), with the values it names. The same rule as `CounterMove::allowed_on`;
/// a test checks they agree.
pub fn counter_condition(m: &CounterMove) -> (String, Vec<(&'static str, i64)>) {
    let mut clauses = vec!["attribute_exists(pk)".to_owned()];
    let mut values = Vec::new();
    if m.reserved < 0 {
        clauses.push("reserved >= :release".into());
        values.push((":release", -m.reserved));
    }
    if m.available() < 0 {
        clauses.push("available >= :take".into());
        values.push((":take", -m.available()));
    }
    if m.on_hand > 0 {
        clauses.push("on_hand <= :room".into());
        values.push((":room", MAX_ON_HAND as i64 - m.on_hand));
    }
    (clauses.join(" AND "), values)
}

/// Writes a [`CounterMove`]: adds its deltas to the stored counters (and to `available`) under
/// [`counter_condition`]. `guard` says what a failed condition means to the caller: a rule an
/// order or an operator can break (`Guard::Rule`: decided again from the item the refusal
/// returns) or one every writer keeps (`Guard::Integrity`).
pub fn put_counter_move(
    tx: &mut Tx,
    table: &str,
    m: &CounterMove,
    guard: Guard,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (condition, values) = counter_condition(m);
    let mut update = aws_sdk_dynamodb::types::Update::builder()
        .table_name(table)
        .set_key(Some(stock_key(&m.sku)))
        .update_expression(
            "SET on_hand = on_hand + :oh, reserved = reserved + :r, available = available + :a, \
             version = version + :one, updated_at = :now",
        )
        .condition_expression(condition)
        .expression_attribute_values(":oh", n(m.on_hand))
        .expression_attribute_values(":r", n(m.reserved))
        .expression_attribute_values(":a", n(m.available()))
        .expression_attribute_values(":one", n(1))
        .expression_attribute_values(":now", s(now.to_rfc3339()))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
    for (name, value) in values {
        update = update.expression_attribute_values(name, n(value));
    }
    let update = update.build().map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push(TransactWriteItem::builder().update(update).build(), guard);
    Ok(())
}

/// Writes an adjustment: a commutative move, or a cycle count's compare-and-swap of on_hand
/// (`on_hand` must still be what was counted against, and the new figure must cover what is
/// reserved at that moment; `available` is derived from the stored `reserved`). A refusal
/// returns the item, and the adjustment is decided again from it (409 with the reason).
pub fn put_stock_write(tx: &mut Tx, table: &str, write: &StockWrite, now: DateTime<Utc>) -> Result<(), StoreError> {
    let (sku, set_on_hand, expected_on_hand) = match write {
        StockWrite::Move(m) => return put_counter_move(tx, table, m, Guard::Rule, now),
        StockWrite::Count { sku, set_on_hand, expected_on_hand } => (sku, set_on_hand, expected_on_hand),
    };
    let update = aws_sdk_dynamodb::types::Update::builder()
        .table_name(table)
        .set_key(Some(stock_key(sku)))
        .update_expression(
            "SET on_hand = :set, available = :set - reserved, version = version + :one, updated_at = :now",
        )
        .condition_expression("on_hand = :expected AND reserved <= :set")
        .expression_attribute_values(":set", n(*set_on_hand))
        .expression_attribute_values(":expected", n(*expected_on_hand))
        .expression_attribute_values(":one", n(1))
        .expression_attribute_values(":now", s(now.to_rfc3339()))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push(TransactWriteItem::builder().update(update).build(), Guard::Rule);
    Ok(())
}

/// Reserves `quantity` units for an order (`reserved += q`, `available -= q`), conditioned only
/// on enough being available. Concurrent orders for one SKU never conflict with each other,
/// down to its last unit, the reorder point included: an order the stock cannot cover fails its
/// condition and gets a prompt 409, decided from the item the refusal returns (`ALL_OLD`). The
/// low-stock listing is left as it is (an order cannot know whether it is the one that crossed
/// the reorder point); `stock-levels` lists the item from the stream ([`list_low`]).
pub fn put_reservation(tx: &mut Tx, table: &str, after: &StockItem, quantity: u64) -> Result<(), StoreError> {
    put_counter_move(tx, table, &CounterMove::reserve(&after.sku, quantity), Guard::Rule, after.updated_at)
}

/// Gives back `quantity` reserved units of `sku` (a cancelled or expired order): the mirror of
/// [`put_reservation`], reading no stock. The condition holds whenever the order's reservation
/// is there; failing it means stored data broke that rule (`Guard::Integrity`: final, not
/// retried). `stock-levels` unlists an item this lifted out of the low band ([`unlist_low`]).
pub fn put_release(tx: &mut Tx, table: &str, sku: &Sku, quantity: u64, now: DateTime<Utc>) -> Result<(), StoreError> {
    put_counter_move(tx, table, &CounterMove::release(sku, quantity), Guard::Integrity, now)
}

/// `domain::stock::listing_due` as the stored item must satisfy it when the listing is written:
/// unlisted, and at or below its reorder point (`StockItem::is_low`). A test holds them equal.
pub const LISTING_DUE: &str = "attribute_not_exists(gsi1pk) AND available <= reorder_point";

/// `domain::stock::unlisting_due` likewise: listed, and above its reorder point.
pub const UNLISTING_DUE: &str = "attribute_exists(gsi1pk) AND available > reorder_point";

/// Lists an item that is low and not listed, as `stock-levels` does with `stock.low` beside it
/// in the same transaction. The condition is tested on the item as stored now, so of all the
/// stream records showing one item unlisted in the low band only the first to be written lists
/// it (and raises the alert), and none does if an exact write listed it or lifted it out of
/// the band first. The version moves, so an exact write decided before the listing is retried
/// and sees it (rather than raising `stock.low` a second time).
pub fn list_low(tx: &mut Tx, table: &str, item: &StockItem, now: DateTime<Utc>) -> Result<(), StoreError> {
    let update = aws_sdk_dynamodb::types::Update::builder()
        .table_name(table)
        .set_key(Some(stock_key(&item.sku)))
        .update_expression("SET gsi1pk = :low, gsi1sk = :sku, version = version + :one, updated_at = :now")
        .condition_expression(LISTING_DUE)
        .expression_attribute_values(":low", s(LOW_STOCK_GSI1PK))
        .expression_attribute_values(":sku", s(item.sku.to_string()))
        .expression_attribute_values(":one", n(1))
        .expression_attribute_values(":now", s(now.to_rfc3339()))
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push(TransactWriteItem::builder().update(update).build(), Guard::Rule);
    Ok(())
}

/// Unlists an item that is listed and no longer low, as `stock-levels` does with
/// `stock.replenished` beside it in the same transaction: the mirror of [`list_low`], tested on
/// the item as stored now, so a release's stream records unlist it (and close the alert) once,
/// and none does if an exact write unlisted it or a reservation took it back into the band.
pub fn unlist_low(tx: &mut Tx, table: &str, item: &StockItem, now: DateTime<Utc>) -> Result<(), StoreError> {
    let update = aws_sdk_dynamodb::types::Update::builder()
        .table_name(table)
        .set_key(Some(stock_key(&item.sku)))
        .update_expression("REMOVE gsi1pk, gsi1sk SET version = version + :one, updated_at = :now")
        .condition_expression(UNLISTING_DUE)
        .expression_attribute_values(":one", n(1))
        .expression_attribute_values(":now", s(now.to_rfc3339()))
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push(TransactWriteItem::builder().update(update).build(), Guard::Rule);
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct MovementRecord {
    pk: String,
    sk: String,
    id: String,
    sku: String,
    kind: MovementKind,
    delta: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    on_hand_after: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    note: Option<String>,
    actor: String,
    at: DateTime<Utc>,
}

/// A ledger line as read back (the API's view of a movement).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MovementView {
    pub id: String,
    pub sku: String,
    pub kind: MovementKind,
    pub delta: i64,
    /// Set by a count (it sets on_hand); movements written commutatively record their delta
    /// alone (see `domain::stock::Movement`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub on_hand_after: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub actor: String,
    pub at: DateTime<Utc>,
}

impl From<&Movement> for MovementView {
    fn from(m: &Movement) -> Self {
        Self {
            id: m.id.to_string(),
            sku: m.sku.to_string(),
            kind: m.kind,
            delta: m.delta,
            on_hand_after: m.on_hand_after,
            reference: m.reference.as_ref().map(ToString::to_string),
            note: m.note.as_ref().map(ToString::to_string),
            actor: m.actor.clone(),
            at: m.at,
        }
    }
}

/// Appends a ledger line; insert-only, so a line can never be overwritten.
pub fn put_movement(tx: &mut Tx, table: &str, m: &Movement) -> Result<(), StoreError> {
    let view = MovementView::from(m);
    let rec = MovementRecord {
        pk: keys::sku_pk(&m.sku),
        sk: format!("{MOVE_PREFIX}{}", m.id),
        id: view.id,
        sku: view.sku,
        kind: view.kind,
        delta: view.delta,
        on_hand_after: view.on_hand_after,
        reference: view.reference,
        note: view.note,
        actor: view.actor,
        at: view.at,
    };
    tx.insert(table, to_item(&rec)?, Guard::Insert)
}

impl Store {
    pub async fn stock(&self, sku: &Sku) -> Result<Option<Versioned<StockItem>>, StoreError> {
        self.get(&keys::sku_pk(sku), STOCK_SK).await?.map(stock_from_item).transpose()
    }

    /// The stock items of these SKUs (absent ones left out), in one BatchGetItem per hundred.
    pub async fn stock_items(&self, skus: &[Sku]) -> Result<Vec<StockItem>, StoreError> {
        let keys: Vec<Item> = skus.iter().map(stock_key).collect();
        self.get_many(keys).await?.into_values().map(|i| stock_from_item(i).map(Versioned::into_inner)).collect()
    }

    /// A SKU's ledger, newest first.
    pub async fn movements(
        &self,
        sku: &Sku,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<MovementView>, CursorOrStore> {
        let pk = keys::sku_pk(sku);
        let query = PageQuery {
            index: None,
            partition: ("pk", &pk),
            sort_prefix: Some(("sk", MOVE_PREFIX)),
            sort_between: None,
            newest_first: true,
        };
        self.page(query, limit, cursor, from_item::<MovementView>).await
    }

    /// Items at or below their reorder point, through the sparse `gsi1` (never a Scan).
    pub async fn low_stock(
        &self,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Versioned<StockItem>>, CursorOrStore> {
        let query = PageQuery {
            index: Some(GSI1),
            partition: ("gsi1pk", LOW_STOCK_GSI1PK),
            sort_prefix: None,
            sort_between: None,
            newest_first: false,
        };
        self.page(query, limit, cursor, stock_from_item).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    fn item(on_hand: u64, reserved: u64) -> StockItem {
        StockItem {
            sku: Sku::parse("sku", "C-1").unwrap(),
            catalog: Catalog {
                name: ShortText::parse("name", "C", 10).unwrap(),
                unit_price: Money::new(100, Currency::parse("c", "BRL").unwrap()),
                reorder_point: 0,
                reorder_quantity: 0,
                weight_grams: None,
                dimensions: None,
            },
            on_hand,
            reserved,
            updated_at: DateTime::from_timestamp(0, 0).unwrap(),
            listed_low: false,
        }
    }

    /// Evaluates a condition expression as DynamoDB would on a stored item (the forms the store
    /// writes: `attribute_exists`/`attribute_not_exists` and `operand >=|<=|> operand`, an
    /// operand being a counter or a `:value`).
    fn holds(condition: &str, values: &[(&str, i64)], stored: &StockItem) -> bool {
        let operand = |name: &str| match name {
            "on_hand" => stored.on_hand as i64,
            "reserved" => stored.reserved as i64,
            "available" => stored.available() as i64,
            "reorder_point" => stored.catalog.reorder_point as i64,
            value => values.iter().find(|(n, _)| *n == value).map(|(_, v)| *v).expect(value),
        };
        condition.split(" AND ").all(|clause| match clause {
            "attribute_exists(pk)" => true,
            "attribute_exists(gsi1pk)" => stored.listed_low,
            "attribute_not_exists(gsi1pk)" => !stored.listed_low,
            _ => {
                let parts: Vec<&str> = clause.split_whitespace().collect();
                let (left, right) = (operand(parts[0]), operand(parts[2]));
                match parts[1] {
                    ">=" => left >= right,
                    "<=" => left <= right,
                    ">" => left > right,
                    op => panic!("unexpected operator {op}"),
                }
            }
        })
    }

    #[test]
    fn the_listing_conditions_and_the_domain_rules_agree() {
        use crate::domain::stock::{listing_due, unlisting_due};
        for on_hand in [0, 1, 5, 9, 10, 11, 20] {
            for reserved in [0, 1, 5, 10].into_iter().filter(|r| *r <= on_hand) {
                for reorder_point in [0, 5, 10] {
                    for listed_low in [false, true] {
                        let mut stored = item(on_hand, reserved);
                        stored.catalog.reorder_point = reorder_point;
                        stored.listed_low = listed_low;
                        assert_eq!(holds(LISTING_DUE, &[], &stored), listing_due(&stored, 1).is_some(), "{stored:?}");
                        assert_eq!(
                            holds(UNLISTING_DUE, &[], &stored),
                            unlisting_due(&stored, 1).is_some(),
                            "{stored:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_stored_condition_and_the_domain_rule_agree() {
        let sku = Sku::parse("sku", "C-1").unwrap();
        let counts = [0, 1, 3, 7, 10];
        let deltas = [0, 1, 2, 3, 5, 7, 10, 11];
        for on_hand in counts {
            for reserved in counts.iter().copied().filter(|r| *r <= on_hand) {
                let stored = item(on_hand, reserved);
                for q in deltas {
                    let moves = [
                        CounterMove::reserve(&sku, q),
                        CounterMove::release(&sku, q),
                        CounterMove::ship(&sku, q),
                        CounterMove::on_hand(&sku, q as i64),
                        CounterMove::on_hand(&sku, -(q as i64)),
                        CounterMove::on_hand(&sku, MAX_ON_HAND as i64 - q as i64),
                    ];
                    for m in moves {
                        let (condition, values) = counter_condition(&m);
                        assert_eq!(holds(&condition, &values, &stored), m.allowed_on(&stored), "{m:?} on {stored:?}");
                    }
                }
            }
        }
    }
}
