//! How an order's placement (or an edit, which decides the same things) is refused, in the API's
//! words: each refusal names the field it is about.

use super::Problem;
use crate::domain::order::PlaceError;
use crate::domain::promotion::CouponError;

pub fn place_problem(error: PlaceError) -> Problem {
    match error {
        PlaceError::UnknownCustomer => {
            Problem::invalid("customer_id", "no customer with this id; create it with POST /customers")
        }
        PlaceError::CustomerErased => {
            Problem::invalid("customer_id", "this customer's personal data was erased; they cannot order")
        }
        PlaceError::NoShippingAddress => Problem::invalid(
            "shipping_address",
            "an order needs an address to ship to: send shipping_address, or give the customer a default shipping address",
        ),
        PlaceError::UnknownSkus(skus) => {
            Problem::invalid("lines", format!("{} SKU(s) are not in the catalog", skus.len()))
                .with("unknown_skus", skus)
        }
        PlaceError::MixedCurrencies { order_currency, others } => Problem::new(
            422,
            "currency-mismatch",
            "One currency per order",
            format!("the order is in {order_currency}; these SKUs are priced in another currency"),
        )
        .with_field("lines")
        .with("order_currency", order_currency)
        .with("skus", others),
        PlaceError::Shortages(shortages) => Problem::conflict(
            "insufficient-stock",
            "Not enough stock",
            "nothing was reserved: at least one line asks for more than is available",
        )
        .with("shortages", shortages),
        PlaceError::TotalOutOfRange => Problem::invalid("lines", "the order total is out of range"),
        PlaceError::UnknownShippingMethod => Problem::invalid(
            "shipping_method",
            "no shipping method is offered with this code; see GET /shipping/methods",
        ),
        PlaceError::Shipping(e) => Problem::invalid("shipping_method", format!("cannot ship this order: {e}")),
        PlaceError::NoWeight(sku) => Problem::invalid(
            "lines",
            format!("{sku} has no weight, so its shipping cannot be computed; give shipping_charge or weigh it"),
        )
        .with("skus", [sku]),
        PlaceError::ChargeWithoutMethod => {
            Problem::invalid("shipping_charge", "a shipping charge needs the shipping_method it is for")
        }
        PlaceError::Coupon(e @ (CouponError::Exhausted | CouponError::CustomerLimit)) => Problem::conflict(
            "coupon-exhausted",
            "Coupon used up",
            format!("{e}; nothing was reserved (send if_coupon_refused: place_without to order without it)"),
        )
        .with_field("coupon"),
        PlaceError::Coupon(e) => Problem::invalid("coupon", e.to_string()),
    }
}
