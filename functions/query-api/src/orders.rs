//! `GET /orders`: the order listing, with the filters its indexes serve.

use crate::paging;
use backoffice::AppContext;
use backoffice::domain::CustomerId;
use backoffice::domain::channel::Channel;
use backoffice::http::{self, Problem, scopes};
use backoffice::store::order_list::{ListError, OrderFilter, OrderSummary};
use backoffice::store::page::Page;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

/// The query parameters `GET /orders` accepts (openapi.yaml documents each; a test holds them equal).
pub const PARAMS: [&str; 9] =
    ["status", "payment_status", "fulfillment_status", "customer_id", "channel", "from", "to", "limit", "cursor"];

pub async fn list(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    http::only_query_params(req, &PARAMS)?;
    let filter = filter(req)?;
    let (limit, cursor) = paging(req)?;
    let page = match ctx.store.list_orders(&filter, limit, cursor.as_deref()).await {
        Ok(page) => page,
        Err(ListError::Unserved(u)) => return Err(Problem::invalid(u.field, u.detail)),
        Err(ListError::Cursor) => return Err(Problem::invalid("cursor", "not a cursor this listing issued")),
        Err(ListError::Store(e)) => return Err(e.into()),
    };
    // Names are personal data: only for a caller allowed to read customers (one BatchGetItem).
    let names = if http::identity::holds(req, scopes::CUSTOMERS_READ)? && !page.items.is_empty() {
        let mut ids: Vec<&CustomerId> = page.items.iter().map(|o| &o.customer_id).collect();
        ids.sort_by_key(|id| id.to_string());
        ids.dedup();
        ctx.store.customer_names(&ids).await?
    } else {
        Default::default()
    };
    let items = page
        .items
        .iter()
        .map(|o| Summary { order: o, customer_name: names.get(&o.customer_id.to_string()).map(String::as_str) })
        .collect();
    Ok(http::json(StatusCode::OK, &Page { items, next_cursor: page.next_cursor }))
}

#[derive(serde::Serialize)]
struct Summary<'a> {
    #[serde(flatten)]
    order: &'a OrderSummary,
    /// Absent when the customer's data is erased or the caller may not read customers.
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_name: Option<&'a str>,
}

fn filter(req: &Request) -> Result<OrderFilter, Problem> {
    let param = |name: &str| http::query_param(req, name);
    let filter = OrderFilter {
        status: param("status").map(|v| choice("status", &v)).transpose()?,
        payment_status: param("payment_status").map(|v| choice("payment_status", &v)).transpose()?,
        fulfillment_status: param("fulfillment_status").map(|v| choice("fulfillment_status", &v)).transpose()?,
        customer: param("customer_id").map(|v| CustomerId::parse("customer_id", &v)).transpose()?,
        from: param("from").map(|v| instant("from", &v, NaiveTime::MIN)).transpose()?,
        to: param("to").map(|v| instant("to", &v, end_of_day())).transpose()?,
        channel: param("channel").map(|v| Channel::parse("channel", &v)).transpose()?,
    };
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to < from
    {
        return Err(Problem::invalid("to", "must not be before from"));
    }
    filter.check().map_err(|u| Problem::invalid(u.field, u.detail))?;
    Ok(filter)
}

/// One of an enum's values, as the API spells them.
fn choice<T: serde::de::DeserializeOwned + serde::Serialize>(field: &str, raw: &str) -> Result<T, Problem> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned())).map_err(|_| {
        Problem::invalid(
            field,
            format!("'{raw}' is not one of the values GET /orders accepts for {field} (see openapi.yaml)"),
        )
    })
}

fn end_of_day() -> NaiveTime {
    NaiveTime::from_hms_milli_opt(23, 59, 59, 999).unwrap_or(NaiveTime::MIN)
}

/// A date (`YYYY-MM-DD`, the whole UTC day: `from` its start, `to` its end) or an RFC 3339 instant.
fn instant(field: &str, raw: &str, time_of_day: NaiveTime) -> Result<DateTime<Utc>, Problem> {
    if let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return Ok(day.and_time(time_of_day).and_utc());
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Problem::invalid(field, "must be a date YYYY-MM-DD or an RFC 3339 instant"))
}
