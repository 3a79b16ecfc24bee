//! `update-fulfillment`: the warehouse confirms packing and shipping (carrier and tracking
//! number), the carrier confirms delivery. Each step is recorded only in order (409 otherwise);
//! repeating the current step is a harmless replay. The follow-up work travels as events:
//! `order.shipped` sends the fulfillment worker to commit the stock and the notifier to tell the
//! customer.

use backoffice::AppContext;
use backoffice::domain::fulfillment::{self, Step, StepError};
use backoffice::domain::{OrderId, ShortText};
use backoffice::http::command::{self, Decision, Idempotency, respond};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::loaded::LoadedItems;
use backoffice::store::{
    Tx,
    events::{self as event_store, EventsOf},
    orders as order_store,
};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShippedBody {
    carrier: String,
    tracking_number: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

enum Wanted {
    Packed,
    Shipped { carrier: String, tracking_number: String },
    Delivered,
}

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("update-fulfillment", req, |req, correlation_id| async move {
        // Who first: nothing about the body is said to a caller without the scope.
        http::require(&req, scopes::FULFILLMENT_WRITE)?;
        let wanted = match http::route_key(&req).as_str() {
            "POST /orders/{id}/fulfillment/packed" => Wanted::Packed,
            "POST /orders/{id}/fulfillment/shipped" => {
                let body: ShippedBody = http::json_body(&req)?;
                Wanted::Shipped {
                    carrier: ShortText::parse("carrier", &body.carrier, 60)?.to_string(),
                    tracking_number: ShortText::parse("tracking_number", &body.tracking_number, 60)?.to_string(),
                }
            }
            "POST /orders/{id}/fulfillment/delivered" => Wanted::Delivered,
            _ => return Err(http::unknown_route(&req)),
        };
        if !matches!(wanted, Wanted::Shipped { .. }) && !http::body::body_bytes(&req).is_empty() {
            let _: Empty = http::json_body(&req)?;
        }
        step(ctx, &req, wanted, &correlation_id).await
    })
    .await
}

async fn step(
    ctx: &AppContext,
    req: &Request,
    wanted: Wanted,
    correlation_id: &str,
) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::FULFILLMENT_WRITE)?;
    let id = http::path_id(req, "id", OrderId::parse)?;
    let idem = Idempotency::of(req, &caller)?;
    let table = ctx.store.table().to_owned();
    Ok(command::execute(&ctx.store, idem.as_ref(), vec![order_store::order_key(&id)], |loaded| {
        let order = loaded.order(&id)?.ok_or_else(|| Problem::missing("order", &id))?;
        let now = chrono::Utc::now();
        let outcome: Result<Step, StepError> = match &wanted {
            Wanted::Packed => fulfillment::pack(&order, now),
            Wanted::Shipped { carrier, tracking_number } => fulfillment::ship(&order, carrier, tracking_number, now),
            Wanted::Delivered => fulfillment::deliver(&order, now),
        };
        let mut tx = Tx::default();
        let (result, stepped) = match outcome.map_err(step_problem)? {
            None => (order, false),
            Some((next, events)) => {
                order_store::put_order(&mut tx, &table, &next, Some(order.version))?;
                event_store::put_events_of(&mut tx, &table, EventsOf::Order(&id), &events, correlation_id, now)?;
                (next, true)
            }
        };
        let step = result.fulfillment_status;
        let decision = Decision::new(tx, respond(StatusCode::OK, &result, None)?).about(&result.customer_id);
        Ok(if stepped {
            decision.on_commit(move || tracing::info!(order_id = %id, %step, "fulfillment step recorded"))
        } else {
            decision
        })
    })
    .await)
}

fn step_problem(e: StepError) -> Problem {
    match e {
        StepError::OutOfOrder { current, wanted } => Problem::conflict(
            "step-out-of-order",
            "Fulfillment step out of order",
            format!("the order is {current}; it cannot become {wanted} now"),
        )
        .with("fulfillment_status", current),
        StepError::NotPaid { paid, total } => Problem::conflict(
            "not-paid",
            "The order is not paid",
            format!("the order is not paid in full: {paid} of {total} paid; picking starts once it is"),
        )
        .with("amount_paid", paid)
        .with("total", total),
        StepError::NoShippingAddress => Problem::conflict(
            "no-shipping-address",
            "No address to ship to",
            "the order has no shipping address (its customer's personal data was erased); it cannot ship",
        ),
    }
}
