//! Shipping methods (`SHIPMETHOD#{code}` / `METHOD`, versioned), listed in code order through
//! gsi3 (`SHIPPING_METHODS` / `{code}`): a shop has a handful, read whole by a quote.

use super::versioned::{Versioned, next_version, versioned_from_item};
use super::{Store, StoreError, Tx, record_item};
use crate::domain::shipping::{MethodCode, ShippingMethod};
use serde::Serialize;

const METHOD_SK: &str = "METHOD";
const LIST_GSI3PK: &str = "SHIPPING_METHODS";

fn method_pk(code: &MethodCode) -> String {
    format!("SHIPMETHOD#{code}")
}

pub(crate) fn method_key(code: &MethodCode) -> super::Item {
    super::key(method_pk(code), METHOD_SK)
}

pub(crate) fn method_from_item(item: impl super::ItemSource) -> Result<Versioned<ShippingMethod>, StoreError> {
    versioned_from_item::<ShippingMethod>(item)
}

#[derive(Serialize)]
struct MethodRecord {
    pk: String,
    sk: String,
    gsi3pk: String,
    gsi3sk: String,
    version: u64,
}

/// Puts a method's new definition if its stored version is still `expected_version` (`None`:
/// new).
pub(crate) fn put_method(
    tx: &mut Tx,
    table: &str,
    m: &ShippingMethod,
    expected_version: Option<u64>,
) -> Result<(), StoreError> {
    let record = MethodRecord {
        pk: method_pk(&m.code),
        sk: METHOD_SK.to_owned(),
        gsi3pk: LIST_GSI3PK.to_owned(),
        gsi3sk: m.code.to_string(),
        version: next_version(expected_version),
    };
    tx.put_versioned(table, record_item(&record, m)?, expected_version)
}

impl Store {
    pub async fn shipping_method(&self, code: &MethodCode) -> Result<Option<Versioned<ShippingMethod>>, StoreError> {
        self.get(&method_pk(code), METHOD_SK).await?.map(versioned_from_item::<ShippingMethod>).transpose()
    }

    /// Every shipping method, in code order.
    pub async fn shipping_methods(&self) -> Result<Vec<Versioned<ShippingMethod>>, StoreError> {
        self.gsi3_partition(LIST_GSI3PK).await?.into_iter().map(versioned_from_item::<ShippingMethod>).collect()
    }
}
