//! Optional capture, per function, of every event it is invoked with and every AWS exchange it
//! makes (request body, response status, headers and body), in order. The benchmarks record a
//! real scenario against moto with it, then replay the exchanges to measure a function's own
//! cost apart from the emulator's. Off unless a runner is built with [`crate::Backoffice::capturing`].

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// One AWS call as it crossed the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exchange {
    /// The `X-Amz-Target` header, e.g. `DynamoDB_20120810.TransactWriteItems`, or for a
    /// query-protocol service (SNS) `Query.` and the request's `Action`, or for S3 `S3.` and the
    /// operation its method and query name ([`target_of`]).
    pub target: String,
    /// The request's path and query (S3 names the bucket and key there).
    #[serde(default)]
    pub path: String,
    pub request: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub response: String,
}

impl Exchange {
    /// The operation name, e.g. `TransactWriteItems`.
    pub fn operation(&self) -> &str {
        self.target.rsplit('.').next().unwrap_or(&self.target)
    }
}

/// The operation a request calls, as [`Exchange::target`] names it: JSON-protocol services
/// (DynamoDB, SQS) name it in `X-Amz-Target`, query-protocol ones (SNS) in the form body's
/// `Action` parameter, SES v2 (REST) by its path, and S3 (REST) by the method and the query's
/// sub-resources.
pub fn target_of(method: &str, path: &str, x_amz_target: Option<&str>, body: &[u8]) -> String {
    if let Some(target) = x_amz_target.filter(|t| !t.is_empty()) {
        return target.to_owned();
    }
    if let Some(action) = body.split(|b| *b == b'&').find_map(|pair| pair.strip_prefix(b"Action=")) {
        return format!("Query.{}", String::from_utf8_lossy(action));
    }
    // SES v2 is REST too: its operation is its path.
    if path.starts_with("/v2/email/outbound-emails") {
        return "SESv2.SendEmail".into();
    }
    let query = path.split_once('?').map_or("", |(_, q)| q);
    let has = |name: &str| query.split('&').any(|p| p.split('=').next() == Some(name));
    let operation = match method {
        "PUT" if has("uploadId") => "UploadPart",
        "PUT" => "PutObject",
        "POST" if has("uploads") => "CreateMultipartUpload",
        "POST" if has("uploadId") => "CompleteMultipartUpload",
        "DELETE" if has("uploadId") => "AbortMultipartUpload",
        "GET" => "GetObject",
        _ => "Unknown",
    };
    format!("S3.{operation}")
}

/// What happened to one function, in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Entry {
    /// The event the function was invoked with, exactly as Lambda would send it.
    Invocation(serde_json::Value),
    Exchange(Exchange),
}

/// One invocation and the AWS exchanges it made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recording {
    pub event: serde_json::Value,
    pub exchanges: Vec<Exchange>,
}

#[cfg(test)]
mod tests {
    use super::target_of;

    #[test]
    fn the_target_is_the_header_or_the_query_action() {
        let ddb = target_of("POST", "/", Some("DynamoDB_20120810.Query"), b"{}");
        assert_eq!(ddb, "DynamoDB_20120810.Query");
        let sns = target_of("POST", "/", None, b"Action=PublishBatch&Version=2010-03-31&TopicArn=arn");
        assert_eq!(sns, "Query.PublishBatch");
        assert_eq!(target_of("POST", "/", None, b"Version=1&Action=Subscribe"), "Query.Subscribe");
        assert_eq!(target_of("PUT", "/b/exports/x.csv?x-id=PutObject", None, b"sku,name"), "S3.PutObject");
        let part = target_of("PUT", "/b/k?x-id=UploadPart&partNumber=1&uploadId=u", None, b"");
        assert_eq!(part, "S3.UploadPart");
        assert_eq!(target_of("POST", "/b/k?uploads&x-id=CreateMultipartUpload", None, b""), "S3.CreateMultipartUpload");
    }
}

#[derive(Debug, Clone, Default)]
pub struct Capture(Arc<Mutex<BTreeMap<String, Vec<Entry>>>>);

impl Capture {
    pub fn invocation(&self, function: &str, event: serde_json::Value) {
        self.push(function, Entry::Invocation(event));
    }

    fn push(&self, function: &str, entry: Entry) {
        if let Ok(mut m) = self.0.lock() {
            m.entry(function.to_owned()).or_default().push(entry);
        }
    }

    pub fn interceptor(&self, function: &str) -> Capturer {
        Capturer { capture: self.clone(), function: function.to_owned() }
    }

    /// Every invocation of `function` with its exchanges. Exact when the function's invocations
    /// did not overlap (the benchmarks drive one at a time).
    pub fn recordings(&self, function: &str) -> Vec<Recording> {
        let entries = self.0.lock().map(|m| m.get(function).cloned().unwrap_or_default()).unwrap_or_default();
        let mut out: Vec<Recording> = Vec::new();
        for entry in entries {
            match entry {
                Entry::Invocation(event) => out.push(Recording { event, exchanges: Vec::new() }),
                Entry::Exchange(x) => {
                    if let Some(last) = out.last_mut() {
                        last.exchanges.push(x);
                    }
                }
            }
        }
        out
    }
}

/// The request half of an exchange, kept in the config bag between transmit and deserialization.
#[derive(Debug, Clone)]
struct Pending {
    target: String,
    path: String,
    request: String,
}

impl Storable for Pending {
    type Storer = StoreReplace<Self>;
}

#[derive(Debug, Clone)]
pub struct Capturer {
    capture: Capture,
    function: String,
}

impl Intercept for Capturer {
    fn name(&self) -> &'static str {
        "ExchangeCapture"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let bytes = request.body().bytes().unwrap_or_default();
        let uri = request.uri();
        // The path and query, without the scheme and host.
        let path = uri.find("://").and_then(|at| uri[at + 3..].find('/').map(|p| &uri[at + 3 + p..])).unwrap_or(uri);
        let target = target_of(request.method(), path, request.headers().get("x-amz-target"), bytes);
        let body = String::from_utf8_lossy(bytes).into_owned();
        cfg.interceptor_state().store_put(Pending { target, path: path.to_owned(), request: body });
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(pending) = cfg.load::<Pending>().cloned() else { return Ok(()) };
        let response = context.response();
        let headers = response
            .headers()
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("date"))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let body = response.body().bytes().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
        self.capture.push(
            &self.function,
            Entry::Exchange(Exchange {
                target: pending.target,
                path: pending.path,
                request: pending.request,
                status: response.status().as_u16(),
                headers,
                response: body,
            }),
        );
        Ok(())
    }
}
