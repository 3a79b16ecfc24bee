//! Suppliers and their terms per SKU.
//!
//! * `SUPPLIER#{id}` / `SUPPLIER`: the supplier (versioned), listed in id order through gsi3
//!   (`SUPPLIERS` / `{id}`).
//! * `SKU#{sku}` / `SUPPLIER#{id}`: what that supplier charges for the SKU (versioned).
//! * `SKU#{sku}` / `PREFERRED_SUPPLIER`: which supplier the SKU is bought from by default (one per
//!   SKU, so a replenishment knows whom to ask).

use super::versioned::{Versioned, next_version, versioned_from_item};
use super::{Item, Store, StoreError, Tx, keys, record_item, s};
use crate::domain::Sku;
use crate::domain::purchasing::{Supplier, SupplierId, SupplierTerms};
use serde::Serialize;

const SUPPLIER_SK: &str = "SUPPLIER";
const LIST_GSI3PK: &str = "SUPPLIERS";
const PREFERRED_SK: &str = "PREFERRED_SUPPLIER";

fn supplier_pk(id: &SupplierId) -> String {
    format!("SUPPLIER#{id}")
}

fn terms_sk(id: &SupplierId) -> String {
    format!("SUPPLIER#{id}")
}

#[derive(Serialize)]
struct SupplierRecord {
    pk: String,
    sk: String,
    gsi3pk: String,
    gsi3sk: String,
    version: u64,
}

#[derive(Serialize)]
struct KeysRecord {
    pk: String,
    sk: String,
    version: u64,
}

pub(crate) fn put_supplier(tx: &mut Tx, table: &str, s: &Supplier, expected: Option<u64>) -> Result<(), StoreError> {
    let record = SupplierRecord {
        pk: supplier_pk(s.id()),
        sk: SUPPLIER_SK.to_owned(),
        gsi3pk: LIST_GSI3PK.to_owned(),
        gsi3sk: s.id().to_string(),
        version: next_version(expected),
    };
    tx.put_versioned(table, record_item(&record, s)?, expected)
}

pub(crate) fn put_terms(tx: &mut Tx, table: &str, t: &SupplierTerms, expected: Option<u64>) -> Result<(), StoreError> {
    let record =
        KeysRecord { pk: keys::sku_pk(t.sku()), sk: terms_sk(t.supplier_id()), version: next_version(expected) };
    tx.put_versioned(table, record_item(&record, t)?, expected)
}

/// Makes `supplier` the SKU's preferred supplier (whoever was before).
pub(crate) fn put_preferred(tx: &mut Tx, table: &str, sku: &Sku, supplier: &SupplierId) -> Result<(), StoreError> {
    let mut item = Item::new();
    item.insert("pk".into(), s(keys::sku_pk(sku)));
    item.insert("sk".into(), s(PREFERRED_SK));
    item.insert("supplier_id".into(), s(supplier.as_str()));
    let put = aws_sdk_dynamodb::types::Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.push(aws_sdk_dynamodb::types::TransactWriteItem::builder().put(put).build(), super::Guard::Rule);
    Ok(())
}

/// A SKU's terms from each of its suppliers, and which supplier is preferred.
#[derive(Debug, Clone)]
pub struct SkuSuppliers {
    pub terms: Vec<Versioned<SupplierTerms>>,
    pub preferred: Option<SupplierId>,
}

impl Store {
    pub async fn supplier(&self, id: &SupplierId) -> Result<Option<Versioned<Supplier>>, StoreError> {
        self.get(&supplier_pk(id), SUPPLIER_SK).await?.map(versioned_from_item::<Supplier>).transpose()
    }

    /// Every supplier, in id order.
    pub async fn suppliers(&self) -> Result<Vec<Versioned<Supplier>>, StoreError> {
        self.gsi3_partition(LIST_GSI3PK).await?.into_iter().map(versioned_from_item::<Supplier>).collect()
    }

    /// The SKU's terms from every supplier and its preferred supplier (one query of its
    /// partition's supplier items).
    pub async fn sku_suppliers(&self, sku: &Sku) -> Result<SkuSuppliers, StoreError> {
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(keys::sku_pk(sku)))
            .expression_attribute_values(":prefix", s("SUPPLIER#"))
            .consistent_read(true);
        let terms = self
            .query_all(query)
            .await?
            .into_iter()
            .map(versioned_from_item::<SupplierTerms>)
            .collect::<Result<_, _>>()?;
        let preferred = self
            .get(&keys::sku_pk(sku), PREFERRED_SK)
            .await?
            .and_then(|i| i.get("supplier_id").and_then(|v| v.as_s().ok()).cloned())
            .map(|raw| SupplierId::parse("supplier_id", &raw).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()?;
        Ok(SkuSuppliers { terms, preferred })
    }
}
