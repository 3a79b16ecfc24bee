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

/// `Deserialize` through the type's `parse(field, raw)`, so a stored or received value can never
/// skip its rules.
macro_rules! deserialize_by_parse {
    ($name:ident) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <String as serde::Deserialize>::deserialize(d)?;
                $name::parse(stringify!($name), &raw).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use deserialize_by_parse;

/// A newtype over a checked `String` (its `parse(field, raw)` the only way in): read back as
/// text (`as_str`, `Display`) and deserialised through `parse`.
macro_rules! checked_string {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        super::deserialize_by_parse!($name);
    };
}
pub(crate) use checked_string;

/// An identifier staff choose and URLs carry (a shipping method's code, a supplier's id): 1 to 40
/// lower-case letters, digits, `-` and `_`.
pub(crate) fn slug(field: &str, raw: &str) -> Result<String, FieldError> {
    let ok = !raw.is_empty()
        && raw.len() <= 40
        && raw.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(FieldError::new(field, "must be 1 to 40 lower-case letters, digits, '-' or '_'"))
    }
}

/// The version an aggregate's first save stores. Versions belong to the store
/// (`store::Versioned`), which moves them on every write; the domain names this one because a
/// new stock item's first level event carries it.
pub const FIRST_VERSION: u64 = 1;

pub mod access;
pub mod address;
pub mod allocation;
pub mod capture;
pub mod channel;
pub mod contact;
pub mod conversation;
pub mod country;
pub mod customer;
pub mod events;
pub mod export;
pub mod fulfillment;
pub mod gateway;
pub mod ids;
pub mod language;
pub mod mail;
pub mod money;
pub mod order;
pub mod order_edit;
pub mod overview;
pub mod payment;
pub mod promotion;
pub mod purchasing;
pub mod replenishment;
pub mod returns;
pub mod search;
pub mod shipping;
pub mod stock;
pub mod text;

pub use ids::{
    AuditId, ConversationId, CustomerId, EventId, ExportId, MessageId, MovementId, OrderId, ReturnId, ReviewId, Sku,
};
pub use money::{Currency, Money, MoneyError};
pub use text::{FieldError, ShortText};

#[cfg(test)]
mod tests {
    /// The domain depends on nothing outside it (no store, HTTP, events envelope or AWS types):
    /// every `crate::` path in its code stays under `crate::domain`.
    #[test]
    fn nothing_in_the_domain_imports_from_outside_it() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            // The code before a file's tests (which may use anything).
            for (n, line) in text.lines().take_while(|l| !l.contains("#[cfg(test)]")).enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                for (i, _) in code.match_indices("crate::") {
                    assert!(
                        code[i..].starts_with("crate::domain"),
                        "{}:{}: the domain reaches outside itself: {line}",
                        path.display(),
                        n + 1
                    );
                }
                for outside in ["aws_sdk", "lambda_http", "aws_lambda_events", "tokio::"] {
                    assert!(!code.contains(outside), "{}:{}: {outside} in the domain: {line}", path.display(), n + 1);
                }
            }
            checked += 1;
        }
        assert!(checked >= 10, "the domain's files were read");
    }
}
