//! `sales-report`: keeps the daily sales report (per UTC day and currency: orders placed, gross
//! ordered, paid, refunded) from `order.placed`, `payment.recorded` and `refund.recorded`. Each
//! event is applied once — a marker named after the event id is written in the same transaction
//! as the counters — so redeliveries and replays change nothing twice. No order is ever scanned.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use backoffice::AppContext;
use backoffice::events::{DomainEvent, Envelope};
use backoffice::store::reports::SalesDelta;

pub async fn handler(ctx: &AppContext, event: SqsEvent) -> SqsBatchResponse {
    backoffice::sqs::consume(&event, |envelope| process(ctx, envelope)).await
}

async fn process(ctx: &AppContext, envelope: Envelope) -> Result<(), String> {
    let (money, delta) = match envelope.event().map_err(|e| format!("bad payload: {e}"))? {
        DomainEvent::OrderPlaced(p) => {
            (p.total, SalesDelta { orders_placed: 1, gross_ordered: p.total.amount(), ..Default::default() })
        }
        DomainEvent::PaymentRecorded(p) => (p.amount, SalesDelta { paid: p.amount.amount(), ..Default::default() }),
        DomainEvent::RefundRecorded(r) => (r.amount, SalesDelta { refunded: r.amount.amount(), ..Default::default() }),
        other => return Err(format!("{} does not belong on the reports queue", other.event_type())),
    };
    let day = envelope.occurred_at.date_naive();
    let applied = ctx
        .store
        .apply_to_sales_report(&envelope.id, day, money.currency().code(), &delta, chrono::Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(event_id = %envelope.id, %day, applied, "sales report");
    Ok(())
}
