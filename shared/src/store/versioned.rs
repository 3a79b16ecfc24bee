//! An aggregate as the store read it, with the version the store keeps beside it.
//!
//! The version is the store's optimistic-concurrency token, not a fact of the domain: decisions
//! take the aggregate (`Versioned` dereferences to it) and return its next state; saving the
//! next state over a `Versioned` writes it only if the stored version is still the one read,
//! and the store moves the version on. Nothing outside the store bumps it.

use super::{Item, StoreError, from_item};
use serde::de::DeserializeOwned;
use std::ops::Deref;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<T> {
    value: T,
    version: u64,
}

impl<T> Versioned<T> {
    pub(crate) fn new(value: T, version: u64) -> Self {
        Self { value, version }
    }

    /// The version a new aggregate's first save stores.
    pub const FIRST: u64 = crate::domain::FIRST_VERSION;

    /// A new aggregate as its first save stores it.
    pub fn created(value: T) -> Self {
        Self { value, version: Self::FIRST }
    }

    /// The version that saving a next state over this one stores (what an answer after the
    /// save shows).
    pub fn next_version(&self) -> u64 {
        self.version + 1
    }

    /// The version, as an entity tag (`ETag: "N"`) and the `version` member of the views.
    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Versioned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// The version a stored item carries beside its fields.
pub(crate) fn version_of(item: &Item) -> Result<u64, StoreError> {
    item.get("version")
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| StoreError::Corrupt("an aggregate's item has no numeric version".to_owned()))
}

/// An aggregate's item read into the aggregate, its version held beside it.
pub(crate) fn versioned_from_item<T: DeserializeOwned>(
    item: impl super::ItemSource,
) -> Result<Versioned<T>, StoreError> {
    let version = version_of(item.item())?;
    Ok(Versioned::new(from_item(item)?, version))
}

/// The version to write for a save over `read` (`None`: a new aggregate).
pub(crate) fn next_version(read: Option<u64>) -> u64 {
    read.map_or(Versioned::<()>::FIRST, |v| v + 1)
}
