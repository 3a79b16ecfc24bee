//! Identifiers. SKUs are chosen by the shop; everything the backoffice creates gets a ULID, which
//! sorts by creation time (ledger pages and timelines are ordered by their sort key).

use super::text::FieldError;
use serde::Serialize;
use std::fmt;

/// Stock keeping unit: 1–64 characters from `A-Z a-z 0-9 . _ -`, starting with a letter or
/// digit. The alphabet keeps SKUs safe inside DynamoDB keys (`#` is the key separator) and URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Sku(String);

impl Sku {
    pub const MAX_LEN: usize = 64;

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        if raw.is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if raw.len() > Self::MAX_LEN {
            return Err(FieldError::new(field, format!("must be at most {} characters", Self::MAX_LEN)));
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if !raw.chars().all(allowed) || !raw.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(FieldError::new(
                field,
                "may only contain letters, digits, '.', '_' and '-', and must start with a letter or digit",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

super::deserialize_by_parse!(Sku);

/// ULIDs from one generator per process: within a millisecond they still increase, so items
/// written together (an order's events, a ledger page) sort in the order they were made.
fn next_ulid() -> ulid::Ulid {
    static GENERATOR: std::sync::LazyLock<std::sync::Mutex<ulid::Generator>> =
        std::sync::LazyLock::new(|| std::sync::Mutex::new(ulid::Generator::new()));
    // Fallback (poisoned lock, or 2^80 ids in one millisecond): a fresh random ULID for now.
    GENERATOR
        .lock()
        .ok()
        .and_then(|mut g| g.generate().ok())
        .unwrap_or_else(|| ulid::Ulid::from_datetime(std::time::SystemTime::now()))
}

/// A new, monotonic ULID as text (for ids minted outside the typed ids, e.g. customers).
pub fn new_ulid_string() -> String {
    next_ulid().to_string()
}

macro_rules! ulid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(ulid::Ulid);

        impl $name {
            pub fn new() -> Self {
                Self(next_ulid())
            }

            /// One of `buckets` (0..buckets), from the id's random bits: spreads items over
            /// an index's write shards evenly and the same way every time.
            pub fn bucket(&self, buckets: u8) -> u8 {
                (self.0.random() % u128::from(buckets.max(1))) as u8
            }

            pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
                ulid::Ulid::from_string(raw)
                    .map(Self)
                    .map_err(|_| FieldError::new(field, "must be a 26-character ULID"))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0)
            }
        }

        super::deserialize_by_parse!($name);
    };
}

ulid_id!(
    /// Identifies one domain event; also the SQS envelope id consumers deduplicate on.
    EventId
);
ulid_id!(
    /// Identifies one audit record (one state-changing request).
    AuditId
);
ulid_id!(
    /// Identifies one stock ledger movement.
    MovementId
);
ulid_id!(
    /// Identifies an order; sortable by placement time.
    OrderId
);
ulid_id!(
    /// Identifies a return (RMA).
    ReturnId
);
ulid_id!(
    /// Identifies a gateway event set aside for a person's review.
    ReviewId
);
ulid_id!(
    /// Identifies a conversation with a customer (the service inbox).
    ConversationId
);
ulid_id!(
    /// Identifies one message of a conversation: the customer's, a reply or a staff note.
    MessageId
);

/// A customer reference: 1–64 characters of `A-Z a-z 0-9 _ -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CustomerId(String);

impl CustomerId {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new(field, "must be 1 to 64 letters, digits, '_' or '-'"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

super::deserialize_by_parse!(CustomerId);

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sku_accepts_the_documented_alphabet() {
        assert_eq!(Sku::parse("sku", "MUG-001_b.2").unwrap().as_str(), "MUG-001_b.2");
    }

    #[test]
    fn sku_rejects_separators_controls_and_length() {
        for bad in ["", "A#B", "A/B", "a b", "é", "-lead", "x\u{0}", &"A".repeat(65)] {
            let err = Sku::parse("sku", bad).unwrap_err();
            assert_eq!(err.field, "sku", "{bad:?}");
        }
        assert!(Sku::parse("sku", &"A".repeat(64)).is_ok());
    }

    #[test]
    fn ulids_sort_by_creation_even_within_one_millisecond() {
        let ids: Vec<String> = (0..1000).map(|_| EventId::new().to_string()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        let a = EventId::new();
        assert_eq!(EventId::parse("id", &a.to_string()).unwrap(), a);
        assert!(EventId::parse("id", "nope").is_err());
    }
}
ulid_id!(
    /// Identifies an export job (a CSV written to the exports bucket).
    ExportId
);
