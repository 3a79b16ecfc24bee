//! Customers, their e-mail guard, and everything held about a customer (for export and erasure).

use super::keys::{self, CUSTOMER_SK, EMAIL_SK, GSI2};
use super::page::CursorOrStore;
use super::page::{Page, PageQuery};
use super::versioned::{Versioned, next_version, versioned_from_item};
use super::{Guard, Item, Store, StoreError, Tx, n, s};
use crate::domain::CustomerId;
use crate::domain::customer::Customer;
use crate::domain::order::Order;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};
use serde::Serialize;

/// What a customer's item holds beside the customer's fields (`record_item`; read back straight
/// into a `Customer`, see `order_from_item`).
#[derive(Serialize)]
struct CustomerRecord {
    pk: String,
    sk: String,
    gsi2pk: String,
    gsi2sk: String,
    /// The newest-first list of customers (absent once erased: nobody to list).
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi3pk: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi3sk: Option<String>,
    version: u64,
}

/// The customers' list partition in gsi3, sorted by registration. One partition: customers
/// register at a person's pace, far below a partition's write limit.
pub const CUSTOMERS_GSI3PK: &str = "CUSTOMERS";

pub fn customer_key(id: &CustomerId) -> Item {
    super::key(keys::customer_pk(id), CUSTOMER_SK)
}

pub fn email_guard_key(email: &str) -> Item {
    super::key(keys::email_pk(email), EMAIL_SK)
}

pub fn customer_from_item(item: impl super::ItemSource) -> Result<Versioned<Customer>, StoreError> {
    versioned_from_item::<Customer>(item)
}

/// The item counting a customer's open orders (`OPEN_ORDERS`, in the customer's partition; it
/// holds no personal data). Placing an order adds one and closing it takes one away, each in
/// the order's own transaction; erasure requires it at zero in its transaction. Every pair of
/// them touches this item, so DynamoDB serialises them: an order placed while its customer is
/// being erased either commits first (and the erasure is refused) or finds the customer erased.
fn open_orders_key(id: &CustomerId) -> Item {
    super::key(keys::customer_pk(id), keys::OPEN_ORDERS_SK)
}

/// A new order of the customer: only while the customer exists and is not erased (the
/// customer comes back with a refusal, so the order is decided again without a read), and it
/// counts among their open orders.
pub fn count_new_order(tx: &mut Tx, table: &str, id: &CustomerId) -> Result<(), StoreError> {
    let check = aws_sdk_dynamodb::types::ConditionCheck::builder()
        .table_name(table)
        .set_key(Some(customer_key(id)))
        .condition_expression("attribute_exists(pk) AND attribute_not_exists(erasure)")
        .return_values_on_condition_check_failure(aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push(TransactWriteItem::builder().condition_check(check).build(), Guard::Version);
    move_open_orders(tx, table, id, 1)
}

/// An order of the customer that counted as open has closed (delivered or cancelled).
pub fn count_closed_order(tx: &mut Tx, table: &str, id: &CustomerId) -> Result<(), StoreError> {
    move_open_orders(tx, table, id, -1)
}

fn move_open_orders(tx: &mut Tx, table: &str, id: &CustomerId, by: i64) -> Result<(), StoreError> {
    let update = aws_sdk_dynamodb::types::Update::builder()
        .table_name(table)
        .set_key(Some(open_orders_key(id)))
        .update_expression("ADD open_orders :by")
        .expression_attribute_values(":by", n(by))
        // A close never takes the count below zero: only orders counted at placement close it.
        .condition_expression("attribute_not_exists(open_orders) OR open_orders >= :floor")
        .expression_attribute_values(":floor", n(-by.min(0)))
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push_bookkeeping(TransactWriteItem::builder().update(update).build(), Guard::Integrity);
    Ok(())
}

/// Holds an erasure to the customer having no open order when it commits.
fn check_no_open_orders(tx: &mut Tx, table: &str, id: &CustomerId) -> Result<(), StoreError> {
    let check = aws_sdk_dynamodb::types::ConditionCheck::builder()
        .table_name(table)
        .set_key(Some(open_orders_key(id)))
        .condition_expression("attribute_not_exists(open_orders) OR open_orders = :zero")
        .expression_attribute_values(":zero", n(0))
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push(TransactWriteItem::builder().condition_check(check).build(), Guard::OpenOrders);
    Ok(())
}

/// Puts the customer's new state over the version read (`None`: new). Erasing them holds the
/// transaction to their having no open order (`Guard::OpenOrders`).
pub fn put_customer(
    tx: &mut Tx,
    table: &str,
    before: Option<&Customer>,
    c: &Customer,
    expected_version: Option<u64>,
) -> Result<(), StoreError> {
    if c.is_erased() && !before.is_some_and(Customer::is_erased) {
        check_no_open_orders(tx, table, &c.id)?;
    }
    let record = CustomerRecord {
        pk: keys::customer_pk(&c.id),
        sk: CUSTOMER_SK.to_owned(),
        gsi2pk: keys::customer_pk(&c.id),
        gsi2sk: CUSTOMER_SK.to_owned(),
        gsi3pk: (!c.is_erased()).then_some(CUSTOMERS_GSI3PK),
        gsi3sk: (!c.is_erased()).then(|| format!("{}#{}", super::orders::sortable(c.created_at), c.id)),
        version: next_version(expected_version),
    };
    tx.put_versioned(table, super::record_item(&record, c)?, expected_version)
}

/// The e-mail guard follows the customer's address: the old one released, the new one claimed
/// (refused, `Guard::Unique("email")`, if another customer holds it).
pub fn move_email_guard(
    tx: &mut Tx,
    table: &str,
    before: Option<&Customer>,
    after: &Customer,
) -> Result<(), StoreError> {
    let old = before.and_then(|b| b.email.as_deref());
    let new = after.email.as_deref();
    if old == new {
        return Ok(());
    }
    if let Some(old) = old {
        release_email(tx, table, old, &after.id)?;
    }
    if let Some(new) = new {
        claim_email(tx, table, new, &after.id)?;
    }
    Ok(())
}

/// Claims an e-mail address for a customer: fails (`Guard::Unique("email")`) if anyone holds it.
fn claim_email(tx: &mut Tx, table: &str, email: &str, id: &CustomerId) -> Result<(), StoreError> {
    let mut item = email_guard_key(email);
    item.insert("customer_id".to_owned(), s(id.as_str()));
    tx.insert(table, item, Guard::Unique("email"))
}

/// Frees an e-mail address the customer holds.
fn release_email(tx: &mut Tx, table: &str, email: &str, id: &CustomerId) -> Result<(), StoreError> {
    let delete = Delete::builder()
        .table_name(table)
        .set_key(Some(email_guard_key(email)))
        .condition_expression("attribute_not_exists(pk) OR customer_id = :id")
        .expression_attribute_values(":id", s(id.as_str()))
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push(TransactWriteItem::builder().delete(delete).build(), Guard::Version);
    Ok(())
}

/// What [`Store::customer_records`] reads.
pub struct CustomerRecords {
    pub customer: Option<Versioned<Customer>>,
    pub orders: Vec<(Versioned<Order>, super::payments::OrderRecords)>,
    pub returns: Vec<Versioned<crate::domain::returns::Return>>,
}

/// What an erasure's sweep removed.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Swept {
    pub orders_redacted: usize,
    pub stored_responses_deleted: usize,
    pub conversations_erased: usize,
}

impl Store {
    /// The ids of a customer's orders still open ([`Order::is_open`]), oldest first, read from
    /// the customer's index entries (every page).
    pub async fn open_orders_of(&self, id: &CustomerId) -> Result<Vec<crate::domain::OrderId>, StoreError> {
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(GSI2)
            .key_condition_expression("gsi2pk = :p AND begins_with(gsi2sk, :orders)")
            .expression_attribute_values(":p", s(keys::customer_pk(id)))
            .expression_attribute_values(":orders", s("ORDER#"));
        let mut open = Vec::new();
        for item in self.query_all(query).await? {
            let order = super::orders::order_from_item(item)?;
            if order.is_open() {
                open.push(order.id);
            }
        }
        Ok(open)
    }

    /// Customers newest first (the console's list before any search), through gsi3.
    pub async fn newest_customers(
        &self,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Versioned<Customer>>, CursorOrStore> {
        let query = PageQuery {
            index: Some(keys::GSI3),
            partition: ("gsi3pk", CUSTOMERS_GSI3PK),
            sort_prefix: None,
            sort_between: None,
            newest_first: true,
        };
        self.page(query, limit, cursor, customer_from_item).await
    }

    pub async fn customer(&self, id: &CustomerId) -> Result<Option<Versioned<Customer>>, StoreError> {
        self.get(&keys::customer_pk(id), CUSTOMER_SK).await?.map(customer_from_item).transpose()
    }

    /// The names of the customers among `ids` (at most 100) who still have one: an erased
    /// customer's name is not shown.
    pub async fn customer_names(
        &self,
        ids: &[&CustomerId],
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let keys = ids.iter().map(|id| customer_key(id)).collect();
        let mut names = std::collections::HashMap::new();
        for item in self.get_many(keys).await?.into_values() {
            let customer = customer_from_item(item)?;
            if customer.erasure.is_none() {
                names.insert(customer.id.to_string(), customer.into_inner().name);
            }
        }
        Ok(names)
    }

    /// Who holds an e-mail address, if anyone.
    pub async fn email_holder(&self, email: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .get(&keys::email_pk(email), EMAIL_SK)
            .await?
            .and_then(|i| i.get("customer_id").and_then(|v| v.as_s().ok()).cloned()))
    }

    /// A customer's orders, newest first, through gsi2.
    pub async fn customer_orders(
        &self,
        id: &CustomerId,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Versioned<Order>>, CursorOrStore> {
        let gsi2pk = keys::customer_pk(id);
        let query = PageQuery {
            index: Some(GSI2),
            partition: ("gsi2pk", &gsi2pk),
            sort_prefix: Some(("gsi2sk", "ORDER#")),
            sort_between: None,
            newest_first: true,
        };
        self.page(query, limit, cursor, super::orders::order_from_item).await
    }

    /// Every item that holds data about a customer: their own partition (record and events)
    /// and everything indexed under them in gsi2 (orders, stored responses).
    pub async fn everything_about(&self, id: &CustomerId) -> Result<Vec<Item>, StoreError> {
        let pk = keys::customer_pk(id);
        let query = |index: Option<&str>, key_attr: &str| {
            self.client()
                .query()
                .table_name(self.table())
                .set_index_name(index.map(str::to_owned))
                .key_condition_expression("#k = :p")
                .expression_attribute_names("#k", key_attr)
                .expression_attribute_values(":p", s(&pk))
        };
        let mut items = self.query_all(query(None, "pk")).await?;
        // The customer item is in both; keep one copy.
        let indexed = self.query_all(query(Some(GSI2), "gsi2pk")).await?;
        items.extend(indexed.into_iter().filter(|item| item.get("pk").and_then(|v| v.as_s().ok()) != Some(&pk)));
        Ok(items)
    }

    /// Everything held about a customer, as typed records: the customer, each order with its
    /// payments, refunds and notifications, and their returns. `None`: no such customer. One
    /// Query for the customer's own items and index entries, then one per order.
    pub async fn customer_records(&self, id: &CustomerId) -> Result<Option<CustomerRecords>, StoreError> {
        let mut records = CustomerRecords { customer: None, orders: Vec::new(), returns: Vec::new() };
        for item in self.everything_about(id).await? {
            match item.get("sk").and_then(|v| v.as_s().ok()).map(String::as_str) {
                Some(CUSTOMER_SK) => records.customer = Some(customer_from_item(item)?),
                Some(keys::ORDER_SK) => {
                    let order = super::orders::order_from_item(item)?;
                    let held = self.order_records(&order.id).await?;
                    records.orders.push((order, held));
                }
                Some(keys::RETURN_SK) => records.returns.push(super::returns::return_from_item(item)?),
                _ => {}
            }
        }
        records.orders.sort_by_key(|(o, _)| o.placed_at);
        records.returns.sort_by_key(|r| r.requested_at);
        Ok(records.customer.is_some().then_some(records))
    }

    /// The erasure's sweep: every order of the customer loses its address, every return its
    /// note, every conversation with them (and, given their `email`, from that address) its
    /// words, and every stored response about them is deleted. Repeatable: a second run finishes
    /// what an interrupted first one left, and counts only what it removed itself.
    pub async fn sweep_personal_data(&self, id: &CustomerId, email: Option<&str>) -> Result<Swept, StoreError> {
        let mut swept = Swept { conversations_erased: self.erase_conversations(id, email).await?, ..Swept::default() };
        for item in self.everything_about(id).await? {
            let pk = item.get("pk").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            match item.get("sk").and_then(|v| v.as_s().ok()).map(String::as_str) {
                Some(keys::ORDER_SK) => swept.orders_redacted += usize::from(self.redact_order(&pk).await?),
                Some(keys::RETURN_SK) => {
                    for attribute in crate::domain::returns::PERSONAL_DATA {
                        self.remove_attribute(&pk, keys::RETURN_SK, attribute).await?;
                    }
                }
                Some(keys::IDEMPOTENCY_SK) => {
                    self.delete(&pk, keys::IDEMPOTENCY_SK).await?;
                    swept.stored_responses_deleted += 1;
                }
                _ => {}
            }
        }
        Ok(swept)
    }

    /// Removes the personal data an order holds (`order::PERSONAL_DATA`); keeps ids, SKUs,
    /// amounts and dates. Bumps the version so a concurrent writer that read the old order
    /// cannot put the address back. `Ok(false)`: nothing left to remove.
    pub async fn redact_order(&self, pk: &str) -> Result<bool, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(super::key(pk, keys::ORDER_SK)))
            .update_expression(format!(
                "REMOVE {} SET personal_data_erased = :t, version = version + :one",
                crate::domain::order::PERSONAL_DATA.join(", ")
            ))
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(personal_data_erased)")
            .expression_attribute_values(":t", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
            .expression_attribute_values(":one", n(1))
            .send()
            .await;
        super::conditional_write(result)
    }

    /// Removes one attribute (free text that may hold personal data) from an item.
    async fn remove_attribute(&self, pk: &str, sk: &str, attribute: &str) -> Result<(), StoreError> {
        self.client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(super::key(pk, sk)))
            .update_expression("REMOVE #a")
            .expression_attribute_names("#a", attribute)
            .send()
            .await
            .map_err(|e| super::sdk_error(&e))?;
        Ok(())
    }

    async fn delete(&self, pk: &str, sk: &str) -> Result<(), StoreError> {
        self.client()
            .delete_item()
            .table_name(self.table())
            .set_key(Some(super::key(pk, sk)))
            .send()
            .await
            .map_err(|e| super::sdk_error(&e))?;
        Ok(())
    }
}
