//! Serves recorded AWS responses on a loopback port, over HTTPS as AWS endpoints do (the
//! certificate is the bench CA's, `tls.rs`): each target (`X-Amz-Target`, a query request's
//! `Action`, or an S3 request's operation) gets its recorded
//! responses in order, round and round, so a handler (or its floor) repeating one invocation
//! gets the answers it got from moto. Counts what it served so a run can be checked.

use backoffice_local::capture::Exchange;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct State {
    by_target: HashMap<String, Vec<Exchange>>,
    next: HashMap<String, usize>,
    served: usize,
    unknown: usize,
}

#[derive(Clone)]
pub struct Replay {
    state: Arc<Mutex<State>>,
    pub endpoint: String,
}

impl Replay {
    pub async fn start(exchanges: &[Exchange]) -> Result<Self, crate::tls::Error> {
        let ca = crate::tls::ca()?;
        let mut state = State::default();
        for x in exchanges {
            state.by_target.entry(x.target.clone()).or_default().push(x.clone());
        }
        let state = Arc::new(Mutex::new(state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("https://{}", listener.local_addr()?);
        crate::serve(listener, Some(ca.acceptor.clone()), state.clone(), answer);
        Ok(Self { state, endpoint })
    }

    /// Starts every target from its first recorded response again; returns (served, unknown)
    /// since the last reset.
    pub fn reset(&self) -> (usize, usize) {
        let mut s = self.state.lock().expect("replay state");
        s.next.clear();
        let counts = (s.served, s.unknown);
        s.served = 0;
        s.unknown = 0;
        counts
    }
}

async fn answer(state: Arc<Mutex<State>>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let header = req.headers().get("x-amz-target").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let method = req.method().as_str().to_owned();
    let path = req.uri().path_and_query().map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
    // Read the whole request, as a real endpoint would, before answering.
    let body = req.into_body().collect().await?.to_bytes();
    let target = backoffice_local::capture::target_of(&method, &path, header.as_deref(), &body);
    let recorded = {
        let mut s = state.lock().expect("replay state");
        let found = s.by_target.get(&target).map(|list| {
            let i = s.next.get(&target).copied().unwrap_or(0);
            (list[i % list.len()].clone(), i + 1)
        });
        match found {
            Some((x, next)) => {
                s.next.insert(target.clone(), next);
                s.served += 1;
                Some(x)
            }
            None => {
                s.unknown += 1;
                None
            }
        }
    };
    let Some(x) = recorded else {
        let body = format!(
            r#"{{"__type":"com.amazon.coral.validate#ValidationException","message":"{target} was not recorded"}}"#
        );
        return Ok(Response::builder()
            .status(400)
            .header("content-type", "application/x-amz-json-1.0")
            .body(Full::new(Bytes::from(body)))
            .expect("static response"));
    };
    let mut response = Response::builder().status(x.status);
    // moto's development server closes every connection (`connection: close`); AWS endpoints
    // keep them open, so the replay does too: hop-by-hop headers are not replayed.
    for (k, v) in x.headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("connection")) {
        response = response.header(k, v);
    }
    Ok(response.body(Full::new(Bytes::from(x.response))).expect("recorded response"))
}
