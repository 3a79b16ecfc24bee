//! Promotions: coupon codes and automatic offers that take money off an order's lines or its
//! shipping. Pure: which promotions an order gets, and how much each line gives up, is a function
//! of the order's lines, its shipping charge, the promotions and their redemption counts as read,
//! and the clock. The store enforces the limits in the placement's transaction; a count read here
//! only spares a transaction that would be refused.

use super::allocation::largest_remainder;
use super::order::OrderLine;
use super::{Currency, FieldError, Money, Sku};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

pub const MAX_CODE_CHARS: usize = 32;
pub const MAX_SKUS: usize = 100;
/// How many automatic promotions run at once (they are read with every order).
pub const MAX_AUTOMATIC: usize = 20;

/// A promotion's code, as a coupon is typed: compared after Unicode compatibility normalisation
/// (NFKC) and in upper case, so `verão10`, `VERÃO10` and a decomposed `VERA\u{303}O10` are one
/// code. 2 to 32 letters, digits, `-` or `_`; nothing else (no spaces, no control characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PromotionCode(String);

impl PromotionCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        if raw.chars().any(char::is_control) {
            return Err(FieldError::new(field, "must not contain control characters"));
        }
        let code: String = raw.trim().nfkc().collect::<String>().to_uppercase();
        let chars = code.chars().count();
        if !(2..=MAX_CODE_CHARS).contains(&chars) {
            return Err(FieldError::new(field, format!("must be 2 to {MAX_CODE_CHARS} characters")));
        }
        if !code.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
            return Err(FieldError::new(field, "may hold only letters, digits, '-' and '_'"));
        }
        Ok(Self(code))
    }
}

super::checked_string!(PromotionCode);

/// What a promotion gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Benefit {
    /// A whole percentage (1–100) off the eligible lines, rounded down to the minor unit.
    PercentOff { percent: u8 },
    /// A fixed amount off the eligible lines (never more than they come to).
    AmountOff { amount: i64 },
    /// The shipping charge, whole.
    FreeShipping,
}

/// A promotion as the API takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromotionInput {
    pub name: String,
    /// Applied to every order it fits without a code; otherwise only with its coupon code.
    #[serde(default)]
    pub automatic: bool,
    pub benefit: Benefit,
    pub currency: String,
    /// Only these SKUs' lines are discounted (none: the whole order).
    #[serde(default)]
    pub skus: Vec<String>,
    /// The order's lines must come to at least this much (minor units).
    #[serde(default)]
    pub min_subtotal: Option<i64>,
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    /// Redemptions in all (an order cancelled or expired gives its redemption back).
    #[serde(default)]
    pub limit: Option<u64>,
    #[serde(default)]
    pub per_customer_limit: Option<u64>,
    /// Whether it adds to other promotions; one that does not applies alone.
    #[serde(default)]
    pub combinable: bool,
    /// `false` pauses it.
    #[serde(default = "active_default")]
    pub active: bool,
}

fn active_default() -> bool {
    true
}

/// A promotion whose terms hold together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotion {
    code: PromotionCode,
    name: String,
    automatic: bool,
    benefit: Benefit,
    currency: Currency,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    skus: Vec<Sku>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_subtotal: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    starts_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ends_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    per_customer_limit: Option<u64>,
    combinable: bool,
    active: bool,
}

impl Promotion {
    pub fn parse(code: PromotionCode, input: &PromotionInput) -> Result<Self, FieldError> {
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(FieldError::new("name", "must be 1 to 100 characters, without control characters"));
        }
        let currency = Currency::parse("currency", &input.currency)?;
        match input.benefit {
            Benefit::PercentOff { percent } if !(1..=100).contains(&percent) => {
                return Err(FieldError::new("benefit.percent", "must be a whole percentage from 1 to 100"));
            }
            Benefit::AmountOff { amount } if amount <= 0 => {
                return Err(FieldError::new("benefit.amount", "must be a positive amount in minor units"));
            }
            _ => {}
        }
        if input.skus.len() > MAX_SKUS {
            return Err(FieldError::new("skus", format!("at most {MAX_SKUS} SKUs")));
        }
        let skus = input
            .skus
            .iter()
            .enumerate()
            .map(|(i, s)| Sku::parse(&format!("skus[{i}]"), s))
            .collect::<Result<Vec<_>, _>>()?;
        if input.min_subtotal.is_some_and(|m| m < 0) {
            return Err(FieldError::new("min_subtotal", "must not be negative"));
        }
        if let (Some(from), Some(to)) = (input.starts_at, input.ends_at)
            && to <= from
        {
            return Err(FieldError::new("ends_at", "must be after starts_at"));
        }
        if input.limit == Some(0) {
            return Err(FieldError::new("limit", "must be at least 1 (leave it out for no limit)"));
        }
        if input.per_customer_limit == Some(0) {
            return Err(FieldError::new("per_customer_limit", "must be at least 1 (leave it out for no limit)"));
        }
        Ok(Self {
            code,
            name: name.to_owned(),
            automatic: input.automatic,
            benefit: input.benefit,
            currency,
            skus,
            min_subtotal: input.min_subtotal,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            limit: input.limit,
            per_customer_limit: input.per_customer_limit,
            combinable: input.combinable,
            active: input.active,
        })
    }

    pub fn code(&self) -> &PromotionCode {
        &self.code
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn is_automatic(&self) -> bool {
        self.automatic
    }
    pub fn is_active(&self) -> bool {
        self.active
    }
    pub fn limit(&self) -> Option<u64> {
        self.limit
    }
    pub fn per_customer_limit(&self) -> Option<u64> {
        self.per_customer_limit
    }

    /// Running now: active and inside its validity window.
    pub fn runs_at(&self, now: DateTime<Utc>) -> bool {
        self.active && self.starts_at.is_none_or(|s| now >= s) && self.ends_at.is_none_or(|e| now < e)
    }
}

/// The running automatic promotions once `next` is saved: it joins them when it is automatic and
/// active, and leaves them otherwise. `None`: the list does not change.
pub fn automatic_after(list: &[Promotion], next: &Promotion) -> Result<Option<Vec<Promotion>>, FieldError> {
    let mut after: Vec<Promotion> = list.iter().filter(|p| p.code != next.code).cloned().collect();
    if next.automatic && next.active {
        if after.len() >= MAX_AUTOMATIC {
            return Err(FieldError::new(
                "automatic",
                format!("at most {MAX_AUTOMATIC} automatic promotions run at once; pause one first"),
            ));
        }
        after.push(next.clone());
        after.sort_by(|a, b| a.code.cmp(&b.code));
    }
    Ok((after != list).then_some(after))
}

/// How often a promotion was redeemed, as read: in all, and by the ordering customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Redemptions {
    pub total: u64,
    pub by_customer: u64,
}

/// A promotion offered to an order, with its redemptions as read.
#[derive(Debug, Clone, Copy)]
pub struct Offer<'a> {
    pub promotion: &'a Promotion,
    pub redeemed: Redemptions,
}

/// Why a coupon the customer gave does not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CouponError {
    #[error("no promotion has this code")]
    Unknown,
    #[error("this coupon is paused, not started yet, or over")]
    NotRunning,
    #[error("this coupon is in {0}, the order in another currency")]
    Currency(Currency),
    #[error("the order's lines must come to at least {0}")]
    BelowMinimum(Money),
    #[error("this coupon takes nothing off this order (no listed SKU, or no shipping charge)")]
    NothingToDiscount,
    #[error("this coupon has been redeemed as often as it may be")]
    Exhausted,
    #[error("this customer has redeemed this coupon as often as one customer may")]
    CustomerLimit,
}

/// One promotion applied to an order: what it took off, and whether the ordering customer's
/// redemption count moved with it (so a cancellation gives back exactly what was taken).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedDiscount {
    pub code: PromotionCode,
    pub name: String,
    /// Given by the customer as a coupon (otherwise automatic).
    pub coupon: bool,
    /// Off the lines and the shipping together.
    pub amount: Money,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub counted_per_customer: bool,
}

/// What an order's promotions take off: per line (in line order) and off the shipping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pricing {
    pub line_discounts: Vec<i64>,
    pub shipping_discount: i64,
    pub applied: Vec<AppliedDiscount>,
}

impl Pricing {
    pub fn none(lines: usize) -> Self {
        Self { line_discounts: vec![0; lines], shipping_discount: 0, applied: Vec::new() }
    }

    pub fn total(&self) -> i64 {
        self.line_discounts.iter().sum::<i64>() + self.shipping_discount
    }
}

fn eligible(p: &Promotion, line: &OrderLine) -> bool {
    p.skus.is_empty() || p.skus.contains(&line.sku)
}

/// Why an offer does not fit this order (automatic offers that do not fit are left out quietly).
fn fits(offer: &Offer<'_>, lines: &[OrderLine], shipping: i64, now: DateTime<Utc>) -> Result<(), CouponError> {
    let p = offer.promotion;
    if !p.runs_at(now) {
        return Err(CouponError::NotRunning);
    }
    let currency = lines.first().map(|l| l.unit_price.currency());
    if currency != Some(p.currency) {
        return Err(CouponError::Currency(p.currency));
    }
    let subtotal: i64 = lines.iter().map(|l| l.line_total.amount()).sum();
    if let Some(min) = p.min_subtotal
        && subtotal < min
    {
        return Err(CouponError::BelowMinimum(Money::new(min, p.currency)));
    }
    let nothing = match p.benefit {
        Benefit::FreeShipping => shipping == 0,
        _ => !lines.iter().any(|l| eligible(p, l) && l.line_total.amount() > 0),
    };
    if nothing {
        return Err(CouponError::NothingToDiscount);
    }
    if p.limit.is_some_and(|l| offer.redeemed.total >= l) {
        return Err(CouponError::Exhausted);
    }
    if p.per_customer_limit.is_some_and(|l| offer.redeemed.by_customer >= l) {
        return Err(CouponError::CustomerLimit);
    }
    Ok(())
}

/// Applies promotions one after another, each on what the ones before left to pay.
fn apply_all(offers: &[Offer<'_>], coupon: Option<&PromotionCode>, lines: &[OrderLine], shipping: i64) -> Pricing {
    let mut left: Vec<i64> = lines.iter().map(|l| l.line_total.amount()).collect();
    let mut shipping_left = shipping;
    let mut pricing = Pricing::none(lines.len());
    let currency = lines[0].unit_price.currency();
    for offer in offers {
        let p = offer.promotion;
        let mut off_lines = vec![0i64; lines.len()];
        let mut off_shipping = 0;
        match p.benefit {
            Benefit::FreeShipping => off_shipping = shipping_left,
            benefit => {
                let idx: Vec<usize> = (0..lines.len()).filter(|i| eligible(p, &lines[*i])).collect();
                let basis: i64 = idx.iter().map(|i| left[*i]).sum();
                let amount = match benefit {
                    Benefit::PercentOff { percent } => (i128::from(basis) * i128::from(percent) / 100) as i64,
                    Benefit::AmountOff { amount } => amount.min(basis),
                    Benefit::FreeShipping => 0,
                };
                let weights: Vec<u64> = idx.iter().map(|i| left[*i].max(0) as u64).collect();
                for (part, i) in largest_remainder(amount.max(0) as u64, &weights).into_iter().zip(&idx) {
                    off_lines[*i] = part as i64;
                }
            }
        }
        let amount: i64 = off_lines.iter().sum::<i64>() + off_shipping;
        if amount == 0 {
            continue;
        }
        for (i, off) in off_lines.iter().enumerate() {
            left[i] -= off;
            pricing.line_discounts[i] += off;
        }
        shipping_left -= off_shipping;
        pricing.shipping_discount += off_shipping;
        pricing.applied.push(AppliedDiscount {
            code: p.code.clone(),
            name: p.name.clone(),
            coupon: coupon == Some(&p.code),
            amount: Money::new(amount, currency),
            counted_per_customer: p.per_customer_limit.is_some(),
        });
    }
    pricing
}

/// The discounts an order gets: the customer's coupon (which must fit, or the order is told why)
/// and the automatic promotions that fit. A promotion that is not combinable applies alone: a
/// coupon that is not combinable shuts out the automatic ones, and among automatic ones the
/// order gets whichever of "every combinable one together" or "one non-combinable alone" takes
/// off the most (the combinable set on a tie). Promotions apply in that order (coupon first,
/// then by code), each on what is left.
pub fn price(
    lines: &[OrderLine],
    shipping: i64,
    coupon: Option<Offer<'_>>,
    automatic: &[Offer<'_>],
    now: DateTime<Utc>,
) -> Result<Pricing, CouponError> {
    if lines.is_empty() {
        return Ok(Pricing::none(0));
    }
    if let Some(c) = &coupon {
        fits(c, lines, shipping, now)?;
    }
    let coupon_code = coupon.as_ref().map(|c| c.promotion.code.clone());
    let mut fitting: Vec<Offer<'_>> = automatic
        .iter()
        .filter(|o| o.promotion.automatic && Some(&o.promotion.code) != coupon_code.as_ref())
        .filter(|o| fits(o, lines, shipping, now).is_ok())
        .copied()
        .collect();
    fitting.sort_by(|a, b| a.promotion.code.cmp(&b.promotion.code));
    let combinable: Vec<Offer<'_>> = fitting.iter().filter(|o| o.promotion.combinable).copied().collect();
    let chosen: Vec<Offer<'_>> = match coupon {
        Some(c) if c.promotion.combinable => std::iter::once(c).chain(combinable).collect(),
        Some(c) => vec![c],
        None => {
            let mut best = combinable;
            let mut best_total = apply_all(&best, None, lines, shipping).total();
            for alone in fitting.iter().filter(|o| !o.promotion.combinable) {
                let total = apply_all(std::slice::from_ref(alone), None, lines, shipping).total();
                if total > best_total {
                    best = vec![*alone];
                    best_total = total;
                }
            }
            best
        }
    };
    Ok(apply_all(&chosen, coupon_code.as_ref(), lines, shipping))
}

/// An edited order's promotions: the ones it redeemed (each with whether it came as a coupon),
/// applied again in their order to its new lines and shipping. One that no longer fits (its
/// minimum, no eligible line, no shipping to take) is left out, and returned, for its redemption
/// to be given back. Their window, pause and limits are not checked again: the order redeemed
/// them when it was placed.
pub fn reprice(lines: &[OrderLine], shipping: i64, redeemed: &[(&Promotion, bool)]) -> (Pricing, Vec<PromotionCode>) {
    if lines.is_empty() {
        return (Pricing::none(0), redeemed.iter().map(|(p, _)| p.code.clone()).collect());
    }
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for (p, _) in redeemed {
        // As redeemed: running, and nothing counted against its limits.
        let mut terms = (*p).clone();
        terms.active = true;
        (terms.starts_at, terms.ends_at, terms.limit, terms.per_customer_limit) = (None, None, None, None);
        let fit = fits(
            &Offer { promotion: &terms, redeemed: Redemptions::default() },
            lines,
            shipping,
            DateTime::<Utc>::MIN_UTC,
        );
        if fit.is_ok() { kept.push(*p) } else { dropped.push(p.code.clone()) }
    }
    let offers: Vec<Offer<'_>> =
        kept.iter().map(|p| Offer { promotion: p, redeemed: Redemptions::default() }).collect();
    let coupon = redeemed.iter().find(|(_, coupon)| *coupon).map(|(p, _)| p.code.clone());
    (apply_all(&offers, coupon.as_ref(), lines, shipping), dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brl() -> Currency {
        Currency::parse("c", "BRL").unwrap()
    }

    fn line(sku: &str, quantity: u64, unit: i64) -> OrderLine {
        OrderLine {
            sku: Sku::parse("sku", sku).unwrap(),
            name: sku.to_owned(),
            quantity,
            unit_price: Money::new(unit, brl()),
            line_total: Money::new(unit * quantity as i64, brl()),
            discount: None,
        }
    }

    fn input(benefit: Benefit) -> PromotionInput {
        PromotionInput {
            name: "Promo".into(),
            automatic: false,
            benefit,
            currency: "BRL".into(),
            skus: vec![],
            min_subtotal: None,
            starts_at: None,
            ends_at: None,
            limit: None,
            per_customer_limit: None,
            combinable: false,
            active: true,
        }
    }

    fn promo(code: &str, f: impl FnOnce(&mut PromotionInput)) -> Promotion {
        let mut i = input(Benefit::AmountOff { amount: 100 });
        f(&mut i);
        Promotion::parse(PromotionCode::parse("code", code).unwrap(), &i).unwrap()
    }

    fn offer(p: &Promotion) -> Offer<'_> {
        Offer { promotion: p, redeemed: Redemptions::default() }
    }

    fn now() -> DateTime<Utc> {
        "2026-12-08T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn codes_compare_after_normalisation_and_in_upper_case() {
        let composed = PromotionCode::parse("coupon", "verão10").unwrap();
        assert_eq!(composed.as_str(), "VERÃO10");
        assert_eq!(PromotionCode::parse("coupon", "VERA\u{303}O10").unwrap(), composed);
        // Full-width letters are their compatibility equivalents.
        assert_eq!(PromotionCode::parse("coupon", "ＳＡＬＥ").unwrap().as_str(), "SALE");
        assert_eq!(PromotionCode::parse("coupon", " sale ").unwrap().as_str(), "SALE");
        for bad in ["SALE\u{0}", "SA\u{7}LE", "SA\nLE", "SALE 10", "S", "A'B", &"X".repeat(33)] {
            assert_eq!(PromotionCode::parse("coupon", bad).unwrap_err().field, "coupon", "{bad:?}");
        }
    }

    #[test]
    fn terms_that_do_not_hold_together_are_refused_naming_the_field() {
        let code = || PromotionCode::parse("code", "X10").unwrap();
        let refused = |f: &dyn Fn(&mut PromotionInput)| {
            let mut i = input(Benefit::PercentOff { percent: 10 });
            f(&mut i);
            Promotion::parse(code(), &i).unwrap_err().field
        };
        assert_eq!(refused(&|i| i.benefit = Benefit::PercentOff { percent: 101 }), "benefit.percent");
        assert_eq!(refused(&|i| i.benefit = Benefit::PercentOff { percent: 0 }), "benefit.percent");
        assert_eq!(refused(&|i| i.benefit = Benefit::AmountOff { amount: -5 }), "benefit.amount");
        assert_eq!(refused(&|i| i.limit = Some(0)), "limit");
        assert_eq!(refused(&|i| i.min_subtotal = Some(-1)), "min_subtotal");
        assert_eq!(refused(&|i| i.currency = "XYZ".into()), "currency");
        assert_eq!(refused(&|i| i.skus = vec!["bad sku".into()]), "skus[0]");
        assert_eq!(
            refused(&|i| {
                i.starts_at = Some(now());
                i.ends_at = Some(now());
            }),
            "ends_at"
        );
    }

    #[test]
    fn a_real_off_three_lines_of_three_thirty_three_is_34_33_33() {
        // Given three lines of R$3.33 and a R$1.00 coupon
        let lines = [line("A", 1, 333), line("B", 1, 333), line("C", 1, 333)];
        let coupon = promo("REAL", |i| i.benefit = Benefit::AmountOff { amount: 100 });
        // When priced
        let p = price(&lines, 0, Some(offer(&coupon)), &[], now()).unwrap();
        // Then the parts are 34, 33 and 33 centavos, the sum exact
        assert_eq!(p.line_discounts, [34, 33, 33]);
        assert_eq!(p.applied[0].amount.amount(), 100);
        assert!(p.applied[0].coupon);
    }

    #[test]
    fn a_percentage_rounds_down_and_listed_skus_alone_are_discounted() {
        let lines = [line("A", 3, 999), line("B", 1, 1000)];
        let coupon = promo("TENA", |i| {
            i.benefit = Benefit::PercentOff { percent: 10 };
            i.skus = vec!["A".into()];
        });
        let p = price(&lines, 0, Some(offer(&coupon)), &[], now()).unwrap();
        // 10 % of 29.97 is 2.997: 2.99 off line A, nothing off B.
        assert_eq!(p.line_discounts, [299, 0]);
    }

    #[test]
    fn an_amount_never_takes_more_than_the_lines_come_to() {
        let lines = [line("A", 1, 500)];
        let coupon = promo("BIG", |i| i.benefit = Benefit::AmountOff { amount: 10_000 });
        let p = price(&lines, 900, Some(offer(&coupon)), &[], now()).unwrap();
        assert_eq!((p.line_discounts[0], p.shipping_discount), (500, 0));
    }

    #[test]
    fn a_coupon_that_does_not_fit_says_why() {
        let lines = [line("A", 1, 500)];
        let at = |f: &dyn Fn(&mut PromotionInput), redeemed: Redemptions| {
            let mut i = input(Benefit::AmountOff { amount: 100 });
            f(&mut i);
            let p = Promotion::parse(PromotionCode::parse("code", "C1").unwrap(), &i).unwrap();
            price(&lines, 0, Some(Offer { promotion: &p, redeemed }), &[], now()).unwrap_err()
        };
        let none = Redemptions::default();
        assert_eq!(at(&|i| i.active = false, none), CouponError::NotRunning);
        assert_eq!(at(&|i| i.ends_at = Some(now()), none), CouponError::NotRunning);
        assert_eq!(at(&|i| i.starts_at = Some(now() + chrono::Duration::hours(1)), none), CouponError::NotRunning);
        assert_eq!(at(&|i| i.min_subtotal = Some(501), none), CouponError::BelowMinimum(Money::new(501, brl())));
        assert_eq!(at(&|i| i.skus = vec!["B".into()], none), CouponError::NothingToDiscount);
        assert_eq!(at(&|i| i.benefit = Benefit::FreeShipping, none), CouponError::NothingToDiscount);
        assert_eq!(
            at(&|i| i.currency = "USD".into(), none),
            CouponError::Currency(Currency::parse("c", "USD").unwrap())
        );
        assert_eq!(at(&|i| i.limit = Some(50), Redemptions { total: 50, by_customer: 0 }), CouponError::Exhausted);
        assert_eq!(
            at(&|i| i.per_customer_limit = Some(1), Redemptions { total: 3, by_customer: 1 }),
            CouponError::CustomerLimit
        );
    }

    #[test]
    fn free_shipping_takes_the_charge_and_counts_the_customer_only_when_limited() {
        let lines = [line("A", 1, 500)];
        let coupon = promo("FRETE", |i| {
            i.benefit = Benefit::FreeShipping;
            i.per_customer_limit = Some(1);
        });
        let p = price(&lines, 1290, Some(offer(&coupon)), &[], now()).unwrap();
        assert_eq!((p.line_discounts.clone(), p.shipping_discount), (vec![0], 1290));
        assert!(p.applied[0].counted_per_customer);
    }

    #[test]
    fn automatic_promotions_combine_or_the_best_one_applies_alone() {
        let lines = [line("A", 1, 10_000)];
        let five = promo("AUTO5", |i| {
            i.automatic = true;
            i.combinable = true;
            i.benefit = Benefit::PercentOff { percent: 5 };
        });
        let ten_off = promo("AUTO10", |i| {
            i.automatic = true;
            i.combinable = true;
            i.benefit = Benefit::AmountOff { amount: 1000 };
        });
        let twenty = promo("SOLO20", |i| {
            i.automatic = true;
            i.benefit = Benefit::PercentOff { percent: 20 };
        });
        // Given two combinable ones: both apply (10.00 first by code, then 5 % of 90.00)
        let p = price(&lines, 0, None, &[offer(&five), offer(&ten_off)], now()).unwrap();
        assert_eq!(p.line_discounts, [1000 + 450]);
        // Given a non-combinable one that takes off more: it applies alone
        let p = price(&lines, 0, None, &[offer(&five), offer(&ten_off), offer(&twenty)], now()).unwrap();
        assert_eq!((p.line_discounts.clone(), p.applied.len()), (vec![2000], 1));
        // Given a coupon that is not combinable: the automatic ones stay out
        let coupon = promo("CUPOM", |i| i.benefit = Benefit::AmountOff { amount: 100 });
        let p = price(&lines, 0, Some(offer(&coupon)), &[offer(&five), offer(&twenty)], now()).unwrap();
        assert_eq!(p.applied.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["CUPOM"]);
        // Given a combinable coupon: the combinable automatic ones join it
        let coupon = promo("JUNTO", |i| {
            i.combinable = true;
            i.benefit = Benefit::AmountOff { amount: 100 };
        });
        let p = price(&lines, 0, Some(offer(&coupon)), &[offer(&five)], now()).unwrap();
        assert_eq!(p.applied.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["JUNTO", "AUTO5"]);
        // An exhausted automatic promotion is left out quietly
        let spent = Offer { promotion: &twenty, redeemed: Redemptions { total: 1, by_customer: 0 } };
        let limited = promo("SOLO20", |i| {
            i.automatic = true;
            i.limit = Some(1);
            i.benefit = Benefit::PercentOff { percent: 20 };
        });
        let spent = Offer { promotion: &limited, ..spent };
        let p = price(&lines, 0, None, &[offer(&five), spent], now()).unwrap();
        assert_eq!(p.applied.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["AUTO5"]);
    }
}
