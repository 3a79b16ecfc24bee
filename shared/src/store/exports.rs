//! Export jobs: one item per job, kept as long as its file (the table's TTL removes it with the
//! bucket's lifecycle rule). The worker moves a job on only from the state it read.

use super::keys::{EXPORT_SK, export_pk};
use super::{Guard, Store, StoreError, Tx, from_item, key, s, to_item};
use crate::domain::ExportId;
use crate::domain::export::{ExportJob, ExportStatus};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Serialize, Deserialize)]
struct ExportRecord {
    pk: String,
    sk: String,
    /// Beside the job, for the conditions: a job moves on only from the state it was read in.
    status: ExportStatus,
    updated_at: String,
    job: ExportJob,
    expires_at: i64,
}

fn record(job: &ExportJob) -> Result<super::Item, StoreError> {
    to_item(&ExportRecord {
        pk: export_pk(&job.id),
        sk: EXPORT_SK.to_owned(),
        status: job.status,
        updated_at: job.updated_at.to_rfc3339(),
        job: job.clone(),
        expires_at: job.expires_at().timestamp(),
    })
}

/// A new job (only if its id is not taken).
pub fn put_new_export(tx: &mut Tx, table: &str, job: &ExportJob) -> Result<(), StoreError> {
    tx.insert(table, record(job)?, Guard::Insert)
}

impl Store {
    pub async fn export(&self, id: &ExportId) -> Result<Option<ExportJob>, StoreError> {
        let found = self.get_many(vec![key(export_pk(id), EXPORT_SK)]).await?;
        found.into_values().next().map(|item| from_item::<ExportRecord>(item).map(|r| r.job)).transpose()
    }

    /// Writes the job's next state if the stored one is still `read` (same status, same last
    /// update); `Ok(false)` when another attempt moved it first.
    pub async fn save_export(&self, next: &ExportJob, read: &ExportJob) -> Result<bool, StoreError> {
        let status = serde_json::to_value(read.status).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let values = HashMap::from([
            (":status".to_owned(), s(status.as_str().unwrap_or_default())),
            (":updated_at".to_owned(), s(read.updated_at.to_rfc3339())),
        ]);
        self.put_if(
            record(next)?,
            "#status = :status AND #updated_at = :updated_at",
            &[("#status", "status"), ("#updated_at", "updated_at")],
            values,
        )
        .await
    }
}
