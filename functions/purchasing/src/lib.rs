//! `purchasing`: the shop's suppliers and their terms per SKU.
//! * `PUT /suppliers/{id}` (`purchasing:write`): a supplier (name, contact e-mail, tax id checked
//!   as customers' are, currency, default lead time, notes), replaced whole.
//! * `GET /suppliers`, `GET /suppliers/{id}` (`purchasing:read`).
//! * `PUT /stock/{sku}/suppliers/{supplier_id}` (`purchasing:write`): what that supplier charges
//!   for the SKU (unit cost in its currency, lead time, minimum order quantity, pack size), and
//!   whether it is the SKU's preferred supplier (the first one always is).
//! * `GET /stock/{sku}/suppliers` (`purchasing:read`): the SKU's terms, preferred first.

use backoffice::AppContext;
use backoffice::domain::Sku;
use backoffice::domain::purchasing::{Supplier, SupplierId, SupplierInput, SupplierTerms, TermsInput};
use backoffice::http::{self, Problem, scopes};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("purchasing", req, |req, _| async move {
        match http::route_key(&req).as_str() {
            "PUT /suppliers/{id}" => put_supplier(ctx, &req).await,
            "GET /suppliers" => suppliers(ctx, &req).await,
            "GET /suppliers/{id}" => supplier(ctx, &req).await,
            "PUT /stock/{sku}/suppliers/{supplier_id}" => put_terms(ctx, &req).await,
            "GET /stock/{sku}/suppliers" => sku_suppliers(ctx, &req).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

#[derive(Serialize)]
struct Versioned<'a, T> {
    #[serde(flatten)]
    value: &'a T,
    version: u64,
}

async fn put_supplier(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::PURCHASING_WRITE)?;
    let id = http::path_id(req, "id", SupplierId::parse)?;
    let body: SupplierInput = http::json_body(req)?;
    let supplier = Supplier::parse(id, &body)?;
    let before = ctx.store.supplier(supplier.id()).await?;
    let mut changes = ctx.store.changes();
    changes.supplier(before.as_ref(), &supplier)?;
    http::save_replaced(&ctx.store, changes, "supplier").await?;
    let (status, version) = match &before {
        Some(b) => (StatusCode::OK, b.next_version()),
        None => (StatusCode::CREATED, 1),
    };
    tracing::info!(supplier = %supplier.id(), "supplier saved");
    Ok(http::json(status, &Versioned { value: &supplier, version }))
}

async fn suppliers(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::PURCHASING_READ)?;
    http::only_query_params(req, &[])?;
    let all = ctx.store.suppliers().await?;
    let items: Vec<_> = all.iter().map(|s| Versioned { value: &**s, version: s.version() }).collect();
    Ok(http::json(StatusCode::OK, &serde_json::json!({ "items": items })))
}

async fn supplier(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::PURCHASING_READ)?;
    let id = http::path_id(req, "id", SupplierId::parse)?;
    let found = ctx.store.supplier(&id).await?.ok_or_else(|| Problem::missing("supplier", &id))?;
    Ok(http::json(StatusCode::OK, &Versioned { value: &*found, version: found.version() }))
}

#[derive(Serialize)]
struct TermsView<'a> {
    #[serde(flatten)]
    terms: &'a SupplierTerms,
    preferred: bool,
    version: u64,
}

async fn put_terms(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::PURCHASING_WRITE)?;
    let sku = http::path_id(req, "sku", Sku::parse)?;
    let supplier_id = http::path_id(req, "supplier_id", SupplierId::parse)?;
    let body: TermsInput = http::json_body(req)?;
    if ctx.store.stock(&sku).await?.is_none() {
        return Err(Problem::not_found(format!("SKU {sku} is not registered")));
    }
    let supplier = ctx.store.supplier(&supplier_id).await?.ok_or_else(|| {
        Problem::invalid("supplier_id", format!("no supplier {supplier_id}; create it with PUT /suppliers/{{id}}"))
    })?;
    let terms = SupplierTerms::parse(sku.clone(), &supplier, &body)?;
    let current = ctx.store.sku_suppliers(&sku).await?;
    let before = current.terms.iter().find(|t| t.supplier_id() == &supplier_id).map(|t| t.version());
    // The first supplier of a SKU is its preferred one; later ones only when asked.
    let preferred = body.preferred || current.preferred.is_none();
    let mut changes = ctx.store.changes();
    changes.supplier_terms(before, &terms, preferred)?;
    http::save_replaced(&ctx.store, changes, "SKU's terms").await?;
    let status = if before.is_some() { StatusCode::OK } else { StatusCode::CREATED };
    let preferred = preferred || current.preferred.as_ref() == Some(&supplier_id);
    tracing::info!(%sku, supplier = %supplier_id, preferred, "supplier terms saved");
    Ok(http::json(status, &TermsView { terms: &terms, preferred, version: before.map_or(1, |v| v + 1) }))
}

async fn sku_suppliers(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::PURCHASING_READ)?;
    http::only_query_params(req, &[])?;
    let sku = http::path_id(req, "sku", Sku::parse)?;
    let found = ctx.store.sku_suppliers(&sku).await?;
    let mut items: Vec<TermsView> = found
        .terms
        .iter()
        .map(|t| TermsView {
            terms: t,
            preferred: found.preferred.as_ref() == Some(t.supplier_id()),
            version: t.version(),
        })
        .collect();
    items.sort_by_key(|t| !t.preferred);
    Ok(http::json(StatusCode::OK, &serde_json::json!({ "sku": sku, "items": items })))
}
