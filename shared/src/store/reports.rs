//! The daily sales report, kept up to date by a consumer of domain events. Each event is applied
//! at most once: a marker item named after the event is inserted in the same transaction as the
//! counter updates, so a redelivered event fails the marker's condition and changes nothing.

use super::keys;
use super::{Guard, Store, StoreError, Tx, n, s};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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

impl Store {
    /// Applies an event's contribution to the report once. `Ok(false)`: already applied.
    pub async fn apply_to_sales_report(
        &self,
        event_id: &str,
        day: NaiveDate,
        currency: &str,
        delta: &SalesDelta,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = Tx::default();
        let mut marker = super::key(format!("APPLIED#sales-report#{event_id}"), "APPLIED");
        marker.insert("expires_at".into(), n(now.timestamp() + MARKER_DAYS * 86_400));
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(marker))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        tx.push(TransactWriteItem::builder().put(put).build(), Guard::Idempotency);
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
        match self.transact(tx).await {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict(Guard::Idempotency)) => Ok(false),
            Err(e) => Err(e),
        }
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
