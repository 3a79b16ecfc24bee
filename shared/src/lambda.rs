//! A function's `main`: logs set up, the context built once for the life of the execution
//! environment, and each invocation run in an `invocation` span that says whether it is the
//! environment's first (`cold_start`). Inside the runtime's own span, which carries Lambda's
//! `requestId` and `xrayTraceId`, so every log line of an invocation names them.

use crate::AppContext;
use lambda_http::{Body, Request, Response};
pub use lambda_runtime::Error;
use lambda_runtime::LambdaEvent;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use tracing::Instrument;

static INVOKED: AtomicBool = AtomicBool::new(false);

/// The span of one invocation; `cold_start` is true for the first in this process only.
pub fn invocation_span() -> tracing::Span {
    let cold_start = !INVOKED.swap(true, Ordering::Relaxed);
    if cold_start {
        crate::metrics::cold_start();
    }
    tracing::info_span!("invocation", cold_start)
}

/// Logs and metrics set up, and the context built once, for every invocation of this execution
/// environment.
async fn context() -> Result<&'static AppContext, Error> {
    crate::telemetry::init();
    crate::metrics::init();
    Ok(Box::leak(Box::new(AppContext::from_env().await?)))
}

/// What an invocation recorded, written before its answer goes back (after it, the environment
/// may be frozen until the next one).
fn flush_metrics() {
    crate::metrics::flush(std::io::stdout().lock());
}

/// Serves an HTTP API function (API Gateway's HTTP API, payload 2.0).
pub async fn serve_http<F, Fut>(handler: F) -> Result<(), Error>
where
    F: Fn(&'static AppContext, Request) -> Fut + Sync,
    Fut: Future<Output = Response<Body>> + Send + 'static,
{
    let ctx = context().await?;
    let handler = &handler;
    lambda_http::run(lambda_http::service_fn(move |req| async move {
        let response = Box::pin(handler(ctx, req).instrument(invocation_span())).await;
        flush_metrics();
        Ok::<_, Error>(response)
    }))
    .await
}

/// Serves a function triggered by events (SQS, the table's stream, the scheduler).
pub async fn serve_events<E, R, F, Fut>(handler: F) -> Result<(), Error>
where
    E: DeserializeOwned + Send + 'static,
    R: Serialize,
    F: Fn(&'static AppContext, E) -> Fut + Sync,
    Fut: Future<Output = R>,
{
    let ctx = context().await?;
    let handler = &handler;
    lambda_runtime::run(lambda_runtime::service_fn(move |event: LambdaEvent<E>| async move {
        // Boxed: the handler's future is deep, and nesting it in the runtime's would pass the
        // compiler's query depth limit in some functions.
        let answer = Box::pin(handler(ctx, event.payload).instrument(invocation_span())).await;
        flush_metrics();
        Ok::<_, Error>(answer)
    }))
    .await
}

/// Serves a function invoked asynchronously (SES's receipt rule): an error fails the invocation,
/// so Lambda tries it again and, at the last failure, hands the event to the function's
/// on-failure destination (template.yaml).
pub async fn serve_retried<E, R, F, Fut>(handler: F) -> Result<(), Error>
where
    E: DeserializeOwned + Send + 'static,
    R: Serialize,
    F: Fn(&'static AppContext, E) -> Fut + Sync,
    Fut: Future<Output = Result<R, String>>,
{
    let ctx = context().await?;
    let handler = &handler;
    lambda_runtime::run(lambda_runtime::service_fn(move |event: LambdaEvent<E>| async move {
        let answer = Box::pin(handler(ctx, event.payload).instrument(invocation_span())).await;
        flush_metrics();
        answer.map_err(Error::from)
    }))
    .await
}

/// Serves a function that makes no AWS call (the user pool's trigger): logs set up, no context
/// built, the handler a plain function of its event.
pub async fn serve_pure<E, R, F>(handler: F) -> Result<(), Error>
where
    E: DeserializeOwned + Send + 'static,
    R: Serialize,
    F: Fn(E) -> R + Sync,
{
    crate::telemetry::init();
    crate::metrics::init();
    let handler = &handler;
    lambda_runtime::run(lambda_runtime::service_fn(move |event: LambdaEvent<E>| async move {
        let answer = invocation_span().in_scope(|| handler(event.payload));
        flush_metrics();
        Ok::<_, Error>(answer)
    }))
    .await
}
