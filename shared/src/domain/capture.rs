//! What must go out to a payment provider for an order's authorised payments: capture the
//! money held when the capture policy says so (at authorisation, or when the order ships), or
//! release it when the order is cancelled (by staff, or expired unpaid). The decision reads the
//! order as it is now, so a message that arrives twice, late or out of order asks for the same
//! thing, and nothing once the provider's answer has been applied.

use super::FieldError;
use super::gateway::{GatewayState, Provider};
use super::money::Money;
use super::order::{FulfillmentStatus, Order, OrderStatus};
use super::payment::PaymentMethod;
use std::collections::BTreeMap;

/// When an authorised payment is captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureAt {
    /// As soon as the authorisation is known (the provider holds nothing for long).
    Authorization,
    /// When the order ships: a cancelled order releases the hold and nothing was taken.
    Shipment,
}

impl CaptureAt {
    fn parse(part: &str, raw: &str) -> Result<Self, FieldError> {
        match raw.trim() {
            "authorization" => Ok(Self::Authorization),
            "shipment" => Ok(Self::Shipment),
            _ => Err(FieldError::new("PAYMENT_CAPTURE", format!("`{part}`: capture at authorization or shipment"))),
        }
    }
}

/// The capture moment per payment method (`PAYMENT_CAPTURE`, `card=shipment`); a method not
/// listed, or an order that names none, is captured at authorisation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CapturePolicy {
    by_method: BTreeMap<PaymentMethod, CaptureAt>,
}

impl CapturePolicy {
    pub fn parse(spec: &str) -> Result<Self, FieldError> {
        let mut by_method = BTreeMap::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (method, at) = part
                .split_once('=')
                .ok_or_else(|| FieldError::new("PAYMENT_CAPTURE", format!("`{part}` is not method=moment")))?;
            by_method.insert(PaymentMethod::parse("PAYMENT_CAPTURE", method.trim())?, CaptureAt::parse(part, at)?);
        }
        Ok(Self { by_method })
    }

    pub fn at(&self, method: Option<PaymentMethod>) -> CaptureAt {
        method.and_then(|m| self.by_method.get(&m).copied()).unwrap_or(CaptureAt::Authorization)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Take the money held (all of it: the authorisation is for what the order owed).
    Capture { amount: Money },
    /// Release the hold.
    Void,
}

/// One call to make at a provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub provider: Provider,
    /// The provider's payment (a PaymentIntent, a Mercado Pago payment).
    pub reference: String,
    pub action: Action,
}

impl Settlement {
    /// The provider's idempotency key for this call: the same call, asked again, is one call.
    pub fn idempotency_key(&self) -> String {
        let verb = match self.action {
            Action::Capture { .. } => "capture",
            Action::Void => "void",
        };
        format!("{verb}-{}", self.reference)
    }
}

/// The calls an order's authorised payments need now (none when nothing is authorised).
pub fn settlements(order: &Order, policy: &CapturePolicy) -> Vec<Settlement> {
    let shipped = matches!(order.fulfillment_status, FulfillmentStatus::Shipped | FulfillmentStatus::Delivered);
    let action = |held: Option<Money>| {
        if order.status == OrderStatus::Cancelled {
            Some(Action::Void)
        } else if shipped || policy.at(order.payment_method) == CaptureAt::Authorization {
            held.map(|amount| Action::Capture { amount })
        } else {
            None
        }
    };
    order
        .gateway_payments()
        .iter()
        .filter(|p| p.state == GatewayState::Authorized)
        .filter_map(|p| {
            Some(Settlement { provider: p.provider, reference: p.reference.clone(), action: action(p.authorized)? })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fulfillment;
    use crate::domain::gateway::PaymentChange;
    use crate::domain::order::tests_support::placed_order;
    use chrono::Utc;

    fn event(order: &Order, id: &str, change: PaymentChange) -> Order {
        crate::domain::gateway::tests_support::applied(order, id, change)
    }

    fn authorised_card_order() -> Order {
        let mut order = placed_order(1000);
        order.payment_method = Some(PaymentMethod::Card);
        let amount = order.outstanding();
        event(&order, "evt_auth", PaymentChange::Authorized { amount })
    }

    fn card_at_shipment() -> CapturePolicy {
        CapturePolicy::parse("card=shipment").unwrap()
    }

    #[test]
    fn an_authorisation_is_captured_at_once_unless_its_method_waits_for_shipment() {
        // Given a card order authorised for its whole amount
        let order = authorised_card_order();
        let capture = Settlement {
            provider: Provider::Stripe,
            reference: "pi_1".into(),
            action: Action::Capture { amount: order.total },
        };
        // Then with no policy it is captured now; with card=shipment, nothing yet
        assert_eq!(settlements(&order, &CapturePolicy::default()), vec![capture.clone()]);
        assert_eq!(settlements(&order, &card_at_shipment()), vec![]);
        assert_eq!(settlements(&order, &CapturePolicy::parse("pix=shipment").unwrap()), vec![capture]);
    }

    #[test]
    fn shipping_captures_and_cancelling_voids() {
        let now = Utc::now();
        let order = authorised_card_order();
        // When the order ships, then its authorisation is captured
        let (picking, _) = fulfillment::start_picking(&order).unwrap().unwrap();
        let (packed, _) = fulfillment::pack(&picking, now).unwrap().unwrap();
        let (shipped, _) = fulfillment::ship(&packed, "Correios", "BR1", now).unwrap().unwrap();
        let wanted = settlements(&shipped, &card_at_shipment());
        assert_eq!(wanted.iter().map(|s| s.action).collect::<Vec<_>>(), vec![Action::Capture { amount: order.total }]);
        assert_eq!(wanted[0].idempotency_key(), "capture-pi_1");
        // When instead it is cancelled (or expires), then the hold is released
        let crate::domain::order::CancelOutcome::Cancelled(cancelled) =
            crate::domain::order::cancel(&order, "changed mind", "staff", now).unwrap()
        else {
            panic!("cancelled")
        };
        let wanted = settlements(&cancelled.order, &card_at_shipment());
        assert_eq!(
            wanted.iter().map(|s| (s.action, s.idempotency_key())).collect::<Vec<_>>(),
            vec![(Action::Void, "void-pi_1".to_owned())]
        );
    }

    #[test]
    fn once_the_provider_answered_nothing_more_is_asked() {
        // Given an authorisation the provider captured (its answer applied to the order)
        let order = authorised_card_order();
        let captured = event(&order, "api:capture", PaymentChange::Captured { amount: order.total });
        // Then no call is left, whatever the policy; and an order never authorised needs none
        assert_eq!(settlements(&captured, &CapturePolicy::default()), vec![]);
        let voided = event(&order, "api:void", PaymentChange::Voided);
        assert_eq!(settlements(&voided, &card_at_shipment()), vec![]);
        assert_eq!(settlements(&placed_order(1000), &CapturePolicy::default()), vec![]);
    }

    #[test]
    fn the_policy_is_read_strictly() {
        assert_eq!(card_at_shipment().at(Some(PaymentMethod::Card)), CaptureAt::Shipment);
        assert_eq!(card_at_shipment().at(None), CaptureAt::Authorization);
        assert!(CapturePolicy::parse("card=later").is_err());
        assert!(CapturePolicy::parse("cheque=shipment").is_err());
        assert!(CapturePolicy::parse("card").is_err());
        assert_eq!(CapturePolicy::parse(" ").unwrap(), CapturePolicy::default());
    }
}
