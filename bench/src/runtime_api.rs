//! A Lambda Runtime API emulator (the `2018-06-01` interface a function's runtime client
//! polls): hands out queued events on `invocation/next` and reports when each response or
//! error arrives, so a benchmark can time exec → first response served.

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// What came back for one invocation.
#[derive(Debug)]
pub struct Outcome {
    /// When the response (or error) reached the emulator.
    pub at: Instant,
    pub ok: bool,
    pub body: Bytes,
}

struct Shared {
    events: tokio::sync::Mutex<mpsc::UnboundedReceiver<(String, Bytes)>>,
    waiting: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    init_error: Mutex<Option<oneshot::Sender<Outcome>>>,
    /// When the runtime first asked for an event: the end of its Init phase.
    first_next: Mutex<Option<Instant>>,
}

pub struct RuntimeApi {
    /// `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
    pub address: String,
    queue: mpsc::UnboundedSender<(String, Bytes)>,
    shared: Arc<Shared>,
}

impl RuntimeApi {
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?.to_string();
        let (queue, events) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            events: tokio::sync::Mutex::new(events),
            waiting: Mutex::new(HashMap::new()),
            init_error: Mutex::new(None),
            first_next: Mutex::new(None),
        });
        crate::serve(listener, None, shared.clone(), route);
        Ok(Self { address, queue, shared })
    }

    /// When the function first asked for an event (what Lambda reports as the end of Init).
    pub fn init_done(&self) -> Option<Instant> {
        *self.shared.first_next.lock().expect("runtime api")
    }

    /// Queues an event; resolves when its response (or an init or invocation error) arrives.
    pub fn invoke(&self, event: &[u8]) -> oneshot::Receiver<Outcome> {
        let id = ulid::Ulid::new().to_string();
        let (tx, rx) = oneshot::channel();
        self.shared.waiting.lock().expect("runtime api").insert(id.clone(), tx);
        let (init_tx, init_rx) = oneshot::channel();
        *self.shared.init_error.lock().expect("runtime api") = Some(init_tx);
        let _ = self.queue.send((id, Bytes::copy_from_slice(event)));
        // Whichever comes first: the response, or an init error (the process then exits).
        let (merged_tx, merged_rx) = oneshot::channel();
        tokio::spawn(async move {
            let outcome = tokio::select! {
                Ok(o) = rx => o,
                Ok(o) = init_rx => o,
                else => return,
            };
            let _ = merged_tx.send(outcome);
        });
        merged_rx
    }
}

fn reply(status: u16, body: Bytes) -> Response<Full<Bytes>> {
    Response::builder().status(status).body(Full::new(body)).expect("static response")
}

async fn route(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    if method == Method::GET && path == "/2018-06-01/runtime/invocation/next" {
        shared.first_next.lock().expect("runtime api").get_or_insert_with(Instant::now);
        let next = shared.events.lock().await.recv().await;
        let Some((id, event)) = next else { return Ok(reply(500, Bytes::new())) };
        let deadline = chrono::Utc::now().timestamp_millis() + 15_000;
        return Ok(Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("lambda-runtime-aws-request-id", &id)
            .header("lambda-runtime-deadline-ms", deadline.to_string())
            .header("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:000000000000:function:bench")
            .header("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000;Sampled=0")
            .body(Full::new(event))
            .expect("event response"));
    }
    let body = req.into_body().collect().await?.to_bytes();
    let at = Instant::now();
    if path == "/2018-06-01/runtime/init/error" {
        if let Some(tx) = shared.init_error.lock().expect("runtime api").take() {
            let _ = tx.send(Outcome { at, ok: false, body });
        }
        return Ok(reply(202, Bytes::new()));
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if let ["2018-06-01", "runtime", "invocation", id, kind @ ("response" | "error")] = parts.as_slice() {
        if let Some(tx) = shared.waiting.lock().expect("runtime api").remove(*id) {
            let _ = tx.send(Outcome { at, ok: *kind == "response", body });
        }
        return Ok(reply(202, Bytes::new()));
    }
    Ok(reply(404, Bytes::new()))
}

/// The environment Lambda gives a function, pointing at this emulator.
pub fn lambda_environment(runtime_api: &str, function: &str) -> Vec<(String, String)> {
    [
        ("AWS_LAMBDA_RUNTIME_API", runtime_api),
        ("AWS_REGION", "us-east-1"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "ASIABENCHMARK0000000"),
        ("AWS_SECRET_ACCESS_KEY", "benchmark-secret-access-key-0000000000000"),
        ("AWS_SESSION_TOKEN", "benchmark-session-token"),
        ("AWS_LAMBDA_FUNCTION_NAME", function),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/bench"),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/23/[$LATEST]bench"),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
        ("AWS_EXECUTION_ENV", "AWS_Lambda_rust"),
        ("LAMBDA_TASK_ROOT", "/var/task"),
        ("_HANDLER", "bootstrap"),
        ("TZ", ":UTC"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}
