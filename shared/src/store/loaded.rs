//! What a command reads, named by what it is rather than by key: a handler declares the
//! aggregates its decision needs by id ([`Reads`]), the store reads them in one `BatchGetItem`,
//! and the decision gets them back typed, each with its version held beside it ([`Loaded`]).
//! The key layout stays in the store.

use super::idempotency::IdempotencyKey;
use super::payments::{self, MoneyRecord};
use super::versioned::Versioned;
use super::{Item, StoreError, customers, from_item, gateway, item_key, keys, orders, promotions, returns, stock};
use crate::domain::customer::Customer;
use crate::domain::gateway::{Provider, Review};
use crate::domain::order::Order;
use crate::domain::payment::{GatewayReference, Payment, Refund};
use crate::domain::promotion::{Promotion, PromotionCode, Redemptions};
use crate::domain::returns::Return;
use crate::domain::shipping::{MethodCode, ShippingMethod};
use crate::domain::stock::StockItem;
use crate::domain::{CustomerId, OrderId, ReturnId, ReviewId, Sku};
use std::collections::HashMap;

/// The aggregates a command's decision needs, by id.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    keys: Vec<Item>,
}

impl Reads {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn order(mut self, id: &OrderId) -> Self {
        self.keys.push(orders::order_key(id));
        self
    }

    pub fn stock(mut self, skus: impl IntoIterator<Item = Sku>) -> Self {
        self.keys.extend(skus.into_iter().map(|sku| stock::stock_key(&sku)));
        self
    }

    pub fn customer(mut self, id: &CustomerId) -> Self {
        self.keys.push(customers::customer_key(id));
        self
    }

    pub fn return_of(self, id: &ReturnId) -> Self {
        self.returns([*id])
    }

    /// Several returns (or none: an `Option` is a list of at most one).
    pub fn returns(mut self, ids: impl IntoIterator<Item = ReturnId>) -> Self {
        self.keys.extend(ids.into_iter().map(|id| returns::return_key(&id)));
        self
    }

    /// The payment recorded on the order under this gateway reference, if any.
    pub fn payment(mut self, order: &OrderId, reference: &GatewayReference) -> Self {
        self.keys.push(payments::payment_key(order, reference));
        self
    }

    /// The refund recorded on the order under this gateway reference, if any.
    pub fn refund(mut self, order: &OrderId, reference: &GatewayReference) -> Self {
        self.keys.push(payments::refund_key(order, reference));
        self
    }

    /// Whether this provider event was applied (its marker).
    pub fn gateway_event(mut self, provider: Provider, event_id: &str) -> Self {
        self.keys.push(gateway::event_marker_key(provider, event_id));
        self
    }

    /// Which order the provider's payment belongs to, if any event of it was applied.
    pub fn gateway_payment(mut self, provider: Provider, reference: &str) -> Self {
        self.keys.push(gateway::pointer_key(provider, reference));
        self
    }

    pub fn conversation(mut self, id: &crate::domain::ConversationId) -> Self {
        self.keys.push(super::conversations::conversation_key(id));
        self
    }

    pub fn review(mut self, id: &ReviewId) -> Self {
        self.keys.push(gateway::review_key(id));
        self
    }

    /// A promotion's terms and its redemptions, everyone's and `customer`'s.
    pub fn promotion(mut self, code: &PromotionCode, customer: &CustomerId) -> Self {
        self.keys.push(promotions::terms_key(code));
        self.keys.push(promotions::redeemed_key(code));
        self.keys.push(promotions::customer_redeemed_key(code, customer));
        self
    }

    /// The running automatic promotions (their counts are not read: a placement that would
    /// pass a limit is refused by its condition, which returns the count to decide again from).
    pub fn automatic_promotions(mut self) -> Self {
        self.keys.push(promotions::automatic_key());
        self
    }

    pub fn shipping_method(mut self, code: &MethodCode) -> Self {
        self.keys.push(super::shipping::method_key(code));
        self
    }

    /// The stored answer to an earlier request under this idempotency key, if any.
    pub(crate) fn idempotency_record(mut self, key: &IdempotencyKey) -> Self {
        self.keys.push(key.key());
        self
    }
}

/// The items one `BatchGetItem` returned, read back typed. `None`: the aggregate does not
/// exist.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    items: HashMap<(String, String), Item>,
}

impl Loaded {
    pub(crate) fn new(items: HashMap<(String, String), Item>) -> Self {
        Self { items }
    }

    /// Puts (or replaces) an item as it is now, such as one a refused condition returned.
    pub(crate) fn insert(&mut self, item: Item) -> Option<()> {
        self.items.insert(item_key(&item)?, item);
        Some(())
    }

    pub(crate) fn idempotency_record(&self, key: &IdempotencyKey) -> Option<&Item> {
        self.get(key.pk().to_owned(), keys::IDEMPOTENCY_SK)
    }

    fn get(&self, pk: String, sk: &str) -> Option<&Item> {
        self.items.get(&(pk, sk.to_owned()))
    }

    pub fn order(&self, id: &OrderId) -> Result<Option<Versioned<Order>>, StoreError> {
        self.get(keys::order_pk(id), keys::ORDER_SK).map(orders::order_from_item).transpose()
    }

    /// Every stock item that was read (without versions: reservations and releases are
    /// commutative and never test one).
    pub fn stock_items(&self) -> Result<Vec<StockItem>, StoreError> {
        self.items
            .iter()
            .filter(|((_, sk), _)| sk == keys::STOCK_SK)
            .map(|(_, item)| stock::stock_from_item(item).map(Versioned::into_inner))
            .collect()
    }

    pub fn stock_item(&self, sku: &Sku) -> Result<Option<Versioned<StockItem>>, StoreError> {
        self.get(keys::sku_pk(sku), keys::STOCK_SK).map(stock::stock_from_item).transpose()
    }

    pub fn customer(&self, id: &CustomerId) -> Result<Option<Versioned<Customer>>, StoreError> {
        self.get(keys::customer_pk(id), keys::CUSTOMER_SK).map(customers::customer_from_item).transpose()
    }

    pub fn return_of(&self, id: &ReturnId) -> Result<Option<Versioned<Return>>, StoreError> {
        self.get(returns::return_pk(id), keys::RETURN_SK).map(returns::return_from_item).transpose()
    }

    /// The payment recorded on the order under this gateway reference, with its response.
    pub fn payment(
        &self,
        order: &OrderId,
        reference: &GatewayReference,
    ) -> Result<Option<MoneyRecord<Payment>>, StoreError> {
        self.by_key(&payments::payment_key(order, reference)).map(from_item).transpose()
    }

    /// The refund recorded on the order under this gateway reference, with its response.
    pub fn refund(
        &self,
        order: &OrderId,
        reference: &GatewayReference,
    ) -> Result<Option<MoneyRecord<Refund>>, StoreError> {
        self.by_key(&payments::refund_key(order, reference)).map(from_item).transpose()
    }

    pub fn gateway_event_applied(&self, provider: Provider, event_id: &str) -> bool {
        self.by_key(&gateway::event_marker_key(provider, event_id)).is_some()
    }

    pub fn gateway_payment_order(&self, provider: Provider, reference: &str) -> Result<Option<OrderId>, StoreError> {
        self.by_key(&gateway::pointer_key(provider, reference)).map(gateway::pointer_order).transpose()
    }

    pub fn conversation(
        &self,
        id: &crate::domain::ConversationId,
    ) -> Result<Option<Versioned<crate::domain::conversation::Conversation>>, StoreError> {
        self.by_key(&super::conversations::conversation_key(id))
            .map(super::conversations::conversation_from_item)
            .transpose()
    }

    pub fn review(&self, id: &ReviewId) -> Result<Option<Versioned<Review>>, StoreError> {
        self.by_key(&gateway::review_key(id)).map(gateway::review_from_item).transpose()
    }

    pub fn promotion(&self, code: &PromotionCode) -> Result<Option<Versioned<Promotion>>, StoreError> {
        self.by_key(&promotions::terms_key(code)).map(promotions::promotion_from_item).transpose()
    }

    /// How often `code` was redeemed, in all and by `customer`, as far as was read (an unread
    /// count is zero until a refused condition returns it).
    pub fn redemptions(&self, code: &PromotionCode, customer: &CustomerId) -> Redemptions {
        promotions::redemptions_in(&self.items, code, customer)
    }

    pub fn automatic_promotions(&self) -> Result<Vec<Promotion>, StoreError> {
        Ok(self
            .by_key(&promotions::automatic_key())
            .map(promotions::automatic_from_item)
            .transpose()?
            .map(|list| list.into_inner().promotions)
            .unwrap_or_default())
    }

    pub fn shipping_method(&self, code: &MethodCode) -> Result<Option<ShippingMethod>, StoreError> {
        self.by_key(&super::shipping::method_key(code))
            .map(super::shipping::method_from_item)
            .transpose()
            .map(|m| m.map(Versioned::into_inner))
    }

    fn by_key(&self, key: &Item) -> Option<&Item> {
        self.items.get(&item_key(key)?)
    }
}

impl super::Store {
    /// Reads what `reads` names in one `BatchGetItem` (strongly consistent).
    pub async fn load(&self, reads: &Reads) -> Result<Loaded, StoreError> {
        Ok(Loaded::new(self.get_many(reads.keys.clone()).await?))
    }
}
