//! The shape every command runs in: read what the decision needs plus the idempotency record in
//! one BatchGet → pure decision → one TransactWriteItems carrying the effects and the stored
//! response. Retried from the top when someone else wrote first.

use super::problem::Problem;
use crate::store::idempotency::{self, IdempotencyKey, Replay, StoredResponse};
pub use crate::store::loaded::Loaded;
use crate::store::loaded::Reads;
use crate::store::{Changes, Guard, Store, StoreError};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

/// A request's idempotency key and fingerprint, when the client sent a key.
pub struct Idempotency {
    pub key: IdempotencyKey,
    pub fingerprint: String,
}

impl Idempotency {
    /// The request's `Idempotency-Key` (422 naming the header when it is not 1–255 visible
    /// ASCII characters) scoped to the caller, with the fingerprint of the request it came with.
    pub fn of(req: &lambda_http::Request, caller: &super::Caller) -> Result<Option<Self>, Problem> {
        let key = super::idempotency_key(req)?;
        Ok(Self::from_request(
            &caller.subject,
            key,
            req.method().as_str(),
            req.uri().path(),
            super::body::body_bytes(req),
        ))
    }

    pub fn from_request(caller: &str, raw_key: Option<String>, method: &str, path: &str, body: &[u8]) -> Option<Self> {
        raw_key.map(|k| Self {
            key: IdempotencyKey::new(caller, &k),
            fingerprint: idempotency::fingerprint(method, path, body),
        })
    }
}

/// What a decision produced: the writes and the response to send (and store, for replays).
pub struct Decision {
    pub changes: Changes,
    pub response: StoredResponse,
    /// The customer whose personal data the response holds, if any (so the stored replay can be
    /// found and erased with the rest of their data).
    pub about: Option<crate::domain::CustomerId>,
    /// Runs once the writes have committed (a success log line): never for an attempt that was
    /// refused and decided again, nor for a replay.
    committed: Option<Box<dyn FnOnce() + Send>>,
}

impl Decision {
    pub fn new(changes: Changes, response: StoredResponse) -> Self {
        Self { changes, response, about: None, committed: None }
    }

    pub fn about(mut self, customer: &crate::domain::CustomerId) -> Self {
        self.about = Some(customer.clone());
        self
    }

    /// What to do once this decision's writes committed — typically `tracing::info!` of what
    /// happened, which inside `decide` would be logged again on every retry.
    pub fn on_commit(mut self, f: impl FnOnce() + Send + 'static) -> Self {
        self.committed = Some(Box::new(f));
        self
    }
}

enum AttemptError {
    Store(StoreError),
    Final(Problem),
}

impl AttemptError {
    fn retryable(&self) -> bool {
        match self {
            // The idempotency record appeared under us: go round again and replay it.
            AttemptError::Store(StoreError::Conflict(Guard::Idempotency | Guard::Insert | Guard::Rule)) => true,
            AttemptError::Store(StoreError::Conflict(Guard::Unique(_))) => false,
            AttemptError::Store(e) => e.is_retryable(),
            AttemptError::Final(_) => false,
        }
    }
}

/// Runs a command. `reads` names the aggregates the decision needs; `decide` gets them typed
/// (absent ones are `None`) and returns the writes and the response, or a problem to answer
/// with.
///
/// When the transaction is refused because conditions failed, the items behind them come back
/// with the refusal; the next attempt decides from what was read plus those, without reading
/// again. (An order refused for the last units of a SKU gets its 409 from the stock item its
/// condition returned, and a lost idempotency race replays the record that won.)
pub async fn execute<F>(store: &Store, idem: Option<&Idempotency>, reads: Reads, mut decide: F) -> Response<Body>
where
    F: FnMut(&Loaded) -> Result<Decision, Problem>,
{
    let now = chrono::Utc::now();
    let reads = match idem {
        Some(i) => reads.idempotency_record(&i.key),
        None => reads,
    };
    let mut retry = crate::store::Retry::default();
    let mut known: Option<Loaded> = None;
    let result = loop {
        let loaded = match known.take() {
            Some(loaded) => Ok(loaded),
            None => store.load(&reads).await.map_err(AttemptError::Store),
        };
        let mut outcome = match loaded {
            Ok(loaded) => attempt_once(store, idem, loaded, &mut decide, now).await,
            Err(e) => Err((e, None)),
        };
        match outcome {
            Err((ref e, ref mut current)) if e.retryable() && retry.again().await => known = current.take(),
            Err((e, _)) => break Err(e),
            Ok(done) => break Ok(done),
        }
    };
    match result {
        Ok((stored, replayed)) => reply(stored, replayed),
        Err(AttemptError::Final(problem)) => problem.into_response(),
        Err(AttemptError::Store(e)) => Problem::from(e).into_response(),
    }
}

fn reply(stored: StoredResponse, replayed: bool) -> Response<Body> {
    let mut response = super::json_text(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK), stored.body);
    if let Some(location) = stored.location {
        response = super::with_header(response, "location", &location);
    }
    if replayed {
        response = super::with_header(response, "idempotent-replayed", "true");
    }
    response
}

fn key_reused() -> Problem {
    Problem::new(
        422,
        "idempotency-key-reused",
        "Idempotency key reused",
        "this Idempotency-Key was already used with a different request",
    )
    .with_field("idempotency-key")
}

/// For a command made of many writes (an import): the answer stored under its key by an
/// earlier identical request, replayed; a different request under the same key is refused.
pub async fn earlier_reply(store: &Store, idem: &Idempotency) -> Result<Option<Response<Body>>, Problem> {
    let found = store.get_many(vec![idem.key.key()]).await?;
    let Some(record) = found.into_values().next() else { return Ok(None) };
    match idempotency::replay(record, &idem.fingerprint)? {
        Replay::Same(stored) => Ok(Some(reply(stored, true))),
        Replay::DifferentRequest => Err(key_reused()),
    }
}

/// Stores a many-write command's answer under its key once its writes are done, and answers
/// with it (or with the answer of an identical request that stored one first).
pub async fn remember(store: &Store, idem: &Idempotency, response: StoredResponse) -> Response<Body> {
    execute(store, Some(idem), Reads::new(), |_| Ok(Decision::new(store.changes(), response.clone()))).await
}

/// One read-decide-write round from `loaded`. On failure, what the next round can decide from
/// without reading: `loaded` updated with the items the failed conditions returned, if all did.
async fn attempt_once<F>(
    store: &Store,
    idem: Option<&Idempotency>,
    mut loaded: Loaded,
    decide: &mut F,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(StoredResponse, bool), (AttemptError, Option<Loaded>)>
where
    F: FnMut(&Loaded) -> Result<Decision, Problem>,
{
    if let Some(i) = idem
        && let Some(record) = loaded.idempotency_record(&i.key)
    {
        return match idempotency::replay(record.clone(), &i.fingerprint).map_err(|e| (AttemptError::Store(e), None))? {
            Replay::Same(stored) => Ok((stored, true)),
            Replay::DifferentRequest => Err((AttemptError::Final(key_reused()), None)),
        };
    }
    let Decision { mut changes, response, about, committed } = decide(&loaded).map_err(|problem| {
        crate::metrics::refused(&problem.type_uri);
        (AttemptError::Final(problem), None)
    })?;
    if let Some(i) = idem {
        changes
            .idempotency_record(&i.key, &i.fingerprint, &response, about.as_ref(), now)
            .map_err(|e| (AttemptError::Store(e), None))?;
    }
    let tx = changes.into_tx().map_err(|e| (AttemptError::Store(e), None))?;
    // A decision may write nothing (a harmless replay such as a second cancel).
    if !tx.is_empty()
        && let Err(refusal) = store.transact_reporting(tx).await
    {
        let next = refusal.current.and_then(|items| {
            for item in items {
                loaded.insert(item)?;
            }
            Some(loaded)
        });
        return Err((AttemptError::Store(refusal.error), next));
    }
    if let Some(committed) = committed {
        committed();
    }
    Ok((response, false))
}

/// A stored response from a status and a serialisable body.
pub fn respond<T: serde::Serialize>(
    status: StatusCode,
    body: &T,
    location: Option<String>,
) -> Result<StoredResponse, Problem> {
    let body = serde_json::to_string(body).map_err(|_| Problem::internal())?;
    Ok(StoredResponse { status: status.as_u16(), body, location })
}
