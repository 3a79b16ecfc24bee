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
use backoffice::domain::customer::{self, CustomerError, CustomerInput};
use backoffice::events::{CustomerChanged, DomainEvent};
use backoffice::http::command::{self, Decision, Idempotency, respond};
use backoffice::http::merge_patch::merge_patch;
use backoffice::http::{self, Problem, scopes};
use backoffice::store::loaded::Reads;
use backoffice::store::{self, events::EventsOf};
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
    let email = new.email.clone().unwrap_or_default();
    let idem = Idempotency::of(req, &caller)?;
    let response = command::execute(&ctx.store, idem.as_ref(), Reads::new().email_holder(&email), |loaded| {
        if loaded.email_taken(&email) {
            return Err(Problem::conflict("already-taken", "Already in use", "another customer uses this e-mail")
                .with_field("email"));
        }
        let event =
            DomainEvent::CustomerRegistered(CustomerChanged { customer_id: id.to_string(), changed: Vec::new() });
        let mut changes = ctx.store.changes();
        changes.new_customer(&new)?.claim_email(&email, &id)?;
        changes.events(EventsOf::Customer(&id), &[event], correlation_id, new.created_at)?;
        let created = id.clone();
        Ok(Decision::new(
            changes,
            respond(StatusCode::CREATED, &CustomerView::created(&new), Some(format!("/customers/{id}")))?,
        )
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
    let (old_email, new_email) = (current.email.clone().unwrap_or_default(), revised.email.clone().unwrap_or_default());
    if old_email != new_email {
        if ctx.store.email_holder(&new_email).await?.is_some_and(|holder| holder != id.as_str()) {
            return Err(Problem::conflict("already-taken", "Already in use", "another customer uses this e-mail")
                .with_field("email"));
        }
        changes.release_email(&old_email, &id)?.claim_email(&new_email, &id)?;
    }
    let changed = changed_fields(&serde_json::to_value(current.editable()).unwrap_or_default(), &document);
    let event = DomainEvent::CustomerUpdated(CustomerChanged { customer_id: id.to_string(), changed });
    changes.events(EventsOf::Customer(&id), &[event], correlation_id, now)?;
    match ctx.store.commit(changes).await {
        Ok(()) => {}
        // Someone else wrote a newer version since this ETag: exactly what 412 means.
        Err(backoffice::store::StoreError::Conflict(backoffice::store::Guard::Version)) => {
            let version = ctx.store.customer(&id).await?.map_or(expected, |c| c.version());
            return Err(stale(version));
        }
        Err(e) => return Err(e.into()),
    }
    let view = CustomerView::saved_over(&current, &revised);
    tracing::info!(customer_id = %id, version = view.version(), "customer updated");
    Ok(with_etag(http::json(StatusCode::OK, &view), view.version()))
}

/// Names (never values) of the top-level fields a patch changed.
fn changed_fields(before: &serde_json::Value, after: &serde_json::Value) -> Vec<String> {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else { return Vec::new() };
    let mut names: Vec<String> = a.keys().chain(b.keys()).filter(|k| a.get(*k) != b.get(*k)).cloned().collect();
    names.sort();
    names.dedup();
    names
}

#[derive(serde::Serialize)]
struct ErasureReport<'a> {
    customer: CustomerView<'a>,
    #[serde(flatten)]
    swept: store::customers::Swept,
}

fn open_orders(open: Vec<backoffice::domain::OrderId>) -> Problem {
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
    let erased = if current.is_erased() {
        None
    } else {
        // Data needed to perform a contract may be kept until it is performed (LGPD art. 16,
        // GDPR art. 17(3)(b)): refused, not deferred, so the operator decides what happens to
        // those orders (deliver or cancel them) and asks again; nothing is half-erased meanwhile.
        // Orders placed before the store counted open orders are found by this query; the
        // count, checked in the erasure's own transaction, also refuses one placed meanwhile.
        let open = ctx.store.open_orders_of(&id).await?;
        if !open.is_empty() {
            return Err(open_orders(open));
        }
        let now = chrono::Utc::now();
        let erased = customer::erase(&current, &caller.subject, now);
        let mut changes = ctx.store.changes();
        changes.customer(&current, &erased)?;
        if let Some(email) = &current.email {
            changes.release_email(email, &id)?;
        }
        let event = DomainEvent::CustomerErased(CustomerChanged { customer_id: id.to_string(), changed: Vec::new() });
        changes.events(EventsOf::Customer(&id), &[event], correlation_id, now)?;
        match ctx.store.commit(changes).await {
            Ok(()) => Some(erased),
            Err(backoffice::store::StoreError::Conflict(backoffice::store::Guard::OpenOrders)) => {
                return Err(open_orders(ctx.store.open_orders_of(&id).await?));
            }
            Err(backoffice::store::StoreError::Conflict(backoffice::store::Guard::Version)) => {
                return Err(Problem::conflict(
                    "concurrent-change",
                    "Changed meanwhile",
                    "the customer changed; erase again",
                ));
            }
            Err(e) => return Err(e.into()),
        }
    };
    let swept = ctx.store.sweep_personal_data(&id).await?;
    let (orders_redacted, stored_responses_deleted) = (swept.orders_redacted, swept.stored_responses_deleted);
    tracing::info!(customer_id = %id, orders_redacted, stored_responses_deleted, "customer erased");
    let customer = match &erased {
        Some(erased) => CustomerView::saved_over(&current, erased),
        None => CustomerView::of(&current),
    };
    Ok(http::json(StatusCode::OK, &ErasureReport { customer, swept }))
}
