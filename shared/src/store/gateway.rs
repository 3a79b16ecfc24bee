//! Gateway payments' bookkeeping: which provider events were applied (a marker per event id),
//! which order a provider's payment belongs to (a pointer written with its first event, for the
//! events that name only the payment, such as disputes), and the events set aside for review
//! (`REVIEW#{id}`, listed open and oldest first through gsi3).

use super::keys::{GSI3, short_hash};
use super::page::{CursorOrStore, Page, PageQuery};
use super::versioned::{Versioned, next_version, versioned_from_item};
use super::{Guard, Item, Store, StoreError, Tx, record_item, s};
use crate::domain::gateway::{Provider, Review};
use crate::domain::{OrderId, ReviewId};
use aws_sdk_dynamodb::types::{Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem};
use serde::Serialize;

/// Stripe retries a delivery for three days; a marker outlives that tenfold.
const MARKER_DAYS: i64 = 30;
const POINTER_SK: &str = "PAYMENT";
const REVIEW_SK: &str = "REVIEW";
pub const OPEN_REVIEWS_GSI3PK: &str = "PAYMENT_REVIEW";

pub(crate) fn event_marker_pk(provider: Provider, event_id: &str) -> String {
    format!("APPLIED#payment-events#{provider}#{}", short_hash(event_id))
}

pub(crate) fn event_marker_key(provider: Provider, event_id: &str) -> Item {
    super::key(event_marker_pk(provider, event_id), "APPLIED")
}

pub(crate) fn pointer_key(provider: Provider, reference: &str) -> Item {
    super::key(format!("GATEWAY#{provider}#{}", short_hash(reference)), POINTER_SK)
}

pub fn review_pk(id: &ReviewId) -> String {
    format!("REVIEW#{id}")
}

pub fn review_key(id: &ReviewId) -> Item {
    super::key(review_pk(id), REVIEW_SK)
}

pub fn review_from_item(item: impl super::ItemSource) -> Result<Versioned<Review>, StoreError> {
    versioned_from_item::<Review>(item)
}

/// Marks the event applied; refused (`Guard::Idempotency`) when it was, by someone else.
pub(crate) fn put_event_marker(
    tx: &mut Tx,
    table: &str,
    provider: Provider,
    event_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    tx.applied_marker(table, event_marker_pk(provider, event_id), now.timestamp() + MARKER_DAYS * 86_400)
}

/// Names the order a provider's payment belongs to: written with its first event, and kept
/// only while it names the same order (a second order claiming it is refused and reviewed).
pub(crate) fn put_pointer(
    tx: &mut Tx,
    table: &str,
    provider: Provider,
    reference: &str,
    order: &OrderId,
) -> Result<(), StoreError> {
    let mut item = pointer_key(provider, reference);
    item.insert("order_id".into(), s(order.to_string()));
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(pk) OR order_id = :order")
        .expression_attribute_values(":order", s(order.to_string()))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push_bookkeeping(TransactWriteItem::builder().put(put).build(), Guard::Version);
    Ok(())
}

pub(crate) fn pointer_order(item: &Item) -> Result<OrderId, StoreError> {
    let raw = item
        .get("order_id")
        .and_then(|v| v.as_s().ok())
        .ok_or_else(|| StoreError::Corrupt("pointer without order".into()))?;
    OrderId::parse("order_id", raw).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// What a review's item holds beside the review (`record_item`).
#[derive(Serialize)]
struct ReviewRecord {
    pk: String,
    sk: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi3pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi3sk: Option<String>,
    version: u64,
}

/// Puts a review's new state if its stored version is still `expected_version` (`None`: new).
/// An open review is listed; a resolved one leaves the list.
pub(crate) fn put_review(
    tx: &mut Tx,
    table: &str,
    review: &Review,
    expected_version: Option<u64>,
) -> Result<(), StoreError> {
    let open = review.is_open();
    let record = ReviewRecord {
        pk: review_pk(&review.id),
        sk: REVIEW_SK.to_owned(),
        gsi3pk: open.then(|| OPEN_REVIEWS_GSI3PK.to_owned()),
        gsi3sk: open.then(|| format!("{}#{}", super::orders::sortable(review.received_at), review.id)),
        version: next_version(expected_version),
    };
    tx.put_versioned(table, record_item(&record, review)?, expected_version)
}

impl Store {
    /// Open reviews, oldest first.
    pub async fn open_reviews(&self, limit: i32, cursor: Option<&str>) -> Result<Page<Review>, CursorOrStore> {
        let query = PageQuery {
            index: Some(GSI3),
            partition: ("gsi3pk", OPEN_REVIEWS_GSI3PK),
            sort_prefix: None,
            sort_between: None,
            newest_first: false,
        };
        self.page(query, limit, cursor, |item| review_from_item(item).map(Versioned::into_inner)).await
    }

    /// How many reviews are open (for the overview): a count of the list's keys.
    pub async fn open_review_count(&self) -> Result<u64, StoreError> {
        self.count_index(GSI3, "gsi3pk", OPEN_REVIEWS_GSI3PK).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_ids_never_shape_a_key() {
        let pk = event_marker_pk(Provider::Stripe, "evt_1#ORDER#x");
        assert!(!pk.contains("evt_1") && !pk.contains("ORDER#x"));
        assert_ne!(pk, event_marker_pk(Provider::MercadoPago, "evt_1#ORDER#x"));
        let key = pointer_key(Provider::Stripe, "pi_1");
        assert_eq!(key["sk"].as_s().unwrap(), POINTER_SK);
        assert!(!key["pk"].as_s().unwrap().contains("pi_1"));
    }
}
