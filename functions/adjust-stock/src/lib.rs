//! `adjust-stock`: catalog data (`PUT /stock/{sku}`) and quantity changes
//! (`POST /stock/{sku}/adjustments`). Each request reads the item, decides in the pure domain,
//! and writes the change, ledger line, events and idempotency record in one transaction. None of
//! these writes tests the item's version: a catalog update sets catalog fields only, a delta is a
//! commutative move conditioned on the counters (`available >= k` to take k away), and a count
//! is a compare-and-swap of on_hand itself — so orders reserving the same SKU never hold an
//! adjustment back. The low-stock listing follows from the table's stream (`stock-levels`).

mod import;
mod input;

use backoffice::AppContext;
use backoffice::domain::Sku;
use backoffice::domain::stock::{self, StockError, StockItem};
use backoffice::http::command::{self, Decision, Idempotency, respond};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::Versioned;
use backoffice::store::loaded::Reads;
use backoffice::views::StockView;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("adjust-stock", req, |req, correlation_id| async move {
        match http::route_key(&req).as_str() {
            "PUT /stock/{sku}" => register(ctx, &req, &correlation_id).await,
            "POST /stock/{sku}/adjustments" => adjust(ctx, &req).await,
            "POST /imports/catalog" => import::catalog(ctx, &req, &correlation_id).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

fn sku_from_path(req: &Request) -> Result<Sku, Problem> {
    http::path_id(req, "sku", Sku::parse)
}

pub(crate) fn loaded_stock(loaded: &command::Loaded, sku: &Sku) -> Result<Option<Versioned<StockItem>>, Problem> {
    Ok(loaded.stock_item(sku)?)
}

async fn register(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    http::identity::check(req, scopes::STOCK_WRITE)?;
    let sku = sku_from_path(req)?;
    let catalog = input::catalog(http::json_body(req)?)?;
    Ok(command::execute(&ctx.store, None, Reads::new().stock([sku.clone()]), |loaded| {
        registration(ctx, loaded, &sku, &catalog, correlation_id)
    })
    .await)
}

/// Registers a SKU or sets its catalogue data: 201 created, 200 updated (unchanged data is
/// written again only through `PUT`; an import leaves it alone, see `import`).
pub(crate) fn registration(
    ctx: &AppContext,
    loaded: &command::Loaded,
    sku: &Sku,
    catalog: &stock::Catalog,
    correlation_id: &str,
) -> Result<Decision, Problem> {
    let existing = loaded_stock(loaded, sku)?;
    let change = stock::register(existing.as_deref(), sku.clone(), catalog.clone(), chrono::Utc::now());
    let mut changes = ctx.store.changes();
    changes.registration(existing.as_ref(), &change, correlation_id)?;
    let answer = match &existing {
        Some(before) => respond(StatusCode::OK, &StockView::saved_over(before, &change.item), None)?,
        None => respond(StatusCode::CREATED, &StockView::created(&change.item), Some(format!("/stock/{sku}")))?,
    };
    Ok(Decision::new(changes, answer))
}

/// The movement and the item's counters as this adjustment leaves them (computed from the item
/// it read: orders reserving the same SKU at that moment may have moved `reserved` since).
#[derive(Serialize)]
struct AdjustmentResponse {
    movement: backoffice::store::stock::MovementView,
    stock: StockView,
}

async fn adjust(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::STOCK_WRITE)?;
    let sku = sku_from_path(req)?;
    let (adjustment, movement_context) = input::adjustment(http::json_body(req)?, &caller.subject)?;
    let idem = Idempotency::of(req, &caller)?;
    Ok(command::execute(&ctx.store, idem.as_ref(), Reads::new().stock([sku.clone()]), |loaded| {
        let item = loaded_stock(loaded, &sku)?
            .ok_or_else(|| Problem::not_found(format!("SKU {sku} is not registered; PUT /stock/{sku} first")))?;
        let change = stock::adjust(&item, adjustment.clone(), movement_context.clone(), chrono::Utc::now())
            .map_err(|e| stock_problem(e, &item))?;
        let movement = &change.movement;
        let mut changes = ctx.store.changes();
        changes.stock_write(&change.write, change.item.updated_at())?.movement(movement)?;
        let body = AdjustmentResponse { movement: movement.into(), stock: StockView::saved_over(&item, &change.item) };
        let (logged_sku, kind, delta) = (sku.clone(), movement.kind, movement.delta);
        Ok(Decision::new(changes, respond(StatusCode::CREATED, &body, None)?)
            .on_commit(move || tracing::info!(sku = %logged_sku, ?kind, delta, "stock adjusted")))
    })
    .await)
}

pub(crate) fn stock_problem(error: StockError, item: &StockItem) -> Problem {
    match error {
        StockError::BelowReserved { on_hand_after, reserved } => Problem::conflict(
            "below-reserved",
            "On hand would drop below reserved",
            format!("on_hand would become {on_hand_after} but {reserved} units are reserved for open orders"),
        )
        .with("on_hand", item.on_hand())
        .with("reserved", reserved)
        .with("on_hand_after", on_hand_after),
        StockError::CountMismatch { expected, current } => Problem::conflict(
            "count-mismatch",
            "The count is stale",
            format!(
                "expected_on_hand was {expected} but on_hand is {current}; recount or resubmit with the current figure"
            ),
        )
        .with_field("expected_on_hand")
        .with("current_on_hand", current),
        StockError::OutOfRange => {
            Problem::invalid("delta", format!("on_hand must stay within 0..={}", stock::MAX_ON_HAND))
        }
    }
}
