//! The HTTP side of the runner: a plain HTTP/1.1 server on loopback that hands each request to
//! [`Backoffice::invoke`](crate::Backoffice::invoke), as API Gateway would.

use crate::{Backoffice, GATEWAY_MAX_BODY};
use backoffice::http::Problem;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::CONTENT_LENGTH;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

type HyperResponse = hyper::Response<Full<Bytes>>;

fn convert(response: lambda_http::Response<lambda_http::Body>) -> HyperResponse {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        lambda_http::Body::Text(t) => Bytes::from(t),
        lambda_http::Body::Binary(b) => Bytes::from(b),
        _ => Bytes::new(),
    };
    hyper::Response::from_parts(parts, Full::new(bytes))
}

/// How long a client may take over a request, as API Gateway allows (its integration timeout is
/// 30 s): the header, then the body. A client that stops sending mid-request loses its
/// connection instead of holding it for ever.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub header: Duration,
    pub body: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { header: Duration::from_secs(30), body: Duration::from_secs(30) }
    }
}

fn transport_problem(status: u16, slug: &str, title: &str, detail: &str) -> HyperResponse {
    let mut response = convert(Problem::new(status, slug, title, detail).with_field("body").into_response());
    // The connection's framing cannot be trusted after this: do not read another request from it.
    response.headers_mut().insert(hyper::header::CONNECTION, hyper::header::HeaderValue::from_static("close"));
    response
}

async fn handle(
    app: Arc<Backoffice>,
    timeouts: Timeouts,
    req: hyper::Request<Incoming>,
) -> Result<HyperResponse, std::convert::Infallible> {
    let method = req.method().as_str().to_owned();
    let path_and_query = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    // Both framings at once: proxies disagree on which one wins (request smuggling), so API
    // Gateway refuses the request, and so does the runner.
    if req.headers().contains_key(hyper::header::TRANSFER_ENCODING) && req.headers().contains_key(CONTENT_LENGTH) {
        return Ok(transport_problem(
            400,
            "malformed-request",
            "The request could not be read",
            "send either Content-Length or Transfer-Encoding, not both",
        ));
    }
    // API Gateway hands every header to the function, bytes outside ASCII included (as UTF-8
    // text); dropping such a header would let a request skip a check it should fail, such as
    // the `Idempotency-Key` rule.
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let collected = tokio::time::timeout(timeouts.body, Limited::new(req.into_body(), GATEWAY_MAX_BODY).collect());
    let body = match collected.await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return Ok(convert(crate::body_too_large()));
        }
        Ok(Err(_)) => {
            return Ok(transport_problem(
                400,
                "malformed-request",
                "The request could not be read",
                "the body's framing is broken (a malformed chunk, or the connection ended early)",
            ));
        }
        Err(_) => {
            return Ok(transport_problem(
                408,
                "request-timeout",
                "Request timeout",
                "the body did not arrive in time: fewer bytes came than Content-Length announced",
            ));
        }
    };
    if method == "GET" && path_and_query == "/_local/queues" {
        return Ok(convert(local_queues(&app).await));
    }
    if method == "GET" && path_and_query == "/_local/stream" {
        let read = app.stream_records_read().await;
        return Ok(convert(backoffice::http::json(
            lambda_http::http::StatusCode::OK,
            &serde_json::json!({ "records_read_since_start": read, "consumers": app.stream_lag() }),
        )));
    }
    let path = path_and_query.split('?').next().unwrap_or_default();
    if method == "POST"
        && let Some(response) = local_operation(&app, path).await
    {
        return Ok(convert(response));
    }
    if let Some(sign_in) = app.sign_in.as_ref().filter(|_| crate::sign_in::is_sign_in_path(path)) {
        return Ok(sign_in.answer(&app, &method, &path_and_query, &body));
    }
    if method == "GET"
        && let Some(console) = app.console.as_ref().filter(|_| crate::console::is_console_path(path))
    {
        return Ok(console.answer(path));
    }
    let header_refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let started = std::time::Instant::now();
    let response = app.invoke(&method, &path_and_query, &header_refs, &body).await;
    tracing::debug!(%method, path = %path_and_query, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "served");
    Ok(convert(response))
}

/// Serves until the task is dropped, with API Gateway's timeouts. Each connection runs on its
/// own task.
pub async fn serve(app: Arc<Backoffice>, listener: TcpListener) {
    serve_with(app, listener, Timeouts::default()).await
}

pub async fn serve_with(app: Arc<Backoffice>, listener: TcpListener, timeouts: Timeouts) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(Arc::clone(&app), timeouts, req));
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(timeouts.header)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Runner-only: what is waiting in each queue (e.g. `order.placed` messages before the
/// fulfillment worker exists). Not part of the deployed API.
/// `POST /_local/redrive/{queue}` and `POST /_local/run/{function}` (README, "The runner's own
/// routes"); `None` for any other path.
async fn local_operation(app: &Backoffice, path: &str) -> Option<lambda_http::Response<lambda_http::Body>> {
    use lambda_http::http::StatusCode;
    if let Some(queue) = path.strip_prefix("/_local/redrive/") {
        return Some(match app.redrive(queue).await {
            Ok((source, moved)) => backoffice::http::json(
                StatusCode::OK,
                &serde_json::json!({"from": queue, "to": source, "moved": moved}),
            ),
            Err(crate::operations::RedriveError::NotADeadLetterQueue) => Problem::new(
                404,
                "not-found",
                "No such dead-letter queue",
                format!("{queue} is not the dead-letter queue of a queue in template.yaml"),
            )
            .into_response(),
            Err(e) => Problem::unavailable(e.to_string()).into_response(),
        });
    }
    let function = path.strip_prefix("/_local/run/")?;
    Some(match app.run_schedule(function).await {
        Some(result) => {
            backoffice::http::json(StatusCode::OK, &serde_json::json!({"function": function, "result": result}))
        }
        None => Problem::new(
            404,
            "not-found",
            "No such scheduled function",
            format!("{function} has no schedule in template.yaml"),
        )
        .into_response(),
    })
}

async fn local_queues(app: &Backoffice) -> lambda_http::Response<lambda_http::Body> {
    match app.queue_depths().await {
        Ok(depths) => {
            let waited = app.queue_waits();
            let body: serde_json::Map<String, serde_json::Value> = depths
                .into_iter()
                .map(|(q, (visible, in_flight))| {
                    let oldest = waited.get(&q).copied().flatten();
                    let entry =
                        serde_json::json!({"waiting": visible, "in_flight": in_flight, "last_batch_oldest_ms": oldest});
                    (q, entry)
                })
                .collect();
            backoffice::http::json(lambda_http::http::StatusCode::OK, &body)
        }
        Err(e) => Problem::unavailable(e.to_string()).into_response(),
    }
}
