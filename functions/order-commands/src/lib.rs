//! `order-commands`: the commands on one order that need `orders:write`.
//!
//! * `POST /orders/{id}/cancel` with a `reason`. Allowed until the order ships; releases every
//!   reservation in one transaction. Cancelling a cancelled order is a harmless replay (200,
//!   nothing written). A paid order records the amount due back to the customer.
//! * `POST /orders/{id}/notes` with a `text`: an internal note for the shop's staff, shown on the
//!   order and, as `order.note_added`, in its timeline.
//! * `POST /orders/{id}/edit` with any of `lines` (the order's lines become these),
//!   `shipping_address`, `shipping_method`, `shipping_charge`: until the order is packed. One
//!   transaction moves the reservations by the difference (each new unit only while available),
//!   works the shipping and the promotions out again, and records `order.edited` with who
//!   changed what. Packed, shipped, delivered or cancelled: 409.

mod edit;

use backoffice::AppContext;
use backoffice::domain::ShortText;
use backoffice::domain::order::{self, CancelError, CancelOutcome};
use backoffice::http::order_command::{OrderChange, OrderCommand, on_order};
use backoffice::http::{self, Problem, scopes};
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    text: String,
}

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("order-commands", req, |req, correlation_id| async move {
        match http::route_key(&req).as_str() {
            "POST /orders/{id}/cancel" => cancel(ctx, &req, &correlation_id).await,
            "POST /orders/{id}/notes" => note(ctx, &req, &correlation_id).await,
            "POST /orders/{id}/edit" => edit::edit(ctx, &req, &correlation_id).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

async fn cancel(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::ORDERS_WRITE)?;
    let body: CancelBody = http::json_body(req)?;
    let reason = ShortText::parse("reason", &body.reason, 200)?;
    // The decision needs the order alone: the units it gives back are written commutatively,
    // so no stock item is read (one BatchGet with the idempotency record, one transaction).
    let command = OrderCommand { scope: scopes::ORDERS_WRITE, done: "order cancelled", correlation_id };
    on_order(ctx, req, command, |order, caller, now| {
        Ok(match order::cancel(order, reason.as_str(), &caller.subject, now).map_err(cancel_problem)? {
            CancelOutcome::AlreadyCancelled => None,
            CancelOutcome::Cancelled(change) => Some(OrderChange::from(*change)),
        })
    })
    .await
}

async fn note(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::ORDERS_WRITE)?;
    let body: NoteBody = http::json_body(req)?;
    let text = ShortText::parse("text", &body.text, 1000)?;
    let command = OrderCommand { scope: scopes::ORDERS_WRITE, done: "note added", correlation_id };
    on_order(ctx, req, command, |order, caller, now| {
        let added = order::add_note(order, &text, &caller.subject, now)
            .map_err(|e| Problem::conflict("notes-closed", "The order takes no more notes", e.to_string()))?;
        Ok(Some(OrderChange::from(added)))
    })
    .await
}

fn cancel_problem(error: CancelError) -> Problem {
    match error {
        CancelError::AlreadyShipped => Problem::conflict(
            "already-shipped",
            "The order has shipped",
            "a shipped order cannot be cancelled; open a return instead",
        ),
        CancelError::NotAwaitingPayment | CancelError::HoldNotOver => Problem::internal(),
    }
}
