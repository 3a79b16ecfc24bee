//! Replenishment suggestions: one item per SKU, written only by events newer than the last one
//! applied (so duplicates and stale redeliveries change nothing).

use super::keys::{self, GSI1, REPLENISHMENT_SK};
use super::page::CursorOrStore;
use super::page::{Page, PageQuery};
use super::{Store, StoreError, from_item, n, s, to_item};
use crate::domain::replenishment::{Replenishment, ReplenishmentStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Serialize, Deserialize)]
pub(crate) struct ReplenishmentRecord {
    pk: String,
    sk: String,
    sku: String,
    status: ReplenishmentStatus,
    suggested_quantity: u64,
    available_at_alert: u64,
    reorder_point: u64,
    stock_version: u64,
    updated_at: DateTime<Utc>,
    gsi1pk: String,
    gsi1sk: String,
}

impl From<ReplenishmentRecord> for Replenishment {
    fn from(r: ReplenishmentRecord) -> Self {
        Replenishment {
            sku: r.sku,
            status: r.status,
            suggested_quantity: r.suggested_quantity,
            available_at_alert: r.available_at_alert,
            reorder_point: r.reorder_point,
            stock_version: r.stock_version,
            updated_at: r.updated_at,
        }
    }
}

impl Store {
    /// Writes the suggestion if it is newer than what is stored. `Ok(false)`: stale or duplicate.
    pub async fn save_replenishment(&self, r: &Replenishment) -> Result<bool, StoreError> {
        let sku = crate::domain::Sku::parse("sku", &r.sku).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let record = ReplenishmentRecord {
            pk: keys::sku_pk(&sku),
            sk: REPLENISHMENT_SK.to_owned(),
            sku: r.sku.clone(),
            status: r.status,
            suggested_quantity: r.suggested_quantity,
            available_at_alert: r.available_at_alert,
            reorder_point: r.reorder_point,
            stock_version: r.stock_version,
            updated_at: r.updated_at,
            gsi1pk: keys::replenishment_gsi1pk(r.status.as_str()),
            gsi1sk: r.sku.clone(),
        };
        self.put_if(
            to_item(&record)?,
            "attribute_not_exists(pk) OR stock_version < :v",
            &[],
            HashMap::from([(":v".to_owned(), n(r.stock_version))]),
        )
        .await
    }

    /// Closes the suggestion for a SKU if the closing event is newer than the last one applied.
    /// When no suggestion exists yet (queues may deliver the closing event before the alert), it
    /// leaves a marker at the newer version — outside the index — so the late, stale alert can no
    /// longer open one. `Ok(false)`: the event was stale; nothing changed.
    pub async fn close_replenishment(
        &self,
        sku: &str,
        stock_version: u64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let sku = crate::domain::Sku::parse("sku", sku).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // Two conditional writes cover the two shapes the item can have. An alert may land
        // between them, so try again: versions only grow, so this settles within a few rounds,
        // and when both conditions fail for the same state the event is simply stale.
        for _ in 0..4 {
            if self.close_suggestion(&sku, stock_version, now).await? {
                return Ok(true);
            }
            let marker = HashMap::from([
                ("pk".to_owned(), s(keys::sku_pk(&sku))),
                ("sk".to_owned(), s(REPLENISHMENT_SK)),
                ("stock_version".to_owned(), n(stock_version)),
            ]);
            let placed = self
                .put_if(
                    marker,
                    "attribute_not_exists(#status) AND (attribute_not_exists(pk) OR stock_version < :v)",
                    &[("#status", "status")],
                    HashMap::from([(":v".to_owned(), n(stock_version))]),
                )
                .await?;
            if placed {
                return Ok(false);
            }
            let current = self.get(&keys::sku_pk(&sku), REPLENISHMENT_SK).await?;
            let stored_version = current
                .as_ref()
                .and_then(|i| i.get("stock_version"))
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse::<u64>().ok());
            if stored_version.is_some_and(|v| v >= stock_version) {
                return Ok(false);
            }
        }
        Err(StoreError::Contention("replenishment kept changing".into()))
    }

    /// Closes an existing suggestion (open or closed) older than `stock_version`.
    async fn close_suggestion(
        &self,
        sku: &crate::domain::Sku,
        stock_version: u64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(super::key(keys::sku_pk(sku), REPLENISHMENT_SK)))
            .update_expression("SET #status = :closed, gsi1pk = :gsi, stock_version = :v, updated_at = :now")
            .condition_expression("attribute_exists(#status) AND stock_version < :v")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":closed", s("closed"))
            .expression_attribute_values(":gsi", s(keys::replenishment_gsi1pk("closed")))
            .expression_attribute_values(":v", n(stock_version))
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .send()
            .await;
        super::conditional_write(result)
    }

    pub async fn replenishments(
        &self,
        status: ReplenishmentStatus,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Replenishment>, CursorOrStore> {
        let gsi1pk = keys::replenishment_gsi1pk(status.as_str());
        let query = PageQuery {
            index: Some(GSI1),
            partition: ("gsi1pk", &gsi1pk),
            sort_prefix: None,
            sort_between: None,
            newest_first: false,
        };
        self.page(query, limit, cursor, |i| from_item::<ReplenishmentRecord>(i).map(Replenishment::from)).await
    }
}
