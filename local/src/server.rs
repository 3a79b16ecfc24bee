//! The HTTP side of the runner: a plain HTTP/1.1 server on loopback that hands each request to
//! [`Backoffice::invoke`](crate::Backoffice::invoke), as API Gateway would.

use crate::{Backoffice, GATEWAY_MAX_BODY};
use backoffice::http::Problem;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
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

async fn handle(
    app: Arc<Backoffice>,
    req: hyper::Request<Incoming>,
) -> Result<HyperResponse, std::convert::Infallible> {
    let method = req.method().as_str().to_owned();
    let path_and_query = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    let headers: Vec<(String, String)> =
        req.headers().iter().filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned()))).collect();
    let body = match Limited::new(req.into_body(), GATEWAY_MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Ok(convert(
                Problem::new(413, "payload-too-large", "Request body too large", "API Gateway accepts at most 10 MB")
                    .into_response(),
            ));
        }
    };
    if method == "GET" && path_and_query == "/_local/queues" {
        return Ok(convert(local_queues(&app).await));
    }
    let header_refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let started = std::time::Instant::now();
    let response = app.invoke(&method, &path_and_query, &header_refs, &body).await;
    tracing::debug!(%method, path = %path_and_query, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "served");
    Ok(convert(response))
}

/// Serves until the task is dropped. Each connection runs on its own task.
pub async fn serve(app: Arc<Backoffice>, listener: TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(Arc::clone(&app), req));
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

/// Runner-only: what is waiting in each queue (e.g. `order.placed` messages before the
/// fulfillment worker exists). Not part of the deployed API.
async fn local_queues(app: &Backoffice) -> lambda_http::Response<lambda_http::Body> {
    match app.queue_depths().await {
        Ok(depths) => {
            let body: serde_json::Map<String, serde_json::Value> = depths
                .into_iter()
                .map(|(q, (visible, in_flight))| (q, serde_json::json!({"waiting": visible, "in_flight": in_flight})))
                .collect();
            backoffice::http::json(lambda_http::http::StatusCode::OK, &body)
        }
        Err(e) => Problem::unavailable(e.to_string()).into_response(),
    }
}
