//! `place-order`: `POST /orders`. The customer must exist and not be erased (checked again in
//! the transaction); without a `shipping_address` the customer's default shipping address is
//! copied onto the order, and with neither the order is refused (it could never ship). Prices
//! come from the stored stock items; every line is reserved or none is. One BatchGetItem reads
//! the SKUs, the customer and the idempotency record, one
//! TransactWriteItems writes the order, every reservation (each a commutative update conditioned
//! on enough being available; see `Changes::reservation`), the `order.placed` event and the
//! idempotency record. An order that takes a SKU into the low band does not list it: that is
//! `stock-levels`' work, from the table's stream.
//!
//! An order carries its `channel` (`web` by default, `manual`, a marketplace's name) and may
//! carry the channel's `external_reference`, taken in the same transaction (one order per
//! reference and channel). A reference sent again with the same lines answers the order it
//! placed (200), with other lines 409 naming that order: a channel importing an order twice
//! places it once, however the two requests race.

use backoffice::AppContext;
use backoffice::domain::channel::{Channel, ExternalReference};
use backoffice::domain::order::{self, Address, AddressInput, OrderRequest, SaleTerms};
use backoffice::domain::payment::PaymentMethod;
use backoffice::domain::promotion::{Offer, Promotion, PromotionCode};
use backoffice::domain::shipping::MethodCode;
use backoffice::domain::{CustomerId, FieldError, OrderId};
use backoffice::http::command::{self, Decision, Idempotency, Loaded, respond};
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
struct PlaceOrderBody {
    customer_id: String,
    lines: Vec<LineInput>,
    shipping_address: Option<AddressInput>,
    payment_method: Option<String>,
    channel: Option<String>,
    external_reference: Option<String>,
    shipping_method: Option<String>,
    shipping_charge: Option<i64>,
    coupon: Option<String>,
    if_coupon_refused: Option<String>,
}

fn parse(body: PlaceOrderBody) -> Result<OrderRequest, FieldError> {
    let customer_id = CustomerId::parse("customer_id", &body.customer_id)?;
    let lines = order_input::lines(body.lines)?;
    let address = body.shipping_address.map(|a| Address::parse("shipping_address", &a)).transpose()?;
    let mut request = OrderRequest::new(customer_id, lines, address)?;
    request.payment_method =
        body.payment_method.as_deref().map(|m| PaymentMethod::parse("payment_method", m)).transpose()?;
    if let Some(channel) = &body.channel {
        request.channel = Channel::parse("channel", channel)?;
    }
    request.external_reference =
        body.external_reference.as_deref().map(|r| ExternalReference::parse("external_reference", r)).transpose()?;
    request.shipping_method =
        body.shipping_method.as_deref().map(|m| MethodCode::parse("shipping_method", m)).transpose()?;
    request.shipping_charge = order_input::shipping_charge(body.shipping_charge)?;
    request.coupon = body.coupon.as_deref().map(|c| PromotionCode::parse("coupon", c)).transpose()?;
    request.without_coupon_if_refused = match body.if_coupon_refused.as_deref() {
        None | Some("refuse") => false,
        Some("place_without") => true,
        Some(_) => return Err(FieldError::new("if_coupon_refused", "must be refuse or place_without")),
    };
    Ok(request)
}

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("place-order", req, |req, correlation_id| async move {
        match http::route_key(&req).as_str() {
            "POST /orders" => place(ctx, &req, &correlation_id).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

/// The order a request's channel reference already placed: the same order (200) when it asks for
/// the same lines, else 409 naming it. `None`: the reference is free.
async fn already_placed(ctx: &AppContext, request: &OrderRequest) -> Result<Option<Response<Body>>, Problem> {
    let Some(reference) = &request.external_reference else { return Ok(None) };
    let Some(id) = ctx.store.order_by_reference(&request.channel, reference).await? else { return Ok(None) };
    let order = ctx.store.order(&id).await?.ok_or_else(|| Problem::missing("order", &id))?;
    if order.has_lines(&request.lines) && order.customer_id() == &request.customer_id {
        return Ok(Some(http::json(StatusCode::OK, &OrderView::of(&order))));
    }
    Err(Problem::conflict(
        "external-reference-taken",
        "Another order has this reference",
        format!(
            "{} {} already placed order {id}, with other lines or another customer",
            request.channel,
            reference.as_str()
        ),
    )
    .with_field("external_reference")
    .with("order_id", id.to_string()))
}

async fn place(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::ORDERS_WRITE)?;
    let request = parse(http::json_body(req)?)?;
    if let Some(answer) = already_placed(ctx, &request).await? {
        return Ok(answer);
    }
    let idem = Idempotency::of(req, &caller)?;
    // The SKUs and the customer in one BatchGetItem: still one read and one write in all,
    // with the shipping method, the coupon and its counts, and the running automatic promotions.
    let mut reads = Reads::new()
        .stock(request.lines.iter().map(|(sku, _)| sku.clone()))
        .customer(&request.customer_id)
        .automatic_promotions();
    if let Some(method) = &request.shipping_method {
        reads = reads.shipping_method(method);
    }
    if let Some(coupon) = &request.coupon {
        reads = reads.promotion(coupon, &request.customer_id);
    }
    let holds = &ctx.settings.holds;
    let placed = command::execute(&ctx.store, idem.as_ref(), reads, |loaded| {
        let customer = loaded.customer(&request.customer_id)?;
        let stock = order::by_sku(loaded.stock_items()?);
        let now = chrono::Utc::now();
        let hold = holds.due(request.payment_method, now) - now;
        let method = request.shipping_method.as_ref().map(|m| loaded.shipping_method(m)).transpose()?.flatten();
        let coupon = request.coupon.as_ref().map(|c| loaded.promotion(c)).transpose()?.flatten();
        let automatic = loaded.automatic_promotions()?;
        let customer_id = &request.customer_id;
        let terms = SaleTerms {
            method: method.as_ref(),
            coupon: coupon.as_deref().map(|p| offer(loaded, p, customer_id)),
            automatic: automatic.iter().map(|p| offer(loaded, p, customer_id)).collect(),
        };
        let change = order::place_with(OrderId::new(), request.clone(), customer.as_deref(), &stock, &terms, hold, now)
            .map_err(place_problem)?;
        let mut changes = ctx.store.changes();
        changes.placement(&change, correlation_id)?;
        let o = &change.order;
        let (id, lines, total, currency) = (o.id(), o.lines().len(), o.total().amount(), o.currency());
        Ok(Decision::new(
            changes,
            respond(StatusCode::CREATED, &OrderView::created(o), Some(format!("/orders/{}", o.id())))?,
        )
        .about(o.customer_id())
        .on_commit(move || tracing::info!(order_id = %id, lines, total, %currency, "order placed")))
    })
    .await;
    // Another request with the same reference committed first: answer as if it had come first.
    if placed.status() == StatusCode::CONFLICT
        && let Some(answer) = already_placed(ctx, &request).await?
    {
        return Ok(answer);
    }
    Ok(placed)
}

/// A promotion offered to this order, with its redemptions as read.
fn offer<'a>(loaded: &Loaded, p: &'a Promotion, customer: &CustomerId) -> Offer<'a> {
    Offer { promotion: p, redeemed: loaded.redemptions(p.code(), customer) }
}
