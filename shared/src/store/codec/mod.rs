//! Items ⇄ Rust values, straight between serde and the SDK's `AttributeValue`.
//!
//! Why not `serde_dynamo`: it goes through its own item type in both directions, so every item
//! is built twice (a second map, every key hashed again) — about 50 k instructions per item on
//! the hot paths, the largest share of what the handlers spend beyond their SDK calls
//! (BENCHMARKS.md). The layout is the same as `serde_dynamo`'s, so items written by either read
//! the same: structs and maps are `M`, sequences `L`, numbers `N`, strings and unit variants
//! `S`, `None` and `()` `NULL`, booleans `BOOL`, bytes `B`, and any other enum variant a map
//! with the variant's name as its only key.

mod de;
mod ser;

use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;
use std::fmt;

pub use de::from_item;
pub use ser::to_item;

/// Why a value and an item did not map onto each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError(String);

impl CodecError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CodecError {}

impl serde::ser::Error for CodecError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

impl serde::de::Error for CodecError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// Names the attribute type, for error messages.
fn kind(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Bool(_) => "BOOL",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::M(_) => "M",
        AttributeValue::L(_) => "L",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        _ => "an unknown type",
    }
}

type Map = HashMap<String, AttributeValue>;

#[cfg(test)]
mod tests;
