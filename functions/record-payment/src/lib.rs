//! `record-payment`: what the payment gateway captured (`POST /orders/{id}/payments`) and
//! refunded (`POST /orders/{id}/refunds`).
//!
//! The gateway reference is unique per order: a payment item keyed by it is inserted in the same
//! transaction as the order's new balance, and stores the response it got. Sending the
//! reference again replays that response; the same reference with another amount is 409. The
//! order is written only if its version is still the one the decision read, so two payments that
//! together exceed the balance cannot both pass: the second re-reads and is refused (422).

use backoffice::AppContext;
use backoffice::domain::gateway;
use backoffice::domain::order::Order;
use backoffice::domain::payment::{self, GatewayReference, Payment, PaymentError, PaymentMethod, Refund, RefundError};
use backoffice::domain::returns::ReturnError;
use backoffice::domain::text::Reason;
use backoffice::domain::{Money, OrderId, ReturnId};
use backoffice::http::command::{self, Decision, Idempotency, Loaded, respond};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::Versioned;
use backoffice::store::events::EventsOf;
use backoffice::store::loaded::Reads;
use backoffice::store::payments::MoneyRecord;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyBody {
    amount: i64,
    currency: String,
}

impl MoneyBody {
    fn parse(&self, field: &str) -> Result<Money, Problem> {
        let currency = backoffice::domain::Currency::parse(&format!("{field}.currency"), &self.currency)?;
        Ok(payment::positive(field, Money::new(self.amount, currency))?)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentBody {
    amount: MoneyBody,
    method: PaymentMethod,
    gateway_reference: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefundBody {
    amount: MoneyBody,
    reason: String,
    gateway_reference: String,
    return_id: Option<String>,
}

/// The answer to a payment or refund: the movement and the order's balance after it.
#[derive(Serialize)]
struct Recorded<'a, T> {
    #[serde(flatten)]
    movement: &'a T,
    order_id: String,
    balance: Balance,
}

#[derive(Serialize)]
pub struct Balance {
    pub total: Money,
    pub paid: Money,
    pub refunded: Money,
    pub outstanding: Money,
    pub refund_due: Money,
    pub payment_status: backoffice::domain::order::PaymentStatus,
}

impl From<&Order> for Balance {
    fn from(o: &Order) -> Self {
        Self {
            total: o.total(),
            paid: o.amount_paid(),
            refunded: o.amount_refunded(),
            outstanding: o.outstanding(),
            refund_due: o.refund_due(),
            payment_status: o.payment_status(),
        }
    }
}

pub async fn handler(ctx: &AppContext, req: Request) -> Response<Body> {
    http::serve("record-payment", req, |req, correlation_id| async move {
        match http::route_key(&req).as_str() {
            "POST /orders/{id}/payments" => pay(ctx, &req, &correlation_id).await,
            "POST /orders/{id}/refunds" => refund(ctx, &req, &correlation_id).await,
            "POST /payments/review/{id}/resolve" => resolve_review(ctx, &req).await,
            _ => Err(http::unknown_route(&req)),
        }
    })
    .await
}

fn order_id(req: &Request) -> Result<OrderId, Problem> {
    http::path_id(req, "id", OrderId::parse)
}

fn loaded_order(loaded: &Loaded, id: &OrderId) -> Result<Versioned<Order>, Problem> {
    loaded.order(id)?.ok_or_else(|| Problem::missing("order", id))
}

fn payment_problem(e: PaymentError) -> Problem {
    match e {
        PaymentError::Cancelled => {
            Problem::conflict("order-cancelled", "The order is cancelled", "a cancelled order takes no payments")
        }
        PaymentError::CurrencyMismatch { order, given } => {
            Problem::invalid("amount.currency", format!("the order is in {order}, not {given}"))
        }
        PaymentError::Overpayment { outstanding } => Problem::new(
            422,
            "overpayment",
            "More than is owed",
            format!("the order has {outstanding} outstanding; nothing was recorded"),
        )
        .with_field("amount.amount")
        .with("outstanding", outstanding),
        PaymentError::OverRefund { refundable } => Problem::new(
            422,
            "over-refund",
            "More than was paid",
            format!("at most {refundable} can still be refunded; nothing was recorded"),
        )
        .with_field("amount.amount")
        .with("refundable", refundable),
    }
}

fn refund_problem(e: RefundError) -> Problem {
    match e {
        RefundError::Payment(e) => payment_problem(e),
        RefundError::UnknownReturn => Problem::invalid("return_id", "no such return"),
        RefundError::ReturnOfAnotherOrder => Problem::invalid("return_id", "the return belongs to another order"),
        RefundError::Return(ReturnError::RefundExceedsDue { due }) => {
            Problem::invalid("amount.amount", format!("at most {due} is due for this return")).with("due", due)
        }
        RefundError::Return(other) => {
            Problem::conflict("return-status", "Return not refundable", other.to_string()).with_field("return_id")
        }
    }
}

/// A stored payment or refund with this reference: the same amount replays, another is 409.
fn replay_or_conflict<T>(
    ctx: &AppContext,
    stored: Option<MoneyRecord<T>>,
    amount: Money,
    amount_of: impl Fn(&T) -> Money,
) -> Result<Option<Decision>, Problem> {
    let Some(record) = stored else { return Ok(None) };
    if amount_of(&record.movement) != amount {
        return Err(Problem::conflict(
            "gateway-reference-reused",
            "Gateway reference already used",
            "this gateway reference was recorded with another amount",
        )
        .with_field("gateway_reference"));
    }
    let response =
        backoffice::store::idempotency::StoredResponse { status: 201, body: record.response, location: None };
    Ok(Some(Decision::new(ctx.store.changes(), response)))
}

async fn pay(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::PAYMENTS_WRITE)?;
    let id = order_id(req)?;
    let body: PaymentBody = http::json_body(req)?;
    let amount = body.amount.parse("amount")?;
    let reference = GatewayReference::parse("gateway_reference", &body.gateway_reference)?;
    let idem = Idempotency::of(req, &caller)?;
    let reads = Reads::new().order(&id).payment(&id, &reference);
    Ok(command::execute(&ctx.store, idem.as_ref(), reads, |loaded| {
        if let Some(replay) = replay_or_conflict(ctx, loaded.payment(&id, &reference)?, amount, |p| p.amount)? {
            return Ok(replay);
        }
        let order = loaded_order(loaded, &id)?;
        let now = chrono::Utc::now();
        let p = Payment { gateway_reference: reference.clone(), amount, method: body.method, recorded_at: now, recorded_by: caller.subject.clone() };
        let settled = payment::record_payment(&order, &p).map_err(payment_problem)?;
        let answer = Recorded { movement: &p, order_id: id.to_string(), balance: Balance::from(&settled.order) };
        let response = respond(StatusCode::CREATED, &answer, None)?;
        let mut changes = ctx.store.changes();
        changes.order(&order, &settled.order)?.payment(&id, &p, &response.body)?;
        changes.events(EventsOf::Order(&id), &settled.events, correlation_id, now)?;
        let status = settled.order.payment_status();
        Ok(Decision::new(changes, response).on_commit(move || {
            tracing::info!(order_id = %id, amount = amount.amount(), currency = %amount.currency(), ?status, "payment recorded")
        }))
    })
    .await)
}

async fn refund(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::PAYMENTS_WRITE)?;
    let id = order_id(req)?;
    let body: RefundBody = http::json_body(req)?;
    let amount = body.amount.parse("amount")?;
    let reference = GatewayReference::parse("gateway_reference", &body.gateway_reference)?;
    let reason = Reason::parse("reason", &body.reason)?;
    let return_id = body.return_id.as_deref().map(|r| ReturnId::parse("return_id", r)).transpose()?;
    let idem = Idempotency::of(req, &caller)?;
    let reads = Reads::new().order(&id).refund(&id, &reference).returns(return_id);
    Ok(command::execute(&ctx.store, idem.as_ref(), reads, |loaded| {
        if let Some(replay) = replay_or_conflict(ctx, loaded.refund(&id, &reference)?, amount, |r| r.amount)? {
            return Ok(replay);
        }
        let order = loaded_order(loaded, &id)?;
        let ret = return_id.as_ref().map(|r| loaded.return_of(r)).transpose()?.flatten();
        let now = chrono::Utc::now();
        let r = Refund {
            gateway_reference: reference.clone(),
            amount,
            reason: reason.clone(),
            return_id,
            recorded_at: now,
            recorded_by: caller.subject.clone(),
        };
        let refunded = payment::refund(&order, &r, ret.as_deref(), now).map_err(refund_problem)?;
        let answer = Recorded { movement: &r, order_id: id.to_string(), balance: Balance::from(&refunded.order) };
        let response = respond(StatusCode::CREATED, &answer, None)?;
        let mut changes = ctx.store.changes();
        changes.refund_recorded((&order, ret.as_ref()), &refunded, &r, &response.body, correlation_id)?;
        Ok(Decision::new(changes, response).on_commit(move || {
            tracing::info!(order_id = %id, amount = amount.amount(), currency = %amount.currency(), "refund recorded")
        }))
    })
    .await)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolveBody {
    note: String,
}

/// Closes a gateway event's review with the person's note. Money moves only through what the
/// person did (a manual payment or refund, an action at the provider); the review records it.
async fn resolve_review(ctx: &AppContext, req: &Request) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::PAYMENTS_WRITE)?;
    let id = http::path_id(req, "id", backoffice::domain::ReviewId::parse)?;
    let body: ResolveBody = http::json_body(req)?;
    let note = Reason::parse("note", &body.note)?;
    let idem = Idempotency::of(req, &caller)?;
    Ok(command::execute(&ctx.store, idem.as_ref(), Reads::new().review(&id), |loaded| {
        let before = loaded.review(&id)?.ok_or_else(|| Problem::missing("review", &id))?;
        let now = chrono::Utc::now();
        let next = gateway::resolve(&before, &caller.subject, note.clone(), now)
            .map_err(|e| Problem::conflict("review-resolved", "Review already resolved", e.to_string()))?;
        let response = respond(StatusCode::OK, &next, None)?;
        let mut changes = ctx.store.changes();
        changes.review(Some(&before), &next)?;
        Ok(Decision::new(changes, response)
            .on_commit(move || tracing::info!(review_id = %id, "payment review resolved")))
    })
    .await)
}
