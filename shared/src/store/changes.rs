//! A domain change as the store writes it. A handler says what it decided in the domain's words
//! — this order at the version it was read, these reservations, these events — and the store
//! turns that into one `TransactWriteItems`: it owns the table, the keys and the conditions.

use super::events::EventsOf;
use super::idempotency::{IdempotencyKey, StoredResponse};
use super::{Guard, Store, StoreError, Tx, Versioned};
use crate::domain::customer::Customer;
use crate::domain::order::{Cancelled, Order, OrderStatus};
use crate::domain::payment::{Payment, Refund};
use crate::domain::returns::Return;
use crate::domain::stock::{CounterMove, Movement, StockItem, StockWrite};
use crate::domain::{CustomerId, OrderId, Sku};
use crate::events::DomainEvent;
use chrono::{DateTime, Utc};

/// The order's next state and what it says happened; `releases` are units given back to stock.
pub struct OrderChange {
    pub order: Order,
    pub events: Vec<DomainEvent>,
    pub releases: Vec<(Sku, u64)>,
}

impl From<(Order, Vec<DomainEvent>)> for OrderChange {
    fn from((order, events): (Order, Vec<DomainEvent>)) -> Self {
        Self { order, events, releases: Vec::new() }
    }
}

impl From<Cancelled> for OrderChange {
    fn from(c: Cancelled) -> Self {
        Self { order: c.order, events: c.events, releases: c.releases }
    }
}

/// The writes of one decision, committed together or not at all.
#[must_use = "changes are written only when committed (or returned in a Decision)"]
pub struct Changes {
    table: String,
    tx: Tx,
}

type Step<'a> = Result<&'a mut Changes, StoreError>;

impl Store {
    /// An empty change on this store's table.
    pub fn changes(&self) -> Changes {
        Changes { table: self.table().to_owned(), tx: Tx::default() }
    }

    /// Writes the changes in one transaction.
    pub async fn commit(&self, changes: Changes) -> Result<(), StoreError> {
        self.transact(changes.into_tx()?).await
    }
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.tx.is_empty()
    }

    /// The transaction, with the audit records of the request it is made in (if it writes
    /// anything).
    pub(crate) fn into_tx(mut self) -> Result<Tx, StoreError> {
        super::audit::audit(&mut self.tx, &self.table, chrono::Utc::now())?;
        Ok(self.tx)
    }

    fn with(&mut self, write: impl FnOnce(&mut Tx, &str) -> Result<(), StoreError>) -> Step<'_> {
        write(&mut self.tx, &self.table)?;
        Ok(self)
    }

    /// A new order (only if its id is not taken). It counts among its customer's open orders,
    /// and only while the customer exists and is not erased; its channel's reference, if any, is
    /// taken with it (refused, `Guard::Unique("external_reference")`, if another order holds it).
    pub fn new_order(&mut self, order: &Order) -> Step<'_> {
        self.with(|tx, table| {
            super::orders::put_order(tx, table, order, None)?;
            if order.counted_open() {
                super::customers::count_new_order(tx, table, order.customer_id())?;
            }
            if let Some(reference) = order.external_reference() {
                super::orders::claim_external_reference(tx, table, order.channel(), reference, &order.id())?;
            }
            Ok(())
        })
    }

    /// A placed order: the order, a reservation per line (each only while enough is available)
    /// and its events.
    pub fn placement(&mut self, placed: &crate::domain::order::OrderChange, correlation_id: &str) -> Step<'_> {
        let order = &placed.order;
        self.new_order(order)?;
        for (item, line) in placed.stock.iter().zip(order.lines()) {
            self.reservation(item, line.quantity)?;
        }
        for promotion in &placed.redeemed {
            self.with(|tx, table| super::promotions::redeem(tx, table, promotion, order.customer_id()))?;
        }
        self.events(EventsOf::Order(&order.id()), &placed.events, correlation_id, order.placed_at())
    }

    /// The order's new state over the one read (only if it is still stored as read). An order
    /// that closes here stops counting among its customer's open orders.
    pub fn order(&mut self, before: &Versioned<Order>, next: &Order) -> Step<'_> {
        self.with(|tx, table| {
            super::orders::put_order(tx, table, next, Some(before.version()))?;
            if before.counted_open() && before.is_open() && !next.is_open() {
                super::customers::count_closed_order(tx, table, next.customer_id())?;
            }
            // A cancelled (or expired) order gives back the promotions it redeemed.
            if before.status() != OrderStatus::Cancelled && next.status() == OrderStatus::Cancelled {
                for d in next.discounts() {
                    super::promotions::give_back(tx, table, d, next.customer_id())?;
                }
            }
            Ok(())
        })
    }

    /// An order's change over the order read: its new state, the units it gives back to stock,
    /// and its events.
    pub fn order_change(
        &mut self,
        before: &Versioned<Order>,
        change: &OrderChange,
        correlation_id: &str,
        at: DateTime<Utc>,
    ) -> Step<'_> {
        self.order(before, &change.order)?;
        for (sku, units) in &change.releases {
            self.release(sku, *units, at)?;
        }
        self.events(EventsOf::Order(&change.order.id), &change.events, correlation_id, at)
    }

    /// An edit over the order read: its new state, reservations moved by the difference (each
    /// new unit only while available), the redemptions of promotions it no longer gets given
    /// back, and its events.
    pub fn order_edit(
        &mut self,
        before: &Versioned<Order>,
        edited: &crate::domain::order_edit::Edited,
        correlation_id: &str,
        at: DateTime<Utc>,
    ) -> Step<'_> {
        self.order(before, &edited.order)?;
        for (item, units) in &edited.reserved {
            self.reservation(item, *units)?;
        }
        for (sku, units) in &edited.released {
            self.release(sku, *units, at)?;
        }
        for d in &edited.dropped {
            self.with(|tx, table| super::promotions::give_back(tx, table, d, edited.order.customer_id()))?;
        }
        self.events(EventsOf::Order(&edited.order.id()), &edited.events, correlation_id, at)
    }

    /// Units an order held given back to `sku` (commutatively: never conflicts with orders
    /// reserving the same SKU).
    pub fn release(&mut self, sku: &Sku, quantity: u64, at: DateTime<Utc>) -> Step<'_> {
        self.with(|tx, table| super::stock::put_release(tx, table, sku, quantity, at))
    }

    /// Units reserved for an order from `after.sku`, only while enough are available.
    pub fn reservation(&mut self, after: &StockItem, quantity: u64) -> Step<'_> {
        self.with(|tx, table| super::stock::put_reservation(tx, table, after, quantity))
    }

    /// Domain events, insert-only, under the aggregate they belong to.
    pub fn events(
        &mut self,
        of: EventsOf<'_>,
        events: &[DomainEvent],
        correlation_id: &str,
        at: DateTime<Utc>,
    ) -> Step<'_> {
        self.with(|tx, table| super::events::put_events_of(tx, table, of, events, correlation_id, at))
    }

    /// A provider's event applied (or set aside): a redelivery finds the mark and does nothing.
    pub fn gateway_event_applied(
        &mut self,
        provider: crate::domain::gateway::Provider,
        event_id: &str,
        at: DateTime<Utc>,
    ) -> Step<'_> {
        self.with(|tx, table| super::gateway::put_event_marker(tx, table, provider, event_id, at))
    }

    /// The provider's payment belongs to `order` (only while no other order holds it).
    pub fn gateway_payment_of(
        &mut self,
        provider: crate::domain::gateway::Provider,
        reference: &str,
        order: &OrderId,
    ) -> Step<'_> {
        self.with(|tx, table| super::gateway::put_pointer(tx, table, provider, reference, order))
    }

    /// A conversation's new state over the one read (`None`: a new conversation).
    pub fn conversation(
        &mut self,
        before: Option<&Versioned<crate::domain::conversation::Conversation>>,
        next: &crate::domain::conversation::Conversation,
    ) -> Step<'_> {
        self.with(|tx, table| super::conversations::put_conversation(tx, table, next, before.map(Versioned::version)))
    }

    /// A customer's e-mail filed into a conversation, once per SES message (see
    /// `conversations::put_inbound`).
    pub fn inbound_message(
        &mut self,
        m: &crate::domain::conversation::Message,
        ses_message_id: &str,
        new_header: bool,
    ) -> Step<'_> {
        self.with(|tx, table| super::conversations::put_inbound(tx, table, m, ses_message_id, new_header))
    }

    /// A shipping method's new definition over the one read (`None`: a new method).
    pub fn shipping_method(
        &mut self,
        before: Option<&Versioned<crate::domain::shipping::ShippingMethod>>,
        next: &crate::domain::shipping::ShippingMethod,
    ) -> Step<'_> {
        self.with(|tx, table| super::shipping::put_method(tx, table, next, before.map(Versioned::version)))
    }

    /// A promotion's new terms over the ones read (`None`: new), and the running automatic
    /// promotions' list when it changes with them (over the list read).
    pub fn promotion(
        &mut self,
        before: Option<&Versioned<crate::domain::promotion::Promotion>>,
        next: &crate::domain::promotion::Promotion,
        automatic: Option<(Option<u64>, &super::promotions::AutomaticList)>,
    ) -> Step<'_> {
        self.with(|tx, table| {
            super::promotions::put_promotion(tx, table, next, before.map(Versioned::version))?;
            if let Some((version, list)) = automatic {
                super::promotions::put_automatic(tx, table, list, version)?;
            }
            Ok(())
        })
    }

    /// A supplier's new details over the ones read (`None`: new).
    pub fn supplier(
        &mut self,
        before: Option<&Versioned<crate::domain::purchasing::Supplier>>,
        next: &crate::domain::purchasing::Supplier,
    ) -> Step<'_> {
        self.with(|tx, table| super::suppliers::put_supplier(tx, table, next, before.map(Versioned::version)))
    }

    /// A supplier's terms for a SKU over the ones read (`before`: their version), and, when
    /// `preferred`, that supplier as the SKU's preferred one.
    pub fn supplier_terms(
        &mut self,
        before: Option<u64>,
        terms: &crate::domain::purchasing::SupplierTerms,
        preferred: bool,
    ) -> Step<'_> {
        self.with(|tx, table| {
            super::suppliers::put_terms(tx, table, terms, before)?;
            if preferred {
                super::suppliers::put_preferred(tx, table, terms.sku(), terms.supplier_id())?;
            }
            Ok(())
        })
    }

    /// A new message of a conversation's thread.
    pub fn message(&mut self, m: &crate::domain::conversation::Message) -> Step<'_> {
        self.with(|tx, table| super::conversations::put_message(tx, table, m))
    }

    /// A review's new state over the one read (`None`: a new review).
    pub fn review(
        &mut self,
        before: Option<&Versioned<crate::domain::gateway::Review>>,
        next: &crate::domain::gateway::Review,
    ) -> Step<'_> {
        self.with(|tx, table| super::gateway::put_review(tx, table, next, before.map(Versioned::version)))
    }

    /// A new export job (only if its id is not taken).
    pub fn new_export(&mut self, job: &crate::domain::export::ExportJob) -> Step<'_> {
        self.with(|tx, table| super::exports::put_new_export(tx, table, job))
    }

    /// A new SKU (only if it does not exist yet).
    pub fn new_stock(&mut self, item: &StockItem) -> Step<'_> {
        self.with(|tx, table| {
            super::stock::put_new_stock(tx, table, item)?;
            super::catalog::put_terms(tx, table, None, item)?;
            Ok(())
        })
    }

    /// A catalogue decision: a new SKU created, or an existing one's catalogue fields over the
    /// item read; and its events.
    pub fn registration(
        &mut self,
        read: Option<&Versioned<StockItem>>,
        registered: &crate::domain::stock::Registered,
        correlation_id: &str,
    ) -> Step<'_> {
        let item = &registered.item;
        match read {
            Some(before) if !registered.created => self.catalog(before, item)?,
            _ => self.new_stock(item)?,
        };
        self.events(EventsOf::Sku(item.sku()), &registered.events, correlation_id, item.updated_at())
    }

    /// A SKU's catalogue fields (name, price, reorder settings) as read (`before`) and as
    /// decided, leaving its counters alone; its search terms follow its name.
    pub fn catalog(&mut self, before: &StockItem, item: &StockItem) -> Step<'_> {
        self.with(|tx, table| {
            super::stock::put_catalog(tx, table, before, item)?;
            super::catalog::put_terms(tx, table, Some(before), item)?;
            Ok(())
        })
    }

    /// An adjustment's write: a commutative move or a cycle count's compare-and-swap.
    pub fn stock_write(&mut self, write: &StockWrite, at: DateTime<Utc>) -> Step<'_> {
        self.with(|tx, table| super::stock::put_stock_write(tx, table, write, at))
    }

    /// A counter move every writer keeps possible (`guard` says what its refusal means).
    pub fn counter_move(&mut self, m: &CounterMove, guard: Guard, at: DateTime<Utc>) -> Step<'_> {
        self.with(|tx, table| super::stock::put_counter_move(tx, table, m, guard, at))
    }

    /// A line of a SKU's movement ledger.
    pub fn movement(&mut self, m: &Movement) -> Step<'_> {
        self.with(|tx, table| super::stock::put_movement(tx, table, m))
    }

    /// Lists the SKU as low (only while it is low and unlisted).
    pub fn list_low(&mut self, item: &StockItem, at: DateTime<Utc>) -> Step<'_> {
        self.with(|tx, table| super::stock::list_low(tx, table, item, at))
    }

    /// Takes the SKU off the low listing (only while it is listed and no longer low).
    pub fn unlist_low(&mut self, item: &StockItem, at: DateTime<Utc>) -> Step<'_> {
        self.with(|tx, table| super::stock::unlist_low(tx, table, item, at))
    }

    /// A new return (only if its id is not taken).
    pub fn new_return(&mut self, ret: &Return) -> Step<'_> {
        self.with(|tx, table| super::returns::put_return(tx, table, ret, None))
    }

    /// The return's new state over the one read (only if it is still stored as read).
    pub fn return_state(&mut self, before: &Versioned<Return>, next: &Return) -> Step<'_> {
        self.with(|tx, table| super::returns::put_return(tx, table, next, Some(before.version())))
    }

    /// A return's receipt over the return and the order read: both new states, the stock moves
    /// (commutative; each one every writer keeps possible), the ledger lines and the events.
    pub fn return_receipt(
        &mut self,
        read: (&Versioned<Return>, &Versioned<Order>),
        received: &crate::domain::returns::Received,
        correlation_id: &str,
        at: DateTime<Utc>,
    ) -> Step<'_> {
        let (ret, order) = read;
        self.return_state(ret, &received.ret)?.order(order, &received.order)?;
        self.ledgered_moves(&received.moves, &received.movements, at)?;
        self.events(EventsOf::Order(&order.id()), &received.events, correlation_id, at)
    }

    /// A shipment's stock commit over the order read: the order marked committed, one
    /// commutative move per SKU (one every writer keeps possible: the units are reserved) and
    /// its ledger lines.
    pub fn stock_commit(
        &mut self,
        read: &Versioned<Order>,
        commit: &crate::domain::fulfillment::StockCommit,
        at: DateTime<Utc>,
    ) -> Step<'_> {
        self.order(read, &commit.order)?;
        self.ledgered_moves(&commit.moves, &commit.movements, at)
    }

    /// Stock moves every writer keeps possible (units the order holds or that came back), each
    /// with its ledger lines.
    fn ledgered_moves(&mut self, moves: &[CounterMove], movements: &[Movement], at: DateTime<Utc>) -> Step<'_> {
        for m in moves {
            self.counter_move(m, Guard::Integrity, at)?;
        }
        for m in movements {
            self.movement(m)?;
        }
        Ok(self)
    }

    /// A payment, once per gateway reference, with the response that answered it.
    pub fn payment(&mut self, order: &OrderId, p: &Payment, response: &str) -> Step<'_> {
        self.with(|tx, table| super::payments::put_payment(tx, table, order, p, response))
    }

    /// A refund decided: the order's new balance over the order read and, when it was against a
    /// return, the return's new state over the return read; the refund itself (once per gateway
    /// reference, with the response that answered it) and the events.
    pub fn refund_recorded(
        &mut self,
        read: (&Versioned<Order>, Option<&Versioned<Return>>),
        refunded: &crate::domain::payment::Refunded,
        refund: &Refund,
        response: &str,
        correlation_id: &str,
    ) -> Step<'_> {
        let (order, ret) = read;
        if let (Some(before), Some(next)) = (ret, &refunded.ret) {
            self.return_state(before, next)?;
        }
        self.order(order, &refunded.order)?.refund(&order.id(), refund, response)?;
        self.events(EventsOf::Order(&order.id()), &refunded.events, correlation_id, refund.recorded_at)
    }

    /// A refund, once per gateway reference, with the response that answered it.
    pub fn refund(&mut self, order: &OrderId, r: &Refund, response: &str) -> Step<'_> {
        self.with(|tx, table| super::payments::put_refund(tx, table, order, r, response))
    }

    /// The pick list the warehouse works from, for a paid order.
    pub fn pick_list(&mut self, order: &Order, at: DateTime<Utc>) -> Step<'_> {
        self.with(|tx, table| super::payments::put_pick_list(tx, table, order, at))
    }

    /// A new customer (only if the id is not taken), holding their e-mail address (refused,
    /// naming `email`, if another customer holds it).
    pub fn new_customer(&mut self, c: &Customer) -> Step<'_> {
        self.with(|tx, table| {
            super::customers::put_customer(tx, table, None, c, None)?;
            super::customers::move_email_guard(tx, table, None, c)?;
            super::customer_search::put_name_prefixes(tx, table, None, c)?;
            Ok(())
        })
    }

    /// The customer's new state over the one read (only if it is still stored as read); the
    /// e-mail guard and the name search follow the record (an erased one holds neither).
    /// Erasing the customer holds the transaction to their having no open order
    /// ([`super::Guard::OpenOrders`]).
    pub fn customer(&mut self, before: &Versioned<Customer>, c: &Customer) -> Step<'_> {
        self.with(|tx, table| {
            super::customers::put_customer(tx, table, Some(&**before), c, Some(before.version()))?;
            super::customers::move_email_guard(tx, table, Some(&**before), c)?;
            super::customer_search::put_name_prefixes(tx, table, Some(&**before), c)?;
            Ok(())
        })
    }

    /// The stored response to a command, so a repeat with the same key replays it.
    pub(crate) fn idempotency_record(
        &mut self,
        key: &IdempotencyKey,
        fingerprint: &str,
        response: &StoredResponse,
        about: Option<&CustomerId>,
        at: DateTime<Utc>,
    ) -> Step<'_> {
        self.with(|tx, table| super::idempotency::put_record(tx, table, key, fingerprint, response, about, at))
    }
}
