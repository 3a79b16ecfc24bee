//! The overview's counters: what needs attention now. Each stored order, return, stock item and
//! replenishment suggestion counts towards some of them; a change of one moves the counters by
//! what it counts now minus what it counted before ([`Tally::change`]), which commutes with every
//! other change, so the counters are kept by additions alone whatever the order they arrive in.

use super::order::{FulfillmentStatus, Order, OrderStatus};
use super::replenishment::{Replenishment, ReplenishmentStatus};
use super::returns::{Return, ReturnStatus};
use super::stock::StockItem;
use std::collections::BTreeMap;

/// One counter of things waiting for someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counter {
    /// Placed, not paid in full.
    AwaitingPayment,
    /// Paid; the pick list is not made yet.
    ToPick,
    /// Picking: the goods are being gathered and packed next.
    ToPack,
    /// Packed, waiting for the carrier.
    ToShip,
    /// Returns opened whose parcel has not arrived.
    ReturnsAwaitingReceipt,
    /// SKUs listed low (`GET /stock?low=true`).
    SkusLow,
    /// Replenishment suggestions still open.
    OpenReplenishments,
}

impl Counter {
    pub const ALL: [Self; 7] = [
        Self::AwaitingPayment,
        Self::ToPick,
        Self::ToPack,
        Self::ToShip,
        Self::ReturnsAwaitingReceipt,
        Self::SkusLow,
        Self::OpenReplenishments,
    ];

    /// The counter's name as stored and shown.
    pub fn name(self) -> &'static str {
        match self {
            Self::AwaitingPayment => "awaiting_payment",
            Self::ToPick => "to_pick",
            Self::ToPack => "to_pack",
            Self::ToShip => "to_ship",
            Self::ReturnsAwaitingReceipt => "returns_awaiting_receipt",
            Self::SkusLow => "skus_low",
            Self::OpenReplenishments => "open_replenishments",
        }
    }
}

/// What one item counts: counters, and money receivable per currency (minor units).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub counts: BTreeMap<Counter, i64>,
    pub receivable: BTreeMap<&'static str, i64>,
}

impl Tally {
    fn one(counter: Counter) -> Self {
        Self { counts: [(counter, 1)].into(), receivable: BTreeMap::new() }
    }

    pub fn order(order: &Order) -> Self {
        let counter = match (order.status, order.fulfillment_status) {
            (OrderStatus::PendingPayment, _) => Some(Counter::AwaitingPayment),
            (OrderStatus::Paid, FulfillmentStatus::Unfulfilled) => Some(Counter::ToPick),
            (OrderStatus::Paid, FulfillmentStatus::Picking) => Some(Counter::ToPack),
            (OrderStatus::Paid, FulfillmentStatus::Packed) => Some(Counter::ToShip),
            _ => None,
        };
        let mut tally = counter.map(Self::one).unwrap_or_default();
        if order.is_receivable() {
            tally.receivable.insert(order.currency().code(), order.outstanding().amount());
        }
        tally
    }

    pub fn return_(r: &Return) -> Self {
        if r.status == ReturnStatus::Requested { Self::one(Counter::ReturnsAwaitingReceipt) } else { Self::default() }
    }

    pub fn stock(item: &StockItem) -> Self {
        if item.listed_low { Self::one(Counter::SkusLow) } else { Self::default() }
    }

    pub fn replenishment(r: &Replenishment) -> Self {
        if r.status == ReplenishmentStatus::Open { Self::one(Counter::OpenReplenishments) } else { Self::default() }
    }

    /// What the counters move by when an item that counted `before` (nothing if it is new)
    /// counts `after` (nothing if it is gone): only the non-zero moves.
    pub fn change(before: &Tally, after: &Tally) -> Tally {
        fn diff<K: Ord + Copy>(before: &BTreeMap<K, i64>, after: &BTreeMap<K, i64>) -> BTreeMap<K, i64> {
            let mut out: BTreeMap<K, i64> = after.clone();
            for (k, v) in before {
                *out.entry(*k).or_default() -= v;
            }
            out.retain(|_, v| *v != 0);
            out
        }
        Tally { counts: diff(&before.counts, &after.counts), receivable: diff(&before.receivable, &after.receivable) }
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty() && self.receivable.is_empty()
    }

    /// The moves of several changes together (counters only add): only the non-zero totals.
    pub fn sum<'a>(tallies: impl IntoIterator<Item = &'a Tally>) -> Tally {
        let mut total = Tally::default();
        for tally in tallies {
            for (counter, by) in &tally.counts {
                *total.counts.entry(*counter).or_default() += by;
            }
            for (currency, by) in &tally.receivable {
                *total.receivable.entry(*currency).or_default() += by;
            }
        }
        total.counts.retain(|_, v| *v != 0);
        total.receivable.retain(|_, v| *v != 0);
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::domain::order::PaymentStatus;
    use crate::domain::order::tests_support::placed_order;

    fn order(status: OrderStatus, fulfillment: FulfillmentStatus, paid: i64) -> Order {
        let mut order = placed_order(1000);
        order.status = status;
        order.fulfillment_status = fulfillment;
        order.amount_paid = Money::new(paid, order.currency());
        order.payment_status = if paid == 0 { PaymentStatus::Unpaid } else { PaymentStatus::PartiallyPaid };
        order
    }

    #[test]
    fn changes_summed_move_the_counters_as_they_would_one_by_one_and_drop_what_cancels_out() {
        // Given an order placed, then paid (two records of one batch), and another placed
        let unpaid = Tally::order(&order(OrderStatus::PendingPayment, FulfillmentStatus::Unfulfilled, 0));
        let paid = Tally::order(&order(OrderStatus::Paid, FulfillmentStatus::Unfulfilled, 1000));
        let placed = Tally::change(&Tally::default(), &unpaid);
        let payment = Tally::change(&unpaid, &paid);
        // When their changes are summed
        let total = Tally::sum([&placed, &payment, &placed]);
        // Then the paid order moved from awaiting payment to picking, the other awaits payment,
        // and nothing that cancelled out is written
        assert_eq!(total.counts, [(Counter::AwaitingPayment, 1), (Counter::ToPick, 1)].into());
        assert_eq!(total.receivable, placed.receivable);
        assert!(Tally::sum([&placed, &Tally::change(&unpaid, &Tally::default())]).is_empty());
    }

    #[test]
    fn a_paid_order_leaves_awaiting_payment_for_to_pick_and_its_balance_leaves_receivables() {
        let placed = Tally::order(&order(OrderStatus::PendingPayment, FulfillmentStatus::Unfulfilled, 0));
        assert_eq!(placed.receivable, [("BRL", 1000)].into());
        let part = Tally::order(&order(OrderStatus::PendingPayment, FulfillmentStatus::Unfulfilled, 400));
        assert_eq!(Tally::change(&placed, &part), Tally { counts: [].into(), receivable: [("BRL", -400)].into() });
        let paid = Tally::order(&order(OrderStatus::Paid, FulfillmentStatus::Unfulfilled, 1000));
        let moved = Tally::change(&part, &paid);
        assert_eq!(moved.counts, [(Counter::AwaitingPayment, -1), (Counter::ToPick, 1)].into());
        assert_eq!(moved.receivable, [("BRL", -600)].into());
    }

    #[test]
    fn each_fulfillment_step_moves_one_counter_to_the_next_and_delivery_ends_them() {
        let at = |f| Tally::order(&order(OrderStatus::Paid, f, 1000));
        let steps = [FulfillmentStatus::Unfulfilled, FulfillmentStatus::Picking, FulfillmentStatus::Packed];
        let counters = [Counter::ToPick, Counter::ToPack, Counter::ToShip];
        for (i, step) in steps.iter().enumerate() {
            assert_eq!(at(*step).counts, [(counters[i], 1)].into());
        }
        let shipped = at(FulfillmentStatus::Shipped);
        assert!(shipped.is_empty());
        let delivered = Tally::order(&order(OrderStatus::Completed, FulfillmentStatus::Delivered, 1000));
        assert!(Tally::change(&shipped, &delivered).is_empty());
    }

    #[test]
    fn a_cancelled_order_counts_nothing_and_an_unchanged_one_moves_nothing() {
        let placed = Tally::order(&order(OrderStatus::PendingPayment, FulfillmentStatus::Unfulfilled, 0));
        let cancelled = Tally::order(&order(OrderStatus::Cancelled, FulfillmentStatus::Unfulfilled, 0));
        assert!(cancelled.is_empty());
        let moved = Tally::change(&placed, &cancelled);
        assert_eq!(moved.counts, [(Counter::AwaitingPayment, -1)].into());
        assert!(Tally::change(&placed, &placed).is_empty());
        assert_eq!(Tally::change(&Tally::default(), &placed), placed, "a new item adds what it counts");
    }
}
