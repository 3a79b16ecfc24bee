//! Pure domain: types that cannot hold invalid values and decisions that are functions from
//! (state, command) to (new state, events) or a typed error. No I/O and no AWS types here.

/// `Display` for a state enum in the API's own words: the snake_case name its JSON uses
/// (`pending_payment`, not `PendingPayment`), so problem details read like the bodies.
macro_rules! display_as_serialized {
    ($($name:ty),+ $(,)?) => {$(
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match serde_json::to_value(self) {
                    Ok(serde_json::Value::String(name)) => f.write_str(&name),
                    _ => write!(f, "{self:?}"),
                }
            }
        }
    )+};
}
pub(crate) use display_as_serialized;

pub mod contact;
pub mod country;
pub mod customer;
pub mod fulfillment;
pub mod ids;
pub mod money;
pub mod order;
pub mod payment;
pub mod replenishment;
pub mod returns;
pub mod stock;
pub mod text;

pub use ids::{CustomerId, EventId, MovementId, OrderId, ReturnId, Sku};
pub use money::{Currency, Money, MoneyError};
pub use text::{FieldError, ShortText};
