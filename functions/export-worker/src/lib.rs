//! `export-worker`: takes each `export.requested` from the exports queue and writes the job's
//! file to the exports bucket, page by page (one Query or BatchGet per 100 rows' worth, the
//! file sent in 8 MiB parts), so an export of any size runs in bounded memory. The job moves
//! queued → running → done, each step conditioned on the state it was read in; a failed attempt
//! is recorded on the job and retried by the queue until its receive limit, then the message
//! waits in the dead-letter queue. A redelivered message for a finished job changes nothing.

use aws_lambda_events::sqs::SqsBatchResponse;
use backoffice::AppContext;
use backoffice::domain::ExportId;
use backoffice::domain::export::ExportJob;
use backoffice::events::{DomainEvent, Envelope};
use backoffice::files::Bucket;
use backoffice::sqs::Batch;

mod sheets;

pub async fn handler(ctx: &AppContext, event: Batch) -> SqsBatchResponse {
    backoffice::sqs::consume(&event, |envelope| process(ctx, envelope)).await
}

async fn process(ctx: &AppContext, envelope: Envelope) -> Result<(), String> {
    let requested = match envelope.event().map_err(|e| format!("bad payload: {e}"))? {
        DomainEvent::ExportRequested(r) => r,
        other => return Err(format!("{} does not belong on the exports queue", other.event_type())),
    };
    let id = ExportId::parse("export_id", &requested.export_id).map_err(|e| e.to_string())?;
    let files = backoffice::files::of(ctx).ok_or("EXPORTS_BUCKET is not set")?;
    let Some(job) = ctx.store.export(&id).await.map_err(|e| e.to_string())? else {
        tracing::warn!(export_id = %id, "the job has expired; nothing to write");
        return Ok(());
    };
    let Ok(running) = job.start(chrono::Utc::now()) else {
        tracing::info!(export_id = %id, "already done");
        return Ok(());
    };
    if !ctx.store.save_export(&running, &job).await.map_err(|e| e.to_string())? {
        return Err("another attempt moved the job first; trying again later".into());
    }
    match write(ctx, files, &running).await {
        Ok((rows, bytes)) => {
            let done = running.finish(rows, bytes, chrono::Utc::now()).map_err(|e| e.to_string())?;
            if !ctx.store.save_export(&done, &running).await.map_err(|e| e.to_string())? {
                return Err("another attempt moved the job while this one wrote it".into());
            }
            tracing::info!(export_id = %id, rows, bytes, "export written");
            Ok(())
        }
        Err(reason) => {
            let failed = running.fail(&reason, chrono::Utc::now()).map_err(|e| e.to_string())?;
            // Best effort: the queue retries whether or not the failure could be recorded.
            let _ = ctx.store.save_export(&failed, &running).await;
            Err(reason)
        }
    }
}

/// Writes the job's file: a UTF-8 byte-order mark (so spreadsheets read the accents right), the
/// header, then every row; (rows, bytes).
async fn write(ctx: &AppContext, files: &Bucket, job: &ExportJob) -> Result<(u64, u64), String> {
    let mut upload = files.create(&job.object_key(), &job.spec.file_name());
    let written = sheets::write(&ctx.store, job.spec, &mut upload).await;
    match written {
        Ok(rows) => Ok((rows, upload.finish().await.map_err(|e| e.to_string())?)),
        Err(e) => {
            upload.abort().await;
            Err(e)
        }
    }
}
