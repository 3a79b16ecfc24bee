//! RFC 9457 problem details. Domain errors become problems only here, at the edge.

use lambda_http::{Body, Response};
use serde::Serialize;
use serde_json::{Map, Value};

pub const CONTENT_TYPE: &str = "application/problem+json";

/// A problem; boxed so `Result<_, Problem>` stays one pointer wide on every fallible path.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(transparent)]
pub struct Problem(Box<ProblemDetails>);

impl std::ops::Deref for Problem {
    type Target = ProblemDetails;
    fn deref(&self) -> &ProblemDetails {
        &self.0
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProblemDetails {
    /// A relative URI reference naming the problem type, e.g. `/problems/validation`.
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The request field at fault (JSON path such as `lines[0].quantity`, a header or a parameter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(flatten)]
    pub extensions: Map<String, Value>,
    /// Seconds for the `Retry-After` header, when retrying the same request may succeed.
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

impl Problem {
    pub fn new(status: u16, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self(Box::new(ProblemDetails {
            type_uri: format!("/problems/{slug}"),
            title: title.to_owned(),
            status,
            detail: detail.into(),
            field: None,
            extensions: Map::new(),
            retry_after: None,
        }))
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.0.field = Some(field.into());
        self
    }

    /// Adds an extension member. The standard members (`type`, `title`, `status`, `detail`,
    /// `field`) cannot be overwritten: a clashing name is prefixed with `x_`.
    pub fn with(mut self, name: &str, value: impl Serialize) -> Self {
        let name = if ["type", "title", "status", "detail", "field"].contains(&name) {
            format!("x_{name}")
        } else {
            name.to_owned()
        };
        let name = name.as_str();
        self.0.extensions.insert(name.to_owned(), serde_json::to_value(value).unwrap_or(Value::Null));
        self
    }

    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.0.retry_after = Some(seconds);
        self
    }

    /// 422: the request is well-formed but a value is not acceptable.
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(422, "validation", "A field is invalid", detail).with_field(field)
    }

    /// 400: the request cannot be read at all (syntax, encoding, missing body).
    pub fn malformed(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(400, "malformed-request", "The request could not be read", detail).with_field(field)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, "not-found", "Not found", detail)
    }

    /// 404 for a record named in the path: "order 01J… does not exist".
    pub fn missing(what: &str, id: &impl std::fmt::Display) -> Self {
        Self::not_found(format!("{what} {id} does not exist"))
    }

    pub fn conflict(slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self::new(409, slug, title, detail)
    }

    /// Someone else's change to the same thing was saved between this request's read and its
    /// write (a version condition failed): read again and send again.
    pub fn changed_meanwhile(detail: impl Into<String>) -> Self {
        Self::conflict("concurrent-change", "Changed meanwhile", detail)
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(503, "unavailable", "Temporarily unavailable, retry", detail).retry_after(1)
    }

    pub fn internal() -> Self {
        Self::new(500, "internal", "Internal error", "the failure was logged with this request's correlation id")
    }

    pub fn into_response(self) -> Response<Body> {
        let status = self.status;
        let body = serde_json::to_string(&self).unwrap_or_default();
        let mut response = Response::new(Body::Text(body));
        *response.status_mut() = lambda_http::http::StatusCode::from_u16(status)
            .unwrap_or(lambda_http::http::StatusCode::INTERNAL_SERVER_ERROR);
        response
            .headers_mut()
            .insert(lambda_http::http::header::CONTENT_TYPE, lambda_http::http::HeaderValue::from_static(CONTENT_TYPE));
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(lambda_http::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<crate::domain::FieldError> for Problem {
    fn from(e: crate::domain::FieldError) -> Self {
        Problem::invalid(e.field, e.reason)
    }
}

/// A listing's failure: a cursor the listing did not issue is the caller's error.
impl From<crate::store::page::CursorOrStore> for Problem {
    fn from(e: crate::store::page::CursorOrStore) -> Self {
        match e {
            crate::store::page::CursorOrStore::Cursor => Problem::invalid("cursor", "not a cursor this listing issued"),
            crate::store::page::CursorOrStore::Store(e) => e.into(),
        }
    }
}

impl From<crate::store::StoreError> for Problem {
    fn from(e: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        match e {
            StoreError::Conflict(crate::store::Guard::Unique(field)) => Problem::conflict(
                "already-taken",
                "Already in use",
                format!("another record already uses this {field}"),
            )
            .with_field(field),
            StoreError::Conflict(crate::store::Guard::Integrity) => {
                tracing::error!("a write found stored data breaking a rule every writer keeps");
                Problem::internal()
            }
            // Lost races (and throttling of a hot partition) that outlasted the retry budget: the
            // records are too busy right now. A conflict with their current state, not a server
            // failure: nothing was written and the request may be retried as it is.
            StoreError::Contention(_) | StoreError::Conflict(_) => Problem::conflict(
                "contention",
                "Too many concurrent changes",
                "these records are changing too fast right now; nothing was written, retry shortly",
            )
            .retry_after(1),
            StoreError::Unavailable(msg) => {
                tracing::error!(error = %msg, "store unavailable");
                Problem::unavailable("the data store did not answer; retry shortly")
            }
            StoreError::Corrupt(msg) => {
                tracing::error!(error = %msg, "stored item does not map to the domain");
                Problem::internal()
            }
        }
    }
}
