//! `shipping`: how the shop ships and what it costs.
//! * `PUT /shipping/methods/{code}` (`stock:write`): a method (name, carrier, the carrier's
//!   service code, whether it is offered) and its rate table (zones by country, Brazilian state or
//!   CEP range; weight bands; a free-shipping threshold), replaced whole.
//! * `GET /shipping/methods` (`backoffice:read`): every method, in code order.
//! * `GET /shipping/quote?country&state&postal_code&lines=SKU:QTY,…` (`orders:write`, the
//!   storefront's checkout and staff taking an order): what each offered method would charge for
//!   those lines to that destination, from the products' weights and prices. A destination no
//!   offered method serves is 422 naming `country`.

use backoffice::AppContext;
use backoffice::domain::order::MAX_LINES;
use backoffice::domain::shipping::{self, Destination, MethodCode, QuoteError, RateInput, RateTable, ShippingMethod};
use backoffice::domain::{Currency, FieldError, Money, ShortText, Sku};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::StoreError;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("shipping", req, |req, _| async move {
        match http::route_key(&req).as_str() {
            "PUT /shipping/methods/{code}" => put_method(ctx, &req).await,
            "GET /shipping/methods" => methods(ctx, &req).await,
            "GET /shipping/quote" => quote(ctx, &req).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MethodBody {
    name: String,
    carrier: String,
    #[serde(default)]
    service_code: String,
    #[serde(default = "offered")]
    active: bool,
    currency: String,
    rates: Vec<RateInput>,
    #[serde(default)]
    free_over: Option<i64>,
}

fn offered() -> bool {
    true
}

fn parse_method(code: MethodCode, body: &MethodBody) -> Result<ShippingMethod, FieldError> {
    let currency = Currency::parse("currency", &body.currency)?;
    Ok(ShippingMethod {
        code,
        name: ShortText::parse("name", &body.name, 100)?.to_string(),
        carrier: ShortText::parse("carrier", &body.carrier, 100)?.to_string(),
        service_code: if body.service_code.is_empty() {
            String::new()
        } else {
            ShortText::parse("service_code", &body.service_code, 40)?.to_string()
        },
        active: body.active,
        table: RateTable::parse(currency, &body.rates, body.free_over)?,
    })
}

#[derive(Serialize)]
struct MethodView<'a> {
    #[serde(flatten)]
    method: &'a ShippingMethod,
    version: u64,
}

async fn put_method(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::STOCK_WRITE)?;
    let code = http::path_id(req, "code", MethodCode::parse)?;
    let body: MethodBody = http::json_body(req)?;
    let method = parse_method(code, &body)?;
    let before = ctx.store.shipping_method(&method.code).await?;
    let mut changes = ctx.store.changes();
    changes.shipping_method(before.as_ref(), &method)?;
    http::save_replaced(&ctx.store, changes, "shipping method").await?;
    let (status, version) = match &before {
        Some(b) => (StatusCode::OK, b.next_version()),
        None => (StatusCode::CREATED, 1),
    };
    tracing::info!(code = %method.code, zones = method.table.rates.len(), "shipping method saved");
    Ok(http::json(status, &MethodView { method: &method, version }))
}

async fn methods(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::READ)?;
    http::only_query_params(req, &[])?;
    let all = ctx.store.shipping_methods().await?;
    let items: Vec<MethodView> = all.iter().map(|m| MethodView { method: m, version: m.version() }).collect();
    Ok(http::json(StatusCode::OK, &serde_json::json!({ "items": items })))
}

/// `SKU:QTY,SKU:QTY`, each quantity from 1 to 1,000.
fn parse_lines(raw: &str) -> Result<Vec<(Sku, u64)>, FieldError> {
    let bad = || FieldError::new("lines", "must be SKU:QUANTITY pairs separated by commas, e.g. MUG-1:2,CAP-3:1");
    let lines: Vec<(Sku, u64)> = raw
        .split(',')
        .map(|pair| {
            let (sku, quantity) = pair.split_once(':').ok_or_else(bad)?;
            let quantity: u64 = quantity.trim().parse().map_err(|_| bad())?;
            if !(1..=1000).contains(&quantity) {
                return Err(FieldError::new("lines", "each quantity must be from 1 to 1000"));
            }
            Ok((Sku::parse("lines", sku.trim())?, quantity))
        })
        .collect::<Result<_, _>>()?;
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(FieldError::new("lines", format!("must have 1 to {MAX_LINES} lines")));
    }
    Ok(lines)
}

#[derive(Serialize)]
struct Offer<'a> {
    code: &'a MethodCode,
    name: &'a str,
    carrier: &'a str,
    price: Money,
    free: bool,
}

async fn quote(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::ORDERS_WRITE)?;
    http::only_query_params(req, &["country", "state", "postal_code", "lines"])?;
    let country = http::query_param(req, "country").ok_or_else(|| Problem::invalid("country", "is required"))?;
    let country = backoffice::domain::country::parse_country("country", &country)?;
    let postal = match http::query_param(req, "postal_code") {
        Some(p) if p.chars().count() > 20 => {
            return Err(Problem::invalid("postal_code", "must be at most 20 characters"));
        }
        Some(p) if country == "BR" => Some(shipping::cep("postal_code", &p)?),
        _ => None,
    };
    let state = http::query_param(req, "state").map(|s| s.trim().to_ascii_uppercase());
    if state.as_ref().is_some_and(|s| s.len() > 3 || !s.chars().all(|c| c.is_ascii_alphanumeric())) {
        return Err(Problem::invalid("state", "must be a state's code, e.g. SP"));
    }
    let lines = parse_lines(&http::query_param(req, "lines").ok_or_else(|| Problem::invalid("lines", "is required"))?)?;
    let skus: Vec<Sku> = lines.iter().map(|(s, _)| s.clone()).collect();
    let (items, methods) = products_and_methods(ctx, &skus).await?;
    let mut parcel_lines = Vec::with_capacity(lines.len());
    for (sku, quantity) in &lines {
        let item = items
            .iter()
            .find(|i| i.sku() == sku)
            .ok_or_else(|| Problem::invalid("lines", format!("{sku} is not in the catalog")))?;
        let total = item
            .catalog()
            .unit_price
            .checked_mul(*quantity)
            .map_err(|_| Problem::invalid("lines", "the total is out of range"))?;
        parcel_lines.push((item.catalog().weight_grams, *quantity, total));
    }
    let (grams, subtotal) = shipping::parcel(&parcel_lines).map_err(|i| {
        Problem::invalid(
            "lines",
            format!("{} has no weight: give it one (PUT /stock/{{sku}}, weight_grams)", lines[i].0),
        )
    })?;
    let to = Destination { country, state, postal };
    let mut offers = Vec::new();
    for m in methods.iter().filter(|m| m.active) {
        match m.table.quote(&to, grams, subtotal) {
            Ok(price) => offers.push(Offer {
                code: &m.code,
                name: &m.name,
                carrier: &m.carrier,
                price,
                free: price.amount() == 0,
            }),
            Err(QuoteError::NotServed | QuoteError::TooHeavy { .. } | QuoteError::Currency(_)) => {}
        }
    }
    if offers.is_empty() {
        return Err(Problem::invalid(
            "country",
            "no shipping method the shop offers serves this destination for this parcel",
        ));
    }
    offers.sort_by_key(|o| o.price.amount());
    Ok(http::json(StatusCode::OK, &serde_json::json!({ "weight_grams": grams, "subtotal": subtotal, "items": offers })))
}

/// The lines' products and the methods, one after the other: at once, a cold start would open a
/// second TLS connection to DynamoDB (a handshake costs more than the wait it saves).
async fn products_and_methods(
    ctx: &AppContext,
    skus: &[Sku],
) -> Result<(Vec<backoffice::domain::stock::StockItem>, Vec<ShippingMethod>), StoreError> {
    let items = ctx.store.stock_items(skus).await?;
    let methods = ctx.store.shipping_methods().await?;
    Ok((items, methods.into_iter().map(|m| m.into_inner()).collect()))
}
