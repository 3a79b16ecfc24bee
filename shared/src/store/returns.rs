//! Returns as items: `RETURN#{id}` / `RETURN`, indexed under their customer (gsi2) so export and
//! erasure find them.

use super::keys;
use super::versioned::{Versioned, next_version, versioned_from_item};
use super::{Item, Store, StoreError, Tx, record_item};
use crate::domain::ReturnId;
use crate::domain::returns::Return;
use serde::Serialize;

/// What a return's item holds beside the return's fields (`record_item`; read back straight into
/// a `Return`, see `order_from_item`).
#[derive(Serialize)]
struct ReturnRecord {
    pk: String,
    sk: String,
    gsi2pk: String,
    gsi2sk: String,
    /// The queue of its status, oldest first.
    gsi5pk: String,
    gsi5sk: String,
    version: u64,
}

pub fn return_pk(id: &ReturnId) -> String {
    format!("RETURN#{id}")
}

pub fn return_key(id: &ReturnId) -> Item {
    super::key(return_pk(id), keys::RETURN_SK)
}

pub fn return_from_item(item: impl super::ItemSource) -> Result<Versioned<Return>, StoreError> {
    versioned_from_item::<Return>(item)
}

pub fn put_return(tx: &mut Tx, table: &str, ret: &Return, expected_version: Option<u64>) -> Result<(), StoreError> {
    let record = ReturnRecord {
        pk: return_pk(&ret.id),
        sk: keys::RETURN_SK.to_owned(),
        gsi2pk: keys::customer_pk(&ret.customer_id),
        gsi2sk: format!("RETURN#{}", ret.id),
        gsi5pk: keys::returns_by_status_pk(&ret.status.to_string()),
        gsi5sk: format!("{}#{}", super::orders::sortable(ret.requested_at), ret.id),
        version: next_version(expected_version),
    };
    tx.put_versioned(table, record_item(&record, ret)?, expected_version)
}

impl Store {
    /// Returns in `status`, oldest first: the queue of parcels to receive, of refunds to make.
    pub async fn returns_in(
        &self,
        status: crate::domain::returns::ReturnStatus,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<super::page::Page<Versioned<Return>>, super::page::CursorOrStore> {
        let partition = keys::returns_by_status_pk(&status.to_string());
        let query = super::page::PageQuery {
            index: Some(keys::GSI5),
            partition: ("gsi5pk", &partition),
            sort_prefix: None,
            sort_between: None,
            newest_first: false,
        };
        self.page(query, limit, cursor, return_from_item).await
    }

    pub async fn return_by_id(&self, id: &ReturnId) -> Result<Option<Versioned<Return>>, StoreError> {
        self.get(&return_pk(id), keys::RETURN_SK).await?.map(return_from_item).transpose()
    }

    /// Several returns in one BatchGetItem (an order's returns), in the order of `ids`.
    pub async fn returns(&self, ids: &[ReturnId]) -> Result<Vec<Versioned<Return>>, StoreError> {
        let mut found: Vec<Versioned<Return>> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(100) {
            let items = self.get_many(chunk.iter().map(return_key).collect()).await?;
            for item in items.into_values() {
                found.push(return_from_item(item)?);
            }
        }
        found.sort_by_key(|r| r.id);
        Ok(found)
    }
}
