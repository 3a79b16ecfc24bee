//! `query-api`: every read-only HTTP route. Reads use GetItem or Query on a key or index —
//! never a Scan — and page with opaque cursors. Its IAM role can only read.

use backoffice::AppContext;
use backoffice::domain::replenishment::ReplenishmentStatus;
use backoffice::domain::search::SearchPrefix;
use backoffice::domain::{CustomerId, OrderId, Sku};
use backoffice::events::{StoredInstant, StoredPayload};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::audit::Days;
use backoffice::store::page::CursorOrStore;
use backoffice::store::page::{Page, parse_limit};
use backoffice::store::reports::SalesGroup;
use backoffice::views::{CustomerView, OrderView, ReturnView, StockView, etag};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

pub mod orders;

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("query-api", req, |req, _correlation_id| async move {
        // Each route checks exactly the scope template.yaml gives it (customer data: its own),
        // here, once for every route.
        let route = http::route_key(&req);
        let scope = if route == "GET /customers" || route.starts_with("GET /customers/") {
            scopes::CUSTOMERS_READ
        } else if route == "GET /audit" {
            scopes::AUDIT_READ
        } else {
            scopes::READ
        };
        http::identity::check(&req, scope)?;
        match route.as_str() {
            "GET /stock/{sku}" => stock(ctx, &req).await,
            "GET /stock/{sku}/movements" => movements(ctx, &req).await,
            "GET /stock" => stock_list(ctx, &req).await,
            "GET /replenishments" => replenishments(ctx, &req).await,
            "GET /orders" => orders::list(ctx, &req).await,
            "GET /overview" => overview(ctx, &req).await,
            "GET /audit" => audit(ctx, &req).await,
            "GET /orders/{id}" => order(ctx, &req).await,
            "GET /orders/{id}/payments" => order_payments(ctx, &req).await,
            "GET /orders/{id}/notifications" => order_notifications(ctx, &req).await,
            "GET /receivables" => receivables(ctx, &req).await,
            "GET /refunds-owed" => refunds_owed(ctx, &req).await,
            "GET /payments/review" => payment_reviews(ctx, &req).await,
            "GET /returns" => returns_list(ctx, &req).await,
            "GET /returns/{id}" => return_by_id(ctx, &req).await,
            "GET /orders/{id}/returns" => order_returns(ctx, &req).await,
            "GET /reports/sales" => sales_report(ctx, &req).await,
            "GET /customers" => customers_found(ctx, &req).await,
            "GET /customers/{id}" => customer(ctx, &req).await,
            "GET /customers/{id}/orders" => customer_orders(ctx, &req).await,
            "GET /customers/{id}/export" => export(ctx, &req).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

fn sku(req: &Request) -> Result<Sku, Problem> {
    http::path_id(req, "sku", Sku::parse)
}

pub(crate) fn paging(req: &Request) -> Result<(i32, Option<String>), Problem> {
    Ok((parse_limit(http::query_param(req, "limit").as_deref())?, http::query_param(req, "cursor")))
}

/// A listing's page, or the problem: a cursor this listing did not issue is the caller's error.
fn page_of<T>(page: Result<Page<T>, CursorOrStore>) -> Result<Page<T>, Problem> {
    Ok(page?)
}

fn page_result<T, U: serde::Serialize>(
    page: Result<Page<T>, CursorOrStore>,
    view: impl Fn(&T) -> U,
) -> Result<Response<Body>, Problem> {
    let page = page_of(page)?;
    Ok(http::json(
        StatusCode::OK,
        &Page { items: page.items.iter().map(view).collect(), next_cursor: page.next_cursor },
    ))
}

async fn stock(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &[])?;
    let sku = sku(req)?;
    let item =
        ctx.store.stock(&sku).await?.ok_or_else(|| Problem::not_found(format!("SKU {sku} is not registered")))?;
    Ok(http::with_header(http::json(StatusCode::OK, &StockView::of(&item)), "etag", &etag(item.version())))
}

async fn movements(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &["limit", "cursor"])?;
    let sku = sku(req)?;
    let (limit, cursor) = paging(req)?;
    page_result(ctx.store.movements(&sku, limit, cursor.as_deref()).await, Clone::clone)
}

/// The catalogue in SKU order; with `q`, the SKUs found by a SKU prefix or a word prefix of
/// their name (case and accents ignored); with `low=true`, those at or below their reorder point.
async fn stock_list(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &["low", "q", "limit", "cursor"])?;
    let (limit, cursor) = paging(req)?;
    let low = match http::query_param(req, "low").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(Problem::invalid("low", "must be true or false")),
    };
    let q = http::query_param(req, "q").map(|raw| SearchPrefix::parse("q", &raw)).transpose()?;
    let page = match (low, q) {
        (true, Some(_)) => return Err(Problem::invalid("q", "searches the whole catalogue: leave out low=true")),
        (true, None) => ctx.store.low_stock(limit, cursor.as_deref()).await,
        (false, Some(q)) => ctx.store.search_catalog(&q, limit, cursor.as_deref()).await,
        (false, None) => ctx.store.catalog(limit, cursor.as_deref()).await,
    };
    page_result(page, StockView::of)
}

/// Who changed what, newest first: by `actor` (a token's subject) or by one entity (`order`,
/// `sku`, `customer` or `return`, each naming its id).
async fn audit(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    const BY: [&str; 5] = ["actor", "order", "sku", "customer", "return"];
    http::only_query_params(req, &["actor", "order", "sku", "customer", "return", "from", "to", "limit", "cursor"])?;
    let (limit, cursor) = paging(req)?;
    let day = |name: &str| -> Result<Option<chrono::NaiveDate>, Problem> {
        http::query_param(req, name)
            .map(|v| {
                chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map_err(|_| Problem::invalid(name, "must be a day, YYYY-MM-DD"))
            })
            .transpose()
    };
    let days = Days { from: day("from")?, to: day("to")? };
    if let Days { from: Some(from), to: Some(to) } = days
        && to < from
    {
        return Err(Problem::invalid("to", "must not be before from"));
    }
    let given: Vec<(&str, String)> =
        BY.iter().filter_map(|name| http::query_param(req, name).map(|v| (*name, v))).collect();
    let [(by, value)] = given.as_slice() else {
        return Err(Problem::invalid("actor", "give exactly one of actor, order, sku, customer or return"));
    };
    let page = match *by {
        "actor" if !value.is_empty() && value.len() <= 256 => {
            ctx.store.audit_by(value, days, limit, cursor.as_deref()).await
        }
        "actor" => return Err(Problem::invalid("actor", "must be 1 to 256 characters")),
        "order" => {
            let id = OrderId::parse("order", value)?.to_string();
            ctx.store.audit_of("order", &id, days, limit, cursor.as_deref()).await
        }
        "return" => {
            let id = backoffice::domain::ReturnId::parse("return", value)?;
            ctx.store.audit_of("return", &id.to_string(), days, limit, cursor.as_deref()).await
        }
        "sku" => ctx.store.audit_of("sku", Sku::parse("sku", value)?.as_str(), days, limit, cursor.as_deref()).await,
        _ => {
            ctx.store
                .audit_of("customer", CustomerId::parse("customer", value)?.as_str(), days, limit, cursor.as_deref())
                .await
        }
    };
    page_result(page, Clone::clone)
}

/// What needs attention now: the counters the stream keeps, and the last 30 days' sales.
async fn overview(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &[])?;
    let now = chrono::Utc::now();
    let (overview, disputes, reviews, open) = futures::try_join!(
        ctx.store.overview(now),
        ctx.store.open_dispute_count(),
        ctx.store.open_review_count(),
        ctx.store.open_conversations()
    )?;
    let overdue = open.iter().filter(|c| ctx.response_target.overdue(c, now)).count();
    let body = serde_json::json!({
        "as_of": now, "counters": overview.counters, "receivables": overview.receivables, "sales": overview.sales,
        "payments": { "disputes_open": disputes, "reviews_open": reviews },
        "conversations": { "open": open.len(), "overdue": overdue },
    });
    Ok(http::json(StatusCode::OK, &body))
}

async fn replenishments(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &["status", "limit", "cursor"])?;
    let status = ReplenishmentStatus::parse("status", http::query_param(req, "status").as_deref().unwrap_or("open"))?;
    let (limit, cursor) = paging(req)?;
    let page = page_of(ctx.store.replenishments(status, limit, cursor.as_deref()).await)?;
    // `available_at_alert` is history; beside it, what is available now (one BatchGetItem).
    let skus = page.items.iter().filter_map(|r| Sku::parse("sku", &r.sku).ok()).collect::<Vec<_>>();
    let now: std::collections::HashMap<String, u64> =
        ctx.store.stock_items(&skus).await?.into_iter().map(|i| (i.sku().to_string(), i.available())).collect();
    let items: Vec<ReplenishmentView> = page
        .items
        .iter()
        .map(|r| ReplenishmentView { suggestion: r, available_now: now.get(&r.sku).copied().unwrap_or(0) })
        .collect();
    Ok(http::json(StatusCode::OK, &Page { items, next_cursor: page.next_cursor }))
}

#[derive(serde::Serialize)]
struct ReplenishmentView<'a> {
    #[serde(flatten)]
    suggestion: &'a backoffice::domain::replenishment::Replenishment,
    available_now: u64,
}

async fn order(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &[])?;
    let id = http::path_id(req, "id", OrderId::parse)?;
    let (order, events) = ctx.store.order_with_timeline(&id).await?.ok_or_else(|| Problem::missing("order", &id))?;
    // Personal fields need `customers:read`; without it the order is shown without them.
    let redacted;
    let shown = if http::identity::holds(req, scopes::CUSTOMERS_READ)? {
        OrderView::of(&order)
    } else {
        redacted = order.without_personal_data();
        OrderView::at(&redacted, order.version())
    };
    let view = OrderWithTimeline { order: shown, timeline: events.iter().map(TimelineEntry::new).collect() };
    Ok(http::with_header(http::json(StatusCode::OK, &view), "etag", &etag(order.version())))
}

/// An order with its timeline: every domain event of the order, oldest first.
#[derive(serde::Serialize)]
struct OrderWithTimeline<'a> {
    #[serde(flatten)]
    order: OrderView<'a>,
    timeline: Vec<TimelineEntry<'a>>,
}

/// One event as the timeline shows it, borrowed from its stored record.
#[derive(serde::Serialize)]
struct TimelineEntry<'a> {
    id: backoffice::domain::EventId,
    #[serde(rename = "type")]
    event_type: &'a str,
    at: StoredInstant<'a>,
    payload: StoredPayload<'a>,
}

impl<'a> TimelineEntry<'a> {
    fn new(e: &'a backoffice::store::events::TimelineEvent) -> Self {
        Self { id: e.event_id, event_type: &e.event_type, at: e.occurred_at(), payload: StoredPayload::of(&e.payload) }
    }
}

fn customer_id(req: &Request) -> Result<CustomerId, Problem> {
    http::path_id(req, "id", CustomerId::parse)
}

/// Customers by e-mail address (exact, normalised as on create) or by a word prefix of their
/// name (`q`, case and accents ignored); an erased customer matches neither.
async fn customers_found(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &["email", "q", "limit", "cursor"])?;
    let (limit, cursor) = paging(req)?;
    match (http::query_param(req, "email"), http::query_param(req, "q")) {
        (Some(raw), None) => {
            let email = backoffice::domain::contact::Email::parse("email", &raw)?;
            let found = ctx.store.customer_by_email(email.as_str()).await?;
            let items: Vec<CustomerView> = found.iter().map(CustomerView::of).collect();
            Ok(http::json(StatusCode::OK, &Page { items, next_cursor: None }))
        }
        (None, Some(raw)) => {
            let q = SearchPrefix::parse("q", &raw)?;
            if q.as_str().chars().count() < backoffice::store::customer_search::PREFIX_MIN {
                return Err(Problem::invalid("q", "must be at least 2 letters"));
            }
            page_result(ctx.store.customers_named(&q, limit, cursor.as_deref()).await, |c| {
                serde_json::to_value(CustomerView::of(c)).unwrap_or_default()
            })
        }
        (Some(_), Some(_)) => Err(Problem::invalid("q", "search by email or by q, not both")),
        // No search: the newest customers first.
        (None, None) => page_result(ctx.store.newest_customers(limit, cursor.as_deref()).await, |c| {
            serde_json::to_value(CustomerView::of(c)).unwrap_or_default()
        }),
    }
}

async fn customer(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &[])?;
    let id = customer_id(req)?;
    let c = ctx.store.customer(&id).await?.ok_or_else(|| Problem::missing("customer", &id))?;
    Ok(http::with_header(http::json(StatusCode::OK, &CustomerView::of(&c)), "etag", &etag(c.version())))
}

async fn customer_orders(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &["limit", "cursor"])?;
    let id = customer_id(req)?;
    let (limit, cursor) = paging(req)?;
    page_result(ctx.store.customer_orders(&id, limit, cursor.as_deref()).await, |o| {
        serde_json::to_value(OrderView::of(o)).unwrap_or_default()
    })
}

/// Everything held about a customer, as one JSON document (a data-subject access request).
/// The data-subject export (LGPD art. 18, GDPR art. 15 and 20): a documented document for the
/// person it is about, not the table's items (`CustomerExport` in `openapi.yaml`).
#[derive(serde::Serialize)]
struct CustomerExport<'a> {
    format: &'static str,
    exported_at: chrono::DateTime<chrono::Utc>,
    customer: CustomerView<'a>,
    consent_history: Vec<backoffice::domain::customer::Consent>,
    orders: Vec<ExportedOrder<'a>>,
    returns: Vec<ReturnView<'a>>,
    conversations: Vec<ExportedConversation>,
}

/// A conversation with the customer: what they wrote and what the shop answered (internal
/// notes are the staff's working notes, not correspondence, and stay out).
#[derive(serde::Serialize)]
struct ExportedConversation {
    conversation: backoffice::domain::conversation::Conversation,
    messages: Vec<backoffice::domain::conversation::Message>,
}

#[derive(serde::Serialize)]
struct ExportedOrder<'a> {
    order: OrderView<'a>,
    payments: &'a [backoffice::domain::payment::Payment],
    refunds: &'a [backoffice::domain::payment::Refund],
    notifications: &'a [backoffice::store::payments::Notification],
}

async fn export(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &[])?;
    let id = customer_id(req)?;
    let records = ctx.store.customer_records(&id).await?.ok_or_else(|| Problem::missing("customer", &id))?;
    let Some(customer) = &records.customer else {
        return Err(Problem::missing("customer", &id));
    };
    let mut conversations = Vec::new();
    for c in ctx.store.conversations_of(&id).await? {
        if let Some((c, messages)) = ctx.store.thread(&c.id).await? {
            let messages = messages
                .into_iter()
                .filter(|m| m.direction != backoffice::domain::conversation::Direction::Note)
                .collect();
            conversations.push(ExportedConversation { conversation: c.into_inner(), messages });
        }
    }
    let body = CustomerExport {
        format: "backoffice.customer-export/1",
        exported_at: chrono::Utc::now(),
        customer: CustomerView::of(customer),
        consent_history: customer.consent_history(),
        orders: records
            .orders
            .iter()
            .map(|(order, held)| ExportedOrder {
                order: OrderView::of(order),
                payments: &held.payments,
                refunds: &held.refunds,
                notifications: &held.notifications,
            })
            .collect(),
        returns: records.returns.iter().map(ReturnView::of).collect(),
        conversations,
    };
    Ok(http::json(StatusCode::OK, &body))
}

fn order_id(req: &Request) -> Result<OrderId, Problem> {
    http::path_id(req, "id", OrderId::parse)
}

/// Payments and refunds of an order, with its balance.
async fn order_payments(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &[])?;
    let id = order_id(req)?;
    let order = ctx.store.order(&id).await?.ok_or_else(|| Problem::missing("order", &id))?;
    let records = ctx.store.order_records(&id).await?;
    let body = serde_json::json!({
        "order_id": id,
        "payments": records.payments,
        "refunds": records.refunds,
        "balance": {
            "total": order.total(),
            "paid": order.amount_paid(),
            "refunded": order.amount_refunded(),
            "outstanding": order.outstanding(),
            "refund_due": order.refund_due(),
            "payment_status": order.payment_status(),
        },
    });
    Ok(http::json(StatusCode::OK, &body))
}

/// The notifications sent to the customer about an order (what the local sender recorded).
async fn order_notifications(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &[])?;
    let id = order_id(req)?;
    let mut records = ctx.store.order_records(&id).await?;
    records.notifications.sort_by(|a, b| a.event_id.cmp(&b.event_id));
    Ok(http::json(StatusCode::OK, &serde_json::json!({ "order_id": id, "items": records.notifications })))
}

/// Orders that still owe money, oldest first, and the outstanding total per currency.
async fn receivables(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &["limit", "cursor"])?;
    let (limit, cursor) = paging(req)?;
    let page = page_of(ctx.store.receivables(limit, cursor.as_deref()).await)?;
    let totals = ctx.store.receivable_totals().await?;
    let items: Vec<serde_json::Value> = page
        .items
        .iter()
        .map(|o| {
            serde_json::json!({
                "order_id": o.id(), "customer_id": o.customer_id(), "placed_at": o.placed_at(), "status": o.status(),
                "payment_status": o.payment_status(), "total": o.total(), "paid": o.amount_paid(), "outstanding": o.outstanding(),
            })
        })
        .collect();
    Ok(http::json(
        StatusCode::OK,
        &serde_json::json!({ "items": items, "next_cursor": page.next_cursor, "outstanding_by_currency": totals }),
    ))
}

async fn refunds_owed(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &["limit", "cursor"])?;
    let (limit, cursor) = paging(req)?;
    let page = page_of(ctx.store.refunds_owed(limit, cursor.as_deref()).await)?;
    let totals = ctx.store.refunds_owed_totals().await?;
    let items: Vec<serde_json::Value> = page
        .items
        .iter()
        .map(|o| {
            serde_json::json!({
                "order_id": o.id(), "customer_id": o.customer_id(), "placed_at": o.placed_at(),
                "cancelled_at": o.cancellation().as_ref().map_or(o.placed_at(), |c| c.at),
                "total": o.total(), "paid": o.amount_paid(), "refunded": o.amount_refunded(), "refund_due": o.refund_due(),
            })
        })
        .collect();
    Ok(http::json(
        StatusCode::OK,
        &serde_json::json!({ "items": items, "next_cursor": page.next_cursor, "refund_due_by_currency": totals }),
    ))
}

/// Gateway events set aside for a person, oldest first (resolved ones leave the list).
async fn payment_reviews(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &["limit", "cursor"])?;
    let (limit, cursor) = paging(req)?;
    page_result(ctx.store.open_reviews(limit, cursor.as_deref()).await, Clone::clone)
}

/// Daily sales per currency between two dates (inclusive, UTC days, at most 366 days).
async fn sales_report(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &["from", "to", "group_by"])?;
    let date = |name: &str| -> Result<chrono::NaiveDate, Problem> {
        let raw = http::query_param(req, name).ok_or_else(|| Problem::invalid(name, "is required (YYYY-MM-DD)"))?;
        chrono::NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
            .map_err(|_| Problem::invalid(name, "must be a date YYYY-MM-DD"))
    };
    let (from, to) = (date("from")?, date("to")?);
    if to < from {
        return Err(Problem::invalid("to", "must not be before from"));
    }
    if (to - from).num_days() > 366 {
        return Err(Problem::invalid("to", "at most 366 days per report"));
    }
    let group = match http::query_param(req, "group_by").as_deref() {
        None => None,
        Some("channel") => Some(SalesGroup::Channel),
        Some("promotion") => Some(SalesGroup::Promotion),
        Some(_) => return Err(Problem::invalid("group_by", "must be channel or promotion")),
    };
    let Some(group) = group else {
        let days = ctx.store.sales_report(from, to).await?;
        return Ok(http::json(StatusCode::OK, &serde_json::json!({ "from": from, "to": to, "days": days })));
    };
    let rows = ctx.store.sales_report_by(group, from, to).await?;
    let by = if group == SalesGroup::Channel { "channel" } else { "promotion" };
    Ok(http::json(StatusCode::OK, &serde_json::json!({ "from": from, "to": to, "group_by": by, "rows": rows })))
}

/// Returns in one status (`requested` unless asked), oldest first.
async fn returns_list(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &["status", "limit", "cursor"])?;
    let raw = http::query_param(req, "status").unwrap_or_else(|| "requested".into());
    let status: backoffice::domain::returns::ReturnStatus =
        serde_json::from_value(serde_json::Value::String(raw.clone())).map_err(|_| {
            Problem::invalid(
                "status",
                format!("'{raw}' is not a return status (requested, received, refunded, rejected, cancelled)"),
            )
        })?;
    let (limit, cursor) = paging(req)?;
    page_result(ctx.store.returns_in(status, limit, cursor.as_deref()).await, |r| {
        serde_json::to_value(ReturnView::of(r)).unwrap_or_default()
    })
}

async fn return_by_id(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &[])?;
    let id = http::path_id(req, "id", backoffice::domain::ReturnId::parse)?;
    let r = ctx.store.return_by_id(&id).await?.ok_or_else(|| Problem::missing("return", &id))?;
    Ok(http::with_header(http::json(StatusCode::OK, &ReturnView::of(&r)), "etag", &etag(r.version())))
}

/// An order's returns, oldest first (the order lists their ids; one BatchGetItem reads them).
async fn order_returns(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &[])?;
    let id = order_id(req)?;
    let order = ctx.store.order(&id).await?.ok_or_else(|| Problem::missing("order", &id))?;
    let returns = ctx.store.returns(order.return_ids()).await?;
    let items: Vec<ReturnView> = returns.iter().map(ReturnView::of).collect();
    Ok(http::json(StatusCode::OK, &serde_json::json!({ "order_id": id, "items": items })))
}
