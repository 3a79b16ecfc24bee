//! A command on one order — pack, ship, deliver, cancel, add a note: the caller's scope, the
//! order from the path, the idempotency key, then [`command::execute`] on the order alone. The
//! handler supplies only the decision; the answer is the order as the command leaves it.

use super::command::{self, Decision, Idempotency, respond};
use super::{Caller, Problem};
use crate::AppContext;
use crate::domain::OrderId;
use crate::domain::order::Order;
pub use crate::store::changes::OrderChange;
use crate::store::loaded::Reads;
use crate::views::OrderView;
use chrono::{DateTime, Utc};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

/// What the command is and how its success is logged.
pub struct OrderCommand<'a> {
    /// The scope the caller needs.
    pub scope: &'a str,
    /// The log line once it committed ("order cancelled").
    pub done: &'static str,
    pub correlation_id: &'a str,
}

/// Runs a command on the order named by the path's `id`. `decide` gets the order as stored, the
/// caller and the time, and returns the change — or `None` when the order is already as asked
/// (a harmless repeat: answered with the order, nothing written).
pub async fn on_order<F>(
    ctx: &AppContext,
    req: &Request,
    command: OrderCommand<'_>,
    mut decide: F,
) -> Result<Response<Body>, Problem>
where
    F: FnMut(&Order, &Caller, DateTime<Utc>) -> Result<Option<OrderChange>, Problem>,
{
    let caller = super::require(req, command.scope)?;
    let id = super::path_id(req, "id", OrderId::parse)?;
    let idem = Idempotency::of(req, &caller)?;
    let (done, correlation_id) = (command.done, command.correlation_id);
    Ok(command::execute(&ctx.store, idem.as_ref(), Reads::new().order(&id), |loaded| {
        let order = loaded.order(&id)?.ok_or_else(|| Problem::missing("order", &id))?;
        let now = chrono::Utc::now();
        let mut changes = ctx.store.changes();
        let change = decide(&order, &caller, now)?;
        let (view, result) = match &change {
            None => (respond(StatusCode::OK, &OrderView::of(&order), None)?, &*order),
            Some(change) => {
                changes.order_change(&order, change, correlation_id, now)?;
                (respond(StatusCode::OK, &OrderView::saved_over(&order, &change.order), None)?, &change.order)
            }
        };
        let decision = Decision::new(changes, view).about(result.customer_id());
        let (logged, status, fulfillment) = (id, result.status(), result.fulfillment_status());
        Ok(if decision.changes.is_empty() {
            decision
        } else {
            decision.on_commit(move || tracing::info!(order_id = %logged, ?status, %fulfillment, "{done}"))
        })
    })
    .await)
}
