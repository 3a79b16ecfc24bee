//! `update-fulfillment`: the warehouse confirms packing and shipping (carrier and tracking
//! number), the carrier confirms delivery. Each step is recorded only in order (409 otherwise);
//! repeating the current step is a harmless replay. The follow-up work travels as events:
//! `order.shipped` sends the fulfillment worker to commit the stock and the notifier to tell the
//! customer.

use backoffice::AppContext;
use backoffice::domain::ShortText;
use backoffice::domain::fulfillment::{self, StepError};
use backoffice::http::order_command::{OrderChange, OrderCommand, on_order};
use backoffice::http::{self, Problem, scopes};
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
    let command = OrderCommand { scope: scopes::FULFILLMENT_WRITE, done: "fulfillment step recorded", correlation_id };
    on_order(ctx, req, command, |order, _, now| {
        let step = match &wanted {
            Wanted::Packed => fulfillment::pack(order, now),
            Wanted::Shipped { carrier, tracking_number } => fulfillment::ship(order, carrier, tracking_number, now),
            Wanted::Delivered => fulfillment::deliver(order, now),
        };
        Ok(step.map_err(step_problem)?.map(OrderChange::from))
    })
    .await
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
