//! `update-customer`: customer records (CRM) and data-subject requests.
//!
//! * `POST /customers` creates; the e-mail is claimed by a guard item in the same transaction,
//!   so two customers can never share one (409 naming `email`).
//! * `PATCH /customers/{id}` applies a JSON Merge Patch and requires `If-Match`: the write is
//!   conditioned on exactly that version, so of two patches with the same ETag one wins and the
//!   other gets 412. Changing the e-mail moves the guard in the same transaction.
//! * `POST /customers/{id}/erase` is refused (409 listing them) while the customer has open
//!   orders, whose address is needed to deliver them. Otherwise it replaces personal data with
//!   tombstones on the customer, frees the e-mail, removes the address from their orders and
//!   deletes stored responses holding their data, keeping ids, SKUs, amounts and dates.
//!   Repeatable: a second call finishes any sweep an interrupted first call left.
//!
//! Nothing here logs personal data: only ids and counts.

use backoffice::AppContext;
use backoffice::domain::CustomerId;
use backoffice::domain::customer::{self, CustomerError, CustomerInput, ErasureError};
use backoffice::http::command::{self, Decision, Idempotency, respond};
use backoffice::http::merge_patch::merge_patch;
use backoffice::http::{self, Problem, scopes};
use backoffice::store::loaded::Reads;
use backoffice::store::{self, Guard, StoreError, events::EventsOf};
use backoffice::views::{CustomerView, etag};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("update-customer", req, |req, correlation_id| async move {
        match http::route_key(&req).as_str() {
            "POST /customers" => create(ctx, &req, &correlation_id).await,
            "PATCH /customers/{id}" => patch(ctx, &req, &correlation_id).await,
            "POST /customers/{id}/erase" => erase(ctx, &req, &correlation_id).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

fn customer_id(req: &Request) -> Result<CustomerId, Problem> {
    http::path_id(req, "id", CustomerId::parse)
}

fn with_etag(response: Response<Body>, version: u64) -> Response<Body> {
    http::with_header(response, "etag", &etag(version))
}

async fn create(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::CUSTOMERS_WRITE)?;
    let input: CustomerInput = http::json_body(req)?;
    let id = CustomerId::parse("id", &backoffice::domain::ids::new_ulid_string())?;
    let new = customer::create(id.clone(), input, chrono::Utc::now())?;
    let idem = Idempotency::of(req, &caller)?;
    let response = command::execute(&ctx.store, idem.as_ref(), Reads::new(), |_| {
        let mut changes = ctx.store.changes();
        changes.new_customer(&new)?;
        changes.events(EventsOf::Customer(&id), &[customer::registered(&new)], correlation_id, new.created_at())?;
        let created = id.clone();
        let answer = respond(StatusCode::CREATED, &CustomerView::created(&new), Some(format!("/customers/{id}")))?;
        Ok(Decision::new(changes, answer)
            .about(&id)
            .on_commit(move || tracing::info!(customer_id = %created, "customer created")))
    })
    .await;
    let first = store::Versioned::<customer::Customer>::FIRST;
    Ok(if response.status() == StatusCode::CREATED { with_etag(response, first) } else { response })
}

/// The version an `If-Match: "N"` names. Weak validators and `*` are refused: the update must
/// name the exact version it was made from.
fn if_match(req: &Request) -> Result<u64, Problem> {
    let Some(value) = req.headers().get("if-match") else {
        return Err(Problem::new(
            428,
            "precondition-required",
            "If-Match required",
            "send the ETag you read as If-Match",
        )
        .with_field("if-match"));
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().strip_prefix('"')?.strip_suffix('"')?.parse::<u64>().ok())
        .ok_or_else(|| Problem::invalid("if-match", "must be the ETag from GET /customers/{id}, e.g. \"3\""))
}

fn stale(current: u64) -> Problem {
    Problem::new(412, "precondition-failed", "The record changed", "read the customer again and reapply your change")
        .with_field("if-match")
        .with("current_etag", etag(current))
}

async fn patch(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::CUSTOMERS_WRITE)?;
    let id = customer_id(req)?;
    let expected = if_match(req)?;
    let patch: serde_json::Value = http::json_body_as(req, &["application/merge-patch+json", "application/json"])?;
    if !patch.is_object() {
        return Err(Problem::invalid("body", "a JSON Merge Patch for a customer is an object"));
    }
    let current = ctx.store.customer(&id).await?.ok_or_else(|| Problem::missing("customer", &id))?;
    if current.version() != expected {
        return Err(stale(current.version()));
    }
    let mut document = serde_json::to_value(current.editable()).map_err(|_| Problem::internal())?;
    merge_patch(&mut document, &patch);
    let merged = serde_json::to_vec(&document).map_err(|_| Problem::internal())?;
    let input: CustomerInput = http::body::parse_json(&merged)?;
    let now = chrono::Utc::now();
    let revised = customer::revise(&current, input, now).map_err(|e| match e {
        CustomerError::Invalid(f) => Problem::from(f),
        CustomerError::Erased => Problem::conflict("erased", "Erased", "this customer's personal data was erased"),
    })?;

    let mut changes = ctx.store.changes();
    changes.customer(&current, &revised)?;
    changes.events(EventsOf::Customer(&id), &[customer::updated(&current, &revised)], correlation_id, now)?;
    match ctx.store.commit(changes).await {
        Ok(()) => {}
        // Someone else wrote a newer version since this ETag: exactly what 412 means.
        Err(StoreError::Conflict(Guard::Version)) => {
            let version = ctx.store.customer(&id).await?.map_or(expected, |c| c.version());
            return Err(stale(version));
        }
        Err(e) => return Err(e.into()),
    }
    let view = CustomerView::saved_over(&current, &revised);
    tracing::info!(customer_id = %id, version = view.version(), "customer updated");
    Ok(with_etag(http::json(StatusCode::OK, &view), view.version()))
}

#[derive(serde::Serialize)]
struct ErasureReport<'a> {
    customer: CustomerView<'a>,
    #[serde(flatten)]
    swept: store::customers::Swept,
}

fn erasure_problem(e: ErasureError) -> Problem {
    let ErasureError::OpenOrders(open) = e;
    Problem::conflict(
        "open-orders",
        "The customer has open orders",
        format!(
            "{} order(s) of this customer are not delivered or cancelled yet and need their address; \
             erase once they are closed",
            open.len()
        ),
    )
    .with("open_orders", open)
}

async fn erase(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::CUSTOMERS_WRITE)?;
    let id = customer_id(req)?;
    http::idempotency_key(req)?; // validated; erasure is idempotent by nature
    let current = ctx.store.customer(&id).await?.ok_or_else(|| Problem::missing("customer", &id))?;
    // Orders placed before the store counted open orders are found by this query; the count,
    // checked in the erasure's own transaction, also refuses an order placed meanwhile. (An
    // erased customer has none: erasure needed none open, and placement refuses them.)
    let open = ctx.store.open_orders_of(&id).await?;
    let now = chrono::Utc::now();
    let erased = customer::erasure(&current, open, &caller.subject, now).map_err(erasure_problem)?;
    if let Some((erased, event)) = &erased {
        let mut changes = ctx.store.changes();
        changes.customer(&current, erased)?;
        changes.events(EventsOf::Customer(&id), std::slice::from_ref(event), correlation_id, now)?;
        match ctx.store.commit(changes).await {
            Ok(()) => {}
            Err(StoreError::Conflict(Guard::OpenOrders)) => {
                return Err(erasure_problem(ErasureError::OpenOrders(ctx.store.open_orders_of(&id).await?)));
            }
            Err(StoreError::Conflict(Guard::Version)) => {
                return Err(Problem::changed_meanwhile("the customer changed; erase again"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    // The files their conversations held (photos they sent, their raw e-mails) go first: the
    // sweep forgets where they are.
    let files = ctx.store.conversation_files(&id, current.email()).await?;
    if !files.is_empty() {
        let unavailable = || Problem::unavailable("the customer's files cannot be deleted now; erase again");
        let bucket = backoffice::files::mail_of(ctx).ok_or_else(|| {
            tracing::error!("MAIL_BUCKET is not set: a customer's mail files cannot be deleted");
            unavailable()
        })?;
        bucket.delete(&files).await.map_err(|e| {
            tracing::error!(error = %e, "cannot delete a customer's mail files");
            unavailable()
        })?;
    }
    let swept = ctx.store.sweep_personal_data(&id, current.email()).await?;
    let (orders_redacted, stored_responses_deleted, conversations_erased) =
        (swept.orders_redacted, swept.stored_responses_deleted, swept.conversations_erased);
    tracing::info!(customer_id = %id, orders_redacted, stored_responses_deleted, conversations_erased, "customer erased");
    let customer = match &erased {
        Some((erased, _)) => CustomerView::saved_over(&current, erased),
        None => CustomerView::of(&current),
    };
    Ok(http::json(StatusCode::OK, &ErasureReport { customer, swept }))
}
