//! Stock items and their ledger. `available = on_hand − reserved` never goes negative: every
//! decision here refuses a change that would break that, and the store re-checks the same
//! invariant as a DynamoDB condition when it writes the decision.

use super::events::{DomainEvent, StockLevel, StockLevels};
use super::ids::{MovementId, Sku};
use super::money::Money;
use super::text::{FieldError, ShortText};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    /// What one unit weighs packed, for shipping quotes.
    pub weight_grams: Option<u64>,
    /// Its packed size, for carriers that price by volume.
    pub dimensions: Option<Dimensions>,
}

/// The heaviest unit and the longest side the catalogue takes (a pallet's worth).
pub const MAX_WEIGHT_GRAMS: u64 = 1_000_000;
pub const MAX_SIDE_MM: u64 = 10_000;

/// A packed unit's sides in millimetres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimensions {
    pub length_mm: u64,
    pub width_mm: u64,
    pub height_mm: u64,
}

impl Dimensions {
    /// Each side from 1 mm to [`MAX_SIDE_MM`].
    pub fn parse(field: &str, raw: Dimensions) -> Result<Self, FieldError> {
        for (name, side) in [("length_mm", raw.length_mm), ("width_mm", raw.width_mm), ("height_mm", raw.height_mm)] {
            if !(1..=MAX_SIDE_MM).contains(&side) {
                return Err(FieldError::new(format!("{field}.{name}"), format!("must be from 1 to {MAX_SIDE_MM}")));
            }
        }
        Ok(raw)
    }
}

/// A unit's weight, from 1 g to [`MAX_WEIGHT_GRAMS`].
pub fn weight(field: &str, grams: u64) -> Result<u64, FieldError> {
    if (1..=MAX_WEIGHT_GRAMS).contains(&grams) {
        Ok(grams)
    } else {
        Err(FieldError::new(field, format!("must be from 1 to {MAX_WEIGHT_GRAMS} grams")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockItem {
    pub(crate) sku: Sku,
    pub(crate) catalog: Catalog,
    pub(crate) on_hand: u64,
    pub(crate) reserved: u64,
    pub(crate) updated_at: DateTime<Utc>,
    /// Whether the stored item carries the low-stock listing (`GET /stock?low=true`), as read.
    /// A new item is created listed exactly when it is low, with `stock.low`; after that every
    /// change is commutative and leaves the listing as it is, and `stock-levels` lists an item
    /// something took into the low band and unlists one something lifted out of it, from the
    /// table's stream.
    pub(crate) listed_low: bool,
}

/// Reading a stock item from outside the domain: it changes only through the domain's decisions.
impl StockItem {
    pub fn sku(&self) -> &Sku {
        &self.sku
    }
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }
    pub fn on_hand(&self) -> u64 {
        self.on_hand
    }
    pub fn reserved(&self) -> u64 {
        self.reserved
    }
    pub fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
    pub fn listed_low(&self) -> bool {
        self.listed_low
    }
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

    /// The item's level at `version`, the stored item's version it was read at (the store
    /// moves it on every write, so alerts about one SKU are ordered by it).
    pub fn level(&self, version: u64) -> StockLevel {
        StockLevel {
            sku: self.sku.to_string(),
            on_hand: self.on_hand,
            reserved: self.reserved,
            available: self.available(),
            reorder_point: self.catalog.reorder_point,
            reorder_quantity: self.catalog.reorder_quantity,
            stock_version: version,
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

/// A change to a stock item's counters that the store adds to what is stored — `on_hand +=`,
/// `reserved +=` — instead of writing figures it read. It holds under a condition on the counters
/// alone ([`CounterMove::allowed_on`], mirrored by the store's condition expression), so it
/// never waits for, or retries behind, other writes to the item: a flash sale's reservations,
/// a shipment, a receipt and a write-off of one SKU all commit side by side, and
/// `0 ≤ reserved ≤ on_hand ≤ MAX_ON_HAND` holds whatever order they land in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterMove {
    pub sku: Sku,
    pub on_hand: i64,
    pub reserved: i64,
}

impl CounterMove {
    /// An order takes `q` units: they stay on hand, reserved.
    pub fn reserve(sku: &Sku, q: u64) -> Self {
        Self { sku: sku.clone(), on_hand: 0, reserved: q as i64 }
    }

    /// A cancelled or expired order gives back what it reserved.
    pub fn release(sku: &Sku, q: u64) -> Self {
        Self { sku: sku.clone(), on_hand: 0, reserved: -(q as i64) }
    }

    /// Shipped units leave on hand and reserved together: available does not move.
    pub fn ship(sku: &Sku, q: u64) -> Self {
        Self { sku: sku.clone(), on_hand: -(q as i64), reserved: -(q as i64) }
    }

    /// Goods received, found, returned (positive) or written off (negative).
    pub fn on_hand(sku: &Sku, delta: i64) -> Self {
        Self { sku: sku.clone(), on_hand: delta, reserved: 0 }
    }

    /// How `available` moves.
    pub fn available(&self) -> i64 {
        self.on_hand - self.reserved
    }

    /// The rule the store's condition enforces: applied to `item`'s counters, the move keeps
    /// `reserved ≥ 0`, `available ≥ 0` (so `on_hand ≥ reserved`) and `on_hand ≤ MAX_ON_HAND`.
    pub fn allowed_on(&self, item: &StockItem) -> bool {
        let (on_hand, reserved) = (item.on_hand as i64 + self.on_hand, item.reserved as i64 + self.reserved);
        reserved >= 0 && on_hand >= reserved && on_hand <= MAX_ON_HAND as i64
    }

    /// The item as this move leaves it when nothing else moved meanwhile (the listing as read).
    pub fn applied_to(&self, item: &StockItem, now: DateTime<Utc>) -> StockItem {
        StockItem {
            on_hand: (item.on_hand as i64 + self.on_hand).max(0) as u64,
            reserved: (item.reserved as i64 + self.reserved).max(0) as u64,
            updated_at: now,
            ..item.clone()
        }
    }
}

/// How an adjustment is written: a commutative move, or a cycle count's compare-and-swap of
/// `on_hand` (it sets a figure, so it holds only if on_hand is still what was counted against;
/// reservations do not move on_hand, so a count does not wait for them either).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockWrite {
    Move(CounterMove),
    Count { sku: Sku, set_on_hand: u64, expected_on_hand: u64 },
}

/// One line of a SKU's ledger. `on_hand` equals the sum of its movements' deltas.
///
/// `on_hand_after` is known only where the write sets it: a count sets `on_hand` (and records
/// it); every other movement is written commutatively beside whatever else moves the item at
/// that moment, so its line records the delta alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    pub id: MovementId,
    pub sku: Sku,
    pub kind: MovementKind,
    pub delta: i64,
    pub on_hand_after: Option<u64>,
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

/// A catalog decision: the item as it will read, and the events (a new item's listing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub item: StockItem,
    /// True for a new SKU: it is created (only if absent). Otherwise only the catalog fields are
    /// written, beside whatever moves the counters at the same moment.
    pub created: bool,
    pub events: Vec<DomainEvent>,
}

/// Registers a new SKU (quantities zero, listed low from the start with `stock.low`: nothing is
/// available) or replaces the catalog data of an existing one. A changed reorder point can move
/// an item into or out of the low band; `stock-levels` sees it on the stream and (un)lists it.
pub fn register(existing: Option<&StockItem>, sku: Sku, catalog: Catalog, now: DateTime<Utc>) -> Registered {
    match existing {
        Some(current) => Registered {
            item: StockItem { catalog, updated_at: now, ..current.clone() },
            created: false,
            events: Vec::new(),
        },
        None => {
            let item =
                StockItem { sku, catalog, on_hand: 0, reserved: 0, updated_at: now, listed_low: false }.relisted();
            let events = level_events(None, &item, super::FIRST_VERSION);
            Registered { item, created: true, events }
        }
    }
}

/// An adjustment decided: what to write, its ledger line, and the item as it leaves it when
/// nothing else moved meanwhile (what the answer shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjusted {
    pub write: StockWrite,
    pub movement: Movement,
    pub item: StockItem,
}

/// Applies an operator's adjustment or cycle count to the item as read. The store writes it
/// under the same rule as a condition on the stored counters; when something else moved the
/// item first and the rule no longer holds, the refusal brings the item back and this decides
/// again (a 409 then says why).
pub fn adjust(
    item: &StockItem,
    adjustment: Adjustment,
    ctx: MovementContext,
    now: DateTime<Utc>,
) -> Result<Adjusted, StockError> {
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
    let (write, on_hand_after) = match kind {
        MovementKind::Count => (
            StockWrite::Count { sku: item.sku.clone(), set_on_hand: new_on_hand, expected_on_hand: item.on_hand },
            Some(new_on_hand),
        ),
        _ => (StockWrite::Move(CounterMove::on_hand(&item.sku, delta)), None),
    };
    let next = StockItem { on_hand: new_on_hand, updated_at: now, ..item.clone() };
    let movement = Movement {
        id: MovementId::new(),
        sku: item.sku.clone(),
        kind,
        delta,
        on_hand_after,
        reference: ctx.reference,
        note: ctx.note,
        actor: ctx.actor,
        at: now,
    };
    Ok(Adjusted { write, movement, item: next })
}

/// Reserves `quantity` units for an order: `Err(available)` when fewer are available. The
/// store writes a reservation commutatively, so the listing is left as read (see
/// [`listing_due`]).
pub fn reserve(item: &StockItem, quantity: u64, now: DateTime<Utc>) -> Result<StockItem, u64> {
    if quantity > item.available() {
        return Err(item.available());
    }
    Ok(StockItem { reserved: item.reserved + quantity, updated_at: now, ..item.clone() })
}

/// Gives back units an order had reserved (cancelled or expired), as the store writes it:
/// commutatively, like a reservation, so the listing is left as read (see [`unlisting_due`]).
pub fn release(item: &StockItem, quantity: u64, now: DateTime<Utc>) -> StockItem {
    StockItem { reserved: item.reserved.saturating_sub(quantity), updated_at: now, ..item.clone() }
}

/// `stock.low` when a new item is created listed (it is low: nothing is available yet).
fn level_events(before: Option<&StockItem>, after: &StockItem, version: u64) -> Vec<DomainEvent> {
    match (before.is_some_and(|b| b.listed_low), after.is_low()) {
        (false, true) => vec![DomainEvent::StockLow(StockLevels { levels: vec![after.level(version)] })],
        (true, false) => vec![DomainEvent::StockReplenished(StockLevels { levels: vec![after.level(version)] })],
        _ => Vec::new(),
    }
}

/// The listing a reservation left behind: an item it took into the low band is listed, with
/// `stock.low` carrying the levels it was seen at. `None` when the item's listing is right.
/// (Reservations only ever lower the level, so an item they leave listed is still low.)
pub fn listing_due(item: &StockItem, version: u64) -> Option<StockLevels> {
    (item.is_low() && !item.listed_low).then(|| StockLevels { levels: vec![item.level(version)] })
}

/// The unlisting a release left behind: a listed item a cancellation lifted out of the low band
/// is unlisted, with `stock.replenished` carrying the levels it was seen at. `None` when the
/// item's listing is right. (Releases only ever raise the level, so an item they leave out of
/// the band stays out until someone reserves or adjusts it — and then that write decides.)
pub fn unlisting_due(item: &StockItem, version: u64) -> Option<StockLevels> {
    (item.listed_low && !item.is_low()).then(|| StockLevels { levels: vec![item.level(version)] })
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
            weight_grams: None,
            dimensions: None,
        }
    }

    /// given an item with these counters
    fn given(on_hand: u64, reserved: u64, reorder_point: u64) -> StockItem {
        StockItem {
            sku: Sku::parse("sku", "MUG-1").unwrap(),
            catalog: catalog(reorder_point),
            on_hand,
            reserved,
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
        assert_eq!((created.item.on_hand, created.item.reserved), (0, 0));
        // zero available is at a zero reorder point: a new, empty product is low from the start
        assert!(created.created && created.item.listed_low);
        assert!(matches!(created.events.as_slice(), [DomainEvent::StockLow(_)]));

        let stocked = given(30, 5, 10);
        let updated = register(Some(&stocked), stocked.sku.clone(), catalog(2), now());
        assert_eq!((updated.item.on_hand, updated.item.reserved), (30, 5));
        assert!(!updated.created && updated.events.is_empty(), "the listing is stock-levels' to change");
    }

    #[test]
    fn a_received_delta_is_a_commutative_move_with_one_ledger_line() {
        let change =
            adjust(&given(10, 4, 2), delta(5, DeltaReason::Received), MovementContext::default(), now()).unwrap();
        assert_eq!(change.item.on_hand, 15);
        let sku = Sku::parse("sku", "MUG-1").unwrap();
        assert_eq!(change.write, StockWrite::Move(CounterMove::on_hand(&sku, 5)));
        let m = change.movement;
        assert_eq!((m.kind, m.delta, m.on_hand_after), (MovementKind::Received, 5, None));
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
        let m = change.movement;
        assert_eq!((m.kind, m.delta, m.on_hand_after, change.item.on_hand), (MovementKind::Count, -3, Some(7), 7));
        assert_eq!(change.write, StockWrite::Count { sku: item.sku.clone(), set_on_hand: 7, expected_on_hand: 10 });
    }

    #[test]
    fn counter_moves_keep_reserved_within_on_hand_within_bounds() {
        let item = given(10, 4, 0);
        let sku = item.sku.clone();
        let cases = [
            (CounterMove::reserve(&sku, 6), true),
            (CounterMove::reserve(&sku, 7), false),
            (CounterMove::release(&sku, 4), true),
            (CounterMove::release(&sku, 5), false),
            (CounterMove::ship(&sku, 4), true),
            (CounterMove::ship(&sku, 5), false),
            (CounterMove::on_hand(&sku, -6), true),
            (CounterMove::on_hand(&sku, -7), false),
            (CounterMove::on_hand(&sku, MAX_ON_HAND as i64 - 10), true),
            (CounterMove::on_hand(&sku, MAX_ON_HAND as i64 - 9), false),
        ];
        for (m, allowed) in cases {
            assert_eq!(m.allowed_on(&item), allowed, "{m:?}");
            if allowed {
                let after = m.applied_to(&item, now());
                assert!(after.reserved <= after.on_hand && after.on_hand <= MAX_ON_HAND, "{m:?}");
                assert_eq!(after.available() as i64, item.available() as i64 + m.available());
            }
        }
    }

    #[test]
    fn a_release_leaves_the_listing_and_an_item_lifted_out_of_the_band_is_due_its_unlisting() {
        let listed = StockItem { listed_low: true, ..reserve(&given(12, 0, 10), 3, now()).unwrap() };
        assert_eq!(unlisting_due(&listed, 8), None, "still low: the listing is right");
        let released = release(&listed, 3, now());
        assert!(released.listed_low && !released.is_low(), "a release does not touch the listing");
        let due = unlisting_due(&released, 9).expect("a listed item out of the band is due its unlisting");
        assert_eq!((due.levels[0].available, due.levels[0].stock_version), (12, 9));
        assert_eq!(listing_due(&released, 9), None);
        assert_eq!(unlisting_due(&StockItem { listed_low: false, ..released }, 9), None);
    }

    #[test]
    fn counter_moves_leave_the_listing_to_stock_levels() {
        // Reserved into the low band: not listed yet, so the listing is due, once.
        let reserved = reserve(&given(12, 0, 10), 3, now()).unwrap();
        assert!(reserved.is_low() && !reserved.listed_low);
        let due = listing_due(&reserved, 8).expect("a low, unlisted item is due its listing");
        assert_eq!((due.levels[0].available, due.levels[0].stock_version), (9, 8));
        assert_eq!(listing_due(&StockItem { listed_low: true, ..reserved.clone() }, 8), None);
        assert_eq!(listing_due(&given(12, 0, 10), 7), None, "above the reorder point: nothing due");
        // A write-off or a receipt leaves the listing too; what is due follows the level.
        let damaged = adjust(&reserved, delta(-1, DeltaReason::Damaged), MovementContext::default(), now()).unwrap();
        assert!(!damaged.item.listed_low && listing_due(&damaged.item, 9).is_some());
        let listed = StockItem { listed_low: true, ..reserved };
        let received = adjust(&listed, delta(5, DeltaReason::Received), MovementContext::default(), now()).unwrap();
        assert!(received.item.listed_low && unlisting_due(&received.item, 9).is_some());
        // Shipping does not move the level.
        let shipped = CounterMove::ship(&listed.sku, 2).applied_to(&listed, now());
        assert_eq!((shipped.available(), shipped.listed_low), (listed.available(), true));
    }

    #[test]
    fn out_of_range_counts_are_refused() {
        let item = given(0, 0, 0);
        let huge = Adjustment::Count { set_on_hand: MAX_ON_HAND + 1, expected_on_hand: 0 };
        assert_eq!(adjust(&item, huge, MovementContext::default(), now()).unwrap_err(), StockError::OutOfRange);
    }
}
