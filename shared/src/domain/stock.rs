//! Stock items and their ledger. `available = on_hand − reserved` never goes negative: every
//! decision here refuses a change that would break that, and the store re-checks the same
//! invariant as a DynamoDB condition when it writes the decision.

use super::ids::{MovementId, Sku};
use super::money::Money;
use super::text::ShortText;
use crate::events::{DomainEvent, StockLevel, StockLevels};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Largest quantity one adjustment may move, and the largest on-hand figure a count may set.
/// Bounds keep every counter far from integer overflow.
pub const MAX_ADJUSTMENT: u64 = 1_000_000;
pub const MAX_ON_HAND: u64 = 1_000_000_000;
pub const MAX_REORDER: u64 = 1_000_000;

/// Catalog data: what `PUT /stock/{sku}` sets. Never touches quantities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    pub name: ShortText,
    pub unit_price: Money,
    pub reorder_point: u64,
    pub reorder_quantity: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockItem {
    pub sku: Sku,
    pub catalog: Catalog,
    pub on_hand: u64,
    pub reserved: u64,
    /// Incremented on every change; the store writes only if the stored version is unchanged.
    pub version: u64,
    pub updated_at: DateTime<Utc>,
    /// Whether the stored item carries the low-stock listing (`GET /stock?low=true`), as read.
    /// Every exact write of the item derives the listing from the level again, raising
    /// `stock.low` or `stock.replenished` when it changes; a reservation, commutative, leaves it
    /// as it is, and so does a release; `stock-levels` lists an item a reservation took into the
    /// low band and unlists one a release lifted out of it.
    pub listed_low: bool,
}

impl StockItem {
    pub fn available(&self) -> u64 {
        self.on_hand.saturating_sub(self.reserved)
    }

    /// At or below the reorder point: listed by `GET /stock?low=true`, alerts raised on entry.
    pub fn is_low(&self) -> bool {
        self.available() <= self.catalog.reorder_point
    }

    /// The item as an exact write stores it: listed exactly when it is low.
    pub fn relisted(self) -> Self {
        Self { listed_low: self.is_low(), ..self }
    }

    pub fn level(&self) -> StockLevel {
        StockLevel {
            sku: self.sku.to_string(),
            on_hand: self.on_hand,
            reserved: self.reserved,
            available: self.available(),
            reorder_point: self.catalog.reorder_point,
            reorder_quantity: self.catalog.reorder_quantity,
            stock_version: self.version,
        }
    }
}

/// Why an operator moved stock by a signed delta.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeltaReason {
    Received,
    Damaged,
    Lost,
    Found,
    Correction,
    Other,
}

/// The kind of a ledger movement: an operator's reason, a cycle count, or (later issues) the
/// movements that fulfillment and returns make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    Received,
    Damaged,
    Lost,
    Found,
    Correction,
    Other,
    Count,
    Shipped,
    Returned,
}

impl DeltaReason {
    /// The sign a delta with this reason must have: goods received or found add, goods damaged
    /// or lost take away; a correction or another reason may go either way. `None`: either.
    pub fn direction(self) -> Option<std::cmp::Ordering> {
        use std::cmp::Ordering::{Greater, Less};
        match self {
            Self::Received | Self::Found => Some(Greater),
            Self::Damaged | Self::Lost => Some(Less),
            Self::Correction | Self::Other => None,
        }
    }
}

impl From<DeltaReason> for MovementKind {
    fn from(r: DeltaReason) -> Self {
        match r {
            DeltaReason::Received => Self::Received,
            DeltaReason::Damaged => Self::Damaged,
            DeltaReason::Lost => Self::Lost,
            DeltaReason::Found => Self::Found,
            DeltaReason::Correction => Self::Correction,
            DeltaReason::Other => Self::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adjustment {
    /// Move on_hand by a non-zero delta (bounded by [`MAX_ADJUSTMENT`]).
    Delta { delta: i64, reason: DeltaReason },
    /// Cycle count: compare-and-swap of the on-hand figure.
    Count { set_on_hand: u64, expected_on_hand: u64 },
}

/// One line of a SKU's ledger. `on_hand` equals the sum of its movements' deltas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    pub id: MovementId,
    pub sku: Sku,
    pub kind: MovementKind,
    pub delta: i64,
    pub on_hand_after: u64,
    pub reserved_after: u64,
    pub reference: Option<ShortText>,
    pub note: Option<ShortText>,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// Who and why, carried onto the ledger line.
#[derive(Debug, Clone, Default)]
pub struct MovementContext {
    pub actor: String,
    pub reference: Option<ShortText>,
    pub note: Option<ShortText>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StockError {
    #[error("on_hand would drop to {on_hand_after}, below the {reserved} units reserved for orders")]
    BelowReserved { on_hand_after: i64, reserved: u64 },
    #[error("the count expected {expected} on hand but the ledger holds {current}")]
    CountMismatch { expected: u64, current: u64 },
    #[error("the adjustment would take on_hand outside 0..={MAX_ON_HAND}")]
    OutOfRange,
}

/// The outcome of a decision: the new item, the ledger line (if quantities moved) and events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockChange {
    pub item: StockItem,
    pub movement: Option<Movement>,
    pub events: Vec<DomainEvent>,
}

/// Registers a new SKU (quantities zero) or replaces the catalog data of an existing one.
pub fn register(existing: Option<&StockItem>, sku: Sku, catalog: Catalog, now: DateTime<Utc>) -> StockChange {
    let item = match existing {
        Some(current) => StockItem { catalog, version: current.version + 1, updated_at: now, ..current.clone() },
        None => StockItem { sku, catalog, on_hand: 0, reserved: 0, version: 1, updated_at: now, listed_low: false },
    }
    .relisted();
    let events = level_events(existing, &item);
    StockChange { item, movement: None, events }
}

/// Applies an operator's adjustment or cycle count.
pub fn adjust(
    item: &StockItem,
    adjustment: Adjustment,
    ctx: MovementContext,
    now: DateTime<Utc>,
) -> Result<StockChange, StockError> {
    let (kind, new_on_hand) = match adjustment {
        Adjustment::Delta { delta, reason } => {
            let target = i64::try_from(item.on_hand).map_err(|_| StockError::OutOfRange)? + delta;
            (MovementKind::from(reason), target)
        }
        Adjustment::Count { set_on_hand, expected_on_hand } => {
            if expected_on_hand != item.on_hand {
                return Err(StockError::CountMismatch { expected: expected_on_hand, current: item.on_hand });
            }
            (MovementKind::Count, i64::try_from(set_on_hand).map_err(|_| StockError::OutOfRange)?)
        }
    };
    if new_on_hand < 0 || new_on_hand < item.reserved as i64 {
        return Err(StockError::BelowReserved { on_hand_after: new_on_hand, reserved: item.reserved });
    }
    let new_on_hand = new_on_hand as u64;
    if new_on_hand > MAX_ON_HAND {
        return Err(StockError::OutOfRange);
    }
    let delta = new_on_hand as i64 - item.on_hand as i64;
    let next =
        StockItem { on_hand: new_on_hand, version: item.version + 1, updated_at: now, ..item.clone() }.relisted();
    let movement = Movement {
        id: MovementId::new(),
        sku: item.sku.clone(),
        kind,
        delta,
        on_hand_after: next.on_hand,
        reserved_after: next.reserved,
        reference: ctx.reference,
        note: ctx.note,
        actor: ctx.actor,
        at: now,
    };
    let events = level_events(Some(item), &next);
    Ok(StockChange { item: next, movement: Some(movement), events })
}

/// Reserves `quantity` units for an order: `Err(available)` when fewer are available. The
/// store writes a reservation commutatively, so the listing is left as read (see
/// [`listing_due`]).
pub fn reserve(item: &StockItem, quantity: u64, now: DateTime<Utc>) -> Result<StockItem, u64> {
    if quantity > item.available() {
        return Err(item.available());
    }
    Ok(StockItem { reserved: item.reserved + quantity, version: item.version + 1, updated_at: now, ..item.clone() })
}

/// Gives back units an order had reserved (cancelled or expired), as the store writes it:
/// commutatively, like a reservation, so the listing is left as read (see [`unlisting_due`]).
pub fn release(item: &StockItem, quantity: u64, now: DateTime<Utc>) -> StockItem {
    StockItem {
        reserved: item.reserved.saturating_sub(quantity),
        version: item.version + 1,
        updated_at: now,
        ..item.clone()
    }
}

/// Ships units an order had reserved: they leave on_hand and reserved together, so available
/// does not move.
pub fn ship(item: &StockItem, quantity: u64, now: DateTime<Utc>) -> StockItem {
    StockItem {
        on_hand: item.on_hand.saturating_sub(quantity),
        reserved: item.reserved.saturating_sub(quantity),
        version: item.version + 1,
        updated_at: now,
        ..item.clone()
    }
    .relisted()
}

/// `stock.low` when an exact write lists an item (it is low and was not listed), and
/// `stock.replenished` when it unlists one. Decided from the listing read, not from the level
/// read: an item a reservation took into the low band may not be listed yet, and then no alert
/// was raised for it.
pub fn level_events(before: Option<&StockItem>, after: &StockItem) -> Vec<DomainEvent> {
    level_events_many(&[(before, after)])
}

/// The level events of several items changed in one transaction: at most one `stock.low` and
/// one `stock.replenished`, each listing every SKU that crossed.
pub fn level_events_many(changes: &[(Option<&StockItem>, &StockItem)]) -> Vec<DomainEvent> {
    let mut entered = Vec::new();
    let mut left = Vec::new();
    for (before, after) in changes {
        match (before.is_some_and(|b| b.listed_low), after.is_low()) {
            (false, true) => entered.push(after.level()),
            (true, false) => left.push(after.level()),
            _ => {}
        }
    }
    let mut events = Vec::new();
    if !entered.is_empty() {
        events.push(DomainEvent::StockLow(StockLevels { levels: entered }));
    }
    if !left.is_empty() {
        events.push(DomainEvent::StockReplenished(StockLevels { levels: left }));
    }
    events
}

/// The listing a reservation left behind: an item it took into the low band is listed, with
/// `stock.low` carrying the levels it was seen at. `None` when the item's listing is right.
/// (Reservations only ever lower the level, so an item they leave listed is still low.)
pub fn listing_due(item: &StockItem) -> Option<StockLevels> {
    (item.is_low() && !item.listed_low).then(|| StockLevels { levels: vec![item.level()] })
}

/// The unlisting a release left behind: a listed item a cancellation lifted out of the low band
/// is unlisted, with `stock.replenished` carrying the levels it was seen at. `None` when the
/// item's listing is right. (Releases only ever raise the level, so an item they leave out of
/// the band stays out until someone reserves or adjusts it — and then that write decides.)
pub fn unlisting_due(item: &StockItem) -> Option<StockLevels> {
    (item.listed_low && !item.is_low()).then(|| StockLevels { levels: vec![item.level()] })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    fn catalog(reorder_point: u64) -> Catalog {
        Catalog {
            name: ShortText::parse("name", "Mug", 200).unwrap(),
            unit_price: Money::new(1990, Currency::parse("c", "BRL").unwrap()),
            reorder_point,
            reorder_quantity: 50,
        }
    }

    /// given an item with these counters
    fn given(on_hand: u64, reserved: u64, reorder_point: u64) -> StockItem {
        StockItem {
            sku: Sku::parse("sku", "MUG-1").unwrap(),
            catalog: catalog(reorder_point),
            on_hand,
            reserved,
            version: 7,
            updated_at: now(),
            listed_low: false,
        }
        .relisted()
    }

    fn delta(delta: i64, reason: DeltaReason) -> Adjustment {
        Adjustment::Delta { delta, reason }
    }

    #[test]
    fn registering_creates_at_zero_and_updates_keep_quantities() {
        let created = register(None, Sku::parse("sku", "MUG-1").unwrap(), catalog(0), now());
        assert_eq!((created.item.on_hand, created.item.reserved, created.item.version), (0, 0, 1));
        // zero available is at a zero reorder point: a new, empty product is low from the start
        assert!(matches!(created.events.as_slice(), [DomainEvent::StockLow(_)]));

        let stocked = given(30, 5, 10);
        let updated = register(Some(&stocked), stocked.sku.clone(), catalog(2), now());
        assert_eq!((updated.item.on_hand, updated.item.reserved, updated.item.version), (30, 5, 8));
        assert!(updated.movement.is_none());
    }

    #[test]
    fn a_received_delta_moves_on_hand_and_writes_one_ledger_line() {
        let change =
            adjust(&given(10, 4, 2), delta(5, DeltaReason::Received), MovementContext::default(), now()).unwrap();
        assert_eq!(change.item.on_hand, 15);
        assert_eq!(change.item.version, 8);
        let m = change.movement.unwrap();
        assert_eq!((m.kind, m.delta, m.on_hand_after, m.reserved_after), (MovementKind::Received, 5, 15, 4));
    }

    #[test]
    fn on_hand_never_drops_below_reserved() {
        let err =
            adjust(&given(10, 8, 0), delta(-3, DeltaReason::Damaged), MovementContext::default(), now()).unwrap_err();
        assert_eq!(err, StockError::BelowReserved { on_hand_after: 7, reserved: 8 });
        let err = adjust(&given(2, 0, 0), delta(-3, DeltaReason::Lost), MovementContext::default(), now()).unwrap_err();
        assert!(matches!(err, StockError::BelowReserved { on_hand_after: -1, .. }));
    }

    #[test]
    fn a_count_is_a_compare_and_swap() {
        let item = given(10, 0, 0);
        let stale = Adjustment::Count { set_on_hand: 12, expected_on_hand: 9 };
        assert_eq!(
            adjust(&item, stale, MovementContext::default(), now()).unwrap_err(),
            StockError::CountMismatch { expected: 9, current: 10 }
        );
        let ok = Adjustment::Count { set_on_hand: 7, expected_on_hand: 10 };
        let change = adjust(&item, ok, MovementContext::default(), now()).unwrap();
        let m = change.movement.unwrap();
        assert_eq!((m.kind, m.delta, change.item.on_hand), (MovementKind::Count, -3, 7));
    }

    #[test]
    fn entering_and_leaving_the_low_band_raise_one_event_each() {
        let down =
            adjust(&given(12, 0, 10), delta(-2, DeltaReason::Damaged), MovementContext::default(), now()).unwrap();
        assert!(matches!(down.events.as_slice(), [DomainEvent::StockLow(l)] if l.levels[0].available == 10));
        let further = adjust(&down.item, delta(-1, DeltaReason::Lost), MovementContext::default(), now()).unwrap();
        assert!(further.events.is_empty(), "already low: no second alert");
        let up = adjust(&further.item, delta(40, DeltaReason::Received), MovementContext::default(), now()).unwrap();
        assert!(matches!(up.events.as_slice(), [DomainEvent::StockReplenished(l)] if l.levels[0].available == 49));
    }

    #[test]
    fn a_release_leaves_the_listing_and_an_item_lifted_out_of_the_band_is_due_its_unlisting() {
        let listed = StockItem { listed_low: true, ..reserve(&given(12, 0, 10), 3, now()).unwrap() };
        assert_eq!(unlisting_due(&listed), None, "still low: the listing is right");
        let released = release(&listed, 3, now());
        assert!(released.listed_low && !released.is_low(), "a release does not touch the listing");
        let due = unlisting_due(&released).expect("a listed item out of the band is due its unlisting");
        assert_eq!((due.levels[0].available, due.levels[0].stock_version), (12, 9));
        assert_eq!(listing_due(&released), None);
        assert_eq!(unlisting_due(&StockItem { listed_low: false, ..released }), None);
    }

    #[test]
    fn a_reservation_leaves_the_listing_and_the_first_exact_write_or_listing_raises_the_alert() {
        // Reserved into the low band: not listed yet, so the listing is due, once.
        let reserved = reserve(&given(12, 0, 10), 3, now()).unwrap();
        assert!(reserved.is_low() && !reserved.listed_low);
        let due = listing_due(&reserved).expect("a low, unlisted item is due its listing");
        assert_eq!((due.levels[0].available, due.levels[0].stock_version), (9, 8));
        assert_eq!(listing_due(&StockItem { listed_low: true, ..reserved.clone() }), None);
        assert_eq!(listing_due(&given(12, 0, 10)), None, "above the reorder point: nothing due");
        // An exact write before the listing raises stock.low itself, and lists the item.
        let damaged = adjust(&reserved, delta(-1, DeltaReason::Damaged), MovementContext::default(), now()).unwrap();
        assert!(matches!(damaged.events.as_slice(), [DomainEvent::StockLow(l)] if l.levels[0].available == 8));
        assert!(damaged.item.listed_low);
        // Lifted out of the band before anyone listed it: no alert was raised, none is closed.
        let received = adjust(&reserved, delta(5, DeltaReason::Received), MovementContext::default(), now()).unwrap();
        assert!(received.events.is_empty() && !received.item.listed_low);
        // Shipping does not move the level but lists an item a reservation left unlisted.
        let shipped = ship(&reserved, 2, now());
        assert!(shipped.listed_low);
        assert!(matches!(level_events(Some(&reserved), &shipped).as_slice(), [DomainEvent::StockLow(_)]));
    }

    #[test]
    fn out_of_range_counts_are_refused() {
        let item = given(0, 0, 0);
        let huge = Adjustment::Count { set_on_hand: MAX_ON_HAND + 1, expected_on_hand: 0 };
        assert_eq!(adjust(&item, huge, MovementContext::default(), now()).unwrap_err(), StockError::OutOfRange);
    }
}
