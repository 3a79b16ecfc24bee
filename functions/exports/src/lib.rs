//! `exports`: spreadsheets of orders (with their lines, in a date range), of the catalogue
//! with its stock, and of receivables, written by the export worker to the exports bucket.
//!
//! * `POST /exports` `{"kind": "orders", "from": "2026-12-01", "to": "2026-12-31"}` (or
//!   `"catalog"`, `"receivables"`) → 202 with the job and `Location: /exports/{id}`. The job and
//!   its `export.requested` event are written in one transaction; an `Idempotency-Key` replays.
//! * `GET /exports/{id}` → the job; once done, a download link valid for 15 minutes.
//!
//! Files can be of any size (no 6 MB response limit): the worker streams them to S3 and the
//! browser fetches them from there. The data is what `backoffice:read` reads through the lists.

use backoffice::AppContext;
use backoffice::domain::ExportId;
use backoffice::domain::events::ExportRequested;
use backoffice::domain::export::{ExportJob, ExportSpec, ExportStatus};
use backoffice::events::DomainEvent;
use backoffice::http::command::{self, Decision, Idempotency};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::events::EventsOf;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("exports", req, |req, correlation_id| async move {
        http::identity::check(&req, scopes::READ)?;
        match http::route_key(&req).as_str() {
            "POST /exports" => request(ctx, &req, &correlation_id).await,
            "GET /exports/{id}" => status(ctx, &req).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportBody {
    kind: String,
    from: Option<String>,
    to: Option<String>,
}

async fn request(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &[])?;
    let body: ExportBody = http::json_body(req)?;
    let spec = ExportSpec::parse(&body.kind, body.from.as_deref(), body.to.as_deref())?;
    let caller = http::identity::caller(req)?;
    let idem = Idempotency::of(req, &caller)?;
    Ok(command::execute(&ctx.store, idem.as_ref(), backoffice::store::loaded::Reads::new(), |_| {
        let job = ExportJob::request(spec, chrono::Utc::now());
        let event = DomainEvent::ExportRequested(ExportRequested { export_id: job.id.to_string() });
        let mut changes = ctx.store.changes();
        changes.new_export(&job)?.events(EventsOf::Export(&job.id), &[event], correlation_id, job.requested_at)?;
        let location = format!("/exports/{}", job.id);
        let response = command::respond(StatusCode::ACCEPTED, &JobView::of(&job, None), Some(location))?;
        Ok(Decision::new(changes, response))
    })
    .await)
}

async fn status(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &[])?;
    let id = http::path_id(req, "id", ExportId::parse)?;
    let job = ctx.store.export(&id).await?.ok_or_else(|| Problem::not_found(format!("export {id} is not known")))?;
    let download = match job.status {
        ExportStatus::Done => {
            let files = backoffice::files::of(ctx).ok_or_else(Problem::internal)?;
            let url = files.link(&job.object_key(), &job.spec.file_name()).await.map_err(|e| {
                tracing::error!(error = %e, "signing a download link");
                Problem::internal()
            })?;
            let expires_at = chrono::Utc::now() + chrono::Duration::seconds(backoffice::files::LINK_SECONDS as i64);
            Some(Download { url, expires_at, file_name: job.spec.file_name() })
        }
        _ => None,
    };
    Ok(http::json(StatusCode::OK, &JobView::of(&job, download)))
}

/// A job as the API shows it.
#[derive(Serialize)]
struct JobView<'a> {
    #[serde(flatten)]
    job: &'a ExportJob,
    expires_at: chrono::DateTime<chrono::Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    download: Option<Download>,
}

impl<'a> JobView<'a> {
    fn of(job: &'a ExportJob, download: Option<Download>) -> Self {
        Self { job, expires_at: job.expires_at(), download }
    }
}

#[derive(Serialize)]
struct Download {
    url: String,
    expires_at: chrono::DateTime<chrono::Utc>,
    file_name: String,
}
