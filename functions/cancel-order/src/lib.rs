//! `cancel-order`: `POST /orders/{id}/cancel` with a `reason`. Allowed until the order ships;
//! releases every reservation in one transaction. Cancelling a cancelled order is a harmless
//! replay (200, nothing written). A paid order records the amount due back to the customer.

use backoffice::AppContext;
use backoffice::domain::order::{self, CancelError, CancelOutcome};
use backoffice::domain::{OrderId, ShortText};
use backoffice::http::command::{self, Decision, Idempotency, respond};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::loaded::LoadedItems;
use backoffice::store::{Tx, orders as order_store};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    reason: String,
}

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("cancel-order", req, |req, correlation_id| async move {
        match http::route_key(&req).as_str() {
            "POST /orders/{id}/cancel" => cancel(ctx, &req, &correlation_id).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

async fn cancel(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::ORDERS_WRITE)?;
    let id = http::path_id(req, "id", OrderId::parse)?;
    let body: CancelBody = http::json_body(req)?;
    let reason = ShortText::parse("reason", &body.reason, 200)?;
    let idem = Idempotency::of(req, &caller)?;
    // The decision needs the order alone: the units it gives back are written commutatively,
    // so no stock item is read (one BatchGet with the idempotency record, one transaction).
    let table = ctx.store.table().to_owned();
    Ok(command::execute(&ctx.store, idem.as_ref(), vec![order_store::order_key(&id)], |loaded| {
        let order = loaded.order(&id)?.ok_or_else(|| Problem::missing("order", &id))?;
        let now = chrono::Utc::now();
        let outcome = order::cancel(&order, reason.as_str(), &caller.subject, now).map_err(cancel_problem)?;
        let mut tx = Tx::default();
        let (result, cancelled) = match outcome {
            CancelOutcome::AlreadyCancelled => (order, false),
            CancelOutcome::Cancelled(change) => {
                order_store::put_cancellation(&mut tx, &table, &change, order.version, correlation_id, now)?;
                (change.order, true)
            }
        };
        let decision = Decision::new(tx, respond(StatusCode::OK, &result, None)?).about(&result.customer_id);
        Ok(if cancelled {
            decision.on_commit(move || tracing::info!(order_id = %id, "order cancelled"))
        } else {
            decision
        })
    })
    .await)
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
