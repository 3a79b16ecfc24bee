//! Orders: placement with all-or-nothing reservation, and cancellation (by a person or by the
//! payment hold expiring), as pure decisions over the order and the stock items it touches.

use super::customer::Customer;
use super::events::DomainEvent;
use super::ids::{CustomerId, OrderId, ReturnId, Sku};
use super::money::{Currency, Money};
use super::stock::{self, StockItem};
use super::text::{FieldError, ShortText};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

pub const MAX_LINES: usize = 50;
pub const MAX_LINE_QUANTITY: u64 = 1000;
/// The reason recorded when the payment hold runs out.
pub const PAYMENT_TIMEOUT: &str = "payment_timeout";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    PendingPayment,
    Paid,
    /// Delivered: nothing left to do but returns.
    Completed,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Unpaid,
    PartiallyPaid,
    Paid,
    PartiallyRefunded,
    Refunded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FulfillmentStatus {
    Unfulfilled,
    Picking,
    Packed,
    Shipped,
    Delivered,
}

super::display_as_serialized!(OrderStatus, PaymentStatus, FulfillmentStatus);

impl OrderStatus {
    pub const ALL: [Self; 4] = [Self::PendingPayment, Self::Paid, Self::Completed, Self::Cancelled];
}

impl FulfillmentStatus {
    pub const ALL: [Self; 5] = [Self::Unfulfilled, Self::Picking, Self::Packed, Self::Shipped, Self::Delivered];
}

pub use super::address::{Address, AddressInput};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku: Sku,
    pub name: String,
    pub quantity: u64,
    pub unit_price: Money,
    pub line_total: Money,
    /// The line's share of the order's discounts (largest remainder over the lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<Money>,
}

impl OrderLine {
    /// What the customer paid for the line: its total less its share of the discounts.
    pub fn paid(&self) -> Money {
        let off = self.discount.map_or(0, |d| d.amount());
        Money::new(self.line_total.amount() - off, self.line_total.currency())
    }

    /// What the customer paid for `units` of the line, rounded down (all its units: `paid`).
    pub fn paid_for(&self, units: u64) -> Money {
        let paid = self.paid();
        if units >= self.quantity || self.quantity == 0 {
            return paid;
        }
        let part = i128::from(paid.amount()) * i128::from(units) / i128::from(self.quantity);
        Money::new(part as i64, paid.currency())
    }
}

/// What an order charges for shipping, and by which method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingCharge {
    pub method: super::shipping::MethodCode,
    pub name: String,
    pub carrier: String,
    /// The charge before any free-shipping promotion.
    pub amount: Money,
    /// `given`: the storefront said what it charged; `computed`: the method's rate table did.
    pub basis: ChargeBasis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeBasis {
    Computed,
    Given,
}

/// An order's money at a glance: `total = lines - discounts + shipping`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub lines: Money,
    pub discounts: Money,
    pub shipping: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub(crate) id: OrderId,
    pub(crate) customer_id: CustomerId,
    pub(crate) status: OrderStatus,
    pub(crate) payment_status: PaymentStatus,
    pub(crate) fulfillment_status: FulfillmentStatus,
    pub(crate) lines: Vec<OrderLine>,
    pub(crate) total: Money,
    pub(crate) amount_paid: Money,
    pub(crate) amount_refunded: Money,
    /// What the shop owes back: after a cancellation, paid − refunded; after an edit that
    /// lowered the total under what was paid, the difference. Zero otherwise.
    pub(crate) refund_due: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) shipping_address: Option<Address>,
    pub(crate) placed_at: DateTime<Utc>,
    pub(crate) payment_due_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cancellation: Option<Cancellation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) shipment: Option<Shipment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) packed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) delivered_at: Option<DateTime<Utc>>,
    /// Units per SKU on open or received returns (never more than shipped).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) returns_requested: BTreeMap<String, u64>,
    /// The order's returns, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) return_ids: Vec<ReturnId>,
    /// Set once shipping has taken the units out of on_hand and reserved (exactly once).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) stock_committed: bool,
    /// Set when the customer's personal data was erased: the address is gone, the accounting
    /// record (ids, SKUs, amounts, dates) stays.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) personal_data_erased: bool,
    /// Internal notes by the shop's staff, oldest first (never shown to the customer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) notes: Vec<OrderNote>,
    /// How the customer chose to pay at placement (it set the unpaid hold), if the storefront said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) payment_method: Option<super::payment::PaymentMethod>,
    /// Its payments at payment gateways (Stripe, Mercado Pago), as their webhooks reported them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) gateway_payments: Vec<super::gateway::GatewayPayment>,
    /// Set at placement: the order counts among its customer's open orders until it closes.
    /// Erasure needs that count at zero and placement moves it, in their own transactions, so
    /// the two can never both succeed (orders placed before the count existed read `false`).
    /// The store keeps it beside the order's fields; it is not part of what the order shows.
    #[serde(default, skip_serializing)]
    pub(crate) counted_open: bool,
    /// Where the order came from (`web` for orders placed before channels were recorded).
    #[serde(default)]
    pub(crate) channel: super::channel::Channel,
    /// The channel's own reference for it: one order per reference and channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) external_reference: Option<super::channel::ExternalReference>,
    /// How it ships and what that costs (orders placed without a method carry none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) shipping: Option<ShippingCharge>,
    /// The promotions it got, in the order they applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) discounts: Vec<super::promotion::AppliedDiscount>,
    /// Lines, discounts, shipping and total (orders placed before these existed carry none:
    /// their total is their lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) totals: Option<Totals>,
}

/// Reading an order from outside the domain: its fields change only through the domain's
/// decisions.
impl Order {
    pub fn id(&self) -> OrderId {
        self.id
    }
    pub fn channel(&self) -> &super::channel::Channel {
        &self.channel
    }
    pub fn external_reference(&self) -> Option<&super::channel::ExternalReference> {
        self.external_reference.as_ref()
    }
    /// Whether `lines` (SKU and quantity, in any order) are this order's lines: an order a
    /// channel sends again is the same order only if it asks for the same goods.
    pub fn has_lines(&self, lines: &[(Sku, u64)]) -> bool {
        let mut mine: Vec<(&str, u64)> = self.lines.iter().map(|l| (l.sku.as_str(), l.quantity)).collect();
        let mut theirs: Vec<(&str, u64)> = lines.iter().map(|(s, q)| (s.as_str(), *q)).collect();
        mine.sort_unstable();
        theirs.sort_unstable();
        mine == theirs
    }
    pub fn customer_id(&self) -> &CustomerId {
        &self.customer_id
    }
    pub fn status(&self) -> OrderStatus {
        self.status
    }
    pub fn payment_status(&self) -> PaymentStatus {
        self.payment_status
    }
    pub fn fulfillment_status(&self) -> FulfillmentStatus {
        self.fulfillment_status
    }
    pub fn lines(&self) -> &[OrderLine] {
        &self.lines
    }
    pub fn total(&self) -> Money {
        self.total
    }
    pub fn amount_paid(&self) -> Money {
        self.amount_paid
    }
    pub fn amount_refunded(&self) -> Money {
        self.amount_refunded
    }
    pub fn refund_due(&self) -> Money {
        self.refund_due
    }
    pub fn shipping_address(&self) -> Option<&Address> {
        self.shipping_address.as_ref()
    }
    pub fn placed_at(&self) -> DateTime<Utc> {
        self.placed_at
    }
    pub fn payment_due_at(&self) -> DateTime<Utc> {
        self.payment_due_at
    }
    pub fn cancellation(&self) -> Option<&Cancellation> {
        self.cancellation.as_ref()
    }
    pub fn shipment(&self) -> Option<&Shipment> {
        self.shipment.as_ref()
    }
    pub fn returns_requested(&self) -> &BTreeMap<String, u64> {
        &self.returns_requested
    }
    pub fn return_ids(&self) -> &[ReturnId] {
        &self.return_ids
    }
    pub fn stock_committed(&self) -> bool {
        self.stock_committed
    }
    pub fn personal_data_erased(&self) -> bool {
        self.personal_data_erased
    }
    pub fn notes(&self) -> &[OrderNote] {
        &self.notes
    }
    pub fn shipping(&self) -> Option<&ShippingCharge> {
        self.shipping.as_ref()
    }
    pub fn discounts(&self) -> &[super::promotion::AppliedDiscount] {
        &self.discounts
    }
    pub fn totals(&self) -> Option<&Totals> {
        self.totals.as_ref()
    }
    pub fn counted_open(&self) -> bool {
        self.counted_open
    }
}

/// What of an order is its customer's personal data: the address it ships to and the staff's
/// notes about it. The view shows them only to callers with `customers:read`, the customer's
/// export includes them, and erasure removes exactly these (the store's update names them).
pub const PERSONAL_DATA: [&str; 2] = ["shipping_address", "notes"];

impl Order {
    /// The order as it reads without its personal data ([`PERSONAL_DATA`]).
    pub fn without_personal_data(&self) -> Order {
        Order { shipping_address: None, notes: Vec::new(), ..self.clone() }
    }
}

/// An internal note on an order. Its text is personal data: erasure removes it with the
/// address, the customer's export includes it, and its event carries only who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderNote {
    pub text: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

pub const MAX_NOTES: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("the order's personal data was erased; it takes no more notes")]
    Erased,
    #[error("the order has {MAX_NOTES} notes, the most it keeps")]
    TooMany,
}

/// Appends a note to the order.
pub fn add_note(
    order: &Order,
    text: &ShortText,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(Order, Vec<DomainEvent>), NoteError> {
    if order.personal_data_erased {
        return Err(NoteError::Erased);
    }
    if order.notes.len() >= MAX_NOTES {
        return Err(NoteError::TooMany);
    }
    let mut next = order.clone();
    next.notes.push(OrderNote { text: text.as_str().to_owned(), by: by.to_owned(), at: now });
    let event = super::events::NoteAdded { order_id: order.id.to_string(), by: by.to_owned() };
    Ok((next, vec![DomainEvent::OrderNoteAdded(event)]))
}

impl Order {
    /// Still holding stock and waiting for money: what the expiry looks for.
    /// Unpaid and not held on a card either: an authorised order is never expired as unpaid.
    pub fn awaiting_payment(&self) -> bool {
        self.status == OrderStatus::PendingPayment
            && self.payment_status == PaymentStatus::Unpaid
            && !self.is_authorized()
    }

    /// Money is held for it at a gateway, not yet captured.
    pub fn is_authorized(&self) -> bool {
        self.gateway_payments.iter().any(|p| p.state == super::gateway::GatewayState::Authorized)
    }

    pub fn gateway_payments(&self) -> &[super::gateway::GatewayPayment] {
        &self.gateway_payments
    }

    /// A payment of it is disputed and the dispute is not closed.
    pub fn is_disputed(&self) -> bool {
        self.gateway_payments.iter().any(super::gateway::GatewayPayment::has_open_dispute)
    }

    pub fn currency(&self) -> Currency {
        self.total.currency()
    }

    /// What the customer still owes (never negative).
    pub fn outstanding(&self) -> Money {
        self.total.checked_sub(self.amount_paid).unwrap_or(Money::zero(self.currency()))
    }

    /// The contract is still being performed: not cancelled and not yet delivered. Its
    /// customer's personal data (the address above all) is needed until it closes.
    pub fn is_open(&self) -> bool {
        matches!(self.status, OrderStatus::PendingPayment | OrderStatus::Paid)
    }

    /// Owed money on an order that is still to be honoured: listed under receivables.
    pub fn is_receivable(&self) -> bool {
        self.status != OrderStatus::Cancelled && self.outstanding().amount() > 0
    }
}

/// A parsed order request: SKUs unique (duplicates merged), quantities 1..=1000, 1..=50 lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    pub customer_id: CustomerId,
    pub lines: Vec<(Sku, u64)>,
    pub shipping_address: Option<Address>,
    /// How the customer chose to pay: it sets how long the order holds its stock unpaid.
    pub payment_method: Option<super::payment::PaymentMethod>,
    pub channel: super::channel::Channel,
    pub external_reference: Option<super::channel::ExternalReference>,
    /// How it ships: the method's rate table prices it, unless `shipping_charge` says what the
    /// storefront charged (in the order's currency, minor units).
    pub shipping_method: Option<super::shipping::MethodCode>,
    pub shipping_charge: Option<i64>,
    /// The coupon the customer gave, and what to do when it does not apply: refuse the order
    /// (`false`) or place it without the coupon.
    pub coupon: Option<super::promotion::PromotionCode>,
    pub without_coupon_if_refused: bool,
}

impl OrderRequest {
    /// Duplicate SKUs are merged into one line (their quantities added, the first position
    /// kept); the merged quantity must still be within the per-line limit.
    pub fn new(
        customer_id: CustomerId,
        lines: Vec<(Sku, u64)>,
        shipping_address: Option<Address>,
    ) -> Result<Self, FieldError> {
        if lines.is_empty() || lines.len() > MAX_LINES {
            return Err(FieldError::new("lines", format!("must have 1 to {MAX_LINES} lines")));
        }
        let mut merged: Vec<(Sku, u64)> = Vec::with_capacity(lines.len());
        for (i, (sku, quantity)) in lines.into_iter().enumerate() {
            if !(1..=MAX_LINE_QUANTITY).contains(&quantity) {
                return Err(FieldError::new(
                    format!("lines[{i}].quantity"),
                    format!("must be from 1 to {MAX_LINE_QUANTITY}"),
                ));
            }
            match merged.iter_mut().find(|(s, _)| *s == sku) {
                Some((_, q)) => {
                    *q += quantity;
                    if *q > MAX_LINE_QUANTITY {
                        return Err(FieldError::new(
                            format!("lines[{i}].quantity"),
                            format!("{sku} appears more than once; together at most {MAX_LINE_QUANTITY}"),
                        ));
                    }
                }
                None => merged.push((sku, quantity)),
            }
        }
        Ok(Self {
            customer_id,
            lines: merged,
            shipping_address,
            payment_method: None,
            channel: super::channel::Channel::web(),
            external_reference: None,
            shipping_method: None,
            shipping_charge: None,
            coupon: None,
            without_coupon_if_refused: false,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortage {
    pub sku: Sku,
    pub requested: u64,
    pub available: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceError {
    #[error("no customer with this id")]
    UnknownCustomer,
    #[error("the customer's personal data was erased; they cannot order")]
    CustomerErased,
    #[error("the order has no address to ship to, and its customer no default shipping address")]
    NoShippingAddress,
    #[error("unknown SKUs")]
    UnknownSkus(Vec<Sku>),
    #[error("one order takes one currency")]
    MixedCurrencies { order_currency: Currency, others: Vec<Sku> },
    #[error("not enough stock")]
    Shortages(Vec<Shortage>),
    #[error("the order total is out of range")]
    TotalOutOfRange,
    #[error("no shipping method with this code")]
    UnknownShippingMethod,
    #[error("shipping: {0}")]
    Shipping(super::shipping::QuoteError),
    #[error("a product has no weight, so the shipping cannot be computed")]
    NoWeight(Sku),
    #[error("a shipping charge needs a shipping method")]
    ChargeWithoutMethod,
    #[error("the coupon does not apply: {0}")]
    Coupon(super::promotion::CouponError),
}

/// What an order may be sold with beyond its lines: its shipping method and the promotions on
/// offer (the coupon the request names, as read, and the automatic ones running).
#[derive(Debug, Clone, Default)]
pub struct SaleTerms<'a> {
    pub method: Option<&'a super::shipping::ShippingMethod>,
    /// `None` with a coupon in the request: no promotion has that code.
    pub coupon: Option<super::promotion::Offer<'a>>,
    pub automatic: Vec<super::promotion::Offer<'a>>,
}

/// A decision that changes an order and the stock items of its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderChange {
    pub order: Order,
    /// The new state of each stock item touched, in the order's line order.
    pub stock: Vec<StockItem>,
    pub events: Vec<DomainEvent>,
    /// The promotions the order redeems (each counted against its limits when it is saved).
    pub redeemed: Vec<super::promotion::Promotion>,
}

/// Places an order for `customer` (as stored; `None`: no such customer): an erased customer
/// cannot order; without an address of its own the order ships to the customer's default
/// shipping address, and with neither it is refused (it could never ship). Prices come from the
/// stock items; every line is reserved or none is.
pub fn place(
    id: OrderId,
    request: OrderRequest,
    customer: Option<&Customer>,
    stock: &HashMap<Sku, StockItem>,
    hold: Duration,
    now: DateTime<Utc>,
) -> Result<OrderChange, PlaceError> {
    place_with(id, request, customer, stock, &SaleTerms::default(), hold, now)
}

/// What shipping the order costs: given by the storefront (the method must still serve the
/// destination), or computed from the method's rate table for the lines' weight and subtotal.
fn shipping_charge(
    request: &OrderRequest,
    method: Option<&super::shipping::ShippingMethod>,
    address: &Address,
    lines: &[OrderLine],
    stock: &HashMap<Sku, StockItem>,
    subtotal: Money,
) -> Result<Option<ShippingCharge>, PlaceError> {
    match &request.shipping_method {
        None if request.shipping_charge.is_some() => Err(PlaceError::ChargeWithoutMethod),
        None => Ok(None),
        Some(code) => charge_for(code, request.shipping_charge, method, address, lines, stock, subtotal).map(Some),
    }
}

/// The charge for shipping `lines` to `address` by the method `code` (`method`, as read): the
/// `given` amount if the shop says what it charges (the method must still serve the address),
/// else the method's rate table for the lines' weight (each product's weight from `stock`).
pub(crate) fn charge_for(
    code: &super::shipping::MethodCode,
    given: Option<i64>,
    method: Option<&super::shipping::ShippingMethod>,
    address: &Address,
    lines: &[OrderLine],
    stock: &HashMap<Sku, StockItem>,
    subtotal: Money,
) -> Result<ShippingCharge, PlaceError> {
    use super::shipping::{Destination, QuoteError};
    let method = method.filter(|m| &m.code == code && m.active).ok_or(PlaceError::UnknownShippingMethod)?;
    let to = Destination::of(address);
    let amount = match given {
        Some(given) => {
            if method.table.currency != subtotal.currency() {
                return Err(PlaceError::Shipping(QuoteError::Currency(method.table.currency)));
            }
            if !method.table.rates.iter().any(|r| r.zone.serves(&to)) {
                return Err(PlaceError::Shipping(QuoteError::NotServed));
            }
            Money::new(given, subtotal.currency())
        }
        None => {
            let mut grams = 0u64;
            for line in lines {
                let weight = stock
                    .get(&line.sku)
                    .and_then(|i| i.catalog.weight_grams)
                    .ok_or_else(|| PlaceError::NoWeight(line.sku.clone()))?;
                grams = grams.saturating_add(weight.saturating_mul(line.quantity));
            }
            method.table.quote(&to, grams, subtotal).map_err(PlaceError::Shipping)?
        }
    };
    let basis = if given.is_some() { ChargeBasis::Given } else { ChargeBasis::Computed };
    Ok(ShippingCharge {
        method: method.code.clone(),
        name: method.name.clone(),
        carrier: method.carrier.clone(),
        amount,
        basis,
    })
}

/// [`place`] with a shipping method and promotions: the order's lines, less what its promotions
/// take off each (a coupon that does not apply refuses the order, or is left out when the
/// request says so), plus its shipping charge.
pub fn place_with(
    id: OrderId,
    request: OrderRequest,
    customer: Option<&Customer>,
    stock: &HashMap<Sku, StockItem>,
    terms: &SaleTerms<'_>,
    hold: Duration,
    now: DateTime<Utc>,
) -> Result<OrderChange, PlaceError> {
    let customer = customer.ok_or(PlaceError::UnknownCustomer)?;
    if customer.is_erased() {
        return Err(PlaceError::CustomerErased);
    }
    let shipping_address = request
        .shipping_address
        .clone()
        .or_else(|| customer.default_shipping())
        .ok_or(PlaceError::NoShippingAddress)?;
    let unknown: Vec<Sku> =
        request.lines.iter().filter(|(s, _)| !stock.contains_key(s)).map(|(s, _)| s.clone()).collect();
    if !unknown.is_empty() {
        return Err(PlaceError::UnknownSkus(unknown));
    }
    let items: Vec<(&StockItem, u64)> = request.lines.iter().map(|(s, q)| (&stock[s], *q)).collect();
    let currency = items[0].0.catalog.unit_price.currency();
    let others: Vec<Sku> =
        items.iter().filter(|(i, _)| i.catalog.unit_price.currency() != currency).map(|(i, _)| i.sku.clone()).collect();
    if !others.is_empty() {
        return Err(PlaceError::MixedCurrencies { order_currency: currency, others });
    }
    let mut lines = Vec::with_capacity(items.len());
    let mut total = Money::zero(currency);
    for (item, quantity) in &items {
        let line_total = item.catalog.unit_price.checked_mul(*quantity).map_err(|_| PlaceError::TotalOutOfRange)?;
        total = total.checked_add(line_total).map_err(|_| PlaceError::TotalOutOfRange)?;
        lines.push(OrderLine {
            sku: item.sku.clone(),
            name: item.catalog.name.to_string(),
            quantity: *quantity,
            unit_price: item.catalog.unit_price,
            line_total,
            discount: None,
        });
    }
    let shipping = shipping_charge(&request, terms.method, &shipping_address, &lines, stock, total)?;
    let shipping_amount = shipping.as_ref().map_or(0, |s| s.amount.amount());
    let coupon = match (&request.coupon, terms.coupon) {
        (None, _) => None,
        (Some(_), None) if request.without_coupon_if_refused => None,
        (Some(_), None) => return Err(PlaceError::Coupon(super::promotion::CouponError::Unknown)),
        (Some(_), Some(offer)) => Some(offer),
    };
    let pricing = match super::promotion::price(&lines, shipping_amount, coupon, &terms.automatic, now) {
        Err(_) if request.without_coupon_if_refused => {
            super::promotion::price(&lines, shipping_amount, None, &terms.automatic, now)
        }
        priced => priced,
    }
    .map_err(PlaceError::Coupon)?;
    for (line, off) in lines.iter_mut().zip(&pricing.line_discounts) {
        if *off > 0 {
            line.discount = Some(Money::new(*off, currency));
        }
    }
    let discounts = Money::new(pricing.total(), currency);
    let shipping_money = Money::new(shipping_amount, currency);
    let lines_total = total;
    let total = lines_total
        .checked_sub(discounts)
        .and_then(|t| t.checked_add(shipping_money))
        .map_err(|_| PlaceError::TotalOutOfRange)?;
    let totals = Totals { lines: lines_total, discounts, shipping: shipping_money, total };
    let redeemed: Vec<super::promotion::Promotion> = pricing
        .applied
        .iter()
        .filter_map(|d| {
            coupon.iter().chain(&terms.automatic).find(|o| o.promotion.code() == &d.code).map(|o| o.promotion.clone())
        })
        .collect();
    let mut shortages = Vec::new();
    let mut reserved = Vec::with_capacity(items.len());
    for (item, quantity) in &items {
        match stock::reserve(item, *quantity, now) {
            Ok(next) => reserved.push(next),
            Err(available) => shortages.push(Shortage { sku: item.sku.clone(), requested: *quantity, available }),
        }
    }
    if !shortages.is_empty() {
        return Err(PlaceError::Shortages(shortages));
    }
    let zero = Money::zero(currency);
    let order = Order {
        id,
        customer_id: request.customer_id,
        status: OrderStatus::PendingPayment,
        payment_status: PaymentStatus::Unpaid,
        fulfillment_status: FulfillmentStatus::Unfulfilled,
        lines,
        total,
        amount_paid: zero,
        amount_refunded: zero,
        refund_due: zero,
        shipping_address: Some(shipping_address),
        placed_at: now,
        payment_due_at: now + hold,
        cancellation: None,
        shipment: None,
        packed_at: None,
        delivered_at: None,
        stock_committed: false,
        returns_requested: BTreeMap::new(),
        return_ids: Vec::new(),
        personal_data_erased: false,
        notes: Vec::new(),
        payment_method: request.payment_method,
        gateway_payments: Vec::new(),
        counted_open: true,
        channel: request.channel,
        external_reference: request.external_reference,
        shipping,
        discounts: pricing.applied,
        totals: Some(totals),
    };
    // No level events: reservations are written commutatively, so an order cannot know whether
    // it is the one that takes an item into the low band. `stock-levels` lists the item and
    // raises `stock.low` from the table's stream (`stock::listing_due`).
    let events = vec![DomainEvent::OrderPlaced(placed_event(&order))];
    Ok(OrderChange { order, stock: reserved, events, redeemed })
}

/// `order.placed`: what a placed order says to the rest of the shop (no personal data).
fn placed_event(order: &Order) -> super::events::OrderPlaced {
    super::events::OrderPlaced {
        order_id: order.id.to_string(),
        customer_id: order.customer_id.to_string(),
        lines: order
            .lines
            .iter()
            .map(|l| super::events::LineQuantity { sku: l.sku.to_string(), quantity: l.quantity })
            .collect(),
        total: order.total,
        payment_due_at: order.payment_due_at,
        channel: order.channel.to_string(),
        lines_total: order.totals.map(|t| t.lines),
        shipping: order.totals.map(|t| t.shipping),
        discounts: order
            .discounts
            .iter()
            .map(|d| super::events::PromotionAmount { code: d.code.to_string(), amount: d.amount })
            .collect(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CancelError {
    #[error("the order has shipped; open a return instead")]
    AlreadyShipped,
    #[error("the order is no longer awaiting payment")]
    NotAwaitingPayment,
    #[error("the payment hold has not run out yet")]
    HoldNotOver,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelOutcome {
    /// Cancelled before: nothing to do, the request is a harmless replay.
    AlreadyCancelled,
    Cancelled(Box<Cancelled>),
}

/// A cancellation: the order as it is now and the units to give back to stock, per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancelled {
    pub order: Order,
    /// (SKU, units) the order had reserved. The store gives them back commutatively —
    /// `reserved -= q`, `available += q` — as place-order took them, so a cancellation needs no
    /// read of the stock and never conflicts with orders reserving the same SKU. An item this
    /// lifts out of the low band is unlisted, with `stock.replenished`, by `stock-levels`
    /// from the table's stream (`stock::unlisting_due`).
    pub releases: Vec<(Sku, u64)>,
    pub events: Vec<DomainEvent>,
}

/// Cancels an order that has not shipped, releasing every reservation.
pub fn cancel(order: &Order, reason: &str, by: &str, now: DateTime<Utc>) -> Result<CancelOutcome, CancelError> {
    if order.status == OrderStatus::Cancelled {
        return Ok(CancelOutcome::AlreadyCancelled);
    }
    if matches!(order.fulfillment_status, FulfillmentStatus::Shipped | FulfillmentStatus::Delivered) {
        return Err(CancelError::AlreadyShipped);
    }
    let refund_due = order.amount_paid.checked_sub(order.amount_refunded).unwrap_or(Money::zero(order.currency()));
    let cancelled = Order {
        status: OrderStatus::Cancelled,
        refund_due,
        cancellation: Some(Cancellation { reason: reason.to_owned(), by: by.to_owned(), at: now }),
        ..order.clone()
    };
    let events = vec![DomainEvent::OrderCancelled(super::events::OrderCancelled {
        order_id: order.id.to_string(),
        customer_id: order.customer_id.to_string(),
        reason: reason.to_owned(),
        refund_due,
        released: order
            .lines
            .iter()
            .map(|l| super::events::LineQuantity { sku: l.sku.to_string(), quantity: l.quantity })
            .collect(),
    })];
    let releases = order.lines.iter().map(|l| (l.sku.clone(), l.quantity)).collect();
    Ok(CancelOutcome::Cancelled(Box::new(Cancelled { order: cancelled, releases, events })))
}

/// The payment hold ran out: cancels with reason `payment_timeout`, but only an order that is
/// still pending and unpaid — a paid order never expires.
pub fn expire(order: &Order, now: DateTime<Utc>) -> Result<CancelOutcome, CancelError> {
    if !order.awaiting_payment() {
        return Err(CancelError::NotAwaitingPayment);
    }
    if now < order.payment_due_at {
        return Err(CancelError::HoldNotOver);
    }
    cancel(order, PAYMENT_TIMEOUT, "system:payment-expiry", now)
}

/// Stock items by SKU, for the decisions above.
pub fn by_sku(items: impl IntoIterator<Item = StockItem>) -> HashMap<Sku, StockItem> {
    items.into_iter().map(|i| (i.sku.clone(), i)).collect()
}

/// Quantities per SKU, for tests and reports.
pub fn quantities(order: &Order) -> BTreeMap<Sku, u64> {
    order.lines.iter().map(|l| (l.sku.clone(), l.quantity)).collect()
}

/// Fixtures shared by the domain's unit tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;
    use crate::domain::stock::Catalog;

    pub fn stock_item(sku: &str, on_hand: u64) -> StockItem {
        StockItem {
            sku: Sku::parse("sku", sku).unwrap(),
            catalog: Catalog {
                name: ShortText::parse("name", sku, 200).unwrap(),
                unit_price: Money::parse_price("p", 250, "BRL").unwrap(),
                reorder_point: 0,
                reorder_quantity: 10,
                weight_grams: None,
                dimensions: None,
            },
            on_hand,
            reserved: 0,
            updated_at: Utc::now(),
            listed_low: false,
        }
        .relisted()
    }

    /// A customer with a default shipping address, as registered.
    pub fn customer() -> Customer {
        let input = serde_json::from_value(serde_json::json!({
            "name": "Ana Souza", "email": "ana@example.com",
            "addresses": [{"kind": "shipping", "default": true, "recipient": "Ana", "line1": "Rua A, 1",
                           "city": "São Paulo", "postal_code": "01000-000", "country": "BR"}],
            "marketing_consent": {"granted": false}, "tags": []
        }))
        .unwrap();
        crate::domain::customer::create(CustomerId::parse("c", "cust-1").unwrap(), input, Utc::now()).unwrap()
    }

    /// An order for 4 units of one SKU, placed against 10 on hand, and the stock after it.
    pub fn placed_with_stock() -> (Order, HashMap<Sku, StockItem>) {
        let stock = by_sku(vec![stock_item("FIX-1", 10)]);
        let address = crate::domain::address::sample();
        let request = OrderRequest::new(
            CustomerId::parse("c", "cust-1").unwrap(),
            vec![(Sku::parse("sku", "FIX-1").unwrap(), 4)],
            Some(address),
        )
        .unwrap();
        let change =
            place(OrderId::new(), request, Some(&customer()), &stock, Duration::minutes(60), Utc::now()).unwrap();
        (change.order, by_sku(change.stock))
    }

    /// A placed order whose total is `total` minor units.
    pub fn placed_order(total: i64) -> Order {
        let (mut order, _) = placed_with_stock();
        order.total = Money::new(total, order.currency());
        order
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::customer;
    use super::*;
    use crate::domain::stock::Catalog;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn item(sku: &str, on_hand: u64, reserved: u64, price: i64, currency: &str) -> StockItem {
        StockItem {
            sku: Sku::parse("sku", sku).unwrap(),
            catalog: Catalog {
                name: ShortText::parse("name", sku, 200).unwrap(),
                unit_price: Money::parse_price("p", price, currency).unwrap(),
                reorder_point: 2,
                reorder_quantity: 10,
                weight_grams: None,
                dimensions: None,
            },
            on_hand,
            reserved,
            updated_at: now(),
            listed_low: false,
        }
        .relisted()
    }

    fn request(lines: &[(&str, u64)]) -> Result<OrderRequest, FieldError> {
        OrderRequest::new(
            CustomerId::parse("c", "cust-1").unwrap(),
            lines.iter().map(|(s, q)| (Sku::parse("sku", s).unwrap(), *q)).collect(),
            None,
        )
    }

    fn given(items: Vec<StockItem>) -> HashMap<Sku, StockItem> {
        by_sku(items)
    }

    #[test]
    fn duplicate_skus_are_merged_and_limits_hold() {
        let r = request(&[("A", 2), ("B", 1), ("A", 3)]).unwrap();
        assert_eq!(r.lines.iter().map(|(s, q)| (s.as_str(), *q)).collect::<Vec<_>>(), vec![("A", 5), ("B", 1)]);
        assert_eq!(request(&[]).unwrap_err().field, "lines");
        assert_eq!(request(&[("A", 0)]).unwrap_err().field, "lines[0].quantity");
        assert_eq!(request(&[("A", 1001)]).unwrap_err().field, "lines[0].quantity");
        assert_eq!(request(&[("A", 600), ("A", 600)]).unwrap_err().field, "lines[1].quantity");
        let many: Vec<(String, u64)> = (0..51).map(|i| (format!("S{i}"), 1)).collect();
        let many: Vec<(&str, u64)> = many.iter().map(|(s, q)| (s.as_str(), *q)).collect();
        assert_eq!(request(&many).unwrap_err().field, "lines");
    }

    #[test]
    fn placing_prices_from_stock_and_reserves_every_line() {
        let stock = given(vec![item("A", 10, 0, 1990, "BRL"), item("B", 5, 1, 500, "BRL")]);
        let change = place(
            OrderId::new(),
            request(&[("A", 3), ("B", 2)]).unwrap(),
            Some(&customer()),
            &stock,
            Duration::minutes(60),
            now(),
        )
        .unwrap();
        assert_eq!(change.order.total.amount(), 3 * 1990 + 2 * 500);
        assert_eq!(change.order.lines[0].line_total.amount(), 5970);
        assert_eq!(change.order.status, OrderStatus::PendingPayment);
        assert_eq!(change.order.payment_due_at, now() + Duration::minutes(60));
        let reserved: Vec<u64> = change.stock.iter().map(|i| i.reserved).collect();
        assert_eq!(reserved, vec![3, 3]);
        // B drops to 5 - 3 = 2 available = its reorder point: low, but the order cannot know it
        // took B there (its write is commutative); the listing is left to stock-levels.
        let b = &change.stock[1];
        assert!(b.is_low() && !b.listed_low);
        assert_eq!(stock::listing_due(b, 5).map(|l| l.levels[0].available), Some(2));
        let types: Vec<&str> = change.events.iter().map(DomainEvent::event_type).collect();
        assert_eq!(types, ["order.placed"]);
    }

    #[test]
    fn an_order_without_an_address_ships_to_the_customers_default_one() {
        let stock = given(vec![item("A", 10, 0, 100, "BRL")]);
        let buyer = tests_support::customer();
        let change =
            place(OrderId::new(), request(&[("A", 1)]).unwrap(), Some(&buyer), &stock, Duration::zero(), now())
                .unwrap();
        assert_eq!(change.order.shipping_address, buyer.default_shipping());
        assert!(change.order.counted_open, "a new order counts among its customer's open orders");
    }

    #[test]
    fn an_unknown_or_erased_customer_or_one_with_nowhere_to_ship_cannot_order() {
        let stock = given(vec![item("A", 10, 0, 100, "BRL")]);
        let buyer = tests_support::customer();
        let order = |customer: Option<&Customer>| {
            place(OrderId::new(), request(&[("A", 1)]).unwrap(), customer, &stock, Duration::zero(), now())
        };
        assert_eq!(order(None), Err(PlaceError::UnknownCustomer));
        let erased = crate::domain::customer::erase(&buyer, "dpo", now());
        assert_eq!(order(Some(&erased)), Err(PlaceError::CustomerErased));
        let homeless = Customer { addresses: Vec::new(), ..buyer };
        assert_eq!(order(Some(&homeless)), Err(PlaceError::NoShippingAddress));
    }

    #[test]
    fn a_short_line_refuses_the_whole_order() {
        let stock = given(vec![item("A", 10, 0, 100, "BRL"), item("B", 5, 4, 100, "BRL")]);
        let err = place(
            OrderId::new(),
            request(&[("A", 3), ("B", 2)]).unwrap(),
            Some(&customer()),
            &stock,
            Duration::zero(),
            now(),
        )
        .unwrap_err();
        let PlaceError::Shortages(s) = err else { panic!("{err:?}") };
        assert_eq!((s[0].sku.as_str(), s[0].requested, s[0].available), ("B", 2, 1));
    }

    #[test]
    fn unknown_skus_mixed_currencies_and_overflow_are_refused() {
        let stock = given(vec![
            item("A", 10, 0, 100, "BRL"),
            item("U", 10, 0, 100, "USD"),
            item("X", 10, 0, i64::MAX / 2, "BRL"),
        ]);
        let hold = Duration::zero();
        assert!(matches!(
            place(OrderId::new(), request(&[("A", 1), ("Z", 1)]).unwrap(), Some(&customer()), &stock, hold, now()),
            Err(PlaceError::UnknownSkus(s)) if s[0].as_str() == "Z"
        ));
        assert!(matches!(
            place(OrderId::new(), request(&[("A", 1), ("U", 1)]).unwrap(), Some(&customer()), &stock, hold, now()),
            Err(PlaceError::MixedCurrencies { others, .. }) if others[0].as_str() == "U"
        ));
        assert_eq!(
            place(OrderId::new(), request(&[("X", 3)]).unwrap(), Some(&customer()), &stock, hold, now()),
            Err(PlaceError::TotalOutOfRange)
        );
    }

    #[test]
    fn a_note_is_appended_with_its_author_and_the_event_carries_no_text() {
        let text = ShortText::parse("text", "Customer asked to leave it with the doorman", 1000).unwrap();
        let (next, events) = add_note(&placed(), &text, "ana", now()).unwrap();
        assert_eq!(
            (next.notes.len(), next.notes[0].text.as_str(), next.notes[0].by.as_str()),
            (1, text.as_str(), "ana")
        );
        let event = serde_json::to_string(&events).unwrap();
        assert!(event.contains("order.note_added") && !event.contains("doorman"), "{event}");

        let erased = Order { personal_data_erased: true, ..placed() };
        assert_eq!(add_note(&erased, &text, "ana", now()), Err(NoteError::Erased));
        let full = Order { notes: vec![next.notes[0].clone(); MAX_NOTES], ..placed() };
        assert_eq!(add_note(&full, &text, "ana", now()), Err(NoteError::TooMany));
    }

    fn placed() -> Order {
        let stock = given(vec![item("A", 10, 0, 100, "BRL")]);
        place(OrderId::new(), request(&[("A", 4)]).unwrap(), Some(&customer()), &stock, Duration::minutes(1), now())
            .unwrap()
            .order
    }

    #[test]
    fn cancelling_releases_exactly_what_was_reserved_and_twice_is_a_replay() {
        let order = placed();
        let CancelOutcome::Cancelled(change) = cancel(&order, "customer asked", "op", now()).unwrap() else { panic!() };
        assert_eq!(change.releases, vec![(Sku::parse("sku", "A").unwrap(), 4)]);
        assert_eq!(change.order.status, OrderStatus::Cancelled);
        assert_eq!(change.order.refund_due.amount(), 0);
        assert_eq!(cancel(&change.order, "again", "op", now()).unwrap(), CancelOutcome::AlreadyCancelled);
    }

    #[test]
    fn shipped_orders_cannot_be_cancelled() {
        let mut order = placed();
        order.fulfillment_status = FulfillmentStatus::Shipped;
        assert_eq!(cancel(&order, "late", "op", now()), Err(CancelError::AlreadyShipped));
    }

    #[test]
    fn only_unpaid_orders_past_their_hold_expire() {
        let mut order = placed();
        assert_eq!(expire(&order, now()), Err(CancelError::HoldNotOver));
        let later = now() + Duration::minutes(2);
        assert!(
            matches!(expire(&order, later), Ok(CancelOutcome::Cancelled(c)) if c.order.cancellation.as_ref().unwrap().reason == PAYMENT_TIMEOUT)
        );
        order.payment_status = PaymentStatus::Paid;
        assert_eq!(expire(&order, later), Err(CancelError::NotAwaitingPayment));
    }

    #[test]
    fn a_paid_order_cancelled_owes_the_money_back() {
        let mut order = placed();
        order.amount_paid = order.total;
        order.payment_status = PaymentStatus::Paid;
        order.status = OrderStatus::Paid;
        let CancelOutcome::Cancelled(change) = cancel(&order, "out of stock at the warehouse", "op", now()).unwrap()
        else {
            panic!()
        };
        assert_eq!(change.order.refund_due, order.total);
    }

    #[test]
    fn an_orders_personal_data_is_its_address_and_notes_and_nothing_else() {
        let text = ShortText::parse("text", "ring twice", 1000).unwrap();
        let (order, _) = add_note(&placed(), &text, "ana", now()).unwrap();
        let full = serde_json::to_value(&order).unwrap();
        let without = serde_json::to_value(order.without_personal_data()).unwrap();
        let removed: std::collections::BTreeSet<&str> =
            full.as_object().unwrap().keys().map(String::as_str).filter(|k| without.get(k).is_none()).collect();
        assert_eq!(removed, PERSONAL_DATA.into_iter().collect());
    }

    fn sedex() -> crate::domain::shipping::ShippingMethod {
        use crate::domain::shipping::{MethodCode, RateTable, ShippingMethod};
        let rates: Vec<crate::domain::shipping::RateInput> = serde_json::from_value(serde_json::json!([
            {"zone": {"countries": ["BR"], "states": ["SP"]}, "bands": [{"up_to_grams": 1000, "price": 1290}]}
        ]))
        .unwrap();
        ShippingMethod {
            code: MethodCode::parse("m", "sedex").unwrap(),
            name: "SEDEX".into(),
            carrier: "Correios".into(),
            service_code: "03220".into(),
            active: true,
            table: RateTable::parse(Currency::parse("c", "BRL").unwrap(), &rates, None).unwrap(),
        }
    }

    fn weighing(mut i: StockItem, grams: u64) -> StockItem {
        i.catalog.weight_grams = Some(grams);
        i
    }

    #[test]
    fn totals_read_lines_less_discounts_plus_shipping_and_a_line_refunds_what_was_paid_for_it() {
        use crate::domain::promotion::{Offer, Promotion, PromotionCode, PromotionInput, Redemptions};
        // Given three lines of R$3.33, a R$1.00 coupon and SEDEX to São Paulo state
        let stock = given(vec![
            weighing(item("A", 5, 0, 333, "BRL"), 100),
            weighing(item("B", 5, 0, 333, "BRL"), 100),
            weighing(item("C", 5, 0, 333, "BRL"), 100),
        ]);
        let mut input: PromotionInput = serde_json::from_value(serde_json::json!({
            "name": "Um real", "benefit": {"kind": "amount_off", "amount": 100}, "currency": "BRL"
        }))
        .unwrap();
        input.combinable = false;
        let coupon = Promotion::parse(PromotionCode::parse("c", "REAL").unwrap(), &input).unwrap();
        let method = sedex();
        let terms = SaleTerms {
            method: Some(&method),
            coupon: Some(Offer { promotion: &coupon, redeemed: Redemptions::default() }),
            automatic: vec![],
        };
        let mut r = request(&[("A", 1), ("B", 1), ("C", 1)]).unwrap();
        r.shipping_address = Some(customer().default_shipping().unwrap());
        r.shipping_method = Some(crate::domain::shipping::MethodCode::parse("m", "sedex").unwrap());
        r.coupon = Some(PromotionCode::parse("coupon", "real").unwrap());
        // When placed
        let change = place_with(OrderId::new(), r.clone(), Some(&customer()), &stock, &terms, Duration::zero(), now());
        // Then the address's state is not SP: refused as not served
        assert_eq!(change.unwrap_err(), PlaceError::Shipping(crate::domain::shipping::QuoteError::NotServed));
        let sp = customer();
        let mut address = serde_json::to_value(sp.default_shipping().unwrap()).unwrap();
        address["region"] = serde_json::json!("SP");
        r.shipping_address = Some(serde_json::from_value(address).unwrap());
        let change = place_with(OrderId::new(), r.clone(), Some(&sp), &stock, &terms, Duration::zero(), now()).unwrap();
        let o = change.order;
        let totals = o.totals.unwrap();
        assert_eq!(
            (totals.lines.amount(), totals.discounts.amount(), totals.shipping.amount(), totals.total.amount()),
            (999, 100, 1290, 2189)
        );
        assert_eq!(o.total.amount(), 2189);
        let shares: Vec<i64> = o.lines.iter().map(|l| l.discount.unwrap().amount()).collect();
        assert_eq!(shares, [34, 33, 33]);
        assert_eq!(o.lines[0].paid().amount(), 299);
        assert_eq!(o.discounts[0].code.as_str(), "REAL");
        assert_eq!(o.shipping.as_ref().unwrap().basis, ChargeBasis::Computed);
        // A charge the storefront gives is recorded as given
        r.shipping_charge = Some(990);
        let o =
            place_with(OrderId::new(), r.clone(), Some(&sp), &stock, &terms, Duration::zero(), now()).unwrap().order;
        assert_eq!((o.total.amount(), o.shipping.unwrap().basis), (999 - 100 + 990, ChargeBasis::Given));
        // An exhausted coupon refuses the order, or is left out when the request says so
        let limited = {
            let mut i = input.clone();
            i.limit = Some(50);
            Promotion::parse(PromotionCode::parse("c", "REAL").unwrap(), &i).unwrap()
        };
        let spent = SaleTerms {
            method: Some(&method),
            coupon: Some(Offer { promotion: &limited, redeemed: Redemptions { total: 50, by_customer: 0 } }),
            automatic: vec![],
        };
        let refused = place_with(OrderId::new(), r.clone(), Some(&sp), &stock, &spent, Duration::zero(), now());
        assert_eq!(refused.unwrap_err(), PlaceError::Coupon(crate::domain::promotion::CouponError::Exhausted));
        r.without_coupon_if_refused = true;
        let o = place_with(OrderId::new(), r, Some(&sp), &stock, &spent, Duration::zero(), now()).unwrap().order;
        assert!(o.discounts.is_empty());
        assert_eq!(o.total.amount(), 999 + 990);
    }
}
