//! What a command read, by what it is rather than by key: the handlers ask for "the order" or
//! "the SKU's stock item", and the key layout stays in the store.

use super::payments::{self, MoneyRecord};
use super::{Item, StoreError, customers, from_item, keys, orders, returns, stock};
use crate::domain::customer::Customer;
use crate::domain::order::Order;
use crate::domain::payment::{GatewayReference, Payment, Refund};
use crate::domain::returns::Return;
use crate::domain::stock::StockItem;
use crate::domain::{CustomerId, OrderId, ReturnId, Sku};
use std::collections::HashMap;

/// Typed lookups into the items one `BatchGetItem` returned (`http::command::Loaded`). `None`:
/// the item does not exist.
pub trait LoadedItems {
    fn order(&self, id: &OrderId) -> Result<Option<Order>, StoreError>;
    fn stock_item(&self, sku: &Sku) -> Result<Option<StockItem>, StoreError>;
    /// Every stock item that was read.
    fn stock_items(&self) -> Result<Vec<StockItem>, StoreError>;
    fn customer(&self, id: &CustomerId) -> Result<Option<Customer>, StoreError>;
    fn return_of(&self, id: &ReturnId) -> Result<Option<Return>, StoreError>;
    /// Whether another customer holds this (normalised) e-mail.
    fn email_taken(&self, email: &str) -> bool;
    /// The payment recorded on the order under this gateway reference, with its response.
    fn payment(
        &self,
        order: &OrderId,
        reference: &GatewayReference,
    ) -> Result<Option<MoneyRecord<Payment>>, StoreError>;
    /// The refund recorded on the order under this gateway reference, with its response.
    fn refund(&self, order: &OrderId, reference: &GatewayReference) -> Result<Option<MoneyRecord<Refund>>, StoreError>;
}

fn by_key<'a>(loaded: &'a HashMap<(String, String), Item>, key: &Item) -> Option<&'a Item> {
    let part = |name: &str| key.get(name).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
    loaded.get(&(part("pk"), part("sk")))
}

fn get<'a>(loaded: &'a HashMap<(String, String), Item>, pk: String, sk: &str) -> Option<&'a Item> {
    loaded.get(&(pk, sk.to_owned()))
}

impl LoadedItems for HashMap<(String, String), Item> {
    fn order(&self, id: &OrderId) -> Result<Option<Order>, StoreError> {
        get(self, keys::order_pk(id), keys::ORDER_SK).cloned().map(orders::order_from_item).transpose()
    }

    fn stock_item(&self, sku: &Sku) -> Result<Option<StockItem>, StoreError> {
        get(self, keys::sku_pk(sku), keys::STOCK_SK).cloned().map(stock::stock_from_item).transpose()
    }

    fn stock_items(&self) -> Result<Vec<StockItem>, StoreError> {
        self.iter()
            .filter(|((_, sk), _)| sk == keys::STOCK_SK)
            .map(|(_, item)| stock::stock_from_item(item.clone()))
            .collect()
    }

    fn customer(&self, id: &CustomerId) -> Result<Option<Customer>, StoreError> {
        get(self, keys::customer_pk(id), keys::CUSTOMER_SK).cloned().map(customers::customer_from_item).transpose()
    }

    fn return_of(&self, id: &ReturnId) -> Result<Option<Return>, StoreError> {
        get(self, returns::return_pk(id), keys::RETURN_SK).cloned().map(returns::return_from_item).transpose()
    }

    fn email_taken(&self, email: &str) -> bool {
        get(self, keys::email_pk(email), keys::EMAIL_SK).is_some()
    }

    fn payment(
        &self,
        order: &OrderId,
        reference: &GatewayReference,
    ) -> Result<Option<MoneyRecord<Payment>>, StoreError> {
        by_key(self, &payments::payment_key(order, reference)).cloned().map(from_item).transpose()
    }

    fn refund(&self, order: &OrderId, reference: &GatewayReference) -> Result<Option<MoneyRecord<Refund>>, StoreError> {
        by_key(self, &payments::refund_key(order, reference)).cloned().map(from_item).transpose()
    }
}
