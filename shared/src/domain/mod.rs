//! Pure domain: types that cannot hold invalid values and decisions that are functions from
//! (state, command) to (new state, events) or a typed error. No I/O and no AWS types here.

pub mod contact;
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
