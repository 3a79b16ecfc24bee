//! Payments, refunds, receivables, pick lists and notifications: the items that hang off an
//! order (all under the order's partition, so one Query reads an order's money trail).

use super::keys::{self, GSI3};
use super::page::CursorOrStore;
use super::page::{Page, PageQuery};
use super::versioned::Versioned;
use super::{Guard, Item, Store, StoreError, Tx, from_item, s, to_item};
use crate::domain::OrderId;
use crate::domain::order::Order;
use crate::domain::payment::{GatewayReference, Payment, Refund};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

fn reference_hash(reference: &GatewayReference) -> String {
    keys::short_hash(reference.as_str())
}

pub fn payment_key(order: &OrderId, reference: &GatewayReference) -> Item {
    super::key(keys::order_pk(order), format!("PAYMENT#{}", reference_hash(reference)))
}

pub fn refund_key(order: &OrderId, reference: &GatewayReference) -> Item {
    super::key(keys::order_pk(order), format!("REFUND#{}", reference_hash(reference)))
}

/// A payment or refund as stored: the movement and the response its first request got, which a
/// resend of the same gateway reference replays.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MoneyRecord<T> {
    pub pk: String,
    pub sk: String,
    #[serde(flatten)]
    pub movement: T,
    pub response: String,
}

/// A movement's item: its key and stored response beside the movement's attributes.
fn money_item<T: Serialize>(key: Item, response: &str, movement: &T) -> Result<Item, StoreError> {
    let mut item = to_item(movement)?;
    item.reserve(key.len() + 1);
    item.extend(key);
    item.insert("response".into(), s(response));
    Ok(item)
}

/// Records a payment once per gateway reference (a concurrent duplicate fails this condition and
/// replays on its retry).
pub fn put_payment(tx: &mut Tx, table: &str, order: &OrderId, p: &Payment, response: &str) -> Result<(), StoreError> {
    let key = payment_key(order, &p.gateway_reference);
    tx.insert(table, money_item(key, response, p)?, Guard::Idempotency)
}

pub fn put_refund(tx: &mut Tx, table: &str, order: &OrderId, r: &Refund, response: &str) -> Result<(), StoreError> {
    let key = refund_key(order, &r.gateway_reference);
    tx.insert(table, money_item(key, response, r)?, Guard::Idempotency)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PickList {
    pub order_id: String,
    pub lines: Vec<crate::events::LineQuantity>,
    pub created_at: DateTime<Utc>,
}

pub fn put_pick_list(tx: &mut Tx, table: &str, order: &Order, now: DateTime<Utc>) -> Result<(), StoreError> {
    let list = PickList {
        order_id: order.id.to_string(),
        lines: order
            .lines
            .iter()
            .map(|l| crate::events::LineQuantity { sku: l.sku.to_string(), quantity: l.quantity })
            .collect(),
        created_at: now,
    };
    let mut item = to_item(&list)?;
    item.extend(super::key(keys::order_pk(&order.id), "PICKLIST"));
    tx.insert(table, item, Guard::Insert)
}

/// A customer notification, written by the notifier's table sender.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Notification {
    pub event_id: String,
    pub event_type: String,
    pub order_id: String,
    /// Who to tell (the contact details are resolved by the provider adapter, not stored here).
    pub customer_id: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
    /// What became of the e-mail, when the notifier sends them (no address: only its language,
    /// subject and SES's id are kept, the customer's address is read at send time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailDelivery>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    /// Claimed by a delivery that is sending it now (or crashed doing so: it is taken over
    /// once stale).
    Sending,
    Sent,
    /// The address bounced or complained before: nothing was sent.
    Suppressed,
    /// The customer's personal data was erased: there is no one to write to.
    NoAddress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailDelivery {
    pub status: EmailStatus,
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::domain::language::Language>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// SES's id of the message sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

/// Whether a delivery may send a notification's e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This delivery sends it.
    Claimed,
    /// Sent (or decided) before: a duplicate delivery.
    Done(EmailStatus),
    /// Another delivery is sending it right now: try again later.
    Busy,
}

/// How long a claim holds before another delivery may take it over (longer than a send takes,
/// shorter than the queue's visibility timeout).
pub const CLAIM_STALE_SECONDS: i64 = 60;

fn notification_key(order_id: &str, event_id: &str) -> Item {
    super::key(format!("ORDER#{order_id}"), format!("NOTIFICATION#{event_id}"))
}

/// Everything recorded against an order besides the order itself.
#[derive(Debug, Default)]
pub struct OrderRecords {
    pub payments: Vec<Payment>,
    pub refunds: Vec<Refund>,
    pub notifications: Vec<Notification>,
}

impl Store {
    /// Payments, refunds and notifications of an order: one Query on its partition.
    pub async fn order_records(&self, id: &OrderId) -> Result<OrderRecords, StoreError> {
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(keys::order_pk(id)));
        let mut records = OrderRecords::default();
        for item in self.query_all(query).await? {
            let sk = item.get("sk").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            if sk.starts_with("PAYMENT#") {
                records.payments.push(from_item::<Payment>(item)?);
            } else if sk.starts_with("REFUND#") {
                records.refunds.push(from_item::<Refund>(item)?);
            } else if sk.starts_with("NOTIFICATION#") {
                records.notifications.push(from_item(item)?);
            }
        }
        Ok(records)
    }

    /// Writes a notification once per event. `Ok(false)`: it was already written.
    pub async fn save_notification(&self, n: &Notification) -> Result<bool, StoreError> {
        let mut item = to_item(n)?;
        item.extend(notification_key(&n.order_id, &n.event_id));
        self.put_if(item, "attribute_not_exists(pk)", &[], Default::default()).await
    }

    /// Claims the sending of a notification's e-mail (`n.email` is `Sending` at `now`): written
    /// only if no delivery wrote it, or one claimed it more than [`CLAIM_STALE_SECONDS`] ago and
    /// never finished (it crashed between the claim and the send, or after the send: then the
    /// customer gets the message twice, the one duplicate this allows).
    pub async fn claim_notification(&self, n: &Notification, now: DateTime<Utc>) -> Result<Claim, StoreError> {
        let mut item = to_item(n)?;
        item.extend(notification_key(&n.order_id, &n.event_id));
        let stale =
            (now - chrono::Duration::seconds(CLAIM_STALE_SECONDS)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let values = [(":sending".to_owned(), s("sending")), (":stale".to_owned(), s(stale))].into_iter().collect();
        let condition = "attribute_not_exists(pk) OR (email.#status = :sending AND email.#at < :stale)";
        if self.put_if(item, condition, &[("#status", "status"), ("#at", "at")], values).await? {
            return Ok(Claim::Claimed);
        }
        let current = self.get(&format!("ORDER#{}", n.order_id), &format!("NOTIFICATION#{}", n.event_id)).await?;
        let current: Option<Notification> = current.map(from_item).transpose()?;
        Ok(match current.and_then(|c| c.email).map(|e| e.status) {
            Some(EmailStatus::Sending) => Claim::Busy,
            Some(done) => Claim::Done(done),
            // Written without an e-mail (by the table sender, before e-mail was configured).
            None => Claim::Done(EmailStatus::Sent),
        })
    }

    /// Records how a claimed e-mail ended.
    pub async fn finish_notification(&self, n: &Notification) -> Result<(), StoreError> {
        let mut item = to_item(n)?;
        item.extend(notification_key(&n.order_id, &n.event_id));
        self.put_if(item, "attribute_exists(pk)", &[], Default::default()).await?;
        Ok(())
    }

    /// Orders with an outstanding balance, oldest first, through the sparse gsi3.
    pub async fn receivables(&self, limit: i32, cursor: Option<&str>) -> Result<Page<Order>, CursorOrStore> {
        self.gsi3_page(keys::RECEIVABLE_GSI3PK, limit, cursor).await
    }

    /// Cancelled orders that still hold money the shop must pay back (a cancellation that raced
    /// a payment, or a paid order cancelled), oldest first, until refunded.
    pub async fn refunds_owed(&self, limit: i32, cursor: Option<&str>) -> Result<Page<Order>, CursorOrStore> {
        self.gsi3_page(keys::REFUND_DUE_GSI3PK, limit, cursor).await
    }

    async fn gsi3_page(&self, partition: &str, limit: i32, cursor: Option<&str>) -> Result<Page<Order>, CursorOrStore> {
        let query = PageQuery {
            index: Some(GSI3),
            partition: ("gsi3pk", partition),
            sort_prefix: None,
            sort_between: None,
            newest_first: false,
        };
        self.page(query, limit, cursor, |item| super::orders::order_from_item(item).map(Versioned::into_inner)).await
    }

    /// Totals per currency over a whole gsi3 list (cost grows with the list, not with all
    /// orders): what customers owe (receivables) or what is owed to them (refunds).
    async fn gsi3_totals(
        &self,
        partition: &str,
        amount: impl Fn(&Order) -> i64,
    ) -> Result<std::collections::BTreeMap<String, i64>, StoreError> {
        let mut totals = std::collections::BTreeMap::new();
        for item in self.gsi3_partition(partition).await? {
            let order = super::orders::order_from_item(item)?;
            *totals.entry(order.currency().code().to_owned()).or_insert(0) += amount(&order);
        }
        Ok(totals)
    }

    /// Outstanding totals per currency over every receivable.
    pub async fn receivable_totals(&self) -> Result<std::collections::BTreeMap<String, i64>, StoreError> {
        self.gsi3_totals(keys::RECEIVABLE_GSI3PK, |o| o.outstanding().amount()).await
    }

    /// Refunds owed per currency over every cancelled order still holding money.
    pub async fn refunds_owed_totals(&self) -> Result<std::collections::BTreeMap<String, i64>, StoreError> {
        self.gsi3_totals(keys::REFUND_DUE_GSI3PK, |o| o.refund_due.amount()).await
    }
}
