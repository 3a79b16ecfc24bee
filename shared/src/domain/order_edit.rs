//! Edits before packing: staff change an order's lines (quantities, lines added or removed), its
//! shipping address or its shipping method until it is packed. An edit is one decision over the
//! order and the stock of its lines: reservations move by the difference per SKU (never past
//! what is available, never leaving units held for a line that is gone), the shipping charge and
//! the promotions' discounts are worked out again on the new lines, and the balance shows what
//! is outstanding or owed back.

use super::events::DomainEvent;
use super::order::{
    self, Address, ChargeBasis, FulfillmentStatus, Order, OrderLine, OrderStatus, PaymentStatus, PlaceError, Shortage,
    Totals,
};
use super::promotion::{self, AppliedDiscount, Promotion};
use super::shipping::{MethodCode, ShippingMethod};
use super::stock::{self, StockItem};
use super::{FieldError, Money, Sku};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A parsed edit: what changes (at least one thing).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EditRequest {
    /// The order's lines become these (SKUs unique, 1 to 50 lines, quantities 1 to 1,000).
    pub lines: Option<Vec<(Sku, u64)>>,
    pub shipping_address: Option<Address>,
    pub shipping_method: Option<MethodCode>,
    /// What the shop charges for shipping now, instead of the rate table (minor units).
    pub shipping_charge: Option<i64>,
}

impl EditRequest {
    pub fn new(
        lines: Option<Vec<(Sku, u64)>>,
        shipping_address: Option<Address>,
        shipping_method: Option<MethodCode>,
        shipping_charge: Option<i64>,
    ) -> Result<Self, FieldError> {
        let lines = match lines {
            Some(l) if l.is_empty() => {
                return Err(FieldError::new("lines", "an order keeps at least one line; cancel it instead"));
            }
            // The same rules as a new order's lines (duplicates merged, limits).
            Some(l) => {
                let placeholder = super::CustomerId::parse("customer_id", "edit").expect("a valid id");
                Some(order::OrderRequest::new(placeholder, l, None)?.lines)
            }
            None => None,
        };
        let nothing =
            lines.is_none() && shipping_address.is_none() && shipping_method.is_none() && shipping_charge.is_none();
        if nothing {
            return Err(FieldError::new(
                "lines",
                "say what changes: lines, shipping_address, shipping_method or shipping_charge",
            ));
        }
        Ok(Self { lines, shipping_address, shipping_method, shipping_charge })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the order is {0}: only an order not yet packed can be edited")]
    NotEditable(String),
    #[error("a payment is authorised at a gateway for the order's total; release it before editing")]
    Authorized,
    #[error("{0}")]
    Invalid(PlaceError),
}

/// How one SKU's quantity moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineChange {
    pub sku: String,
    pub before: u64,
    pub after: u64,
}

/// `order.edited`: who changed what (no personal data: an address change is a flag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEdited {
    pub order_id: String,
    pub customer_id: String,
    pub by: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineChange>,
    pub total_before: Money,
    pub total_after: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_method: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub address_changed: bool,
    /// Promotions the new lines no longer qualify for (their redemptions given back).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promotions_dropped: Vec<String>,
}

/// An edit decided: the order as it is now, the units to reserve (the stock item after, and how
/// many) and to give back, and the promotions it no longer redeems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub order: Order,
    pub reserved: Vec<(StockItem, u64)>,
    pub released: Vec<(Sku, u64)>,
    pub dropped: Vec<AppliedDiscount>,
    pub events: Vec<DomainEvent>,
}

fn editable(o: &Order) -> Result<(), EditError> {
    if o.status == OrderStatus::Cancelled || o.status == OrderStatus::Completed {
        return Err(EditError::NotEditable(o.status.to_string()));
    }
    if !matches!(o.fulfillment_status, FulfillmentStatus::Unfulfilled | FulfillmentStatus::Picking) {
        return Err(EditError::NotEditable(o.fulfillment_status.to_string()));
    }
    if o.is_authorized() {
        return Err(EditError::Authorized);
    }
    Ok(())
}

/// The new lines: a line kept keeps the price it was sold at; a new one takes the catalogue's.
fn new_lines(o: &Order, wanted: &[(Sku, u64)], stock: &HashMap<Sku, StockItem>) -> Result<Vec<OrderLine>, PlaceError> {
    let unknown: Vec<Sku> = wanted
        .iter()
        .filter(|(s, _)| !o.lines.iter().any(|l| &l.sku == s) && !stock.contains_key(s))
        .map(|(s, _)| s.clone())
        .collect();
    if !unknown.is_empty() {
        return Err(PlaceError::UnknownSkus(unknown));
    }
    let currency = o.currency();
    let others: Vec<Sku> = wanted
        .iter()
        .filter(|(s, _)| !o.lines.iter().any(|l| &l.sku == s) && stock[s].catalog.unit_price.currency() != currency)
        .map(|(s, _)| s.clone())
        .collect();
    if !others.is_empty() {
        return Err(PlaceError::MixedCurrencies { order_currency: currency, others });
    }
    wanted
        .iter()
        .map(|(sku, quantity)| {
            let (name, unit_price) = match o.lines.iter().find(|l| &l.sku == sku) {
                Some(l) => (l.name.clone(), l.unit_price),
                None => (stock[sku].catalog.name.to_string(), stock[sku].catalog.unit_price),
            };
            let line_total = unit_price.checked_mul(*quantity).map_err(|_| PlaceError::TotalOutOfRange)?;
            Ok(OrderLine { sku: sku.clone(), name, quantity: *quantity, unit_price, line_total, discount: None })
        })
        .collect()
}

/// Edits `o` as `request` asks, by `by`. `stock` holds every SKU of its old and new lines,
/// `method` the shipping method it ships by after the edit, `promotions` the promotions it
/// redeemed. `Ok(None)`: the order is already as asked.
pub fn edit(
    o: &Order,
    request: &EditRequest,
    stock: &HashMap<Sku, StockItem>,
    method: Option<&ShippingMethod>,
    promotions: &[Promotion],
    by: &str,
    now: DateTime<Utc>,
) -> Result<Option<Edited>, EditError> {
    editable(o)?;
    let invalid = EditError::Invalid;
    let lines = match &request.lines {
        Some(wanted) => new_lines(o, wanted, stock).map_err(invalid)?,
        None => o.lines.iter().map(|l| OrderLine { discount: None, ..l.clone() }).collect(),
    };
    // Reservations by difference, per SKU.
    let before: BTreeMap<&Sku, u64> = o.lines.iter().map(|l| (&l.sku, l.quantity)).collect();
    let after: BTreeMap<&Sku, u64> = lines.iter().map(|l| (&l.sku, l.quantity)).collect();
    let (mut reserved, mut released, mut shortages, mut changes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for sku in before.keys().chain(after.keys().filter(|s| !before.contains_key(*s))) {
        let (was, now_q) = (before.get(sku).copied().unwrap_or(0), after.get(sku).copied().unwrap_or(0));
        if was == now_q {
            continue;
        }
        changes.push(LineChange { sku: sku.to_string(), before: was, after: now_q });
        if now_q > was {
            let item = stock.get(*sku).ok_or_else(|| invalid(PlaceError::UnknownSkus(vec![(*sku).clone()])))?;
            match stock::reserve(item, now_q - was, now) {
                Ok(next) => reserved.push((next, now_q - was)),
                Err(available) => shortages.push(Shortage { sku: (*sku).clone(), requested: now_q - was, available }),
            }
        } else {
            released.push(((*sku).clone(), was - now_q));
        }
    }
    if !shortages.is_empty() {
        return Err(invalid(PlaceError::Shortages(shortages)));
    }
    let currency = o.currency();
    let lines_total = lines
        .iter()
        .try_fold(Money::zero(currency), |acc, l| acc.checked_add(l.line_total))
        .map_err(|_| invalid(PlaceError::TotalOutOfRange))?;
    let address = request.shipping_address.clone().or_else(|| o.shipping_address.clone());
    let address_changed = request.shipping_address.is_some() && request.shipping_address != o.shipping_address;
    // The shipping charge, again: a charge the storefront gave stays given unless staff give
    // another or change the method; a computed one is computed for the new parcel.
    let code = request.shipping_method.clone().or_else(|| o.shipping.as_ref().map(|s| s.method.clone()));
    let kept_given = o
        .shipping
        .as_ref()
        .filter(|s| s.basis == ChargeBasis::Given && request.shipping_method.as_ref().is_none_or(|m| m == &s.method))
        .map(|s| s.amount.amount());
    let given = request.shipping_charge.or(kept_given);
    let shipping = match (&code, &address) {
        (None, _) if given.is_some() => return Err(invalid(PlaceError::ChargeWithoutMethod)),
        (None, _) => None,
        (Some(_), None) => return Err(invalid(PlaceError::NoShippingAddress)),
        (Some(code), Some(address)) => {
            Some(order::charge_for(code, given, method, address, &lines, stock, lines_total).map_err(invalid)?)
        }
    };
    let shipping_amount = shipping.as_ref().map_or(0, |s| s.amount.amount());
    // The promotions it redeemed, applied again to the new lines; one that no longer fits is
    // dropped and its redemption given back.
    let redeemed: Vec<(&Promotion, bool)> = o
        .discounts
        .iter()
        .filter_map(|d| promotions.iter().find(|p| p.code() == &d.code).map(|p| (p, d.coupon)))
        .collect();
    let (pricing, _) = promotion::reprice(&lines, shipping_amount, &redeemed);
    let mut lines = lines;
    for (line, off) in lines.iter_mut().zip(&pricing.line_discounts) {
        line.discount = (*off > 0).then(|| Money::new(*off, currency));
    }
    let discounts: Vec<AppliedDiscount> = pricing
        .applied
        .into_iter()
        .map(|mut d| {
            // Given back as it was counted at placement, whatever the terms say now.
            d.counted_per_customer = o.discounts.iter().any(|was| was.code == d.code && was.counted_per_customer);
            d
        })
        .collect();
    let dropped: Vec<AppliedDiscount> =
        o.discounts.iter().filter(|d| !discounts.iter().any(|k| k.code == d.code)).cloned().collect();
    let discount_total = Money::new(pricing.line_discounts.iter().sum::<i64>() + pricing.shipping_discount, currency);
    let shipping_money = Money::new(shipping_amount, currency);
    let total = lines_total
        .checked_sub(discount_total)
        .and_then(|t| t.checked_add(shipping_money))
        .map_err(|_| invalid(PlaceError::TotalOutOfRange))?;
    let unchanged = changes.is_empty() && !address_changed && shipping == o.shipping && total == o.total;
    if unchanged {
        return Ok(None);
    }
    let mut next = Order {
        lines,
        total,
        totals: Some(Totals { lines: lines_total, discounts: discount_total, shipping: shipping_money, total }),
        shipping,
        discounts,
        shipping_address: address,
        ..o.clone()
    };
    // The balance: what is still owed, or what is owed back.
    let held = o.amount_paid.checked_sub(o.amount_refunded).unwrap_or(Money::zero(currency));
    next.refund_due = Money::new((held.amount() - total.amount()).max(0), currency);
    let mut events = Vec::new();
    if o.amount_paid.amount() > 0 {
        let covered = o.amount_paid.amount() >= total.amount();
        next.payment_status = if covered { PaymentStatus::Paid } else { PaymentStatus::PartiallyPaid };
        next.status = if covered { OrderStatus::Paid } else { OrderStatus::PendingPayment };
        if covered && o.status == OrderStatus::PendingPayment {
            events.push(DomainEvent::OrderPaid(super::events::OrderPaid {
                order_id: o.id.to_string(),
                customer_id: o.customer_id.to_string(),
                total,
            }));
        }
    }
    events.insert(
        0,
        DomainEvent::OrderEdited(OrderEdited {
            order_id: o.id.to_string(),
            customer_id: o.customer_id.to_string(),
            by: by.to_owned(),
            lines: changes,
            total_before: o.total,
            total_after: total,
            shipping_method: next.shipping.as_ref().map(|s| s.method.to_string()),
            address_changed,
            promotions_dropped: dropped.iter().map(|d| d.code.to_string()).collect(),
        }),
    );
    Ok(Some(Edited { order: next, reserved, released, dropped, events }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::by_sku;
    use crate::domain::order::tests_support::{placed_with_stock, stock_item};

    fn lines(l: &[(&str, u64)]) -> EditRequest {
        let l = l.iter().map(|(s, q)| (Sku::parse("sku", s).unwrap(), *q)).collect();
        EditRequest::new(Some(l), None, None, None).unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    #[test]
    fn reservations_move_by_the_difference_and_a_removed_line_gives_its_units_back() {
        // Given 4 of FIX-1 reserved (6 available) and NEW-1 in the catalogue
        let (order, mut stock) = placed_with_stock();
        stock.extend(by_sku(vec![stock_item("NEW-1", 3)]));
        // When FIX-1 goes to 6 and NEW-1 joins with 2
        let e = edit(&order, &lines(&[("FIX-1", 6), ("NEW-1", 2)]), &stock, None, &[], "ana", now()).unwrap().unwrap();
        // Then 2 more of FIX-1 and 2 of NEW-1 are reserved, nothing released
        let reserved: Vec<(String, u64)> = e.reserved.iter().map(|(i, q)| (i.sku.to_string(), *q)).collect();
        assert_eq!(reserved, [("FIX-1".to_owned(), 2), ("NEW-1".to_owned(), 2)]);
        assert!(e.released.is_empty());
        let DomainEvent::OrderEdited(ev) = &e.events[0] else { panic!("{:?}", e.events) };
        assert_eq!((ev.by.as_str(), ev.lines.len()), ("ana", 2));
        // When the edited order drops FIX-1 altogether: its 6 units are given back
        let e2 = edit(&e.order, &lines(&[("NEW-1", 2)]), &stock, None, &[], "ana", now()).unwrap().unwrap();
        assert_eq!(e2.released, [(Sku::parse("s", "FIX-1").unwrap(), 6)]);
    }

    #[test]
    fn more_than_is_available_is_refused_naming_the_shortage() {
        let (order, stock) = placed_with_stock();
        let err = edit(&order, &lines(&[("FIX-1", 11)]), &stock, None, &[], "ana", now()).unwrap_err();
        let EditError::Invalid(PlaceError::Shortages(s)) = err else { panic!("{err:?}") };
        assert_eq!((s[0].requested, s[0].available), (7, 6));
    }

    #[test]
    fn a_packed_or_cancelled_order_is_not_editable_and_an_empty_edit_is_refused() {
        let (mut order, stock) = placed_with_stock();
        order.fulfillment_status = FulfillmentStatus::Packed;
        assert_eq!(
            edit(&order, &lines(&[("FIX-1", 1)]), &stock, None, &[], "ana", now()).unwrap_err(),
            EditError::NotEditable("packed".into())
        );
        order.fulfillment_status = FulfillmentStatus::Unfulfilled;
        order.status = OrderStatus::Cancelled;
        assert_eq!(
            edit(&order, &lines(&[("FIX-1", 1)]), &stock, None, &[], "ana", now()).unwrap_err(),
            EditError::NotEditable("cancelled".into())
        );
        assert_eq!(EditRequest::new(Some(vec![]), None, None, None).unwrap_err().field, "lines");
        assert_eq!(EditRequest::new(None, None, None, None).unwrap_err().field, "lines");
    }

    #[test]
    fn a_paid_order_edited_down_owes_the_difference_back_and_edited_up_owes_again() {
        let (mut order, stock) = placed_with_stock();
        let paid = order.total;
        order.amount_paid = paid;
        order.payment_status = PaymentStatus::Paid;
        order.status = OrderStatus::Paid;
        let unit = order.lines[0].unit_price.amount();
        let down = edit(&order, &lines(&[("FIX-1", 3)]), &stock, None, &[], "ana", now()).unwrap().unwrap().order;
        assert_eq!((down.refund_due.amount(), down.status), (unit, OrderStatus::Paid));
        let up = edit(&order, &lines(&[("FIX-1", 5)]), &stock, None, &[], "ana", now()).unwrap().unwrap().order;
        assert_eq!(
            (up.outstanding().amount(), up.status, up.payment_status),
            (unit, OrderStatus::PendingPayment, PaymentStatus::PartiallyPaid)
        );
        // The same lines again: nothing to do
        assert_eq!(edit(&order, &lines(&[("FIX-1", 4)]), &stock, None, &[], "ana", now()).unwrap(), None);
    }
}
