//! lambda_http glue shared by every HTTP function.

pub mod body;
pub mod command;
pub mod identity;
pub mod merge_patch;
pub mod order_command;
pub mod order_input;
pub mod order_problems;
pub mod problem;

pub use body::{json_body, json_body_as};
pub use identity::{Caller, require, scopes};
pub use problem::Problem;

use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;

pub const CORRELATION_HEADER: &str = "x-correlation-id";

/// The route this request matched in API Gateway, e.g. `POST /stock/{sku}/adjustments`.
pub fn route_key(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.route_key.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// The request id API Gateway assigned (empty when not behind API Gateway).
pub fn request_id(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// The caller's `x-correlation-id` if it is sane, else API Gateway's request id, else a new one.
pub fn correlation_id(req: &Request) -> String {
    let valid = |v: &&str| {
        !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
    };
    req.headers()
        .get(CORRELATION_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(valid)
        .map(str::to_owned)
        .or_else(|| Some(request_id(req)).filter(|id| !id.is_empty()))
        .unwrap_or_else(|| ulid::Ulid::new().to_string())
}

pub fn path_param(req: &Request, name: &str) -> Option<String> {
    req.path_parameters_ref().and_then(|p| p.first(name)).map(str::to_owned)
}

/// A path parameter parsed into its domain type (`http::path_id(req, "id", OrderId::parse)`): a
/// missing or malformed one is a 422 naming it.
pub fn path_id<T>(
    req: &Request,
    name: &str,
    parse: fn(&str, &str) -> Result<T, crate::domain::FieldError>,
) -> Result<T, Problem> {
    Ok(parse(name, &path_param(req, name).unwrap_or_default())?)
}

pub fn query_param(req: &Request, name: &str) -> Option<String> {
    req.query_string_parameters_ref().and_then(|p| p.first(name)).map(str::to_owned)
}

/// Rejects query parameters the route does not know, naming the first one.
pub fn only_query_params(req: &Request, known: &[&str]) -> Result<(), Problem> {
    if let Some(params) = req.query_string_parameters_ref()
        && let Some((name, _)) = params.iter().find(|(k, _)| !known.contains(k))
    {
        return Err(Problem::invalid(
            name,
            if known.is_empty() {
                "unknown query parameter; this route takes none".to_owned()
            } else {
                format!("unknown query parameter; this route accepts {}", known.join(", "))
            },
        ));
    }
    Ok(())
}

/// The `Idempotency-Key` header: optional, 1–255 visible ASCII characters.
pub fn idempotency_key(req: &Request) -> Result<Option<String>, Problem> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let bad = || Problem::invalid("idempotency-key", "must be 1 to 255 visible ASCII characters");
    let value = value.to_str().map_err(|_| bad())?;
    if value.is_empty() || value.len() > 255 || !value.chars().all(|c| c.is_ascii_graphic()) {
        return Err(bad());
    }
    Ok(Some(value.to_owned()))
}

pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    // 1 KiB holds most responses without growing the buffer (`to_string` starts at 128 bytes
    // and doubles, copying each time).
    let mut body = Vec::with_capacity(1024);
    match serde_json::to_writer(&mut body, value).map(|()| String::from_utf8(body)) {
        Ok(Ok(body)) => json_text(status, body),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "response is not UTF-8");
            Problem::internal().into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "response did not serialise");
            Problem::internal().into_response()
        }
    }
}

pub fn json_text(status: StatusCode, body: String) -> Response<Body> {
    let mut response = Response::new(Body::Text(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

pub fn with_header(mut response: Response<Body>, name: &'static str, value: &str) -> Response<Body> {
    if let Ok(v) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, v);
    }
    response
}

/// Turns a handler's result into the response, adding the correlation id, and logs the outcome.
pub fn finish(result: Result<Response<Body>, Problem>, correlation_id: &str) -> Response<Body> {
    let response = result.unwrap_or_else(Problem::into_response);
    let status = response.status().as_u16();
    if status >= 500 {
        tracing::error!(status, "request failed");
    } else {
        tracing::info!(status, "request handled");
    }
    with_header(response, CORRELATION_HEADER, correlation_id)
}

/// Runs one HTTP invocation: opens a span carrying the request and correlation ids, calls the
/// route's handler and turns its result (or problem) into the response.
pub async fn serve<F, Fut>(function: &'static str, req: Request, handle: F) -> Response<Body>
where
    F: FnOnce(Request, String) -> Fut,
    Fut: std::future::Future<Output = Result<Response<Body>, Problem>>,
{
    use tracing::Instrument;
    let correlation_id = correlation_id(&req);
    let span = tracing::info_span!(
        "http",
        function,
        route = %route_key(&req),
        request_id = %request_id(&req),
        correlation_id = %correlation_id,
    );
    let actor = crate::store::audit::Actor {
        subject: identity::subject(&req).unwrap_or_default().to_owned(),
        command: route_key(&req),
        correlation_id: correlation_id.clone(),
    };
    // Boxed: a function's handler future holds every route's state (a query-api one is several
    // kilobytes), and each wrapper below would otherwise copy it whole when it moves it.
    let work = Box::pin(handle(req, correlation_id.clone())).instrument(span.clone());
    let result = crate::store::audit::acting_as(actor, work).await;
    span.in_scope(|| finish(result, &correlation_id))
}

/// The standard answer for a route key this function does not serve.
pub fn unknown_route(req: &Request) -> Problem {
    Problem::not_found(format!("no route {}", route_key(req)))
}

/// Saves a definition replaced whole over the version read (a shipping method, a promotion, a
/// supplier): a lost race is 409, naming `what` changed meanwhile.
pub async fn save_replaced(
    store: &crate::store::Store,
    changes: crate::store::Changes,
    what: &str,
) -> Result<(), Problem> {
    match store.commit(changes).await {
        Ok(()) => Ok(()),
        Err(crate::store::StoreError::Conflict(crate::store::Guard::Version)) => Err(Problem::changed_meanwhile(
            format!("another change to this {what} was saved first; read it and send yours again"),
        )),
        Err(e) => Err(e.into()),
    }
}
