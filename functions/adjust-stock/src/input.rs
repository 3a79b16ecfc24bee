//! Request bodies of `adjust-stock` and their parsing into domain values.

use backoffice::domain::stock::{
    self, Adjustment, Catalog, DeltaReason, Dimensions, MAX_ADJUSTMENT, MAX_ON_HAND, MAX_REORDER, MovementContext,
};
use backoffice::domain::{FieldError, Money, ShortText};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneyBody {
    pub amount: i64,
    pub currency: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogBody {
    pub name: String,
    pub unit_price: MoneyBody,
    pub reorder_point: u64,
    pub reorder_quantity: u64,
    /// A price of zero is refused unless the request says the product is given away: it is
    /// almost always a typing error.
    #[serde(default)]
    pub free: bool,
    /// One unit packed, for shipping quotes; left out, the stored weight (if any) is kept.
    #[serde(default)]
    pub weight_grams: Option<u64>,
    #[serde(default)]
    pub dimensions: Option<Dimensions>,
}

pub fn catalog(body: CatalogBody) -> Result<Catalog, FieldError> {
    let bounded = |field: &str, v: u64| {
        if v <= MAX_REORDER { Ok(v) } else { Err(FieldError::new(field, format!("must be at most {MAX_REORDER}"))) }
    };
    let unit_price = Money::parse_price("unit_price", body.unit_price.amount, &body.unit_price.currency)?;
    match (unit_price.amount(), body.free) {
        (0, false) => {
            return Err(FieldError::new(
                "unit_price.amount",
                "a price of 0 gives the product away; send \"free\": true if that is meant",
            ));
        }
        (1.., true) => {
            return Err(FieldError::new("free", "a free product's unit_price.amount must be 0"));
        }
        _ => {}
    }
    Ok(Catalog {
        name: ShortText::parse("name", &body.name, 200)?,
        unit_price,
        reorder_point: bounded("reorder_point", body.reorder_point)?,
        reorder_quantity: bounded("reorder_quantity", body.reorder_quantity)?,
        weight_grams: body.weight_grams.map(|w| stock::weight("weight_grams", w)).transpose()?,
        dimensions: body.dimensions.map(|d| Dimensions::parse("dimensions", d)).transpose()?,
    })
}

/// Either `{delta, reason, reference?, note?}` or `{set_on_hand, expected_on_hand, reason: "count"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentBody {
    pub reason: String,
    pub delta: Option<i64>,
    pub set_on_hand: Option<u64>,
    pub expected_on_hand: Option<u64>,
    pub reference: Option<String>,
    pub note: Option<String>,
}

pub fn adjustment(body: AdjustmentBody, actor: &str) -> Result<(Adjustment, MovementContext), FieldError> {
    let context = MovementContext {
        actor: actor.to_owned(),
        reference: body.reference.as_deref().map(|r| ShortText::parse("reference", r, 100)).transpose()?,
        note: body.note.as_deref().map(|n| ShortText::parse("note", n, 500)).transpose()?,
    };
    let adjustment = if body.reason == "count" {
        if body.delta.is_some() {
            return Err(FieldError::new("delta", "a count sets on_hand with set_on_hand; it takes no delta"));
        }
        let set_on_hand = body.set_on_hand.ok_or_else(|| FieldError::new("set_on_hand", "is required for a count"))?;
        let expected_on_hand =
            body.expected_on_hand.ok_or_else(|| FieldError::new("expected_on_hand", "is required for a count"))?;
        if set_on_hand > MAX_ON_HAND {
            return Err(FieldError::new("set_on_hand", format!("must be at most {MAX_ON_HAND}")));
        }
        Adjustment::Count { set_on_hand, expected_on_hand }
    } else {
        let reason = parse_reason(&body.reason)?;
        for (field, present) in
            [("set_on_hand", body.set_on_hand.is_some()), ("expected_on_hand", body.expected_on_hand.is_some())]
        {
            if present {
                return Err(FieldError::new(field, "only a count (reason \"count\") takes this field"));
            }
        }
        let delta = body.delta.ok_or_else(|| FieldError::new("delta", "is required"))?;
        if delta == 0 || delta.unsigned_abs() > MAX_ADJUSTMENT {
            return Err(FieldError::new(
                "delta",
                format!("must be a non-zero integer between -{MAX_ADJUSTMENT} and {MAX_ADJUSTMENT}"),
            ));
        }
        match reason.direction() {
            Some(sign) if delta.cmp(&0) != sign => {
                let must = if sign.is_gt() { "positive" } else { "negative" };
                return Err(FieldError::new("delta", format!("must be {must} for reason \"{}\"", body.reason)));
            }
            _ => {}
        }
        Adjustment::Delta { delta, reason }
    };
    Ok((adjustment, context))
}

fn parse_reason(raw: &str) -> Result<DeltaReason, FieldError> {
    Ok(match raw {
        "received" => DeltaReason::Received,
        "damaged" => DeltaReason::Damaged,
        "lost" => DeltaReason::Lost,
        "found" => DeltaReason::Found,
        "correction" => DeltaReason::Correction,
        "other" => DeltaReason::Other,
        _ => {
            return Err(FieldError::new(
                "reason",
                "must be one of received, damaged, lost, found, correction, other, count",
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> AdjustmentBody {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn deltas_need_a_known_reason_and_a_bounded_non_zero_value() {
        assert!(adjustment(body(r#"{"delta":5,"reason":"received"}"#), "op").is_ok());
        assert_eq!(adjustment(body(r#"{"delta":0,"reason":"received"}"#), "op").unwrap_err().field, "delta");
        assert_eq!(adjustment(body(r#"{"delta":2000000,"reason":"found"}"#), "op").unwrap_err().field, "delta");
        assert_eq!(adjustment(body(r#"{"delta":1,"reason":"stolen"}"#), "op").unwrap_err().field, "reason");
        assert_eq!(adjustment(body(r#"{"reason":"lost"}"#), "op").unwrap_err().field, "delta");
    }

    #[test]
    fn each_reason_has_its_direction() {
        for (json, ok) in [
            (r#"{"delta":5,"reason":"damaged"}"#, false),
            (r#"{"delta":-1,"reason":"received"}"#, false),
            (r#"{"delta":3,"reason":"lost"}"#, false),
            (r#"{"delta":-3,"reason":"found"}"#, false),
            (r#"{"delta":-5,"reason":"damaged"}"#, true),
            (r#"{"delta":-1,"reason":"lost"}"#, true),
            (r#"{"delta":2,"reason":"found"}"#, true),
            (r#"{"delta":-2,"reason":"correction"}"#, true),
            (r#"{"delta":2,"reason":"correction"}"#, true),
            (r#"{"delta":-2,"reason":"other"}"#, true),
        ] {
            match adjustment(body(json), "op") {
                Ok(_) => assert!(ok, "{json} was accepted"),
                Err(e) => assert!(!ok && e.field == "delta", "{json}: {e}"),
            }
        }
    }

    #[test]
    fn a_zero_price_must_be_meant() {
        let catalog_body = |json: &str| catalog(serde_json::from_str(json).unwrap());
        let base = r#""name":"Gift","reorder_point":0,"reorder_quantity":0"#;
        let zero = catalog_body(&format!(r#"{{{base},"unit_price":{{"amount":0,"currency":"BRL"}}}}"#));
        assert_eq!(zero.unwrap_err().field, "unit_price.amount");
        let free = catalog_body(&format!(r#"{{{base},"unit_price":{{"amount":0,"currency":"BRL"}},"free":true}}"#));
        assert_eq!(free.unwrap().unit_price.amount(), 0);
        let priced_free =
            catalog_body(&format!(r#"{{{base},"unit_price":{{"amount":10,"currency":"BRL"}},"free":true}}"#));
        assert_eq!(priced_free.unwrap_err().field, "free");
    }

    #[test]
    fn counts_take_both_figures_and_no_delta() {
        let (a, _) = adjustment(body(r#"{"set_on_hand":3,"expected_on_hand":4,"reason":"count"}"#), "op").unwrap();
        assert_eq!(a, Adjustment::Count { set_on_hand: 3, expected_on_hand: 4 });
        assert_eq!(
            adjustment(body(r#"{"set_on_hand":3,"reason":"count"}"#), "op").unwrap_err().field,
            "expected_on_hand"
        );
        assert_eq!(
            adjustment(body(r#"{"delta":1,"set_on_hand":3,"expected_on_hand":3,"reason":"count"}"#), "op")
                .unwrap_err()
                .field,
            "delta"
        );
        assert_eq!(
            adjustment(body(r#"{"delta":1,"set_on_hand":3,"reason":"received"}"#), "op").unwrap_err().field,
            "set_on_hand"
        );
    }
}
