//! `process-return`: returns (RMA).
//! * `POST /orders/{id}/returns` opens a return for shipped units within the return window.
//!   The order counts units on open or received returns per SKU; the return and the order are
//!   written together, conditioned on the order's version, so concurrent returns can never ask
//!   for more than shipped.
//! * `POST /returns/{id}/receive` records what arrived: resellable units go back on hand with a
//!   `returned` ledger line, damaged ones are written off with a `damaged` line — one
//!   commutative move per SKU, so a flash sale on the SKU never holds the receipt back. The refund due
//!   becomes unit price × received units, capped by what the order has paid and not refunded.
//!   Receiving twice replays the first answer and changes nothing.
//! * `POST /returns/{id}/reject` and `/cancel`, while requested.

use backoffice::AppContext;
use backoffice::domain::returns::{self, LineRequest, Receipt, Return, ReturnError, ReturnStatus};
use backoffice::domain::text::Reason;
use backoffice::domain::{FieldError, OrderId, ReturnId, Sku, order};
use backoffice::http::command::{self, Decision, Idempotency, Loaded, respond};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::loaded::Reads;
use backoffice::store::{Versioned, events::EventsOf};
use backoffice::views::ReturnView;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineBody {
    sku: String,
    quantity: u64,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestBody {
    lines: Vec<LineBody>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptBody {
    sku: String,
    received: u64,
    damaged: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiveBody {
    lines: Vec<ReceiptBody>,
}

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("process-return", req, |req, correlation_id| async move {
        match http::route_key(&req).as_str() {
            "POST /orders/{id}/returns" => open(ctx, &req, &correlation_id).await,
            "POST /returns/{id}/receive" => receive(ctx, &req, &correlation_id).await,
            "POST /returns/{id}/reject" => close(ctx, &req, ReturnStatus::Rejected, &correlation_id).await,
            "POST /returns/{id}/cancel" => close(ctx, &req, ReturnStatus::Cancelled, &correlation_id).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

fn return_problem(e: ReturnError) -> Problem {
    match e {
        ReturnError::Invalid { field, reason } => Problem::invalid(field, reason),
        ReturnError::NotShipped => {
            Problem::new(422, "not-shipped", "Not shipped", "only shipped or delivered orders take returns")
                .with_field("id")
        }
        ReturnError::WindowClosed { deadline } => Problem::new(
            422,
            "return-window-closed",
            "Return window closed",
            format!("returns for this order closed at {deadline}"),
        )
        .with_field("id")
        .with("deadline", deadline),
        ReturnError::WrongStatus(status) => {
            Problem::conflict("return-status", "Not possible in this status", format!("the return is {status}"))
                .with("return_status", status)
        }
        ReturnError::ReceivedOtherwise => Problem::conflict(
            "already-received",
            "Already received",
            "this return was received with other figures; a receipt is recorded once and the first one stands",
        ),
        ReturnError::RefundExceedsDue { due } => {
            Problem::invalid("amount.amount", format!("at most {due} is due for this return")).with("due", due)
        }
    }
}

fn loaded_order(loaded: &Loaded, id: &OrderId) -> Result<Versioned<order::Order>, Problem> {
    loaded.order(id)?.ok_or_else(|| Problem::missing("order", id))
}

/// What a command on a return reads: the return and its order. The return names its order
/// (fixed once it exists), so it is read once to know which.
async fn return_and_order(ctx: &AppContext, id: &ReturnId) -> Result<Reads, Problem> {
    let current = ctx.store.return_by_id(id).await?.ok_or_else(|| Problem::missing("return", id))?;
    Ok(Reads::new().return_of(id).order(&current.order_id()))
}

fn loaded_return_and_order(
    loaded: &Loaded,
    id: &ReturnId,
) -> Result<(Versioned<Return>, Versioned<order::Order>), Problem> {
    let ret = loaded.return_of(id)?.ok_or_else(|| Problem::missing("return", id))?;
    let order = loaded_order(loaded, &ret.order_id())?;
    Ok((ret, order))
}

async fn open(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::RETURNS_WRITE)?;
    let order_id = http::path_id(req, "id", OrderId::parse)?;
    let body: RequestBody = http::json_body(req)?;
    let lines = body
        .lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            Ok(LineRequest {
                sku: Sku::parse(&format!("lines[{i}].sku"), &l.sku)?,
                quantity: l.quantity,
                reason: Reason::parse(&format!("lines[{i}].reason"), &l.reason)?,
            })
        })
        .collect::<Result<Vec<_>, FieldError>>()?;
    let idem = Idempotency::of(req, &caller)?;
    let window = ctx.settings.return_window;
    Ok(command::execute(&ctx.store, idem.as_ref(), Reads::new().order(&order_id), |loaded| {
        let order = loaded_order(loaded, &order_id)?;
        let now = chrono::Utc::now();
        let (ret, next, events) = returns::request(&order, ReturnId::new(), &lines, body.note.as_deref(), window, now)
            .map_err(return_problem)?;
        let mut changes = ctx.store.changes();
        changes.new_return(&ret)?.order(&order, &next)?.events(
            EventsOf::Order(&order_id),
            &events,
            correlation_id,
            now,
        )?;
        let return_id = ret.id();
        let view = ReturnView::created(&ret);
        Ok(Decision::new(changes, respond(StatusCode::CREATED, &view, Some(format!("/returns/{}", ret.id())))?)
            .on_commit(move || tracing::info!(order_id = %order_id, %return_id, "return requested")))
    })
    .await)
}

async fn receive(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::RETURNS_WRITE)?;
    let id = http::path_id(req, "id", ReturnId::parse)?;
    let body: ReceiveBody = http::json_body(req)?;
    let receipts = body
        .lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let sku = Sku::parse(&format!("lines[{i}].sku"), &l.sku)?;
            Ok(Receipt { sku, received: l.received, damaged: l.damaged })
        })
        .collect::<Result<Vec<_>, FieldError>>()?;
    let idem = Idempotency::of(req, &caller)?;
    let reads = return_and_order(ctx, &id).await?;
    Ok(command::execute(&ctx.store, idem.as_ref(), reads, |loaded| {
        let (ret, order) = loaded_return_and_order(loaded, &id)?;
        let now = chrono::Utc::now();
        let mut changes = ctx.store.changes();
        let mut logged = None;
        let result = match returns::receive(&ret, &order, &receipts, &caller.subject, now).map_err(return_problem)? {
            None => respond(StatusCode::OK, &ReturnView::of(&ret), None)?,
            Some(got) => {
                changes.return_receipt((&ret, &order), &got, correlation_id, now)?;
                let movements = got.movements.len();
                logged = Some(move || tracing::info!(return_id = %id, movements, "return received"));
                respond(StatusCode::OK, &ReturnView::saved_over(&ret, &got.ret), None)?
            }
        };
        let decision = Decision::new(changes, result);
        Ok(match logged {
            Some(log) => decision.on_commit(log),
            None => decision,
        })
    })
    .await)
}

async fn close(
    ctx: &AppContext,
    req: &Request,
    to: ReturnStatus,
    correlation_id: &str,
) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::RETURNS_WRITE)?;
    let id = http::path_id(req, "id", ReturnId::parse)?;
    if !http::body::body_bytes(req).iter().all(u8::is_ascii_whitespace) {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Empty {}
        let _: Empty = http::json_body(req)?;
    }
    let idem = Idempotency::of(req, &caller)?;
    let reads = return_and_order(ctx, &id).await?;
    Ok(command::execute(&ctx.store, idem.as_ref(), reads, |loaded| {
        let (ret, order) = loaded_return_and_order(loaded, &id)?;
        let now = chrono::Utc::now();
        let mut changes = ctx.store.changes();
        let result = match returns::close(&ret, &order, to, now).map_err(return_problem)? {
            None => respond(StatusCode::OK, &ReturnView::of(&ret), None)?,
            Some((next, next_order, events)) => {
                changes.return_state(&ret, &next)?.order(&order, &next_order)?;
                changes.events(EventsOf::Order(&order.id()), &events, correlation_id, now)?;
                respond(StatusCode::OK, &ReturnView::saved_over(&ret, &next), None)?
            }
        };
        Ok(Decision::new(changes, result))
    })
    .await)
}
