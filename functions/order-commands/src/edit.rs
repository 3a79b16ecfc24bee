//! `POST /orders/{id}/edit`: an order changed before it is packed (see `domain::order_edit`).

use backoffice::AppContext;
use backoffice::domain::order::{Address, AddressInput};
use backoffice::domain::order_edit::{self, EditError, EditRequest};
use backoffice::domain::shipping::MethodCode;
use backoffice::domain::{FieldError, OrderId, Sku};
use backoffice::http::command::{self, Decision, Idempotency, respond};
use backoffice::http::order_input::{self, LineInput};
use backoffice::http::order_problems::place_problem;
use backoffice::http::{self, Problem, scopes};
use backoffice::store::loaded::Reads;
use backoffice::views::OrderView;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditBody {
    lines: Option<Vec<LineInput>>,
    shipping_address: Option<AddressInput>,
    shipping_method: Option<String>,
    shipping_charge: Option<i64>,
}

fn parse(body: EditBody) -> Result<EditRequest, FieldError> {
    let lines = body.lines.map(order_input::lines).transpose()?;
    let address = body.shipping_address.map(|a| Address::parse("shipping_address", &a)).transpose()?;
    let method = body.shipping_method.as_deref().map(|m| MethodCode::parse("shipping_method", m)).transpose()?;
    EditRequest::new(lines, address, method, order_input::shipping_charge(body.shipping_charge)?)
}

fn edit_problem(error: EditError) -> Problem {
    match error {
        EditError::NotEditable(state) => Problem::conflict(
            "not-editable",
            "The order can no longer be edited",
            format!("the order is {state}: only an order not yet packed can be edited"),
        ),
        e @ EditError::Authorized => Problem::conflict("payment-authorized", "A payment is held", e.to_string()),
        EditError::Invalid(e) => place_problem(e),
    }
}

pub async fn edit(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::ORDERS_WRITE)?;
    let id = http::path_id(req, "id", OrderId::parse)?;
    let request = parse(http::json_body(req)?)?;
    let idem = Idempotency::of(req, &caller)?;
    // The order names what else the decision needs (its SKUs, method and promotions), so it is
    // read first; the decision reads it again with them, and its version holds the two together.
    let current = ctx.store.order(&id).await?.ok_or_else(|| Problem::missing("order", &id))?;
    let mut skus: Vec<Sku> = current.lines().iter().map(|l| l.sku.clone()).collect();
    for (sku, _) in request.lines.iter().flatten() {
        if !skus.contains(sku) {
            skus.push(sku.clone());
        }
    }
    let method = request.shipping_method.clone().or_else(|| current.shipping().map(|s| s.method.clone()));
    let mut reads = Reads::new().order(&id).stock(skus);
    if let Some(method) = &method {
        reads = reads.shipping_method(method);
    }
    for d in current.discounts() {
        reads = reads.promotion(&d.code, current.customer_id());
    }
    let codes: Vec<_> = current.discounts().iter().map(|d| d.code.clone()).collect();
    Ok(command::execute(&ctx.store, idem.as_ref(), reads, |loaded| {
        let order = loaded.order(&id)?.ok_or_else(|| Problem::missing("order", &id))?;
        if order.discounts().iter().any(|d| !codes.contains(&d.code)) {
            // Only an edit changes an order's promotions, and only by dropping some: a
            // concurrent edit that did not may have changed its method too. Ask again.
            return Err(Problem::changed_meanwhile("the order changed; send the edit again"));
        }
        let stock = backoffice::domain::order::by_sku(loaded.stock_items()?);
        let code = request.shipping_method.as_ref().or(order.shipping().map(|s| &s.method));
        let method = code.map(|c| loaded.shipping_method(c)).transpose()?.flatten();
        let promotions = codes.iter().filter_map(|c| loaded.promotion(c).transpose()).collect::<Result<Vec<_>, _>>()?;
        let promotions: Vec<_> = promotions.into_iter().map(|p| p.into_inner()).collect();
        let now = chrono::Utc::now();
        let edited = order_edit::edit(&order, &request, &stock, method.as_ref(), &promotions, &caller.subject, now)
            .map_err(edit_problem)?;
        let mut changes = ctx.store.changes();
        let view = match &edited {
            None => respond(StatusCode::OK, &OrderView::of(&order), None)?,
            Some(e) => {
                changes.order_edit(&order, e, correlation_id, now)?;
                respond(StatusCode::OK, &OrderView::saved_over(&order, &e.order), None)?
            }
        };
        let total = edited.as_ref().map_or(order.total(), |e| e.order.total());
        Ok(Decision::new(changes, view)
            .about(order.customer_id())
            .on_commit(move || tracing::info!(order_id = %id, total = total.amount(), "order edited")))
    })
    .await)
}
