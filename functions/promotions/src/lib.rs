//! `promotions`: the shop's coupons and automatic offers.
//! * `PUT /promotions/{code}` (`stock:write`, like prices): a promotion's terms, replaced whole
//!   (`active: false` pauses it). The code is compared as a coupon is typed: after Unicode
//!   normalisation and in upper case. An automatic promotion that is active joins the running
//!   list every order reads, in the same transaction.
//! * `GET /promotions` and `GET /promotions/{code}` (`backoffice:read`): the terms with how
//!   often each was redeemed and how many redemptions are left.
//!
//! Redemptions are counted by `place-order` in the order's own transaction and given back by the
//! order's cancellation or expiry: never here.

use backoffice::AppContext;
use backoffice::domain::promotion::{self, Promotion, PromotionCode, PromotionInput};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::promotions::{AutomaticList, PromotionWithCount};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("promotions", req, |req, _| async move {
        match http::route_key(&req).as_str() {
            "PUT /promotions/{code}" => put(ctx, &req).await,
            "GET /promotions" => list(ctx, &req).await,
            "GET /promotions/{code}" => one(ctx, &req).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

/// A promotion as the API shows it: its terms, version and redemptions.
#[derive(Serialize)]
struct PromotionView<'a> {
    #[serde(flatten)]
    promotion: &'a Promotion,
    version: u64,
    redeemed: u64,
    /// Redemptions left under its limit (absent: no limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    remaining: Option<u64>,
}

impl<'a> PromotionView<'a> {
    fn of(p: &'a Promotion, version: u64, redeemed: u64) -> Self {
        Self { promotion: p, version, redeemed, remaining: p.limit().map(|l| l.saturating_sub(redeemed)) }
    }
}

async fn put(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::STOCK_WRITE)?;
    let code = http::path_id(req, "code", PromotionCode::parse)?;
    let body: PromotionInput = http::json_body(req)?;
    let promotion = Promotion::parse(code, &body)?;
    let before = ctx.store.promotion(promotion.code()).await?;
    let running = ctx.store.automatic_promotions().await?;
    let (running_version, running_list) = match &running {
        Some(r) => (Some(r.version()), r.promotions.as_slice()),
        None => (None, &[][..]),
    };
    let list = promotion::automatic_after(running_list, &promotion)?.map(|promotions| AutomaticList { promotions });
    let mut changes = ctx.store.changes();
    changes.promotion(
        before.as_ref().map(|b| &b.promotion),
        &promotion,
        list.as_ref().map(|l| (running_version, l)),
    )?;
    http::save_replaced(&ctx.store, changes, "promotion (or the running automatic ones)").await?;
    let (status, version, redeemed) = match &before {
        Some(b) => (StatusCode::OK, b.promotion.next_version(), b.redeemed),
        None => (StatusCode::CREATED, 1, 0),
    };
    tracing::info!(code = %promotion.code(), automatic = promotion.is_automatic(), active = promotion.is_active(), "promotion saved");
    Ok(http::json(status, &PromotionView::of(&promotion, version, redeemed)))
}

async fn list(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::READ)?;
    http::only_query_params(req, &[])?;
    let all = ctx.store.promotions().await?;
    let items: Vec<PromotionView> = all.iter().map(view).collect();
    Ok(http::json(StatusCode::OK, &serde_json::json!({ "items": items })))
}

fn view(p: &PromotionWithCount) -> PromotionView<'_> {
    PromotionView::of(&p.promotion, p.promotion.version(), p.redeemed)
}

async fn one(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::require(req, scopes::READ)?;
    let code = http::path_id(req, "code", PromotionCode::parse)?;
    let found = ctx.store.promotion(&code).await?.ok_or_else(|| Problem::missing("promotion", &code))?;
    Ok(http::json(StatusCode::OK, &view(&found)))
}
