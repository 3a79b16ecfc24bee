//! Promotions and their redemption counts.
//!
//! * `PROMOTION#{code}` / `PROMOTION`: the terms (versioned), listed in code order through gsi3
//!   (`PROMOTIONS` / `{code}`).
//! * `PROMOTION#{code}` / `REDEEMED`: `redeemed`, every redemption of it.
//! * `PROMOTION#{code}` / `REDEEMED#{customer}`: one customer's, kept only for promotions with a
//!   per-customer limit.
//! * `PROMOTIONS` / `AUTOMATIC`: the automatic promotions that are active, as one item, so a
//!   placement reads them in the `BatchGetItem` that reads its stock.
//!
//! A placement adds one to the counts in its own transaction, each conditioned on staying within
//! the promotion's limit, and a refused condition returns the count so the placement is decided
//! again from it: a coupon limited to N uses is redeemed at most N times however many orders
//! race for it. A cancellation (or expiry) takes its one back in the order's own transaction,
//! which moves the order's version, so it happens once.

use super::versioned::{Versioned, next_version, versioned_from_item};
use super::{Guard, Item, Store, StoreError, Tx, n, record_item};
use crate::domain::CustomerId;
use crate::domain::promotion::{AppliedDiscount, Promotion, PromotionCode, Redemptions};
use aws_sdk_dynamodb::types::{ReturnValuesOnConditionCheckFailure, TransactWriteItem};
use serde::{Deserialize, Serialize};

const TERMS_SK: &str = "PROMOTION";
const REDEEMED_SK: &str = "REDEEMED";
const LIST_GSI3PK: &str = "PROMOTIONS";
const AUTOMATIC_PK: &str = "PROMOTIONS";
const AUTOMATIC_SK: &str = "AUTOMATIC";

fn promotion_pk(code: &PromotionCode) -> String {
    format!("PROMOTION#{code}")
}

fn customer_sk(customer: &CustomerId) -> String {
    format!("{REDEEMED_SK}#{customer}")
}

pub(crate) fn terms_key(code: &PromotionCode) -> Item {
    super::key(promotion_pk(code), TERMS_SK)
}

pub(crate) fn redeemed_key(code: &PromotionCode) -> Item {
    super::key(promotion_pk(code), REDEEMED_SK)
}

pub(crate) fn customer_redeemed_key(code: &PromotionCode, customer: &CustomerId) -> Item {
    super::key(promotion_pk(code), customer_sk(customer))
}

pub(crate) fn automatic_key() -> Item {
    super::key(AUTOMATIC_PK.to_owned(), AUTOMATIC_SK)
}

#[derive(Serialize)]
struct TermsRecord {
    pk: String,
    sk: String,
    gsi3pk: String,
    gsi3sk: String,
    version: u64,
}

/// The running automatic promotions, kept whole in one item.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AutomaticList {
    pub promotions: Vec<Promotion>,
}

#[derive(Serialize)]
struct AutomaticRecord {
    pk: String,
    sk: String,
    version: u64,
}

pub(crate) fn promotion_from_item(item: impl super::ItemSource) -> Result<Versioned<Promotion>, StoreError> {
    versioned_from_item::<Promotion>(item)
}

pub(crate) fn automatic_from_item(item: impl super::ItemSource) -> Result<Versioned<AutomaticList>, StoreError> {
    versioned_from_item::<AutomaticList>(item)
}

/// The count an item holds (`redeemed`); none stored is zero.
pub(crate) fn count_of(item: Option<&Item>) -> u64 {
    item.and_then(|i| i.get("redeemed")).and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)
}

pub(crate) fn put_promotion(
    tx: &mut Tx,
    table: &str,
    p: &Promotion,
    expected_version: Option<u64>,
) -> Result<(), StoreError> {
    let record = TermsRecord {
        pk: promotion_pk(p.code()),
        sk: TERMS_SK.to_owned(),
        gsi3pk: LIST_GSI3PK.to_owned(),
        gsi3sk: p.code().to_string(),
        version: next_version(expected_version),
    };
    tx.put_versioned(table, record_item(&record, p)?, expected_version)
}

pub(crate) fn put_automatic(
    tx: &mut Tx,
    table: &str,
    list: &AutomaticList,
    expected_version: Option<u64>,
) -> Result<(), StoreError> {
    let record = AutomaticRecord {
        pk: AUTOMATIC_PK.to_owned(),
        sk: AUTOMATIC_SK.to_owned(),
        version: next_version(expected_version),
    };
    tx.put_versioned(table, record_item(&record, list)?, expected_version)
}

/// Adds `by` to a count, and when it adds, only while the count stays within `limit`. A refusal
/// returns the count as it is, for the placement to decide again from.
fn move_count(tx: &mut Tx, table: &str, key: Item, by: i64, limit: Option<u64>) -> Result<(), StoreError> {
    let mut update = aws_sdk_dynamodb::types::Update::builder()
        .table_name(table)
        .set_key(Some(key))
        .update_expression("ADD redeemed :by")
        .expression_attribute_values(":by", n(by));
    let guard = if by > 0 {
        if let Some(limit) = limit {
            update = update
                .condition_expression("attribute_not_exists(redeemed) OR redeemed < :limit")
                .expression_attribute_values(":limit", n(limit))
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        }
        Guard::Rule
    } else {
        // A give-back never takes a count below zero: only placements that counted give back.
        update = update.condition_expression("redeemed >= :one").expression_attribute_values(":one", n(1));
        Guard::Integrity
    };
    let update = update.build().map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push_bookkeeping(TransactWriteItem::builder().update(update).build(), guard);
    Ok(())
}

/// One redemption of `promotion` by `customer`, within its limits.
pub(crate) fn redeem(tx: &mut Tx, table: &str, promotion: &Promotion, customer: &CustomerId) -> Result<(), StoreError> {
    move_count(tx, table, redeemed_key(promotion.code()), 1, promotion.limit())?;
    if let Some(per_customer) = promotion.per_customer_limit() {
        move_count(tx, table, customer_redeemed_key(promotion.code(), customer), 1, Some(per_customer))?;
    }
    Ok(())
}

/// A cancelled order's redemption given back.
pub(crate) fn give_back(
    tx: &mut Tx,
    table: &str,
    d: &AppliedDiscount,
    customer: &CustomerId,
) -> Result<(), StoreError> {
    move_count(tx, table, redeemed_key(&d.code), -1, None)?;
    if d.counted_per_customer {
        move_count(tx, table, customer_redeemed_key(&d.code, customer), -1, None)?;
    }
    Ok(())
}

/// A promotion's terms with how often it was redeemed.
#[derive(Debug, Clone)]
pub struct PromotionWithCount {
    pub promotion: Versioned<Promotion>,
    pub redeemed: u64,
}

impl Store {
    pub async fn promotion(&self, code: &PromotionCode) -> Result<Option<PromotionWithCount>, StoreError> {
        let found = self.get_many(vec![terms_key(code), redeemed_key(code)]).await?;
        let pk = promotion_pk(code);
        let Some(terms) = found.get(&(pk.clone(), TERMS_SK.to_owned())).cloned() else { return Ok(None) };
        let redeemed = count_of(found.get(&(pk, REDEEMED_SK.to_owned())));
        Ok(Some(PromotionWithCount { promotion: promotion_from_item(terms)?, redeemed }))
    }

    /// Every promotion, in code order, with its redemptions.
    pub async fn promotions(&self) -> Result<Vec<PromotionWithCount>, StoreError> {
        let terms: Vec<Versioned<Promotion>> =
            self.gsi3_partition(LIST_GSI3PK).await?.into_iter().map(promotion_from_item).collect::<Result<_, _>>()?;
        let mut counts = std::collections::HashMap::new();
        for chunk in terms.chunks(100) {
            counts.extend(self.get_many(chunk.iter().map(|p| redeemed_key(p.code())).collect()).await?);
        }
        Ok(terms
            .into_iter()
            .map(|p| {
                let redeemed = count_of(counts.get(&(promotion_pk(p.code()), REDEEMED_SK.to_owned())));
                PromotionWithCount { promotion: p, redeemed }
            })
            .collect())
    }

    /// The running automatic promotions' list as stored (empty and unversioned when none was
    /// ever written).
    pub async fn automatic_promotions(&self) -> Result<Option<Versioned<AutomaticList>>, StoreError> {
        self.get(AUTOMATIC_PK, AUTOMATIC_SK).await?.map(automatic_from_item).transpose()
    }
}

/// A customer's and everyone's redemptions of `code`, as `items` hold them.
pub(crate) fn redemptions_in(
    items: &std::collections::HashMap<(String, String), Item>,
    code: &PromotionCode,
    customer: &CustomerId,
) -> Redemptions {
    let pk = promotion_pk(code);
    Redemptions {
        total: count_of(items.get(&(pk.clone(), REDEEMED_SK.to_owned()))),
        by_customer: count_of(items.get(&(pk, customer_sk(customer)))),
    }
}
